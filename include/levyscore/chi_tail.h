#ifndef LEVYSCORE_CHI_TAIL_H
#define LEVYSCORE_CHI_TAIL_H

#include <stdint.h>

#include "levyscore/gamma.h"

/*
 * CDF and survival function of the Chi distribution with dof degrees of freedom at x >= 0:
 * tails->p = P(K/2, x^2/2), tails->q = Q(K/2, x^2/2), with x^2 taken exactly, so the far tails
 * keep the accuracy that gamma_regularized states. x = +inf gives p = 1; NaN gives NaN.
 * Precondition: 1 <= dof <= CHI_DOF_MAX.
 */
void chi_tails(double x, uint64_t dof, struct gamma_tails *tails);

/* Two-sided tail probability of a Chi_K norm and its natural logarithm. */
struct chi_pvalue {
    double p;           /* 2 min(CDF, 1 - CDF): 1 at the median, 0 only at x = 0 (K > 1) and x = inf */
    double log_p;       /* ln p; finite where p underflows to 0 or to a subnormal number */
};

/*
 * Two-sided tail probability of x under Chi_K. Where p is a normal double, log_p is log(p), so
 * comparing either against a cut gives the same rows; below DBL_MIN, log_p comes from the log of
 * the tail itself. NaN gives NaN.
 */
struct chi_pvalue chi_pvalue(double x, uint64_t dof);

/*
 * Mean sqrt(2) Gamma((K+1)/2) / Gamma(K/2) and standard deviation sqrt(K - mean^2) of Chi_K,
 * both within a few ulps for every K: the ratio of gamma functions is taken through Gamma* and
 * K - mean^2 through expm1, which avoids the cancellation of the textbook forms at large K.
 */
void chi_mean_sd(uint64_t dof, double *mean, double *sd);

#endif
