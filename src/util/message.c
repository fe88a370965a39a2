#include "levyscore/message.h"

#include <stdarg.h>
#include <stdio.h>

static void message_print(const char *kind, const char *where, const char *format, va_list args)
{
    /* One fputs-sized line in one stdio call keeps lines whole when several processes share
     * a terminal or a log. */
    char text[2048];
    vsnprintf(text, sizeof text, format, args);
    if (where)
        fprintf(stderr, "levyscore: %s: %s%s\n", where, kind, text);
    else
        fprintf(stderr, "levyscore: %s%s\n", kind, text);
}

void message_error(const char *where, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    message_print("", where, format, args);
    va_end(args);
}

void message_warning(const char *where, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    message_print("warning: ", where, format, args);
    va_end(args);
}

void message_note(const char *where, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    message_print("", where, format, args);
    va_end(args);
}

void message_progress(const char *where, const char *format, ...)
{
    char text[512];
    va_list args;
    va_start(args, format);
    vsnprintf(text, sizeof text, format, args);
    va_end(args);
    fprintf(stderr, "\rlevyscore: %s: %s\033[K", where, text);
    fflush(stderr);
}

void message_progress_clear(void)
{
    fputs("\r\033[K", stderr);
    fflush(stderr);
}
