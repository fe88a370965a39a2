/*
 * Log density of the Chi distribution, computed without the cancellation of the textbook formula.
 *
 * With k = K/2 and t = x^2/K the log density regroups exactly as
 *     log f_K(x) = (k - 1/2) ln t + k (1 - t) - C(K),
 *     C(K)       = lgamma(k) + (k - 1) ln 2 + k - (k - 1/2) ln(2k),
 * which is the form Loader uses for the binomial and Poisson densities ("Fast and Accurate
 * Computation of Binomial Probabilities", 2000). C(K) is about 0.57 for every K, and
 *     k (1 - t) + k ln t = -k (t - 1 - ln t) = -D,
 * where D >= 0 is Loader's deviance term bd0(k, x^2/2). Near the mode t is close to 1 and D is
 * a difference of nearly equal numbers, so it is summed from a series in v = (1 - t)/(1 + t)
 * whose terms all carry full precision, with x^2 - K taken exactly through fma.
 */
#include "levyscore/chi.h"

#include <math.h>

#include "chi_constants.h"

/* 0.5 ln(pi): the limit of C(K) as K grows. */
static const double HALF_LOG_PI = 0x1.250d048e7a1bdp-1;

/* 0.5 ln(2/pi): log f_1(0). */
static const double HALF_LOG_TWO_OVER_PI = -0x1.ce6bb25aa1316p-3;

/* C(K): tabulated for small K, the Stirling series of lgamma(K/2) past the table. */
static double chi_constant(uint64_t dof)
{
    if (dof <= CHI_CONSTANT_TABLE_SIZE)
        return chi_constant_table[dof - 1];

    /* Past K = 256 the terms from 1/k^9 on are below 1e-22 relative. */
    double k = 0.5 * (double)dof;
    double r = 1.0 / (k * k);
    double series = (1.0 / 12 - r * (1.0 / 360 - r * (1.0 / 1260 - r * (1.0 / 1680)))) / k;
    return HALF_LOG_PI + series;
}

/* Log density plus C(K) for t in (1/3, 3), that is |v| < 1/2, where the series needs at most
 * about 27 terms. Outside, the direct form loses at most two bits. */
static double log_density_near_mode(double x, double dof)
{
    /* x^2 = square + square_error exactly; square - dof is exact where it matters (Sterbenz). */
    double square = x * x;
    double square_error = fma(x, x, -square);
    double d = (square - dof) + square_error;

    /* D = d^2 / (2 (K + x^2)) + K * sum_{j>=1} v^(2j+1) / (2j+1), with v = -d / (K + x^2). */
    double v = -d / (dof + square);
    double v2 = v * v;
    double power = v * v2;
    double tail = 0.0;
    for (int j = 1; j < 64; j++) {
        double term = power / (2 * j + 1);
        double before = tail;
        tail += term;
        if (tail == before)
            break;
        power *= v2;
    }
    double deviance = -0.5 * d * v + dof * tail;

    return -deviance - 0.5 * log1p(d / dof);
}

double chi_log_density(double x, uint64_t dof)
{
    if (isnan(x))
        return x;
    if (isinf(x))
        return -INFINITY;

    /* K = 1: (K - 1) ln x vanishes, even at x = 0. */
    if (dof == 1)
        return HALF_LOG_TWO_OVER_PI - (0.5 * x) * x;
    if (x == 0.0)
        return -INFINITY;

    double k_dof = (double)dof;
    double k = 0.5 * k_dof;
    double square = x * x;
    double t_log;
    if (isfinite(square) && square >= 0x1p-1022) {
        double t = square / k_dof;
        if (t > 1.0 / 3 && t < 3.0)
            return log_density_near_mode(x, k_dof) - chi_constant(dof);
        t_log = log(t);
    } else {
        /* t is out of range, so |ln t| > 700 and the difference of logs keeps its digits. */
        t_log = 2.0 * log(x) - log(k_dof);
    }

    /* k (1 - t) = k - x^2/2, with x^2/2 taken as (x/2) x so that it overflows only when the
     * result itself is below -DBL_MAX. */
    return (k - 0.5) * t_log + (k - (0.5 * x) * x) - chi_constant(dof);
}
