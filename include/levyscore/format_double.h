#ifndef LEVYSCORE_FORMAT_DOUBLE_H
#define LEVYSCORE_FORMAT_DOUBLE_H

#include <stddef.h>

/* Longest text format_double writes, without the terminating NUL. */
#define FORMAT_DOUBLE_MAX 32

/*
 * Write the shortest decimal that reads back (strtod, C locale) to exactly value, in the C
 * locale whatever the environment, and return its length. Non-finite values are spelled as C's
 * printf spells them: "nan", "inf", "-inf"; -0 is written "-0". buffer holds at least
 * FORMAT_DOUBLE_MAX + 1 bytes; the text is NUL-terminated.
 */
size_t format_double(char *buffer, double value);

#endif
