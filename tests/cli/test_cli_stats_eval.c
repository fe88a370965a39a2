#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_run.h"
#include "data.h"

#define MINILM "minilm/embeddings.npy"
#define DIGITS "digits-probe/features.npy"

/* ---------------------------------------------------------------- helpers */

/* Value of name in a two-column "name<TAB>value" TSV. */
static double table_value(const char *relative, const char *name)
{
    size_t size;
    char *text = read_file(data_path(relative), &size);
    cr_assert_not_null(text, "cannot read %s", relative);
    char key[128];
    snprintf(key, sizeof key, "\n%s\t", name);
    const char *at = strstr(text, key);
    cr_assert_not_null(at, "%s has no %s", relative, name);
    double value = strtod(at + strlen(key), NULL);
    free(text);
    return value;
}

static cJSON *parse_json(const char *text)
{
    cJSON *root = cJSON_Parse(text);
    cr_assert_not_null(root, "output is not JSON: %.300s", text);
    return root;
}

/* The number at path, object keys separated by slashes. */
static double json_number(const cJSON *object, const char *path)
{
    char copy[256];
    snprintf(copy, sizeof copy, "%s", path);
    const cJSON *item = object;
    for (char *part = strtok(copy, "/"); part; part = strtok(NULL, "/"))
        item = cJSON_GetObjectItemCaseSensitive(item, part);
    cr_assert(cJSON_IsNumber(item), "no number at %s", path);
    return item->valuedouble;
}

static void expect_relative(double got, double expected, double tolerance, const char *what)
{
    double error = got == expected ? 0 : fabs(got - expected) / fmax(fabs(expected), DBL_MIN);
    cr_expect_leq(error, tolerance, "%s: got %.17g, expected %.17g", what, got, expected);
}

/* Write text to name in a new scratch folder and return its path (static until the next call). */
static const char *scratch_file(const char *name, const char *text)
{
    static char path[4096];
    const char *folder = scratch_folder();
    cr_assert_not_null(folder);
    snprintf(path, sizeof path, "%s/%s", folder, name);
    FILE *file = fopen(path, "w");
    cr_assert_not_null(file);
    fputs(text, file);
    fclose(file);
    return path;
}

/* A correct file of rows lines, every third row incorrect. */
static const char *alternating_correct(size_t rows)
{
    size_t size = 2 * rows + 1;
    char *text = malloc(size);
    for (size_t i = 0; i < rows; i++) {
        text[2 * i] = i % 3 == 2 ? '0' : '1';
        text[2 * i + 1] = '\n';
    }
    text[2 * rows] = '\0';
    const char *path = scratch_file("correct.txt", text);
    free(text);
    return path;
}

/*
 * Check that path is well-formed SVG: with xmllint (Debian package libxml2-utils) when it is
 * installed, otherwise by its first and last elements only.
 */
static void expect_well_formed_svg(const char *path)
{
    size_t size;
    char *text = read_file(path, &size);
    cr_assert_not_null(text, "no SVG written at %s", path);
    cr_expect(strncmp(text, "<?xml", 5) == 0, "SVG does not start with an XML declaration");
    cr_expect_not_null(strstr(text, "<svg xmlns=\"http://www.w3.org/2000/svg\""));
    cr_expect(size > 8 && strcmp(text + size - 7, "</svg>\n") == 0, "SVG does not end with </svg>");
    free(text);

    if (access("/usr/bin/xmllint", X_OK) != 0) {
        cr_log_warn("xmllint is not installed (apt-get install libxml2-utils); checked the SVG's ends only");
        return;
    }
    char command[4300];
    snprintf(command, sizeof command, "xmllint --noout '%s'", path);
    struct cli_result r = cli_run_shell(command);
    cr_expect_eq(r.status, 0, "xmllint rejects %s: %s", path, r.err);
    cli_result_free(&r);
}

