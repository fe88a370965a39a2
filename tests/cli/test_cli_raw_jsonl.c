/* score and filter on raw and JSON lines input, run through the binary. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_run.h"
#include "data.h"
#include "tsv_compare.h"

#define ARGS_MAX 32
#define FIELDS_MAX 8

/* One line of a tab-separated table, split in place. */
struct table_row {
    char *fields[FIELDS_MAX];
    size_t count;
};

/* Read a TSV table under tests/data, header line skipped. Rows point into *text; free both. */
static struct table_row *read_table(const char *relative, size_t *rows, char **text)
{
    *text = read_file(data_path(relative), NULL);
    cr_assert_not_null(*text, "cannot read %s", relative);
    struct table_row *table = NULL;
    size_t n = 0;
    char *line = strchr(*text, '\n');
    while (line && line[1]) {
        line++;
        char *end = strchr(line, '\n');
        if (end)
            *end = '\0';
        table = realloc(table, (n + 1) * sizeof *table);
        struct table_row *row = &table[n++];
        row->count = 0;
        for (char *field = line; field && row->count < FIELDS_MAX;) {
            row->fields[row->count++] = field;
            field = strchr(field, '\t');
            if (field)
                *field++ = '\0';
        }
        line = end;
    }
    *rows = n;
    return table;
}

/* An argument list built up word by word, for options read from the tables. */
struct args {
    const char *items[ARGS_MAX + 1];
    size_t count;
    char storage[1024];
    size_t used;
};

static void args_add(struct args *args, const char *item)
{
    cr_assert_lt(args->count, ARGS_MAX);
    args->items[args->count++] = item;
    args->items[args->count] = NULL;
}

/* Add the space-separated words of options ("-" adds nothing). */
static void args_add_words(struct args *args, const char *options)
{
    if (strcmp(options, "-") == 0)
        return;
    char *copy = args->storage + args->used;
    size_t length = strlen(options);
    cr_assert_lt(args->used + length + 1, sizeof args->storage);
    memcpy(copy, options, length + 1);
    args->used += length + 1;
    for (char *word = strtok(copy, " "); word; word = strtok(NULL, " "))
        args_add(args, word);
}

static struct cli_result run_args(const char *stdin_data, size_t stdin_size, const struct args *args)
{
    return cli_run_env(NULL, stdin_data, stdin_size, args->items);
}

/* Options that make levyscore read a raw fixture, from raw/MANIFEST.tsv. */
static void args_add_raw(struct args *args, const char *file)
{
    size_t rows;
    char *text;
    struct table_row *table = read_table("raw/MANIFEST.tsv", &rows, &text);
    for (size_t i = 0; i < rows; i++) {
        if (strcmp(table[i].fields[0], file) != 0)
            continue;
        char words[128];
        snprintf(words, sizeof words, "--in-format raw --dim %s --dtype %s", table[i].fields[2], table[i].fields[1]);
        args_add_words(args, words);
        free(table);
        free(text);
        return;
    }
    cr_assert_fail("%s is not in raw/MANIFEST.tsv", file);
}

/* Copy of the file name before its last '.'. */
static const char *stem_of(const char *file)
{
    static char stem[256];
    snprintf(stem, sizeof stem, "%s", file);
    char *dot = strrchr(stem, '.');
    if (dot)
        *dot = '\0';
    return stem;
}

/* Move the first tab-separated column of every line of output into ids (one per line, header
 * excluded), leaving output without it. */
static char *split_id_column(char *output)
{
    size_t size = strlen(output);
    char *ids = calloc(1, size + 1);
    char *out = output;
    char *id = ids;
    bool header = true;
    for (char *line = output; *line;) {
        char *tab = strchr(line, '\t');
        char *end = strchr(line, '\n');
        cr_assert(tab && end && tab < end, "no id column in '%.60s'", line);
        if (!header) {
            memcpy(id, line, (size_t)(tab - line));
            id += tab - line;
            *id++ = '\n';
        }
        size_t rest = (size_t)(end - tab);
        memmove(out, tab + 1, rest);
        out += rest;
        header = false;
        line = end + 1;
    }
    *out = '\0';
    *id = '\0';
    return ids;
}

static bool stderr_is_quiet_or_warns(const char *err, const char *file)
{
    if (strstr(file, "fiori"))
        return strstr(err, "rows have the same norm") != NULL;
    if (strstr(file, "nonfinite") || strstr(file, "objects_vector"))
        return strstr(err, "NaN or infinite values, the first is") != NULL;
    return err[0] == '\0';
}

