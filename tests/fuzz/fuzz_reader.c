/*
 * libFuzzer target for one input format (FUZZ_FORMAT, set at compile time): the bytes after the
 * first one are the input file. The first byte picks how it is read: bit 0 through a pipe instead
 * of a seekable file, bit 1 with each row's bytes kept (as filter reads), bit 2 read twice with a
 * rewind (as filter --keep reads), bits 3-7 the row width of raw input.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "levyscore/reader.h"
#include "levyscore/score.h"

/* Pipe input must fit the pipe buffer, because this process both writes and reads it. */
#define PIPE_INPUT_MAX 65536

static int write_all(int fd, const uint8_t *data, size_t size)
{
    while (size > 0) {
        ssize_t written = write(fd, data, size);
        if (written <= 0)
            return -1;
        data += written;
        size -= (size_t)written;
    }
    return 0;
}

/* Read every batch and score it, as the commands do. */
static void drain(struct reader *reader)
{
    static double norms[1 << 16], scores[1 << 16];
    struct score_settings settings = {.dof = 0, .scale = 1.0};
    struct batch batch;
    struct error error;
    while (reader_next(reader, &batch, &error) > 0) {
        for (size_t first = 0; first < batch.rows; first += 1 << 16) {
            size_t count = batch.rows - first < (1 << 16) ? batch.rows - first : (1 << 16);
            const unsigned char *values = (const unsigned char *)batch.values + first * batch.width * dtype_size(batch.dtype);
            score_rows(values, count, batch.width, batch.dtype, &settings, norms, scores);
        }
        if (batch.bytes)
            for (size_t i = 0; i < batch.rows; i++)
                (void)batch.bytes[batch.byte_offsets[i + 1] - (batch.byte_offsets[i + 1] > batch.byte_offsets[i])];
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    uint8_t mode = data[0];
    data++;
    size--;
    bool use_pipe = mode & 1;
    bool two_passes = mode & 4;
    if (use_pipe && size > PIPE_INPUT_MAX)
        return 0;

    int fds[2];
    if (use_pipe) {
        if (pipe(fds) != 0)
            return 0;
        if (write_all(fds[1], data, size) != 0) {
            close(fds[0]);
            close(fds[1]);
            return 0;
        }
        close(fds[1]);
    } else {
        fds[0] = memfd_create("fuzz-input", 0);
        if (fds[0] < 0 || write_all(fds[0], data, size) != 0 || lseek(fds[0], 0, SEEK_SET) != 0) {
            if (fds[0] >= 0)
                close(fds[0]);
            return 0;
        }
    }
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fds[0]);

    struct reader_options options = {
        .format = FUZZ_FORMAT,
        .keep_bytes = mode & 2,
        .header = -1,
        .raw_width = 1 + (mode >> 3),
        .raw_dtype = DTYPE_F32,
    };
    struct error error;
    struct reader *reader = reader_open(path, &options, two_passes, &error);
    if (reader) {
        drain(reader);
        if (two_passes && reader_rewind(reader, &error))
            drain(reader);
        reader_close(reader);
    }
    close(fds[0]);
    return 0;
}
