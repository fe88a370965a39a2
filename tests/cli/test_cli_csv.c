/* score and filter on CSV/TSV input, run through the binary. */
#include <criterion/criterion.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli_run.h"
#include "data.h"
#include "tsv_compare.h"

#define ARGS_MAX 32

/* An argument list built up word by word. */
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

/* Add the space-separated words of options. */
static void args_add_words(struct args *args, const char *options)
{
    char *copy = args->storage + args->used;
    size_t length = strlen(options);
    cr_assert_lt(args->used + length + 1, sizeof args->storage);
    memcpy(copy, options, length + 1);
    args->used += length + 1;
    for (char *word = strtok(copy, " "); word; word = strtok(NULL, " "))
        args_add(args, word);
}

/* Score output with its first column, the id, removed from every line. */
static char *without_id_column(const char *output)
{
    char *copy = malloc(strlen(output) + 1);
    char *out = copy;
    for (const char *line = output; *line;) {
        const char *tab = strchr(line, '\t');
        const char *end = strchr(line, '\n');
        if (!end)
            end = line + strlen(line);
        if (tab && tab < end)
            line = tab + 1;
        size_t length = (size_t)(end - line) + (*end == '\n');
        memcpy(out, line, length);
        out += length;
        line += length;
    }
    *out = '\0';
    return copy;
}

/* Assert that score output (ids allowed) matches the expected TSV for dof. */
static void expect_scores(const char *what, const char *output, const char *expected_relative, double dof)
{
    char why[512];
    char *scores = strncmp(output, "id\t", 3) == 0 ? without_id_column(output) : strdup(output);
    cr_expect(scores_match(scores, data_path(expected_relative), dof, 1, why, sizeof why), "%s: %s", what, why);
    free(scores);
}

static size_t count_lines(const char *text)
{
    size_t lines = 0;
    for (const char *at = text; (at = strchr(at, '\n')); at++)
        lines++;
    return lines;
}

static void expect_file_bytes(const char *what, const struct cli_result *r, const char *expected_relative)
{
    size_t size;
    char *expected = read_file(data_path(expected_relative), &size);
    cr_assert_not_null(expected, "cannot read %s", expected_relative);
    cr_expect_eq(r->out_size, size, "%s: %zu bytes, expected %zu like %s", what, r->out_size, size, expected_relative);
    cr_expect(r->out_size == size && memcmp(r->out, expected, size) == 0, "%s: output differs from %s:\n%s", what,
              expected_relative, r->out);
    free(expected);
}

static bool locale_installed(const char *name)
{
    locale_t locale = newlocale(LC_ALL_MASK, name, (locale_t)0);
    if (locale == (locale_t)0)
        return false;
    freelocale(locale);
    return true;
}

/* ------------------------------------------------------------------------------------------ */

/* One line of tests/data/csv/MANIFEST.tsv: file, options, width, expected file, description. */
struct manifest_row {
    char file[128];
    char options[128];
    double width;
    char expected[128];
};

static size_t read_manifest(struct manifest_row *rows, size_t max)
{
    char *text = read_file(data_path("csv/MANIFEST.tsv"), NULL);
    cr_assert_not_null(text, "cannot read csv/MANIFEST.tsv");
    size_t n = 0;
    char *line = strchr(text, '\n');
    while (line && line[1] && n < max) {
        line++;
        char *fields[5] = {line};
        for (int f = 1; f < 5; f++) {
            fields[f] = strchr(fields[f - 1], '\t');
            cr_assert_not_null(fields[f], "MANIFEST.tsv row %zu has fewer than 5 fields", n + 1);
            *fields[f]++ = '\0';
        }
        line = strchr(fields[4], '\n');
        snprintf(rows[n].file, sizeof rows[n].file, "%s", fields[0]);
        snprintf(rows[n].options, sizeof rows[n].options, "%s", fields[1]);
        rows[n].width = strtod(fields[2], NULL);
        snprintf(rows[n].expected, sizeof rows[n].expected, "%s", fields[3]);
        n++;
    }
    free(text);
    return n;
}

