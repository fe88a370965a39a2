#include "levyscore/npy_writer.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "levyscore/npy_header.h"
#include "levyscore/tempfile.h"

#define HEADER_CAPACITY 512
#define SPOOL_BUFFER (1u << 20)

struct npy_writer {
    struct output *out;
    char descr[16];
    uint64_t width;
    int64_t rows;               /* as promised at open, or -1 */
    size_t header_size;         /* bytes of the placeholder header, when one was written */
    int spool_fd;               /* rows waiting for the header, or -1 */
    unsigned char *spool_buffer;
    size_t spool_used;
};

static bool write_header(struct npy_writer *writer, uint64_t rows, bool fixed_width, struct error *error,
                         unsigned char *header, size_t *size)
{
    uint64_t shape[2] = {rows, writer->width};
    *size = npy_write_header(header, HEADER_CAPACITY, writer->descr, shape, 2, fixed_width);
    if (*size == 0) {
        error_set(error, "cannot write a .npy header for descr '%s'", writer->descr);
        return false;
    }
    return true;
}

struct npy_writer *npy_writer_open(struct output *out, const char *descr, uint64_t width, int64_t rows,
                                   struct error *error)
{
    struct npy_writer *writer = calloc(1, sizeof *writer);
    if (!writer) {
        error_set(error, "out of memory");
        return NULL;
    }
    writer->out = out;
    snprintf(writer->descr, sizeof writer->descr, "%s", descr);
    writer->width = width;
    writer->rows = rows;
    writer->spool_fd = -1;

    unsigned char header[HEADER_CAPACITY];
    size_t size;
    if (rows >= 0 || output_seekable(out)) {
        bool placeholder = rows < 0;
        if (!write_header(writer, placeholder ? 0 : (uint64_t)rows, placeholder, error, header, &size) ||
            !output_write(out, header, size, error))
            goto fail;
        writer->header_size = placeholder ? size : 0;
        return writer;
    }

    writer->spool_fd = tempfile_create_unlinked(error);
    writer->spool_buffer = malloc(SPOOL_BUFFER);
    if (writer->spool_fd < 0 || !writer->spool_buffer) {
        if (writer->spool_fd >= 0)
            error_set(error, "out of memory");
        goto fail;
    }
    return writer;

fail:
    npy_writer_discard(writer);
    return NULL;
}

static bool spool_flush(struct npy_writer *writer, struct error *error)
{
    const unsigned char *data = writer->spool_buffer;
    size_t n = writer->spool_used;
    while (n > 0) {
        ssize_t written = write(writer->spool_fd, data, n);
        if (written < 0 && errno == EINTR)
            continue;
        if (written < 0) {
            error_set_errno(error, errno, "cannot write the temporary file that holds the rows");
            return false;
        }
        data += written;
        n -= (size_t)written;
    }
    writer->spool_used = 0;
    return true;
}

bool npy_writer_write(struct npy_writer *writer, const void *data, size_t n, struct error *error)
{
    if (writer->spool_fd < 0)
        return output_write(writer->out, data, n, error);

    const unsigned char *bytes = data;
    while (n > 0) {
        if (writer->spool_used == SPOOL_BUFFER && !spool_flush(writer, error))
            return false;
        size_t step = SPOOL_BUFFER - writer->spool_used;
        if (step > n)
            step = n;
        memcpy(writer->spool_buffer + writer->spool_used, bytes, step);
        writer->spool_used += step;
        bytes += step;
        n -= step;
    }
    return true;
}

/* Send the spooled rows to the output after the header. */
static bool copy_spool(struct npy_writer *writer, struct error *error)
{
    if (!spool_flush(writer, error))
        return false;
    if (lseek(writer->spool_fd, 0, SEEK_SET) != 0) {
        error_set_errno(error, errno, "cannot read back the temporary file that holds the rows");
        return false;
    }
    for (;;) {
        ssize_t got = read(writer->spool_fd, writer->spool_buffer, SPOOL_BUFFER);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            error_set_errno(error, errno, "cannot read back the temporary file that holds the rows");
            return false;
        }
        if (got == 0)
            return true;
        if (!output_write(writer->out, writer->spool_buffer, (size_t)got, error))
            return false;
    }
}

bool npy_writer_finish(struct npy_writer *writer, uint64_t rows, struct error *error)
{
    bool ok = true;
    unsigned char header[HEADER_CAPACITY];
    size_t size;

    if (writer->rows >= 0 && (uint64_t)writer->rows != rows) {
        error_set(error, "internal error: promised %" PRId64 " rows in the .npy header, wrote %" PRIu64,
                  writer->rows, rows);
        ok = false;
    } else if (writer->header_size > 0) {
        ok = write_header(writer, rows, true, error, header, &size) && size == writer->header_size &&
             output_pwrite(writer->out, header, size, 0, error);
    } else if (writer->spool_fd >= 0) {
        ok = write_header(writer, rows, false, error, header, &size) && output_write(writer->out, header, size, error) &&
             copy_spool(writer, error);
    }
    npy_writer_discard(writer);
    return ok;
}

void npy_writer_discard(struct npy_writer *writer)
{
    if (!writer)
        return;
    if (writer->spool_fd >= 0)
        close(writer->spool_fd);
    free(writer->spool_buffer);
    free(writer);
}