/* --- Scores of every fixture --- */

Test(cli_raw, scores_every_fixture)
{
    size_t rows;
    char *text;
    struct table_row *table = read_table("raw/MANIFEST.tsv", &rows, &text);
    size_t scored = 0;
    for (size_t i = 0; i < rows; i++) {
        const char *file = table[i].fields[0];
        if (strstr(file, ".fvecs"))
            continue;
        char path[512], expected[512];
        snprintf(path, sizeof path, "raw/%s", file);
        snprintf(expected, sizeof expected, "raw/%s.expected.tsv", stem_of(file));

        struct args args = {0};
        args_add(&args, "score");
        args_add_raw(&args, file);
        args_add(&args, data_path(path));
        struct cli_result r = run_args(NULL, 0, &args);
        char why[256];
        cr_assert_eq(r.status, 0, "%s: %s", file, r.err);
        cr_assert(scores_match(r.out, data_path(expected), atof(table[i].fields[2]), 1, why, sizeof why), "%s: %s",
                  file, why);
        cr_assert(stderr_is_quiet_or_warns(r.err, file), "%s: stderr '%s'", file, r.err);
        cli_result_free(&r);
        scored++;
    }
    cr_assert_eq(scored, 5);
    free(table);
    free(text);
}

Test(cli_jsonl, scores_every_fixture)
{
    size_t rows;
    char *text;
    struct table_row *table = read_table("jsonl/MANIFEST.tsv", &rows, &text);
    for (size_t i = 0; i < rows; i++) {
        const char *file = table[i].fields[0];
        char path[512], expected[512], ids_path[512];
        snprintf(path, sizeof path, "jsonl/%s", file);
        snprintf(expected, sizeof expected, "jsonl/%s.expected.tsv", stem_of(file));
        snprintf(ids_path, sizeof ids_path, "jsonl/%s.ids.txt", stem_of(file));

        struct args args = {0};
        args_add(&args, "score");
        args_add_words(&args, table[i].fields[1]);
        args_add(&args, data_path(path));
        struct cli_result r = run_args(NULL, 0, &args);
        cr_assert_eq(r.status, 0, "%s: %s", file, r.err);
        cr_assert(stderr_is_quiet_or_warns(r.err, file), "%s: stderr '%s'", file, r.err);

        char *want_ids = read_file(data_path(ids_path), NULL);
        if (want_ids) {
            cr_assert(strncmp(r.out, "id\tindex\tnorm\tscore\n", 20) == 0, "%s: header '%.40s'", file, r.out);
            char *ids = split_id_column(r.out);
            cr_assert_str_eq(ids, want_ids, "%s: ids", file);
            free(ids);
            free(want_ids);
        }
        char why[256];
        cr_assert(scores_match(r.out, data_path(expected), atof(table[i].fields[3]), 1, why, sizeof why), "%s: %s",
                  file, why);
        cli_result_free(&r);
    }
    free(table);
    free(text);
}

/* --- The same values in every format give the same bytes --- */

Test(cli_jsonl, same_bytes_as_raw_and_npy)
{
    static const char *const outputs[] = {"tsv", "csv", "jsonl"};
    size_t rows;
    char *text;
    struct table_row *table = read_table("jsonl/MANIFEST.tsv", &rows, &text);
    size_t compared = 0;
    for (size_t i = 0; i < rows; i++) {
        const char *raw_stem = table[i].fields[2];
        if (strcmp(raw_stem, "-") == 0)
            continue;
        char jsonl[512], npy[512], raw_file[256], raw[512];
        snprintf(jsonl, sizeof jsonl, "jsonl/%s", table[i].fields[0]);
        snprintf(npy, sizeof npy, "raw/%s.npy", raw_stem);
        const char *suffix = strstr(raw_stem, "f2") ? "f16" : strstr(raw_stem, "f4") ? "f32" : "f64";
        snprintf(raw_file, sizeof raw_file, "%.200s.%s", raw_stem, suffix);
        snprintf(raw, sizeof raw, "raw/%s", raw_file);

        for (size_t o = 0; o < sizeof outputs / sizeof outputs[0]; o++) {
            struct cli_result from_npy = cli_run(NULL, 0, "score", "--to", outputs[o], data_path(npy));
            struct cli_result from_jsonl = cli_run(NULL, 0, "score", "--to", outputs[o], data_path(jsonl));
            struct args args = {0};
            args_add(&args, "score");
            args_add(&args, "--to");
            args_add(&args, outputs[o]);
            args_add_raw(&args, raw_file);
            args_add(&args, data_path(raw));
            struct cli_result from_raw = run_args(NULL, 0, &args);

            cr_assert_eq(from_npy.status, 0, "%s: %s", npy, from_npy.err);
            cr_assert_gt(from_npy.out_size, 0);
            cr_assert_str_eq(from_jsonl.out, from_npy.out, "%s --to %s", jsonl, outputs[o]);
            cr_assert_str_eq(from_raw.out, from_npy.out, "%s --to %s", raw, outputs[o]);
            cli_result_free(&from_npy);
            cli_result_free(&from_jsonl);
            cli_result_free(&from_raw);
        }
        compared++;
    }
    cr_assert_eq(compared, 4);
    free(table);
    free(text);
}

