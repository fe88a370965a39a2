#include "levyscore/parse_double.h"

#include <stdlib.h>
#include <string.h>

/* TODO: strtod on a NUL-terminated copy is exact but slow; a fast path is planned. */
bool parse_double(const char *begin, const char *end, double *value)
{
    size_t length = (size_t)(end - begin);
    if (length == 0)
        return false;

    /* strtod would take hexadecimal floats and skip leading spaces. */
    const char *digits = begin + (*begin == '+' || *begin == '-');
    if (digits < end && (*digits == ' ' || *digits == '\t' || *digits == '\n' || *digits == '\r' || *digits == '\f' ||
                         *digits == '\v'))
        return false;
    if (end - digits >= 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X'))
        return false;
    if (*begin == ' ' || *begin == '\t')
        return false;

    char small[128];
    char *text = length < sizeof small ? small : malloc(length + 1);
    if (!text)
        return false;
    memcpy(text, begin, length);
    text[length] = '\0';

    char *stop;
    double parsed = strtod(text, &stop);
    bool ok = stop == text + length;
    if (text != small)
        free(text);
    if (ok)
        *value = parsed;
    return ok;
}
