/* Layout detection for delimited text: delimiter, header line, id and embedding columns. */
#ifndef LEVYSCORE_CSV_DETECT_H
#define LEVYSCORE_CSV_DETECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "csv_fields.h"
#include "levyscore/error.h"
#include "levyscore/reader.h"

/*
 * Delimiter of a first line: of comma, tab and semicolon, the one that splits it into the most
 * fields outside quotes (ties in that order). Without any of them, a space when the line has
 * one between fields (numpy.savetxt's default), else 0: the line is a single field.
 */
char csv_detect_delimiter(const char *line, size_t length);

/*
 * Whether first is a header line. It is when one of its fields is text that does not start like
 * a number (so neither 0.5 nor 0,5 nor 1.#INF), or when its first field is empty (the unnamed
 * index column pandas writes). When second, the next line, has number fields, only text in
 * those columns counts: a column of ids that are text on every line is no sign of a header.
 * Without a second line, text in the first field followed by numbers is an id, not a name.
 */
bool csv_detect_header(const struct csv_fields *first, const struct csv_fields *second);

/* Whether line is 0,1,...,K-1 with K >= 2: the column names pandas writes for a bare array. */
bool csv_is_pandas_default_header(const struct csv_fields *line);

/* The columns a row is read from. */
struct csv_columns {
    size_t *fields;             /* 0-based field of each embedding value, in file order */
    size_t width;
    bool has_id;
    size_t id_field;            /* 0-based */
};

/*
 * Pick the id and embedding columns from options->id_column and options->columns, or detect
 * the id column. header is the header line (NULL without one), data the first data line (NULL
 * when there is none), field_count the fields of every line, first_line the line number field
 * counts come from. Appends what was decided to note. Returns false with error set.
 */
bool csv_columns_select(const struct reader_options *options, const struct csv_fields *header,
                        const struct csv_fields *data, size_t field_count, uint64_t first_line,
                        struct csv_columns *columns, char *note, size_t note_size, struct error *error);

void csv_columns_free(struct csv_columns *columns);

/* Append a printf-formatted piece to note, separated from what is there by "; ". */
void csv_note_add(char *note, size_t note_size, const char *format, ...) MESSAGE_PRINTF(3, 4);

#endif
