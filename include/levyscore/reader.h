#ifndef LEVYSCORE_READER_H
#define LEVYSCORE_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "levyscore/dtype.h"
#include "levyscore/error.h"
#include "levyscore/input.h"

enum input_format {
    FORMAT_AUTO,
    FORMAT_NPY,
    FORMAT_CSV,
    FORMAT_TSV,
    FORMAT_RAW,
    FORMAT_JSONL,
};

/* Settings from the command line that readers need; zero means "detect" or "default". */
struct reader_options {
    enum input_format format;
    bool keep_bytes;            /* fill batch.bytes: filter writes rows back as they came */

    /* Delimited text. */
    char delimiter;             /* 0: detect from the first line */
    int header;                 /* -1: detect, 0: none, 1: present */
    const char *id_column;      /* name or 1-based number, or NULL */
    const char *columns;        /* 1-based ranges such as "2-385", or NULL */

    /* Raw binary. */
    size_t raw_width;
    enum dtype raw_dtype;

    /* JSON lines. */
    const char *field;
    const char *id_field;
};

/*
 * A run of consecutive rows. Every pointer stays valid until the next reader_next or reader_close.
 */
struct batch {
    uint64_t first_row;             /* 0-based index of rows[0] in the input */
    size_t rows;
    size_t width;                   /* values per row */
    enum dtype dtype;
    const void *values;             /* rows * width values, row-major, host byte order */

    /* With keep_bytes: row i was bytes[byte_offsets[i] .. byte_offsets[i + 1]) in the input
     * (a text row without its line end; a Fortran-order .npy row gathered in C order). */
    const unsigned char *bytes;
    const size_t *byte_offsets;

    const uint64_t *lines;          /* 1-based line of each row in text formats, else NULL */
    const char *const *ids;         /* id of each row when the input has ids, else NULL */
};

/* Layout of the input that a writer needs to write rows back in the same format. */
struct reader_layout {
    enum input_format format;
    /* .npy: the descr as read (byte order kept) and the row width; rows are written C order. */
    char npy_descr[16];
    /* Text: bytes that precede the first row (byte-order mark, header line with its end), and
     * the line end to write after each row. */
    const unsigned char *prelude;
    size_t prelude_size;
    const char *line_end;
};

struct reader;

/* Operations each format implements. */
struct reader_ops {
    /* Fill batch with the next rows: 1 with rows, 0 at end of input, -1 with error set. */
    int (*next)(struct reader *reader, struct batch *batch, struct error *error);
    /* Start again at the first row (the input must have been opened for two passes). */
    bool (*rewind)(struct reader *reader, struct error *error);
    void (*destroy)(struct reader *reader);
    /*
     * Parse the values (and ids) of rows [first, first + count) of the batch next returned, for
     * text formats whose next only splits lines. Threads may decode disjoint row ranges of one
     * batch at once. Returns false with error set at the first bad row of the range. NULL when
     * next delivers parsed values.
     */
    bool (*decode)(struct reader *reader, const struct batch *batch, size_t first, size_t count, struct error *error);
};

/* State common to every format; each reader embeds it first. */
struct reader {
    const struct reader_ops *ops;
    struct input *in;
    enum input_format format;
    size_t width;                   /* 0 until known */
    int64_t rows;                   /* total rows when known up front, else -1 */
    bool has_ids;
    struct reader_layout layout;
    /* What detection decided (delimiter, header, id column), one line for -v; empty if nothing. */
    char note[512];
    /* A detection decision the user should check even without -v; empty if none. */
    char warning[256];
    /* Set by a caller that calls reader_decode on every batch itself, to spread it over threads;
     * otherwise reader_next decodes each batch whole. */
    bool deferred_decode;
};

/*
 * Open path (NULL or "-" for stdin) and read its header. With two_passes, reader_rewind can
 * restart the input, because a pipe is then spooled to a temporary file. Returns NULL with error
 * set; the error text names no file, so the caller adds it.
 */
struct reader *reader_open(const char *path, const struct reader_options *options, bool two_passes,
                           struct error *error);

static inline int reader_next(struct reader *reader, struct batch *batch, struct error *error)
{
    int got = reader->ops->next(reader, batch, error);
    if (got > 0 && reader->ops->decode && !reader->deferred_decode &&
        !reader->ops->decode(reader, batch, 0, batch->rows, error))
        return -1;
    return got;
}

/* Decode rows [first, first + count) of batch when the caller set deferred_decode. */
static inline bool reader_decode(struct reader *reader, const struct batch *batch, size_t first, size_t count,
                                 struct error *error)
{
    return !reader->ops->decode || reader->ops->decode(reader, batch, first, count, error);
}

static inline bool reader_rewind(struct reader *reader, struct error *error)
{
    return reader->ops->rewind(reader, error);
}

/* Name of the input for messages: the path or "<stdin>". */
const char *reader_name(const struct reader *reader);

void reader_close(struct reader *reader);

/* Format-specific constructors, called by reader_open once the format is known. */
struct reader *npy_reader_open(struct input *in, const struct reader_options *options, struct error *error);
struct reader *csv_reader_open(struct input *in, const struct reader_options *options, struct error *error);
struct reader *raw_reader_open(struct input *in, const struct reader_options *options, struct error *error);
struct reader *jsonl_reader_open(struct input *in, const struct reader_options *options, struct error *error);

/* Rows per batch for rows of row_bytes bytes: about 4 MiB of values, at least one row. */
size_t reader_batch_rows(size_t row_bytes);

/*
 * reader_batch_rows, but no more rows than a seekable input can hold when each row takes at
 * least min_input_bytes of it, so that small files get small buffers.
 */
size_t reader_batch_rows_for(const struct input *in, size_t row_bytes, size_t min_input_bytes);

#endif
