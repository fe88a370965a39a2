#include "csv_detect.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "levyscore/limits.h"

/* Largest column number --columns and --id-column take; far above ROW_WIDTH_MAX, and small
 * enough that parsing cannot overflow. */
#define COLUMN_NUMBER_MAX 1000000000000ull

char csv_detect_delimiter(const char *line, size_t length)
{
    static const char candidates[] = {',', '\t', ';'};
    size_t counts[3] = {0};
    bool quoted = false;
    for (size_t i = 0; i < length; i++) {
        if (line[i] == '"')
            quoted = !quoted;
        for (size_t c = 0; c < 3 && !quoted; c++)
            counts[c] += line[i] == candidates[c];
    }

    size_t best = 0;
    for (size_t c = 1; c < 3; c++)
        if (counts[c] > counts[best])
            best = c;
    if (counts[best] > 0)
        return candidates[best];

    /* A space between two fields, not just around one. */
    size_t begin = 0, end = length;
    while (begin < end && (line[begin] == ' ' || line[begin] == '\t'))
        begin++;
    while (end > begin && (line[end - 1] == ' ' || line[end - 1] == '\t'))
        end--;
    return memchr(line + begin, ' ', end - begin) ? ' ' : 0;
}

/*
 * A field of a first line that only a header contains: an empty first field, or text that does
 * not start like a number. A mistyped number such as "3 " in quotes is then reported as one.
 */
static bool is_header_field(const struct csv_fields *line, size_t column)
{
    const struct csv_field *field = &line->items[column];
    if (column == 0 && field->begin == field->end)
        return true;
    return csv_field_is_text(field) && !csv_field_starts_like_number(field);
}

bool csv_detect_header(const struct csv_fields *first, const struct csv_fields *second)
{
    bool first_has_numbers = false;
    for (size_t c = 0; c < first->stored; c++)
        if (csv_field_is_number(&first->items[c]))
            first_has_numbers = true;
    bool second_has_numbers = false;
    for (size_t c = 0; second && c < second->stored; c++)
        if (csv_field_is_number(&second->items[c]))
            second_has_numbers = true;

    for (size_t c = 0; c < first->stored; c++) {
        if (!is_header_field(first, c))
            continue;
        if (second_has_numbers) {
            if (c < second->stored && csv_field_is_number(&second->items[c]))
                return true;
            continue;
        }
        /* A lone line of text and then numbers is an id and its vector. */
        if (!second && c == 0 && first_has_numbers)
            continue;
        return true;
    }
    return false;
}

bool csv_is_pandas_default_header(const struct csv_fields *line)
{
    if (line->stored < 2 || line->stored != line->count)
        return false;
    char name[24];
    for (size_t c = 0; c < line->stored; c++) {
        snprintf(name, sizeof name, "%zu", c);
        if (!csv_field_equals(&line->items[c], name))
            return false;
    }
    return true;
}

void csv_note_add(char *note, size_t note_size, const char *format, ...)
{
    size_t used = strlen(note);
    if (used > 0 && used + 2 < note_size) {
        strcpy(note + used, "; ");
        used += 2;
    }
    va_list args;
    va_start(args, format);
    vsnprintf(note + used, note_size - used, format, args);
    va_end(args);
}

/* Read a decimal column number at *at and move past it. */
static bool read_column_number(const char **at, uint64_t *number)
{
    const char *digits = *at;
    uint64_t value = 0;
    while (**at >= '0' && **at <= '9' && value <= COLUMN_NUMBER_MAX) {
        value = value * 10 + (uint64_t)(**at - '0');
        (*at)++;
    }
    *number = value;
    return *at > digits && value <= COLUMN_NUMBER_MAX;
}

/*
 * Mark the columns of a list such as "1,3,5-9" or "2-" (to the last column) in mask. The command
 * line has checked the syntax already; columns past the last field are found here.
 */
static bool parse_column_list(const char *text, bool *mask, size_t field_count, uint64_t first_line,
                              struct error *error)
{
    const char *at = text;
    for (;;) {
        uint64_t first, last;
        if (!read_column_number(&at, &first) || first == 0)
            goto invalid;
        last = first;
        if (*at == '-') {
            at++;
            if (*at == ',' || *at == '\0')
                last = field_count > first ? field_count : first;
            else if (!read_column_number(&at, &last) || last < first)
                goto invalid;
        }
        if (last > field_count) {
            error_set(error, "option --columns: column %" PRIu64 " is beyond the %zu fields of line %" PRIu64,
                      first > field_count ? first : last, field_count, first_line);
            return false;
        }
        for (uint64_t c = first; c <= last; c++)
            mask[c - 1] = true;
        if (*at == '\0')
            return true;
        if (*at != ',')
            goto invalid;
        at++;
    }

invalid:
    error_set(error, "option --columns: '%.100s' is not a list of 1-based columns and ranges such as 2-385 or 1,3,5-9",
              text);
    return false;
}

