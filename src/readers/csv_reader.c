/*
 * Reader for delimited text: CSV, TSV, or any one-character delimiter. Lines stream through the
 * input buffer one at a time, so memory contains one line and one batch whatever the file size. A
 * line is a row: LF or CRLF ends it, and a quoted field cannot span lines, which keeps line
 * numbers in messages physical and the scan a memchr for '\n'. next only collects a batch of
 * lines (and their ids); decode splits and parses them, so that threads can share the parsing.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv_detect.h"
#include "csv_fields.h"
#include "levyscore/limits.h"
#include "levyscore/parse_double.h"
#include "levyscore/reader.h"

/* Most bytes of kept lines and ids one batch collects before it is handed out. */
#define BATCH_TEXT_MAX (4u << 20)

/* Maximum bytes of a field that an error message quotes. */
#define QUOTED_TEXT_MAX 40

/* find_line's result when a line after the first cannot be buffered with the lines before it. */
#define LINE_NO_ROOM 2

static const unsigned char UTF8_BOM[3] = {0xEF, 0xBB, 0xBF};

/* A line in the buffered input. */
struct line_span {
    size_t start;               /* offset from input_data */
    size_t length;              /* without the line end */
    size_t end_size;            /* 2 for CRLF, 1 for LF, 0 at the end of input */
    uint64_t number;            /* 1-based */
};

struct csv_reader {
    struct reader base;
    char delimiter;
    bool keep_bytes;
    bool empty;                 /* every line of the input is blank */
    struct csv_columns columns;
    size_t field_count;         /* fields on every line */
    uint64_t field_count_line;  /* the line field_count was taken from */
    struct csv_fields fields;

    uint64_t line;              /* lines read so far, header and blank lines included */
    uint64_t next_row;
    uint64_t data_offset;       /* bytes before the data lines: byte-order mark and header line */
    uint64_t data_line;         /* lines before the data lines */
    size_t batch_rows;

    double *values;
    uint64_t *lines;
    char *row_text;             /* kept lines, without their line ends */
    size_t row_text_used;
    size_t row_text_capacity;
    size_t *byte_offsets;
    char *id_text;              /* ids, each followed by a NUL */
    size_t id_text_used;
    size_t id_text_capacity;
    size_t *id_offsets;
    const char **ids;
    unsigned char *prelude;
    char line_end[3];
};

static bool reserve_text(char **text, size_t *capacity, size_t needed, struct error *error)
{
    if (needed <= *capacity)
        return true;
    size_t grown_capacity = *capacity ? *capacity : 4096;
    while (grown_capacity < needed)
        grown_capacity *= 2;
    char *grown = realloc(*text, grown_capacity);
    if (!grown) {
        error_set(error, "out of memory for %zu bytes of text", needed);
        return false;
    }
    *text = grown;
    *capacity = grown_capacity;
    return true;
}

/*
 * Find the line that starts at offset start of the buffered input, reading more input as needed
 * (offsets stay valid, pointers do not). Returns 1 with *line set, 0 at the end of input, -1 with
 * error set, or LINE_NO_ROOM when start > 0 and the line would not fit in the buffer after start.
 */
static int find_line(struct input *in, size_t start, uint64_t number, struct line_span *line, struct error *error)
{
    size_t scanned = start;
    for (;;) {
        const unsigned char *data = input_data(in);
        size_t available = input_available(in);
        const unsigned char *newline = memchr(data + scanned, '\n', available - scanned);
        if (newline) {
            size_t end = (size_t)(newline - data);
            *line = (struct line_span){.start = start, .length = end - start, .end_size = 1, .number = number};
            if (end > start && data[end - 1] == '\r') {
                line->length--;
                line->end_size = 2;
            }
            break;
        }

        scanned = available;
        if (available - start > ROW_BYTES_MAX) {
            error_set(error, "line %" PRIu64 " is longer than the maximum of %u bytes", number, ROW_BYTES_MAX);
            return -1;
        }
        if (start > 0 && available >= ROW_BYTES_MAX)
            return LINE_NO_ROOM;
        int64_t got = input_fill(in, available + 1, error);
        if (got < 0)
            return -1;
        if ((size_t)got > available)
            continue;

        /* End of input: the last line may lack its line end. The fill may have moved the buffer
         * even though it found no more bytes, so data is taken again. */
        if (available == start)
            return 0;
        data = input_data(in);
        *line = (struct line_span){.start = start, .length = available - start, .end_size = 0, .number = number};
        if (data[available - 1] == '\r') {
            line->length--;
            line->end_size = 1;
        }
        break;
    }

    if (line->length > ROW_BYTES_MAX) {
        error_set(error, "line %" PRIu64 " is longer than the maximum of %u bytes", number, ROW_BYTES_MAX);
        return -1;
    }
    return 1;
}

