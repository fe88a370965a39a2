#ifndef LEVYSCORE_SCORE_WRITER_H
#define LEVYSCORE_SCORE_WRITER_H

#include <stdbool.h>
#include <stdint.h>

#include "levyscore/error.h"
#include "levyscore/output.h"
#include "levyscore/reader.h"
#include "levyscore/score.h"
#include "levyscore/text_buffer.h"

enum score_format {
    SCORE_TSV,
    SCORE_CSV,
    SCORE_JSONL,
    SCORE_NPY,
};

/*
 * Per-row output of `score`. Text formats hold, per row: id (only when the input has ids), index,
 * norm, score, with numbers that read back to the same double. .npy holds a float64 array of
 * shape (rows, 2): column 0 the norm, column 1 the score; row i is input row i.
 *
 * With pvalue (score --pvalue), every record gets two more fields after the score: pvalue, the
 * two-sided tail probability of norm / scale under Chi_K, and log_pvalue, its natural log, which
 * stays finite where pvalue underflows to 0. The .npy array then has shape (rows, 4).
 */
struct score_writer;

/* pvalue: the K and scale of the p-value columns (K = 0: the row width), or NULL for none. */
struct score_writer *score_writer_open(struct output *out, enum score_format format, bool header, bool with_ids,
                                       const struct score_settings *pvalue, int64_t rows, struct error *error);

/* Format and send the records of a whole batch; norms and scores are indexed like its rows. */
bool score_writer_write(struct score_writer *writer, const struct batch *batch, const double *norms,
                        const double *scores, struct error *error);

/*
 * Append the records of rows [first, first + count) of batch to text (for .npy, their bytes).
 * Only reads the writer, so threads may format parts of a batch into their own buffers at once.
 * Returns false when memory runs out.
 */
bool score_writer_format(const struct score_writer *writer, const struct batch *batch, size_t first, size_t count,
                         const double *norms, const double *scores, struct text_buffer *text);

/* Send text made by score_writer_format, holding rows records, to the output. */
bool score_writer_put(struct score_writer *writer, const struct text_buffer *text, size_t rows, struct error *error);

/* Complete the output (the .npy header when the row count was unknown) and free the writer. */
bool score_writer_finish(struct score_writer *writer, struct error *error);

void score_writer_discard(struct score_writer *writer);

#endif
