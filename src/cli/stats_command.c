/*
 * levyscore stats: how the norms of the input compare with Chi_K, the distribution the score
 * assumes. Keeps every norm and score (16 bytes a row) for the quantiles and the KS distance.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "levyscore/chi.h"
#include "levyscore/chi_tail.h"
#include "levyscore/message.h"
#include "levyscore/summary.h"
#include "levyscore/svg.h"
#include "report.h"
#include "row_table.h"

/* Default number of histogram bins. */
#define DEFAULT_BINS 30

/* A median norm whose two-sided p-value under Chi_K is below this is "far from sqrt(K)". */
#define FAR_PVALUE 1e-3

#define QUANTILE_COUNT 7
static const double QUANTILES[QUANTILE_COUNT] = {0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99};
static const char *const QUANTILE_NAMES[QUANTILE_COUNT] = {"1%", "5%", "25%", "50%", "75%", "95%", "99%"};

/* Counts of one histogram, split by correctness when labels are given. */
struct counted_histogram {
    struct histogram bins;
    size_t *counts;
    size_t *correct;            /* NULL without labels */
    size_t outside;             /* values left out: non-finite ones */
};

struct stats {
    const struct row_table *table;
    const unsigned char *correct;   /* per row, or NULL */
    double *sorted_norms;           /* finite norms, ascending */
    size_t finite_rows;
    double quantiles[QUANTILE_COUNT];
    double mean, sd;
    double chi_mean, chi_sd;
    double fitted_scale;
    double ks_given, ks_fitted;
    struct counted_histogram norm_histogram;
    struct counted_histogram score_histogram;
    bool far_from_chi;
    double median_pvalue;
};

static int compare_doubles(const void *left, const void *right)
{
    double a = *(const double *)left;
    double b = *(const double *)right;
    return (a > b) - (a < b);
}

/* Count values into bins already planned in histogram->bins. */
static bool count_histogram(struct counted_histogram *histogram, const double *values, const unsigned char *correct,
                            size_t rows)
{
    histogram->counts = calloc(histogram->bins.bins, sizeof *histogram->counts);
    histogram->correct = correct ? calloc(histogram->bins.bins, sizeof *histogram->correct) : NULL;
    if (!histogram->counts || (correct && !histogram->correct)) {
        message_error(NULL, "out of memory for the histogram");
        return false;
    }
    for (size_t i = 0; i < rows; i++) {
        size_t bin = histogram_bin(&histogram->bins, values[i]);
        if (bin == SIZE_MAX) {
            histogram->outside++;
            continue;
        }
        histogram->counts[bin]++;
        if (correct && correct[i])
            histogram->correct[bin]++;
    }
    return true;
}

/* Histogram over the range of the finite values, with --bins or --bin-width. */
static bool fill_histogram(struct counted_histogram *histogram, const struct settings *settings, const double *values,
                           const unsigned char *correct, size_t rows)
{
    double min = INFINITY, max = -INFINITY;
    for (size_t i = 0; i < rows; i++) {
        if (isfinite(values[i])) {
            min = fmin(min, values[i]);
            max = fmax(max, values[i]);
        }
    }
    if (!(min <= max))
        min = max = 0.0;
    unsigned bins = settings->bins ? settings->bins : DEFAULT_BINS;
    if (!histogram_plan(min, max, bins, settings->bin_width, 100000, &histogram->bins)) {
        message_error(NULL, "option --bin-width: %g would need more than 100000 bins over [%g, %g]; give a wider bin",
                      settings->bin_width, min, max);
        return false;
    }
    return count_histogram(histogram, values, correct, rows);
}

static void free_histogram(struct counted_histogram *histogram)
{
    free(histogram->counts);
    free(histogram->correct);
}