Test(cli_csv, fixtures_score_as_expected)
{
    struct manifest_row rows[64];
    size_t count = read_manifest(rows, 64);
    cr_assert_geq(count, 20, "MANIFEST.tsv lists %zu files", count);

    for (size_t i = 0; i < count; i++) {
        char relative[160], expected[160], what[300];
        snprintf(relative, sizeof relative, "csv/%.127s", rows[i].file);
        snprintf(expected, sizeof expected, "csv/%.127s", rows[i].expected);
        snprintf(what, sizeof what, "%.127s %.127s", rows[i].file, rows[i].options);
        const char *path = data_path(relative);

        struct args args = {0};
        args_add(&args, "score");
        args_add_words(&args, rows[i].options);
        args_add(&args, path);
        struct cli_result r = cli_run_env(NULL, NULL, 0, args.items);
        cr_expect_eq(r.status, 0, "%s: exit %d, stderr: %s", what, r.status, r.err);
        bool warns = strstr(rows[i].file, "nonfinite") || strstr(rows[i].file, "same_values") ||
                     (strstr(rows[i].file, "pandas_noindex_header") && !rows[i].options[0]);
        if (!warns)
            cr_expect_str_empty(r.err, "%s: stderr: %s", what, r.err);
        expect_scores(what, r.out, expected, rows[i].width);
        cli_result_free(&r);
    }
}

Test(cli_csv, fixtures_on_stdin)
{
    /* Sniffed as delimited text: no file name, no extension. */
    const char *files[] = {"csv/savetxt_tab.tsv", "csv/crlf.csv", "csv/bom.csv", "csv/savetxt_default.txt",
                           "csv/savetxt_aligned.txt"};
    const char *expected[] = {"csv/savetxt_tab.expected.tsv", "csv/crlf.expected.tsv", "csv/bom.expected.tsv",
                              "csv/savetxt_default.expected.tsv", "csv/savetxt_aligned.expected.tsv"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        size_t size;
        char *input = read_file(data_path(files[i]), &size);
        cr_assert_not_null(input);
        struct cli_result r = cli_run(input, size, "score", "-");
        cr_expect_eq(r.status, 0, "%s: stderr: %s", files[i], r.err);
        expect_scores(files[i], r.out, expected[i], 8);
        cli_result_free(&r);
        free(input);
    }
}

Test(cli_csv, pandas_default_header_is_data)
{
    const char *path = data_path("csv/pandas_noindex_header.csv");
    struct cli_result r = cli_run(NULL, 0, "score", "-v", path);
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    cr_expect_eq(count_lines(r.out), 8, "header and 7 rows: line 1 is a row:\n%s", r.out);
    cr_expect(strstr(r.err, "line 1 reads 0,1,...,7 as the column names pandas writes by default, but is read as "
                            "data (--header skips it)"),
              "stderr: %s", r.err);
    cli_result_free(&r);
}

Test(cli_csv, pandas_default_header_warns_without_verbose)
{
    const char *path = data_path("csv/pandas_noindex_header.csv");
    struct cli_result r = cli_run(NULL, 0, "score", path);
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    cr_expect(strstr(r.err, "warning: line 1 is 0,1,...,7, the column names pandas writes by default, and is read as "
                            "data; add --header if it is a header"),
              "stderr: %s", r.err);
    cli_result_free(&r);

    r = cli_run(NULL, 0, "score", "--no-in-header", path);
    cr_expect_str_empty(r.err, "--no-in-header must silence the warning: %s", r.err);
    cli_result_free(&r);
}

Test(cli_csv, same_bytes_as_npy)
{
    const char *csv = data_path("csv/same_values.csv");
    const char *npy = data_path("csv/same_values.npy");
    const char *formats[] = {"tsv", "csv", "jsonl", "npy"};
    for (size_t i = 0; i < 4; i++) {
        struct cli_result from_csv = cli_run(NULL, 0, "score", "--force", "--to", formats[i], csv);
        struct cli_result from_npy = cli_run(NULL, 0, "score", "--force", "--to", formats[i], npy);
        cr_expect_eq(from_csv.status, 0, "--to %s: %s", formats[i], from_csv.err);
        cr_expect_eq(from_npy.status, 0, "--to %s: %s", formats[i], from_npy.err);
        cr_expect_gt(from_csv.out_size, 100, "--to %s", formats[i]);
        cr_expect(from_csv.out_size == from_npy.out_size && memcmp(from_csv.out, from_npy.out, from_csv.out_size) == 0,
                  "--to %s: CSV output differs from .npy output:\n%s\n---\n%s", formats[i], from_csv.out, from_npy.out);
        cr_expect(strstr(from_csv.err, "1 row holds NaN or infinite values, the first is row 7 (line 8)"), "%s",
                  from_csv.err);
        cr_expect(strstr(from_npy.err, "1 row holds NaN or infinite values, the first is row 7"), "%s", from_npy.err);
        cli_result_free(&from_csv);
        cli_result_free(&from_npy);
    }
}