/* Render path with headless Chromium into a PNG and check that one came out. */
static void expect_renders(const char *path)
{
    if (access("/usr/bin/chromium", X_OK) != 0)
        cr_skip_test("chromium is not installed (apt-get install chromium); the SVG was not rendered");
    const char *folder = scratch_folder();
    char command[8600];
    snprintf(command, sizeof command,
             "cd '%s' && chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run "
             "--disable-background-networking --disable-component-update --disable-sync --user-data-dir='%s/profile' "
             "--window-size=1040,520 --screenshot='%s/out.png' '%s'",
             folder, folder, folder, path);
    struct cli_result r = cli_run_shell(command);
    cr_expect_eq(r.status, 0, "chromium failed on %s: %s", path, r.err);
    cli_result_free(&r);

    char png[4200];
    snprintf(png, sizeof png, "%s/out.png", folder);
    size_t size = 0;
    char *data = read_file(png, &size);
    cr_assert_not_null(data, "chromium wrote no PNG for %s", path);
    cr_expect(size > 5000, "the PNG of %s has only %zu bytes", path, size);
    cr_expect(memcmp(data, "\x89PNG", 4) == 0);
    free(data);
}

/* ---------------------------------------------------------------- stats */

static void expect_stats_match(const char *input, const char *expected, double scale_tolerance)
{
    struct cli_result r = cli_run(NULL, 0, "stats", "--json", data_path(input));
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    cJSON *root = parse_json(r.out);

    cr_expect_eq(json_number(root, "rows"), table_value(expected, "rows"));
    cr_expect_eq(json_number(root, "dof"), table_value(expected, "dof"));
    static const char *const quantiles[] = {"0.01", "0.05", "0.25", "0.5", "0.75", "0.95", "0.99"};
    for (size_t q = 0; q < 7; q++) {
        char path[64], name[64];
        snprintf(path, sizeof path, "norm/quantiles/%s", quantiles[q]);
        snprintf(name, sizeof name, "quantile_%s", quantiles[q]);
        expect_relative(json_number(root, path), table_value(expected, name), 1e-15, path);
    }
    /* Norms are within a few ulps of the exact ones (the sum of squares is rounded). */
    expect_relative(json_number(root, "norm/min"), table_value(expected, "min"), 1e-15, "min");
    expect_relative(json_number(root, "norm/max"), table_value(expected, "max"), 1e-15, "max");
    expect_relative(json_number(root, "norm/mean"), table_value(expected, "mean"), 1e-14, "mean");
    expect_relative(json_number(root, "norm/sd"), table_value(expected, "sd"), 1e-9, "sd");
    expect_relative(json_number(root, "chi/mean"), table_value(expected, "chi_mean"), 1e-15, "Chi mean");
    expect_relative(json_number(root, "chi/sd"), table_value(expected, "chi_sd"), 1e-14, "Chi sd");
    expect_relative(json_number(root, "fitted_scale"), table_value(expected, "fitted_scale"), scale_tolerance,
                    "fitted scale");
    expect_relative(json_number(root, "ks_distance/given_scale"), table_value(expected, "ks_given"), 1e-12,
                    "KS at the given scale");
    expect_relative(json_number(root, "ks_distance/fitted_scale"), table_value(expected, "ks_fitted"), 1e-9,
                    "KS at the fitted scale");

    const cJSON *histogram = cJSON_GetObjectItemCaseSensitive(root, "norm_histogram");
    const cJSON *edges = cJSON_GetObjectItemCaseSensitive(histogram, "edges");
    const cJSON *counts = cJSON_GetObjectItemCaseSensitive(histogram, "counts");
    cr_assert_eq(cJSON_GetArraySize(edges), 31);
    cr_assert_eq(cJSON_GetArraySize(counts), 30);
    for (int i = 0; i < 30; i++) {
        char name[32];
        snprintf(name, sizeof name, "count_%d", i);
        cr_expect_eq(cJSON_GetArrayItem(counts, i)->valuedouble, table_value(expected, name), "count of bin %d", i);
        snprintf(name, sizeof name, "edge_%d", i);
        expect_relative(cJSON_GetArrayItem(edges, i)->valuedouble, table_value(expected, name), 1e-15, name);
    }
    cJSON_Delete(root);
    cli_result_free(&r);
}