/* Quantiles, moments, fitted scale and KS distances of the finite norms. */
static bool describe_norms(struct stats *stats)
{
    const struct row_table *table = stats->table;
    stats->sorted_norms = malloc(table->rows * sizeof *stats->sorted_norms);
    if (!stats->sorted_norms) {
        message_error(table->name, "out of memory for %zu norms", table->rows);
        return false;
    }
    double largest = 0.0;
    for (size_t i = 0; i < table->rows; i++) {
        if (isfinite(table->norms[i])) {
            stats->sorted_norms[stats->finite_rows++] = table->norms[i];
            largest = fmax(largest, table->norms[i]);
        }
    }
    /* mean(norm^2), summed relative to the largest norm so that squares of norms near 1e160 or
     * 1e-170 neither overflow nor underflow. */
    double relative_squares = 0.0;
    for (size_t i = 0; largest > 0 && i < stats->finite_rows; i++) {
        double relative = stats->sorted_norms[i] / largest;
        relative_squares += relative * relative;
    }
    chi_mean_sd(table->dof, &stats->chi_mean, &stats->chi_sd);
    size_t n = stats->finite_rows;
    if (n == 0)
        return true;

    qsort(stats->sorted_norms, n, sizeof *stats->sorted_norms, compare_doubles);
    for (int q = 0; q < QUANTILE_COUNT; q++)
        stats->quantiles[q] = summary_quantile(stats->sorted_norms, n, QUANTILES[q]);
    summary_mean_sd(stats->sorted_norms, n, &stats->mean, &stats->sd);
    stats->fitted_scale = largest * sqrt(relative_squares / (double)n / (double)table->dof);
    stats->ks_given = summary_ks_chi(stats->sorted_norms, n, table->dof, table->scale);
    stats->ks_fitted = stats->fitted_scale > 0 ? summary_ks_chi(stats->sorted_norms, n, table->dof, stats->fitted_scale)
                                               : NAN;

    struct chi_pvalue median = chi_pvalue(stats->quantiles[3] / table->scale, table->dof);
    stats->median_pvalue = median.p;
    /* A fitted scale of 0 (every norm 0) is no scale --scale takes, so there is nothing to suggest. */
    stats->far_from_chi = !table->all_norms_equal && median.p < FAR_PVALUE && stats->fitted_scale > 0 &&
                          isfinite(stats->fitted_scale);
    return true;
}

static void warn_far_from_chi(const struct stats *stats)
{
    const struct row_table *table = stats->table;
    if (!stats->far_from_chi)
        return;
    message_warning(table->name,
                    "the median norm %.6g is far from what Chi_%" PRIu64 " expects at scale %g (%.6g +- %.4g, "
                    "two-sided p-value %.2g), so the score mostly measures the distance from that norm; "
                    "try --scale %.6g, the scale that fits these norms",
                    stats->quantiles[3], table->dof, table->scale, stats->chi_mean * table->scale,
                    stats->chi_sd * table->scale, stats->median_pvalue, stats->fitted_scale);
}

static bool print_histogram_text(struct text_buffer *text, const char *title, const struct counted_histogram *h)
{
    size_t largest = 1;
    for (size_t i = 0; i < h->bins.bins; i++)
        if (h->counts[i] > largest)
            largest = h->counts[i];

    /* Enough digits that neighbouring edges differ: the edge's size over the bin width, plus three. */
    double extent = fmax(fabs(h->bins.low), fabs(h->bins.high));
    int digits = 6;
    if (extent > 0 && h->bins.width > 0)
        digits = (int)fmax(6.0, fmin(17.0, ceil(log10(extent / h->bins.width)) + 3));

    bool ok = report_printf(text, "\n%s (%zu bins of width %.6g)\n", title, h->bins.bins, h->bins.width);
    if (ok && h->correct)
        ok = report_printf(text, "  %-33s %9s %9s %9s\n", "bin", "rows", "correct", "incorrect");
    for (size_t i = 0; ok && i < h->bins.bins; i++) {
        char range[64];
        snprintf(range, sizeof range, "[%.*g, %.*g%s", digits, histogram_edge(&h->bins, i), digits,
                 histogram_edge(&h->bins, i + 1), i + 1 == h->bins.bins ? "]" : ")");
        int bar = (int)((40 * h->counts[i] + largest - 1) / largest);
        if (h->correct)
            ok = report_printf(text, "  %-33s %9zu %9zu %9zu %.*s\n", range, h->counts[i], h->correct[i],
                               h->counts[i] - h->correct[i], bar, "########################################");
        else
            ok = report_printf(text, "  %-33s %9zu %.*s\n", range, h->counts[i], bar,
                               "########################################");
    }
    if (ok && h->outside)
        ok = report_printf(text, "  (%zu non-finite values left out)\n", h->outside);
    return ok;
}

