/* The JSON lines reader, through reader_open, on the fixtures and on lines written here. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data.h"
#include "levyscore/limits.h"
#include "levyscore/reader.h"

/* Everything one read of an input gave. */
struct read_result {
    bool opened;
    bool failed;                /* an error came from open or from a batch */
    char error[512];
    char note[512];
    bool has_ids;
    int64_t rows_up_front;
    size_t width;
    size_t rows;
    double *values;
    uint64_t *lines;
    char **ids;
    char **bytes;               /* each row's kept bytes as a string */
    const char *line_end;
    size_t prelude_size;
};

static void result_free(struct read_result *r)
{
    for (size_t i = 0; i < r->rows; i++) {
        if (r->ids)
            free(r->ids[i]);
        if (r->bytes)
            free(r->bytes[i]);
    }
    free(r->values);
    free(r->lines);
    free(r->ids);
    free(r->bytes);
}

static double value_as_double(const struct batch *batch, size_t i)
{
    switch (batch->dtype) {
    case DTYPE_F16:
        return half_to_double(((const uint16_t *)batch->values)[i]);
    case DTYPE_F32:
        return ((const float *)batch->values)[i];
    case DTYPE_F64:
        return ((const double *)batch->values)[i];
    }
    return NAN;
}

static void collect_batch(struct read_result *r, const struct batch *batch)
{
    cr_assert_eq(batch->first_row, r->rows, "batches must follow each other");
    size_t total = r->rows + batch->rows;
    r->values = realloc(r->values, total * batch->width * sizeof *r->values);
    r->lines = realloc(r->lines, total * sizeof *r->lines);
    r->ids = realloc(r->ids, total * sizeof *r->ids);
    r->bytes = realloc(r->bytes, total * sizeof *r->bytes);
    for (size_t i = 0; i < batch->rows * batch->width; i++)
        r->values[r->rows * batch->width + i] = value_as_double(batch, i);
    for (size_t i = 0; i < batch->rows; i++) {
        size_t row = r->rows + i;
        r->lines[row] = batch->lines ? batch->lines[i] : 0;
        r->ids[row] = batch->ids ? strdup(batch->ids[i]) : NULL;
        r->bytes[row] = NULL;
        if (batch->bytes) {
            size_t size = batch->byte_offsets[i + 1] - batch->byte_offsets[i];
            r->bytes[row] = strndup((const char *)batch->bytes + batch->byte_offsets[i], size);
        }
    }
    r->width = batch->width;
    r->rows = total;
}

static struct read_result read_all(const char *path, const struct reader_options *options)
{
    struct read_result r = {0};
    struct error error = {""};
    struct reader *reader = reader_open(path, options, false, &error);
    if (!reader) {
        r.failed = true;
        snprintf(r.error, sizeof r.error, "%s", error.text);
        return r;
    }
    r.opened = true;
    r.has_ids = reader->has_ids;
    r.rows_up_front = reader->rows;
    r.line_end = reader->layout.line_end;
    r.prelude_size = reader->layout.prelude_size;
    snprintf(r.note, sizeof r.note, "%s", reader->note);

    struct batch batch;
    int got;
    while ((got = reader_next(reader, &batch, &error)) > 0)
        collect_batch(&r, &batch);
    if (got < 0) {
        r.failed = true;
        snprintf(r.error, sizeof r.error, "%s", error.text);
    }
    reader_close(reader);
    return r;
}

static struct reader_options jsonl_options(void)
{
    return (struct reader_options){.format = FORMAT_JSONL, .header = -1, .keep_bytes = true};
}

/* Write text to a new scratch file and return its path (static until the next call). */
static const char *scratch_file(const char *text, size_t size)
{
    static char path[4200];
    snprintf(path, sizeof path, "%s/input.jsonl", scratch_folder());
    FILE *file = fopen(path, "wb");
    cr_assert_not_null(file);
    cr_assert_eq(fwrite(text, 1, size, file), size);
    fclose(file);
    return path;
}

static struct read_result read_text(const char *text, const struct reader_options *options)
{
    return read_all(scratch_file(text, strlen(text)), options);
}

static bool same_double(double a, double b)
{
    return (isnan(a) && isnan(b)) || (a == b && signbit(a) == signbit(b));
}