Test(cli_stats, minilm_matches_numpy)
{
    expect_stats_match(MINILM, "stats/minilm_stats.tsv", 1e-15);
}

Test(cli_stats, minilm_warns_of_equal_norms)
{
    struct cli_result r = cli_run(NULL, 0, "stats", data_path(MINILM));
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    cr_expect_not_null(strstr(r.err, "warning: all 778 rows have the same norm"), "stderr: %s", r.err);
    cr_expect_not_null(strstr(r.err, "score the embeddings before normalisation"));
    /* Equal norms make --scale no help, so the scale warning stays quiet. */
    cr_expect_null(strstr(r.err, "try --scale"), "stderr: %s", r.err);
    cr_expect_not_null(strstr(r.out, "fitted scale   0.05103103647"), "stdout: %s", r.out);
    cr_expect_not_null(strstr(r.out, "norm histogram (30 bins"));
    cli_result_free(&r);
}

Test(cli_stats, digits_match_scipy)
{
    /* The fitted scale of standardised columns is 1 + 2e-9; NumPy's mean of squares sums pairwise. */
    expect_stats_match(DIGITS, "stats/digits_stats.tsv", 1e-14);
}

Test(cli_stats, far_norms_suggest_scale)
{
    struct cli_result r = cli_run(NULL, 0, "stats", "--scale", "0.5", data_path(DIGITS));
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    cr_expect_not_null(strstr(r.err, "far from what Chi_61 expects at scale 0.5"), "stderr: %s", r.err);
    cr_expect_not_null(strstr(r.err, "try --scale 1"), "stderr: %s", r.err);
    cli_result_free(&r);
}

Test(cli_stats, labels_split_histogram)
{
    struct cli_result r = cli_run(NULL, 0, "stats", "--json", "--bins", "12", "--correct",
                                  data_path("digits-probe/correct.txt"), data_path(DIGITS));
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    cJSON *root = parse_json(r.out);
    const cJSON *histogram = cJSON_GetObjectItemCaseSensitive(root, "norm_histogram");
    const cJSON *correct = cJSON_GetObjectItemCaseSensitive(histogram, "correct");
    cr_assert_eq(cJSON_GetArraySize(correct), 12);
    double total = 0;
    for (int i = 0; i < 12; i++)
        total += cJSON_GetArrayItem(correct, i)->valuedouble;
    cr_expect_eq(total, 1660);
    cJSON_Delete(root);
    cli_result_free(&r);
}

Test(cli_stats, bin_width_sets_edges)
{
    struct cli_result r = cli_run(NULL, 0, "stats", "--json", "--bin-width", "5", data_path(DIGITS));
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    cJSON *root = parse_json(r.out);
    const cJSON *edges = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(root, "norm_histogram"),
                                                          "edges");
    /* Norms span 4.6 to 48.4: bins of 5 from 0 to 50. */
    cr_expect_eq(cJSON_GetArraySize(edges), 11);
    cr_expect_eq(cJSON_GetArrayItem(edges, 0)->valuedouble, 0);
    cr_expect_eq(cJSON_GetArrayItem(edges, 10)->valuedouble, 50);
    cJSON_Delete(root);
    cli_result_free(&r);
}

Test(cli_stats, reads_stdin)
{
    size_t size;
    char *data = read_file(data_path(MINILM), &size);
    struct cli_result r = cli_run(data, size, "stats", "--json");
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    cJSON *root = parse_json(r.out);
    cr_expect_eq(json_number(root, "rows"), 778);
    cr_expect_str_eq(cJSON_GetObjectItemCaseSensitive(root, "input")->valuestring, "<stdin>");
    cJSON_Delete(root);
    cli_result_free(&r);
    free(data);
}

Test(cli_stats, svg_is_well_formed)
{
    const char *folder = scratch_folder();
    char svg[4200];
    snprintf(svg, sizeof svg, "%s/norms.svg", folder);
    struct cli_result r = cli_run(NULL, 0, "stats", "--svg", svg, "--correct", data_path("digits-probe/correct.txt"),
                                  data_path(DIGITS));
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    expect_well_formed_svg(svg);
    cli_result_free(&r);
}

