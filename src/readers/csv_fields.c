#include "csv_fields.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "levyscore/parse_double.h"

static bool is_space(char c, char delimiter)
{
    return (c == ' ' || c == '\t') && c != delimiter;
}

/* Store one more field, or only count it once max_fields are stored. */
static bool add_field(struct csv_fields *fields, const char *begin, const char *end, size_t max_fields,
                      struct error *error)
{
    if (fields->count < max_fields) {
        if (fields->count == fields->capacity) {
            size_t capacity = fields->capacity ? fields->capacity * 2 : 64;
            if (capacity > max_fields)
                capacity = max_fields;
            struct csv_field *grown = realloc(fields->items, capacity * sizeof *grown);
            if (!grown) {
                error_set(error, "out of memory for %zu fields", capacity);
                return false;
            }
            fields->items = grown;
            fields->capacity = capacity;
        }
        fields->items[fields->count] = (struct csv_field){begin, end};
        fields->stored = fields->count + 1;
    }
    fields->count++;
    return true;
}

/* Split a line without quotes: every delimiter ends a field. */
static bool split_plain(struct csv_fields *fields, const char *line, size_t length, char delimiter, size_t max_fields,
                        struct error *error)
{
    const char *end = line + length;
    const char *at = line;
    for (;;) {
        const char *stop = memchr(at, delimiter, (size_t)(end - at));
        if (!stop)
            stop = end;
        const char *begin = at;
        const char *last = stop;
        while (begin < last && is_space(*begin, delimiter))
            begin++;
        while (last > begin && is_space(last[-1], delimiter))
            last--;
        if (!add_field(fields, begin, last, max_fields, error))
            return false;
        if (stop == end)
            return true;
        at = stop + 1;
    }
}

/*
 * Copy the quoted text that starts after the opening quote at *at into *out, turning "" into ",
 * and leave *at after the closing quote. Returns false when the line ends first.
 */
static bool copy_quoted(const char **at, const char *end, char **out)
{
    const char *from = *at;
    for (;;) {
        const char *quote = memchr(from, '"', (size_t)(end - from));
        if (!quote)
            return false;
        memcpy(*out, from, (size_t)(quote - from));
        *out += quote - from;
        from = quote + 1;
        if (from < end && *from == '"') {
            *(*out)++ = '"';
            from++;
            continue;
        }
        *at = from;
        return true;
    }
}

/* Make room for the unquoted text of a line of length bytes. */
static bool reserve_unquoted(struct csv_fields *fields, size_t length, struct error *error)
{
    if (fields->unquoted_capacity < length) {
        char *grown = realloc(fields->unquoted, length);
        if (!grown) {
            error_set(error, "out of memory for a line of %zu bytes", length);
            return false;
        }
        fields->unquoted = grown;
        fields->unquoted_capacity = length;
    }
    return true;
}

/*
 * Copy the quoted field that starts at *at, just after its opening quote, into *out as
 * copy_quoted does. number is the field's 1-based number, for the error when the line ends first.
 */
static bool read_quoted_field(const char **at, const char *end, char **out, size_t number, uint64_t line_number,
                              struct error *error)
{
    /* TODO: RFC 4180 allows line breaks inside quotes; such a field is rejected here, because
     * the reader takes every '\n' as a row end. */
    if (copy_quoted(at, end, out))
        return true;
    error_set(error, "line %" PRIu64 ", field %zu: the quoted field has no closing quote before the line end (a "
                     "quoted field cannot span lines)", line_number, number);
    return false;
}