/* --- Values --- */

Test(jsonl_reader, values_equal_raw_fixtures)
{
    static const struct {
        const char *stem;
        const char *raw;
        size_t dim;
        enum dtype dtype;
    } cases[] = {
        {"small_f2", "raw/small_f2.f16", 8, DTYPE_F16},
        {"normal_f4", "raw/normal_f4.f32", 384, DTYPE_F32},
        {"extremes_f8", "raw/extremes_f8.f64", 3, DTYPE_F64},
        {"nonfinite_f8", "raw/nonfinite_f8.f64", 3, DTYPE_F64},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        char jsonl[256];
        snprintf(jsonl, sizeof jsonl, "jsonl/%s.jsonl", cases[c].stem);
        struct reader_options options = jsonl_options();
        struct read_result json = read_all(data_path(jsonl), &options);
        struct reader_options raw_options = {.format = FORMAT_RAW, .raw_width = cases[c].dim, .raw_dtype = cases[c].dtype};
        struct read_result raw = read_all(data_path(cases[c].raw), &raw_options);

        cr_assert(!json.failed, "%s: %s", jsonl, json.error);
        cr_assert(!raw.failed, "%s: %s", cases[c].raw, raw.error);
        cr_assert_eq(json.width, cases[c].dim, "%s", jsonl);
        cr_assert_eq(json.rows, raw.rows, "%s", jsonl);
        for (size_t i = 0; i < json.rows * json.width; i++)
            cr_assert(same_double(json.values[i], raw.values[i]), "%s value %zu: %a, raw has %a", jsonl, i,
                      json.values[i], raw.values[i]);
        result_free(&json);
        result_free(&raw);
    }
}

Test(jsonl_reader, numbers_correctly_rounded)
{
    /* Expected doubles from Python's float(), which rounds correctly. */
    const char *text = "[0.1, 2.2250738585072011e-308, 2.2250738585072012e-308, 5e-324, 2.4703282292062327e-324, "
                       "2.4703282292062328e-324, 1.7976931348623157e308, 1.7976931348623158e308, 9007199254740993, "
                       "0.30000000000000004, -0, 1e999, -1E-5, 123456789012345678901234567890, 7.038531e-26, 1e23]\n";
    static const double expected[] = {
        0x1.999999999999ap-4, 0x0.fffffffffffffp-1022, 0x1.0p-1022, 0x0.0000000000001p-1022, 0.0,
        0x0.0000000000001p-1022, 0x1.fffffffffffffp+1023, 0x1.fffffffffffffp+1023, 0x1.0p+53,
        0x1.3333333333334p-2, -0.0, INFINITY, -0x1.4f8b588e368f1p-17, 0x1.8ee90ff6c373ep+96,
        0x1.5c87fbp-84, 0x1.52d02c7e14af6p+76,
    };
    struct reader_options options = jsonl_options();
    struct read_result r = read_text(text, &options);
    cr_assert(!r.failed, "%s", r.error);
    cr_assert_eq(r.width, sizeof expected / sizeof expected[0]);
    for (size_t i = 0; i < r.width; i++)
        cr_assert(same_double(r.values[i], expected[i]), "value %zu: got %a, expected %a", i, r.values[i],
                  expected[i]);
    result_free(&r);
}

Test(jsonl_reader, python_nonfinite_spellings)
{
    struct reader_options options = jsonl_options();
    struct read_result r = read_text("[NaN, Infinity, -Infinity, 1]\n", &options);
    cr_assert(!r.failed, "%s", r.error);
    cr_assert_eq(r.width, 4);
    cr_assert(isnan(r.values[0]));
    cr_assert(isinf(r.values[1]) && r.values[1] > 0);
    cr_assert(isinf(r.values[2]) && r.values[2] < 0);
    cr_assert_eq(r.values[3], 1.0);
    result_free(&r);
}

Test(jsonl_reader, nonfinite_words_inside_strings_ignored)
{
    struct reader_options options = jsonl_options();
    struct read_result r = read_text("{\"note\": \"NaN, [1, 2] \\\" Infinity\", \"embedding\": [3, 4]}\n", &options);
    cr_assert(!r.failed, "%s", r.error);
    cr_assert_eq(r.width, 2);
    cr_assert_eq(r.values[0], 3.0);
    cr_assert_eq(r.values[1], 4.0);
    result_free(&r);
}

