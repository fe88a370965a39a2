/* Output safety and manners: atomic -o, write errors, | head, usage errors, help, quiet runs. */
#include <criterion/criterion.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli_run.h"
#include "data.h"
#include "tsv_compare.h"

/* --- Helpers --- */

static size_t count_lines(const char *text)
{
    size_t lines = 0;
    for (; *text; text++)
        lines += *text == '\n';
    return lines;
}

/* Write a C-order .npy of rows x width float32 values (0.25 * (c + 1) + r % 7 at row r, column
 * c) with the header numpy writes. */
static void write_test_npy(const char *path, size_t rows, size_t width)
{
    char header[128];
    int length = snprintf(header, sizeof header, "{'descr': '<f4', 'fortran_order': False, 'shape': (%zu, %zu), }",
                          rows, width);
    size_t total = (10 + (size_t)length + 1 + 63) / 64 * 64;
    size_t data_size = rows * width * sizeof(float);
    unsigned char *bytes = malloc(total + data_size);
    cr_assert_not_null(bytes);

    memcpy(bytes, "\x93NUMPY\x01\x00", 8);
    bytes[8] = (unsigned char)((total - 10) & 0xff);
    bytes[9] = (unsigned char)((total - 10) >> 8);
    memcpy(bytes + 10, header, (size_t)length);
    memset(bytes + 10 + length, ' ', total - 10 - (size_t)length - 1);
    bytes[total - 1] = '\n';
    float *values = (float *)(bytes + total);
    for (size_t r = 0; r < rows; r++)
        for (size_t c = 0; c < width; c++)
            values[r * width + c] = 0.25f * (float)(c + 1) + (float)(r % 7);

    cr_assert(write_file(path, bytes, total + data_size), "cannot write %s", path);
    free(bytes);
}

static double seconds_since(const struct timespec *start)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) * 1e-9;
}

/* A scratch folder with a file out.tsv that contains "OLD". */
struct scratch {
    char folder[4096];
    char out[4200];
};

static void scratch_with_old_output(struct scratch *scratch)
{
    snprintf(scratch->folder, sizeof scratch->folder, "%s", scratch_folder());
    snprintf(scratch->out, sizeof scratch->out, "%s/out.tsv", scratch->folder);
    cr_assert(write_file(scratch->out, "OLD", 3), "cannot write %s", scratch->out);
}

static void expect_old_output_intact(const struct scratch *scratch, const char *what)
{
    size_t size;
    char *text = read_file(scratch->out, &size);
    cr_expect_not_null(text, "%s: out.tsv is gone", what);
    if (text)
        cr_expect_str_eq(text, "OLD", "%s: out.tsv now contains '%.40s'", what, text);
    free(text);
    cr_expect_str_eq(folder_listing(scratch->folder), "out.tsv", "%s: folder contains '%s', expected only out.tsv", what,
                     folder_listing(scratch->folder));
}

/* --- -o writes atomically --- */

Test(cli_output, failed_run_leaves_target_untouched)
{
    struct scratch scratch;
    scratch_with_old_output(&scratch);

    struct cli_result r = cli_run(NULL, 0, "score", "-o", scratch.out, data_path("npy/bad/truncated_data.npy"));
    cr_expect_eq(r.status, 1, "truncated input: status %d, expected 1", r.status);
    expect_old_output_intact(&scratch, "truncated input");
    cli_result_free(&r);

    r = cli_run(NULL, 0, "filter", "--min-score", "-5", "-o", scratch.out, data_path("npy/bad/truncated_data.npy"));
    cr_expect_eq(r.status, 1, "filter, truncated input: status %d, expected 1", r.status);
    expect_old_output_intact(&scratch, "filter, truncated input");
    cli_result_free(&r);
    scratch_remove(scratch.folder);
}

