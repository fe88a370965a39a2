#ifndef LEVYSCORE_FORMAT_DOUBLE_H
#define LEVYSCORE_FORMAT_DOUBLE_H

#include <stddef.h>

/* Room for the text of format_double without its terminating NUL; the longest text is 24 bytes. */
#define FORMAT_DOUBLE_MAX 32

/*
 * Write the shortest decimal that reads back (strtod, C locale) to exactly value, in the C
 * locale whatever the environment, and return its length. Among the shortest, the one closest
 * to value is written. The layout is Python's repr(float) without the ".0" of integral values:
 * plain notation when the exponent X of the first digit is in [-4, 15] ("0.0001234", "5",
 * "123456"), otherwise d.ddde+XX with at least two exponent digits ("1e-05", "1e+16",
 * "1.414213562373095e-200"). Non-finite values are spelled as C's printf spells them: "nan"
 * (for every NaN), "inf", "-inf"; -0 is written "-0". buffer has room for at least
 * FORMAT_DOUBLE_MAX + 1 bytes, and the text is NUL-terminated.
 */
size_t format_double(char *buffer, double value);

#endif
