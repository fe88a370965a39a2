#include "levyscore/score.h"

#include "levyscore/chi.h"
#include "levyscore/norm.h"

void score_rows(const void *values, size_t rows, size_t width, enum dtype dtype,
                const struct score_settings *settings, double *norms, double *scores)
{
    uint64_t dof = settings->dof ? settings->dof : (uint64_t)width;
    norm_rows(values, rows, width, dtype, norms);
    for (size_t i = 0; i < rows; i++)
        scores[i] = chi_log_density(norms[i] / settings->scale, dof);
}