Test(cli_output, failure_after_rows_written_leaves_target_untouched)
{
    /* 300,000 rows give several batches and megabytes of text, so output reaches the temporary
     * file before the input turns out to be short. */
    struct scratch scratch;
    scratch_with_old_output(&scratch);
    char input[4200];
    snprintf(input, sizeof input, "%s/big.npy", scratch.folder);
    write_test_npy(input, 300000, 2);
    size_t size;
    char *bytes = read_file(input, &size);
    cr_assert_not_null(bytes);
    remove(input);
    size_t cut = size - 1000;

    struct cli_result r = cli_run(bytes, cut, "score", "-o", scratch.out, "-");
    cr_expect_eq(r.status, 1, "score: status %d, expected 1", r.status);
    cr_expect(strstr(r.err, "expected 2400000 data bytes, found 2399000") != NULL, "score: stderr '%s'", r.err);
    expect_old_output_intact(&scratch, "score of a short stdin");
    cli_result_free(&r);

    r = cli_run(bytes, cut, "filter", "--min-score", "-100", "-o", scratch.out, "-");
    cr_expect_eq(r.status, 1, "filter: status %d, expected 1", r.status);
    expect_old_output_intact(&scratch, "filter --min-score of a short stdin");
    cli_result_free(&r);

    r = cli_run(bytes, cut, "filter", "--keep", "0.5", "-o", scratch.out, "-");
    cr_expect_eq(r.status, 1, "filter --keep: status %d, expected 1", r.status);
    expect_old_output_intact(&scratch, "filter --keep of a short stdin");
    cli_result_free(&r);
    free(bytes);
    scratch_remove(scratch.folder);
}

Test(cli_output, success_replaces_target_and_keeps_mode)
{
    struct scratch scratch;
    scratch_with_old_output(&scratch);
    cr_assert_eq(chmod(scratch.out, 0640), 0, "cannot chmod out.tsv");
    const char *input = data_path("npy/width384_f4.npy");

    struct cli_result to_file = cli_run(NULL, 0, "score", "-o", scratch.out, input);
    struct cli_result to_stdout = cli_run(NULL, 0, "score", input);
    cr_expect_eq(to_file.status, 0, "status %d: %s", to_file.status, to_file.err);
    cr_expect_str_empty(to_file.out, "stdout '%s' with -o", to_file.out);
    cr_expect_str_empty(to_file.err, "stderr '%s'", to_file.err);
    char *written = read_file(scratch.out, NULL);
    cr_assert_not_null(written);
    cr_expect_str_eq(written, to_stdout.out, "-o file differs from stdout");
    cr_expect_str_eq(folder_listing(scratch.folder), "out.tsv", "folder contains '%s'", folder_listing(scratch.folder));
    struct stat info;
    cr_assert_eq(stat(scratch.out, &info), 0);
    cr_expect_eq(info.st_mode & 07777, 0640, "mode %o after replacing a 0640 file", info.st_mode & 07777);

    free(written);
    cli_result_free(&to_file);
    cli_result_free(&to_stdout);
    scratch_remove(scratch.folder);
}

Test(cli_output, output_naming_input_is_usage_error)
{
    char folder[4096];
    snprintf(folder, sizeof folder, "%s", scratch_folder());
    char input[4200], same[4300], link_path[4200];
    snprintf(input, sizeof input, "%s/in.npy", folder);
    snprintf(same, sizeof same, "%s/./in.npy", folder);
    snprintf(link_path, sizeof link_path, "%s/link.npy", folder);
    size_t size;
    char *original = read_file(data_path("npy/le_f4.npy"), &size);
    cr_assert_not_null(original);
    cr_assert(write_file(input, original, size));
    cr_assert_eq(link(input, link_path), 0, "cannot hard-link the input");

    const char *const runs[][8] = {
        {"score", "-o", input, input, NULL},
        {"score", "--to", "npy", "-o", same, input, NULL},
        {"filter", "--keep", "0.5", "-o", input, input, NULL},
        {"filter", "--min-score", "-3", "-o", link_path, input, NULL},
    };
    for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) {
        struct cli_result r = cli_run_env(NULL, NULL, 0, runs[i]);
        cr_expect_eq(r.status, 2, "run %zu (%s -o %s): status %d, expected 2", i, runs[i][0], runs[i][2], r.status);
        cr_expect_str_empty(r.out, "run %zu: stdout not empty", i);
        cr_expect(strstr(r.err, "input file") != NULL, "run %zu: stderr '%s' does not say -o is the input", i, r.err);
        size_t now_size;
        char *now = read_file(input, &now_size);
        cr_expect(now && now_size == size && memcmp(now, original, size) == 0, "run %zu: the input file changed", i);
        free(now);
        cli_result_free(&r);
    }
    cr_expect_str_eq(folder_listing(folder), "in.npy link.npy", "folder contains '%s'", folder_listing(folder));
    free(original);
    scratch_remove(folder);
}

