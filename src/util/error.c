#include "levyscore/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void error_set(struct error *error, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    vsnprintf(error->text, sizeof error->text, format, args);
    va_end(args);
}

void error_set_errno(struct error *error, int errnum, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    int length = vsnprintf(error->text, sizeof error->text, format, args);
    va_end(args);
    if (length < 0 || (size_t)length >= sizeof error->text)
        return;
    snprintf(error->text + length, sizeof error->text - (size_t)length, ": %s", strerror(errnum));
}
