/* Splitting one line of delimited text into fields, and tests on a field's text. */
#ifndef LEVYSCORE_CSV_FIELDS_H
#define LEVYSCORE_CSV_FIELDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "levyscore/error.h"

/* Text of one field, without the spaces around it and, when quoted, without its quotes. */
struct csv_field {
    const char *begin;
    const char *end;
};

/*
 * Fields of the line last split. Unquoted fields point into the line, quoted ones into unquoted
 * (their text with "" turned into "), so the fields are valid while the line is and until the
 * next split.
 */
struct csv_fields {
    struct csv_field *items;
    size_t count;               /* fields on the line */
    size_t stored;              /* fields in items: count, or max_fields when the line has more */
    size_t capacity;
    char *unquoted;
    size_t unquoted_capacity;
};

/*
 * Split line[0..length) at delimiter into fields, storing at most max_fields of them (count still
 * counts them all). Spaces and tabs around a field are dropped, unless one of them is the
 * delimiter. A space delimiter means whitespace, as numpy.loadtxt reads it by default: a run of
 * spaces and tabs is one delimiter, and those at the start and end of the line are dropped, so
 * no field is empty. A field may be quoted with '"' (RFC 4180, "" inside for one quote), but a
 * quoted field cannot span lines. Returns false with error set, naming line_number, on an
 * unterminated quote, text after a closing quote, or out of memory.
 */
bool csv_fields_split(struct csv_fields *fields, const char *line, size_t length, char delimiter, size_t max_fields,
                      uint64_t line_number, struct error *error);

void csv_fields_free(struct csv_fields *fields);

/* True for a line of nothing but spaces and tabs (other than the delimiter, unless it is a space). */
bool csv_line_is_blank(const char *line, size_t length, char delimiter);

/* True for a field that parse_double reads. */
bool csv_field_is_number(const struct csv_field *field);

/*
 * True for a field that is no number but looks like one written in another convention: a decimal
 * comma (0,5) or an MSVC spelling such as 1.#INF.
 */
bool csv_field_is_foreign_number(const struct csv_field *field);

/* True for a field that starts with a digit, or with a sign or point and a digit. */
bool csv_field_starts_like_number(const struct csv_field *field);

/* True for a non-empty field that is neither a number nor a foreign number: a name or an id. */
bool csv_field_is_text(const struct csv_field *field);

/* True when the field's text is exactly text. */
bool csv_field_equals(const struct csv_field *field, const char *text);

#endif
