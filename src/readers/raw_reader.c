/*
 * Reader for raw little-endian floats with no header, as ndarray.tofile and many vector stores
 * write them: --dim values of --dtype per row, rows back to back. Nothing in the bytes gives the
 * row width, so the size check is the only defence against a wrong --dim or --dtype.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "levyscore/limits.h"
#include "levyscore/reader.h"

struct raw_reader {
    struct reader base;
    enum dtype dtype;
    size_t item_size;
    size_t row_bytes;
    size_t batch_rows;
    uint64_t next_row;
    bool partial_row;           /* the input ended inside a row: an error after the whole rows */
    uint64_t partial_size;      /* input size in bytes, when partial_row */
    unsigned char first_bytes[4];   /* start of the input, for the .fvecs hint */
    size_t first_bytes_size;
    unsigned char *bytes;       /* batch rows as in the input */
    unsigned char *swapped;     /* the same values in host byte order, on a big-endian host */
    size_t *byte_offsets;
    size_t offsets_filled;      /* entries of byte_offsets set so far */
};

static bool host_is_little_endian(void)
{
    const uint16_t one = 1;
    unsigned char first;
    memcpy(&first, &one, 1);
    return first == 1;
}

static void swap_bytes(unsigned char *out, const unsigned char *in, size_t count, size_t item_size)
{
    for (size_t i = 0; i < count; i++, in += item_size, out += item_size)
        for (size_t b = 0; b < item_size; b++)
            out[b] = in[item_size - 1 - b];
}

static const char *dtype_option_name(enum dtype dtype)
{
    switch (dtype) {
    case DTYPE_F16:
        return "f2";
    case DTYPE_F32:
        return "f4";
    case DTYPE_F64:
        return "f8";
    }
    return "?";
}

/* A .fvecs file stores each row as a little-endian int32 dimension followed by that many
 * float32 values, so its rows are 4 bytes longer than --dim f4 rows. */
static bool looks_like_fvecs(const struct raw_reader *reader, uint64_t size)
{
    if (reader->dtype != DTYPE_F32 || reader->first_bytes_size < 4)
        return false;
    const unsigned char *b = reader->first_bytes;
    uint32_t dimension = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
    return dimension == reader->base.width && size % (reader->row_bytes + 4) == 0;
}

static void set_size_error(const struct raw_reader *reader, const char *what, uint64_t size, struct error *error)
{
    const char *hint = looks_like_fvecs(reader, size)
                           ? "; each row starts with its dimension as in .fvecs, which is not raw input"
                           : "; check --dim and --dtype";
    error_set(error, "%s size %" PRIu64 " bytes is not a multiple of the row size %zu bytes (%zu x %s)%s", what, size,
              reader->row_bytes, reader->base.width, dtype_option_name(reader->dtype), hint);
}

static int raw_next(struct reader *base, struct batch *batch, struct error *error)
{
    struct raw_reader *reader = (struct raw_reader *)base;
    if (reader->partial_row) {
        set_size_error(reader, "input", reader->partial_size, error);
        return -1;
    }

    size_t size = reader->batch_rows * reader->row_bytes;
    int64_t got = input_read(base->in, reader->bytes, size, error);
    if (got < 0)
        return -1;

    /* input_read returns less than requested only at the end of the input. */
    size_t rows = (size_t)got / reader->row_bytes;
    if ((size_t)got % reader->row_bytes != 0) {
        reader->partial_row = true;
        reader->partial_size = reader->next_row * reader->row_bytes + (uint64_t)got;
    }
    if (rows == 0 && reader->partial_row) {
        set_size_error(reader, "input", reader->partial_size, error);
        return -1;
    }
    if (rows == 0)
        return 0;

    /* NOTE: the swap runs only on big-endian hosts, and the tests run on little-endian ones. */
    const unsigned char *values = reader->bytes;
    if (reader->swapped) {
        swap_bytes(reader->swapped, reader->bytes, rows * base->width, reader->item_size);
        values = reader->swapped;
    }

    /* Offsets are filled per batch: filling the whole table at open would touch up to 8 MiB for a
     * pipe of a few rows. */
    for (size_t i = reader->offsets_filled; i <= rows; i++)
        reader->byte_offsets[i] = i * reader->row_bytes;
    if (rows + 1 > reader->offsets_filled)
        reader->offsets_filled = rows + 1;

    *batch = (struct batch){
        .first_row = reader->next_row,
        .rows = rows,
        .width = base->width,
        .dtype = reader->dtype,
        .values = values,
        .bytes = reader->bytes,
        .byte_offsets = reader->byte_offsets,
    };
    reader->next_row += rows;
    return 1;
}