Test(cli_csv, ids_printed_by_filter)
{
    static const struct {
        const char *file;
        const char *options;
        const char *ids;
    } cases[] = {
        {"csv/ids_labels.csv", "--columns 3-10", "csv/ids_labels.ids.txt"},
        {"csv/quoted.csv", "", "csv/quoted.ids.txt"},
    };
    for (size_t i = 0; i < 2; i++) {
        struct args args = {0};
        args_add_words(&args, "filter --keep 1 --print-index");
        args_add_words(&args, cases[i].options);
        args_add(&args, data_path(cases[i].file));
        struct cli_result r = cli_run_env(NULL, NULL, 0, args.items);
        cr_expect_eq(r.status, 0, "%s: %s", cases[i].file, r.err);
        expect_file_bytes(cases[i].file, &r, cases[i].ids);
        cli_result_free(&r);
    }
}

Test(cli_csv, ids_escaped_in_score_output)
{
    const char *path = data_path("csv/quoted.csv");
    struct cli_result r = cli_run(NULL, 0, "score", "--to", "csv", path);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_expect(strncmp(r.out, "id,index,norm,score\ndoc-001,0,", 30) == 0, "%s", r.out);
    cr_expect(strstr(r.out, "\n\"doc, 2\",1,"), "%s", r.out);
    cr_expect(strstr(r.out, "\n\"say \"\"hi\"\"\",2,"), "%s", r.out);
    cr_expect(strstr(r.out, "\n\"  padded  \",3,"), "%s", r.out);
    cr_expect(strstr(r.out, "\nünïcödé,4,"), "%s", r.out);
    cli_result_free(&r);

    r = cli_run(NULL, 0, "score", "--to", "jsonl", path);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_expect(strstr(r.out, "{\"index\":2,\"id\":\"say \\\"hi\\\"\",\"norm\":"), "%s", r.out);
    cli_result_free(&r);

    r = cli_run(NULL, 0, "score", path);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_expect(strncmp(r.out, "id\tindex\tnorm\tscore\n", 20) == 0, "%s", r.out);
    cr_expect(strstr(r.out, "\ndoc, 2\t1\t"), "%s", r.out);
    cli_result_free(&r);

    /* A tab inside a quoted id is escaped in TSV output. */
    const char input[] = "id,x\n\"a\tb\",1\n";
    r = cli_run(input, sizeof input - 1, "score", "-");
    cr_expect(strstr(r.out, "\na\\tb\t0\t1\t"), "%s", r.out);
    cli_result_free(&r);
}

/* Run filter with options on file, from the file and from a pipe, and compare with expected. */
static void expect_filter(const char *file, const char *options, const char *expected)
{
    size_t size;
    char *input = read_file(data_path(file), &size);
    cr_assert_not_null(input);
    for (int from_pipe = 0; from_pipe < 2; from_pipe++) {
        struct args args = {0};
        args_add(&args, "filter");
        args_add_words(&args, options);
        args_add(&args, from_pipe ? "-" : data_path(file));
        struct cli_result r = cli_run_env(NULL, from_pipe ? input : NULL, from_pipe ? size : 0, args.items);
        char what[256];
        snprintf(what, sizeof what, "filter %s %s", options, from_pipe ? "< file" : file);
        cr_expect_eq(r.status, 0, "%s: %s", what, r.err);
        cr_expect_str_empty(r.err, "%s: %s", what, r.err);
        expect_file_bytes(what, &r, expected);
        cli_result_free(&r);
    }
    free(input);
}