/* Set error for a field of a data line that is no number. */
static void report_bad_field(const struct csv_field *field, uint64_t line, size_t column, bool first_row,
                             struct error *error)
{
    size_t length = (size_t)(field->end - field->begin);
    if (length == 0) {
        error_set(error, "line %" PRIu64 ", field %zu: empty field", line, column);
        return;
    }

    /* Cut a long field at a UTF-8 character boundary. */
    size_t quoted_length = length;
    if (quoted_length > QUOTED_TEXT_MAX) {
        quoted_length = QUOTED_TEXT_MAX;
        while (quoted_length > 0 && ((unsigned char)field->begin[quoted_length] & 0xC0) == 0x80)
            quoted_length--;
    }
    const char *hint = "";
    if (csv_field_is_foreign_number(field))
        hint = memchr(field->begin, ',', length) ? " (the decimal point must be '.')"
                                                 : " (write infinity as inf or -inf, and NaN as nan)";
    else if (first_row && !csv_field_starts_like_number(field))
        hint = " (--columns selects the embedding columns, --id-column the id)";
    error_set(error, "line %" PRIu64 ", field %zu: '%.*s%s' is not a number%s", line, column, (int)quoted_length,
              field->begin, quoted_length < length ? "..." : "", hint);
}

static bool store_id(struct csv_reader *reader, const struct csv_field *field, size_t row, struct error *error)
{
    size_t length = (size_t)(field->end - field->begin);
    if (!reserve_text(&reader->id_text, &reader->id_text_capacity, reader->id_text_used + length + 1, error))
        return false;
    memcpy(reader->id_text + reader->id_text_used, field->begin, length);
    reader->id_text[reader->id_text_used + length] = '\0';
    reader->id_offsets[row] = reader->id_text_used;
    reader->id_text_used += length + 1;
    return true;
}

static bool store_line(struct csv_reader *reader, const char *text, size_t length, size_t row, struct error *error)
{
    if (!reserve_text(&reader->row_text, &reader->row_text_capacity, reader->row_text_used + length, error))
        return false;
    memcpy(reader->row_text + reader->row_text_used, text, length);
    reader->row_text_used += length;
    reader->byte_offsets[row + 1] = reader->row_text_used;
    return true;
}

/* Split the data line text[0..length), line number, into fields, checking their count. */
static bool split_row(const struct csv_reader *reader, struct csv_fields *fields, const char *text, size_t length,
                      uint64_t number, struct error *error)
{
    if (!csv_fields_split(fields, text, length, reader->delimiter, reader->field_count + 1, number, error))
        return false;
    if (fields->count != reader->field_count) {
        error_set(error, "line %" PRIu64 ": %zu fields, expected %zu (as on line %" PRIu64 ")", number,
                  fields->count, reader->field_count, reader->field_count_line);
        return false;
    }
    return true;
}

/* Collect the data line text[0..length), line number reader->line, as row of the batch: its text,
 * and its id, which the batch needs whole before decode runs. */
static bool collect_row(struct csv_reader *reader, const char *text, size_t length, size_t row, struct error *error)
{
    reader->lines[row] = reader->line;
    if (reader->columns.has_id) {
        if (!split_row(reader, &reader->fields, text, length, reader->line, error) ||
            !store_id(reader, &reader->fields.items[reader->columns.id_field], row, error))
            return false;
    }
    return store_line(reader, text, length, row, error);
}

/* Parse the values of rows [first, first + count) of the batch into reader->values. */
static bool csv_decode(struct reader *base, const struct batch *batch, size_t first, size_t count,
                       struct error *error)
{
    const struct csv_reader *reader = (const struct csv_reader *)base;
    const struct csv_columns *columns = &reader->columns;
    struct csv_fields fields = {0};
    bool ok = true;

    for (size_t row = first; ok && row < first + count; row++) {
        const char *text = reader->row_text + reader->byte_offsets[row];
        size_t length = reader->byte_offsets[row + 1] - reader->byte_offsets[row];
        uint64_t number = reader->lines[row];
        ok = split_row(reader, &fields, text, length, number, error);

        double *values = reader->values + row * columns->width;
        for (size_t i = 0; ok && i < columns->width; i++) {
            const struct csv_field *field = &fields.items[columns->fields[i]];
            if (!parse_double(field->begin, field->end, &values[i])) {
                report_bad_field(field, number, columns->fields[i] + 1, batch->first_row + row == 0, error);
                ok = false;
            }
        }
    }
    csv_fields_free(&fields);
    return ok;
}