Test(cli_output, output_into_missing_folder)
{
    char folder[4096];
    snprintf(folder, sizeof folder, "%s", scratch_folder());
    char out[4200];
    snprintf(out, sizeof out, "%s/missing/out.tsv", folder);

    struct cli_result r = cli_run(NULL, 0, "score", "-o", out, data_path("npy/le_f4.npy"));
    char missing[4200];
    snprintf(missing, sizeof missing, "%s/missing", folder);
    cr_expect_eq(r.status, 1, "status %d, expected 1", r.status);
    cr_expect_str_empty(r.out, "stdout not empty");
    cr_expect_eq(count_lines(r.err), 1, "stderr is not one line: '%s'", r.err);
    cr_expect_eq(strncmp(r.err, "levyscore: ", 11), 0, "stderr '%s' lacks the program name", r.err);
    cr_expect(strstr(r.err, missing) != NULL, "stderr '%s' does not name the folder %s", r.err, missing);
    cr_expect(strstr(r.err, "No such file or directory") != NULL, "stderr '%s' does not give the reason", r.err);
    cr_expect_str_empty(folder_listing(folder), "folder contains '%s'", folder_listing(folder));
    cli_result_free(&r);
    scratch_remove(folder);
}

Test(cli_output, output_into_read_only_folder)
{
    if (geteuid() == 0)
        cr_skip_test("running as root, where folder permissions do not stop writes");

    char folder[4096];
    snprintf(folder, sizeof folder, "%s", scratch_folder());
    char out[4200];
    snprintf(out, sizeof out, "%s/out.tsv", folder);
    cr_assert_eq(chmod(folder, 0555), 0, "cannot make the folder read-only");

    struct cli_result r = cli_run(NULL, 0, "score", "-o", out, data_path("npy/le_f4.npy"));
    cr_expect_eq(r.status, 1, "status %d, expected 1", r.status);
    cr_expect_eq(count_lines(r.err), 1, "stderr is not one line: '%s'", r.err);
    cr_expect(strstr(r.err, folder) != NULL, "stderr '%s' does not name the folder", r.err);
    cr_expect(strstr(r.err, "Permission denied") != NULL, "stderr '%s' does not give the reason", r.err);
    cli_result_free(&r);
    chmod(folder, 0755);
    scratch_remove(folder);
}

Test(cli_output, terminated_run_leaves_no_files)
{
    /* The header and some rows arrive, then the input stalls: the temporary output file exists
     * when SIGTERM comes, and the handler must remove it. */
    char folder[4096];
    snprintf(folder, sizeof folder, "%s", scratch_folder());
    char input[4200], command[9000];
    snprintf(input, sizeof input, "%s/in.npy", folder);
    write_test_npy(input, 10000, 2);
    snprintf(command, sizeof command,
             "cd '%s' || exit 1; { head -c 8192 in.npy; sleep 2; } 2>/dev/null | \"$LEVYSCORE\" score -o out.tsv & "
             "pid=$!; sleep 0.5; ls -a | grep -c levyscore; kill -TERM $pid; wait $pid; echo status=$?",
             folder);

    struct cli_result r = cli_run_shell(command);
    cr_expect(strstr(r.out, "1\n") == r.out, "no temporary file while the run waited: '%s'", r.out);
    cr_expect(strstr(r.out, "status=143") != NULL, "run did not end by SIGTERM: '%s'", r.out);
    cr_expect_str_eq(folder_listing(folder), "in.npy", "folder contains '%s' after SIGTERM", folder_listing(folder));
    cli_result_free(&r);
    scratch_remove(folder);
}

