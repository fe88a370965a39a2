/*
 * Regularised incomplete gamma functions, after the methods of DiDonato and Morris (ACM TOMS 12,
 * 1986) and Temme ("The asymptotic expansion of the incomplete gamma functions", SIAM J. Math.
 * Anal. 10, 1979):
 *   - a >= 20 with |eta| <= 1 (x/a from about 0.3 to 2.36): Temme's uniform expansion;
 *   - otherwise x < a + 1: the power series of P;
 *   - otherwise: Legendre's continued fraction of Q.
 * Every method writes its tail as exp(-D) B, with D = x - a - a ln(x/a) >= 0 carried in
 * double-double arithmetic. A p-value near 1e-300 has D near 690, and an error of one ulp in D
 * alone would cost 1e-13 relative; the double-double D keeps that error near 1e-30.
 */
#include "levyscore/gamma.h"

#include <float.h>
#include <math.h>

#include "temme_coefficients.h"

/* Temme's expansion is used from this a on, for |eta| <= TEMME_ETA_MAX; the generator checks the
 * truncated expansion over that region (2e-22 relative). */
static const double TEMME_A_MIN = 20.0;
static const double TEMME_ETA_MAX = 1.0;

/* ln 2 split into a double and the rest, for double-double logarithms. */
static const double LN2_HI = 0x1.62e42fefa39efp-1;
static const double LN2_LO = 0x1.abc9e3b39803fp-56;

/* 1/sqrt(pi) and ln(2 pi). */
static const double INV_SQRT_PI = 0x1.20dd750429b6dp-1;
static const double LN_TWO_PI = 0x1.d67f1c864beb5p+0;

/* An unevaluated sum hi + lo with |lo| <= ulp(hi)/2. */
struct dd {
    double hi;
    double lo;
};

static struct dd dd_two_sum(double a, double b)
{
    double s = a + b;
    double v = s - a;
    double e = (a - (s - v)) + (b - v);
    return (struct dd){s, e};
}

static struct dd dd_fast_two_sum(double a, double b)
{
    double s = a + b;
    return (struct dd){s, b - (s - a)};
}

static struct dd dd_add(struct dd x, struct dd y)
{
    struct dd s = dd_two_sum(x.hi, y.hi);
    struct dd t = dd_two_sum(x.lo, y.lo);
    s = dd_fast_two_sum(s.hi, s.lo + t.hi);
    return dd_fast_two_sum(s.hi, s.lo + t.lo);
}

static struct dd dd_negate(struct dd x)
{
    return (struct dd){-x.hi, -x.lo};
}

static struct dd dd_mul(struct dd x, struct dd y)
{
    double p = x.hi * y.hi;
    double e = fma(x.hi, y.hi, -p);
    e += x.hi * y.lo + x.lo * y.hi;
    return dd_fast_two_sum(p, e);
}

static struct dd dd_mul_double(struct dd x, double y)
{
    double p = x.hi * y;
    double e = fma(x.hi, y, -p) + x.lo * y;
    return dd_fast_two_sum(p, e);
}

static struct dd dd_div(struct dd x, struct dd y)
{
    double q = x.hi / y.hi;
    /* One correction step: r = x - q y, taken exactly to first order. */
    struct dd r = dd_add(x, dd_negate(dd_mul_double(y, q)));
    return dd_fast_two_sum(q, (r.hi + r.lo) / y.hi);
}

/* ln(x) in double-double for x > 0 finite: x = m 2^e with m in [0.75, 1.5), then
 * ln m = 2 atanh(v) with v = (m - 1)/(m + 1) in [-1/7, 1/5]. */
static struct dd dd_log(struct dd x)
{
    int e;
    double m = frexp(x.hi, &e);
    if (m < 0.75) {
        m *= 2;
        e -= 1;
    }
    double m_lo = ldexp(x.lo, -e);

    /* m - 1 is exact (Sterbenz). */
    struct dd numerator = dd_two_sum(m - 1.0, m_lo);
    struct dd denominator = dd_add(dd_two_sum(m, 1.0), (struct dd){m_lo, 0.0});
    struct dd v = dd_div(numerator, denominator);

    /* atanh(v) = v + v^3 (1/3 + v^2/5 + ...); v^3 T is below 1.4% of v, so double suffices. */
    double v2 = v.hi * v.hi;
    double series = 0.0;
    for (int j = 15; j >= 1; j--)
        series = series * v2 + 1.0 / (2 * j + 1);
    struct dd log_m = dd_add(dd_mul_double(v, 2.0), (struct dd){2.0 * v.hi * v2 * series, 0.0});

