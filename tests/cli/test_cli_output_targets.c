/*
 * Where -o writes: through symbolic links to the file they name (never replacing the link), and
 * with no temporary file left when the file size limit stops the write.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "cli_run.h"
#include "data.h"

static struct cli_result run_in_scratch(const char *command)
{
    const char *folder = scratch_folder();
    cr_assert_not_null(folder);
    char line[4096];
    snprintf(line, sizeof line, "d='%s' && cd \"$d\" && { %s\n}; status=$?; cd / && rm -rf \"$d\"; exit $status", folder,
             command);
    return cli_run_shell(line);
}

Test(output_targets, symlink_target_replaced_not_link)
{
    char command[2048];
    snprintf(command, sizeof command,
             "echo OLD > real.tsv && ln -s real.tsv link.tsv && \"$LEVYSCORE\" score '%s' -o link.tsv && "
             "test -L link.tsv && echo link-kept && head -n 1 real.tsv",
             data_path("cases/npy-big-endian/be_f8.npy"));
    struct cli_result r = run_in_scratch(command);
    cr_expect_str_eq(r.out, "link-kept\nindex\tnorm\tscore\n", "stderr: %s", r.err);
    cli_result_free(&r);
}

Test(output_targets, symlink_to_stdout_writes_through)
{
    char command[2048];
    snprintf(command, sizeof command,
             "ln -s /proc/self/fd/1 out && \"$LEVYSCORE\" score '%s' -o out > captured.tsv && "
             "test -L out && echo link-kept && wc -l < captured.tsv",
             data_path("cases/npy-big-endian/be_f8.npy"));
    struct cli_result r = run_in_scratch(command);
    cr_expect_str_eq(r.out, "link-kept\n5\n", "stderr: %s", r.err);
    cli_result_free(&r);
}

Test(output_targets, file_size_limit_leaves_no_temporary)
{
    char command[2048];
    snprintf(command, sizeof command,
             "echo OLD > out.tsv && (ulimit -f 1; \"$LEVYSCORE\" score '%s' -o out.tsv); echo \"status=$?\"; ls -A; cat out.tsv",
             data_path("cases/sigpipe-head/many_rows.npy"));
    struct cli_result r = run_in_scratch(command);
    cr_expect_str_eq(r.out, "status=1\nout.tsv\nOLD\n", "stderr: %s", r.err);
    cr_expect(strstr(r.err, "out.tsv: write failed: File too large") != NULL, "stderr: %s", r.err);
    cli_result_free(&r);
}

Test(output_targets, svg_or_curve_naming_an_input_rejected)
{
    char command[2048];
    snprintf(command, sizeof command,
             "cp '%s' features.npy && cp '%s' correct.txt && "
             "\"$LEVYSCORE\" eval --correct correct.txt features.npy --svg features.npy; echo \"svg=$?\"; "
             "\"$LEVYSCORE\" eval --correct correct.txt features.npy --curve correct.txt; echo \"curve=$?\"; "
             "cmp -s features.npy '%s' && cmp -s correct.txt '%s' && echo unchanged",
             data_path("digits-probe/features.npy"), data_path("digits-probe/correct.txt"),
             data_path("digits-probe/features.npy"), data_path("digits-probe/correct.txt"));
    struct cli_result r = run_in_scratch(command);
    cr_expect_str_eq(r.out, "svg=2\ncurve=2\nunchanged\n", "stderr: %s", r.err);
    cr_expect(strstr(r.err, "option --svg: 'features.npy' is an input file") != NULL, "stderr: %s", r.err);
    cr_expect(strstr(r.err, "option --curve: 'correct.txt' is an input file") != NULL, "stderr: %s", r.err);
    cli_result_free(&r);
}

Test(output_targets, two_options_writing_one_file_rejected)
{
    struct cli_result r = cli_run(NULL, 0, "eval", "--correct", data_path("digits-probe/correct.txt"), "--svg",
                                  "/tmp/levyscore-same-output", "--curve", "/tmp/levyscore-same-output",
                                  data_path("digits-probe/features.npy"));
    cr_expect_eq(r.status, 2, "stderr: %s", r.err);
    cr_expect(strstr(r.err, "options --svg and --curve both write") != NULL, "stderr: %s", r.err);
    cli_result_free(&r);
}

Test(output_targets, missing_folder_of_second_output_keeps_first)
{
    char command[2048];
    snprintf(command, sizeof command,
             "echo keep > report.txt && \"$LEVYSCORE\" eval --correct '%s' --svg missing/plot.svg -o report.txt '%s'; "
             "echo \"status=$?\"; cat report.txt; ls -A",
             data_path("digits-probe/correct.txt"), data_path("digits-probe/features.npy"));
    struct cli_result r = run_in_scratch(command);
    cr_expect_str_eq(r.out, "status=1\nkeep\nreport.txt\n", "stderr: %s", r.err);
    cli_result_free(&r);
}

Test(output_targets, labels_with_byte_order_mark)
{
    char command[2048];
    snprintf(command, sizeof command,
             "printf '\\357\\273\\277cat\\ndog\\ncat\\nbird\\nfish\\n' > labels.txt && "
             "printf 'cat\\ncat\\ncat\\nbird\\nfish\\n' > predictions.txt && "
             "head -c 208 '%s' > five.npy && "
             "\"$LEVYSCORE\" eval --labels labels.txt --predictions predictions.txt --json five.npy | grep -c '\"correct\":[[:space:]]*4,'; "
             "printf '1\\n0\\n1\\n1\\n1\\000x\\n' > correct.txt && \"$LEVYSCORE\" eval --correct correct.txt five.npy; "
             "echo \"status=$?\"",
             data_path("cases/f64-norm-extremes/extremes.npy"));
    struct cli_result r = run_in_scratch(command);
    cr_expect_str_eq(r.out, "1\nstatus=1\n", "stderr: %s", r.err);
    cr_expect(strstr(r.err, "correct.txt: line 5: contains a NUL byte") != NULL, "stderr: %s", r.err);
    cli_result_free(&r);
}