Test(cli_output, device_target_written_in_place)
{
    /* A symbolic link to /dev/null stands in for the device itself: renaming a temporary file
     * over it would replace the link, where a rename over /dev/null would replace the device. */
    char folder[4096];
    snprintf(folder, sizeof folder, "%s", scratch_folder());
    char device[4200];
    snprintf(device, sizeof device, "%s/null", folder);
    cr_assert_eq(symlink("/dev/null", device), 0, "cannot link to /dev/null");

    struct cli_result r = cli_run(NULL, 0, "score", "-o", device, data_path("npy/width384_f4.npy"));
    cr_expect_eq(r.status, 0, "status %d: %s", r.status, r.err);
    struct stat info;
    cr_assert_eq(lstat(device, &info), 0, "the link to /dev/null is gone");
    cr_expect(S_ISLNK(info.st_mode), "-o replaced the link to /dev/null with a file");
    cr_expect_str_eq(folder_listing(folder), "null", "folder contains '%s'", folder_listing(folder));
    cli_result_free(&r);
    scratch_remove(folder);
}

Test(cli_output, fifo_target_written_in_place)
{
    char folder[4096];
    snprintf(folder, sizeof folder, "%s", scratch_folder());
    const char *input = data_path("npy/width384_f4.npy");
    char command[9000];
    snprintf(command, sizeof command,
             "cd '%s' || exit 1; mkfifo scores; timeout 10 cat scores > got & \"$LEVYSCORE\" score --to npy -o scores '%s'; "
             "status=$?; wait; exit $status",
             folder, input);

    struct cli_result r = cli_run_shell(command);
    struct cli_result direct = cli_run(NULL, 0, "score", "--to", "npy", input);
    cr_expect_eq(r.status, 0, "status %d: %s", r.status, r.err);
    char path[4200];
    snprintf(path, sizeof path, "%s/got", folder);
    size_t size;
    char *got = read_file(path, &size);
    cr_assert_not_null(got, "nothing read from the FIFO");
    cr_expect(size == direct.out_size && memcmp(got, direct.out, size) == 0,
              "the FIFO carried %zu bytes, stdout gets %zu", size, direct.out_size);
    snprintf(path, sizeof path, "%s/scores", folder);
    struct stat info;
    cr_assert_eq(lstat(path, &info), 0, "the FIFO is gone");
    cr_expect(S_ISFIFO(info.st_mode), "-o replaced the FIFO with a file");
    cr_expect_str_eq(folder_listing(folder), "got scores", "folder contains '%s'", folder_listing(folder));
    free(got);
    cli_result_free(&r);
    cli_result_free(&direct);
    scratch_remove(folder);
}

Test(cli_output, folder_target_rejected_before_writing)
{
    char folder[4096];
    snprintf(folder, sizeof folder, "%s", scratch_folder());
    char target[4200];
    snprintf(target, sizeof target, "%s/out", folder);
    cr_assert_eq(mkdir(target, 0755), 0, "cannot create %s", target);

    struct cli_result r = cli_run(NULL, 0, "score", "-o", target, data_path("npy/width384_f4.npy"));
    cr_expect_eq(r.status, 1, "status %d, expected 1", r.status);
    cr_expect(strstr(r.err, "is a directory") != NULL, "stderr '%s' does not say the target is a folder", r.err);
    cr_expect_str_eq(folder_listing(folder), "out", "folder contains '%s'", folder_listing(folder));
    cli_result_free(&r);
    scratch_remove(folder);
}

/* --- Write errors --- */

