#ifndef LEVYSCORE_NPY_WRITER_H
#define LEVYSCORE_NPY_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "levyscore/error.h"
#include "levyscore/output.h"

/*
 * Writes a C-order 2-D .npy of rows of width values of type descr. When the row count is not
 * known up front, a seekable output gets a header with room for any count, rewritten at the end;
 * any other output has the rows spooled to a temporary file and copied after the final header.
 */
struct npy_writer;

/* rows < 0: unknown until npy_writer_finish. */
struct npy_writer *npy_writer_open(struct output *out, const char *descr, uint64_t width, int64_t rows,
                                   struct error *error);

/* Append n bytes of whole rows. */
bool npy_writer_write(struct npy_writer *writer, const void *data, size_t n, struct error *error);

/* Write the final header if needed, and free the writer. rows is the number of rows written. */
bool npy_writer_finish(struct npy_writer *writer, uint64_t rows, struct error *error);

/* Free the writer after a failure. */
void npy_writer_discard(struct npy_writer *writer);

#endif