Test(cli_jsonl, stdin_sniffed_same_bytes)
{
    size_t size;
    char *input = read_file(data_path("jsonl/objects_embedding.jsonl"), &size);
    struct cli_result from_file = cli_run(NULL, 0, "score", data_path("jsonl/objects_embedding.jsonl"));
    struct cli_result from_pipe = cli_run(input, size, "score");
    cr_assert_eq(from_pipe.status, 0, "%s", from_pipe.err);
    cr_assert_str_eq(from_pipe.out, from_file.out);
    cli_result_free(&from_file);
    cli_result_free(&from_pipe);
    free(input);
}

Test(cli_jsonl, real_rows_match_raw_file)
{
    struct cli_result jsonl = cli_run(NULL, 0, "score", data_path("jsonl/fiori_head.jsonl"));
    struct cli_result raw = cli_run(NULL, 0, "score", "--in-format", "raw", "--dim", "384", data_path("raw/fiori.f32"));
    cr_assert_eq(jsonl.status, 0, "%s", jsonl.err);
    cr_assert_eq(raw.status, 0, "%s", raw.err);
    char *ids = split_id_column(jsonl.out);
    free(ids);

    /* The header and the first 64 rows of the raw file's output. */
    const char *end = raw.out;
    for (int line = 0; line < 65; line++) {
        end = strchr(end, '\n');
        cr_assert_not_null(end);
        end++;
    }
    cr_assert_eq(strlen(jsonl.out), (size_t)(end - raw.out));
    cr_assert(memcmp(jsonl.out, raw.out, strlen(jsonl.out)) == 0, "jsonl output differs from the raw file's");
    cr_assert(strstr(raw.err, "all 778 rows have the same norm"), "%s", raw.err);
    cli_result_free(&jsonl);
    cli_result_free(&raw);
}

/* --- filter --- */

Test(cli_jsonl, filter_keeps_lines_byte_for_byte)
{
    size_t rows;
    char *text;
    struct table_row *table = read_table("jsonl/FILTERS.tsv", &rows, &text);
    for (size_t i = 0; i < rows; i++) {
        const char *file = table[i].fields[0];
        char path[512], expected_rows[512], expected_index[512];
        snprintf(path, sizeof path, "jsonl/%s", file);
        snprintf(expected_rows, sizeof expected_rows, "jsonl/%s.expected.jsonl", table[i].fields[2]);
        snprintf(expected_index, sizeof expected_index, "jsonl/%s.expected.txt", table[i].fields[2]);
        size_t want_size, input_size;
        char *want = read_file(data_path(expected_rows), &want_size);
        char *want_index = read_file(data_path(expected_index), NULL);
        char *input = read_file(data_path(path), &input_size);
        cr_assert(want && want_index && input, "%s: missing files", file);

        for (int from_pipe = 0; from_pipe <= 1; from_pipe++) {
            struct args args = {0};
            args_add(&args, "filter");
            args_add_words(&args, table[i].fields[1]);
            if (!from_pipe)
                args_add(&args, data_path(path));
            struct cli_result r = run_args(from_pipe ? input : NULL, from_pipe ? input_size : 0, &args);
            cr_assert_eq(r.status, 0, "%s %s: %s", file, table[i].fields[1], r.err);
            cr_assert_eq(r.out_size, want_size, "%s %s (pipe %d): %zu bytes, expected %zu", file, table[i].fields[1],
                         from_pipe, r.out_size, want_size);
            cr_assert(memcmp(r.out, want, want_size) == 0, "%s %s (pipe %d): kept lines differ", file,
                      table[i].fields[1], from_pipe);
            cli_result_free(&r);

            args_add(&args, "--print-index");
            r = run_args(from_pipe ? input : NULL, from_pipe ? input_size : 0, &args);
            cr_assert_eq(r.status, 0, "%s --print-index: %s", file, r.err);
            cr_assert_str_eq(r.out, want_index, "%s %s --print-index (pipe %d)", file, table[i].fields[1], from_pipe);
            cli_result_free(&r);
        }
        free(want);
        free(want_index);
        free(input);
    }
    free(table);
    free(text);
}

