/* `levyscore score` on the .npy fixtures: scores, rejections, stdin, output formats, user cases. */
#include <criterion/criterion.h>
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_run.h"
#include "data.h"
#include "npy_check.h"
#include "tsv_compare.h"

/* --- Helpers --- */

/* What a test needs of a fixture's header, read leniently because fixtures use every layout
 * the reader accepts. */
struct fixture_shape {
    uint64_t rows;
    uint64_t width;
    bool fortran_order;
    int ndim;
};

static struct fixture_shape read_fixture_shape(const char *bytes, size_t size)
{
    struct fixture_shape shape = {1, 0, false, 0};
    size_t preamble = bytes[6] == 1 ? 10 : 12;
    size_t header_len = (unsigned char)bytes[8] | (size_t)(unsigned char)bytes[9] << 8;
    if (bytes[6] != 1)
        header_len |= (size_t)(unsigned char)bytes[10] << 16 | (size_t)(unsigned char)bytes[11] << 24;
    cr_assert_leq(preamble + header_len, size, "fixture header past its end");

    char text[70000];
    cr_assert_lt(header_len, sizeof text, "fixture header too long for the test");
    memcpy(text, bytes + preamble, header_len);
    text[header_len] = '\0';

    const char *order = strstr(text, "fortran_order");
    cr_assert_not_null(order, "fixture header has no fortran_order");
    order = strchr(order, ':');
    cr_assert_not_null(order, "fixture header has no value for fortran_order");
    for (order++; isspace((unsigned char)*order); order++)
        continue;
    shape.fortran_order = strncmp(order, "True", 4) == 0;
    const char *at = strchr(strstr(text, "shape"), '(');
    cr_assert_not_null(at, "fixture header has no shape tuple");
    uint64_t dimensions[8];
    for (at++; *at && *at != ')'; at++) {
        if (!isdigit((unsigned char)*at))
            continue;
        uint64_t value = strtoull(at, (char **)&at, 10);
        dimensions[shape.ndim++] = value;
        at--;
    }
    for (int i = 0; i + 1 < shape.ndim; i++)
        shape.rows *= dimensions[i];
    shape.width = dimensions[shape.ndim - 1];
    return shape;
}

/* Lines of text, counted by their newlines. */
static size_t count_lines(const char *text)
{
    size_t lines = 0;
    for (; *text; text++)
        lines += *text == '\n';
    return lines;
}

/* Check that stderr is exactly one line "levyscore: WHERE: ..." containing each word. */
static void expect_one_error(const struct cli_result *r, const char *what, const char *where,
                             const char *const *words)
{
    char prefix[4200];
    snprintf(prefix, sizeof prefix, "levyscore: %s: ", where);
    cr_expect_eq(strncmp(r->err, prefix, strlen(prefix)), 0, "%s: stderr '%s' does not start with '%s'", what, r->err,
                 prefix);
    cr_expect_eq(count_lines(r->err), 1, "%s: stderr is not one line: '%s'", what, r->err);
    cr_expect(r->err_size > 0 && r->err[r->err_size - 1] == '\n', "%s: stderr does not end with a newline", what);
    for (; *words; words++)
        cr_expect(strstr(r->err, *words) != NULL, "%s: stderr '%s' lacks '%s'", what, r->err, *words);
}

/* Check that every stderr line is a warning about where, as a run on rows with NaN gives. */
static void expect_only_warnings(const struct cli_result *r, const char *what, const char *where)
{
    char prefix[4400];
    snprintf(prefix, sizeof prefix, "levyscore: %.4300s: warning: ", where);
    for (const char *line = r->err; *line;) {
        cr_expect_eq(strncmp(line, prefix, strlen(prefix)), 0, "%s: stderr line is not a warning: '%s'", what, line);
        const char *next = strchr(line, '\n');
        line = next ? next + 1 : line + strlen(line);
    }
}