static bool print_text(struct text_buffer *text, const struct stats *stats)
{
    const struct row_table *table = stats->table;
    bool ok = report_printf(text, "input          %s\nrows           %zu", table->name, table->rows);
    if (ok && stats->finite_rows != table->rows)
        ok = report_printf(text, " (%zu with finite norms)", stats->finite_rows);
    ok = ok && report_printf(text, "\nwidth          %zu\ndof            %" PRIu64 "\nscale          %.17g\n",
                             table->width, table->dof, table->scale);
    if (!ok || stats->finite_rows == 0)
        return ok;

    ok = report_printf(text, "\nnorm           %-22s Chi_%" PRIu64 " times scale\n", "observed", table->dof);
    ok = ok && report_printf(text, "  min          %.10g\n", stats->sorted_norms[0]);
    for (int q = 0; ok && q < QUANTILE_COUNT; q++)
        ok = report_printf(text, "  %-12s %.10g\n", QUANTILE_NAMES[q], stats->quantiles[q]);
    ok = ok && report_printf(text, "  max          %.10g\n", stats->sorted_norms[stats->finite_rows - 1]);
    ok = ok && report_printf(text, "  mean         %-22.10g %.10g\n", stats->mean, stats->chi_mean * table->scale);
    ok = ok && report_printf(text, "  sd           %-22.10g %.10g\n", stats->sd, stats->chi_sd * table->scale);
    ok = ok && report_printf(text, "\nfitted scale   %.10g  (sqrt(mean(norm^2) / K))\n", stats->fitted_scale);
    ok = ok && report_printf(text, "KS distance    %.6g at scale %g, %.6g at the fitted scale\n", stats->ks_given,
                             table->scale, stats->ks_fitted);
    ok = ok && print_histogram_text(text, "norm histogram", &stats->norm_histogram);
    return ok && print_histogram_text(text, "score histogram", &stats->score_histogram);
}

static cJSON *histogram_json(const struct counted_histogram *h)
{
    cJSON *object = cJSON_CreateObject();
    cJSON *edges = cJSON_AddArrayToObject(object, "edges");
    cJSON *counts = cJSON_AddArrayToObject(object, "counts");
    cJSON *correct = h->correct ? cJSON_AddArrayToObject(object, "correct") : NULL;
    if (!edges || !counts || (h->correct && !correct)) {
        cJSON_Delete(object);
        return NULL;
    }
    for (size_t i = 0; i <= h->bins.bins; i++)
        cJSON_AddItemToArray(edges, cJSON_CreateNumber(histogram_edge(&h->bins, i)));
    for (size_t i = 0; i < h->bins.bins; i++) {
        cJSON_AddItemToArray(counts, cJSON_CreateNumber((double)h->counts[i]));
        if (correct)
            cJSON_AddItemToArray(correct, cJSON_CreateNumber((double)h->correct[i]));
    }
    cJSON_AddNumberToObject(object, "left_out", (double)h->outside);
    return object;
}