    struct dd log_two_e = dd_mul_double((struct dd){LN2_HI, LN2_LO}, (double)e);
    return dd_add(log_two_e, log_m);
}

/*
 * D = a (lambda - 1 - ln lambda) with lambda = x/a, given d = x - a. Near lambda = 1 the terms
 * cancel, so there D comes from the series in v = (x - a)/(x + a):
 *     D = d v - 2 a (v^3/3 + v^5/5 + ...),
 * whose first term carries all but a few percent of D and is taken in double-double.
 */
static struct dd deviance(double a, struct dd d)
{
    struct dd mu = dd_div(d, (struct dd){a, 0.0});
    if (fabs(mu.hi) < 0.25) {
        struct dd v = dd_div(d, dd_add(d, (struct dd){2.0 * a, 0.0}));
        double v2 = v.hi * v.hi;
        double series = 0.0;
        for (int j = 24; j >= 1; j--)
            series = series * v2 + 1.0 / (2 * j + 1);
        double tail = 2.0 * a * v.hi * v2 * series;
        return dd_add(dd_mul(d, v), (struct dd){-tail, 0.0});
    }
    struct dd lambda = dd_add((struct dd){1.0, 0.0}, mu);
    return dd_add(d, dd_negate(dd_mul_double(dd_log(lambda), a)));
}

double gamma_log_star(double a)
{
    if (a >= 10.0) {
        /* Stirling's series; the first omitted term is below 1e-18 relative at a = 10. */
        static const double coefficients[] = {
            1.0 / 12, -1.0 / 360, 1.0 / 1260, -1.0 / 1680, 1.0 / 1188, -691.0 / 360360, 1.0 / 156, -3617.0 / 122400,
        };
        double r = 1.0 / (a * a);
        double sum = 0.0;
        for (int n = 7; n >= 0; n--)
            sum = sum * r + coefficients[n];
        return sum / a;
    }
    /* Below 10 the terms are at most 25 in size, so their rounding costs about 5e-15 absolute. */
    return lgamma(a) - (a - 0.5) * log(a) + a - 0.5 * LN_TWO_PI;
}

/* exp(z^2) erfc(z) for z >= 0, within a few ulps. */
static double scaled_erfc(double z)
{
    /* NOTE: below 26 the accuracy rests on the C library's erfc; glibc 2.36 passes the mpmath
     * tables, other libraries are untested. */
    if (z < 26.0) {
        /* erfc(26) is 5.7e-296, still a normal double; z^2 = s + s_error exactly. */
        double s = z * z;
        double s_error = fma(z, z, -s);
        return erfc(z) * exp(s) * (1.0 + s_error);
    }
    /* Asymptotic series: 1/(z sqrt(pi)) sum (-1)^n (2n-1)!! / (2 z^2)^n; at z = 26 the tenth term
     * is below 1e-22. */
    double r = 1.0 / (2.0 * z * z);
    double term = 1.0;
    double sum = 1.0;
    for (int n = 1; n <= 10; n++) {
        term *= -(2 * n - 1) * r;
        sum += term;
    }
    return sum * INV_SQRT_PI / z;
}

/* The tail exp(-D) B, with D in double-double and B > 0, as a value and its logarithm. */
static void tail_from_deviance(struct dd d, double b, double *value, double *log_value)
{
    double log_b = log(b);
    *log_value = (log_b - d.hi) - d.lo;
    if (-d.hi + log_b > -708.0)
        *value = exp(-d.hi) * (b * exp(-d.lo));
    else
        *value = exp(*log_value);
}

/* Fill the other tail as 1 minus a tail, with its logarithm through log1p. */
static void complement(double tail, double *other, double *log_other)
{
    *other = 1.0 - tail;
    *log_other = log1p(-tail);
}

/* P(a, x) = exp(-D) / (sqrt(2 pi a) Gamma*(a)) sum_{n>=0} x^n / ((a+1) ... (a+n)). */
static void lower_series(double a, double x, struct dd d, struct gamma_tails *tails)
{
    double term = 1.0;
    double sum = 1.0;
    for (int n = 1; n < 100000; n++) {
        term *= x / (a + n);
        sum += term;
        if (term < sum * 0x1p-56)
            break;
    }
    double b = sum * exp(-gamma_log_star(a)) / sqrt(2.0 * M_PI * a);
    tail_from_deviance(deviance(a, d), b, &tails->p, &tails->log_p);
    complement(tails->p, &tails->q, &tails->log_q);
}

