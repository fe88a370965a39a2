#include "levyscore/format_double.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* printf and strtod follow LC_NUMERIC; levyscore never calls setlocale, so both stay in the
 * C locale and use '.' whatever the environment says. */
size_t format_double(char *buffer, double value)
{
    if (isnan(value))
        return (size_t)snprintf(buffer, FORMAT_DOUBLE_MAX + 1, "nan");
    if (isinf(value))
        return (size_t)snprintf(buffer, FORMAT_DOUBLE_MAX + 1, value > 0 ? "inf" : "-inf");

    /* TODO: 15 to 17 significant digits with a strtod check is correct but slow; a Ryu-style
     * shortest printer would do it in one pass. */
    int length = 0;
    for (int digits = 15; digits <= 17; digits++) {
        length = snprintf(buffer, FORMAT_DOUBLE_MAX + 1, "%.*g", digits, value);
        if (strtod(buffer, NULL) == value)
            break;
    }
    return (size_t)length;
}