Test(cli_stats, svg_renders, .timeout = 120)
{
    const char *folder = scratch_folder();
    char svg[4200];
    snprintf(svg, sizeof svg, "%s/norms.svg", folder);
    struct cli_result r = cli_run(NULL, 0, "stats", "--svg", svg, data_path(MINILM));
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    expect_renders(svg);
    cli_result_free(&r);
}

/* ---------------------------------------------------------------- eval */

static const char *const METRIC_KEYS[] = {"auroc", "aupr_correct", "aupr_error", "fpr_at_95_tpr", "aurc", "eaurc"};
static const char *const COVERAGE_KEYS[] = {"100", "95", "90", "80", "70", "50"};

/* Compare every metric of score in the eval JSON with digits_expected.tsv (from scikit-learn). */
static void expect_digits_metrics(const cJSON *root, const char *score)
{
    char path[128], name[128];
    for (size_t m = 0; m < 6; m++) {
        snprintf(path, sizeof path, "scores/%s/%s", score, METRIC_KEYS[m]);
        snprintf(name, sizeof name, "%s\t%s", score, METRIC_KEYS[m]);
        double expected = table_value("eval/digits_expected.tsv", name);
        double got = json_number(root, path);
        cr_expect_leq(fabs(got - expected), 1e-13 * fmax(1.0, fabs(expected)), "%s: got %.17g, expected %.17g",
                      path, got, expected);
        cr_log_info("%s: difference from scikit-learn %.3g", path, got - expected);
    }
    for (size_t c = 0; c < 6; c++) {
        snprintf(path, sizeof path, "scores/%s/accuracy_at/%s", score, COVERAGE_KEYS[c]);
        snprintf(name, sizeof name, "%s\taccuracy_at_%s", score, COVERAGE_KEYS[c]);
        double expected = table_value("eval/digits_expected.tsv", name);
        cr_expect_leq(fabs(json_number(root, path) - expected), 1e-15, "%s", path);
    }
}

Test(cli_eval, digits_match_sklearn)
{
    struct cli_result r = cli_run(NULL, 0, "eval", "--json", "--correct", data_path("digits-probe/correct.txt"),
                                  "--baseline", data_path("digits-probe/confidence.txt"), data_path(DIGITS));
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    cr_expect_str_empty(r.err);
    cJSON *root = parse_json(r.out);
    cr_expect_eq(json_number(root, "rows"), 1797);
    cr_expect_eq(json_number(root, "correct"), 1660);
    expect_digits_metrics(root, "levyscore");
    expect_digits_metrics(root, "confidence");
    cJSON_Delete(root);
    cli_result_free(&r);
}

Test(cli_eval, labels_and_predictions_equal_correct)
{
    struct cli_result a = cli_run(NULL, 0, "eval", "--correct", data_path("digits-probe/correct.txt"),
                                  data_path(DIGITS));
    struct cli_result b = cli_run(NULL, 0, "eval", "--labels", data_path("digits-probe/labels.txt"), "--predictions",
                                  data_path("digits-probe/predictions.txt"), data_path(DIGITS));
    cr_assert_eq(a.status, 0, "stderr: %s", a.err);
    cr_assert_eq(b.status, 0, "stderr: %s", b.err);
    cr_expect_str_eq(a.out, b.out);
    cr_expect_not_null(strstr(a.out, "1660 correct, 137 incorrect"), "stdout: %s", a.out);
    cr_expect_not_null(strstr(a.out, "AUROC"));
    cli_result_free(&a);
    cli_result_free(&b);
}

