#include <criterion/criterion.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "data.h"
#include "levyscore/chi_tail.h"
#include "levyscore/gamma.h"

/* The accuracy gamma.h promises: 1e-13 relative for normal values and for every logarithm. */
#define RELATIVE_TOLERANCE 1e-13

/* Largest error seen per column, for the log. */
struct worst {
    double error[6];
    char where[6][96];
};

/*
 * Compare got with expected: equal when both are 0, infinite or NaN; otherwise within
 * RELATIVE_TOLERANCE relative. A subnormal expected value is checked only to within its own
 * precision (an absolute DBL_MIN * 1e-13 is all a subnormal can promise). A logarithm whose
 * expected value is below 0.01 (the log of a number near 1) is checked to 1e-15 absolute: its error
 * is that of the number itself, 1e-16 or so.
 */
static void expect_close(double got, double expected, bool is_log, const char *what, const char *where,
                         struct worst *worst, int column)
{
    if (isnan(expected) || isinf(expected) || expected == 0) {
        cr_expect(got == expected || (isnan(got) && isnan(expected)) || (expected == 0 && fabs(got) < DBL_MIN * 1e-13),
                  "%s %s: got %.17g, expected %.17g", where, what, got, expected);
        return;
    }
    double error;
    if (!is_log && fabs(expected) < DBL_MIN)
        error = fabs(got - expected) / DBL_MIN;
    else if (is_log && fabs(expected) < 1e-2)
        error = fabs(got - expected) / 1e-2;
    else
        error = fabs(got - expected) / fabs(expected);
    cr_expect_leq(error, RELATIVE_TOLERANCE, "%s %s: got %.17g, expected %.17g (relative %.3g)", where, what, got,
                  expected, error);
    if (error > worst->error[column]) {
        worst->error[column] = error;
        snprintf(worst->where[column], sizeof worst->where[column], "%s", where);
    }
}

/* Read the next row of a TSV of numbers into values; returns how many were read. */
static int read_row(FILE *file, double *values, int count)
{
    char line[1024];
    if (!fgets(line, sizeof line, file))
        return 0;
    char *at = line;
    int n = 0;
    for (; n < count; n++) {
        char *end;
        values[n] = strtod(at, &end);
        if (end == at)
            break;
        at = end;
    }
    return n;
}

static FILE *open_table(const char *relative)
{
    FILE *file = fopen(data_path(relative), "r");
    cr_assert_not_null(file, "cannot open %s", relative);
    char header[256];
    cr_assert_not_null(fgets(header, sizeof header, file));
    return file;
}

static void log_worst(const struct worst *worst, const char *const *names, int columns)
{
    for (int c = 0; c < columns; c++)
        cr_log_info("largest error of %s: %.3g at %s", names[c], worst->error[c], worst->where[c]);
}

Test(gamma_regularized, matches_mpmath_table)
{
    FILE *file = open_table("stats/gamma_tails.tsv");
    double v[6];
    struct worst worst = {0};
    int rows = 0;
    while (read_row(file, v, 6) == 6) {
        struct gamma_tails tails;
        gamma_regularized(v[0], v[1], &tails);
        char where[96];
        snprintf(where, sizeof where, "a=%.17g x=%.17g", v[0], v[1]);
        expect_close(tails.p, v[2], false, "P", where, &worst, 0);
        expect_close(tails.q, v[3], false, "Q", where, &worst, 1);
        expect_close(tails.log_p, v[4], true, "ln P", where, &worst, 2);
        expect_close(tails.log_q, v[5], true, "ln Q", where, &worst, 3);
        rows++;
    }
    fclose(file);
    cr_assert_gt(rows, 300);
    static const char *const names[] = {"P", "Q", "ln P", "ln Q"};
    log_worst(&worst, names, 4);
}

Test(chi_tails, matches_mpmath_table)
{
    FILE *file = open_table("stats/chi_tails.tsv");
    double v[8];
    struct worst worst = {0};
    int rows = 0;
    while (read_row(file, v, 8) == 8) {
        struct gamma_tails tails;
        uint64_t dof = (uint64_t)v[0];
        chi_tails(v[1], dof, &tails);
        struct chi_pvalue pvalue = chi_pvalue(v[1], dof);
        char where[96];
        snprintf(where, sizeof where, "K=%.17g x=%.17g", v[0], v[1]);
        expect_close(tails.p, v[2], false, "CDF", where, &worst, 0);
        expect_close(tails.q, v[3], false, "SF", where, &worst, 1);
        expect_close(tails.log_p, v[4], true, "ln CDF", where, &worst, 2);
        expect_close(tails.log_q, v[5], true, "ln SF", where, &worst, 3);
        expect_close(pvalue.p, v[6], false, "p", where, &worst, 4);
        expect_close(pvalue.log_p, v[7], true, "ln p", where, &worst, 5);
        rows++;
    }
    fclose(file);
    cr_assert_gt(rows, 300);
    static const char *const names[] = {"CDF", "SF", "ln CDF", "ln SF", "p", "ln p"};
    log_worst(&worst, names, 6);
}

Test(chi_mean_sd, matches_mpmath_table)
{
    FILE *file = open_table("stats/chi_moments.tsv");
    double v[3];
    int rows = 0;
    while (read_row(file, v, 3) == 3) {
        double mean, sd;
        chi_mean_sd((uint64_t)v[0], &mean, &sd);
        cr_expect_leq(fabs(mean - v[1]) / v[1], 1e-14, "K=%.17g: mean %.17g, expected %.17g", v[0], mean, v[1]);
        cr_expect_leq(fabs(sd - v[2]) / v[2], 1e-13, "K=%.17g: sd %.17g, expected %.17g", v[0], sd, v[2]);
        rows++;
    }
    fclose(file);
    cr_assert_gt(rows, 10);
}

Test(chi_tails, limits)
{
    struct gamma_tails tails;
    chi_tails(0.0, 3, &tails);
    cr_expect(tails.p == 0 && tails.q == 1 && isinf(tails.log_p) && tails.log_p < 0 && tails.log_q == 0);
    chi_tails(INFINITY, 3, &tails);
    cr_expect(tails.p == 1 && tails.q == 0 && isinf(tails.log_q) && tails.log_p == 0);
    chi_tails(NAN, 3, &tails);
    cr_expect(isnan(tails.p) && isnan(tails.q) && isnan(tails.log_p) && isnan(tails.log_q));

    struct chi_pvalue pvalue = chi_pvalue(0.0, 1);
    cr_expect_eq(pvalue.p, 0.0);
    pvalue = chi_pvalue(NAN, 10);
    cr_expect(isnan(pvalue.p) && isnan(pvalue.log_p));
}

Test(chi_pvalue, log_is_log_of_normal_value)
{
    /* filter --min-pvalue relies on log_p = log(p) wherever p is normal. */
    for (double x = 15.0; x < 24.0; x += 0.37) {
        struct chi_pvalue pvalue = chi_pvalue(x, 384);
        cr_expect_eq(pvalue.log_p, log(pvalue.p), "x=%g", x);
    }
}