/* Names of the fixtures of one kind ("valid" or "invalid") in tests/data/npy/MANIFEST.tsv. */
static size_t manifest_files(const char *kind, char names[][64], size_t capacity)
{
    char *manifest = read_file(data_path("npy/MANIFEST.tsv"), NULL);
    cr_assert_not_null(manifest, "cannot read npy/MANIFEST.tsv");
    size_t count = 0;
    char *save;
    strtok_r(manifest, "\n", &save);
    for (char *line = strtok_r(NULL, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *tab = strchr(line, '\t');
        cr_assert_not_null(tab, "MANIFEST line without a tab: %s", line);
        *tab = '\0';
        if (strncmp(tab + 1, kind, strlen(kind)) == 0 && tab[1 + strlen(kind)] == '\t') {
            cr_assert_lt(count, capacity, "more fixtures than the test expects");
            snprintf(names[count++], 64, "%s", line);
        }
    }
    free(manifest);
    cr_assert_gt(count, 0, "no %s fixtures in MANIFEST.tsv", kind);
    return count;
}

/* Options of the expected files: X.expected.tsv, X.dof1.expected.tsv, X.scale2.expected.tsv. */
struct variant {
    const char *suffix;
    const char *options[3];
    bool dof1;
    double scale;
};

static const struct variant VARIANTS[] = {
    {"expected.tsv", {NULL}, false, 1},
    {"dof1.expected.tsv", {"--dof", "1", NULL}, true, 1},
    {"scale2.expected.tsv", {"--scale", "2", NULL}, false, 2},
};

/* Run score on a fixture with a variant's options: from path, or from stdin when input names
 * "-" or "" (no argument). */
static struct cli_result run_variant(const struct variant *v, const char *input, const char *data, size_t size)
{
    const char *args[8] = {"score"};
    size_t n = 1;
    for (const char *const *option = v->options; *option; option++)
        args[n++] = *option;
    if (*input)
        args[n++] = input;
    args[n] = NULL;
    return cli_run_env(NULL, data, size, args);
}

/* --- Valid fixtures --- */

static void check_valid_fixtures(bool from_stdin, const char *stdin_argument)
{
    char names[64][64];
    size_t count = manifest_files("valid", names, 64);
    size_t checked = 0;

    for (size_t f = 0; f < count; f++) {
        char relative[128];
        snprintf(relative, sizeof relative, "npy/%s", names[f]);
        char path[4200];
        snprintf(path, sizeof path, "%s", data_path(relative));
        size_t size;
        char *bytes = read_file(path, &size);
        cr_assert_not_null(bytes, "cannot read %s", path);
        struct fixture_shape shape = read_fixture_shape(bytes, size);
        bool refused_on_pipe = shape.fortran_order && shape.ndim > 1 && shape.rows > 1;

        for (size_t v = 0; v < sizeof VARIANTS / sizeof VARIANTS[0]; v++) {
            char expected[4200];
            snprintf(expected, sizeof expected, "%.*s.%s", (int)(strlen(path) - 4), path, VARIANTS[v].suffix);
            if (access(expected, R_OK) != 0)
                continue;

            const char *source = "";
            if (from_stdin)
                source = *stdin_argument ? " on stdin (-)" : " on stdin (no argument)";
            char what[256];
            snprintf(what, sizeof what, "%s %s%s", names[f], VARIANTS[v].options[0] ? VARIANTS[v].options[0] : "",
                     source);
            struct cli_result r = from_stdin ? run_variant(&VARIANTS[v], stdin_argument, bytes, size)
                                             : run_variant(&VARIANTS[v], path, NULL, 0);
            if (from_stdin && refused_on_pipe) {
                cr_expect_eq(r.status, 1, "%s: status %d, expected 1 (Fortran order on a pipe)", what, r.status);
                cr_expect_str_empty(r.out, "%s: stdout not empty", what);
                expect_one_error(&r, what, "<stdin>", (const char *const[]){"Fortran", NULL});
                cli_result_free(&r);
                continue;
            }

            cr_expect_eq(r.status, 0, "%s: status %d, stderr %s", what, r.status, r.err);
            expect_only_warnings(&r, what, from_stdin ? "<stdin>" : path);
            char why[512];
            double dof = VARIANTS[v].dof1 ? 1 : (double)shape.width;
            cr_expect(scores_match(r.out, expected, dof, VARIANTS[v].scale, why, sizeof why), "%s: %s", what, why);
            cr_expect_eq(strncmp(r.out, "index\tnorm\tscore\n", 17), 0, "%s: header line is '%.40s'", what, r.out);
            checked++;
            cli_result_free(&r);
        }
        free(bytes);
    }
    cr_expect_geq(checked, count, "only %zu runs for %zu fixtures", checked, count);
}

Test(cli_npy, valid_fixtures_scored)
{
    check_valid_fixtures(false, NULL);
}

Test(cli_npy, valid_fixtures_on_stdin_dash)
{
    check_valid_fixtures(true, "-");
}

Test(cli_npy, valid_fixtures_on_stdin_no_argument)
{
    check_valid_fixtures(true, "");
}

/* --- Invalid fixtures --- */

struct rejection {
    const char *file;
    const char *words[3];           /* the error names these, from a file */
    const char *stdin_words[3];     /* and these, from stdin read as .npy */
};

static const struct rejection REJECTIONS[] = {
    {"bad_magic.npy", {"bad magic"}, {"bad magic"}},
    {"version_4_0.npy", {"version 4.0"}, {"version 4.0"}},
    {"version_0_0.npy", {"version 0.0"}, {"version 0.0"}},
    {"header_len_past_eof.npy", {"header truncated", "1000"}, {"header truncated"}},
    {"header_len_4gb.npy", {"4294967295"}, {"4294967295", "maximum"}},
    {"header_len_zero.npy", {"not a Python dict"}, {"not a Python dict"}},
    {"header_list.npy", {"not a Python dict"}, {"not a Python dict"}},
    {"header_string.npy", {"not a Python dict"}, {"not a Python dict"}},
    {"missing_descr.npy", {"missing key 'descr'"}, {"missing key 'descr'"}},
    {"missing_fortran_order.npy", {"missing key 'fortran_order'"}, {"missing key 'fortran_order'"}},
    {"missing_shape.npy", {"missing key 'shape'"}, {"missing key 'shape'"}},
    {"extra_key.npy", {"unexpected key 'extra'"}, {"unexpected key 'extra'"}},
    {"unterminated_dict.npy", {"unterminated"}, {"unterminated"}},
    {"descr_object.npy", {"'|O'", "object"}, {"object"}},
    {"descr_int32.npy", {"'<i4'", "integer"}, {"integer"}},
    {"descr_complex128.npy", {"'<c16'", "complex"}, {"complex"}},
    {"descr_structured.npy", {"structured"}, {"structured"}},
    {"descr_bool.npy", {"'|b1'", "bool"}, {"bool"}},
    {"descr_bytes.npy", {"'|S4'", "string"}, {"string"}},
    {"descr_longdouble.npy", {"'<f16'", "float16, float32, float64"}, {"'<f16'"}},
    {"descr_10000_chars.npy", {"unsupported dtype"}, {"unsupported dtype"}},
    {"shape_negative.npy", {"negative dimension"}, {"negative dimension"}},
    {"shape_float.npy", {"non-integer dimension"}, {"non-integer dimension"}},
    {"shape_list.npy", {"'shape' is not a tuple"}, {"'shape' is not a tuple"}},
    {"shape_overflow.npy", {"does not fit 64 bits"}, {"does not fit 64 bits"}},
    {"shape_0dim.npy", {"shape ()"}, {"shape ()"}},
    {"fortran_order_int.npy", {"'fortran_order' is not True or False"}, {"'fortran_order'"}},
    {"fortran_order_string.npy", {"'fortran_order' is not True or False"}, {"'fortran_order'"}},
    {"truncated_data.npy", {"expected 3200 data bytes, found 2388"}, {"expected 3200 data bytes, found 2388"}},
    {"truncated_header.npy", {"header truncated"}, {"header truncated"}},
    {"truncated_preamble.npy", {"truncated"}, {"truncated"}},
    {"empty.npy", {"truncated"}, {"truncated"}},
};

static const struct rejection *find_rejection(const char *file)
{
    for (size_t i = 0; i < sizeof REJECTIONS / sizeof REJECTIONS[0]; i++)
        if (strcmp(REJECTIONS[i].file, file) == 0)
            return &REJECTIONS[i];
    return NULL;
}

Test(cli_npy, every_invalid_fixture_has_a_case)
{
    char names[64][64];
    size_t count = manifest_files("invalid", names, 64);
    for (size_t i = 0; i < count; i++)
        cr_expect_not_null(find_rejection(names[i] + strlen("bad/")), "%s has no entry in REJECTIONS", names[i]);
}

Test(cli_npy, invalid_fixtures_rejected)
{
    for (size_t i = 0; i < sizeof REJECTIONS / sizeof REJECTIONS[0]; i++) {
        const struct rejection *c = &REJECTIONS[i];
        char relative[128];
        snprintf(relative, sizeof relative, "npy/bad/%s", c->file);
        char path[4200];
        snprintf(path, sizeof path, "%s", data_path(relative));

        struct cli_result r = cli_run(NULL, 0, "score", path);
        cr_expect_eq(r.status, 1, "%s: status %d, expected 1", c->file, r.status);
        cr_expect_str_empty(r.out, "%s: stdout not empty: %.60s", c->file, r.out);
        expect_one_error(&r, c->file, path, c->words);
        cli_result_free(&r);
    }
}

Test(cli_npy, invalid_fixtures_on_stdin)
{
    for (size_t i = 0; i < sizeof REJECTIONS / sizeof REJECTIONS[0]; i++) {
        const struct rejection *c = &REJECTIONS[i];
        char relative[128];
        snprintf(relative, sizeof relative, "npy/bad/%s", c->file);
        size_t size;
        char *bytes = read_file(data_path(relative), &size);
        cr_assert_not_null(bytes, "cannot read %s", relative);

        /* With --in-format npy the .npy reader names the problem. Detection alone would read a
         * file without the magic bytes as text. */
        struct cli_result r = cli_run(bytes, size, "score", "--in-format", "npy", "-");
        char what[128];
        snprintf(what, sizeof what, "%s on stdin", c->file);
        cr_expect_eq(r.status, 1, "%s: status %d, expected 1", what, r.status);
        expect_one_error(&r, what, "<stdin>", c->stdin_words);
        /* On a pipe, rows before a short read may already be out, but never the partial row. */
        if (strcmp(c->file, "truncated_data.npy") != 0)
            cr_expect_str_empty(r.out, "%s: stdout not empty: %.60s", what, r.out);
        cr_expect_null(strstr(r.out, "\n37\t"), "%s: the partial row 37 was scored", what);
        cli_result_free(&r);

        /* Detected by its magic bytes, a .npy on stdin gives the same message. */
        if (size >= 6 && memcmp(bytes, "\x93NUMPY", 6) == 0) {
            r = cli_run(bytes, size, "score");
            cr_expect_eq(r.status, 1, "%s (detected): status %d, expected 1", what, r.status);
            expect_one_error(&r, what, "<stdin>", c->stdin_words);
            cli_result_free(&r);
        }
        free(bytes);
    }
}

/* --- Output formats --- */

/* Parse TSV score output into norms and scores; returns the row count. */
static size_t parse_tsv_scores(const char *text, double *norms, double *scores, size_t capacity)
{
    const char *line = strchr(text, '\n');
    size_t n = 0;
    while (line && line[1]) {
        line++;
        cr_assert_lt(n, capacity, "more rows than the test expects");
        char *at;
        strtoull(line, &at, 10);
        cr_assert_eq(*at, '\t', "no tab after the index in '%.40s'", line);
        norms[n] = strtod(at + 1, &at);
        cr_assert_eq(*at, '\t', "no tab after the norm in '%.40s'", line);
        scores[n] = strtod(at + 1, &at);
        cr_assert_eq(*at, '\n', "no newline after the score in '%.40s'", line);
        n++;
        line = at;
    }
    return n;
}

static bool same_double(double a, double b)
{
    return a == b || (isnan(a) && isnan(b));
}

/* Check that a --to npy output holds, as float64 pairs, the numbers of the TSV output. */
static void expect_npy_matches_tsv(const char *what, const char *npy, size_t npy_size, const char *tsv)
{
    static double norms[4096], scores[4096];
    size_t rows = parse_tsv_scores(tsv, norms, scores, 4096);
    struct npy_array array;
    char why[256];
    cr_assert(npy_array_parse((const unsigned char *)npy, npy_size, &array, why, sizeof why), "%s: %s", what, why);
    cr_expect_str_eq(array.descr, "<f8", "%s: descr '%s', expected '<f8'", what, array.descr);
    cr_expect_not(array.fortran_order, "%s: fortran_order True", what);
    cr_assert_eq(array.ndim, 2, "%s: %d dimensions, expected 2", what, array.ndim);
    cr_expect_eq(array.shape[0], rows, "%s: %llu rows, TSV has %zu", what, (unsigned long long)array.shape[0], rows);
    cr_expect_eq(array.shape[1], 2, "%s: %llu columns, expected 2 (norm, score)", what,
                 (unsigned long long)array.shape[1]);

    for (size_t i = 0; i < rows && i < array.shape[0]; i++) {
        double pair[2];
        memcpy(pair, array.data + i * sizeof pair, sizeof pair);
        cr_expect(same_double(pair[0], norms[i]), "%s row %zu: npy norm %.17g, TSV %.17g", what, i, pair[0], norms[i]);
        cr_expect(same_double(pair[1], scores[i]), "%s row %zu: npy score %.17g, TSV %.17g", what, i, pair[1],
                  scores[i]);
    }
}

static const char *const OUTPUT_FIXTURES[] = {
    "le_f8", "be_f2", "le_f4", "f8_extremes", "width384_f4", "shape_3d", "fortran_2d", "shape_1d",
};

Test(cli_npy, npy_output_matches_tsv)
{
    for (size_t i = 0; i < sizeof OUTPUT_FIXTURES / sizeof OUTPUT_FIXTURES[0]; i++) {
        char relative[128];
        snprintf(relative, sizeof relative, "npy/%s.npy", OUTPUT_FIXTURES[i]);
        const char *path = data_path(relative);

        struct cli_result tsv = cli_run(NULL, 0, "score", path);
        struct cli_result npy = cli_run(NULL, 0, "score", "--to", "npy", path);
        cr_assert_eq(tsv.status, 0, "%s tsv: status %d", OUTPUT_FIXTURES[i], tsv.status);
        cr_assert_eq(npy.status, 0, "%s npy: status %d: %s", OUTPUT_FIXTURES[i], npy.status, npy.err);
        expect_npy_matches_tsv(OUTPUT_FIXTURES[i], npy.out, npy.out_size, tsv.out);
        cli_result_free(&tsv);
        cli_result_free(&npy);
    }
}

Test(cli_npy, npy_output_from_stdin_and_file_same)
{
    size_t size;
    char *bytes = read_file(data_path("npy/le_f4.npy"), &size);
    cr_assert_not_null(bytes);
    struct cli_result from_file = cli_run(NULL, 0, "score", "--to", "npy", data_path("npy/le_f4.npy"));
    struct cli_result from_stdin = cli_run(bytes, size, "score", "--to", "npy");

    cr_expect_eq(from_stdin.status, 0, "stdin: status %d: %s", from_stdin.status, from_stdin.err);
    cr_expect_eq(from_stdin.out_size, from_file.out_size, "stdin gives %zu bytes, the file %zu", from_stdin.out_size,
                 from_file.out_size);
    cr_expect(from_stdin.out_size == from_file.out_size &&
                  memcmp(from_stdin.out, from_file.out, from_file.out_size) == 0,
              "--to npy from stdin differs from the file's output");
    cli_result_free(&from_file);
    cli_result_free(&from_stdin);
    free(bytes);
}

Test(cli_npy, npy_output_chosen_by_extension)
{
    char folder[4096];
    snprintf(folder, sizeof folder, "%s", scratch_folder());
    char out_path[4200];
    snprintf(out_path, sizeof out_path, "%s/scores.npy", folder);

    struct cli_result r = cli_run(NULL, 0, "score", "-o", out_path, data_path("npy/width2.npy"));
    struct cli_result tsv = cli_run(NULL, 0, "score", data_path("npy/width2.npy"));
    cr_expect_eq(r.status, 0, "status %d: %s", r.status, r.err);
    cr_expect_str_empty(r.out, "stdout not empty with -o");
    size_t size;
    char *npy = read_file(out_path, &size);
    cr_assert_not_null(npy, "-o %s was not written", out_path);
    expect_npy_matches_tsv("-o scores.npy", npy, size, tsv.out);

    free(npy);
    cli_result_free(&r);
    cli_result_free(&tsv);
    scratch_remove(folder);
}

Test(cli_npy, csv_output)
{
    struct cli_result r = cli_run(NULL, 0, "score", "--to", "csv", data_path("npy/le_f8.npy"));
    char why[512];
    cr_expect_eq(r.status, 0, "status %d: %s", r.status, r.err);
    cr_expect_eq(strncmp(r.out, "index,norm,score\n", 17), 0, "CSV header is '%.40s'", r.out);
    cr_expect_null(strchr(r.out, '\t'), "CSV output holds a tab");
    cr_expect(scores_match(r.out, data_path("npy/le_f8.expected.tsv"), 5, 1, why, sizeof why), "%s", why);
    cli_result_free(&r);
}

Test(cli_npy, no_header_option)
{
    struct cli_result with = cli_run(NULL, 0, "score", data_path("npy/shape_3d.npy"));
    struct cli_result without = cli_run(NULL, 0, "score", "--no-header", data_path("npy/shape_3d.npy"));
    struct cli_result csv = cli_run(NULL, 0, "score", "--no-header", "--to", "csv", data_path("npy/shape_3d.npy"));

    cr_expect_eq(without.status, 0, "status %d: %s", without.status, without.err);
    cr_expect_eq(strncmp(without.out, "0\t", 2), 0, "first line is '%.40s', expected row 0", without.out);
    cr_expect_eq(count_lines(without.out), 6, "%zu lines, expected the 6 rows", count_lines(without.out));
    cr_expect_str_eq(without.out, with.out + strlen("index\tnorm\tscore\n"), "--no-header changes the rows");
    cr_expect_eq(strncmp(csv.out, "0,", 2), 0, "CSV first line is '%.40s', expected row 0", csv.out);
    cli_result_free(&with);
    cli_result_free(&without);
    cli_result_free(&csv);
}

Test(cli_npy, no_rows_give_header_only)
{
    static const char *const files[] = {"npy/shape_0xK.npy", "npy/shape_3d_empty.npy"};
    for (size_t i = 0; i < 2; i++) {
        const char *path = data_path(files[i]);
        struct cli_result tsv = cli_run(NULL, 0, "score", path);
        cr_expect_eq(tsv.status, 0, "%s: status %d: %s", files[i], tsv.status, tsv.err);
        cr_expect_str_eq(tsv.out, "index\tnorm\tscore\n", "%s: output '%s', expected the header only", files[i],
                         tsv.out);
        cr_expect_str_empty(tsv.err, "%s: stderr '%s'", files[i], tsv.err);

        struct cli_result bare = cli_run(NULL, 0, "score", "--no-header", path);
        cr_expect_eq(bare.status, 0, "%s --no-header: status %d", files[i], bare.status);
        cr_expect_str_empty(bare.out, "%s --no-header: output '%s'", files[i], bare.out);

        struct cli_result npy = cli_run(NULL, 0, "score", "--to", "npy", path);
        struct npy_array array;
        char why[256];
        cr_expect_eq(npy.status, 0, "%s --to npy: status %d", files[i], npy.status);
        cr_assert(npy_array_parse((const unsigned char *)npy.out, npy.out_size, &array, why, sizeof why), "%s: %s",
                  files[i], why);
        cr_expect_eq(array.ndim, 2, "%s --to npy: %d dimensions", files[i], array.ndim);
        cr_expect_eq(array.shape[0], 0, "%s --to npy: %llu rows", files[i], (unsigned long long)array.shape[0]);
        cr_expect_eq(array.shape[1], 2, "%s --to npy: %llu columns", files[i], (unsigned long long)array.shape[1]);
        cli_result_free(&tsv);
        cli_result_free(&bare);
        cli_result_free(&npy);
    }
}

Test(cli_npy, fortran_order_on_stdin_rejected)
{
    size_t size;
    char *bytes = read_file(data_path("npy/fortran_2d.npy"), &size);
    cr_assert_not_null(bytes);
    struct cli_result r = cli_run(bytes, size, "score", "-");

    cr_expect_eq(r.status, 1, "status %d, expected 1", r.status);
    cr_expect_str_empty(r.out, "stdout not empty: %.60s", r.out);
    expect_one_error(&r, "Fortran order on stdin", "<stdin>",
                     (const char *const[]){"Fortran-order", "pipe", NULL});
    cli_result_free(&r);
    free(bytes);
}

/* --- Cases from user reports --- */

static void expect_case_scores(const char *what, const char *input, const char *expected, double dof,
                               const char *const *options)
{
    const char *args[8] = {"score"};
    size_t n = 1;
    for (; options && *options; options++)
        args[n++] = *options;
    args[n++] = data_path(input);
    args[n] = NULL;

    struct cli_result r = cli_run_env(NULL, NULL, 0, args);
    char why[512];
    cr_expect_eq(r.status, 0, "%s: status %d: %s", what, r.status, r.err);
    cr_expect(scores_match(r.out, data_path(expected), dof, 1, why, sizeof why), "%s: %s", what, why);
    cli_result_free(&r);
}

/* Check that the output does not match a known wrong output, which names the mistake. */
static void expect_not_mistake(const char *what, const char *input, const char *wrong, double dof)
{
    struct cli_result r = cli_run(NULL, 0, "score", data_path(input));
    char why[512];
    cr_expect_not(scores_match(r.out, data_path(wrong), dof, 1, why, sizeof why), "%s: output matches %s", what, wrong);
    cli_result_free(&r);
}

Test(cli_cases, npy_big_endian)
{
    static const char *const files[] = {"be_f8.npy", "be_f4.npy", "be_f2.npy", "le_f8.npy"};
    for (size_t i = 0; i < 4; i++) {
        char input[128];
        snprintf(input, sizeof input, "cases/npy-big-endian/%s", files[i]);
        expect_case_scores(files[i], input, "cases/npy-big-endian/expected.tsv", 3, NULL);
        expect_not_mistake(files[i], input, "cases/npy-big-endian/wrong_if_byteorder_ignored.tsv", 3);
    }
}

Test(cli_cases, npy_fortran_order)
{
    expect_case_scores("fortran_5x3.npy", "cases/npy-fortran-order/fortran_5x3.npy",
                       "cases/npy-fortran-order/expected.tsv", 3, NULL);
    expect_not_mistake("fortran_5x3.npy", "cases/npy-fortran-order/fortran_5x3.npy",
                       "cases/npy-fortran-order/wrong_if_read_as_C_order.tsv", 3);
}

Test(cli_cases, npy_header_offset)
{
    static const char *const files[] = {"v1_align16.npy", "v1_pad256.npy", "v2.npy", "v3.npy"};
    for (size_t i = 0; i < 4; i++) {
        char input[128];
        snprintf(input, sizeof input, "cases/npy-header-offset/%s", files[i]);
        expect_case_scores(files[i], input, "cases/npy-header-offset/expected.tsv", 4, NULL);
    }
}

Test(cli_cases, npy_truncated)
{
    const char *data_file = data_path("cases/npy-truncated/truncated_data.npy");
    struct cli_result r = cli_run(NULL, 0, "score", data_file);
    cr_expect_eq(r.status, 1, "truncated_data.npy: status %d, expected 1", r.status);
    cr_expect_str_empty(r.out, "truncated_data.npy: rows printed before the error: %.60s", r.out);
    expect_one_error(&r, "truncated_data.npy", data_file,
                     (const char *const[]){"expected 3200 data bytes, found 2388", NULL});
    cli_result_free(&r);

    const char *header_file = data_path("cases/npy-truncated/truncated_header.npy");
    r = cli_run(NULL, 0, "score", header_file);
    cr_expect_eq(r.status, 1, "truncated_header.npy: status %d, expected 1", r.status);
    cr_expect_str_empty(r.out, "truncated_header.npy: stdout not empty");
    expect_one_error(&r, "truncated_header.npy", header_file, (const char *const[]){"header truncated", NULL});
    cli_result_free(&r);
}

Test(cli_cases, f64_norm_extremes)
{
    expect_case_scores("extremes.npy", "cases/f64-norm-extremes/extremes.npy", "cases/f64-norm-extremes/expected.tsv",
                       2, NULL);
    expect_case_scores("extremes.csv", "cases/f64-norm-extremes/extremes.csv", "cases/f64-norm-extremes/expected.tsv",
                       2, NULL);
}

Test(cli_cases, chi_dof1_zero)
{
    expect_case_scores("k1.csv", "cases/chi-dof1-zero/k1.csv", "cases/chi-dof1-zero/expected_k1.tsv", 1, NULL);
    expect_case_scores("k3_zero.csv", "cases/chi-dof1-zero/k3_zero.csv", "cases/chi-dof1-zero/expected_k3.tsv", 3,
                       NULL);
    expect_case_scores("k3_zero.csv --dof 1", "cases/chi-dof1-zero/k3_zero.csv",
                       "cases/chi-dof1-zero/expected_k3_dof1.tsv", 1, (const char *const[]){"--dof", "1", NULL});

    /* The -0.0 rows have norm +0, printed without a sign. */
    struct cli_result r = cli_run(NULL, 0, "score", data_path("cases/chi-dof1-zero/k1.csv"));
    cr_expect_null(strstr(r.out, "\t-0\t"), "a norm prints as -0: %s", r.out);
    cr_expect_null(strstr(r.out, "nan"), "a score is nan: %s", r.out);
    cli_result_free(&r);
    r = cli_run(NULL, 0, "score", data_path("cases/chi-dof1-zero/k3_zero.csv"));
    cr_expect_null(strstr(r.out, "\t-0\t"), "a norm prints as -0: %s", r.out);
    cli_result_free(&r);
}

Test(cli_npy, fortran_order_on_redirected_stdin)
{
    /* A regular file on stdin can be read at any offset, so Fortran order works there. */
    char command[4600];
    snprintf(command, sizeof command, "\"$LEVYSCORE\" score < '%s'", data_path("npy/fortran_2d.npy"));
    struct cli_result r = cli_run_shell(command);
    char why[512];
    cr_expect_eq(r.status, 0, "status %d: %s", r.status, r.err);
    cr_expect(scores_match(r.out, data_path("npy/fortran_2d.expected.tsv"), 3, 1, why, sizeof why), "%s", why);
    cli_result_free(&r);
}

Test(cli_npy, output_independent_of_thread_count)
{
    static const char *const files[] = {"cases/sigpipe-head/many_rows.npy", "npy/width4096_f4.npy", "npy/le_f2.npy"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        const char *path = data_path(files[i]);
        struct cli_result one = cli_run(NULL, 0, "score", "--threads", "1", path);
        struct cli_result three = cli_run(NULL, 0, "score", "--threads", "3", path);
        struct cli_result npy_one = cli_run(NULL, 0, "score", "--to", "npy", "--threads", "1", path);
        struct cli_result npy_three = cli_run(NULL, 0, "score", "--to", "npy", "--threads", "3", path);

        cr_expect_eq(one.status, 0, "%s --threads 1: status %d", files[i], one.status);
        cr_expect_str_eq(three.out, one.out, "%s: TSV differs between 1 and 3 threads", files[i]);
        cr_expect(npy_one.out_size == npy_three.out_size && memcmp(npy_one.out, npy_three.out, npy_one.out_size) == 0,
                  "%s: .npy output differs between 1 and 3 threads", files[i]);
        cli_result_free(&one);
        cli_result_free(&three);
        cli_result_free(&npy_one);
        cli_result_free(&npy_three);
    }
}

/* Write a version 2.0 .npy with the given dict, padded to header_len bytes, and data_size zero
 * bytes of data. */
static void write_npy_v2(const char *path, const char *dict, size_t header_len, size_t data_size)
{
    size_t size = 12 + header_len + data_size;
    unsigned char *bytes = calloc(1, size);
    cr_assert_not_null(bytes);
    memcpy(bytes, "\x93NUMPY\x02\x00", 8);
    for (int i = 0; i < 4; i++)
        bytes[8 + i] = (unsigned char)(header_len >> (8 * i));
    memset(bytes + 12, ' ', header_len);
    memcpy(bytes + 12, dict, strlen(dict));
    bytes[12 + header_len - 1] = '\n';
    cr_assert(write_file(path, bytes, size), "cannot write %s", path);
    free(bytes);
}

Test(cli_npy, limits_rejected)
{
    char folder[4096];
    snprintf(folder, sizeof folder, "%s", scratch_folder());
    struct {
        const char *name;
        const char *dict;
        size_t header_len;
        size_t data_size;
        const char *words[3];
    } cases[] = {
        {"wide.npy", "{'descr': '<f2', 'fortran_order': False, 'shape': (1, 4194305), }", 116, 0,
         {"row width 4194305", "maximum of 4194304"}},
        {"no_width.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 0), }", 116, 0,
         {"last dimension of the shape is 0"}},
        {"long_header.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2), }", (2u << 20) + 4, 8,
         {"header length 2097156", "maximum of 1048576"}},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char path[4200];
        snprintf(path, sizeof path, "%s/%s", folder, cases[i].name);
        write_npy_v2(path, cases[i].dict, cases[i].header_len, cases[i].data_size);

        struct cli_result r = cli_run(NULL, 0, "score", path);
        cr_expect_eq(r.status, 1, "%s: status %d, expected 1", cases[i].name, r.status);
        cr_expect_str_empty(r.out, "%s: stdout not empty", cases[i].name);
        expect_one_error(&r, cases[i].name, path, cases[i].words);
        cli_result_free(&r);
    }
    scratch_remove(folder);
}

Test(cli_npy, widest_row_accepted)
{
    char folder[4096];
    snprintf(folder, sizeof folder, "%s", scratch_folder());
    char path[4200];
    snprintf(path, sizeof path, "%s/widest.npy", folder);
    write_npy_v2(path, "{'descr': '<f2', 'fortran_order': False, 'shape': (1, 4194304), }", 116, 4194304 * 2);

    struct cli_result r = cli_run(NULL, 0, "score", path);
    cr_expect_eq(r.status, 0, "a row of 4194304 values: status %d: %s", r.status, r.err);
    cr_expect_str_eq(r.out, "index\tnorm\tscore\n0\t0\t-inf\n", "a row of zeros scored '%s'", r.out);
    cli_result_free(&r);
    scratch_remove(folder);
}