Test(cli_eval, curve_has_every_row)
{
    const char *folder = scratch_folder();
    char curve[4200];
    snprintf(curve, sizeof curve, "%s/curve.tsv", folder);
    struct cli_result r = cli_run(NULL, 0, "eval", "--curve", curve, "--correct",
                                  data_path("digits-probe/correct.txt"), "--baseline",
                                  data_path("digits-probe/confidence.txt"), data_path(DIGITS));
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    size_t size;
    char *text = read_file(curve, &size);
    cr_assert_not_null(text);
    const char *header = "kept\tcoverage\taccuracy_levyscore\taccuracy_confidence\n";
    cr_expect(strncmp(text, header, strlen(header)) == 0);
    size_t lines = 0;
    for (size_t i = 0; i < size; i++)
        lines += text[i] == '\n';
    cr_expect_eq(lines, 1798);

    /* All rows kept: coverage 1 and the overall accuracy in both columns. */
    const char *last = strstr(text, "\n1797\t");
    cr_assert_not_null(last);
    char *at;
    double coverage = strtod(last + 6, &at);
    double levyscore = strtod(at, &at);
    double confidence = strtod(at, &at);
    cr_expect_eq(coverage, 1.0);
    cr_expect_float_eq(levyscore, 1660.0 / 1797.0, 1e-15);
    cr_expect_float_eq(confidence, 1660.0 / 1797.0, 1e-15);
    free(text);
    cli_result_free(&r);
}

Test(cli_eval, svg_is_well_formed)
{
    const char *folder = scratch_folder();
    char svg[4200];
    snprintf(svg, sizeof svg, "%s/eval.svg", folder);
    struct cli_result r = cli_run(NULL, 0, "eval", "--svg", svg, "--correct", data_path("digits-probe/correct.txt"),
                                  "--baseline", data_path("digits-probe/confidence.txt"), data_path(DIGITS));
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    expect_well_formed_svg(svg);
    cli_result_free(&r);
}

Test(cli_eval, svg_renders, .timeout = 120)
{
    const char *folder = scratch_folder();
    char svg[4200];
    snprintf(svg, sizeof svg, "%s/eval.svg", folder);
    struct cli_result r = cli_run(NULL, 0, "eval", "--svg", svg, "--correct", data_path("digits-probe/correct.txt"),
                                  "--baseline", data_path("digits-probe/confidence.txt"), data_path(DIGITS));
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    expect_renders(svg);
    cli_result_free(&r);
}

Test(cli_eval, minilm_warns_of_equal_norms)
{
    struct cli_result r = cli_run(NULL, 0, "eval", "--correct", alternating_correct(778), data_path(MINILM));
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    cr_expect_not_null(strstr(r.err, "warning: all 778 rows have the same norm"), "stderr: %s", r.err);
    cli_result_free(&r);
}

Test(cli_eval, single_class_is_an_error)
{
    char text[1797 * 2 + 1];
    for (int i = 0; i < 1797; i++)
        memcpy(text + 2 * i, "1\n", 2);
    text[1797 * 2] = '\0';
    const char *path = scratch_file("correct.txt", text);
    struct cli_result r = cli_run(NULL, 0, "eval", "--correct", path, data_path(DIGITS));
    cr_expect_eq(r.status, 1);
    cr_expect_not_null(strstr(r.err, "all 1797 rows are correct"), "stderr: %s", r.err);
    cr_expect_not_null(strstr(r.err, "correct.txt"), "stderr: %s", r.err);
    cli_result_free(&r);
}

Test(cli_eval, length_mismatch_is_an_error)
{
    const char *path = scratch_file("short.txt", "1\n0\n1\n");
    struct cli_result r = cli_run(NULL, 0, "eval", "--correct", path, data_path(DIGITS));
    cr_expect_eq(r.status, 1);
    cr_expect_not_null(strstr(r.err, "short.txt: has 3 lines but the embeddings have 1797 rows"), "stderr: %s", r.err);
    cli_result_free(&r);
}

Test(cli_eval, non_binary_value_names_line)
{
    const char *path = scratch_file("bad.txt", "1\n0\n2\n");
    struct cli_result r = cli_run(NULL, 0, "eval", "--correct", path, data_path(DIGITS));
    cr_expect_eq(r.status, 1);
    cr_expect_not_null(strstr(r.err, "bad.txt: line 3: '2' is not 0 or 1"), "stderr: %s", r.err);
    cli_result_free(&r);
}