/* Find the column --id-column names: digits are a 1-based number, anything else a header name. */
static bool find_id_column(const char *wanted, const struct csv_fields *header, size_t field_count,
                           uint64_t first_line, size_t *field, struct error *error)
{
    const char *at = wanted;
    uint64_t number;
    if (read_column_number(&at, &number) && *at == '\0') {
        if (number == 0 || number > field_count) {
            error_set(error, "option --id-column: column %.40s is not among the %zu fields of line %" PRIu64
                             " (columns count from 1)", wanted, field_count, first_line);
            return false;
        }
        *field = (size_t)number - 1;
        return true;
    }

    if (!header) {
        error_set(error, "option --id-column: the input has no header line to find '%.100s' in; give the column "
                         "number instead", wanted);
        return false;
    }
    for (size_t c = 0; c < header->stored; c++)
        if (csv_field_equals(&header->items[c], wanted)) {
            *field = c;
            return true;
        }
    error_set(error, "option --id-column: no column named '%.100s' in the header line (line %" PRIu64 ")", wanted,
              first_line);
    return false;
}

/* Reason to take the first column as the id column, or NULL when nothing suggests it. */
static const char *id_column_reason(const struct csv_fields *header, const struct csv_fields *data,
                                    size_t field_count)
{
    if (field_count < 2)
        return NULL;
    if (header) {
        const struct csv_field *name = &header->items[0];
        size_t length = (size_t)(name->end - name->begin);
        if (length == 0)
            return "its header name is empty, as for the index pandas writes";
        if (length == 2 && strncasecmp(name->begin, "id", 2) == 0)
            return "its header name is id";
    }
    if (data && data->stored > 0 && csv_field_is_text(&data->items[0]))
        return "its value on the first data line is not a number";
    return NULL;
}

/* Pick the id column into columns and drop it from mask; explicit is true when mask came from --columns. */
static bool select_id_column(const struct reader_options *options, const struct csv_fields *header,
                             const struct csv_fields *data, size_t field_count, uint64_t first_line, bool *mask,
                             bool explicit, struct csv_columns *columns, char *note, size_t note_size,
                             struct error *error)
{
    if (options->id_column) {
        size_t field;
        if (!find_id_column(options->id_column, header, field_count, first_line, &field, error))
            return false;
        if (explicit && mask[field]) {
            error_set(error, "column %zu is both the --id-column and one of the --columns", field + 1);
            return false;
        }
        columns->has_id = true;
        columns->id_field = field;
        mask[field] = false;
        csv_note_add(note, note_size, "id column %zu (--id-column)", field + 1);
        return true;
    }

    /* The user's --columns decide about column 1 when they name it. */
    if (explicit && mask[0])
        return true;
    const char *reason = id_column_reason(header, data, field_count);
    if (!reason)
        return true;
    columns->has_id = true;
    columns->id_field = 0;
    mask[0] = false;
    csv_note_add(note, note_size, "id column 1 detected: %s (--id-column names another)", reason);
    return true;
}

bool csv_columns_select(const struct reader_options *options, const struct csv_fields *header,
                        const struct csv_fields *data, size_t field_count, uint64_t first_line,
                        struct csv_columns *columns, char *note, size_t note_size, struct error *error)
{
    *columns = (struct csv_columns){0};
    bool *mask = calloc(field_count, sizeof *mask);
    if (!mask) {
        error_set(error, "out of memory");
        return false;
    }

    bool explicit = options->columns != NULL;
    bool ok = true;
    if (explicit)
        ok = parse_column_list(options->columns, mask, field_count, first_line, error);
    else
        memset(mask, 1, field_count * sizeof *mask);
    ok = ok && select_id_column(options, header, data, field_count, first_line, mask, explicit, columns, note,
                                note_size, error);

    for (size_t c = 0; ok && c < field_count; c++)
        columns->width += mask[c];
    if (ok && columns->width == 0) {
        error_set(error, "no embedding columns: line %" PRIu64 " has %zu fields and none is left for values",
                  first_line, field_count);
        ok = false;
    }
    if (ok) {
        columns->fields = malloc(columns->width * sizeof *columns->fields);
        ok = columns->fields != NULL;
        if (!ok)
            error_set(error, "out of memory");
    }
    for (size_t c = 0, i = 0; ok && c < field_count; c++)
        if (mask[c])
            columns->fields[i++] = c;
    free(mask);

    if (ok)
        csv_note_add(note, note_size, "%zu values per row%s", columns->width, explicit ? " (--columns)" : "");
    return ok;
}

void csv_columns_free(struct csv_columns *columns)
{
    free(columns->fields);
    *columns = (struct csv_columns){0};
}