Test(cli_raw, filter_keeps_row_bytes)
{
    size_t rows;
    char *text;
    struct table_row *table = read_table("raw/FILTERS.tsv", &rows, &text);
    for (size_t i = 0; i < rows; i++) {
        const char *file = table[i].fields[0];
        char path[512], expected[512];
        snprintf(path, sizeof path, "raw/%s", file);
        snprintf(expected, sizeof expected, "raw/%s", table[i].fields[2]);
        size_t want_size, input_size;
        char *want = read_file(data_path(expected), &want_size);
        char *input = read_file(data_path(path), &input_size);
        cr_assert(want && input, "%s: missing files", file);

        for (int from_pipe = 0; from_pipe <= 1; from_pipe++) {
            struct args args = {0};
            args_add(&args, "filter");
            args_add_raw(&args, file);
            args_add_words(&args, table[i].fields[1]);
            if (!from_pipe)
                args_add(&args, data_path(path));
            struct cli_result r = run_args(from_pipe ? input : NULL, from_pipe ? input_size : 0, &args);
            cr_assert_eq(r.status, 0, "%s %s: %s", file, table[i].fields[1], r.err);
            cr_assert_eq(r.out_size, want_size, "%s %s (pipe %d): %zu bytes, expected %zu", file, table[i].fields[1],
                         from_pipe, r.out_size, want_size);
            cr_assert(memcmp(r.out, want, want_size) == 0, "%s %s (pipe %d): kept rows differ", file,
                      table[i].fields[1], from_pipe);
            cli_result_free(&r);
        }
        free(want);
        free(input);
    }
    free(table);
    free(text);
}

Test(cli_raw, print_index_gives_row_numbers)
{
    struct cli_result r = cli_run(NULL, 0, "filter", "--in-format", "raw", "--dim", "384", "--keep", "0.25",
                                  "--print-index", data_path("raw/normal_f4.f32"));
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_str_eq(r.out, "1\n8\n11\n");
    cli_result_free(&r);
}

/* --- Errors --- */

Test(cli_raw, size_error_before_any_output)
{
    const char *path = data_path("raw/normal_f4.f32");
    struct cli_result r = cli_run(NULL, 0, "score", "--in-format", "raw", "--dim", "383", path);
    char want[512];
    snprintf(want, sizeof want, "levyscore: %s: file size 18432 bytes is not a multiple of the row size 1532 bytes "
                                "(383 x f4); check --dim and --dtype\n", path);
    cr_assert_eq(r.status, 1);
    cr_assert_eq(r.out_size, 0);
    cr_assert_str_eq(r.err, want);
    cli_result_free(&r);
}

Test(cli_raw, fvecs_file_rejected)
{
    struct cli_result r =
        cli_run(NULL, 0, "score", "--in-format", "raw", "--dim", "384", data_path("raw/normal_f4.fvecs"));
    cr_assert_eq(r.status, 1);
    cr_assert_eq(r.out_size, 0);
    cr_assert(strstr(r.err, "file size 18480 bytes is not a multiple of the row size 1536 bytes (384 x f4); each row "
                            "starts with its dimension as in .fvecs"),
              "%s", r.err);
    cli_result_free(&r);
}

Test(cli_raw, pipe_partial_row_fails)
{
    float values[10] = {1, 2, 2, 3, 4, 12, 0, 0, 0, 5};
    struct cli_result r = cli_run((const char *)values, sizeof values, "score", "--in-format", "raw", "--dim", "3");
    cr_assert_eq(r.status, 1);
    cr_assert_str_eq(r.err, "levyscore: <stdin>: input size 40 bytes is not a multiple of the row size 12 bytes "
                            "(3 x f4); check --dim and --dtype\n");
    cli_result_free(&r);
}

Test(cli_raw, never_guessed)
{
    /* Without --in-format raw, the .f32 file is taken as text and fails as such. */
    struct cli_result r = cli_run(NULL, 0, "score", data_path("raw/normal_f4.f32"));
    cr_assert_eq(r.status, 1);
    cr_assert_eq(r.out_size, 0);
    cli_result_free(&r);
}

