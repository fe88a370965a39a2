/*
 * Reader for JSON lines: one JSON value per line, either an array of numbers or an object with
 * the vector under one field and optionally an id under another. The first row settles what
 * every row must look like: its form (array or object), the vector field, whether rows have ids,
 * the width, and the line end that filter writes after each kept line.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonl_line.h"
#include "levyscore/limits.h"
#include "levyscore/reader.h"
#include "levyscore/text_buffer.h"

/* A batch stops growing once its kept line bytes and ids pass this many bytes. */
#define BATCH_TEXT_BYTES (1u << 20)

static const unsigned char UTF8_BOM[3] = {0xEF, 0xBB, 0xBF};

/* Fields searched, in order, for the vector when --field is not given. */
static const char *const DEFAULT_VECTOR_FIELDS[] = {"embedding", "vector", "values"};

static const char DEFAULT_ID_FIELD[] = "id";

struct jsonl_reader {
    struct reader base;
    struct jsonl_line *parser;
    bool keep_bytes;
    bool has_bom;

    /* Settled by the first row. */
    bool settled;
    bool rows_are_objects;
    const char *vector_field;   /* NULL for array rows */
    const char *id_field;       /* NULL without ids */
    bool field_given;
    bool id_field_given;

    /* The current line: at the start of the input buffer, not yet consumed. */
    uint64_t line_number;
    size_t line_length;         /* without the line end */
    size_t line_total;          /* with it */
    bool line_parsed;           /* parsed and checked, not yet in a batch */
    const double *row_values;
    const char *row_id;
    size_t row_id_size;

    /* An error met after some rows of a batch, returned by the next call. */
    bool failed;
    struct error error;

    /* Batch storage. */
    size_t batch_rows;
    uint64_t next_row;
    double *values;
    uint64_t *lines;
    struct text_buffer bytes;
    size_t *byte_offsets;
    struct text_buffer id_text;
    size_t *id_offsets;
    const char **ids;
};

static bool is_blank(const unsigned char *line, size_t length)
{
    for (size_t i = 0; i < length; i++)
        if (line[i] != ' ' && line[i] != '\t' && line[i] != '\r')
            return false;
    return true;
}

/*
 * Find the end of the line at the start of the input buffer, reading more as needed. Sets
 * line_length (without "\n" or "\r\n") and line_total. Returns 1, 0 at the end of input, -1.
 */
static int find_line(struct jsonl_reader *reader, struct error *error)
{
    struct input *in = reader->base.in;
    size_t scanned = 0;
    for (;;) {
        size_t available = input_available(in);
        const unsigned char *data = input_data(in);
        const unsigned char *newline = memchr(data + scanned, '\n', available - scanned);
        if (newline) {
            reader->line_total = (size_t)(newline - data) + 1;
            reader->line_length = reader->line_total - 1;
            if (reader->line_length > 0 && data[reader->line_length - 1] == '\r')
                reader->line_length--;
            break;
        }
        if (available > ROW_BYTES_MAX) {
            error_set(error, "line %" PRIu64 ": longer than the maximum of %u bytes", reader->line_number + 1,
                      ROW_BYTES_MAX);
            return -1;
        }

        scanned = available;
        int64_t got = input_fill(in, available + 1, error);
        if (got < 0)
            return -1;
        if ((size_t)got == available) {
            /* End of input: the last line has no line end. */
            if (available == 0)
                return 0;
            reader->line_length = reader->line_total = available;
            break;
        }
    }

    if (reader->line_length > ROW_BYTES_MAX) {
        error_set(error, "line %" PRIu64 ": longer than the maximum of %u bytes", reader->line_number + 1,
                  ROW_BYTES_MAX);
        return -1;
    }
    return 1;
}

/* Pick the vector field of the first object row: --field, else the first default that is an
 * array. */
static bool settle_vector_field(struct jsonl_reader *reader, const cJSON *root, struct error *error)
{
    if (reader->field_given)
        return true;
    size_t count = sizeof DEFAULT_VECTOR_FIELDS / sizeof DEFAULT_VECTOR_FIELDS[0];
    for (size_t i = 0; i < count; i++) {
        if (cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(root, DEFAULT_VECTOR_FIELDS[i]))) {
            reader->vector_field = DEFAULT_VECTOR_FIELDS[i];
            return true;
        }
    }
    error_set(error, "line %" PRIu64 ": none of the fields 'embedding', 'vector', 'values' is an array; "
                     "name the vector's field with --field",
              reader->line_number);
    return false;
}

