/*
 * Signals, special files and terminals: an interrupted -o run leaves no temporary file, an input
 * that shrinks while read is an error, FIFOs and character devices are read, and binary output is
 * not sent to a terminal without --force.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_run.h"
#include "data.h"

/* Run command in a new scratch folder (as $d), remove the folder, and return the result. */
static struct cli_result run_in_scratch(const char *command)
{
    const char *folder = scratch_folder();
    cr_assert_not_null(folder);
    char line[4096];
    snprintf(line, sizeof line, "d='%s' && cd \"$d\" && { %s\n}; status=$?; cd / && rm -rf \"$d\"; exit $status",
             folder, command);
    return cli_run_shell(line);
}

/* The input never ends (sleep holds the pipe open), so the signal arrives mid-run. */
static void check_interrupt(const char *signal_name, int expected_status)
{
    char command[1024];
    snprintf(command, sizeof command,
             "printf OLD > out.tsv && "
             "{ sleep 3 | timeout --preserve-status -s %s 0.5 \"$LEVYSCORE\" score --in-format csv -o out.tsv; "
             "echo \"status=$?\"; } && ls -A && cat out.tsv",
             signal_name);
    struct cli_result r = run_in_scratch(command);
    char expected[128];
    snprintf(expected, sizeof expected, "status=%d\nout.tsv\nOLD", expected_status);
    cr_expect_str_eq(r.out, expected, "after SIG%s: %s (stderr: %s)", signal_name, r.out, r.err);
    cli_result_free(&r);
}

Test(signals, sigint_keeps_old_output)
{
    check_interrupt("INT", 130);
}

Test(signals, sigterm_keeps_old_output)
{
    check_interrupt("TERM", 143);
}

Test(signals, sighup_removes_temporary_file)
{
    struct cli_result r = run_in_scratch(
        "{ sleep 3 | timeout --preserve-status -s HUP 0.5 \"$LEVYSCORE\" score --in-format csv -o new.tsv; "
        "echo \"status=$?\"; } && ls -A");
    cr_expect_str_eq(r.out, "status=129\n", "%s (stderr: %s)", r.out, r.err);
    cli_result_free(&r);
}

/* An 80 MB .npy of 312,500 rows x 64 float32 zeros, then a reader that stops reading after
 * 100 kB of output while the file is cut to 20 MB. */
Test(signals, input_shrinking_while_read)
{
    struct cli_result r = run_in_scratch(
        "{ printf '\\223NUMPY\\001\\000\\166\\000'; "
        "printf '%-117s\\n' \"{'descr': '<f4', 'fortran_order': False, 'shape': (312500, 64), }\"; "
        "head -c 80000000 /dev/zero; } > big.npy && mkfifo scores || exit 1; "
        "{ timeout 20 \"$LEVYSCORE\" score --threads 1 big.npy > scores 2> err; echo \"status=$?\" > status; } & "
        "exec 3< scores && head -c 100000 <&3 > /dev/null && truncate -s 20000000 big.npy && "
        "cat <&3 > /dev/null && wait && cat status err");
    cr_expect(strstr(r.out, "status=1\n") != NULL, "%s", r.out);
    cr_expect(strstr(r.out, "big.npy: file shrank while being read") != NULL, "%s", r.out);
    cli_result_free(&r);
}

Test(signals, fifo_input_scores_like_file)
{
    char command[1024];
    const char *file = data_path("cases/npy-big-endian/be_f8.npy");
    snprintf(command, sizeof command,
             "mkfifo in || exit 1; cat '%s' > in & \"$LEVYSCORE\" score in > from_fifo && "
             "\"$LEVYSCORE\" score '%s' > from_file && cmp from_fifo from_file && echo same",
             file, file);
    struct cli_result r = run_in_scratch(command);
    cr_expect_str_eq(r.out, "same\n", "%s (stderr: %s)", r.out, r.err);
    cli_result_free(&r);
}

Test(signals, character_device_input)
{
    struct cli_result r = cli_run(NULL, 0, "score", "--in-format", "raw", "--dim", "4", "/dev/null");
    cr_expect_eq(r.status, 0, "stderr: %s", r.err);
    cr_expect_str_eq(r.out, "index\tnorm\tscore\n");
    cli_result_free(&r);
}

Test(signals, binary_output_to_terminal)
{
    if (access("/usr/bin/script", X_OK) != 0)
        cr_skip_test("script(1) is not installed (Debian package bsdutils)");
    char command[1024];
    snprintf(command, sizeof command,
             "script -qec '\"$LEVYSCORE\" score --to npy %s' /dev/null; echo \"status=$?\"; "
             "script -qec '\"$LEVYSCORE\" score --to npy --force %s' /dev/null > /dev/null; echo \"forced=$?\"",
             data_path("cases/npy-big-endian/be_f8.npy"), data_path("cases/npy-big-endian/be_f8.npy"));
    struct cli_result r = cli_run_shell(command);
    cr_expect(strstr(r.out, "refusing to write binary output to a terminal") != NULL, "%s", r.out);
    cr_expect(strstr(r.out, "status=1") != NULL, "%s", r.out);
    cr_expect(strstr(r.out, "forced=0") != NULL, "%s", r.out);
    cli_result_free(&r);
}
