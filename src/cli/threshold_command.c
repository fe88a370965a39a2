/*
 * levyscore threshold: the score at which `filter --min-score` keeps ceil(F*N) rows of all the
 * input files together, so that shards can be filtered anywhere in parallel. The cut comes from
 * rank_select: one pass counts the rows and a histogram of the scores, three more narrow the
 * histogram to the exact score, in memory that does not grow with the rows.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "levyscore/format_double.h"
#include "levyscore/message.h"
#include "levyscore/output.h"
#include "levyscore/selection.h"
#include "batch_scorer.h"
#include "run.h"

/* Score every row of every input and count it in select; the first pass also checks the rows. */
static int count_pass(const struct settings *settings, struct batch_scorer *scorer, struct rank_select *select)
{
    for (int i = 0; i < settings->input_count; i++) {
        struct settings one = *settings;
        one.input_path = settings->input_paths[i];
        struct reader *reader = run_open_input(&one, false);
        if (!reader)
            return EXIT_FAILED;
        reader->deferred_decode = true;

        struct row_watch watch;
        row_watch_init(&watch);
        bool first_pass = select->level == 0;
        struct batch batch;
        struct error error;
        int got;
        int status = EXIT_OK;
        while ((got = reader_next(reader, &batch, &error)) > 0) {
            if (!batch_scorer_run(scorer, reader, &batch, NULL, &error)) {
                status = run_input_error(reader, &error);
                break;
            }
            if (first_pass && !row_watch_batch(&watch, settings, reader, &batch, scorer->norms)) {
                status = EXIT_FAILED;
                break;
            }
            for (size_t row = 0; row < batch.rows; row++)
                rank_select_add(select, scorer->scores[row]);
        }
        if (status == EXIT_OK && got < 0)
            status = run_input_error(reader, &error);
        if (status == EXIT_OK && first_pass)
            row_watch_report(&watch, settings, reader);
        reader_close(reader);
        if (status != EXIT_OK)
            return status;
    }
    return EXIT_OK;
}

static int write_result(const struct settings *settings, double cut, uint64_t rows, uint64_t target, uint64_t kept)
{
    struct output *out;
    int status = run_open_output(settings, false, &out);
    if (status != EXIT_OK)
        return status;

    char score[FORMAT_DOUBLE_MAX + 1];
    format_double(score, cut);
    char text[256];
    int length = snprintf(text, sizeof text, "score\trows\ttarget\tkept\n%s\t%" PRIu64 "\t%" PRIu64 "\t%" PRIu64 "\n",
                          score, rows, target, kept);

    struct error error;
    if (!output_write(out, text, (size_t)length, &error)) {
        status = run_output_error(out, &error);
        output_discard(out);
        return status;
    }
    if (!output_commit(out, &error))
        return run_commit_error(settings, &error);
    return EXIT_OK;
}

/* Check that every input is a regular file, which can be read four times, and none is the -o file. */
static int check_inputs(const struct settings *settings)
{
    if (settings->input_count == 0) {
        message_error(NULL, "threshold needs at least one input file");
        return EXIT_USAGE;
    }

    struct stat output;
    bool output_exists = settings->output_path && strcmp(settings->output_path, "-") != 0 &&
                         stat(settings->output_path, &output) == 0;
    for (int i = 0; i < settings->input_count; i++) {
        const char *path = settings->input_paths[i];
        struct stat input;
        if (strcmp(path, "-") == 0 || (stat(path, &input) == 0 && !S_ISREG(input.st_mode))) {
            message_error(path, "threshold reads its inputs several times, so each must be a regular file, "
                                "not stdin, a pipe or a device");
            return EXIT_USAGE;
        }
        if (output_exists && input.st_dev == output.st_dev && input.st_ino == output.st_ino) {
            message_error(NULL, "option -o: '%s' is an input file; write to another file", settings->output_path);
            return EXIT_USAGE;
        }
    }
    return EXIT_OK;
}

int threshold_command(const struct settings *settings)
{
    int checked = check_inputs(settings);
    if (checked != EXIT_OK)
        return checked;

    struct batch_scorer scorer;
    if (!batch_scorer_open(&scorer, settings))
        return EXIT_FAILED;
    static struct rank_select select;
    rank_select_init(&select);

    double cut = INFINITY;
    uint64_t above = 0, at = 0, target = 0;
    int status = count_pass(settings, &scorer, &select);
    if (status == EXIT_OK) {
        target = keep_fraction_count(&settings->keep, select.rows);
        uint64_t valid = select.rows - select.nan_rows;
        uint64_t rank = target < valid ? target : valid;
        while (rank > 0 && status == EXIT_OK && !rank_select_finish_pass(&select, rank, &cut, &above, &at))
            status = count_pass(settings, &scorer, &select);
    }
    batch_scorer_close(&scorer);
    if (status != EXIT_OK)
        return status;

    if (settings->verbose)
        message_note(NULL, "%" PRIu64 " rows in %d files, %" PRIu64 " with a NaN score; %" PRIu64
                           " rows score above the cut and %" PRIu64 " at it",
                     select.rows, settings->input_count, select.nan_rows, above, at);
    return write_result(settings, cut, select.rows, target, above + at);
}
