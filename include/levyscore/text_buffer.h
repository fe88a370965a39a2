#ifndef LEVYSCORE_TEXT_BUFFER_H
#define LEVYSCORE_TEXT_BUFFER_H

#include <stdbool.h>
#include <stddef.h>

/* A growable byte buffer for composing output text; zero-initialise it to start empty. */
struct text_buffer {
    char *data;
    size_t used;
    size_t capacity;
};

/* Append n bytes; returns false when memory runs out. */
bool text_buffer_append(struct text_buffer *text, const char *data, size_t n);

/* Make room for n more bytes and return where they go; the caller then adds to text->used. */
char *text_buffer_reserve(struct text_buffer *text, size_t n);

#include <stdarg.h>

/* Append printf-formatted text; returns false when memory runs out or the format fails. */
bool text_buffer_vprintf(struct text_buffer *text, const char *format, va_list args);

/* TSV spelling of a character that cannot stand in a field (tab, CR, LF, backslash as \t, \r,
 * \n, \\), or NULL for any other character. */
const char *text_tsv_escape(char c);

void text_buffer_free(struct text_buffer *text);

#endif
