#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_run.h"
#include "data.h"

/* One line of tests/data/shards/expected_keep.tsv. */
struct expected_keep {
    char fraction[16];
    char kept_indices[1024];
    double cut;
    long at_or_above;
};

static struct expected_keep read_expected(const char *fraction)
{
    FILE *file = fopen(data_path("shards/expected_keep.tsv"), "r");
    cr_assert_not_null(file);
    char line[2048];
    struct expected_keep row = {0};
    while (fgets(line, sizeof line, file)) {
        char cut_text[64];
        if (sscanf(line, "%15s %1023s %63s %ld", row.fraction, row.kept_indices, cut_text, &row.at_or_above) == 4 &&
            strcmp(row.fraction, fraction) == 0) {
            row.cut = strtod(cut_text, NULL);
            fclose(file);
            return row;
        }
    }
    fclose(file);
    cr_assert_fail("no expected line for --keep %s", fraction);
    return row;
}

/* Run a shell command in tests/data/shards and return its stdout, asserting success. */
static char *shell_output(const char *command)
{
    char line[4096];
    snprintf(line, sizeof line, "cd '%s' && %s", data_path("shards"), command);
    struct cli_result r = cli_run_shell(line);
    cr_assert_eq(r.status, 0, "%s\nexited %d, stderr: %s", command, r.status, r.err);
    cr_assert_str_empty(r.err, "%s wrote to stderr: %s", command, r.err);
    free(r.err);
    return r.out;
}

/* Run a shell command in tests/data/shards, whatever its status. */
static struct cli_result shell_result(const char *command)
{
    char line[4096];
    snprintf(line, sizeof line, "cd '%s' && %s", data_path("shards"), command);
    return cli_run_shell(line);
}

/* Indices one per line as "a,b,c". */
static void join_lines(char *text)
{
    size_t length = strlen(text);
    while (length > 0 && text[length - 1] == '\n')
        text[--length] = '\0';
    for (char *c = text; *c; c++)
        if (*c == '\n')
            *c = ',';
}

static void check_threshold(const char *fraction)
{
    struct expected_keep expected = read_expected(fraction);
    char command[256];
    snprintf(command, sizeof command, "\"$LEVYSCORE\" threshold --keep %s shard0.npy shard1.npy shard2.npy", fraction);
    char *out = shell_output(command);

    double cut;
    long rows, target, kept;
    cr_assert_eq(sscanf(out, "score\trows\ttarget\tkept\n%lf\t%ld\t%ld\t%ld", &cut, &rows, &target, &kept), 4,
                 "unexpected output: %s", out);
    cr_expect_eq(rows, 64);
    cr_expect_leq(fabs(cut - expected.cut), 4e-15 * fabs(expected.cut), "cut %.17g, expected %.17g", cut,
                  expected.cut);
    cr_expect_eq(kept, expected.at_or_above, "kept %ld, expected %ld", kept, expected.at_or_above);
    free(out);
}

Test(threshold, cut_without_ties)
{
    check_threshold("0.3");
}

Test(threshold, cut_with_ties_counts_them)
{
    check_threshold("0.5");
}

Test(threshold, keep_all)
{
    check_threshold("1");
}

Test(threshold, single_keep_matches_numpy)
{
    struct expected_keep expected = read_expected("0.5");
    char *out = shell_output("\"$LEVYSCORE\" filter --keep 0.5 --print-index all.npy");
    join_lines(out);
    cr_expect_str_eq(out, expected.kept_indices);
    free(out);
}

Test(threshold, stdin_rejected)
{
    struct cli_result r = cli_run("", 0, "threshold", "--keep", "0.5", "-");
    cr_expect_eq(r.status, 2);
    cr_expect(strstr(r.err, "each must be a regular file") != NULL, "stderr: %s", r.err);
    cli_result_free(&r);
}

Test(threshold, pipe_path_rejected)
{
    struct cli_result r = shell_result("cat shard1.npy | \"$LEVYSCORE\" threshold --keep 0.5 shard0.npy /dev/stdin");
    cr_expect_eq(r.status, 2, "stderr: %s", r.err);
    cr_expect(strstr(r.err, "/dev/stdin: threshold reads its inputs several times") != NULL, "stderr: %s", r.err);
    cli_result_free(&r);
}

Test(threshold, output_naming_any_input_rejected)
{
    struct cli_result r = shell_result("\"$LEVYSCORE\" threshold --keep 0.5 shard0.npy shard1.npy -o shard1.npy");
    cr_expect_eq(r.status, 2, "stderr: %s", r.err);
    cr_expect(strstr(r.err, "'shard1.npy' is an input file") != NULL, "stderr: %s", r.err);
    cli_result_free(&r);
}

/* The documented recipe: one threshold over all shards, then filter --min-score per shard with
 * GNU parallel. Without ties at the cut it keeps the same rows as one --keep over all rows. */
Test(threshold, parallel_recipe_matches_keep)
{
    if (access("/usr/bin/parallel", X_OK) != 0)
        cr_skip_test("GNU parallel is not installed (Debian package parallel)");
    struct expected_keep expected = read_expected("0.3");
    char *out = shell_output(
        "cut=$(\"$LEVYSCORE\" threshold --keep 0.3 shard0.npy shard1.npy shard2.npy | awk 'NR == 2 { print $1 }') && "
        "export cut && "
        "parallel --will-cite --keep-order '\"$LEVYSCORE\" filter --min-score=\"$cut\" --print-index {2} "
        "| awk -v offset={1} \"{ print \\$1 + offset }\"' ::: 0 22 45 :::+ shard0.npy shard1.npy shard2.npy");
    join_lines(out);
    cr_expect_str_eq(out, expected.kept_indices);
    free(out);
}
