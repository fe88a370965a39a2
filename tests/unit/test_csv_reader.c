/* The CSV/TSV reader, through reader_open, on small files written to a scratch folder. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "data.h"
#include "levyscore/limits.h"
#include "levyscore/reader.h"

/* Everything one read of an input gave. */
struct csv_result {
    bool failed;                /* an error came from open or from a batch */
    char error[512];
    char note[512];
    enum input_format format;
    bool has_ids;
    int64_t rows_up_front;
    size_t width;
    size_t rows;
    size_t batches;
    double *values;
    uint64_t *lines;
    char **ids;
    char **bytes;               /* each row's kept bytes as a string */
    char prelude[256];
    size_t prelude_size;
    char line_end[4];
};

static void result_free(struct csv_result *r)
{
    for (size_t i = 0; i < r->rows; i++) {
        free(r->ids[i]);
        free(r->bytes[i]);
    }
    free(r->values);
    free(r->lines);
    free(r->ids);
    free(r->bytes);
}

static char input_folder[4096];
static char input_path[4200];

/* Write size bytes of content to input.csv in a new scratch folder and return its path. */
static const char *write_input(const char *content, size_t size)
{
    const char *folder = scratch_folder();
    cr_assert_not_null(folder, "cannot create a scratch folder");
    snprintf(input_folder, sizeof input_folder, "%s", folder);
    snprintf(input_path, sizeof input_path, "%s/input.csv", folder);
    const char *path = input_path;
    FILE *file = fopen(path, "wb");
    cr_assert_not_null(file);
    cr_assert_eq(fwrite(content, 1, size, file), size);
    cr_assert_eq(fclose(file), 0);
    return path;
}

static void remove_input(void)
{
    unlink(input_path);
    rmdir(input_folder);
}

static void collect_batch(struct csv_result *r, const struct batch *batch)
{
    cr_assert_eq(batch->first_row, r->rows, "batch starts at row %llu, expected %zu",
                 (unsigned long long)batch->first_row, r->rows);
    cr_assert_eq(batch->dtype, DTYPE_F64);
    cr_assert_not_null(batch->lines);
    size_t total = r->rows + batch->rows;
    r->values = realloc(r->values, total * batch->width * sizeof *r->values);
    r->lines = realloc(r->lines, total * sizeof *r->lines);
    r->ids = realloc(r->ids, total * sizeof *r->ids);
    r->bytes = realloc(r->bytes, total * sizeof *r->bytes);
    memcpy(r->values + r->rows * batch->width, batch->values, batch->rows * batch->width * sizeof(double));
    for (size_t i = 0; i < batch->rows; i++) {
        size_t row = r->rows + i;
        r->lines[row] = batch->lines[i];
        r->ids[row] = batch->ids ? strdup(batch->ids[i]) : NULL;
        r->bytes[row] = NULL;
        if (batch->bytes && batch->byte_offsets) {
            size_t size = batch->byte_offsets[i + 1] - batch->byte_offsets[i];
            r->bytes[row] = strndup((const char *)batch->bytes + batch->byte_offsets[i], size);
        }
    }
    r->width = batch->width;
    r->rows = total;
    r->batches++;
}

static void read_rows(struct reader *reader, struct csv_result *r)
{
    struct batch batch;
    struct error error;
    int got;
    while ((got = reader_next(reader, &batch, &error)) > 0)
        collect_batch(r, &batch);
    if (got < 0) {
        r->failed = true;
        strcpy(r->error, error.text);
    }
}

static void take_layout(struct csv_result *r, const struct reader *reader)
{
    r->format = reader->format;
    r->has_ids = reader->has_ids;
    r->rows_up_front = reader->rows;
    r->width = reader->width;
    strcpy(r->note, reader->note);
    cr_assert_lt(reader->layout.prelude_size, sizeof r->prelude);
    r->prelude_size = reader->layout.prelude_size;
    if (r->prelude_size)
        memcpy(r->prelude, reader->layout.prelude, r->prelude_size);
    cr_assert_not_null(reader->layout.line_end);
    strcpy(r->line_end, reader->layout.line_end);
}

/* Read every row of text (size bytes) with options, keeping each row's bytes. */
static struct csv_result read_text_with(const char *text, size_t size, struct reader_options options)
{
    struct csv_result r = {0};
    struct error error;
    options.keep_bytes = true;
    struct reader *reader = reader_open(write_input(text, size), &options, false, &error);
    if (!reader) {
        r.failed = true;
        strcpy(r.error, error.text);
        remove_input();
        return r;
    }
    take_layout(&r, reader);
    read_rows(reader, &r);
    reader_close(reader);
    remove_input();
    return r;
}