static int csv_next(struct reader *base, struct batch *batch, struct error *error)
{
    struct csv_reader *reader = (struct csv_reader *)base;
    struct input *in = base->in;
    if (reader->empty)
        return 0;

    size_t rows = 0;
    reader->row_text_used = 0;
    reader->id_text_used = 0;
    while (rows < reader->batch_rows && reader->row_text_used + reader->id_text_used < BATCH_TEXT_MAX) {
        struct line_span line;
        int found = find_line(in, 0, reader->line + 1, &line, error);
        if (found < 0)
            return -1;
        if (found == 0)
            break;

        reader->line++;
        const char *text = (const char *)input_data(in);
        if (!csv_line_is_blank(text, line.length, reader->delimiter)) {
            if (!collect_row(reader, text, line.length, rows, error))
                return -1;
            rows++;
        }
        input_consume(in, line.length + line.end_size);
    }
    if (rows == 0)
        return 0;

    for (size_t i = 0; reader->ids && i < rows; i++)
        reader->ids[i] = reader->id_text + reader->id_offsets[i];
    *batch = (struct batch){
        .first_row = reader->next_row,
        .rows = rows,
        .width = reader->columns.width,
        .dtype = DTYPE_F64,
        .values = reader->values,
        .bytes = (const unsigned char *)reader->row_text,
        .byte_offsets = reader->byte_offsets,
        .lines = reader->lines,
        .ids = reader->ids,
    };
    reader->next_row += rows;
    return 1;
}

/* Drop n bytes from the start of the input. Returns false with error set if the input is shorter. */
static bool skip_bytes(struct input *in, uint64_t n, struct error *error)
{
    while (n > 0) {
        size_t step = n < (1u << 20) ? (size_t)n : (1u << 20);
        int64_t got = input_fill(in, step, error);
        if (got < 0)
            return false;
        if ((size_t)got < step) {
            error_set(error, "input changed between passes: it ends within the header");
            return false;
        }
        input_consume(in, step);
        n -= step;
    }
    return true;
}

static bool csv_rewind(struct reader *base, struct error *error)
{
    struct csv_reader *reader = (struct csv_reader *)base;
    if (!input_rewind(base->in, error) || !skip_bytes(base->in, reader->data_offset, error))
        return false;
    reader->line = reader->data_line;
    reader->next_row = 0;
    return true;
}

static void csv_destroy(struct reader *base)
{
    struct csv_reader *reader = (struct csv_reader *)base;
    csv_columns_free(&reader->columns);
    csv_fields_free(&reader->fields);
    free(reader->values);
    free(reader->lines);
    free(reader->row_text);
    free(reader->byte_offsets);
    free(reader->id_text);
    free(reader->id_offsets);
    free(reader->ids);
    free(reader->prelude);
    free(reader);
}

static const struct reader_ops csv_ops = {.next = csv_next, .rewind = csv_rewind, .destroy = csv_destroy, .decode = csv_decode};

/* The first lines that are not blank, found without consuming them. */
struct first_lines {
    bool has_first;
    bool has_second;
    struct line_span first;
    struct line_span second;
    size_t line_end_size;       /* of the first line end in the input; 0 when there is none */
};

static bool peek_first_lines(struct input *in, char delimiter, struct first_lines *lines, struct error *error)
{
    *lines = (struct first_lines){0};
    size_t offset = 0;
    uint64_t number = 0;
    while (!lines->has_second) {
        struct line_span line;
        int found = find_line(in, offset, number + 1, &line, error);
        if (found < 0)
            return false;
        /* TODO: the blank lines before the first line stay buffered, so after ROW_BYTES_MAX of them
         * LINE_NO_ROOM ends the search without a first line, and the input is read as empty (no
         * rows, exit status 0) although data lines follow. */
        if (found == 0 || found == LINE_NO_ROOM)
            break;

        number++;
        offset = line.start + line.length + line.end_size;
        if (line.end_size > 0 && lines->line_end_size == 0)
            lines->line_end_size = line.end_size;
        /* The delimiter may not be known yet: then a tab counts as a space here. */
        if (csv_line_is_blank((const char *)input_data(in) + line.start, line.length, delimiter))
            continue;
        if (lines->has_first) {
            lines->second = line;
            lines->has_second = true;
        } else {
            lines->first = line;
            lines->has_first = true;
        }
    }
    return true;
}

