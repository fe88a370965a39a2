#ifndef LEVYSCORE_CHI_H
#define LEVYSCORE_CHI_H

#include <stdint.h>

/* Largest degrees of freedom accepted: K must be an integer that a double holds exactly. */
#define CHI_DOF_MAX (UINT64_C(1) << 53)

/*
 * Log density of the Chi distribution with dof degrees of freedom at x >= 0:
 *     log f_K(x) = (K-1) ln x - x^2/2 - (K/2 - 1) ln 2 - lgamma(K/2).
 * Accurate to a few ulps for every x, also near the mode sqrt(K-1) at large K where the
 * textbook formula cancels. Limits: x = 0 gives 0.5 ln(2/pi) for K = 1 and -inf for K > 1;
 * x = +inf gives -inf; NaN gives NaN; a result below -DBL_MAX is -inf.
 * Precondition: 1 <= dof <= CHI_DOF_MAX.
 */
double chi_log_density(double x, uint64_t dof);

#endif
