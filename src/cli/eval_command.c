/*
 * levyscore eval: how well the LevyScore, and each --baseline score, tells correct predictions
 * from errors. Keeps every score (8 bytes a row per score column) and sorts them.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "levyscore/format_double.h"
#include "levyscore/message.h"
#include "levyscore/metrics.h"
#include "levyscore/output.h"
#include "levyscore/svg.h"
#include "report.h"
#include "row_table.h"

/* The LevyScore plus up to 16 baselines. */
#define COLUMNS_MAX 17

/* Points per curve in the SVG plot; the TSV curve keeps every row. */
#define PLOT_POINTS 500

static const char *const COLORS[] = {"#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b",
                                     "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};

/* One score column under evaluation. */
struct column {
    char name[64];
    double *scores;         /* per row; owned unless it is the table's */
    bool owned;
    struct ranked_rows ranked;
    struct selective_metrics metrics;
};

struct evaluation {
    const struct row_table *table;
    const unsigned char *correct;
    size_t correct_rows;
    struct column columns[COLUMNS_MAX];
    int count;
};

/* Name a baseline after its file: the base name without its extension, made unique. */
static void name_baseline(struct evaluation *evaluation, struct column *column, const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    char stem[48];
    snprintf(stem, sizeof stem, "%s", base);
    char *dot = strrchr(stem, '.');
    if (dot && dot != stem)
        *dot = '\0';
    for (char *c = stem; *c; c++)
        if (*c == '\t' || *c == '\n' || *c == '\r' || *c == ' ')
            *c = '_';

    snprintf(column->name, sizeof column->name, "%s", stem);
    for (int suffix = 2;; suffix++) {
        bool taken = false;
        for (int i = 0; i < evaluation->count; i++)
            taken = taken || strcmp(evaluation->columns[i].name, column->name) == 0;
        if (!taken)
            return;
        snprintf(column->name, sizeof column->name, "%s_%d", stem, suffix);
    }
}

static int load_columns(const struct settings *settings, struct evaluation *evaluation)
{
    const struct row_table *table = evaluation->table;
    struct column *levy = &evaluation->columns[evaluation->count++];
    snprintf(levy->name, sizeof levy->name, "levyscore");
    levy->scores = table->scores;

    for (int b = 0; b < settings->baseline_count; b++) {
        struct column *column = &evaluation->columns[evaluation->count];
        int status = baseline_read(settings->baseline_paths[b], table->rows, &column->scores);
        if (status != EXIT_OK)
            return status;
        column->owned = true;
        name_baseline(evaluation, column, settings->baseline_paths[b]);
        evaluation->count++;
    }
    return EXIT_OK;
}

static int check_classes(const struct settings *settings, struct evaluation *evaluation)
{
    size_t rows = evaluation->table->rows;
    for (size_t i = 0; i < rows; i++)
        evaluation->correct_rows += evaluation->correct[i];
    if (evaluation->correct_rows > 0 && evaluation->correct_rows < rows)
        return EXIT_OK;

    const char *file = settings->correct_path ? settings->correct_path : settings->labels_path;
    message_error(file, "all %zu rows are %s, so no metric can tell correct from incorrect rows; eval needs both",
                  rows, evaluation->correct_rows ? "correct" : "incorrect");
    return EXIT_FAILED;
}

static int rank_columns(struct evaluation *evaluation)
{
    for (int c = 0; c < evaluation->count; c++) {
        struct column *column = &evaluation->columns[c];
        if (!ranked_rows_sort(column->scores, evaluation->correct, evaluation->table->rows, &column->ranked)) {
            message_error(NULL, "out of memory for sorting %zu scores", evaluation->table->rows);
            return EXIT_FAILED;
        }
        metrics_compute(&column->ranked, &column->metrics);
    }
    return EXIT_OK;
}

/* The metric rows of the report: a label, a JSON key and where the value lives. */
struct metric_row {
    const char *label;
    const char *key;
    size_t offset;
};

static const struct metric_row METRIC_ROWS[] = {
    {"AUROC", "auroc", offsetof(struct selective_metrics, auroc)},
    {"AUPR (correct)", "aupr_correct", offsetof(struct selective_metrics, aupr_correct)},
    {"AUPR (error)", "aupr_error", offsetof(struct selective_metrics, aupr_error)},
    {"FPR@95%TPR", "fpr_at_95_tpr", offsetof(struct selective_metrics, fpr_at_95_tpr)},
    {"AURC", "aurc", offsetof(struct selective_metrics, aurc)},
    {"E-AURC", "eaurc", offsetof(struct selective_metrics, eaurc)},
};

static double metric_value(const struct selective_metrics *metrics, size_t offset)
{
    double value;
    memcpy(&value, (const char *)metrics + offset, sizeof value);
    return value;
}

static bool print_text(struct text_buffer *text, const struct evaluation *evaluation)
{
    const struct row_table *table = evaluation->table;
    size_t rows = table->rows;
    size_t errors = rows - evaluation->correct_rows;
    bool ok = report_printf(text,
                            "input          %s\nrows           %zu: %zu correct, %zu incorrect (accuracy %.6f)\n"
                            "dof            %" PRIu64 "\nscale          %.17g\n\n",
                            table->name, rows, evaluation->correct_rows, errors,
                            (double)evaluation->correct_rows / (double)rows, table->dof, table->scale);

    ok = ok && report_printf(text, "%-16s", "metric");
    for (int c = 0; ok && c < evaluation->count; c++)
        ok = report_printf(text, " %14s", evaluation->columns[c].name);
    ok = ok && report_printf(text, "\n");

    for (size_t m = 0; ok && m < sizeof METRIC_ROWS / sizeof METRIC_ROWS[0]; m++) {
        ok = report_printf(text, "%-16s", METRIC_ROWS[m].label);
        for (int c = 0; ok && c < evaluation->count; c++)
            ok = report_printf(text, " %14.6f", metric_value(&evaluation->columns[c].metrics, METRIC_ROWS[m].offset));
        ok = ok && report_printf(text, "\n");
    }
    for (int k = 0; ok && k < METRICS_COVERAGE_COUNT; k++) {
        char label[32];
        snprintf(label, sizeof label, "accuracy@%d%%", metrics_coverages[k]);
        ok = report_printf(text, "%-16s", label);
        for (int c = 0; ok && c < evaluation->count; c++)
            ok = report_printf(text, " %14.6f", evaluation->columns[c].metrics.accuracy_at[k]);
        ok = ok && report_printf(text, "\n");
    }
    return ok;
}

static cJSON *evaluation_json(const struct evaluation *evaluation)
{
    const struct row_table *table = evaluation->table;
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "input", table->name);
    cJSON_AddNumberToObject(root, "rows", (double)table->rows);
    cJSON_AddNumberToObject(root, "correct", (double)evaluation->correct_rows);
    report_json_number(root, "accuracy", (double)evaluation->correct_rows / (double)table->rows);
    cJSON_AddNumberToObject(root, "dof", (double)table->dof);
    report_json_number(root, "scale", table->scale);
    cJSON_AddBoolToObject(root, "all_norms_equal", table->all_norms_equal);

    cJSON *scores = cJSON_AddObjectToObject(root, "scores");
    for (int c = 0; c < evaluation->count; c++) {
        const struct selective_metrics *metrics = &evaluation->columns[c].metrics;
        cJSON *object = cJSON_AddObjectToObject(scores, evaluation->columns[c].name);
        for (size_t m = 0; m < sizeof METRIC_ROWS / sizeof METRIC_ROWS[0]; m++)
            report_json_number(object, METRIC_ROWS[m].key, metric_value(metrics, METRIC_ROWS[m].offset));
        cJSON *accuracy = cJSON_AddObjectToObject(object, "accuracy_at");
        for (int k = 0; k < METRICS_COVERAGE_COUNT; k++) {
            char key[8];
            snprintf(key, sizeof key, "%d", metrics_coverages[k]);
            report_json_number(accuracy, key, metrics->accuracy_at[k]);
        }
    }
    return root;
}