/* --- Fields, ids, lines --- */

static char **read_lines(const char *path, size_t *count)
{
    char *text = read_file(path, NULL);
    cr_assert_not_null(text, "cannot read %s", path);
    char **lines = NULL;
    size_t n = 0;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        lines = realloc(lines, (n + 1) * sizeof *lines);
        lines[n++] = strdup(line);
    }
    free(text);
    *count = n;
    return lines;
}

Test(jsonl_reader, ids_of_fixtures)
{
    static const struct {
        const char *stem;
        const char *field;
        const char *id_field;
    } cases[] = {
        {"objects_embedding", NULL, NULL},
        {"objects_vector", NULL, NULL},
        {"custom_fields", "emb", "doc_id"},
        {"crlf_blank", NULL, NULL},
        {"fiori_head", NULL, NULL},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        char path[256];
        snprintf(path, sizeof path, "jsonl/%s.jsonl", cases[c].stem);
        struct reader_options options = jsonl_options();
        options.field = cases[c].field;
        options.id_field = cases[c].id_field;
        struct read_result r = read_all(data_path(path), &options);
        cr_assert(!r.failed, "%s: %s", path, r.error);
        cr_assert(r.has_ids, "%s", path);

        char ids_path[256];
        snprintf(ids_path, sizeof ids_path, "jsonl/%s.ids.txt", cases[c].stem);
        size_t count;
        char **ids = read_lines(data_path(ids_path), &count);
        cr_assert_eq(r.rows, count, "%s", path);
        for (size_t i = 0; i < count; i++) {
            cr_assert_str_eq(r.ids[i], ids[i], "%s row %zu", path, i);
            free(ids[i]);
        }
        free(ids);
        result_free(&r);
    }
}

Test(jsonl_reader, number_id_keeps_its_text)
{
    struct reader_options options = jsonl_options();
    struct read_result r = read_text("{\"id\": 1.50e3, \"vector\": [1]}\n{\"id\": -0, \"vector\": [2]}\n"
                                     "{\"id\": \"x\\ty\", \"vector\": [3]}\n",
                                     &options);
    cr_assert(!r.failed, "%s", r.error);
    cr_assert_eq(r.rows, 3);
    cr_assert_str_eq(r.ids[0], "1.50e3");
    cr_assert_str_eq(r.ids[1], "-0");
    cr_assert_str_eq(r.ids[2], "x\ty");
    result_free(&r);
}

Test(jsonl_reader, numbers_found_around_other_arrays)
{
    /* Arrays of numbers before and after the vector, and a number id after all of them. */
    struct reader_options options = jsonl_options();
    struct read_result r = read_text("{\"x\": [1, 2], \"embedding\": [3, 4], \"nested\": [[5, 6], [], [7]], \"id\": 8.5}\n"
                                     "{\"x\": [], \"embedding\": [9,\f10], \"nested\": [11], \"id\": 12}\n",
                                     &options);
    cr_assert(!r.failed, "%s", r.error);
    cr_assert_eq(r.rows, 2);
    cr_assert_eq(r.values[0], 3.0);
    cr_assert_eq(r.values[1], 4.0);
    cr_assert_str_eq(r.ids[0], "8.5");
    cr_assert_eq(r.values[2], 9.0, "an array spaced with a form feed, which cJSON skips, reads the same");
    cr_assert_eq(r.values[3], 10.0);
    cr_assert_str_eq(r.ids[1], "12");
    result_free(&r);
}

Test(jsonl_reader, default_vector_field_order)
{
    struct reader_options options = jsonl_options();
    struct read_result r = read_text("{\"values\": [9], \"vector\": [1, 2], \"embedding\": \"model-3\"}\n", &options);
    cr_assert(!r.failed, "%s", r.error);
    cr_assert_eq(r.width, 2, "'embedding' is not an array, so 'vector' comes next");
    cr_assert_eq(r.values[1], 2.0);
    cr_assert_not(r.has_ids);
    cr_assert_str_eq(r.note, "vector field 'vector', no ids (the first row has no field 'id'); LF line ends");
    result_free(&r);
}

