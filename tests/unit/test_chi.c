#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "data.h"
#include "levyscore/chi.h"

/* Relative error that the Chi log density may have against a correctly rounded reference. */
#define RELATIVE_TOLERANCE 2e-15

/* Check every row "dof<TAB>x<TAB>logpdf" of an oracle table; returns the largest relative error. */
static double check_oracle(const char *relative)
{
    FILE *file = fopen(data_path(relative), "r");
    cr_assert_not_null(file, "cannot open %s", relative);
    char line[512];
    cr_assert_not_null(fgets(line, sizeof line, file));

    double worst = 0;
    int rows = 0;
    while (fgets(line, sizeof line, file)) {
        char *at = line;
        double dof = strtod(at, &at);
        double x = strtod(at, &at);
        double expected = strtod(at, &at);
        double got = chi_log_density(x, (uint64_t)dof);
        rows++;

        if (!isfinite(expected)) {
            cr_expect(got == expected || (isnan(got) && isnan(expected)), "K=%g x=%.17g: got %.17g, expected %.17g",
                      dof, x, got, expected);
            continue;
        }
        double relative_error = got == expected ? 0 : fabs(got - expected) / fabs(expected);
        cr_expect_leq(relative_error, RELATIVE_TOLERANCE, "K=%g x=%.17g: got %.17g, expected %.17g (relative %.3g)",
                      dof, x, got, expected, relative_error);
        if (relative_error > worst)
            worst = relative_error;
    }
    fclose(file);
    cr_assert_gt(rows, 100, "%s has only %d rows", relative, rows);
    return worst;
}

Test(chi_log_density, matches_oracle_table)
{
    double worst = check_oracle("oracle/chi_logpdf.tsv");
    cr_log_info("largest relative error against chi_logpdf.tsv: %.3g", worst);
}

Test(chi_log_density, matches_extra_oracle_table)
{
    double worst = check_oracle("oracle/chi_logpdf_extra.tsv");
    cr_log_info("largest relative error against chi_logpdf_extra.tsv: %.3g", worst);
}

Test(chi_log_density, zero_norm_limits)
{
    cr_expect_eq(chi_log_density(0.0, 1), chi_log_density(1e-300, 1));
    cr_expect_float_eq(chi_log_density(0.0, 1), -0.22579135264472744, 1e-16);
    cr_expect(isinf(chi_log_density(0.0, 2)) && chi_log_density(0.0, 2) < 0);
    cr_expect(isinf(chi_log_density(0.0, 384)) && chi_log_density(0.0, 384) < 0);
}

Test(chi_log_density, non_finite_norms)
{
    cr_expect(isnan(chi_log_density(NAN, 3)));
    cr_expect(isinf(chi_log_density(INFINITY, 1)) && chi_log_density(INFINITY, 1) < 0);
    cr_expect(isinf(chi_log_density(INFINITY, 384)) && chi_log_density(INFINITY, 384) < 0);
}

Test(chi_log_density, square_overflow_stays_finite)
{
    /* x^2 overflows but x^2 / 2 does not: the score -1.44e308 is representable. */
    double x = 1.6970562748477142e+154;
    cr_expect_eq(chi_log_density(x, 2), -1.4400000000000002e+308);
}
