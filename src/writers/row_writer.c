#include "levyscore/row_writer.h"

#include <stdlib.h>
#include <string.h>

#include "levyscore/npy_writer.h"

struct row_writer {
    struct output *out;
    struct npy_writer *npy;
    const char *line_end;       /* NULL for binary formats */
    uint64_t rows_written;
};

struct row_writer *row_writer_open(struct output *out, const struct reader_layout *layout, size_t width,
                                   int64_t rows, struct error *error)
{
    struct row_writer *writer = calloc(1, sizeof *writer);
    if (!writer) {
        error_set(error, "out of memory");
        return NULL;
    }
    writer->out = out;

    bool ok = true;
    if (layout->format == FORMAT_NPY) {
        writer->npy = npy_writer_open(out, layout->npy_descr, width, rows, error);
        ok = writer->npy != NULL;
    } else {
        writer->line_end = layout->line_end;
        if (layout->prelude_size > 0)
            ok = output_write(out, layout->prelude, layout->prelude_size, error);
    }
    if (!ok) {
        row_writer_discard(writer);
        return NULL;
    }
    return writer;
}

bool row_writer_write(struct row_writer *writer, const struct batch *batch, size_t i, struct error *error)
{
    const unsigned char *row = batch->bytes + batch->byte_offsets[i];
    size_t size = batch->byte_offsets[i + 1] - batch->byte_offsets[i];
    writer->rows_written++;

    if (writer->npy)
        return npy_writer_write(writer->npy, row, size, error);
    if (!output_write(writer->out, row, size, error))
        return false;
    return !writer->line_end || output_write(writer->out, writer->line_end, strlen(writer->line_end), error);
}

bool row_writer_finish(struct row_writer *writer, struct error *error)
{
    bool ok = true;
    if (writer->npy) {
        ok = npy_writer_finish(writer->npy, writer->rows_written, error);
        writer->npy = NULL;
    }
    row_writer_discard(writer);
    return ok;
}

void row_writer_discard(struct row_writer *writer)
{
    if (!writer)
        return;
    npy_writer_discard(writer->npy);
    free(writer);
}