Test(jsonl_reader, note_names_defaults_taken)
{
    struct reader_options options = jsonl_options();
    struct read_result r = read_all(data_path("jsonl/objects_embedding.jsonl"), &options);
    cr_assert_str_eq(r.note, "vector field 'embedding', id field 'id'; LF line ends");
    result_free(&r);

    r = read_all(data_path("jsonl/normal_f4.jsonl"), &options);
    cr_assert_str_eq(r.note, "rows are arrays of numbers, without ids; LF line ends");
    result_free(&r);
}

Test(jsonl_reader, crlf_blank_lines_and_bytes)
{
    struct reader_options options = jsonl_options();
    struct read_result r = read_all(data_path("jsonl/crlf_blank.jsonl"), &options);
    cr_assert(!r.failed, "%s", r.error);
    cr_assert_str_eq(r.line_end, "\r\n");
    cr_assert_eq(r.rows, 8);
    /* Blank lines 4 and 7 are no rows, but count as lines. */
    static const uint64_t lines[] = {1, 2, 3, 5, 6, 8, 9, 10};
    for (size_t i = 0; i < 8; i++)
        cr_assert_eq(r.lines[i], lines[i], "row %zu", i);
    cr_assert(strncmp(r.bytes[0], "{\"id\": \"row 0\", \"values\": [", 27) == 0, "%s", r.bytes[0]);
    for (size_t i = 0; i < 8; i++) {
        size_t length = strlen(r.bytes[i]);
        cr_assert_eq(r.bytes[i][length - 1], '}', "row %zu keeps no line end", i);
    }
    cr_assert(strstr(r.note, "CRLF line ends"), "%s", r.note);
    result_free(&r);
}

Test(jsonl_reader, byte_order_mark_is_prelude)
{
    struct reader_options options = jsonl_options();
    struct read_result r = read_all(data_path("jsonl/bom.jsonl"), &options);
    cr_assert(!r.failed, "%s", r.error);
    cr_assert_eq(r.prelude_size, 3);
    cr_assert_eq(r.rows, 6);
    cr_assert_eq(r.bytes[0][0], '[');
    result_free(&r);
}

Test(jsonl_reader, kept_bytes_are_the_lines)
{
    const char *text = "  [1, 2]\t\n\n[3,4]";
    struct reader_options options = jsonl_options();
    struct read_result r = read_text(text, &options);
    cr_assert(!r.failed, "%s", r.error);
    cr_assert_eq(r.rows, 2);
    cr_assert_str_eq(r.bytes[0], "  [1, 2]\t");
    cr_assert_str_eq(r.bytes[1], "[3,4]");
    cr_assert_eq(r.lines[1], 3);
    result_free(&r);
}

Test(jsonl_reader, empty_input_has_no_rows)
{
    struct reader_options options = jsonl_options();
    struct read_result r = read_text("\n  \n\r\n", &options);
    cr_assert(!r.failed, "%s", r.error);
    cr_assert_eq(r.rows, 0);
    cr_assert_eq(r.rows_up_front, 0);
    result_free(&r);
}

Test(jsonl_reader, rewind_reads_again)
{
    struct error error = {""};
    struct reader_options options = jsonl_options();
    struct reader *reader = reader_open(data_path("jsonl/bom.jsonl"), &options, true, &error);
    cr_assert_not_null(reader, "%s", error.text);
    struct batch batch;
    cr_assert_eq(reader_next(reader, &batch, &error), 1, "%s", error.text);
    size_t rows = batch.rows;
    double first = ((const double *)batch.values)[0];
    while (reader_next(reader, &batch, &error) > 0)
        continue;

    cr_assert(reader_rewind(reader, &error), "%s", error.text);
    cr_assert_eq(reader_next(reader, &batch, &error), 1, "%s", error.text);
    cr_assert_eq(batch.first_row, 0);
    cr_assert_eq(batch.rows, rows);
    cr_assert_eq(((const double *)batch.values)[0], first);
    cr_assert_eq(batch.lines[0], 1);
    cr_assert_eq(batch.bytes[0], '[', "the byte-order mark is skipped again");
    reader_close(reader);
}

/* --- Errors --- */

struct error_case {
    const char *text;
    const char *field;
    const char *id_field;
    const char *message;
};