static void write_note(struct jsonl_reader *reader, const char *line_end)
{
    char *note = reader->base.note;
    size_t size = sizeof reader->base.note;
    const char *ends = strcmp(line_end, "\r\n") == 0 ? "CRLF" : "LF";
    if (!reader->rows_are_objects)
        snprintf(note, size, "rows are arrays of numbers, without ids; %s line ends", ends);
    else if (reader->id_field)
        snprintf(note, size, "vector field '%s', id field '%s'; %s line ends", reader->vector_field, reader->id_field,
                 ends);
    else
        snprintf(note, size, "vector field '%s', no ids (the first row has no field '%s'); %s line ends",
                 reader->vector_field, DEFAULT_ID_FIELD, ends);
}

/* Settle the rules from the first row, whose tree is root. */
static bool settle(struct jsonl_reader *reader, const cJSON *root, struct error *error)
{
    reader->rows_are_objects = cJSON_IsObject(root);
    if (!reader->rows_are_objects && (reader->field_given || reader->id_field_given)) {
        error_set(error, "line %" PRIu64 ": expected an object with the field '%s', found %s", reader->line_number,
                  reader->field_given ? reader->vector_field : reader->id_field, jsonl_line_type_name(root));
        return false;
    }
    if (reader->rows_are_objects) {
        if (!settle_vector_field(reader, root, error))
            return false;
        if (!reader->id_field_given && cJSON_GetObjectItemCaseSensitive(root, DEFAULT_ID_FIELD))
            reader->id_field = DEFAULT_ID_FIELD;
    }
    reader->base.has_ids = reader->id_field != NULL;

    const unsigned char *line = input_data(reader->base.in);
    bool crlf = reader->line_total >= 2 && line[reader->line_total - 1] == '\n' && line[reader->line_total - 2] == '\r';
    reader->base.layout.line_end = crlf ? "\r\n" : "\n";
    write_note(reader, reader->base.layout.line_end);
    reader->settled = true;
    return true;
}

/* Find the vector (and id) of the parsed line and check them against the first row. */
static bool check_row(struct jsonl_reader *reader, struct error *error)
{
    const cJSON *root = jsonl_line_root(reader->parser);
    uint64_t line = reader->line_number;
    if (!cJSON_IsArray(root) && !cJSON_IsObject(root)) {
        error_set(error, "line %" PRIu64 ": expected an array of numbers or an object, found %s", line,
                  jsonl_line_type_name(root));
        return false;
    }
    if (!reader->settled && !settle(reader, root, error))
        return false;
    if (cJSON_IsObject(root) != reader->rows_are_objects) {
        error_set(error, "line %" PRIu64 ": found %s, but the first row is %s", line, jsonl_line_type_name(root),
                  reader->rows_are_objects ? "an object" : "an array");
        return false;
    }

    const cJSON *vector = root;
    char name[128] = "the vector";
    if (reader->rows_are_objects) {
        vector = cJSON_GetObjectItemCaseSensitive(root, reader->vector_field);
        snprintf(name, sizeof name, "field '%s'", reader->vector_field);
        if (!vector) {
            error_set(error, "line %" PRIu64 ": no field '%s'", line, reader->vector_field);
            return false;
        }
        if (!cJSON_IsArray(vector)) {
            error_set(error, "line %" PRIu64 ": field '%s' is %s, not an array of numbers", line, reader->vector_field,
                      jsonl_line_type_name(vector));
            return false;
        }
    }

    size_t width;
    if (!jsonl_line_vector(reader->parser, vector, name, &reader->row_values, &width, error))
        return false;
    if (reader->base.width == 0) {
        if (width == 0) {
            error_set(error, "line %" PRIu64 ": %s is empty; a row needs at least one value", line, name);
            return false;
        }
        if (width > ROW_WIDTH_MAX) {
            error_set(error, "line %" PRIu64 ": %zu values exceed the maximum row width of %u", line, width,
                      ROW_WIDTH_MAX);
            return false;
        }
        reader->base.width = width;
    } else if (width != reader->base.width) {
        error_set(error, "line %" PRIu64 ": %s has %zu values, but the first row has %zu", line, name, width,
                  reader->base.width);
        return false;
    }

    reader->row_id = NULL;
    if (!reader->id_field)
        return true;
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(root, reader->id_field);
    if (!id) {
        error_set(error, "line %" PRIu64 ": no id field '%s'%s", line, reader->id_field,
                  reader->id_field_given ? "" : ", which the first row has");
        return false;
    }
    return jsonl_line_id(reader->parser, id, reader->id_field, &reader->row_id, &reader->row_id_size, error);
}