static struct reader_options default_options(void)
{
    return (struct reader_options){.format = FORMAT_CSV, .header = -1};
}

static struct csv_result read_text(const char *text)
{
    return read_text_with(text, strlen(text), default_options());
}

static void assert_row(const struct csv_result *r, size_t row, const double *expected)
{
    for (size_t c = 0; c < r->width; c++) {
        double got = r->values[row * r->width + c];
        cr_assert(got == expected[c] && signbit(got) == signbit(expected[c]), "row %zu, value %zu: got %.17g, expected %.17g",
                  row, c, got, expected[c]);
    }
}

/* ------------------------------------------------------------------------------------------ */

Test(csv_reader, plain_rows_and_lines)
{
    struct csv_result r = read_text("1,2,3\n4.5,-0.25,6e2\n");
    cr_assert_not(r.failed, "%s", r.error);
    cr_assert_eq(r.rows, 2);
    cr_assert_eq(r.width, 3);
    cr_assert_eq(r.rows_up_front, -1);
    cr_assert_not(r.has_ids);
    cr_assert_eq(r.format, FORMAT_CSV);
    assert_row(&r, 0, (double[]){1, 2, 3});
    assert_row(&r, 1, (double[]){4.5, -0.25, 600});
    cr_assert_eq(r.lines[0], 1);
    cr_assert_eq(r.lines[1], 2);
    cr_assert_str_eq(r.bytes[0], "1,2,3");
    cr_assert_str_eq(r.bytes[1], "4.5,-0.25,6e2");
    cr_assert_eq(r.prelude_size, 0);
    cr_assert_str_eq(r.line_end, "\n");
    result_free(&r);
}

Test(csv_reader, header_bom_crlf_and_blank_lines)
{
    const char text[] = "\xEF\xBB\xBF"
                        "e0,e1\r\n"
                        "\r\n"
                        "1,2\r\n"
                        "  \t \r\n"
                        "3,4";
    struct csv_result r = read_text(text);
    cr_assert_not(r.failed, "%s", r.error);
    cr_assert_eq(r.rows, 2);
    assert_row(&r, 0, (double[]){1, 2});
    assert_row(&r, 1, (double[]){3, 4});
    cr_assert_eq(r.lines[0], 3, "line numbers count the header and blank lines");
    cr_assert_eq(r.lines[1], 5);
    cr_assert_str_eq(r.bytes[0], "1,2");
    cr_assert_str_eq(r.bytes[1], "3,4");
    cr_assert_str_eq(r.line_end, "\r\n");
    cr_assert_eq(r.prelude_size, 10);
    cr_assert_eq(memcmp(r.prelude, "\xEF\xBB\xBF" "e0,e1\r\n", 10), 0);
    cr_assert(strstr(r.note, "header line 1 detected"), "note: %s", r.note);
    result_free(&r);
}

Test(csv_reader, bom_without_header_is_data)
{
    struct csv_result r = read_text("\xEF\xBB\xBF" "0.25,-1.5,2\n3,4,0\n");
    cr_assert_not(r.failed, "%s", r.error);
    cr_assert_eq(r.rows, 2);
    assert_row(&r, 0, (double[]){0.25, -1.5, 2});
    cr_assert_eq(r.prelude_size, 3, "the prelude is the byte-order mark alone");
    cr_assert(strstr(r.note, "no header line detected"), "note: %s", r.note);
    result_free(&r);
}

Test(csv_reader, header_alone_without_line_end)
{
    struct csv_result r = read_text("x,y\r\n\r\n1,2\r\n");
    cr_assert_not(r.failed, "%s", r.error);
    result_free(&r);

    /* The header is the whole file: the prelude gets the line end of the file's style, LF. */
    r = read_text("x,y");
    cr_assert_not(r.failed, "%s", r.error);
    cr_assert_eq(r.rows, 0);
    cr_assert_eq(r.width, 2);
    cr_assert_eq(r.prelude_size, 4);
    cr_assert_eq(memcmp(r.prelude, "x,y\n", 4), 0);
    result_free(&r);
}