Test(jsonl_reader, errors_name_the_line)
{
    static const struct error_case cases[] = {
        {"[1,2]\n[1,2,3]\n", NULL, NULL, "line 2: the vector has 3 values, but the first row has 2"},
        {"[1,2]\n\n[1,\"a\"]\n", NULL, NULL, "line 3: value 2 of the vector is a string, not a number"},
        {"[1,2]\nnot json\n", NULL, NULL, "line 2, column 1: 'not' is not a JSON value"},
        {"[1,2\n", NULL, NULL, "line 1, column 5: the line ends inside an array or object"},
        {"{\"embedding\": [1]\n", NULL, NULL, "line 1, column 18: the line ends inside an array or object"},
        {"[\"open string]\n", NULL, NULL, "line 1, column 2: the string starting here is not closed"},
        {"[\"ends in a backslash\\]\n", NULL, NULL, "line 1, column 2: the string starting here is not closed"},
        {"[1,,2]\n", NULL, NULL, "line 1, column 4: not valid JSON"},
        {"[1 2]\n", NULL, NULL, "line 1, column 4: not valid JSON"},
        {"{\"a\" [1]}\n", NULL, NULL, "line 1, column 6: not valid JSON"},
        {"{\"a\": [1]}\n", NULL, NULL,
         "line 1: none of the fields 'embedding', 'vector', 'values' is an array; name the vector's field with --field"},
        {"{\"embedding\": [1]}\n{\"embedding\": \"x\"}\n", NULL, NULL,
         "line 2: field 'embedding' is a string, not an array of numbers"},
        {"{\"embedding\": [1]}\n{\"vector\": [1]}\n", NULL, NULL, "line 2: no field 'embedding'"},
        {"{\"id\": 1, \"embedding\": [1]}\n{\"embedding\": [2]}\n", NULL, NULL,
         "line 2: no id field 'id', which the first row has"},
        {"{\"doc\": 1, \"embedding\": [1]}\n{\"embedding\": [2]}\n", NULL, "doc", "line 2: no id field 'doc'"},
        {"{\"id\": [1], \"embedding\": [1]}\n", NULL, NULL,
         "line 1: id field 'id' is an array; ids must be strings or numbers"},
        {"{\"id\": null, \"embedding\": [1]}\n", NULL, NULL,
         "line 1: id field 'id' is null; ids must be strings or numbers"},
        {"[1]\n{\"embedding\": [1]}\n", NULL, NULL, "line 2: found an object, but the first row is an array"},
        {"{\"embedding\": [1]}\n[1]\n", NULL, NULL, "line 2: found an array, but the first row is an object"},
        {"5\n", NULL, NULL, "line 1: expected an array of numbers or an object, found a number"},
        {"\n\"text\"\n", NULL, NULL, "line 2: expected an array of numbers or an object, found a string"},
        {"[]\n", NULL, NULL, "line 1: the vector is empty; a row needs at least one value"},
        {"[1,2] [3]\n", NULL, NULL, "line 1, column 7: more text after the JSON value; each line holds one value"},
        {"[1, nan]\n", NULL, NULL, "line 1, column 5: 'nan' is not a JSON value"},
        {"[1, -NaN]\n", NULL, NULL, "line 1, column 5: '-NaN' is not a JSON value"},
        {"[01]\n", NULL, NULL, "line 1, column 2: '01' is not a JSON value"},
        {"[1.]\n", NULL, NULL, "line 1, column 2: '1.' is not a JSON value"},
        {"[.5]\n", NULL, NULL, "line 1, column 2: '.5' is not a JSON value"},
        {"[+1]\n", NULL, NULL, "line 1, column 2: '+1' is not a JSON value"},
        {"[0x10]\n", NULL, NULL, "line 1, column 2: '0x10' is not a JSON value"},
        {"[[1, 2]]\n", NULL, NULL, "line 1: value 1 of the vector is an array, not a number"},
        {"{\"embedding\": [1, {\"x\": 2}]}\n", NULL, NULL,
         "line 1: value 2 of field 'embedding' is an object, not a number"},
        {"{\"embedding\": [1, true]}\n", NULL, NULL, "line 1: value 2 of field 'embedding' is a boolean, not a number"},
        {"[1]\n", "emb", NULL, "line 1: expected an object with the field 'emb', found an array"},
        {"[1]\n", NULL, "key", "line 1: expected an object with the field 'key', found an array"},
        {"{\"emb\": [1]}\n{\"embedding\": [1]}\n", "emb", NULL, "line 2: no field 'emb'"},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        struct reader_options options = jsonl_options();
        options.field = cases[c].field;
        options.id_field = cases[c].id_field;
        struct read_result r = read_text(cases[c].text, &options);
        cr_expect(r.failed, "case %zu: '%s' must fail", c, cases[c].text);
        cr_expect_str_eq(r.error, cases[c].message, "case %zu: '%s' gave '%s'", c, cases[c].text, r.error);
        result_free(&r);
    }
}

