#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data.h"
#include "levyscore/metrics.h"
#include "levyscore/summary.h"

/* Metrics agree with scikit-learn and the exact definitions up to rounding: sums of up to 500
 * terms in double. */
#define METRIC_TOLERANCE 1e-13

struct case_rows {
    size_t rows;
    double scores[600];
    unsigned char correct[600];
};

static void read_case(const char *name, struct case_rows *rows)
{
    char relative[128];
    snprintf(relative, sizeof relative, "eval/metrics_%s.tsv", name);
    FILE *file = fopen(data_path(relative), "r");
    cr_assert_not_null(file, "cannot open %s", relative);
    char line[256];
    cr_assert_not_null(fgets(line, sizeof line, file));
    rows->rows = 0;
    while (fgets(line, sizeof line, file)) {
        char *at;
        cr_assert_lt(rows->rows, 600);
        rows->scores[rows->rows] = strtod(line, &at);
        rows->correct[rows->rows] = (unsigned char)strtol(at, NULL, 10);
        rows->rows++;
    }
    fclose(file);
}

/* The expected value of metric for case from metrics_expected.tsv. */
static double expected_metric(const char *relative, const char *name, const char *metric)
{
    FILE *file = fopen(data_path(relative), "r");
    cr_assert_not_null(file, "cannot open %s", relative);
    char line[256], case_name[64], metric_name[64];
    double value = NAN;
    bool found = false;
    while (!found && fgets(line, sizeof line, file)) {
        double parsed;
        if (sscanf(line, "%63s %63s %lf", case_name, metric_name, &parsed) == 3 && strcmp(case_name, name) == 0 &&
            strcmp(metric_name, metric) == 0) {
            value = parsed;
            found = true;
        }
    }
    fclose(file);
    cr_assert(found, "%s has no %s for %s", relative, metric, name);
    return value;
}

static void expect_metrics(const char *expected_file, const char *name, const struct selective_metrics *metrics)
{
    struct {
        const char *key;
        double value;
    } checks[] = {
        {"auroc", metrics->auroc},
        {"aupr_correct", metrics->aupr_correct},
        {"aupr_error", metrics->aupr_error},
        {"fpr_at_95_tpr", metrics->fpr_at_95_tpr},
        {"aurc", metrics->aurc},
        {"eaurc", metrics->eaurc},
        {"accuracy_at_100", metrics->accuracy_at[0]},
        {"accuracy_at_95", metrics->accuracy_at[1]},
        {"accuracy_at_90", metrics->accuracy_at[2]},
        {"accuracy_at_80", metrics->accuracy_at[3]},
        {"accuracy_at_70", metrics->accuracy_at[4]},
        {"accuracy_at_50", metrics->accuracy_at[5]},
    };
    for (size_t i = 0; i < sizeof checks / sizeof checks[0]; i++) {
        double expected = expected_metric(expected_file, name, checks[i].key);
        double difference = fabs(checks[i].value - expected);
        cr_expect_leq(difference, METRIC_TOLERANCE * fmax(1.0, fabs(expected)), "%s %s: got %.17g, expected %.17g",
                      name, checks[i].key, checks[i].value, expected);
    }
}

static void check_case(const char *name)
{
    static struct case_rows rows;
    read_case(name, &rows);
    struct ranked_rows ranked;
    cr_assert(ranked_rows_sort(rows.scores, rows.correct, rows.rows, &ranked));
    struct selective_metrics metrics;
    metrics_compute(&ranked, &metrics);
    expect_metrics("eval/metrics_expected.tsv", name, &metrics);
    ranked_rows_free(&ranked);
}

Test(metrics, random_scores_match_sklearn)
{
    check_case("random");
}

Test(metrics, tied_scores_match_sklearn)
{
    check_case("tied");
}

Test(metrics, all_tied_scores_match_sklearn)
{
    check_case("all_tied");
}

Test(metrics, small_tied_case_matches_brute_force)
{
    check_case("small_tied");
}

Test(metrics, nan_scores_rank_last)
{
    check_case("nan_scores");
}