static bool skip_byte_order_mark(struct csv_reader *reader, bool *found, struct error *error)
{
    struct input *in = reader->base.in;
    int64_t got = input_fill(in, 3, error);
    if (got < 0)
        return false;
    const unsigned char *data = input_data(in);
    if (got >= 2 && ((data[0] == 0xFF && data[1] == 0xFE) || (data[0] == 0xFE && data[1] == 0xFF))) {
        error_set(error, "the input is UTF-16 text (it starts with a UTF-16 byte-order mark); convert it to UTF-8");
        return false;
    }
    *found = got >= 3 && memcmp(data, UTF8_BOM, 3) == 0;
    if (*found)
        input_consume(in, 3);
    return true;
}

static void describe_delimiter(char *text, size_t size, char delimiter)
{
    if (delimiter == '\t')
        snprintf(text, size, "'\\t'");
    else
        snprintf(text, size, "'%c'", delimiter);
}

static void choose_delimiter(struct csv_reader *reader, const struct reader_options *options,
                             const struct first_lines *lines, const char *first_text)
{
    char name[8];
    if (options->delimiter) {
        reader->delimiter = options->delimiter;
        describe_delimiter(name, sizeof name, reader->delimiter);
        csv_note_add(reader->base.note, sizeof reader->base.note, "delimiter %s", name);
        return;
    }

    reader->delimiter = csv_detect_delimiter(first_text, lines->first.length);
    if (reader->delimiter) {
        describe_delimiter(name, sizeof name, reader->delimiter);
        csv_note_add(reader->base.note, sizeof reader->base.note, "delimiter %s detected", name);
        return;
    }
    reader->delimiter = ',';
    csv_note_add(reader->base.note, sizeof reader->base.note,
                 "one column: line %" PRIu64 " holds no comma, tab, semicolon or space between fields",
                 lines->first.number);
}

static bool choose_header(struct csv_reader *reader, const struct reader_options *options,
                          const struct first_lines *lines, const struct csv_fields *second)
{
    char *note = reader->base.note;
    size_t note_size = sizeof reader->base.note;
    uint64_t number = lines->first.number;
    if (options->header >= 0) {
        if (options->header == 1)
            csv_note_add(note, note_size, "header line %" PRIu64 " (--header)", number);
        else
            csv_note_add(note, note_size, "no header line (--no-in-header)");
        return options->header == 1;
    }

    bool header = csv_detect_header(&reader->fields, lines->has_second ? second : NULL);
    if (header)
        csv_note_add(note, note_size, "header line %" PRIu64 " detected", number);
    else if (csv_is_pandas_default_header(&reader->fields)) {
        csv_note_add(note, note_size, "line %" PRIu64 " reads 0,1,...,%zu as the column names pandas writes by default, "
                                      "but is read as data (--header skips it)", number, reader->fields.count - 1);
        snprintf(reader->base.warning, sizeof reader->base.warning,
                 "line %" PRIu64 " is 0,1,...,%zu, the column names pandas writes by default, and is read as data; "
                 "add --header if it is a header, --no-in-header to silence this",
                 number, reader->fields.count - 1);
    }
    else
        csv_note_add(note, note_size, "no header line detected");
    return header;
}

/* The bytes filter writes before the kept lines: byte-order mark and header line with its end. */
static bool make_prelude(struct csv_reader *reader, bool bom, bool header, const struct first_lines *lines,
                         const char *first_text, struct error *error)
{
    size_t header_size = 0;
    const char *header_end = reader->line_end;
    size_t header_end_size = strlen(header_end);
    if (header) {
        header_size = lines->first.length;
        if (lines->first.end_size > 0) {
            header_end = first_text + lines->first.length;
            header_end_size = lines->first.end_size;
        }
    } else {
        header_end_size = 0;
    }

    size_t size = (bom ? 3 : 0) + header_size + header_end_size;
    reader->prelude = malloc(size + 1);
    if (!reader->prelude) {
        error_set(error, "out of memory");
        return false;
    }
    unsigned char *at = reader->prelude;
    if (bom) {
        memcpy(at, UTF8_BOM, 3);
        at += 3;
    }
    if (header) {
        memcpy(at, first_text, header_size);
        memcpy(at + header_size, header_end, header_end_size);
    }
    reader->base.layout.prelude = reader->prelude;
    reader->base.layout.prelude_size = size;
    return true;
}

