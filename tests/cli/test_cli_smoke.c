#include <criterion/criterion.h>
#include <string.h>

#include "cli_run.h"
#include "data.h"
#include "tsv_compare.h"

Test(cli_smoke, scores_header_offset_case)
{
    struct cli_result r = cli_run(NULL, 0, "score", data_path("cases/npy-header-offset/v2.npy"));
    char why[256];
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    cr_assert_str_empty(r.err);
    cr_assert(scores_match(r.out, data_path("cases/npy-header-offset/expected.tsv"), 4, 1, why, sizeof why), "%s", why);
    cli_result_free(&r);
}