/* Read, parse and check the next non-blank line, leaving it unconsumed. Returns 1, 0, -1. */
static int read_row(struct jsonl_reader *reader, struct error *error)
{
    struct input *in = reader->base.in;
    for (;;) {
        int found = find_line(reader, error);
        if (found <= 0)
            return found;
        reader->line_number++;
        if (!is_blank(input_data(in), reader->line_length))
            break;
        input_consume(in, reader->line_total);
    }

    const char *text = (const char *)input_data(in);
    if (!jsonl_line_parse(reader->parser, text, reader->line_length, reader->line_number, error) ||
        !check_row(reader, error))
        return -1;
    reader->line_parsed = true;
    return 1;
}

/* Copy the current row into batch slot i and consume its line. */
static bool append_row(struct jsonl_reader *reader, size_t i, struct error *error)
{
    struct input *in = reader->base.in;
    size_t width = reader->base.width;
    memcpy(reader->values + i * width, reader->row_values, width * sizeof *reader->values);
    reader->lines[i] = reader->line_number;

    if (reader->keep_bytes) {
        if (!text_buffer_append(&reader->bytes, (const char *)input_data(in), reader->line_length))
            goto out_of_memory;
        reader->byte_offsets[i + 1] = reader->bytes.used;
    }
    if (reader->row_id) {
        reader->id_offsets[i] = reader->id_text.used;
        if (!text_buffer_append(&reader->id_text, reader->row_id, reader->row_id_size) ||
            !text_buffer_append(&reader->id_text, "", 1))
            goto out_of_memory;
    }
    input_consume(in, reader->line_total);
    reader->line_parsed = false;
    return true;

out_of_memory:
    error_set(error, "line %" PRIu64 ": out of memory", reader->line_number);
    return false;
}

/* Allocate the per-row arrays once the width is known. */
static bool allocate_batch(struct jsonl_reader *reader, struct error *error)
{
    /* The shortest row, [1] and a line end, takes 4 bytes of the input. */
    reader->batch_rows = reader_batch_rows_for(reader->base.in, reader->base.width * sizeof(double), 4);
    size_t rows = reader->batch_rows;
    reader->values = malloc(rows * reader->base.width * sizeof *reader->values);
    reader->lines = malloc(rows * sizeof *reader->lines);
    /* Only entry 0 needs a value up front; malloc leaves the rest untouched until used. */
    reader->byte_offsets = malloc((rows + 1) * sizeof *reader->byte_offsets);
    if (reader->byte_offsets)
        reader->byte_offsets[0] = 0;
    reader->id_offsets = malloc(rows * sizeof *reader->id_offsets);
    reader->ids = malloc(rows * sizeof *reader->ids);
    if (!reader->values || !reader->lines || !reader->byte_offsets || !reader->id_offsets || !reader->ids) {
        error_set(error, "out of memory for a batch of %zu rows of %zu values", rows, reader->base.width);
        return false;
    }
    return true;
}