Test(cli_jsonl, errors_name_the_line)
{
    static const struct {
        const char *input;
        const char *err;
    } cases[] = {
        {"[1,2]\n[1,2,3]\n", "levyscore: <stdin>: line 2: the vector has 3 values, but the first row has 2\n"},
        {"[1,2]\n\n{oops}\n", "levyscore: <stdin>: line 3, column 2: 'oops' is not a JSON value\n"},
        {"{\"id\": 1}\n", "levyscore: <stdin>: line 1: none of the fields 'embedding', 'vector', 'values' is an array; "
                          "name the vector's field with --field\n"},
        {"[1,\"2\"]\n", "levyscore: <stdin>: line 1: value 2 of the vector is a string, not a number\n"},
        {"[1, 2", "levyscore: <stdin>: line 1, column 6: the line ends inside an array or object\n"},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        struct cli_result r = cli_run(cases[c].input, strlen(cases[c].input), "score", "--in-format", "jsonl");
        cr_expect_eq(r.status, 1, "case %zu", c);
        cr_expect_str_eq(r.err, cases[c].err, "case %zu", c);
        cli_result_free(&r);
    }
}

Test(cli_jsonl, million_levels_deep_fails_cleanly)
{
    size_t depth = 1000000;
    char *input = malloc(depth + 1);
    memset(input, '[', depth);
    input[depth] = '\n';
    struct cli_result r = cli_run(input, depth + 1, "score");
    cr_assert_eq(r.status, 1, "%s", r.err);
    cr_assert_str_eq(r.err, "levyscore: <stdin>: line 1, column 1001: arrays and objects nested more than 1000 deep\n");
    cli_result_free(&r);
    free(input);
}

/* --- Non-finite values --- */

Test(cli_jsonl, strict_names_line_and_column)
{
    static const struct {
        const char *file;
        const char *place;
    } cases[] = {
        {"jsonl/nonfinite_f8.jsonl", "line 2, column 1: value nan is not finite (--strict)"},
        {"jsonl/objects_vector.jsonl", "line 3, column 4: value nan is not finite (--strict)"},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        struct cli_result r = cli_run(NULL, 0, "score", "--strict", data_path(cases[c].file));
        char want[512];
        snprintf(want, sizeof want, "levyscore: %s: %s\n", data_path(cases[c].file), cases[c].place);
        cr_expect_eq(r.status, 1, "%s", cases[c].file);
        cr_expect_str_eq(r.err, want);
        cli_result_free(&r);
    }
}

Test(cli_raw, strict_names_row_and_column)
{
    const char *path = data_path("raw/nonfinite_f8.f64");
    struct cli_result r = cli_run(NULL, 0, "score", "--strict", "--in-format", "raw", "--dim", "3", "--dtype", "f8", path);
    char want[512];
    snprintf(want, sizeof want, "levyscore: %s: row 1, column 1: value nan is not finite (--strict)\n", path);
    cr_assert_eq(r.status, 1);
    cr_assert_str_eq(r.err, want);
    cli_result_free(&r);
}

static bool starts_with(const char *text, const char *prefix)
{
    return strncmp(text, prefix, strlen(prefix)) == 0;
}

Test(cli_jsonl, score_jsonl_output_spelling)
{
    struct cli_result r = cli_run(NULL, 0, "score", "--to", "jsonl", data_path("jsonl/objects_vector.jsonl"));
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(starts_with(r.out, "{\"index\":0,\"id\":\"1000\",\"norm\":"), "no header line: %.60s", r.out);
    const char *line = r.out;
    for (int i = 0; i < 2; i++)
        line = strchr(line, '\n') + 1;
    cr_assert(starts_with(line, "{\"index\":2,\"id\":\"1014\",\"norm\":NaN,\"score\":NaN}\n"), "row 2: %.80s", line);
    for (int i = 0; i < 3; i++)
        line = strchr(line, '\n') + 1;
    cr_assert(starts_with(line, "{\"index\":5,\"id\":\"1035\",\"norm\":1e999,\"score\":-1e999}\n"), "row 5: %.80s",
              line);
    cli_result_free(&r);
}

Test(cli_jsonl, verbose_note_names_fields)
{
    const char *path = data_path("jsonl/objects_embedding.jsonl");
    struct cli_result r = cli_run(NULL, 0, "score", "-v", path);
    char want[512];
    snprintf(want, sizeof want, "levyscore: %s: vector field 'embedding', id field 'id'; LF line ends\n", path);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strncmp(r.err, want, strlen(want)) == 0, "%s", r.err);
    cli_result_free(&r);
}