/* A line of depth levels of arrays holding one number, inside an object with a vector. */
static char *nested_line(size_t depth)
{
    char *text = malloc(2 * depth + 64);
    size_t n = (size_t)sprintf(text, "{\"embedding\": [1], \"x\": ");
    for (size_t i = 0; i + 1 < depth; i++)
        text[n++] = '[';
    text[n++] = '0';
    for (size_t i = 0; i + 1 < depth; i++)
        text[n++] = ']';
    strcpy(text + n, "}\n");
    return text;
}

Test(jsonl_reader, nesting_limit_is_1000)
{
    struct reader_options options = jsonl_options();
    char *deepest = nested_line(1000);
    struct read_result r = read_text(deepest, &options);
    cr_assert(!r.failed, "1000 levels, the object included, are accepted: %s", r.error);
    cr_assert_eq(r.values[0], 1.0);
    result_free(&r);
    free(deepest);

    char *too_deep = nested_line(1001);
    r = read_text(too_deep, &options);
    cr_assert(r.failed);
    cr_assert_str_eq(r.error, "line 1, column 1024: arrays and objects nested more than 1000 deep");
    result_free(&r);
    free(too_deep);
}

Test(jsonl_reader, million_levels_give_error)
{
    size_t depth = 1000000;
    char *text = malloc(depth + 2);
    memset(text, '[', depth);
    strcpy(text + depth, "\n");
    struct reader_options options = jsonl_options();
    struct read_result r = read_text(text, &options);
    cr_assert(r.failed);
    cr_assert_str_eq(r.error, "line 1, column 1001: arrays and objects nested more than 1000 deep");
    result_free(&r);
    free(text);
}

/* --- Limit on the values of a line --- */

#define PAD_PREFIX "{\"embedding\": [1, 2], \"pad\": [\"x\""

/* Values of PAD_PREFIX and its closing brackets: the object, two keys, the vector (an array of
 * numbers counts as one), the pad array and "x". */
#define PAD_PREFIX_VALUES 6

/* The line PAD_PREFIX, count times ", item", "]}" and a line end, with room for 8 more bytes. */
static char *padded_row(size_t count, const char *item)
{
    size_t item_length = strlen(item);
    size_t size = strlen(PAD_PREFIX) + count * (item_length + 2) + 4 + 8;
    char *text = malloc(size);
    cr_assert_not_null(text);
    char *at = text + strlen(strcpy(text, PAD_PREFIX));
    for (size_t i = 0; i < count; i++) {
        memcpy(at, ", ", 2);
        memcpy(at + 2, item, item_length);
        at += item_length + 2;
    }
    strcpy(at, "]}\n");
    return text;
}

Test(jsonl_reader, value_limit_counts_each_value)
{
    /* Each item is one value: an array of numbers as one, a number outside one as one. */
    static const char *const items[] = {"null", "1", "[0.5]", "\"s\"", "{}", "[]", "true"};
    struct reader_options options = jsonl_options();
    options.keep_bytes = false;
    for (size_t i = 0; i < sizeof items / sizeof items[0]; i++) {
        size_t count = JSONL_VALUES_MAX - PAD_PREFIX_VALUES;
        char *text = padded_row(count, items[i]);
        struct read_result r = read_text(text, &options);
        cr_expect_not(r.failed, "%zu values of %s: %s", count, items[i], r.error);
        cr_expect_eq(r.rows, 1, "%zu values of %s: %zu rows", count, items[i], r.rows);
        cr_expect(r.rows == 1 && r.values[0] == 1.0 && r.values[1] == 2.0, "%s: the vector is not [1, 2]", items[i]);
        result_free(&r);
        free(text);

        count++;
        text = padded_row(count, items[i]);
        r = read_text(text, &options);
        char want[256];
        size_t column = strlen(PAD_PREFIX) + (count - 1) * (strlen(items[i]) + 2) + 3;
        snprintf(want, sizeof want, "line 1, column %zu: more than the maximum of %u JSON values in one line (an "
                 "array of numbers counts as one)", column, JSONL_VALUES_MAX);
        cr_expect(r.failed, "%zu values of %s are accepted", count, items[i]);
        cr_expect_str_eq(r.error, want, "%s", items[i]);
        result_free(&r);
        free(text);
    }
}

