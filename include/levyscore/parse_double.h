#ifndef LEVYSCORE_PARSE_DOUBLE_H
#define LEVYSCORE_PARSE_DOUBLE_H

#include <stdbool.h>

/*
 * Parse all of [begin, end) as one number and store it in *value, correctly rounded as strtod
 * rounds in the C locale, whatever the environment's locale. The number is an optional sign, then
 * decimal digits with an optional '.' and an optional exponent, or nan, inf or infinity in any
 * case (nan(...) included).
 * Out-of-range numbers become +-inf or +-0 as with strtod, and errno is left unchanged. The
 * payload of nan(...) is not decoded: the result is the default quiet NaN with the text's sign.
 * Hexadecimal floats, spaces, and any trailing character are rejected. The text need not be
 * NUL-terminated; no byte at or after end is read. Returns false when the text is not entirely
 * a number; *value is then unchanged.
 */
bool parse_double(const char *begin, const char *end, double *value);

#endif