Test(cli_output, full_device_on_stdout)
{
    const char *input = data_path("npy/width384_f4.npy");
    static const char *const options[] = {
        "score", "score --to npy", "score --to csv", "filter --keep 0.5", "filter --min-score -1000",
        "filter --keep 0.5 --print-index", "score --help", "--version",
    };
    for (size_t i = 0; i < sizeof options / sizeof options[0]; i++) {
        char command[4600];
        snprintf(command, sizeof command, "\"$LEVYSCORE\" %s '%s' > /dev/full", options[i], input);
        struct cli_result r = cli_run_shell(command);
        cr_expect_eq(r.status, 1, "%s > /dev/full: status %d, expected 1", options[i], r.status);
        cr_expect_eq(count_lines(r.err), 1, "%s > /dev/full: stderr is not one line: '%s'", options[i], r.err);
        cr_expect(strstr(r.err, "levyscore: <stdout>: ") == r.err, "%s > /dev/full: stderr '%s' does not name stdout",
                  options[i], r.err);
        cr_expect(strstr(r.err, "No space left on device") != NULL, "%s > /dev/full: stderr '%s' lacks the reason",
                  options[i], r.err);
        cli_result_free(&r);
    }
}

static void check_file_size_limit(const char *input, const char *what)
{
    struct scratch scratch;
    scratch_with_old_output(&scratch);
    char command[9000];
    snprintf(command, sizeof command,
             "cd '%s' && bash -c \"trap '' XFSZ; ulimit -f 0; exec \\\"\\$LEVYSCORE\\\" score '%s' -o out.tsv\"",
             scratch.folder, input);

    struct cli_result r = cli_run_shell(command);
    cr_expect_eq(r.status, 1, "%s: status %d, expected 1: %s", what, r.status, r.err);
    cr_expect_eq(count_lines(r.err), 1, "%s: stderr is not one line: '%s'", what, r.err);
    cr_expect(strstr(r.err, "out.tsv") != NULL, "%s: stderr '%s' does not name out.tsv", what, r.err);
    cr_expect(strstr(r.err, "File too large") != NULL, "%s: stderr '%s' lacks EFBIG", what, r.err);
    expect_old_output_intact(&scratch, what);
    cli_result_free(&r);
    scratch_remove(scratch.folder);
}

Test(cli_output, file_size_limit_npy_input)
{
    check_file_size_limit(data_path("npy/width384_f4.npy"), "ulimit -f 0, .npy input");
}

/* --- Cases from user reports --- */

Test(cli_cases, disk_full_atomic)
{
    const char *input = data_path("cases/disk-full-atomic/small.csv");
    struct cli_result r = cli_run(NULL, 0, "score", input);
    char why[512];
    cr_expect_eq(r.status, 0, "normal run: status %d: %s", r.status, r.err);
    cr_expect(scores_match(r.out, data_path("cases/disk-full-atomic/expected.tsv"), 3, 1, why, sizeof why), "%s",
              why);
    cli_result_free(&r);

    char command[4600];
    snprintf(command, sizeof command, "\"$LEVYSCORE\" score '%s' > /dev/full", input);
    r = cli_run_shell(command);
    cr_expect_eq(r.status, 1, "> /dev/full: status %d, expected 1", r.status);
    cr_expect(strstr(r.err, "No space left on device") != NULL, "> /dev/full: stderr '%s'", r.err);
    cli_result_free(&r);

    check_file_size_limit(input, "ulimit -f 0, small.csv");
}

Test(cli_cases, sigpipe_head)
{
    char command[4600];
    snprintf(command, sizeof command, "bash -c 'set -o pipefail; \"$LEVYSCORE\" score \"%s\" | head -n 3'",
             data_path("cases/sigpipe-head/many_rows.npy"));
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    struct cli_result r = cli_run_shell(command);
    double seconds = seconds_since(&start);

    char why[512];
    cr_expect_eq(r.status, 141, "status %d, expected 141 (SIGPIPE, with pipefail)", r.status);
    cr_expect_str_empty(r.err, "stderr '%s'", r.err);
    cr_expect_eq(count_lines(r.out), 3, "%zu lines, expected 3", count_lines(r.out));
    cr_expect(scores_match(r.out, data_path("cases/sigpipe-head/expected_first_rows.tsv"), 2, 1, why, sizeof why),
              "%s", why);
    cr_expect_lt(seconds, 1.0, "the pipeline took %.2f s", seconds);
    cli_result_free(&r);
}