Test(jsonl_reader, value_limit_skips_arrays_of_numbers)
{
    /* The pad is an array of numbers, so its numbers are no values. */
    struct reader_options options = jsonl_options();
    options.keep_bytes = false;
    size_t count = 2 * (size_t)JSONL_VALUES_MAX;
    char *text = padded_row(count, "0");
    memcpy(text + strlen(PAD_PREFIX) - 3, "0  ", 3);
    struct read_result r = read_text(text, &options);
    cr_expect_not(r.failed, "an array of %zu numbers is rejected: %s", count + 1, r.error);
    result_free(&r);

    /* With its last number replaced by null, it is no array of numbers, and its numbers count
     * once the null comes. */
    strcpy(text + strlen(text) - 5, "null]}\n");
    r = read_text(text, &options);
    cr_expect(r.failed, "an array of %zu numbers and null is accepted", count);
    cr_expect(strstr(r.error, "more than the maximum of 1048576 JSON values"), "error: %s", r.error);
    result_free(&r);
    free(text);
}

Test(jsonl_reader, rows_before_bad_line_come_first)
{
    struct error error = {""};
    struct reader_options options = jsonl_options();
    const char *path = scratch_file("[1]\n[2]\n[3, 4]\n[5]\n", 19);
    struct reader *reader = reader_open(path, &options, false, &error);
    cr_assert_not_null(reader, "%s", error.text);
    struct batch batch;
    cr_assert_eq(reader_next(reader, &batch, &error), 1, "%s", error.text);
    cr_assert_eq(batch.rows, 2);
    cr_assert_eq(reader_next(reader, &batch, &error), -1);
    cr_assert_str_eq(error.text, "line 3: the vector has 2 values, but the first row has 1");
    cr_assert_eq(reader_next(reader, &batch, &error), -1, "the error stays");
    reader_close(reader);
}

/* Write a file of one line: "[1" and spaces up to size bytes, then "]" when closed, no line end. */
static const char *long_line_file(size_t size, bool closed)
{
    static char path[4200];
    snprintf(path, sizeof path, "%s/long.jsonl", scratch_folder());
    FILE *file = fopen(path, "wb");
    cr_assert_not_null(file);
    static char spaces[1 << 16];
    memset(spaces, ' ', sizeof spaces);
    fputs("[1", file);
    for (size_t left = size - 2 - (closed ? 1 : 0); left > 0;) {
        size_t step = left < sizeof spaces ? left : sizeof spaces;
        cr_assert_eq(fwrite(spaces, 1, step, file), step);
        left -= step;
    }
    if (closed)
        putc(']', file);
    fclose(file);
    return path;
}

Test(jsonl_reader, line_at_limit_accepted)
{
    struct reader_options options = jsonl_options();
    options.keep_bytes = false;
    struct read_result r = read_all(long_line_file(ROW_BYTES_MAX, true), &options);
    cr_assert(!r.failed, "%s", r.error);
    cr_assert_eq(r.rows, 1);
    cr_assert_eq(r.values[0], 1.0);
    result_free(&r);
}

Test(jsonl_reader, line_over_limit_fails)
{
    struct reader_options options = jsonl_options();
    struct read_result r = read_all(long_line_file((size_t)ROW_BYTES_MAX + 1, false), &options);
    char want[128];
    snprintf(want, sizeof want, "line 1: longer than the maximum of %u bytes", ROW_BYTES_MAX);
    cr_assert(r.failed);
    cr_assert_str_eq(r.error, want);
    result_free(&r);
}
