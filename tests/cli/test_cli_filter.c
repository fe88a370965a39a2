/*
 * `levyscore filter` against the kept rows that tests/fixtures/make_filter_fixtures.py computed
 * with NumPy (tests/data/filter/keep.tsv and min_score.tsv).
 */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_run.h"
#include "data.h"
#include "npy_check.h"

/* --- Expected tables --- */

#define CASES_MAX 64

struct filter_case {
    char input[128];        /* relative to tests/data */
    char value[64];         /* --keep F or --min-score S, as written */
    uint64_t rows;          /* rows of the input (keep.tsv only) */
    size_t kept;
    uint64_t *indices;      /* kept rows, ascending */
};

/* Read keep.tsv (columns input, keep, rows, kept, indices) or min_score.tsv (input, min_score,
 * kept, indices) into cases and return their count. */
static size_t read_cases(const char *relative, bool with_rows, struct filter_case *cases)
{
    char *text = read_file(data_path(relative), NULL);
    cr_assert_not_null(text, "cannot read %s", relative);
    size_t count = 0;
    char *save;
    strtok_r(text, "\n", &save);
    for (char *line = strtok_r(NULL, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        cr_assert_lt(count, CASES_MAX, "%s has more cases than the test expects", relative);
        struct filter_case *c = &cases[count++];
        char *field_save;
        snprintf(c->input, sizeof c->input, "%s", strtok_r(line, "\t", &field_save));
        snprintf(c->value, sizeof c->value, "%s", strtok_r(NULL, "\t", &field_save));
        c->rows = with_rows ? strtoull(strtok_r(NULL, "\t", &field_save), NULL, 10) : 0;
        c->kept = (size_t)strtoull(strtok_r(NULL, "\t", &field_save), NULL, 10);
        char *list = strtok_r(NULL, "\t", &field_save);
        cr_assert_not_null(list, "%s: case %s %s has no indices column", relative, c->input, c->value);

        c->indices = calloc(c->kept + 1, sizeof *c->indices);
        size_t n = 0;
        for (char *at = list; *at && *at != '-'; n++) {
            cr_assert_lt(n, c->kept + 1, "%s: more indices than kept for %s %s", relative, c->input, c->value);
            c->indices[n] = strtoull(at, &at, 10);
            if (*at == ',')
                at++;
        }
        cr_assert_eq(n, c->kept, "%s: %zu indices for %zu kept rows (%s %s)", relative, n, c->kept, c->input,
                     c->value);
    }
    free(text);
    cr_assert_gt(count, 0, "%s has no cases", relative);
    return count;
}

static void free_cases(struct filter_case *cases, size_t count)
{
    for (size_t i = 0; i < count; i++)
        free(cases[i].indices);
}

/* --- Checks --- */

/* Indices written by --print-index, one per line. */
static size_t parse_index_lines(const char *text, uint64_t *indices, size_t capacity)
{
    size_t n = 0;
    for (const char *at = text; *at; n++) {
        cr_assert_lt(n, capacity, "more index lines than rows");
        char *end;
        indices[n] = strtoull(at, &end, 10);
        cr_assert(end != at && *end == '\n', "index line '%.30s' is not a number and a newline", at);
        at = end + 1;
    }
    return n;
}

static void expect_indices(const char *what, const char *out, const uint64_t *expected, size_t count)
{
    static uint64_t got[65536];
    size_t n = parse_index_lines(out, got, 65536);
    cr_expect_eq(n, count, "%s: %zu indices, expected %zu", what, n, count);
    for (size_t i = 0; i < n && i < count; i++) {
        if (got[i] != expected[i]) {
            cr_expect_eq(got[i], expected[i], "%s: index %zu is row %" PRIu64 ", expected row %" PRIu64, what, i,
                         got[i], expected[i]);
            break;
        }
    }
}

/* Check that output is a .npy of the input's descr that contains exactly the listed input rows. */
static void expect_kept_rows(const char *what, const char *output, size_t output_size, const struct npy_array *input,
                             const uint64_t *indices, size_t count)
{
    struct npy_array kept;
    char why[256];
    cr_assert(npy_array_parse((const unsigned char *)output, output_size, &kept, why, sizeof why), "%s: output: %s",
              what, why);
    cr_expect_str_eq(kept.descr, input->descr, "%s: descr '%s', the input's is '%s'", what, kept.descr, input->descr);
    cr_expect_not(kept.fortran_order, "%s: output is in Fortran order", what);
    cr_assert_eq(kept.ndim, 2, "%s: output has %d dimensions, expected 2", what, kept.ndim);
    cr_expect_eq(kept.shape[0], count, "%s: output shape has %" PRIu64 " rows, expected %zu", what, kept.shape[0],
                 count);
    cr_expect_eq(kept.shape[1], input->width, "%s: output width %" PRIu64 ", input width %" PRIu64, what,
                 kept.shape[1], input->width);
    if (kept.shape[0] != count || kept.shape[1] != input->width)
        return;

    size_t row_bytes = input->width * input->item_size;
    unsigned char *row = malloc(row_bytes + 1);
    for (size_t i = 0; i < count; i++) {
        npy_array_row(input, indices[i], row);
        if (memcmp(kept.data + i * row_bytes, row, row_bytes) != 0) {
            cr_expect_fail("%s: output row %zu differs from input row %" PRIu64, what, i, indices[i]);
            break;
        }
    }
    free(row);
}

/* A fixture .npy and its parsed header. The array points into bytes. */
struct input_file {
    char path[4200];
    char *bytes;
    size_t size;
    struct npy_array array;
};

static void load_input(struct input_file *file, const char *relative)
{
    snprintf(file->path, sizeof file->path, "%s", data_path(relative));
    file->bytes = read_file(file->path, &file->size);
    cr_assert_not_null(file->bytes, "cannot read %s", relative);
    char why[256];
    cr_assert(npy_array_parse((const unsigned char *)file->bytes, file->size, &file->array, why, sizeof why), "%s: %s",
              relative, why);
}

/* Write the rows of 0..rows-1 missing from indices into others, ascending, and return their count. */
static size_t complement(const uint64_t *indices, size_t count, uint64_t rows, uint64_t *others)
{
    size_t n = 0, j = 0;
    for (uint64_t row = 0; row < rows; row++) {
        if (j < count && indices[j] == row)
            j++;
        else
            others[n++] = row;
    }
    return n;
}

/* --- --keep --- */

Test(cli_filter, keep_indices_match_numpy)
{
    static struct filter_case cases[CASES_MAX];
    size_t count = read_cases("filter/keep.tsv", true, cases);
    for (size_t i = 0; i < count; i++) {
        struct filter_case *c = &cases[i];
        char what[256];
        snprintf(what, sizeof what, "%.127s --keep %.63s", c->input, c->value);
        struct cli_result r = cli_run(NULL, 0, "filter", "--keep", c->value, "--print-index", data_path(c->input));
        cr_expect_eq(r.status, 0, "%s: status %d: %s", what, r.status, r.err);
        expect_indices(what, r.out, c->indices, c->kept);
        struct cli_result single = cli_run(NULL, 0, "filter", "--keep", c->value, "--print-index", "--threads", "1",
                                           data_path(c->input));
        cr_expect_str_eq(single.out, r.out, "%s: --threads 1 keeps other rows", what);
        cli_result_free(&r);
        cli_result_free(&single);
    }
    free_cases(cases, count);
}

Test(cli_filter, keep_rows_bytes_and_dtype)
{
    static struct filter_case cases[CASES_MAX];
    size_t count = read_cases("filter/keep.tsv", true, cases);
    for (size_t i = 0; i < count; i++) {
        struct filter_case *c = &cases[i];
        struct input_file input;
        load_input(&input, c->input);
        char what[256];
        snprintf(what, sizeof what, "%.127s --keep %.63s", c->input, c->value);

        struct cli_result r = cli_run(NULL, 0, "filter", "--keep", c->value, input.path);
        cr_expect_eq(r.status, 0, "%s: status %d: %s", what, r.status, r.err);
        expect_kept_rows(what, r.out, r.out_size, &input.array, c->indices, c->kept);
        cli_result_free(&r);
        free(input.bytes);
    }
    free_cases(cases, count);
}

Test(cli_filter, keep_on_stdin_same_as_file)
{
    static struct filter_case cases[CASES_MAX];
    size_t count = read_cases("filter/keep.tsv", true, cases);
    for (size_t i = 0; i < count; i++) {
        struct filter_case *c = &cases[i];
        struct input_file input;
        load_input(&input, c->input);
        bool fortran = input.array.fortran_order && input.array.rows > 1;
        char what[256];
        snprintf(what, sizeof what, "%.127s --keep %.63s on stdin", c->input, c->value);

        struct cli_result from_file = cli_run(NULL, 0, "filter", "--keep", c->value, input.path);
        struct cli_result dash = cli_run(input.bytes, input.size, "filter", "--keep", c->value, "-");
        struct cli_result bare = cli_run(input.bytes, input.size, "filter", "--keep", c->value);
        if (fortran) {
            /* A Fortran-order file cannot be read from a pipe. */
            cr_expect_eq(dash.status, 1, "%s: status %d, expected 1 (Fortran order)", what, dash.status);
            cr_expect(strstr(dash.err, "Fortran") != NULL, "%s: stderr '%s' does not name Fortran order", what,
                      dash.err);
        } else {
            cr_expect_eq(dash.status, 0, "%s (-): status %d: %s", what, dash.status, dash.err);
            cr_expect_eq(bare.status, 0, "%s (no argument): status %d: %s", what, bare.status, bare.err);
            cr_expect(dash.out_size == from_file.out_size && memcmp(dash.out, from_file.out, dash.out_size) == 0,
                      "%s (-): output differs from the file's (%zu and %zu bytes)", what, dash.out_size,
                      from_file.out_size);
            cr_expect(bare.out_size == from_file.out_size && memcmp(bare.out, from_file.out, bare.out_size) == 0,
                      "%s (no argument): output differs from the file's", what);
        }
        cli_result_free(&from_file);
        cli_result_free(&dash);
        cli_result_free(&bare);
        free(input.bytes);
    }
    free_cases(cases, count);
}

Test(cli_filter, invert_writes_the_other_rows)
{
    static struct filter_case cases[CASES_MAX];
    static uint64_t others[65536];
    size_t count = read_cases("filter/keep.tsv", true, cases);
    for (size_t i = 0; i < count; i++) {
        struct filter_case *c = &cases[i];
        struct input_file input;
        load_input(&input, c->input);
        size_t other_count = complement(c->indices, c->kept, c->rows, others);
        char what[256];
        snprintf(what, sizeof what, "%.127s --keep %.63s --invert", c->input, c->value);

        struct cli_result indices = cli_run(NULL, 0, "filter", "--keep", c->value, "--invert", "--print-index",
                                            input.path);
        cr_expect_eq(indices.status, 0, "%s: status %d: %s", what, indices.status, indices.err);
        expect_indices(what, indices.out, others, other_count);
        struct cli_result rows = cli_run(NULL, 0, "filter", "--keep", c->value, "--invert", input.path);
        expect_kept_rows(what, rows.out, rows.out_size, &input.array, others, other_count);

        cli_result_free(&indices);
        cli_result_free(&rows);
        free(input.bytes);
    }
    free_cases(cases, count);
}

/* --- --min-score --- */

Test(cli_filter, min_score_matches_numpy)
{
    static struct filter_case cases[CASES_MAX];
    size_t count = read_cases("filter/min_score.tsv", false, cases);
    for (size_t i = 0; i < count; i++) {
        struct filter_case *c = &cases[i];
        struct input_file input;
        load_input(&input, c->input);
        char what[256];
        snprintf(what, sizeof what, "%.127s --min-score %.63s", c->input, c->value);

        struct cli_result indices = cli_run(NULL, 0, "filter", "--min-score", c->value, "--print-index", input.path);
        cr_expect_eq(indices.status, 0, "%s: status %d: %s", what, indices.status, indices.err);
        expect_indices(what, indices.out, c->indices, c->kept);

        /* The kept count is unknown until the end, and stdout is a pipe, so the rows wait in a
         * temporary file until the header can be written. */
        struct cli_result rows = cli_run(NULL, 0, "filter", "--min-score", c->value, input.path);
        cr_expect_eq(rows.status, 0, "%s: status %d: %s", what, rows.status, rows.err);
        expect_kept_rows(what, rows.out, rows.out_size, &input.array, c->indices, c->kept);

        struct cli_result piped = cli_run(input.bytes, input.size, "filter", "--min-score", c->value);
        cr_expect(piped.out_size == rows.out_size && memcmp(piped.out, rows.out, rows.out_size) == 0,
                  "%s: output from stdin differs from the file's", what);

        cli_result_free(&indices);
        cli_result_free(&rows);
        cli_result_free(&piped);
        free(input.bytes);
    }
    free_cases(cases, count);
}

/* Where the kept count is unknown up front, each kind of output gets a correct header. */
Test(cli_filter, min_score_to_file_stdout_and_append)
{
    struct input_file input;
    load_input(&input, "filter/hundred_f4.npy");
    static struct filter_case cases[CASES_MAX];
    size_t count = read_cases("filter/min_score.tsv", false, cases);
    const struct filter_case *c = &cases[0];
    cr_assert_str_eq(c->input, "filter/hundred_f4.npy", "first min_score case is on %s", c->input);

    char folder[4096];
    snprintf(folder, sizeof folder, "%s", scratch_folder());
    static const char *const targets[] = {"-o %s/out.npy", "> %s/out.npy", ">> %s/out.npy"};
    static const char *const names[] = {"-o FILE (rewritten header)", "stdout to a file", "stdout appending"};
    for (size_t t = 0; t < 3; t++) {
        char target[4200], command[9000], out_path[4200];
        snprintf(target, sizeof target, targets[t], folder);
        snprintf(out_path, sizeof out_path, "%s/out.npy", folder);
        remove(out_path);
        snprintf(command, sizeof command, "\"$LEVYSCORE\" filter --min-score %s '%s' %s", c->value, input.path, target);

        struct cli_result r = cli_run_shell(command);
        cr_expect_eq(r.status, 0, "%s: status %d: %s", names[t], r.status, r.err);
        size_t size;
        char *written = read_file(out_path, &size);
        cr_assert_not_null(written, "%s: nothing written", names[t]);
        expect_kept_rows(names[t], written, size, &input.array, c->indices, c->kept);
        free(written);
        cli_result_free(&r);
    }
    cr_expect_str_eq(folder_listing(folder), "out.npy", "files left in the folder: %s", folder_listing(folder));
    scratch_remove(folder);
    free_cases(cases, count);
    free(input.bytes);
}

/* --- Details --- */

Test(cli_filter, nan_rows_never_kept)
{
    struct cli_result r = cli_run(NULL, 0, "filter", "--keep", "1", data_path("filter/ties_f4.npy"));
    struct npy_array kept;
    char why[256];
    cr_expect_eq(r.status, 0, "status %d: %s", r.status, r.err);
    cr_assert(npy_array_parse((const unsigned char *)r.out, r.out_size, &kept, why, sizeof why), "%s", why);
    cr_expect_eq(kept.shape[0], 22, "--keep 1 of 24 rows with 2 NaN rows kept %" PRIu64 ", expected 22",
                 kept.shape[0]);
    for (uint64_t i = 0; i < kept.shape[0] * kept.width; i++) {
        float value;
        memcpy(&value, kept.data + i * 4, 4);
        cr_expect_not(isnan(value), "kept row %" PRIu64 " holds NaN", i / kept.width);
    }
    cr_expect(strstr(r.err, "nan is never kept") != NULL, "stderr '%s' does not say NaN rows are dropped", r.err);
    cli_result_free(&r);

    r = cli_run(NULL, 0, "filter", "--min-score", "-1e308", "--print-index", data_path("npy/le_f8.npy"));
    cr_expect_null(strstr(r.out, "\n7\n"), "--min-score kept the NaN row 7: %s", r.out);
    cli_result_free(&r);
}

/* Score of every row, from `score` output. */
static size_t read_scores(const char *path, double *scores, size_t capacity)
{
    struct cli_result r = cli_run(NULL, 0, "score", "--no-header", path);
    cr_assert_eq(r.status, 0, "score %s: status %d", path, r.status);
    size_t n = 0;
    for (const char *line = r.out; *line; n++) {
        cr_assert_lt(n, capacity, "more rows than the test expects");
        char *at;
        strtoull(line, &at, 10);
        strtod(at + 1, &at);
        scores[n] = strtod(at + 1, &at);
        line = at + 1;
    }
    cli_result_free(&r);
    return n;
}

Test(cli_filter, verbose_summary_line)
{
    const char *path = data_path("filter/hundred_f4.npy");
    double scores[100];
    cr_assert_eq(read_scores(path, scores, 100), 100, "score does not give 100 rows");
    static struct filter_case cases[CASES_MAX];
    size_t count = read_cases("filter/keep.tsv", true, cases);
    const struct filter_case *c = &cases[0];
    cr_assert_str_eq(c->input, "filter/hundred_f4.npy", "first keep case is on %s", c->input);

    /* The cut is the lowest score kept. */
    double cut = INFINITY;
    for (size_t i = 0; i < c->kept; i++)
        cut = fmin(cut, scores[c->indices[i]]);

    struct cli_result r = cli_run(NULL, 0, "filter", "--keep", c->value, "-v", "--print-index", path);
    char prefix[4200];
    snprintf(prefix, sizeof prefix, "levyscore: %s: read 100 rows, kept %zu, cut score ", path, c->kept);
    cr_expect_eq(r.status, 0, "status %d: %s", r.status, r.err);
    cr_expect_eq(strncmp(r.err, prefix, strlen(prefix)), 0, "summary '%s' does not start with '%s'", r.err, prefix);
    char *end;
    double reported = strtod(r.err + strlen(prefix), &end);
    cr_expect_eq(reported, cut, "cut score %.17g reported, lowest kept score is %.17g", reported, cut);
    cr_expect_str_eq(end, "\n", "summary is not one line: '%s'", r.err);
    cli_result_free(&r);

    r = cli_run(NULL, 0, "filter", "--min-score", "-3", "-v", "--print-index", path);
    snprintf(prefix, sizeof prefix, "levyscore: %s: read 100 rows, kept 98, cut score -3\n", path);
    cr_expect_str_eq(r.err, prefix, "--min-score summary '%s', expected '%s'", r.err, prefix);
    cli_result_free(&r);

    r = cli_run(NULL, 0, "filter", "--min-score", "-3", "-v", "--invert", "--print-index", path);
    cr_expect(strstr(r.err, "read 100 rows") != NULL && strstr(r.err, " 2, cut score -3") != NULL,
              "--invert summary '%s' does not give 100 read and 2 written", r.err);
    cli_result_free(&r);
    free_cases(cases, count);
}

Test(cli_filter, big_endian_descr_and_bytes_kept)
{
    static const char *const files[] = {"be_f8.npy", "be_f4.npy", "be_f2.npy"};
    static const char *const descrs[] = {">f8", ">f4", ">f2"};
    for (size_t i = 0; i < 3; i++) {
        char relative[128];
        snprintf(relative, sizeof relative, "cases/npy-big-endian/%s", files[i]);
        struct input_file input;
        load_input(&input, relative);
        cr_assert_str_eq(input.array.descr, descrs[i], "%s has descr %s", files[i], input.array.descr);

        struct cli_result r = cli_run(NULL, 0, "filter", "--keep", "1", input.path);
        uint64_t all[4] = {0, 1, 2, 3};
        cr_expect_eq(r.status, 0, "%s: status %d: %s", files[i], r.status, r.err);
        expect_kept_rows(files[i], r.out, r.out_size, &input.array, all, 4);
        cli_result_free(&r);
        free(input.bytes);
    }
}

Test(cli_filter, fortran_rows_written_in_c_order)
{
    struct input_file input;
    load_input(&input, "cases/npy-fortran-order/fortran_5x3.npy");
    cr_assert(input.array.fortran_order, "fortran_5x3.npy is not in Fortran order");

    struct cli_result r = cli_run(NULL, 0, "filter", "--keep", "1", input.path);
    uint64_t all[5] = {0, 1, 2, 3, 4};
    cr_expect_eq(r.status, 0, "status %d: %s", r.status, r.err);
    expect_kept_rows("fortran_5x3.npy --keep 1", r.out, r.out_size, &input.array, all, 5);
    cli_result_free(&r);
    free(input.bytes);
}

Test(cli_filter, print_index_quiet_and_text)
{
    struct cli_result r = cli_run(NULL, 0, "filter", "--keep", "0.5", "--print-index", data_path("npy/shape_3d.npy"));
    cr_expect_eq(r.status, 0, "status %d: %s", r.status, r.err);
    cr_expect_str_eq(r.out, "0\n1\n2\n", "indices '%s'", r.out);
    cr_expect_str_empty(r.err, "stderr '%s'", r.err);
    cli_result_free(&r);
}

Test(cli_filter, keep_on_redirected_stdin)
{
    /* stdin redirected from a file can be read twice without spooling. */
    const char *path = data_path("filter/hundred_f4.npy");
    struct cli_result from_file = cli_run(NULL, 0, "filter", "--keep", "0.07", path);
    char command[4600];
    snprintf(command, sizeof command, "\"$LEVYSCORE\" filter --keep 0.07 < '%s'", path);
    struct cli_result redirected = cli_run_shell(command);

    cr_expect_eq(redirected.status, 0, "status %d: %s", redirected.status, redirected.err);
    cr_expect(redirected.out_size == from_file.out_size &&
                  memcmp(redirected.out, from_file.out, from_file.out_size) == 0,
              "output from a redirected stdin differs from the file's (%zu and %zu bytes)", redirected.out_size,
              from_file.out_size);
    cli_result_free(&from_file);
    cli_result_free(&redirected);
}