Test(cli_output, closed_pipe_quiet_for_every_output)
{
    static const char *const commands[] = {
        "score --to npy \"%s\" | head -c 100 > /dev/null",
        "score --to csv \"%s\" | head -n 1 > /dev/null",
        "filter --keep 1 --print-index \"%s\" | head -n 1 > /dev/null",
        "filter --min-score -1000 \"%s\" | head -c 10 > /dev/null",
    };
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        char pipeline[4600], command[4800];
        snprintf(pipeline, sizeof pipeline, commands[i], data_path("cases/sigpipe-head/many_rows.npy"));
        snprintf(command, sizeof command, "bash -c 'set -o pipefail; \"$LEVYSCORE\" %s'", pipeline);
        struct cli_result r = cli_run_shell(command);
        cr_expect_eq(r.status, 141, "%s: status %d, expected 141", pipeline, r.status);
        cr_expect_str_empty(r.err, "%s: stderr '%s'", pipeline, r.err);
        cli_result_free(&r);
    }
}

/* --- Usage errors, help, version --- */

struct usage_case {
    const char *args[8];
    const char *word;       /* the first stderr line names this */
};

Test(cli_output, usage_errors_exit_2)
{
    /* The input path does not exist: options are checked before any file is opened. */
    static const struct usage_case cases[] = {
        {{"filter", "--keep", "0", "/nonexistent.npy"}, "'0'"},
        {{"filter", "--keep", "1.5", "/nonexistent.npy"}, "'1.5'"},
        {{"filter", "--keep", "-0.1", "/nonexistent.npy"}, "'-0.1'"},
        {{"filter", "--keep", "abc", "/nonexistent.npy"}, "'abc'"},
        {{"filter", "--keep"}, "missing value"},
        {{"score", "--dof"}, "missing value"},
        {{"score", "-o"}, "missing value"},
        {{"score", "-o", "", "/nonexistent.npy"}, "empty file name"},
        {{"score", "--bogus", "/nonexistent.npy"}, "--bogus"},
        {{"score", "-x", "/nonexistent.npy"}, "-x"},
        {{NULL}, "missing command"},
        {{"frobnicate"}, "frobnicate"},
        {{"filter", "/nonexistent.npy"}, "--keep"},
        {{"filter", "--keep", "0.5", "--min-score", "1", "/nonexistent.npy"}, "exactly one"},
        {{"score", "--to", "xml", "/nonexistent.npy"}, "'xml'"},
        {{"score", "--scale", "0", "/nonexistent.npy"}, "'0'"},
        {{"score", "--scale", "-1", "/nonexistent.npy"}, "'-1'"},
        {{"score", "--dof", "0", "/nonexistent.npy"}, "'0'"},
        {{"score", "--dof", "1.5", "/nonexistent.npy"}, "'1.5'"},
        {{"score", "a.npy", "b.npy"}, "b.npy"},
        {{"score", "--keep", "0.5", "/nonexistent.npy"}, "--keep"},
        {{"filter", "--min-score", "abc", "/nonexistent.npy"}, "'abc'"},
        {{"filter", "--min-score", "nan", "/nonexistent.npy"}, "'nan'"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct usage_case *c = &cases[i];
        struct cli_result r = cli_run_env(NULL, NULL, 0, c->args);
        const char *name = c->args[0] ? c->args[0] : "(no arguments)";
        cr_expect_eq(r.status, 2, "case %zu (%s ... %s): status %d, expected 2: %s", i, name, c->word, r.status, r.err);
        cr_expect_str_empty(r.out, "case %zu: stdout '%s'", i, r.out);
        cr_expect_eq(strncmp(r.err, "levyscore: ", 11), 0, "case %zu: stderr '%s'", i, r.err);
        const char *line_end = strchr(r.err, '\n');
        size_t first_line = line_end ? (size_t)(line_end - r.err) : strlen(r.err);
        char *first = strndup(r.err, first_line);
        cr_expect(strstr(first, c->word) != NULL, "case %zu: first stderr line '%s' lacks '%s'", i, first, c->word);
        cr_expect(strstr(r.err, "--help") != NULL, "case %zu: stderr '%s' does not point to --help", i, r.err);
        free(first);
        cli_result_free(&r);
    }
}

static bool contains_word_ignoring_case(const char *text, const char *word)
{
    size_t length = strlen(word);
    for (; *text; text++)
        if (strncasecmp(text, word, length) == 0)
            return true;
    return false;
}

Test(cli_output, help_says_which_way_scores_point)
{
    static const char *const runs[][3] = {
        {"--help"}, {"-h"}, {"score", "--help"}, {"filter", "--help"}, {"help", "score"}, {"help", "filter"},
        {"filter", "-h"},
    };
    for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) {
        struct cli_result r = cli_run_env(NULL, NULL, 0, runs[i]);
        char label[64];
        snprintf(label, sizeof label, "%s %s", runs[i][0], runs[i][1] ? runs[i][1] : "");
        cr_expect_eq(r.status, 0, "%s: status %d", label, r.status);
        cr_expect_str_empty(r.err, "%s: stderr '%s'", label, r.err);
        cr_expect(strstr(r.out, "usage: levyscore") != NULL, "%s: no usage line", label);
        cr_expect(contains_word_ignoring_case(r.out, "higher"), "%s: help does not say higher scores mean...", label);
        cr_expect(contains_word_ignoring_case(r.out, "typical"), "%s: help does not say scores mean typical norms",
                  label);
        cli_result_free(&r);
    }

    struct cli_result r = cli_run(NULL, 0, "filter", "--help");
    cr_expect(strstr(r.out, "--keep") && strstr(r.out, "--min-score") && strstr(r.out, "--invert"),
              "filter help lacks its options");
    cli_result_free(&r);
    r = cli_run(NULL, 0, "score", "--help");
    cr_expect(strstr(r.out, "--to") && strstr(r.out, "--no-header") && strstr(r.out, "--dof"),
              "score help lacks its options");
    cli_result_free(&r);
}