static bool split_quoted(struct csv_fields *fields, const char *line, size_t length, char delimiter,
                         size_t max_fields, uint64_t line_number, struct error *error)
{
    if (!reserve_unquoted(fields, length, error))
        return false;

    char *out = fields->unquoted;
    const char *end = line + length;
    const char *at = line;
    for (;;) {
        size_t number = fields->count + 1;
        while (at < end && is_space(*at, delimiter))
            at++;

        const char *begin;
        const char *last;
        if (at < end && *at == '"') {
            at++;
            begin = out;
            if (!read_quoted_field(&at, end, &out, number, line_number, error))
                return false;
            last = out;
            while (at < end && is_space(*at, delimiter))
                at++;
            if (at < end && *at != delimiter) {
                error_set(error, "line %" PRIu64 ", field %zu: unexpected text after the closing quote",
                          line_number, number);
                return false;
            }
        } else {
            /* A quote inside an unquoted field is kept as an ordinary character. */
            const char *stop = memchr(at, delimiter, (size_t)(end - at));
            begin = at;
            at = stop ? stop : end;
            last = at;
            while (last > begin && is_space(last[-1], delimiter))
                last--;
        }

        if (!add_field(fields, begin, last, max_fields, error))
            return false;
        if (at == end)
            return true;
        at++;
    }
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/*
 * Split a line whose delimiter is a space the way numpy.loadtxt (NumPy 1.24) splits at its
 * default delimiter, whitespace: a run of spaces and tabs is one delimiter, and the runs at the
 * start and end of the line delimit nothing. So numpy.savetxt(fmt="%10.4f") output, padded to
 * the field width, splits into its values. A field may be quoted as in split_quoted.
 */
static bool split_whitespace(struct csv_fields *fields, const char *line, size_t length, size_t max_fields,
                             uint64_t line_number, struct error *error)
{
    if (memchr(line, '"', length) && !reserve_unquoted(fields, length, error))
        return false;

    char *out = fields->unquoted;
    const char *end = line + length;
    const char *at = line;
    for (;;) {
        while (at < end && is_blank(*at))
            at++;
        if (at == end)
            return true;

        size_t number = fields->count + 1;
        const char *begin = at;
        const char *last;
        if (*at == '"') {
            at++;
            begin = out;
            if (!read_quoted_field(&at, end, &out, number, line_number, error))
                return false;
            last = out;
            if (at < end && !is_blank(*at)) {
                error_set(error, "line %" PRIu64 ", field %zu: unexpected text after the closing quote",
                          line_number, number);
                return false;
            }
        } else {
            while (at < end && !is_blank(*at))
                at++;
            last = at;
        }
        if (!add_field(fields, begin, last, max_fields, error))
            return false;
    }
}

bool csv_fields_split(struct csv_fields *fields, const char *line, size_t length, char delimiter, size_t max_fields,
                      uint64_t line_number, struct error *error)
{
    fields->count = 0;
    fields->stored = 0;
    if (delimiter == ' ')
        return split_whitespace(fields, line, length, max_fields, line_number, error);
    if (memchr(line, '"', length))
        return split_quoted(fields, line, length, delimiter, max_fields, line_number, error);
    return split_plain(fields, line, length, delimiter, max_fields, error);
}

void csv_fields_free(struct csv_fields *fields)
{
    free(fields->items);
    free(fields->unquoted);
    *fields = (struct csv_fields){0};
}

bool csv_line_is_blank(const char *line, size_t length, char delimiter)
{
    for (size_t i = 0; i < length; i++) {
        bool blank = delimiter == ' ' ? is_blank(line[i]) : is_space(line[i], delimiter);
        if (!blank)
            return false;
    }
    return true;
}

bool csv_field_is_number(const struct csv_field *field)
{
    double value;
    return field->begin < field->end && parse_double(field->begin, field->end, &value);
}

bool csv_field_is_foreign_number(const struct csv_field *field)
{
    size_t length = (size_t)(field->end - field->begin);
    if (length >= 2 && memmem(field->begin, length, ".#", 2))
        return true;

    /* One comma in place of the decimal point. */
    char text[64];
    const char *comma = memchr(field->begin, ',', length);
    if (!comma || length >= sizeof text || memchr(comma + 1, ',', (size_t)(field->end - comma - 1)))
        return false;
    memcpy(text, field->begin, length);
    text[comma - field->begin] = '.';
    double value;
    return parse_double(text, text + length, &value);
}

bool csv_field_starts_like_number(const struct csv_field *field)
{
    const char *at = field->begin;
    if (at < field->end && (*at == '+' || *at == '-'))
        at++;
    if (at < field->end && *at == '.')
        at++;
    return at < field->end && *at >= '0' && *at <= '9';
}

bool csv_field_is_text(const struct csv_field *field)
{
    return field->begin < field->end && !csv_field_is_number(field) && !csv_field_is_foreign_number(field);
}

bool csv_field_equals(const struct csv_field *field, const char *text)
{
    size_t length = strlen(text);
    return (size_t)(field->end - field->begin) == length && memcmp(field->begin, text, length) == 0;
}