Test(cli_eval, bad_baseline_names_line)
{
    const char *path = scratch_file("base.txt", "0.5\nhigh\n");
    struct cli_result r = cli_run(NULL, 0, "eval", "--correct", data_path("digits-probe/correct.txt"), "--baseline",
                                  path, data_path(DIGITS));
    cr_expect_eq(r.status, 1);
    cr_expect_not_null(strstr(r.err, "base.txt: line 2: 'high' is not a finite number"), "stderr: %s", r.err);
    cli_result_free(&r);
}

Test(cli_eval, unequal_label_files_are_an_error)
{
    const char *labels = scratch_file("labels.txt", "1\n2\n3\n");
    struct cli_result r = cli_run(NULL, 0, "eval", "--labels", labels, "--predictions",
                                  data_path("digits-probe/predictions.txt"), data_path(DIGITS));
    cr_expect_eq(r.status, 1);
    cr_expect_not_null(strstr(r.err, "labels.txt: has 3 lines but"), "stderr: %s", r.err);
    cli_result_free(&r);
}

Test(cli_eval, label_options_are_checked)
{
    struct cli_result missing = cli_run(NULL, 0, "eval", data_path(DIGITS));
    cr_expect_eq(missing.status, 2);
    cr_expect_not_null(strstr(missing.err, "eval needs --correct FILE"), "stderr: %s", missing.err);
    cli_result_free(&missing);

    struct cli_result half = cli_run(NULL, 0, "eval", "--labels", data_path("digits-probe/labels.txt"),
                                     data_path(DIGITS));
    cr_expect_eq(half.status, 2);
    cr_expect_not_null(strstr(half.err, "--labels and --predictions go together"), "stderr: %s", half.err);
    cli_result_free(&half);

    struct cli_result both = cli_run(NULL, 0, "eval", "--correct", data_path("digits-probe/correct.txt"), "--labels",
                                     data_path("digits-probe/labels.txt"), "--predictions",
                                     data_path("digits-probe/predictions.txt"), data_path(DIGITS));
    cr_expect_eq(both.status, 2);
    cli_result_free(&both);
}

/* ---------------------------------------------------------------- score --pvalue, filter --min-pvalue */

/* Run score --pvalue --dof K on one-column rows of x values; the norm of a row is |x|. */
Test(cli_pvalue, score_column_matches_mpmath)
{
    FILE *file = fopen(data_path("stats/chi_tails.tsv"), "r");
    cr_assert_not_null(file);
    char line[512];
    cr_assert_not_null(fgets(line, sizeof line, file));
    static const char *const dofs[] = {"1", "10", "384", "100000", "1000000"};
    int checked = 0;
    for (size_t d = 0; d < sizeof dofs / sizeof dofs[0]; d++) {
        char input[65536] = "";
        double expected_p[200], expected_log[200];
        int rows = 0;
        rewind(file);
        cr_assert_not_null(fgets(line, sizeof line, file));
        while (fgets(line, sizeof line, file) && rows < 200) {
            char dof[32], x[64];
            double v[6];
            if (sscanf(line, "%31s %63s %lf %lf %lf %lf %lf %lf", dof, x, &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]) !=
                    8 ||
                strcmp(dof, dofs[d]) != 0)
                continue;
            strcat(input, x);
            strcat(input, "\n");
            expected_p[rows] = v[4];
            expected_log[rows++] = v[5];
        }
        struct cli_result r = cli_run(input, strlen(input), "score", "--pvalue", "--in-format", "csv",
                                      "--no-in-header", "--dof", dofs[d], "--no-header");
        cr_assert_eq(r.status, 0, "stderr: %s", r.err);
        char *at = r.out;
        for (int i = 0; i < rows; i++) {
            strtod(at, &at);            /* index */
            strtod(at, &at);            /* norm */
            strtod(at, &at);            /* score */
            double p = strtod(at, &at);
            double log_p = strtod(at, &at);
            if (expected_p[i] >= DBL_MIN)
                expect_relative(p, expected_p[i], 1e-13, "pvalue");
            else
                cr_expect_leq(fabs(p - expected_p[i]), DBL_MIN * 1e-13, "subnormal pvalue %.17g", p);
            if (fabs(expected_log[i]) >= 1e-2)
                expect_relative(log_p, expected_log[i], 1e-13, "log_pvalue");
            else
                cr_expect_leq(fabs(log_p - expected_log[i]), 1e-15, "log_pvalue");
            checked++;
        }
        cli_result_free(&r);
    }
    fclose(file);
    cr_expect_gt(checked, 100);
}

