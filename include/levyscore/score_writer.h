#ifndef LEVYSCORE_SCORE_WRITER_H
#define LEVYSCORE_SCORE_WRITER_H

#include <stdbool.h>
#include <stdint.h>

#include "levyscore/error.h"
#include "levyscore/output.h"
#include "levyscore/reader.h"

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
 */
struct score_writer;

struct score_writer *score_writer_open(struct output *out, enum score_format format, bool header, bool with_ids,
                                       int64_t rows, struct error *error);

bool score_writer_write(struct score_writer *writer, const struct batch *batch, const double *norms,
                        const double *scores, struct error *error);

/* Complete the output (the .npy header when the row count was unknown) and free the writer. */
bool score_writer_finish(struct score_writer *writer, struct error *error);

void score_writer_discard(struct score_writer *writer);

#endif