Test(cli_csv, filter_keeps_bom_header_and_crlf)
{
    /* The input has no final line end; the kept last line gets CRLF. */
    expect_filter("csv/filter_crlf_bom.csv", "--keep 0.5", "csv/filter_crlf_bom.keep50.csv");
    expect_filter("csv/filter_crlf_bom.csv", "--keep 0.5 --invert", "csv/filter_crlf_bom.keep50.invert.csv");
    expect_filter("csv/filter_crlf_bom.csv", "--keep 0.5 --print-index", "csv/filter_crlf_bom.keep50.index.txt");
}

Test(cli_csv, filter_with_ids)
{
    expect_filter("csv/filter_ids.csv", "--keep 0.25", "csv/filter_ids.keep25.csv");
    expect_filter("csv/filter_ids.csv", "--keep 0.25 --print-index", "csv/filter_ids.keep25.ids.txt");
}

Test(cli_csv, filter_min_score_matches_keep)
{
    /* The lowest score --keep 0.25 keeps, given as --min-score, keeps the same rows. */
    struct cli_result scored = cli_run(NULL, 0, "score", "--to", "csv", data_path("csv/filter_ids.csv"));
    cr_assert_eq(scored.status, 0, "%s", scored.err);
    struct cli_result by_rank = cli_run(NULL, 0, "filter", "--keep", "0.25", "--print-index",
                                        data_path("csv/filter_ids.csv"));
    cr_assert_eq(by_rank.status, 0, "%s", by_rank.err);

    /* Find the lowest score among the kept ids. */
    double lowest = 0;
    bool found = false;
    for (const char *line = strchr(scored.out, '\n') + 1; *line; line = strchr(line, '\n') + 1) {
        char id[64];
        double score;
        cr_assert_eq(sscanf(line, "%63[^,],%*d,%*g,%lg", id, &score), 2, "cannot read '%.40s'", line);
        char needle[80];
        snprintf(needle, sizeof needle, "%s\n", id);
        if (strstr(by_rank.out, needle) && (!found || score < lowest)) {
            lowest = score;
            found = true;
        }
    }
    cr_assert(found);

    char threshold[64];
    snprintf(threshold, sizeof threshold, "%.17g", lowest);
    struct cli_result by_score = cli_run(NULL, 0, "filter", "--min-score", threshold, "--print-index",
                                         data_path("csv/filter_ids.csv"));
    cr_expect_eq(by_score.status, 0, "%s", by_score.err);
    cr_expect_str_eq(by_score.out, by_rank.out);
    cli_result_free(&scored);
    cli_result_free(&by_rank);
    cli_result_free(&by_score);
}

Test(cli_csv, strict_names_line_and_column)
{
    const char input[] = "e0,e1,e2\n1,2,3\n4,nan,6\n";
    struct cli_result r = cli_run(input, sizeof input - 1, "score", "--strict", "-");
    cr_expect_eq(r.status, 1);
    cr_expect_str_eq(r.err, "levyscore: <stdin>: line 3, column 2: value nan is not finite (--strict)\n");
    cli_result_free(&r);

    r = cli_run(input, sizeof input - 1, "filter", "--strict", "--keep", "1", "-");
    cr_expect_eq(r.status, 1);
    cr_expect_str_eq(r.err, "levyscore: <stdin>: line 3, column 2: value nan is not finite (--strict)\n");
    cli_result_free(&r);
}

Test(cli_csv, nonfinite_warning_gives_count_and_first_row)
{
    const char input[] = "1,2\n\n3,4\n-inf,1\nnan,2\n5,6\n";
    struct cli_result r = cli_run(input, sizeof input - 1, "score", "-");
    cr_expect_eq(r.status, 0);
    cr_expect_str_eq(r.err, "levyscore: <stdin>: warning: 2 rows hold NaN or infinite values, the first is row 2 "
                            "(line 4); their score is nan or -inf (--strict makes this an error)\n");
    cli_result_free(&r);
}