Test(cli_output, version)
{
    static const char *const runs[][3] = {{"--version"}, {"score", "--version"}};
    for (size_t i = 0; i < 2; i++) {
        struct cli_result r = cli_run_env(NULL, NULL, 0, runs[i]);
        cr_expect_eq(r.status, 0, "%s: status %d", runs[i][0], r.status);
        cr_expect_str_empty(r.err, "%s: stderr '%s'", runs[i][0], r.err);
        cr_expect_eq(strncmp(r.out, "levyscore ", 10), 0, "%s: version line '%s'", runs[i][0], r.out);
        const char *at = r.out + 10;
        cr_expect(isdigit((unsigned char)*at), "%s: no version number in '%s'", runs[i][0], r.out);
        while (isdigit((unsigned char)*at) || *at == '.')
            at++;
        cr_expect_str_eq(at, "\n", "%s: version line '%s' is not 'levyscore X.Y.Z'", runs[i][0], r.out);
        cli_result_free(&r);
    }
}

Test(cli_output, quiet_on_success)
{
    char folder[4096];
    snprintf(folder, sizeof folder, "%s", scratch_folder());
    char out[4200];
    snprintf(out, sizeof out, "%s/kept.npy", folder);
    const char *input = data_path("npy/width384_f4.npy");

    const char *const runs[][8] = {
        {"score", input},
        {"score", "--to", "npy", input},
        {"filter", "--keep", "0.5", input},
        {"filter", "--min-score", "-1000", input},
        {"filter", "--keep", "0.5", "-o", out, input},
    };
    for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) {
        struct cli_result r = cli_run_env(NULL, NULL, 0, runs[i]);
        cr_expect_eq(r.status, 0, "run %zu (%s %s): status %d", i, runs[i][0], runs[i][1], r.status);
        cr_expect_str_empty(r.err, "run %zu (%s %s): stderr '%s'", i, runs[i][0], runs[i][1], r.err);
        cli_result_free(&r);
    }
    cr_expect_str_eq(folder_listing(folder), "kept.npy", "folder contains '%s'", folder_listing(folder));
    scratch_remove(folder);
}