Test(csv_reader, line_end_style_from_first_line)
{
    struct csv_result r = read_text("1,2\r\n3,4\n");
    cr_assert_str_eq(r.line_end, "\r\n");
    result_free(&r);
    r = read_text("1,2\n3,4\r\n");
    cr_assert_str_eq(r.line_end, "\n");
    cr_assert_str_eq(r.bytes[1], "3,4", "a CRLF line end is not part of the row");
    result_free(&r);
}

Test(csv_reader, empty_and_blank_inputs)
{
    const char *inputs[] = {"", "\n", "\n\n  \n", "\xEF\xBB\xBF", "\r\n\t\r\n"};
    for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
        struct csv_result r = read_text(inputs[i]);
        cr_assert_not(r.failed, "input %zu: %s", i, r.error);
        cr_assert_eq(r.rows, 0, "input %zu", i);
        cr_assert_eq(r.width, 0, "input %zu", i);
        result_free(&r);
    }
}

Test(csv_reader, delimiter_detection)
{
    static const struct {
        const char *text;
        char delimiter;
        const char *note;
    } cases[] = {
        {"1,2,3\n", ',', "delimiter ',' detected"},
        {"1\t2\t3\n", '\t', "delimiter '\\t' detected"},
        {"1;2;3\n", ';', "delimiter ';' detected"},
        {"1 2 3\n", ' ', "delimiter ' ' detected"},
        /* A semicolon file whose ids contain commas inside quotes. */
        {"\"a,b\";1;2\n", ';', "delimiter ';' detected"},
        /* Three tab fields beat two comma fields. */
        {"doc, part 1\t1\t2\n", '\t', "delimiter '\\t' detected"},
        {"  5  \n", ',', "one column"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct csv_result r = read_text(cases[i].text);
        cr_assert_not(r.failed, "case %zu: %s", i, r.error);
        cr_assert(strstr(r.note, cases[i].note), "case %zu: note '%s', expected '%s'", i, r.note, cases[i].note);
        cr_assert_eq(r.rows, 1, "case %zu", i);
        cr_assert_eq(r.format, cases[i].delimiter == '\t' ? FORMAT_TSV : FORMAT_CSV, "case %zu", i);
        result_free(&r);
    }
}

Test(csv_reader, delimiter_option_wins)
{
    struct reader_options options = default_options();
    options.delimiter = ';';
    const char text[] = "1,5;2\n";
    struct csv_result r = read_text_with(text, strlen(text), options);
    cr_assert(r.failed, "'1,5' read with ';' is no number");
    cr_assert_str_eq(r.error, "line 1, field 1: '1,5' is not a number (the decimal point must be '.')");
    result_free(&r);
}

Test(csv_reader, header_detection)
{
    static const struct {
        const char *text;
        size_t rows;
        const char *why;
    } cases[] = {
        {"e0,e1\n1,2\n", 1, "names"},
        {",0,1\n0,1,2\n", 1, "an empty first field: pandas' unnamed index"},
        {"0,1,2\n3,4,5\n", 2, "pandas' default names 0,1,2 are data"},
        {"nan,1\ninf,2\n", 2, "nan and inf are numbers"},
        {"abc,1,2\ndef,3,4\n", 2, "text ids on every line are no header"},
        {"1.#INF,2\n1,2\n", 2, "an MSVC infinity is a bad number, not a name"},
        {"id,x\n", 0, "names with no data line"},
        {"# e0,e1\n1,2\n", 1, "the comment header numpy.savetxt writes"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct csv_result r = read_text(cases[i].text);
        size_t rows = r.rows;
        if (r.failed) {
            /* Rows that are no numbers fail, but only once they are read as data. */
            cr_assert(strstr(r.error, "line 1, field 1"), "case %zu (%s): %s", i, cases[i].why, r.error);
            rows = cases[i].rows;
        }
        cr_assert_eq(rows, cases[i].rows, "case %zu (%s): %zu rows", i, cases[i].why, r.rows);
        result_free(&r);
    }
}

Test(csv_reader, pandas_default_header_note)
{
    struct csv_result r = read_text("0,1,2\n3,4,5\n");
    cr_assert_eq(r.rows, 2);
    cr_assert(strstr(r.note, "pandas"), "note: %s", r.note);
    cr_assert(strstr(r.note, "--header"), "note: %s", r.note);
    result_free(&r);

    struct reader_options options = default_options();
    options.header = 1;
    const char text[] = "0,1,2\n3,4,5\n";
    r = read_text_with(text, strlen(text), options);
    cr_assert_eq(r.rows, 1, "--header skips line 1");
    assert_row(&r, 0, (double[]){3, 4, 5});
    cr_assert(strstr(r.note, "header line 1 (--header)"), "note: %s", r.note);
    result_free(&r);
}

Test(csv_reader, header_forced_off)
{
    struct reader_options options = default_options();
    options.header = 0;
    const char text[] = "e0,e1\n1,2\n";
    struct csv_result r = read_text_with(text, strlen(text), options);
    cr_assert(r.failed);
    cr_assert(strstr(r.error, "line 1, field 2: 'e1' is not a number"), "%s", r.error);
    result_free(&r);
}

Test(csv_reader, quoted_fields_and_spaces)
{
    const char text[] = "id,a,b\n"
                        "\"x, \"\"y\"\"\" , \"1.5\" ,  2 \n"
                        "  \"  padded  \"  ,3,\"4\"\n";
    struct csv_result r = read_text(text);
    cr_assert_not(r.failed, "%s", r.error);
    cr_assert(r.has_ids);
    cr_assert_eq(r.width, 2);
    assert_row(&r, 0, (double[]){1.5, 2});
    assert_row(&r, 1, (double[]){3, 4});
    cr_assert_str_eq(r.ids[0], "x, \"y\"");
    cr_assert_str_eq(r.ids[1], "  padded  ", "spaces inside quotes are kept");
    cr_assert_str_eq(r.bytes[0], "\"x, \"\"y\"\"\" , \"1.5\" ,  2 ", "kept bytes are the line as it was");
    result_free(&r);
}

Test(csv_reader, tab_fields_keep_tabs_as_delimiters)
{
    const char text[] = " 1 \t 2\t\t3\n";
    struct reader_options options = default_options();
    options.delimiter = '\t';
    struct csv_result r = read_text_with(text, strlen(text), options);
    cr_assert(r.failed, "the empty field between two tabs is an error");
    cr_assert_str_eq(r.error, "line 1, field 3: empty field");
    result_free(&r);
}

Test(csv_reader, space_delimiter_joins_runs)
{
    /* numpy.savetxt(fmt="%10.4f") pads every value to 10 characters. */
    const char aligned[] = "    0.1234    -0.5678\n"
                           "   12.5000     3.0000   \n";
    struct csv_result r = read_text(aligned);
    cr_assert_not(r.failed, "%s", r.error);
    cr_assert(strstr(r.note, "delimiter ' ' detected"), "note: %s", r.note);
    cr_assert_eq(r.rows, 2);
    cr_assert_eq(r.width, 2);
    assert_row(&r, 0, (double[]){0.1234, -0.5678});
    assert_row(&r, 1, (double[]){12.5, 3});
    cr_assert_str_eq(r.bytes[0], "    0.1234    -0.5678", "kept bytes are the line as it was");
    cr_assert_str_eq(r.bytes[1], "   12.5000     3.0000   ");
    result_free(&r);

    /* With --delimiter ' ', tabs are whitespace too, and a line of whitespace is blank. */
    const char mixed[] = " 1 \t 2\t\t3 \n"
                         " \t \n"
                         "4 5 6\t\n";
    struct reader_options options = default_options();
    options.delimiter = ' ';
    r = read_text_with(mixed, strlen(mixed), options);
    cr_assert_not(r.failed, "%s", r.error);
    cr_assert_eq(r.rows, 2);
    cr_assert_eq(r.width, 3);
    assert_row(&r, 0, (double[]){1, 2, 3});
    assert_row(&r, 1, (double[]){4, 5, 6});
    cr_assert_eq(r.lines[1], 3, "the blank line 2 is skipped");
    result_free(&r);
}

Test(csv_reader, space_delimiter_quotes_and_errors)
{
    const char quoted[] = "\"doc  one\"   1   2\n"
                          "  \"\"\t3\t4\n";
    struct csv_result r = read_text(quoted);
    cr_assert_not(r.failed, "%s", r.error);
    cr_assert(r.has_ids);
    cr_assert_eq(r.width, 2);
    cr_assert_str_eq(r.ids[0], "doc  one", "spaces inside quotes are kept");
    cr_assert_str_eq(r.ids[1], "", "an empty quoted field is a field");
    assert_row(&r, 0, (double[]){1, 2});
    assert_row(&r, 1, (double[]){3, 4});
    result_free(&r);

    static const struct {
        const char *text;
        const char *error;
    } cases[] = {
        {"1 2 3\n  4   5  \n", "line 2: 2 fields, expected 3 (as on line 1)"},
        {"1 2\n\"3\"4 5\n", "line 2, field 1: unexpected text after the closing quote"},
        {"1 2\n3 \"4\n", "line 2, field 2: the quoted field has no closing quote"},
        {"1 2\n3 x\n", "line 2, field 2: 'x' is not a number"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        r = read_text(cases[i].text);
        cr_assert(r.failed, "case %zu: no error", i);
        cr_assert(strstr(r.error, cases[i].error), "case %zu: got '%s', expected '%s'", i, r.error, cases[i].error);
        result_free(&r);
    }
}

Test(csv_reader, id_column_detection)
{
    static const struct {
        const char *text;
        const char *id;
        const char *note;
    } cases[] = {
        {"id,e0\nA,1\n", "A", "its header name is id"},
        {"ID,e0\n7,1\n", "7", "its header name is id"},
        {",0,1\n12,1,2\n", "12", "header name is empty"},
        {"doc-1,1,2\n", "doc-1", "not a number"},
        {"name,e0\n3f2a,1\n", "3f2a", "not a number"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct csv_result r = read_text(cases[i].text);
        cr_assert_not(r.failed, "case %zu: %s", i, r.error);
        cr_assert(r.has_ids, "case %zu", i);
        cr_assert_eq(r.rows, 1, "case %zu", i);
        cr_assert_str_eq(r.ids[0], cases[i].id, "case %zu", i);
        cr_assert(strstr(r.note, "id column 1 detected"), "case %zu: %s", i, r.note);
        cr_assert(strstr(r.note, cases[i].note), "case %zu: note '%s', expected '%s'", i, r.note, cases[i].note);
        result_free(&r);
    }

    struct csv_result r = read_text("e0,e1\n1,2\n");
    cr_assert_not(r.has_ids, "a numeric first column is data");
    cr_assert_eq(r.width, 2);
    result_free(&r);
}

Test(csv_reader, id_column_option)
{
    const char text[] = "a,key,b\n1,k1,2\n3,k2,4\n";
    const char *names[] = {"key", "2"};
    for (size_t i = 0; i < 2; i++) {
        struct reader_options options = default_options();
        options.id_column = names[i];
        struct csv_result r = read_text_with(text, strlen(text), options);
        cr_assert_not(r.failed, "--id-column %s: %s", names[i], r.error);
        cr_assert(r.has_ids);
        cr_assert_eq(r.width, 2);
        cr_assert_str_eq(r.ids[1], "k2");
        assert_row(&r, 1, (double[]){3, 4});
        cr_assert(strstr(r.note, "id column 2 (--id-column)"), "%s", r.note);
        result_free(&r);
    }
}

Test(csv_reader, id_column_errors)
{
    static const struct {
        const char *text;
        const char *id_column;
        const char *columns;
        const char *error;
    } cases[] = {
        {"a,b\n1,2\n", "c", NULL, "option --id-column: no column named 'c' in the header line (line 1)"},
        {"1,2\n", "c", NULL, "option --id-column: the input has no header line to find 'c' in"},
        {"1,2\n", "3", NULL, "option --id-column: column 3 is not among the 2 fields of line 1"},
        {"1,2\n", "0", NULL, "option --id-column: column 0 is not among the 2 fields of line 1"},
        {"1,2,3\n", "1", "1-2", "column 1 is both the --id-column and one of the --columns"},
        {"7\n", "1", NULL, "no embedding columns: line 1 has 1 fields and none is left for values"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct reader_options options = default_options();
        options.id_column = cases[i].id_column;
        options.columns = cases[i].columns;
        struct csv_result r = read_text_with(cases[i].text, strlen(cases[i].text), options);
        cr_assert(r.failed, "case %zu", i);
        cr_assert(strstr(r.error, cases[i].error), "case %zu: got '%s', expected '%s'", i, r.error, cases[i].error);
        result_free(&r);
    }
}

Test(csv_reader, columns_option)
{
    const char text[] = "id,label,e0,e1,e2,e3\nA,cat,1,2,3,4\n";
    static const struct {
        const char *columns;
        size_t width;
        double values[4];
    } cases[] = {
        {"3-6", 4, {1, 2, 3, 4}},
        {"3-", 4, {1, 2, 3, 4}},
        {"3,5-6", 3, {1, 3, 4}},
        {"6,3", 2, {1, 4}},
        {"3-4,4-5", 3, {1, 2, 3}},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct reader_options options = default_options();
        options.columns = cases[i].columns;
        struct csv_result r = read_text_with(text, strlen(text), options);
        cr_assert_not(r.failed, "--columns %s: %s", cases[i].columns, r.error);
        cr_assert_eq(r.width, cases[i].width, "--columns %s", cases[i].columns);
        assert_row(&r, 0, cases[i].values);
        cr_assert(r.has_ids, "--columns %s: the id column is still detected", cases[i].columns);
        cr_assert_str_eq(r.ids[0], "A");
        result_free(&r);
    }
}

Test(csv_reader, columns_option_errors)
{
    const char text[] = "1,2,3\n";
    static const struct {
        const char *columns;
        const char *error;
    } cases[] = {
        {"2-5", "option --columns: column 5 is beyond the 3 fields of line 1"},
        {"4-", "option --columns: column 4 is beyond the 3 fields of line 1"},
        {"0-2", "option --columns: '0-2' is not a list of 1-based columns"},
        {"3-1", "option --columns: '3-1' is not a list"},
        {"a", "option --columns: 'a' is not a list"},
        {"1,,2", "option --columns: '1,,2' is not a list"},
        {"", "option --columns: '' is not a list"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct reader_options options = default_options();
        options.columns = cases[i].columns;
        struct csv_result r = read_text_with(text, strlen(text), options);
        cr_assert(r.failed, "--columns '%s'", cases[i].columns);
        cr_assert(strstr(r.error, cases[i].error), "--columns '%s': got '%s'", cases[i].columns, r.error);
        result_free(&r);
    }
}

Test(csv_reader, data_errors_name_line_and_field)
{
    static const struct {
        const char *text;
        const char *error;
    } cases[] = {
        {"1,2,3\n\n4,5\n", "line 3: 2 fields, expected 3 (as on line 1)"},
        {"e0,e1\n1,2\n3,4,5\n", "line 3: 3 fields, expected 2 (as on line 1)"},
        {"1,2\n3,\n", "line 2, field 2: empty field"},
        {"1,2,\n", "line 1, field 3: empty field"},
        {"1,2\n3,x\n", "line 2, field 2: 'x' is not a number"},
        {"1,2\n3,\"4\n", "line 2, field 2: the quoted field has no closing quote before the line end"},
        {"1,2\n3,\"4\"5\n", "line 2, field 2: unexpected text after the closing quote"},
        {"1,2\n1.#INF,0\n", "line 2, field 1: '1.#INF' is not a number"},
        {"1,2\n0x10,0\n", "line 2, field 1: '0x10' is not a number"},
        {"1,2\n1 2,0\n", "line 2, field 1: '1 2' is not a number"},
        {"1\r2,3\n", "line 1 contains a carriage return before its end"},
        {"\xFF\xFE" "1\0,\0", "UTF-16"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct csv_result r = read_text(cases[i].text);
        cr_assert(r.failed, "case %zu: no error", i);
        cr_assert(strstr(r.error, cases[i].error), "case %zu: got '%s', expected '%s'", i, r.error, cases[i].error);
        result_free(&r);
    }
}

Test(csv_reader, long_field_quoted_in_part)
{
    char text[256];
    snprintf(text, sizeof text, "1,2\n3,%s\n", "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ");
    struct csv_result r = read_text(text);
    cr_assert(r.failed);
    cr_assert_str_eq(r.error, "line 2, field 2: 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN...' is not a number");
    result_free(&r);
}

Test(csv_reader, numbers_parse_exactly)
{
    const char text[] = "5e-324,-0.0,1e999,-1E+999\n"
                        "0.1,2.2250738585072014e-308,1.7976931348623157e308,-Infinity\n"
                        "nan,-NaN,+INF,inf\n";
    struct csv_result r = read_text(text);
    cr_assert_not(r.failed, "%s", r.error);
    cr_assert_eq(r.rows, 3);
    assert_row(&r, 0, (double[]){5e-324, -0.0, INFINITY, -INFINITY});
    assert_row(&r, 1, (double[]){0.1, 2.2250738585072014e-308, 1.7976931348623157e308, -INFINITY});
    for (size_t c = 0; c < 2; c++)
        cr_assert(isnan(r.values[2 * 4 + c]), "value %zu of row 2 is NaN", c);
    cr_assert_eq(r.values[2 * 4 + 2], INFINITY);
    cr_assert_eq(r.values[2 * 4 + 3], INFINITY);
    result_free(&r);
}

Test(csv_reader, rewind_skips_bom_and_header)
{
    const char text[] = "\xEF\xBB\xBF" "a,b\n\n1,2\n3,4\n";
    struct reader_options options = default_options();
    options.keep_bytes = true;
    struct error error;
    struct reader *reader = reader_open(write_input(text, strlen(text)), &options, true, &error);
    cr_assert_not_null(reader, "%s", error.text);

    for (int pass = 0; pass < 2; pass++) {
        struct csv_result r = {0};
        read_rows(reader, &r);
        cr_assert_not(r.failed, "pass %d: %s", pass, r.error);
        cr_assert_eq(r.rows, 2, "pass %d", pass);
        assert_row(&r, 0, (double[]){1, 2});
        assert_row(&r, 1, (double[]){3, 4});
        cr_assert_eq(r.lines[0], 3, "pass %d", pass);
        cr_assert_eq(r.lines[1], 4, "pass %d", pass);
        result_free(&r);
        cr_assert(reader_rewind(reader, &error), "%s", error.text);
    }
    reader_close(reader);
    remove_input();
}

/* Text of rows x width values, value (r * width + c) / 8 written with a fixed number of digits. */
static char *grid_text(size_t rows, size_t width, size_t *size)
{
    size_t capacity = rows * width * 24 + 1;
    char *text = malloc(capacity);
    size_t used = 0;
    for (size_t r = 0; r < rows; r++)
        for (size_t c = 0; c < width; c++)
            used += (size_t)snprintf(text + used, capacity - used, "%.6f%c", (double)(r * width + c) / 8,
                                     c + 1 < width ? ',' : '\n');
    *size = used;
    return text;
}

static void check_grid(const struct csv_result *r, size_t rows, size_t width)
{
    cr_assert_not(r->failed, "%s", r->error);
    cr_assert_eq(r->rows, rows);
    cr_assert_eq(r->width, width);
    for (size_t i = 0; i < rows * width; i++)
        if (r->values[i] != (double)i / 8)
            cr_assert_fail("value %zu: got %.17g, expected %.17g", i, r->values[i], (double)i / 8);
    for (size_t row = 0; row < rows; row++)
        cr_assert_eq(r->lines[row], row + 1);
}

Test(csv_reader, many_batches)
{
    size_t size;
    char *text = grid_text(5000, 300, &size);
    struct csv_result r = read_text_with(text, size, default_options());
    check_grid(&r, 5000, 300);
    cr_assert_gt(r.batches, 1, "5000 rows of 300 values take more than one batch");
    result_free(&r);
    free(text);
}

Test(csv_reader, rows_longer_than_the_input_block)
{
    /* Lines of 300,000 values and about 3.9 MB, several times the input buffer's first size. */
    size_t size;
    char *text = grid_text(3, 300000, &size);
    struct csv_result r = read_text_with(text, size, default_options());
    check_grid(&r, 3, 300000);
    result_free(&r);
    free(text);
}

Test(csv_reader, kept_text_limits_batch)
{
    /* One value per row in 59 bytes and CRLF: 100,000 rows, 5.9 MB of kept text. */
    size_t rows = 100000;
    size_t size = rows * 61;
    char *text = malloc(size + 1);
    for (size_t i = 0; i < rows; i++)
        snprintf(text + i * 61, 62, "%-59.1f\r\n", (double)i);
    struct csv_result r = read_text_with(text, size, default_options());
    cr_assert_not(r.failed, "%s", r.error);
    cr_assert_eq(r.rows, rows);
    cr_assert_gt(r.batches, 1, "5.9 MB of kept lines take more than one batch");
    for (size_t i = 0; i < rows; i++) {
        cr_assert_eq(r.values[i], (double)i);
        cr_assert_eq(strlen(r.bytes[i]), 59, "row %zu keeps its 59 bytes", i);
    }
    result_free(&r);
    free(text);
}

Test(csv_reader, row_of_16384_values)
{
    size_t size;
    char *text = grid_text(2, 16384, &size);
    struct csv_result r = read_text_with(text, size, default_options());
    check_grid(&r, 2, 16384);
    result_free(&r);
    free(text);
}
