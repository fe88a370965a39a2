#ifndef LEVYSCORE_SCORE_H
#define LEVYSCORE_SCORE_H

#include <stddef.h>
#include <stdint.h>

#include "levyscore/dtype.h"

/* How norms become scores. */
struct score_settings {
    uint64_t dof;       /* degrees of freedom K; 0 means the row width */
    double scale;       /* x = norm / scale; > 0 */
};

/*
 * Norm and LevyScore of rows rows: norms[i] is the L2 norm of row i, scores[i] the log density of
 * Chi_K at norms[i] / scale. Higher scores mean more typical norms.
 */
void score_rows(const void *values, size_t rows, size_t width, enum dtype dtype,
                const struct score_settings *settings, double *norms, double *scores);

#endif