/* Q(a, x) = exp(-D) sqrt(a / (2 pi)) / Gamma*(a) times Legendre's continued fraction
 * 1/(x + 1 - a - 1 (1 - a)/(x + 3 - a - 2 (2 - a)/(x + 5 - a - ...))), by the modified Lentz
 * method. */
static void upper_fraction(double a, double x, struct dd d, struct gamma_tails *tails)
{
    const double tiny = 1e-300;
    double b = x + 1.0 - a;
    double c = 1.0 / tiny;
    double dn = 1.0 / b;
    double h = dn;
    for (int i = 1; i < 100000; i++) {
        double an = -i * (i - a);
        b += 2.0;
        dn = an * dn + b;
        if (fabs(dn) < tiny)
            dn = tiny;
        c = b + an / c;
        if (fabs(c) < tiny)
            c = tiny;
        dn = 1.0 / dn;
        double delta = dn * c;
        h *= delta;
        if (fabs(delta - 1.0) < 0x1p-54)
            break;
    }
    double factor = h * sqrt(a / (2.0 * M_PI)) * exp(-gamma_log_star(a));
    tail_from_deviance(deviance(a, d), factor, &tails->q, &tails->log_q);
    complement(tails->q, &tails->p, &tails->log_p);
}

/* sum_k c_k(eta) a^-k, stopping once a^-k is below 1e-20. */
static double temme_sum(double a, double eta)
{
    double sum = 0.0;
    double power = 1.0;
    for (int k = 0; k < TEMME_ORDERS && power > 1e-20; k++) {
        double c = 0.0;
        for (int n = TEMME_TERMS - 1; n >= 0; n--)
            c = c * eta + temme_coefficients[k][n];
        sum += c * power;
        power /= a;
    }
    return sum;
}

/*
 * Temme: Q = erfc(z)/2 + exp(-D) S / sqrt(2 pi a), with z = eta sqrt(a/2), z^2 = D. The smaller
 * tail is exp(-D) (erfcx(|z|)/2 -+ S / sqrt(2 pi a)), which keeps exp(-D) exact in double-double.
 */
static void temme(double a, struct dd d, struct dd deviation, struct gamma_tails *tails)
{
    double z = sqrt(fmax(deviation.hi, 0.0));
    double eta = z * sqrt(2.0 / a);
    if (d.hi < 0)
        eta = -eta;
    double remainder = temme_sum(a, eta) / sqrt(2.0 * M_PI * a);

    if (eta >= 0) {
        tail_from_deviance(deviation, 0.5 * scaled_erfc(z) + remainder, &tails->q, &tails->log_q);
        complement(tails->q, &tails->p, &tails->log_p);
    } else {
        tail_from_deviance(deviation, 0.5 * scaled_erfc(z) - remainder, &tails->p, &tails->log_p);
        complement(tails->p, &tails->q, &tails->log_q);
    }
}

void gamma_regularized_split(double a, double x, double x_minus_a_hi, double x_minus_a_lo, struct gamma_tails *tails)
{
    if (isnan(a) || isnan(x) || isnan(x_minus_a_hi)) {
        *tails = (struct gamma_tails){NAN, NAN, NAN, NAN};
        return;
    }
    if (x == 0.0) {
        *tails = (struct gamma_tails){0.0, 1.0, -INFINITY, 0.0};
        return;
    }
    if (isinf(x)) {
        *tails = (struct gamma_tails){1.0, 0.0, 0.0, -INFINITY};
        return;
    }

    struct dd d = dd_fast_two_sum(x_minus_a_hi, x_minus_a_lo);
    if (a >= TEMME_A_MIN) {
        struct dd deviation = deviance(a, d);
        /* |eta| <= 1 is D <= a/2. */
        if (deviation.hi <= 0.5 * TEMME_ETA_MAX * TEMME_ETA_MAX * a) {
            temme(a, d, deviation, tails);
            return;
        }
    }
    if (x < a + 1.0)
        lower_series(a, x, d, tails);
    else
        upper_fraction(a, x, d, tails);
}

void gamma_regularized(double a, double x, struct gamma_tails *tails)
{
    struct dd d = dd_two_sum(x, -a);
    gamma_regularized_split(a, x, d.hi, d.lo, tails);
}
