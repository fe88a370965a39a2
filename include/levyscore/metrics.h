#ifndef LEVYSCORE_METRICS_H
#define LEVYSCORE_METRICS_H

#include <stdbool.h>
#include <stddef.h>

/*
 * How well a confidence score (higher = more confident) separates correct predictions (the
 * positive class) from errors. Rows with equal scores cannot be told apart, so every metric
 * treats a group of tied rows as one step: ROC and precision-recall points sit at distinct score
 * values as in scikit-learn, and risk-coverage values are expectations over the orders of the
 * tied rows. A NaN score ranks below every other score.
 */

/* Coverages of metrics_accuracy_at, in percent. */
#define METRICS_COVERAGE_COUNT 6
extern const int metrics_coverages[METRICS_COVERAGE_COUNT];

struct selective_metrics {
    double auroc;                   /* scikit-learn roc_auc_score(correct, score) */
    double aupr_correct;            /* average_precision_score(correct, score) */
    double aupr_error;              /* average_precision_score(1 - correct, -score) */
    double fpr_at_95_tpr;           /* FPR at the highest threshold whose TPR is at least 0.95 */
    double aurc;                    /* mean over k = 1..N of the error rate of the k most confident rows */
    double eaurc;                   /* aurc - (r + (1 - r) ln(1 - r)), r = error rate: the excess over the
                                       integral of a perfect ranking's risk (Geifman et al., ICLR 2019) */
    double accuracy_at[METRICS_COVERAGE_COUNT];    /* accuracy of the ceil(c N / 100) most confident rows */
};

/* Rows sorted by score, highest first, with their correctness. */
struct ranked_rows {
    size_t rows;
    size_t correct_rows;
    double *scores;
    unsigned char *correct;
};

/*
 * Sort rows rows of scores and correct (0 or 1) into ranked. The sort is stable, but no metric
 * depends on the order of tied rows. Returns false when memory runs out.
 */
bool ranked_rows_sort(const double *scores, const unsigned char *correct, size_t rows, struct ranked_rows *ranked);

void ranked_rows_free(struct ranked_rows *ranked);

/* Compute all metrics. Precondition: both classes present (0 < correct_rows < rows). */
void metrics_compute(const struct ranked_rows *ranked, struct selective_metrics *metrics);

/*
 * Accuracy of the k most confident rows for k = 1..rows into accuracy[k - 1], expected over the
 * orders of tied rows.
 */
void metrics_accuracy_curve(const struct ranked_rows *ranked, double *accuracy);

/*
 * ROC points (FPR, TPR) from (0, 0) to (1, 1), one after each group of tied scores, into fpr and
 * tpr, which hold rows + 1 entries. Returns the number of points.
 */
size_t metrics_roc_curve(const struct ranked_rows *ranked, double *fpr, double *tpr);

#endif
