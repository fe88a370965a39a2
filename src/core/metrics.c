/* Metrics of a confidence score against correct/incorrect labels; see metrics.h. */
#include "levyscore/metrics.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

const int metrics_coverages[METRICS_COVERAGE_COUNT] = {100, 95, 90, 80, 70, 50};

struct ranked_row {
    double score;
    size_t index;
    unsigned char correct;
};

/* Descending score, NaN last, then input order, so the sort is deterministic. */
static int compare_rows(const void *left, const void *right)
{
    const struct ranked_row *a = left;
    const struct ranked_row *b = right;
    bool a_nan = isnan(a->score);
    bool b_nan = isnan(b->score);
    if (a_nan != b_nan)
        return a_nan ? 1 : -1;
    if (!a_nan && a->score != b->score)
        return a->score > b->score ? -1 : 1;
    return a->index < b->index ? -1 : a->index > b->index;
}

bool ranked_rows_sort(const double *scores, const unsigned char *correct, size_t rows, struct ranked_rows *ranked)
{
    *ranked = (struct ranked_rows){0};
    struct ranked_row *sorted = malloc((rows ? rows : 1) * sizeof *sorted);
    ranked->scores = malloc((rows ? rows : 1) * sizeof *ranked->scores);
    ranked->correct = malloc(rows ? rows : 1);
    if (!sorted || !ranked->scores || !ranked->correct) {
        free(sorted);
        ranked_rows_free(ranked);
        return false;
    }

    for (size_t i = 0; i < rows; i++)
        sorted[i] = (struct ranked_row){scores[i], i, correct[i]};
    qsort(sorted, rows, sizeof *sorted, compare_rows);
    ranked->rows = rows;
    for (size_t i = 0; i < rows; i++) {
        ranked->scores[i] = sorted[i].score;
        ranked->correct[i] = sorted[i].correct;
        ranked->correct_rows += sorted[i].correct;
    }
    free(sorted);
    return true;
}

void ranked_rows_free(struct ranked_rows *ranked)
{
    free(ranked->scores);
    free(ranked->correct);
    *ranked = (struct ranked_rows){0};
}

/* Scores are tied when equal, and all NaN scores form one group. */
static bool same_score(double a, double b)
{
    return a == b || (isnan(a) && isnan(b));
}

/* End of the group of tied rows that starts at begin. */
static size_t group_end(const struct ranked_rows *ranked, size_t begin)
{
    size_t end = begin + 1;
    while (end < ranked->rows && same_score(ranked->scores[end], ranked->scores[begin]))
        end++;
    return end;
}

static size_t count_correct(const struct ranked_rows *ranked, size_t begin, size_t end)
{
    size_t count = 0;
    for (size_t i = begin; i < end; i++)
        count += ranked->correct[i];
    return count;
}

/* Trapezoidal area under the ROC curve, which counts tied pairs as half. */
static double area_under_roc(const struct ranked_rows *ranked)
{
    double positives = (double)ranked->correct_rows;
    double negatives = (double)(ranked->rows - ranked->correct_rows);
    double area = 0.0;
    size_t true_positives = 0;
    for (size_t begin = 0, end; begin < ranked->rows; begin = end) {
        end = group_end(ranked, begin);
        size_t tp = count_correct(ranked, begin, end);
        size_t fp = (end - begin) - tp;
        area += (double)fp * ((double)true_positives + 0.5 * (double)tp);
        true_positives += tp;
    }
    return area / positives / negatives;
}

/*
 * Average precision as scikit-learn computes it: sum over thresholds of (R_n - R_{n-1}) P_n, with
 * a threshold at each distinct score. errors_positive takes errors as the positive class and
 * lower scores as more confident, walking the groups from the end.
 */
static double average_precision(const struct ranked_rows *ranked, bool errors_positive)
{
    size_t positives = errors_positive ? ranked->rows - ranked->correct_rows : ranked->correct_rows;
    double sum = 0.0;
    size_t true_positives = 0, seen = 0;
    size_t begin = 0;
    size_t end = errors_positive ? ranked->rows : 0;

    while (errors_positive ? end > 0 : begin < ranked->rows) {
        if (errors_positive) {
            begin = end - 1;
            while (begin > 0 && same_score(ranked->scores[begin - 1], ranked->scores[end - 1]))
                begin--;
        } else {
            end = group_end(ranked, begin);
        }
        size_t correct = count_correct(ranked, begin, end);
        size_t tp = errors_positive ? (end - begin) - correct : correct;
        true_positives += tp;
        seen += end - begin;
        if (tp > 0)
            sum += (double)tp / (double)positives * ((double)true_positives / (double)seen);
        if (errors_positive)
            end = begin;
        else
            begin = end;
    }
    return sum;
}