static cJSON *stats_json(const struct stats *stats)
{
    const struct row_table *table = stats->table;
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "input", table->name);
    cJSON_AddNumberToObject(root, "rows", (double)table->rows);
    cJSON_AddNumberToObject(root, "finite_rows", (double)stats->finite_rows);
    cJSON_AddNumberToObject(root, "width", (double)table->width);
    cJSON_AddNumberToObject(root, "dof", (double)table->dof);
    report_json_number(root, "scale", table->scale);

    cJSON *norm = cJSON_AddObjectToObject(root, "norm");
    bool any = stats->finite_rows > 0;
    report_json_number(norm, "min", any ? stats->sorted_norms[0] : NAN);
    cJSON *quantiles = cJSON_AddObjectToObject(norm, "quantiles");
    for (int q = 0; q < QUANTILE_COUNT; q++) {
        char name[16];
        snprintf(name, sizeof name, "%g", QUANTILES[q]);
        report_json_number(quantiles, name, any ? stats->quantiles[q] : NAN);
    }
    report_json_number(norm, "max", any ? stats->sorted_norms[stats->finite_rows - 1] : NAN);
    report_json_number(norm, "mean", any ? stats->mean : NAN);
    report_json_number(norm, "sd", any ? stats->sd : NAN);

    cJSON *chi = cJSON_AddObjectToObject(root, "chi");
    report_json_number(chi, "mean", stats->chi_mean * table->scale);
    report_json_number(chi, "sd", stats->chi_sd * table->scale);
    report_json_number(root, "fitted_scale", any ? stats->fitted_scale : NAN);
    cJSON *ks = cJSON_AddObjectToObject(root, "ks_distance");
    report_json_number(ks, "given_scale", any ? stats->ks_given : NAN);
    report_json_number(ks, "fitted_scale", any ? stats->ks_fitted : NAN);
    if (any) {
        cJSON_AddItemToObject(root, "norm_histogram", histogram_json(&stats->norm_histogram));
        cJSON_AddItemToObject(root, "score_histogram", histogram_json(&stats->score_histogram));
    }
    cJSON *warnings = cJSON_AddObjectToObject(root, "warnings");
    cJSON_AddBoolToObject(warnings, "all_norms_equal", table->all_norms_equal);
    cJSON_AddBoolToObject(warnings, "norms_far_from_chi", stats->far_from_chi);
    return root;
}

static int write_report(const struct settings *settings, const struct stats *stats)
{
    if (settings->json) {
        cJSON *root = stats_json(stats);
        int status = root ? report_write_json(settings, root) : EXIT_FAILED;
        if (!root)
            message_error(NULL, "out of memory for the JSON report");
        cJSON_Delete(root);
        return status;
    }
    struct text_buffer text = {0};
    int status = EXIT_FAILED;
    if (print_text(&text, stats))
        status = report_write(settings, &text);
    else
        message_error(NULL, "out of memory for the report");
    text_buffer_free(&text);
    return status;
}

/*
 * The norm histogram as densities (stacked correct and incorrect with labels) under Chi_K curves.
 * The plot has its own bins over the plotted range, so equal norms show as one spike beside the
 * fitted curve instead of bins narrower than a pixel.
 */
static bool plot_norms(struct text_buffer *svg, const struct settings *settings, const struct stats *stats,
                       struct counted_histogram *h)
{
    const struct row_table *table = stats->table;
    const struct histogram *text_bins = &stats->norm_histogram.bins;
    double n = (double)stats->finite_rows;
    double fit_scale = stats->fitted_scale > 0 ? stats->fitted_scale : table->scale;

    /* Show the norms and the fitted curve's body; the curve at the given scale may lie off the plot. */
    double x_min = fmax(0.0, fmin(text_bins->low, (stats->chi_mean - 4 * stats->chi_sd) * fit_scale));
    double x_max = fmax(text_bins->high, (stats->chi_mean + 4 * stats->chi_sd) * fit_scale);
    histogram_plan(x_min, x_max, settings->bins ? settings->bins : 40, 0.0, 100000, &h->bins);
    if (!count_histogram(h, table->norms, stats->correct, table->rows))
        return false;
    double y_max = 0.0;
    for (size_t i = 0; i < h->bins.bins; i++)
        y_max = fmax(y_max, (double)h->counts[i] / (n * h->bins.width));

    enum { POINTS = 400 };
    double xs[POINTS], given[POINTS], fitted[POINTS];
    for (int i = 0; i < POINTS; i++) {
        xs[i] = x_min + (x_max - x_min) * i / (POINTS - 1);
        given[i] = exp(chi_log_density(xs[i] / table->scale, table->dof)) / table->scale;
        fitted[i] = exp(chi_log_density(xs[i] / fit_scale, table->dof)) / fit_scale;
        y_max = fmax(y_max, fmax(given[i], fitted[i]));
    }
    struct svg_plot plot = {110, 50, 650, 380, x_min, x_max, 0.0, y_max * 1.08};