Test(metrics, order_of_rows_does_not_matter)
{
    static struct case_rows rows, reversed;
    read_case("tied", &rows);
    reversed.rows = rows.rows;
    for (size_t i = 0; i < rows.rows; i++) {
        reversed.scores[i] = rows.scores[rows.rows - 1 - i];
        reversed.correct[i] = rows.correct[rows.rows - 1 - i];
    }
    struct ranked_rows a, b;
    cr_assert(ranked_rows_sort(rows.scores, rows.correct, rows.rows, &a));
    cr_assert(ranked_rows_sort(reversed.scores, reversed.correct, reversed.rows, &b));
    struct selective_metrics ma, mb;
    metrics_compute(&a, &ma);
    metrics_compute(&b, &mb);
    cr_expect_eq(ma.auroc, mb.auroc);
    cr_expect_eq(ma.aupr_correct, mb.aupr_correct);
    cr_expect_eq(ma.aurc, mb.aurc);
    for (int c = 0; c < METRICS_COVERAGE_COUNT; c++)
        cr_expect_eq(ma.accuracy_at[c], mb.accuracy_at[c]);
    ranked_rows_free(&a);
    ranked_rows_free(&b);
}

Test(metrics, curve_ends_and_roc_ends)
{
    static struct case_rows rows;
    read_case("random", &rows);
    struct ranked_rows ranked;
    cr_assert(ranked_rows_sort(rows.scores, rows.correct, rows.rows, &ranked));
    struct selective_metrics metrics;
    metrics_compute(&ranked, &metrics);

    double *accuracy = malloc(rows.rows * sizeof *accuracy);
    metrics_accuracy_curve(&ranked, accuracy);
    cr_expect_eq(accuracy[rows.rows - 1], metrics.accuracy_at[0]);
    cr_expect_eq(accuracy[rows.rows / 2 - 1], metrics.accuracy_at[5]);
    free(accuracy);

    double fpr[601], tpr[601];
    size_t points = metrics_roc_curve(&ranked, fpr, tpr);
    cr_expect_eq(points, rows.rows + 1);
    cr_expect(fpr[0] == 0 && tpr[0] == 0);
    cr_expect(fpr[points - 1] == 1 && tpr[points - 1] == 1);
    ranked_rows_free(&ranked);
}

Test(summary, quantiles_interpolate_like_numpy)
{
    const double sorted[] = {1.0, 2.0, 4.0, 8.0};
    cr_expect_eq(summary_quantile(sorted, 4, 0.0), 1.0);
    cr_expect_eq(summary_quantile(sorted, 4, 1.0), 8.0);
    cr_expect_eq(summary_quantile(sorted, 4, 0.5), 3.0);
    /* numpy.quantile([1, 2, 4, 8], 0.9) = 6.8 */
    cr_expect_float_eq(summary_quantile(sorted, 4, 0.9), 6.8, 1e-15);
    cr_expect_eq(summary_quantile(sorted, 1, 0.3), 1.0);
}

Test(summary, histogram_edges_and_bins)
{
    struct histogram histogram;
    cr_assert_eq(histogram_plan(0.0, 1.0, 4, 0.0, 100, &histogram), 4u);
    cr_expect_eq(histogram_bin(&histogram, 0.0), 0u);
    cr_expect_eq(histogram_bin(&histogram, 0.25), 1u);
    cr_expect_eq(histogram_bin(&histogram, 1.0), 3u);
    cr_expect_eq(histogram_bin(&histogram, 1.5), SIZE_MAX);
    cr_expect_eq(histogram_bin(&histogram, NAN), SIZE_MAX);

    /* Equal values get the range [v - 0.5, v + 0.5], as numpy.histogram gives them. */
    cr_assert_eq(histogram_plan(2.0, 2.0, 10, 0.0, 100, &histogram), 10u);
    cr_expect_eq(histogram.low, 1.5);
    cr_expect_eq(histogram.high, 2.5);
    cr_expect_eq(histogram_bin(&histogram, 2.0), 5u);

    /* A bin width starts at a multiple of it and rejects too many bins. */
    cr_assert_eq(histogram_plan(0.3, 1.0, 0, 0.25, 100, &histogram), 3u);
    cr_expect_eq(histogram.low, 0.25);
    cr_expect_eq(histogram_plan(0.0, 1.0, 0, 1e-9, 100, &histogram), 0u);
}
