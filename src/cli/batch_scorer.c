#include "batch_scorer.h"

#include <stdlib.h>
#include <string.h>

#include "levyscore/message.h"
#include "levyscore/score.h"
#include "levyscore/workers.h"

/* Below this many rows a batch is scored by one thread: waking the others costs more. */
#define ROWS_PER_PART_MIN 256

bool batch_scorer_open(struct batch_scorer *scorer, const struct settings *settings)
{
    *scorer = (struct batch_scorer){.settings = settings};
    int threads = settings->threads > 0 ? settings->threads : workers_online_cpus();
    scorer->workers = workers_start(threads);
    scorer->texts = calloc((size_t)threads, sizeof *scorer->texts);
    scorer->part_errors = calloc((size_t)threads, sizeof *scorer->part_errors);
    scorer->part_failed = calloc((size_t)threads, sizeof *scorer->part_failed);
    if (!scorer->workers || !scorer->texts || !scorer->part_errors || !scorer->part_failed) {
        message_error(NULL, "cannot start %d threads", threads);
        batch_scorer_close(scorer);
        return false;
    }
    scorer->parts = workers_count(scorer->workers);
    return true;
}

/* Rows [*first, *first + *count) of part out of parts. */
static void part_rows(size_t rows, int part, int parts, size_t *first, size_t *count)
{
    size_t begin = rows * (size_t)part / (size_t)parts;
    size_t end = rows * (size_t)(part + 1) / (size_t)parts;
    *first = begin;
    *count = end - begin;
}

static void score_part(void *context, int part)
{
    struct batch_scorer *scorer = context;
    const struct batch *batch = scorer->batch;
    int parts = batch->rows < (size_t)ROWS_PER_PART_MIN * (size_t)scorer->parts ? 1 : scorer->parts;
    if (part >= parts)
        return;

    size_t first, count;
    part_rows(batch->rows, part, parts, &first, &count);
    if (scorer->reader->deferred_decode &&
        !reader_decode(scorer->reader, batch, first, count, &scorer->part_errors[part])) {
        scorer->part_failed[part] = true;
        return;
    }
    const unsigned char *values = (const unsigned char *)batch->values + first * batch->width * dtype_size(batch->dtype);
    score_rows(values, count, batch->width, batch->dtype, &scorer->settings->score, scorer->norms + first,
               scorer->scores + first);

    if (scorer->writer) {
        struct text_buffer *text = &scorer->texts[part];
        text->used = 0;
        if (!score_writer_format(scorer->writer, batch, first, count, scorer->norms, scorer->scores, text))
            scorer->out_of_memory = true;
    }
}

bool batch_scorer_run(struct batch_scorer *scorer, struct reader *reader, const struct batch *batch,
                      const struct score_writer *writer, struct error *error)
{
    if (batch->rows > scorer->capacity) {
        free(scorer->norms);
        free(scorer->scores);
        scorer->norms = malloc(batch->rows * sizeof(double));
        scorer->scores = malloc(batch->rows * sizeof(double));
        scorer->capacity = scorer->norms && scorer->scores ? batch->rows : 0;
        if (!scorer->capacity) {
            error_set(error, "out of memory for a batch of %zu rows", batch->rows);
            return false;
        }
    }

    scorer->reader = reader;
    scorer->batch = batch;
    scorer->writer = writer;
    scorer->out_of_memory = false;
    for (int part = 0; part < scorer->parts; part++) {
        scorer->texts[part].used = 0;
        scorer->part_failed[part] = false;
    }
    workers_run(scorer->workers, score_part, scorer);

    /* Parts hold consecutive rows, so the first failed part has the first bad row. */
    for (int part = 0; part < scorer->parts; part++)
        if (scorer->part_failed[part]) {
            *error = scorer->part_errors[part];
            return false;
        }
    if (scorer->out_of_memory) {
        error_set(error, "out of memory while formatting the output");
        return false;
    }
    return true;
}

bool batch_scorer_put(struct batch_scorer *scorer, struct score_writer *writer, struct error *error)
{
    const struct batch *batch = scorer->batch;
    int parts = batch->rows < (size_t)ROWS_PER_PART_MIN * (size_t)scorer->parts ? 1 : scorer->parts;
    for (int part = 0; part < parts; part++) {
        size_t first, count;
        part_rows(batch->rows, part, parts, &first, &count);
        if (!score_writer_put(writer, &scorer->texts[part], count, error))
            return false;
    }
    return true;
}

void batch_scorer_close(struct batch_scorer *scorer)
{
    workers_stop(scorer->workers);
    for (int part = 0; scorer->texts && part < scorer->parts; part++)
        text_buffer_free(&scorer->texts[part]);
    free(scorer->texts);
    free(scorer->part_errors);
    free(scorer->part_failed);
    free(scorer->norms);
    free(scorer->scores);
    *scorer = (struct batch_scorer){0};
}
