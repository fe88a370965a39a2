/* levyscore score: one output line (or .npy row) per input row. */
#include <stdlib.h>

#include "levyscore/message.h"
#include "levyscore/score_writer.h"
#include "batch_scorer.h"
#include "progress.h"
#include "run.h"

int score_command(const struct settings *settings)
{
    struct reader *reader = run_open_input(settings, false);
    if (!reader)
        return EXIT_FAILED;
    reader->deferred_decode = true;

    struct output *out = NULL;
    int status = run_open_output(settings, settings->to == SCORE_NPY, &out);
    if (status != EXIT_OK) {
        reader_close(reader);
        return status;
    }

    struct error error;
    struct batch_scorer scorer = {0};
    struct progress progress = {0};
    struct row_watch watch;
    row_watch_init(&watch);
    struct score_writer *writer =
        score_writer_open(out, settings->to, settings->output_header, reader->has_ids,
                          settings->pvalue ? &settings->score : NULL, reader->rows, &error);
    if (!writer) {
        status = run_output_error(out, &error);
        goto done;
    }
    if (!batch_scorer_open(&scorer, settings)) {
        status = EXIT_FAILED;
        goto done;
    }

    progress_start(&progress, settings, "");
    struct batch batch;
    int got;
    while ((got = reader_next(reader, &batch, &error)) > 0) {
        if (!batch_scorer_run(&scorer, reader, &batch, writer, &error)) {
            status = run_input_error(reader, &error);
            goto done;
        }
        if (!row_watch_batch(&watch, settings, reader, &batch, scorer.norms)) {
            status = EXIT_FAILED;
            goto done;
        }
        if (!batch_scorer_put(&scorer, writer, &error)) {
            status = run_output_error(out, &error);
            goto done;
        }
        progress_update(&progress, reader, watch.rows);
    }
    progress_end(&progress);
    if (got < 0) {
        status = run_input_error(reader, &error);
        goto done;
    }

    bool finished = score_writer_finish(writer, &error);
    writer = NULL;
    if (!finished) {
        status = run_output_error(out, &error);
        goto done;
    }
    bool committed = output_commit(out, &error);
    out = NULL;
    if (!committed) {
        status = run_commit_error(settings, &error);
        goto done;
    }
    row_watch_report(&watch, settings, reader);
    if (settings->verbose)
        message_note(reader_name(reader), "scored %llu rows", (unsigned long long)watch.rows);

done:
    progress_end(&progress);
    score_writer_discard(writer);
    output_discard(out);
    batch_scorer_close(&scorer);
    reader_close(reader);
    return status;
}
