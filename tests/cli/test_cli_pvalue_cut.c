/* filter --min-pvalue with cuts so small that the probability itself underflows to 0. */
#include <criterion/criterion.h>
#include <string.h>

#include "cli_run.h"

/* With K = 1, log p-values of the norms 30, 45 and 50 are -452.93, -1015.84 and -1253.45 (score
 * --pvalue prints them); ln(1e-400) = -921.03 lies between the first two. */
Test(pvalue_cut, below_smallest_double)
{
    const char input[] = "30\n45\n50\n";
    struct cli_result r = cli_run(input, sizeof input - 1, "filter", "--min-pvalue", "1e-400", "--dof", "1",
                                  "--no-in-header", "--in-format", "csv");
    cr_expect_eq(r.status, 0, "stderr: %s", r.err);
    cr_expect_str_eq(r.out, "30\n");
    cli_result_free(&r);

    r = cli_run(input, sizeof input - 1, "filter", "--min-pvalue", "1e-500", "--dof", "1", "--no-in-header",
                "--in-format", "csv");
    cr_expect_str_eq(r.out, "30\n45\n", "ln(1e-500) = -1151.29 keeps 45 too: %s", r.out);
    cli_result_free(&r);
}