    char title[128];
    if (table->all_norms_equal)
        snprintf(title, sizeof title, "All %zu norms equal %.4g: the score cannot rank these rows", table->rows,
                 stats->quantiles[3]);
    else
        snprintf(title, sizeof title, "Norms of %zu rows against Chi_%" PRIu64, table->rows, table->dof);
    bool ok = svg_axes(svg, &plot, "L2 norm", "density", title);
    for (size_t i = 0; ok && i < h->bins.bins; i++) {
        double x0 = histogram_edge(&h->bins, i), x1 = histogram_edge(&h->bins, i + 1);
        double scale = 1.0 / (n * h->bins.width);
        double correct = h->correct ? (double)h->correct[i] * scale : 0.0;
        double all = (double)h->counts[i] * scale;
        if (h->correct)
            ok = svg_box(svg, &plot, x0, 0.0, x1, correct, "#1f77b4", 0.75) &&
                 svg_box(svg, &plot, x0, correct, x1, all, "#ff7f0e", 0.85);
        else
            ok = svg_box(svg, &plot, x0, 0.0, x1, all, "#7f7f7f", 0.6);
    }
    ok = ok && svg_line(svg, &plot, xs, given, POINTS, "#d62728", false) &&
         svg_line(svg, &plot, xs, fitted, POINTS, "#2ca02c", true);

    char given_label[96], fitted_label[96];
    bool given_off = stats->chi_mean * table->scale > x_max || stats->chi_mean * table->scale < x_min;
    snprintf(given_label, sizeof given_label, "Chi_%" PRIu64 " at scale %g%s", table->dof, table->scale,
             given_off ? " (off the plot)" : "");
    snprintf(fitted_label, sizeof fitted_label, "Chi_%" PRIu64 " at fitted scale %.4g", table->dof, fit_scale);
    struct svg_legend_entry entries[4];
    size_t count = 0;
    if (h->correct) {
        entries[count++] = (struct svg_legend_entry){"#1f77b4", "correct", false, true};
        entries[count++] = (struct svg_legend_entry){"#ff7f0e", "incorrect", false, true};
    } else {
        entries[count++] = (struct svg_legend_entry){"#7f7f7f", "rows", false, true};
    }
    entries[count++] = (struct svg_legend_entry){"#d62728", given_label, false, false};
    entries[count++] = (struct svg_legend_entry){"#2ca02c", fitted_label, true, false};
    return ok && svg_legend(svg, &plot, entries, count, SVG_TOP_RIGHT);
}

static int write_plot(const struct settings *settings, const struct stats *stats)
{
    struct text_buffer svg = {0};
    struct counted_histogram plotted = {0};
    int status = EXIT_FAILED;
    if (svg_begin(&svg, 800, 500, "levyscore stats: norm histogram") && plot_norms(&svg, settings, stats, &plotted) &&
        svg_end(&svg))
        status = report_write_file(settings->svg_path, &svg);
    else
        message_error(settings->svg_path, "out of memory for the plot");
    free_histogram(&plotted);
    text_buffer_free(&svg);
    return status;
}

int stats_command(const struct settings *settings)
{
    int status = report_check_label_options(settings, false);
    if (status != EXIT_OK)
        return status;

    struct row_table table;
    status = row_table_read(settings, &table);
    if (status != EXIT_OK)
        return status;

    unsigned char *correct = NULL;
    if (settings->correct_path || settings->labels_path)
        status = correctness_read(settings, table.rows, &correct);

    struct stats stats = {.table = &table, .correct = correct};
    if (status == EXIT_OK && !describe_norms(&stats))
        status = EXIT_FAILED;
    if (status == EXIT_OK && stats.finite_rows > 0 &&
        (!fill_histogram(&stats.norm_histogram, settings, table.norms, correct, table.rows) ||
         !fill_histogram(&stats.score_histogram, settings, table.scores, correct, table.rows)))
        status = EXIT_FAILED;
    if (status == EXIT_OK) {
        warn_far_from_chi(&stats);
        status = write_report(settings, &stats);
    }
    if (status == EXIT_OK && settings->svg_path) {
        if (stats.finite_rows > 0)
            status = write_plot(settings, &stats);
        else
            message_warning(settings->svg_path, "no finite norms to plot; no plot written");
    }

    free_histogram(&stats.norm_histogram);
    free_histogram(&stats.score_histogram);
    free(stats.sorted_norms);
    free(correct);
    row_table_free(&table);
    return status;
}
