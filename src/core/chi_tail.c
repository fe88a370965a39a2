/* Tail probabilities and moments of the Chi distribution, through the incomplete gamma function. */
#include "levyscore/chi_tail.h"

#include <float.h>
#include <math.h>

/* Below this, x^2 may lose bits to underflow, so the lower tail is taken from ln x directly. */
static const double TINY_SQUARE = 0x1p-1000;

void chi_tails(double x, uint64_t dof, struct gamma_tails *tails)
{
    double k = (double)dof;
    double a = 0.5 * k;
    if (isnan(x) || isinf(x) || x == 0.0) {
        gamma_regularized_split(a, isnan(x) ? x : x * x, 0.0, 0.0, tails);
        return;
    }

    double square = x * x;
    if (square < TINY_SQUARE) {
        /* P(a, y) = y^a / Gamma(a + 1) (1 + O(y)) with y = x^2/2 far below 2^-1000. */
        tails->log_p = a * (2.0 * log(x) - M_LN2) - lgamma(a + 1.0);
        tails->p = exp(tails->log_p);
        tails->q = 1.0 - tails->p;
        tails->log_q = -tails->p;
        return;
    }

    /* y = x^2/2, with y - a = (x^2 - K)/2 in double-double from the exact square. */
    double y = (0.5 * x) * x;
    if (isinf(square)) {
        gamma_regularized_split(a, y, y - a, 0.0, tails);
        return;
    }
    double square_error = fma(x, x, -square);
    double s = square - k;
    double v = s - square;
    double s_error = (square - (s - v)) + (-k - v);
    double hi = s + square_error;
    double w = hi - s;
    double lo = ((s - (hi - w)) + (square_error - w)) + s_error;
    gamma_regularized_split(a, y, 0.5 * hi, 0.5 * lo, tails);
}

struct chi_pvalue chi_pvalue(double x, uint64_t dof)
{
    struct gamma_tails tails;
    chi_tails(x, dof, &tails);
    if (isnan(tails.p))
        return (struct chi_pvalue){NAN, NAN};

    double tail = tails.p <= tails.q ? tails.p : tails.q;
    double log_tail = tails.p <= tails.q ? tails.log_p : tails.log_q;
    double p = 2.0 * tail;
    double log_p = p >= DBL_MIN ? log(p) : M_LN2 + log_tail;
    return (struct chi_pvalue){p, log_p};
}

/* ln(1 + u) - u for 0 < u <= 1, through ln(1 + u) = 2 atanh(v), v = u/(2 + u) <= 1/3:
 * ln(1 + u) - u = -u v + 2 v^3 (1/3 + v^2/5 + ...), without the cancellation of the direct form. */
static double log1p_minus(double u)
{
    double v = u / (2.0 + u);
    double v2 = v * v;
    double series = 0.0;
    for (int j = 20; j >= 1; j--)
        series = series * v2 + 1.0 / (2 * j + 1);
    return -u * v + 2.0 * v * v2 * series;
}

void chi_mean_sd(uint64_t dof, double *mean, double *sd)
{
    /* With a = K/2 and Gamma(z) = Gamma*(z) sqrt(2 pi / z) (z/e)^z,
     *     mean = sqrt(K) exp(E),  E = a (ln(1 + 1/(2a)) - 1/(2a)) + ln Gamma*(a + 1/2) - ln Gamma*(a),
     * and E tends to -1/(4K), so K - mean^2 = -K expm1(2E) keeps its digits. */
    double k = (double)dof;
    double a = 0.5 * k;
    double e = a * log1p_minus(1.0 / (2.0 * a)) + (gamma_log_star(a + 0.5) - gamma_log_star(a));
    *mean = sqrt(k) * exp(e);
    *sd = sqrt(-k * expm1(2.0 * e));
}