/* Decide delimiter, header and columns from the first two lines; consume the header line. */
static bool read_layout(struct csv_reader *reader, const struct reader_options *options, bool bom,
                        struct error *error)
{
    struct input *in = reader->base.in;
    struct first_lines lines;
    if (!peek_first_lines(in, options->delimiter, &lines, error))
        return false;
    strcpy(reader->line_end, lines.line_end_size == 2 ? "\r\n" : "\n");
    reader->base.layout.line_end = reader->line_end;
    if (!lines.has_first) {
        reader->empty = true;
        reader->delimiter = options->delimiter ? options->delimiter : ',';
        return make_prelude(reader, bom, false, &lines, NULL, error);
    }

    const char *first_text = (const char *)input_data(in) + lines.first.start;
    if (memchr(first_text, '\r', lines.first.length)) {
        error_set(error, "line %" PRIu64 " contains a carriage return before its end; lines must end in LF or CRLF",
                  lines.first.number);
        return false;
    }
    choose_delimiter(reader, options, &lines, first_text);

    if (!csv_fields_split(&reader->fields, first_text, lines.first.length, reader->delimiter, (size_t)ROW_WIDTH_MAX + 1,
                          lines.first.number, error))
        return false;
    if (reader->fields.count > ROW_WIDTH_MAX) {
        error_set(error, "line %" PRIu64 ": more than the maximum of %u fields", lines.first.number, ROW_WIDTH_MAX);
        return false;
    }
    reader->field_count = reader->fields.count;
    reader->field_count_line = lines.first.number;

    /* A second line that does not split is left for read_row to report. */
    struct csv_fields second = {0};
    struct error ignored;
    if (lines.has_second)
        lines.has_second =
            csv_fields_split(&second, (const char *)input_data(in) + lines.second.start, lines.second.length,
                             reader->delimiter, reader->field_count + 1, lines.second.number, &ignored);

    bool header = choose_header(reader, options, &lines, &second);
    /* Id detection looks at the first data line. */
    const struct csv_fields *data = &reader->fields;
    if (header)
        data = lines.has_second ? &second : NULL;
    bool ok = csv_columns_select(options, header ? &reader->fields : NULL, data, reader->field_count,
                                 lines.first.number, &reader->columns, reader->base.note, sizeof reader->base.note,
                                 error);
    csv_fields_free(&second);
    if (!ok || !make_prelude(reader, bom, header, &lines, first_text, error))
        return false;

    if (header) {
        size_t consumed = lines.first.start + lines.first.length + lines.first.end_size;
        input_consume(in, consumed);
        reader->data_offset += consumed;
        reader->data_line = lines.first.number;
        reader->line = reader->data_line;
    }
    return true;
}

static bool allocate_batch(struct csv_reader *reader, struct error *error)
{
    size_t width = reader->columns.width;
    /* A row takes at least one character and a line end of the input. */
    size_t rows = reader->batch_rows = reader_batch_rows_for(reader->base.in, width * sizeof(double), 2);
    reader->values = malloc(rows * width * sizeof *reader->values + 1);
    reader->lines = malloc(rows * sizeof *reader->lines);
    /* Only entry 0 needs a value up front; malloc leaves the rest untouched until used. */
    reader->byte_offsets = malloc((rows + 1) * sizeof *reader->byte_offsets);
    if (reader->byte_offsets)
        reader->byte_offsets[0] = 0;
    bool ok = reader->values && reader->lines && reader->byte_offsets;
    if (reader->columns.has_id) {
        reader->id_offsets = malloc(rows * sizeof *reader->id_offsets);
        reader->ids = malloc(rows * sizeof *reader->ids);
        ok = ok && reader->id_offsets && reader->ids;
    }
    if (!ok)
        error_set(error, "out of memory for a batch of %zu rows of %zu values", rows, width);
    return ok;
}

struct reader *csv_reader_open(struct input *in, const struct reader_options *options, struct error *error)
{
    struct csv_reader *reader = calloc(1, sizeof *reader);
    if (!reader) {
        error_set(error, "out of memory");
        return NULL;
    }
    reader->base.ops = &csv_ops;
    reader->base.in = in;
    reader->base.rows = -1;
    reader->keep_bytes = options->keep_bytes;

    bool bom;
    if (!skip_byte_order_mark(reader, &bom, error))
        goto fail;
    reader->data_offset = bom ? 3 : 0;
    if (!read_layout(reader, options, bom, error))
        goto fail;
    if (!reader->empty && !allocate_batch(reader, error))
        goto fail;

    enum input_format format = reader->delimiter == '\t' ? FORMAT_TSV : FORMAT_CSV;
    reader->base.format = format;
    reader->base.layout.format = format;
    reader->base.width = reader->columns.width;
    reader->base.has_ids = reader->columns.has_id;
    return &reader->base;

fail:
    reader->base.in = NULL;
    csv_destroy(&reader->base);
    return NULL;
}
