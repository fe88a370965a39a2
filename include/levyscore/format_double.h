#ifndef LEVYSCORE_FORMAT_DOUBLE_H
#define LEVYSCORE_FORMAT_DOUBLE_H

#include <stddef.h>

/* Longest text format_double writes, without the terminating NUL. */
#define FORMAT_DOUBLE_MAX 32

/*
 * Write the shortest decimal that reads back (strtod, C locale) to exactly value, in the C
 * locale whatever the environment, and return its length. Among the shortest, the one closest
 * to value is written. The layout is Python's repr(float) without the ".0" of integral values:
 * plain notation when the exponent X of the first digit is in [-4, 15] ("0.0001234", "5",
 * "123456"), otherwise d.ddde+XX with at least two exponent digits ("1e-05", "1e+16",
 * "1.414213562373095e-200"). Non-finite values are spelled as C's printf spells them: "nan"
 * (for every NaN), "inf", "-inf"; -0 is written "-0". buffer holds at least
 * FORMAT_DOUBLE_MAX + 1 bytes; the text is NUL-terminated and at most 24 bytes long.
 */
size_t format_double(char *buffer, double value);

#endif