static int write_report(const struct settings *settings, const struct evaluation *evaluation)
{
    if (settings->json) {
        cJSON *root = evaluation_json(evaluation);
        int status = root ? report_write_json(settings, root) : EXIT_FAILED;
        if (!root)
            message_error(NULL, "out of memory for the JSON report");
        cJSON_Delete(root);
        return status;
    }
    struct text_buffer text = {0};
    int status = EXIT_FAILED;
    if (print_text(&text, evaluation))
        status = report_write(settings, &text);
    else
        message_error(NULL, "out of memory for the report");
    text_buffer_free(&text);
    return status;
}

/* Accuracy curve of every column, rows values each, in one block; NULL when memory runs out. */
static double *accuracy_curves(const struct evaluation *evaluation)
{
    size_t rows = evaluation->table->rows;
    double *curves = malloc((size_t)evaluation->count * rows * sizeof *curves);
    if (!curves)
        return NULL;
    for (int c = 0; c < evaluation->count; c++)
        metrics_accuracy_curve(&evaluation->columns[c].ranked, curves + (size_t)c * rows);
    return curves;
}

static bool append_number(struct text_buffer *text, double value)
{
    char number[FORMAT_DOUBLE_MAX + 1];
    format_double(number, value);
    return report_printf(text, "\t%s", number);
}

