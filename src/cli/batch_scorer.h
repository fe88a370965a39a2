#ifndef LEVYSCORE_CLI_BATCH_SCORER_H
#define LEVYSCORE_CLI_BATCH_SCORER_H

#include <stdbool.h>

#include "levyscore/reader.h"
#include "levyscore/score_writer.h"
#include "settings.h"

/*
 * Norms and scores of a batch, computed by --threads workers that each take a contiguous share
 * of the rows: they decode it (text formats, when the reader's deferred_decode is set), score it,
 * and for `score` also format its output records. Every row's result is the same whatever the
 * number of threads.
 */
struct batch_scorer {
    const struct settings *settings;
    struct workers *workers;
    int parts;
    double *norms;                  /* per row of the current batch */
    double *scores;
    size_t capacity;
    struct text_buffer *texts;      /* per part: formatted records */
    bool out_of_memory;
    struct error *part_errors;      /* per part: the first row it could not decode */
    bool *part_failed;

    /* The run in progress. */
    struct reader *reader;
    const struct batch *batch;
    const struct score_writer *writer;
};

/* Start the workers. Returns false, with a message printed, when threads or memory fail. */
bool batch_scorer_open(struct batch_scorer *scorer, const struct settings *settings);

/*
 * Decode (when reader->deferred_decode is set) and score batch into scorer->norms and
 * scorer->scores; with writer, also format the records, for batch_scorer_put. Returns false with
 * error set at the first row, in input order, that cannot be decoded, or when memory runs out.
 */
bool batch_scorer_run(struct batch_scorer *scorer, struct reader *reader, const struct batch *batch,
                      const struct score_writer *writer, struct error *error);

/* Send the records formatted by the last run to writer, in input order. */
bool batch_scorer_put(struct batch_scorer *scorer, struct score_writer *writer, struct error *error);

void batch_scorer_close(struct batch_scorer *scorer);

#endif
