#ifndef LEVYSCORE_ROW_WRITER_H
#define LEVYSCORE_ROW_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "levyscore/error.h"
#include "levyscore/output.h"
#include "levyscore/reader.h"

/*
 * Output of `filter`: kept rows in the input's own format, each row's bytes as they came.
 * .npy gets a C-order header with the input's descr and shape (kept, width); text gets the
 * input's prelude (byte-order mark, header line) and each row followed by the input's line end;
 * raw gets the bare row bytes.
 */
struct row_writer;

/* rows: the number of rows that will be written, or -1 when unknown. */
struct row_writer *row_writer_open(struct output *out, const struct reader_layout *layout, size_t width,
                                   int64_t rows, struct error *error);

/* Append row i of batch. */
bool row_writer_write(struct row_writer *writer, const struct batch *batch, size_t i, struct error *error);

bool row_writer_finish(struct row_writer *writer, struct error *error);

void row_writer_discard(struct row_writer *writer);

#endif