/* The --curve output, written in pieces of about 1 MiB so that its text never sits whole in memory. */
struct curve_file {
    const char *path;
    struct output *out;
    struct text_buffer text;
    bool write_failed;
};

static bool curve_file_open(struct curve_file *file, const char *path)
{
    *file = (struct curve_file){.path = path};
    struct error error;
    file->out = output_open(path, &error);
    if (!file->out)
        message_error(path, "%s", error.text);
    return file->out != NULL;
}

/* Send the buffered text once it passes 1 MiB, or always with force. */
static bool curve_file_flush(struct curve_file *file, bool force)
{
    if (!force && file->text.used < (1u << 20))
        return true;
    struct error error;
    if (file->text.used > 0 && !output_write(file->out, file->text.data, file->text.used, &error)) {
        message_error(output_name(file->out), "%s", error.text);
        file->write_failed = true;
        return false;
    }
    file->text.used = 0;
    return true;
}

/* Commit the file when ok and every write went through, else discard it. Returns an exit status. */
static int curve_file_close(struct curve_file *file, bool ok)
{
    ok = ok && curve_file_flush(file, true);
    if (!ok && !file->write_failed)
        message_error(file->path, "out of memory for the curve");
    text_buffer_free(&file->text);
    if (!ok) {
        output_discard(file->out);
        return EXIT_FAILED;
    }
    struct error error;
    if (!output_commit(file->out, &error)) {
        message_error(file->path, "%s", error.text);
        return EXIT_FAILED;
    }
    return EXIT_OK;
}

/* TSV: kept rows, coverage, then the accuracy of each column's kept rows. */
static int write_curve(const struct settings *settings, const struct evaluation *evaluation, const double *curves)
{
    size_t rows = evaluation->table->rows;
    struct curve_file file;
    if (!curve_file_open(&file, settings->curve_path))
        return EXIT_FAILED;

    bool ok = report_printf(&file.text, "kept\tcoverage");
    for (int c = 0; ok && c < evaluation->count; c++)
        ok = report_printf(&file.text, "\taccuracy_%s", evaluation->columns[c].name);
    ok = ok && report_printf(&file.text, "\n");
    for (size_t k = 1; ok && k <= rows; k++) {
        ok = report_printf(&file.text, "%zu", k) && append_number(&file.text, (double)k / (double)rows);
        for (int c = 0; ok && c < evaluation->count; c++)
            ok = append_number(&file.text, curves[(size_t)c * rows + k - 1]);
        ok = ok && report_printf(&file.text, "\n") && curve_file_flush(&file, false);
    }
    return curve_file_close(&file, ok);
}

/* Left panel: accuracy of the kept rows against coverage, from 1% of the rows on; the legend
 * is in the right panel. */
static bool plot_accuracy(struct text_buffer *svg, const struct evaluation *evaluation, const double *curves,
                          const struct svg_legend_entry *legend)
{
    size_t rows = evaluation->table->rows;
    size_t first = rows / 100 > 0 ? rows / 100 : 1;
    double low = 1.0;
    for (int c = 0; c < evaluation->count; c++)
        for (size_t k = first; k <= rows; k++)
            low = fmin(low, curves[(size_t)c * rows + k - 1]);
    low = fmax(0.0, low - 0.02 * (1.0 - low) - 0.005);
    struct svg_plot plot = {90, 50, 420, 380, 0.0, 1.0, low, 1.0 + 0.02 * (1.0 - low) + 0.001};
    bool ok = svg_axes(svg, &plot, "coverage (fraction of rows kept, most confident first)", "accuracy of kept rows",
                       "Accuracy against coverage");

    double xs[PLOT_POINTS], ys[PLOT_POINTS];
    for (int c = 0; ok && c < evaluation->count; c++) {
        size_t n = 0;
        for (int p = 0; p < PLOT_POINTS; p++) {
            size_t k = first + (size_t)((double)(rows - first) * p / (PLOT_POINTS - 1));
            xs[n] = (double)k / (double)rows;
            ys[n++] = curves[(size_t)c * rows + k - 1];
        }
        ok = svg_line(svg, &plot, xs, ys, n, legend[c].color, c > 0);
    }
    return ok;
}