static int jsonl_next(struct reader *base, struct batch *batch, struct error *error)
{
    struct jsonl_reader *reader = (struct jsonl_reader *)base;
    reader->bytes.used = 0;
    reader->id_text.used = 0;

    if (reader->failed) {
        *error = reader->error;
        return -1;
    }

    size_t rows = 0;
    while (rows < reader->batch_rows) {
        if (!reader->line_parsed) {
            int got = read_row(reader, &reader->error);
            if (got < 0 && rows == 0) {
                *error = reader->error;
                return -1;
            }
            /* The rows before a bad line go out first; the next call reports it. */
            reader->failed = got < 0;
            if (got <= 0)
                break;
        }
        if (!append_row(reader, rows, error))
            return -1;
        rows++;
        if (reader->bytes.used + reader->id_text.used >= BATCH_TEXT_BYTES)
            break;
    }
    if (rows == 0)
        return 0;

    if (base->has_ids)
        for (size_t i = 0; i < rows; i++)
            reader->ids[i] = reader->id_text.data + reader->id_offsets[i];

    *batch = (struct batch){
        .first_row = reader->next_row,
        .rows = rows,
        .width = base->width,
        .dtype = DTYPE_F64,
        .values = reader->values,
        .bytes = reader->keep_bytes ? (const unsigned char *)reader->bytes.data : NULL,
        .byte_offsets = reader->keep_bytes ? reader->byte_offsets : NULL,
        .lines = reader->lines,
        .ids = base->has_ids ? reader->ids : NULL,
    };
    reader->next_row += rows;
    return 1;
}

/* Consume a UTF-8 byte-order mark at the start of the input. The layout's prelude writes it back. */
static bool skip_bom(struct jsonl_reader *reader, struct error *error)
{
    struct input *in = reader->base.in;
    int64_t got = input_fill(in, sizeof UTF8_BOM, error);
    if (got < 0)
        return false;
    reader->has_bom = (size_t)got >= sizeof UTF8_BOM && memcmp(input_data(in), UTF8_BOM, sizeof UTF8_BOM) == 0;
    if (reader->has_bom)
        input_consume(in, sizeof UTF8_BOM);
    return true;
}

static bool jsonl_rewind(struct reader *base, struct error *error)
{
    struct jsonl_reader *reader = (struct jsonl_reader *)base;
    reader->next_row = 0;
    reader->line_number = 0;
    reader->line_parsed = false;
    reader->failed = false;
    return input_rewind(base->in, error) && skip_bom(reader, error);
}

static void jsonl_destroy(struct reader *base)
{
    struct jsonl_reader *reader = (struct jsonl_reader *)base;
    jsonl_line_destroy(reader->parser);
    free(reader->values);
    free(reader->lines);
    text_buffer_free(&reader->bytes);
    free(reader->byte_offsets);
    text_buffer_free(&reader->id_text);
    free(reader->id_offsets);
    free(reader->ids);
    free(reader);
}

static const struct reader_ops jsonl_ops = {.next = jsonl_next, .rewind = jsonl_rewind, .destroy = jsonl_destroy};

struct reader *jsonl_reader_open(struct input *in, const struct reader_options *options, struct error *error)
{
    struct jsonl_reader *reader = calloc(1, sizeof *reader);
    if (!reader || !(reader->parser = jsonl_line_create())) {
        free(reader);
        error_set(error, "out of memory");
        return NULL;
    }
    reader->base.ops = &jsonl_ops;
    reader->base.in = in;
    reader->base.format = FORMAT_JSONL;
    reader->base.rows = -1;
    reader->base.layout.format = FORMAT_JSONL;
    reader->base.layout.line_end = "\n";
    reader->keep_bytes = options->keep_bytes;
    /* The option strings live in argv for the whole run. */
    reader->field_given = options->field != NULL;
    reader->vector_field = options->field;
    reader->id_field_given = options->id_field != NULL;
    reader->id_field = options->id_field;

    if (!skip_bom(reader, error))
        goto fail;
    if (reader->has_bom) {
        reader->base.layout.prelude = UTF8_BOM;
        reader->base.layout.prelude_size = sizeof UTF8_BOM;
    }

    /* The first row settles the width and the rules, which -v reports before any row is read.
     * It stays parsed for the first batch. */
    int got = read_row(reader, error);
    if (got < 0)
        goto fail;
    if (got == 0) {
        reader->base.rows = 0;
        return &reader->base;
    }
    if (!allocate_batch(reader, error))
        goto fail;
    return &reader->base;

fail:
    jsonl_destroy(&reader->base);
    return NULL;
}
