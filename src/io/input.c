#include "levyscore/input.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "levyscore/limits.h"
#include "levyscore/tempfile.h"

/* The buffer starts at this size and grows for long rows up to ROW_BYTES_MAX plus one block. */
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
#define INPUT_BLOCK (16u << 10)
#else
#define INPUT_BLOCK (1u << 20)
#endif

struct input {
    int fd;
    bool owns_fd;
    char *name;
    bool seekable;
    int64_t size;
    uint64_t offset;        /* bytes consumed by the caller */
    unsigned char *buffer;
    size_t capacity;
    size_t start;           /* first unconsumed byte in buffer */
    size_t end;             /* one past the last buffered byte */
    bool at_eof;
    int spool_fd;           /* copy of every byte read from a pipe, or -1 */
};

struct input *input_open(const char *path, bool spool, struct error *error)
{
    bool is_stdin = path == NULL || strcmp(path, "-") == 0;
    const char *name = is_stdin ? "<stdin>" : path;

    int fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        error_set_errno(error, errno, "cannot open");
        return NULL;
    }

    struct stat info;
    if (fstat(fd, &info) != 0) {
        error_set_errno(error, errno, "cannot read file status");
        goto fail_fd;
    }
    if (S_ISDIR(info.st_mode)) {
        error_set(error, "is a directory");
        goto fail_fd;
    }

    struct input *in = calloc(1, sizeof *in);
    if (!in) {
        error_set(error, "out of memory");
        goto fail_fd;
    }
    in->fd = fd;
    in->owns_fd = !is_stdin;
    in->name = strdup(name);
    in->seekable = S_ISREG(info.st_mode) && lseek(fd, 0, SEEK_CUR) == 0;
    in->size = in->seekable ? (int64_t)info.st_size : -1;
    /* A small file gets a buffer of its size, so opening many small files stays cheap. */
    in->capacity = INPUT_BLOCK;
    if (in->seekable && (uint64_t)info.st_size < INPUT_BLOCK)
        in->capacity = info.st_size < 4096 ? 4096 : (size_t)info.st_size + 1;
    in->buffer = malloc(in->capacity);
    in->spool_fd = -1;
    if (!in->name || !in->buffer) {
        error_set(error, "out of memory");
        input_close(in);
        return NULL;
    }

    if (spool && !in->seekable) {
        in->spool_fd = tempfile_create_unlinked(error);
        if (in->spool_fd < 0) {
            input_close(in);
            return NULL;
        }
    }
    return in;

fail_fd:
    if (!is_stdin)
        close(fd);
    return NULL;
}

const char *input_name(const struct input *in)
{
    return in->name;
}

int input_fd(const struct input *in)
{
    return in->fd;
}

bool input_seekable(const struct input *in)
{
    return in->seekable;
}

int64_t input_size(const struct input *in)
{
    return in->size;
}

uint64_t input_offset(const struct input *in)
{
    return in->offset;
}

const unsigned char *input_data(const struct input *in)
{
    return in->buffer + in->start;
}

size_t input_available(const struct input *in)
{
    return in->end - in->start;
}

void input_consume(struct input *in, size_t n)
{
    in->start += n;
    in->offset += n;
}

static bool write_all(int fd, const unsigned char *data, size_t n, struct error *error)
{
    while (n > 0) {
        ssize_t written = write(fd, data, n);
        if (written < 0) {
            if (errno == EINTR)
                continue;
            error_set_errno(error, errno, "cannot write the temporary copy of the input");
            return false;
        }
        data += written;
        n -= (size_t)written;
    }
    return true;
}

/* read(2) once into data, copying to the spool; returns the count, 0 at end, -1 on error. */
static ssize_t read_some(struct input *in, unsigned char *data, size_t n, struct error *error)
{
    for (;;) {
        ssize_t got = read(in->fd, data, n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            error_set_errno(error, errno, "read failed");
            return -1;
        }
        if (got == 0)
            in->at_eof = true;
        if (got > 0 && in->spool_fd >= 0 && !write_all(in->spool_fd, data, (size_t)got, error))
            return -1;
        return got;
    }
}

int64_t input_fill(struct input *in, size_t min, struct error *error)
{
    if (min > (size_t)ROW_BYTES_MAX + INPUT_BLOCK) {
        error_set(error, "row longer than the maximum of %u bytes", ROW_BYTES_MAX);
        return -1;
    }

    while (input_available(in) < min && !in->at_eof) {
        /* Move the unconsumed bytes to the front, then grow if they still do not leave room. */
        if (in->start > 0) {
            memmove(in->buffer, in->buffer + in->start, input_available(in));
            in->end -= in->start;
            in->start = 0;
        }
        if (in->end == in->capacity || in->capacity < min) {
            size_t capacity = in->capacity * 2;
            while (capacity < min)
                capacity *= 2;
            unsigned char *grown = realloc(in->buffer, capacity);
            if (!grown) {
                error_set(error, "out of memory for a row of %zu bytes", min);
                return -1;
            }
            in->buffer = grown;
            in->capacity = capacity;
        }
        ssize_t got = read_some(in, in->buffer + in->end, in->capacity - in->end, error);
        if (got < 0)
            return -1;
        in->end += (size_t)got;
    }
    return (int64_t)input_available(in);
}

int64_t input_read(struct input *in, void *buffer, size_t n, struct error *error)
{
    unsigned char *out = buffer;
    size_t done = input_available(in) < n ? input_available(in) : n;
    memcpy(out, input_data(in), done);
    input_consume(in, done);

    /* Large reads bypass the buffer. */
    while (done < n && !in->at_eof) {
        ssize_t got = read_some(in, out + done, n - done, error);
        if (got < 0)
            return -1;
        done += (size_t)got;
        in->offset += (uint64_t)got;
    }
    return (int64_t)done;
}

int64_t input_pread(struct input *in, void *buffer, size_t n, uint64_t offset, struct error *error)
{
    unsigned char *out = buffer;
    size_t done = 0;
    while (done < n) {
        ssize_t got = pread(in->fd, out + done, n - done, (off_t)(offset + done));
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            error_set_errno(error, errno, "read failed");
            return -1;
        }
        if (got == 0)
            break;
        done += (size_t)got;
    }
    return (int64_t)done;
}

bool input_rewind(struct input *in, struct error *error)
{
    if (in->spool_fd >= 0) {
        /* Drain the pipe so that the spool holds the whole input, then read the spool. */
        while (!in->at_eof) {
            in->start = in->end = 0;
            if (read_some(in, in->buffer, in->capacity, error) < 0)
                return false;
        }
        if (in->owns_fd)
            close(in->fd);
        in->fd = in->spool_fd;
        in->owns_fd = true;
        in->spool_fd = -1;
        in->seekable = true;
    }
    if (lseek(in->fd, 0, SEEK_SET) != 0) {
        error_set_errno(error, errno, "cannot seek back to the start");
        return false;
    }
    in->start = in->end = 0;
    in->offset = 0;
    in->at_eof = false;
    return true;
}

void input_close(struct input *in)
{
    if (!in)
        return;
    if (in->owns_fd)
        close(in->fd);
    if (in->spool_fd >= 0)
        close(in->spool_fd);
    free(in->buffer);
    free(in->name);
    free(in);
}