/* Right panel: ROC curves, correct predictions as the positive class. */
static bool plot_roc(struct text_buffer *svg, const struct evaluation *evaluation, const struct svg_legend_entry *legend)
{
    size_t rows = evaluation->table->rows;
    struct svg_plot plot = {620, 50, 380, 380, 0.0, 1.0, 0.0, 1.0};
    bool ok = svg_axes(svg, &plot, "false positive rate (errors kept)", "true positive rate (correct rows kept)",
                       "ROC: correct against incorrect");
    double diagonal[2] = {0.0, 1.0};
    ok = ok && svg_line(svg, &plot, diagonal, diagonal, 2, "#bbbbbb", true);

    double *fpr = malloc((rows + 1) * sizeof *fpr);
    double *tpr = malloc((rows + 1) * sizeof *tpr);
    for (int c = 0; ok && fpr && tpr && c < evaluation->count; c++) {
        size_t points = metrics_roc_curve(&evaluation->columns[c].ranked, fpr, tpr);
        /* Thin long curves to about PLOT_POINTS points, keeping both ends. */
        size_t step = points > PLOT_POINTS ? points / PLOT_POINTS : 1;
        size_t n = 0;
        for (size_t i = 0; i < points; i += step) {
            fpr[n] = fpr[i];
            tpr[n++] = tpr[i];
        }
        fpr[n] = 1.0;
        tpr[n++] = 1.0;
        ok = svg_line(svg, &plot, fpr, tpr, n, legend[c].color, c > 0);
    }
    ok = ok && fpr && tpr;
    free(fpr);
    free(tpr);
    /* ROC curves of useful scores stay above the diagonal, which leaves the bottom right free. */
    return ok && svg_legend(svg, &plot, legend, (size_t)evaluation->count, SVG_BOTTOM_RIGHT);
}

static int write_plot(const struct settings *settings, const struct evaluation *evaluation, const double *curves)
{
    char labels[COLUMNS_MAX][96];
    struct svg_legend_entry legend[COLUMNS_MAX];
    for (int c = 0; c < evaluation->count; c++) {
        snprintf(labels[c], sizeof labels[c], "%s (AUROC %.3f)", evaluation->columns[c].name,
                 evaluation->columns[c].metrics.auroc);
        legend[c] = (struct svg_legend_entry){COLORS[c % 10], labels[c], c > 0, false};
    }

    struct text_buffer svg = {0};
    int status = EXIT_FAILED;
    if (svg_begin(&svg, 1040, 500, "levyscore eval: accuracy against coverage and ROC") &&
        plot_accuracy(&svg, evaluation, curves, legend) && plot_roc(&svg, evaluation, legend) && svg_end(&svg))
        status = report_write_file(settings->svg_path, &svg);
    else
        message_error(settings->svg_path, "out of memory for the plot");
    text_buffer_free(&svg);
    return status;
}

static int write_outputs(const struct settings *settings, const struct evaluation *evaluation)
{
    int status = write_report(settings, evaluation);
    if (status != EXIT_OK || (!settings->curve_path && !settings->svg_path))
        return status;

    double *curves = accuracy_curves(evaluation);
    if (!curves) {
        message_error(NULL, "out of memory for the accuracy curves");
        return EXIT_FAILED;
    }
    if (settings->curve_path)
        status = write_curve(settings, evaluation, curves);
    if (status == EXIT_OK && settings->svg_path)
        status = write_plot(settings, evaluation, curves);
    free(curves);
    return status;
}

int eval_command(const struct settings *settings)
{
    int status = report_check_label_options(settings, true);
    if (status != EXIT_OK)
        return status;

    struct row_table table;
    status = row_table_read(settings, &table);
    if (status != EXIT_OK)
        return status;

    unsigned char *correct = NULL;
    struct evaluation evaluation = {.table = &table};
    status = correctness_read(settings, table.rows, &correct);
    evaluation.correct = correct;
    if (status == EXIT_OK)
        status = load_columns(settings, &evaluation);
    if (status == EXIT_OK)
        status = check_classes(settings, &evaluation);
    if (status == EXIT_OK)
        status = rank_columns(&evaluation);
    if (status == EXIT_OK)
        status = write_outputs(settings, &evaluation);

    for (int c = 0; c < evaluation.count; c++) {
        if (evaluation.columns[c].owned)
            free(evaluation.columns[c].scores);
        ranked_rows_free(&evaluation.columns[c].ranked);
    }
    free(correct);
    row_table_free(&table);
    return status;
}