static double fpr_at_tpr(const struct ranked_rows *ranked, double min_tpr)
{
    double positives = (double)ranked->correct_rows;
    double negatives = (double)(ranked->rows - ranked->correct_rows);
    size_t true_positives = 0, false_positives = 0;
    for (size_t begin = 0, end; begin < ranked->rows; begin = end) {
        end = group_end(ranked, begin);
        size_t tp = count_correct(ranked, begin, end);
        true_positives += tp;
        false_positives += (end - begin) - tp;
        if ((double)true_positives / positives >= min_tpr)
            break;
    }
    return (double)false_positives / negatives;
}

/*
 * Expected number of errors among the k most confident rows, for every k, handed to visit: within
 * a group of s tied rows holding e errors that starts after b rows with E errors, the first j rows
 * of the group hold j e / s errors on average, so errors(b + j) = E + j e / s.
 */
static void walk_expected_errors(const struct ranked_rows *ranked, void (*visit)(void *, size_t, double), void *context)
{
    size_t errors_before = 0;
    for (size_t begin = 0, end; begin < ranked->rows; begin = end) {
        end = group_end(ranked, begin);
        size_t size = end - begin;
        size_t errors = size - count_correct(ranked, begin, end);
        for (size_t j = 1; j <= size; j++) {
            double expected = (double)errors_before + (double)j * (double)errors / (double)size;
            visit(context, begin + j, expected);
        }
        errors_before += errors;
    }
}

struct risk_sums {
    double risk_sum;
    const size_t *cuts;         /* the k of each coverage */
    double *accuracy_at;
};

static void add_risk(void *context, size_t k, double errors)
{
    struct risk_sums *sums = context;
    double risk = errors / (double)k;
    sums->risk_sum += risk;
    for (int c = 0; c < METRICS_COVERAGE_COUNT; c++)
        if (sums->cuts[c] == k)
            sums->accuracy_at[c] = 1.0 - risk;
}

void metrics_compute(const struct ranked_rows *ranked, struct selective_metrics *metrics)
{
    metrics->auroc = area_under_roc(ranked);
    metrics->aupr_correct = average_precision(ranked, false);
    metrics->aupr_error = average_precision(ranked, true);
    metrics->fpr_at_95_tpr = fpr_at_tpr(ranked, 0.95);

    /* k = ceil(c N / 100) in integers, at least one row. */
    size_t cuts[METRICS_COVERAGE_COUNT];
    for (int c = 0; c < METRICS_COVERAGE_COUNT; c++) {
        uint64_t product = (uint64_t)metrics_coverages[c] * (uint64_t)ranked->rows;
        cuts[c] = (size_t)((product + 99) / 100);
        if (cuts[c] == 0)
            cuts[c] = 1;
    }
    struct risk_sums sums = {.cuts = cuts, .accuracy_at = metrics->accuracy_at};
    walk_expected_errors(ranked, add_risk, &sums);
    metrics->aurc = sums.risk_sum / (double)ranked->rows;

    /* Optimal AURC of Geifman et al. for error rate r: r + (1 - r) ln(1 - r). */
    double r = (double)(ranked->rows - ranked->correct_rows) / (double)ranked->rows;
    metrics->eaurc = metrics->aurc - (r + (1.0 - r) * log1p(-r));
}

static void store_accuracy(void *context, size_t k, double errors)
{
    double *accuracy = context;
    accuracy[k - 1] = 1.0 - errors / (double)k;
}

void metrics_accuracy_curve(const struct ranked_rows *ranked, double *accuracy)
{
    walk_expected_errors(ranked, store_accuracy, accuracy);
}

size_t metrics_roc_curve(const struct ranked_rows *ranked, double *fpr, double *tpr)
{
    double positives = (double)ranked->correct_rows;
    double negatives = (double)(ranked->rows - ranked->correct_rows);
    size_t points = 0, true_positives = 0, false_positives = 0;
    fpr[points] = 0.0;
    tpr[points++] = 0.0;
    for (size_t begin = 0, end; begin < ranked->rows; begin = end) {
        end = group_end(ranked, begin);
        size_t tp = count_correct(ranked, begin, end);
        true_positives += tp;
        false_positives += (end - begin) - tp;
        fpr[points] = (double)false_positives / negatives;
        tpr[points++] = (double)true_positives / positives;
    }
    return points;
}