Test(cli_csv, errors_name_line_and_field)
{
    static const struct {
        const char *input;
        const char *error;
    } cases[] = {
        {"1,2,3\n4,5,6\n7,8\n", "line 3: 2 fields, expected 3 (as on line 1)"},
        {"a,b\n1,2\n3,4,5\n", "line 3: 3 fields, expected 2 (as on line 1)"},
        {"1,2\n3,\n", "line 2, field 2: empty field"},
        {"1,2,\n", "line 1, field 3: empty field"},
        {"1,2\n3,abc\n", "line 2, field 2: 'abc' is not a number"},
        {"1,2\n3,\"4\n", "line 2, field 2: the quoted field has no closing quote before the line end (a quoted field "
                        "cannot span lines)"},
        {"1,2\n1.#INF,2\n", "line 2, field 1: '1.#INF' is not a number (write infinity as inf or -inf, and NaN as "
                            "nan)"},
        {"1,2\n3,"
         "0.12345678901234567890123456789012345678901234567890x\n",
         "line 2, field 2: '0.12345678901234567890123456789012345678...' is not a number"},
        {"e0,e1\n1,2\ncat,3\n", "line 3, field 1: 'cat' is not a number"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct cli_result r = cli_run(cases[i].input, strlen(cases[i].input), "score", "-");
        char expected[512];
        snprintf(expected, sizeof expected, "levyscore: <stdin>: %s\n", cases[i].error);
        cr_expect_eq(r.status, 1, "case %zu", i);
        cr_expect_str_eq(r.err, expected, "case %zu", i);
        cli_result_free(&r);
    }
}

Test(cli_csv, error_names_the_file)
{
    const char *path = data_path("cases/csv-nonfinite-spellings/msvc_inf.csv");
    struct cli_result r = cli_run(NULL, 0, "score", path);
    char expected[1024];
    snprintf(expected, sizeof expected,
             "levyscore: %s: line 2, field 1: '1.#INF' is not a number (write infinity as inf or -inf, and NaN as "
             "nan)\n", path);
    cr_expect_eq(r.status, 1);
    cr_expect_str_eq(r.err, expected);
    cli_result_free(&r);
}

Test(cli_csv, label_column_error_suggests_columns)
{
    struct cli_result r = cli_run(NULL, 0, "score", data_path("csv/ids_labels.csv"));
    cr_expect_eq(r.status, 1);
    cr_expect(strstr(r.err, ": line 2, field 2: 'cat' is not a number (--columns selects the embedding columns, "
                            "--id-column the id)\n"),
              "%s", r.err);
    cli_result_free(&r);
}

Test(cli_csv, verbose_notes_say_what_was_detected)
{
    static const struct {
        const char *input;
        const char *note;
    } cases[] = {
        {"e0;e1\n1;2\n", "delimiter ';' detected; header line 1 detected; 2 values per row"},
        {"1\t2\n", "delimiter '\\t' detected; no header line detected; 2 values per row"},
        {"id,e0,e1\nA,1,2\n", "delimiter ',' detected; header line 1 detected; id column 1 detected: its header name "
                              "is id (--id-column names another); 2 values per row"},
        {"doc-1,1,2\ndoc-2,3,4\n", "id column 1 detected: its value on the first data line is not a number"},
        {",0,1\n0,1,2\n", "id column 1 detected: its header name is empty, as for the index pandas writes"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct cli_result r = cli_run(cases[i].input, strlen(cases[i].input), "score", "-v", "-");
        cr_expect_eq(r.status, 0, "case %zu: %s", i, r.err);
        cr_expect(strstr(r.err, cases[i].note), "case %zu: stderr '%s', expected '%s'", i, r.err, cases[i].note);
        cli_result_free(&r);
    }
}

Test(cli_csv, options_override_detection)
{
    const char input[] = "k,a,b\nx,1,2\n";
    struct cli_result r = cli_run(input, sizeof input - 1, "score", "--delimiter", ";", "--no-in-header", "-");
    cr_expect_eq(r.status, 1, "one column 'k,a,b' is no number");
    cr_expect_str_eq(r.err, "levyscore: <stdin>: line 1, field 1: 'k,a,b' is not a number (--columns selects the "
                            "embedding columns, --id-column the id)\n");
    cli_result_free(&r);

    r = cli_run(input, sizeof input - 1, "score", "--id-column", "k", "--in-format", "csv", "-");
    cr_expect_eq(r.status, 0, "%s", r.err);
    cr_expect(strncmp(r.out, "id\tindex\tnorm\tscore\nx\t0\t2.23606797749979\t", 37) == 0, "%s", r.out);
    cli_result_free(&r);
}

/* ------------------------------------------------------------------------------------------ */
/* Cases from user reports in other tools. */

Test(cli_csv_cases, bom)
{
    const char *files[] = {"cases/csv-bom/bom_header.csv", "cases/csv-bom/bom_noheader.csv"};
    for (size_t i = 0; i < 2; i++) {
        struct cli_result r = cli_run(NULL, 0, "score", data_path(files[i]));
        cr_expect_eq(r.status, 0, "%s: %s", files[i], r.err);
        expect_scores(files[i], r.out, "cases/csv-bom/expected.tsv", 3);
        cli_result_free(&r);
    }

    /* Keeping every row writes the file back as it was. */
    struct cli_result r = cli_run(NULL, 0, "filter", "--keep", "1", data_path(files[0]));
    cr_expect_eq(r.status, 0, "%s", r.err);
    expect_file_bytes("filter --keep 1 bom_header.csv", &r, files[0]);
    cli_result_free(&r);
}

Test(cli_csv_cases, line_endings)
{
    const char *files[] = {"cases/csv-line-endings/crlf_no_final_eol.csv", "cases/csv-line-endings/blank_lines.csv"};
    for (size_t i = 0; i < 2; i++) {
        struct cli_result r = cli_run(NULL, 0, "score", data_path(files[i]));
        cr_expect_eq(r.status, 0, "%s: %s", files[i], r.err);
        cr_expect_eq(count_lines(r.out), 4, "%s: a header and 3 rows:\n%s", files[i], r.out);
        expect_scores(files[i], r.out, "cases/csv-line-endings/expected.tsv", 3);
        cli_result_free(&r);
    }

    struct cli_result r = cli_run(NULL, 0, "filter", "--keep", "1", data_path(files[0]));
    cr_expect_eq(r.status, 0, "%s", r.err);
    cr_expect_str_eq(r.out, "e0,e1,e2\r\n0.5,1.5,2.5\r\n1,2,2\r\n3,4,12\r\n", "CRLF kept, one added at the end");
    cli_result_free(&r);

    r = cli_run(NULL, 0, "filter", "--keep", "1", data_path(files[1]));
    cr_expect_eq(r.status, 0, "%s", r.err);
    cr_expect_str_eq(r.out, "0.5,1.5,2.5\n1,2,2\n3,4,12\n", "blank lines dropped");
    cli_result_free(&r);

    /* Line numbers stay physical: the bad line is line 5, after a blank one. */
    const char input[] = "e0,e1\r\n1,2\r\n\r\n3,4\r\nx,5";
    r = cli_run(input, sizeof input - 1, "score", "-");
    cr_expect_str_eq(r.err, "levyscore: <stdin>: line 5, field 1: 'x' is not a number\n");
    cli_result_free(&r);
}

Test(cli_csv_cases, locale_decimal_same_bytes)
{
    const char *path = data_path("cases/csv-locale-decimal/dot_decimal.csv");
    struct cli_result c_run = cli_run(NULL, 0, "score", path);
    cr_assert_eq(c_run.status, 0, "%s", c_run.err);
    expect_scores("LC_ALL=C", c_run.out, "cases/csv-locale-decimal/expected.tsv", 3);

    if (!locale_installed("de_DE.UTF-8")) {
        cli_result_free(&c_run);
        cr_skip_test("the de_DE.UTF-8 locale is not installed (Debian: apt-get install locales, enable it in "
                     "/etc/locale.gen, run locale-gen)");
    }
    const char *const environments[][3] = {
        {"LC_ALL=de_DE.UTF-8", NULL, NULL},
        {"LC_ALL=", "LC_NUMERIC=de_DE.UTF-8", NULL},
        {"LC_ALL=", "LANG=de_DE.UTF-8", NULL},
    };
    for (size_t i = 0; i < 3; i++) {
        struct cli_result r = cli_run_env(environments[i], NULL, 0, (const char *const[]){"score", path, NULL});
        cr_expect_eq(r.status, 0, "%s %s: %s", environments[i][0], environments[i][1] ? environments[i][1] : "", r.err);
        cr_expect_str_eq(r.out, c_run.out, "%s %s: output differs from LC_ALL=C", environments[i][0],
                         environments[i][1] ? environments[i][1] : "");
        cli_result_free(&r);
    }
    cli_result_free(&c_run);
}

Test(cli_csv_cases, locale_decimal_comma_rejected)
{
    const char *path = data_path("cases/csv-locale-decimal/comma_decimal.tsv");
    const char *const german[] = {"LC_ALL=de_DE.UTF-8", NULL};
    for (int run = 0; run < 2; run++) {
        struct cli_result r = cli_run_env(run ? german : NULL, NULL, 0, (const char *const[]){"score", path, NULL});
        cr_expect_eq(r.status, 1, "run %d", run);
        cr_expect(strstr(r.err, ": line 1, field 1: '0,5' is not a number"), "run %d: %s", run, r.err);
        cr_expect_str_empty(strchr(r.err, '\n') + 1, "one error line: %s", r.err);
        cli_result_free(&r);
    }
}

Test(cli_csv_cases, long_lines)
{
    struct cli_result r = cli_run(NULL, 0, "score", data_path("cases/csv-long-lines/wide_4096.csv"));
    cr_expect_eq(r.status, 0, "%s", r.err);
    cr_expect_eq(count_lines(r.out), 3, "a header and 2 rows:\n%.200s", r.out);
    expect_scores("wide_4096.csv", r.out, "cases/csv-long-lines/expected.tsv", 4096);
    cli_result_free(&r);
}

Test(cli_csv_cases, nonfinite_spellings)
{
    const char *path = data_path("cases/csv-nonfinite-spellings/nonfinite.csv");
    struct cli_result r = cli_run(NULL, 0, "score", path);
    cr_expect_eq(r.status, 0, "%s", r.err);
    expect_scores("nonfinite.csv", r.out, "cases/csv-nonfinite-spellings/expected.tsv", 3);
    cr_expect(strstr(r.err, "warning: 5 rows hold NaN or infinite values, the first is row 0 (line 1)"), "%s", r.err);
    cli_result_free(&r);

    /* NaN rows are never kept; -inf scores are kept last. */
    r = cli_run(NULL, 0, "filter", "--keep", "1", path);
    cr_expect_eq(r.status, 0, "%s", r.err);
    cr_expect_str_eq(r.out, "inf,0,0\n-Infinity,1,1\n+INF,0,0\n1,2,2\n");
    cli_result_free(&r);

    r = cli_run(NULL, 0, "score", "--strict", path);
    cr_expect_eq(r.status, 1);
    cr_expect(strstr(r.err, ": line 1, column 1: value nan is not finite (--strict)"), "%s", r.err);
    cli_result_free(&r);
}

Test(cli_csv_cases, disk_full)
{
    const char *path = data_path("cases/disk-full-atomic/small.csv");
    struct cli_result r = cli_run(NULL, 0, "score", path);
    cr_expect_eq(r.status, 0, "%s", r.err);
    expect_scores("small.csv", r.out, "cases/disk-full-atomic/expected.tsv", 3);
    cli_result_free(&r);

    char command[8192];
    snprintf(command, sizeof command, "\"$LEVYSCORE\" score '%s' > /dev/full", path);
    r = cli_run_shell(command);
    cr_expect_eq(r.status, 1, "stderr: %s", r.err);
    cr_expect(strstr(r.err, "No space left on device"), "%s", r.err);
    cli_result_free(&r);

    /* With -o and a file size limit of 0: an error naming the file, and the old file untouched. */
    const char *folder = scratch_folder();
    cr_assert_not_null(folder);
    snprintf(command, sizeof command,
             "cd '%s' && printf OLD > out.tsv && bash -c \"trap '' XFSZ; ulimit -f 0; exec \\\"\\$LEVYSCORE\\\" score "
             "'%s' -o out.tsv\"",
             folder, path);
    r = cli_run_shell(command);
    cr_expect_eq(r.status, 1, "stderr: %s", r.err);
    cr_expect(strstr(r.err, "out.tsv"), "the error names out.tsv: %s", r.err);
    cli_result_free(&r);

    char out_path[4200];
    snprintf(out_path, sizeof out_path, "%s/out.tsv", folder);
    char *old = read_file(out_path, NULL);
    cr_expect_str_eq(old ? old : "(missing)", "OLD");
    free(old);
    snprintf(command, sizeof command, "ls -A '%s'", folder);
    r = cli_run_shell(command);
    cr_expect_str_eq(r.out, "out.tsv\n", "no temporary file is left");
    cli_result_free(&r);
    unlink(out_path);
    rmdir(folder);
}
