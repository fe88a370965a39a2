#ifndef LEVYSCORE_GAMMA_H
#define LEVYSCORE_GAMMA_H

/*
 * Regularised incomplete gamma functions P(a, x) = gamma(a, x) / Gamma(a) and Q(a, x) = 1 - P(a, x),
 * with their natural logarithms, which stay finite where P or Q underflows.
 */
struct gamma_tails {
    double p;           /* P(a, x), the lower tail */
    double q;           /* Q(a, x), the upper tail */
    double log_p;       /* ln P(a, x); -inf only where P is 0 exactly (x = 0) */
    double log_q;       /* ln Q(a, x); -inf only where Q is 0 exactly (x = +inf) or below -DBL_MAX */
};

/*
 * Compute P(a, x), Q(a, x) and their logarithms for a > 0 and x >= 0. Tested against mpmath
 * for a = K/2, K from 1 to 10^6: P and Q agree within 1e-13 relative wherever they are normal
 * doubles, and ln P, ln Q within 1e-13 relative everywhere. A NaN argument gives NaN results.
 */
void gamma_regularized(double a, double x, struct gamma_tails *tails);

/*
 * The same as gamma_regularized, with x - a given separately as the unevaluated sum
 * x_minus_a_hi + x_minus_a_lo. Far in the tails the result is ill-conditioned in x - a (a
 * rounding of x by one ulp moves Q(a, x) by about (x - a) ulps), so callers that know x - a more
 * precisely than x itself pass it here: chi_tails gets it exactly from x^2 - K.
 */
void gamma_regularized_split(double a, double x, double x_minus_a_hi, double x_minus_a_lo, struct gamma_tails *tails);

/*
 * ln Gamma*(a), where Gamma*(a) = Gamma(a) / (sqrt(2 pi / a) (a/e)^a) is the factor by which
 * Stirling's formula misses Gamma(a). It tends to 0 like 1/(12 a) and keeps full relative
 * precision for large a, where lgamma(a) minus Stirling's terms would cancel. Precondition: a > 0.
 */
double gamma_log_star(double a);

#endif
