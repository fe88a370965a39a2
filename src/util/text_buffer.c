#include "levyscore/text_buffer.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *text_buffer_reserve(struct text_buffer *text, size_t n)
{
    /* An empty buffer gets storage even for n = 0, so that the result is never NULL on success. */
    if (text->capacity - text->used < n || !text->data) {
        size_t capacity = text->capacity ? text->capacity : 4096;
        while (capacity - text->used < n)
            capacity *= 2;
        char *grown = realloc(text->data, capacity);
        if (!grown)
            return NULL;
        text->data = grown;
        text->capacity = capacity;
    }
    return text->data + text->used;
}

bool text_buffer_append(struct text_buffer *text, const char *data, size_t n)
{
    char *at = text_buffer_reserve(text, n);
    if (!at)
        return false;
    memcpy(at, data, n);
    text->used += n;
    return true;
}

bool text_buffer_vprintf(struct text_buffer *text, const char *format, va_list args)
{
    /* The first pass measures; args is used twice, so the second pass gets a copy. */
    va_list again;
    va_copy(again, args);
    int length = vsnprintf(NULL, 0, format, args);
    char *at = length < 0 ? NULL : text_buffer_reserve(text, (size_t)length + 1);
    if (at) {
        vsnprintf(at, (size_t)length + 1, format, again);
        text->used += (size_t)length;
    }
    va_end(again);
    return at != NULL;
}

const char *text_tsv_escape(char c)
{
    switch (c) {
    case '\t':
        return "\\t";
    case '\n':
        return "\\n";
    case '\r':
        return "\\r";
    case '\\':
        return "\\\\";
    default:
        return NULL;
    }
}

void text_buffer_free(struct text_buffer *text)
{
    free(text->data);
    *text = (struct text_buffer){0};
}