Test(cli_pvalue, header_and_npy_shape)
{
    struct cli_result tsv = cli_run(NULL, 0, "score", "--pvalue", data_path(DIGITS));
    cr_assert_eq(tsv.status, 0, "stderr: %s", tsv.err);
    cr_expect(strncmp(tsv.out, "index\tnorm\tscore\tpvalue\tlog_pvalue\n", 35) == 0);
    cli_result_free(&tsv);

    struct cli_result csv = cli_run(NULL, 0, "score", "--pvalue", "--to", "csv", data_path(DIGITS));
    cr_expect(strncmp(csv.out, "index,norm,score,pvalue,log_pvalue\n", 35) == 0);
    cli_result_free(&csv);

    struct cli_result jsonl = cli_run(NULL, 0, "score", "--pvalue", "--to", "jsonl", data_path(DIGITS));
    cr_expect_not_null(strstr(jsonl.out, "\"pvalue\":"));
    cr_expect_not_null(strstr(jsonl.out, "\"log_pvalue\":"));
    cli_result_free(&jsonl);

    struct cli_result npy = cli_run(NULL, 0, "score", "--pvalue", "--to", "npy", "--force", data_path(DIGITS));
    cr_assert_eq(npy.status, 0, "stderr: %s", npy.err);
    cr_expect_not_null(strstr(npy.out + 10, "'shape': (1797, 4)"), "header: %.120s", npy.out + 10);
    cli_result_free(&npy);
}

/* Indices of rows whose pvalue column (or log_pvalue, with use_log) is at least cut. */
static void rows_at_least(const char *score_output, double cut, bool use_log, char *indices, size_t size)
{
    indices[0] = '\0';
    const char *at = strchr(score_output, '\n') + 1;
    while (*at) {
        char *end;
        long index = strtol(at, &end, 10);
        strtod(end, &end);
        strtod(end, &end);
        double p = strtod(end, &end);
        double log_p = strtod(end, &end);
        if ((use_log ? log_p : p) >= cut) {
            char piece[24];
            snprintf(piece, sizeof piece, "%ld\n", index);
            strncat(indices, piece, size - strlen(indices) - 1);
        }
        at = strchr(end, '\n') + 1;
    }
}

Test(cli_pvalue, filter_keeps_rows_at_or_above_cut)
{
    static char expected[65536];
    struct cli_result score = cli_run(NULL, 0, "score", "--pvalue", data_path(DIGITS));
    cr_assert_eq(score.status, 0, "stderr: %s", score.err);

    rows_at_least(score.out, 0.05, false, expected, sizeof expected);
    struct cli_result kept = cli_run(NULL, 0, "filter", "--min-pvalue", "0.05", "--print-index", data_path(DIGITS));
    cr_assert_eq(kept.status, 0, "stderr: %s", kept.err);
    cr_expect_str_eq(kept.out, expected);
    cr_expect_gt(strlen(expected), 100u);
    cli_result_free(&kept);

    /* Below DBL_MIN the cut compares log_pvalue with ln(1e-320). */
    rows_at_least(score.out, log(1e-320), true, expected, sizeof expected);
    struct cli_result tiny = cli_run(NULL, 0, "filter", "--min-pvalue", "1e-320", "--print-index", data_path(DIGITS));
    cr_assert_eq(tiny.status, 0, "stderr: %s", tiny.err);
    cr_expect_str_eq(tiny.out, expected);
    cli_result_free(&tiny);

    struct cli_result all = cli_run(NULL, 0, "filter", "--min-pvalue", "0", "--print-index", data_path(DIGITS));
    size_t lines = 0;
    for (const char *c = all.out; *c; c++)
        lines += *c == '\n';
    cr_expect_eq(lines, 1797);
    cli_result_free(&all);
    cli_result_free(&score);
}