static bool raw_rewind(struct reader *base, struct error *error)
{
    struct raw_reader *reader = (struct raw_reader *)base;
    reader->next_row = 0;
    reader->partial_row = false;
    return input_rewind(base->in, error);
}

static void raw_destroy(struct reader *base)
{
    struct raw_reader *reader = (struct raw_reader *)base;
    free(reader->bytes);
    free(reader->swapped);
    free(reader->byte_offsets);
    free(reader);
}

static const struct reader_ops raw_ops = {.next = raw_next, .rewind = raw_rewind, .destroy = raw_destroy};

/* Copy the first bytes for the .fvecs hint. They stay buffered, so the read position does not move. */
static bool peek_first_bytes(struct raw_reader *reader, struct error *error)
{
    int64_t got = input_fill(reader->base.in, sizeof reader->first_bytes, error);
    if (got < 0)
        return false;
    reader->first_bytes_size = (size_t)got < sizeof reader->first_bytes ? (size_t)got : sizeof reader->first_bytes;
    memcpy(reader->first_bytes, input_data(reader->base.in), reader->first_bytes_size);
    return true;
}

struct reader *raw_reader_open(struct input *in, const struct reader_options *options, struct error *error)
{
    if (options->raw_width == 0 || options->raw_width > ROW_WIDTH_MAX) {
        error_set(error, "raw input needs --dim from 1 to %u values per row", ROW_WIDTH_MAX);
        return NULL;
    }
    struct raw_reader *reader = calloc(1, sizeof *reader);
    if (!reader) {
        error_set(error, "out of memory");
        return NULL;
    }
    reader->base.ops = &raw_ops;
    reader->base.in = in;
    reader->base.format = FORMAT_RAW;
    reader->base.layout.format = FORMAT_RAW;
    reader->base.width = options->raw_width;
    reader->base.rows = -1;
    reader->dtype = options->raw_dtype;
    reader->item_size = dtype_size(reader->dtype);
    reader->row_bytes = reader->base.width * reader->item_size;
    reader->batch_rows = reader_batch_rows_for(in, reader->row_bytes, reader->row_bytes);

    if (!peek_first_bytes(reader, error))
        goto fail;

    /* A seekable file is checked up front, so that nothing is printed for a wrong size. */
    int64_t size = input_size(in);
    if (size >= 0) {
        if ((uint64_t)size % reader->row_bytes != 0) {
            set_size_error(reader, "file", (uint64_t)size, error);
            goto fail;
        }
        reader->base.rows = (int64_t)((uint64_t)size / reader->row_bytes);
    }

    reader->bytes = malloc(reader->batch_rows * reader->row_bytes);
    reader->byte_offsets = malloc((reader->batch_rows + 1) * sizeof *reader->byte_offsets);
    if (!host_is_little_endian())
        reader->swapped = malloc(reader->batch_rows * reader->row_bytes);
    if (!reader->bytes || !reader->byte_offsets || (!host_is_little_endian() && !reader->swapped)) {
        error_set(error, "out of memory for a batch of %zu rows of %zu bytes", reader->batch_rows, reader->row_bytes);
        goto fail;
    }
    snprintf(reader->base.note, sizeof reader->base.note, "raw rows of %zu x %s, %zu bytes each",
             reader->base.width, dtype_option_name(reader->dtype), reader->row_bytes);
    return &reader->base;

fail:
    raw_destroy(&reader->base);
    return NULL;
}
