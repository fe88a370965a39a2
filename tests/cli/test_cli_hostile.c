/*
 * Hostile input: every file in tests/hostile/ (see its MANIFEST.tsv) and a few inputs too large to
 * commit must end in exit status 1 with one message naming the problem, within a second and in
 * bounded memory.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_run.h"
#include "data.h"

/* Peak memory a rejected input may cost: the largest row (64 MiB) plus buffers. AddressSanitizer
 * keeps freed memory in quarantine and adds shadow memory, so its builds get more room. */
#ifdef LEVYSCORE_SANITIZED
#define HOSTILE_RSS_MAX_KB (512 * 1024)
#else
#define HOSTILE_RSS_MAX_KB (100 * 1024)
#endif

static void expect_rejected(const struct cli_result *r, const char *what, const char *expected, double seconds_max)
{
    cr_expect_eq(r->status, 1, "%s: exit status %d, stderr: %s", what, r->status, r->err);
    cr_expect(strstr(r->err, expected) != NULL, "%s: stderr lacks '%s': %s", what, expected, r->err);
    cr_expect(strncmp(r->err, "levyscore: ", 11) == 0, "%s: stderr does not start with 'levyscore: ': %s", what,
              r->err);
    cr_expect(strchr(r->err, '\n') == r->err + r->err_size - 1, "%s: stderr is not one line: %s", what, r->err);
    cr_expect_leq(r->seconds, seconds_max, "%s: took %.2f s", what, r->seconds);
    cr_expect_leq(r->max_rss_kb, HOSTILE_RSS_MAX_KB, "%s: used %ld KiB", what, r->max_rss_kb);
}

Test(hostile, manifest_files_rejected)
{
    FILE *manifest = fopen(data_path("../hostile/MANIFEST.tsv"), "r");
    cr_assert_not_null(manifest);
    char line[1024];
    int files = 0;
    cr_assert_not_null(fgets(line, sizeof line, manifest));
    while (fgets(line, sizeof line, manifest)) {
        line[strcspn(line, "\n")] = '\0';
        char *name = strtok(line, "\t");
        char *options = strtok(NULL, "\t");
        char *expected = strtok(NULL, "\t");
        if (!expected) {
            /* No options: the middle field is empty and strtok skipped it. */
            expected = options;
            options = "";
        }

        char command[2048];
        snprintf(command, sizeof command, "exec \"$LEVYSCORE\" score %s '%s'", options,
                 data_path(strcat(strcpy((char[512]){0}, "../hostile/"), name)));
        struct cli_result r = cli_run_shell(command);
        expect_rejected(&r, name, expected, 1.0);
        cr_expect_eq(r.out_size, 0, "%s: wrote to stdout: %.80s", name, r.out);
        cli_result_free(&r);
        files++;
    }
    fclose(manifest);
    cr_assert_geq(files, 30, "only %d hostile files", files);
}

Test(hostile, line_of_1gb_without_newline)
{
    struct cli_result r = cli_run_shell("head -c 1000000000 /dev/zero | tr '\\0' 1 | \"$LEVYSCORE\" score --in-format csv");
    expect_rejected(&r, "1 GB line", "longer than the maximum of 67108864 bytes", 3.0);
    cli_result_free(&r);
}

Test(hostile, csv_line_of_3_million_fields)
{
    struct cli_result r =
        cli_run_shell("{ echo 1,2; yes 1, | head -n 3000000 | tr -d '\\n'; echo; } | \"$LEVYSCORE\" score --in-format csv");
    expect_rejected(&r, "3 million fields", "line 2", 3.0);
    cli_result_free(&r);
}

Test(hostile, json_nested_a_million_deep)
{
    struct cli_result r =
        cli_run_shell("{ head -c 1000000 /dev/zero | tr '\\0' '['; echo; } | \"$LEVYSCORE\" score --in-format jsonl");
    expect_rejected(&r, "nesting", "line 1", 1.0);
    cli_result_free(&r);
}

Test(hostile, json_line_of_22_million_empty_arrays)
{
    /* 63 MiB, under the line limit, but one cJSON node per []: 1.85 GB before the value limit. */
    struct cli_result r = cli_run_shell("{ printf '{\"pad\":['; yes '[],' | head -n 22000000 | tr -d '\\n'; "
                                        "echo '[]],\"embedding\":[1,2]}'; } | \"$LEVYSCORE\" score --in-format jsonl");
    expect_rejected(&r, "22 million []", "line 1, column 3145728: more than the maximum of 1048576 JSON values", 3.0);
    cli_result_free(&r);
}

Test(hostile, json_line_of_10_million_empty_objects)
{
    struct cli_result r = cli_run_shell("{ printf '['; yes '{},' | head -n 10000000 | tr -d '\\n'; echo '[1,2]]'; } | "
                                        "\"$LEVYSCORE\" score --in-format jsonl");
    expect_rejected(&r, "10 million {}", "line 1, column 3145727: more than the maximum of 1048576 JSON values", 3.0);
    cli_result_free(&r);
}

Test(hostile, npy_header_of_a_million_braces)
{
    struct cli_result r = cli_run_shell(
        "{ printf '\\223NUMPY\\002\\000\\100\\102\\017\\000'; head -c 1000000 /dev/zero | tr '\\0' '{'; } | \"$LEVYSCORE\" score");
    expect_rejected(&r, "braces", "header", 1.0);
    cli_result_free(&r);
}

/* Found by fuzz_csv: a last line without a line end that fills the input buffer exactly made the
 * CSV reader read the buffer after growing it had freed it. 1 MiB is the pipe buffer's size. */
Test(hostile, unterminated_line_filling_the_buffer)
{
    struct cli_result r = cli_run_shell(
        "{ yes 1, | tr -d '\\n' | head -c 1048575; printf 1; } | \"$LEVYSCORE\" score --in-format csv --no-in-header");
    cr_expect_eq(r.status, 0, "stderr: %s", r.err);
    cr_expect(strncmp(r.out, "index\tnorm\tscore\n0\t724.160203269967\t", 36) == 0, "stdout: %.120s", r.out);
    cli_result_free(&r);
}
