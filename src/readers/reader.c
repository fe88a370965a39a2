/* Format detection and the parts of the reader interface shared by every format. */
#include "levyscore/reader.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "levyscore/npy_header.h"

/* Bytes of values per batch: large enough to amortise reads and thread hand-offs, small enough
 * that a batch and its copies stay well under 16 MiB of memory. */
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
/* Fuzz targets read small inputs by the thousand: small batches keep each run cheap and put batch
 * boundaries inside them. */
#define BATCH_BYTES (16u << 10)
#else
#define BATCH_BYTES (4u << 20)
#endif

size_t reader_batch_rows(size_t row_bytes)
{
    if (row_bytes == 0 || row_bytes >= BATCH_BYTES)
        return 1;
    return BATCH_BYTES / row_bytes;
}

size_t reader_batch_rows_for(const struct input *in, size_t row_bytes, size_t min_input_bytes)
{
    size_t rows = reader_batch_rows(row_bytes);
    int64_t size = input_size(in);
    if (size >= 0 && min_input_bytes > 0 && (uint64_t)size / min_input_bytes + 1 < rows)
        rows = (size_t)((uint64_t)size / min_input_bytes + 1);
    return rows;
}

static bool has_extension(const char *path, const char *extension)
{
    size_t length = strlen(path);
    size_t extension_length = strlen(extension);
    return length > extension_length && strcasecmp(path + length - extension_length, extension) == 0;
}

/* Pick the format of an input whose first bytes are start[0..n): the magic bytes of .npy, then
 * the file name's extension, then a look at the first text. Raw is never guessed. */
static enum input_format detect_format(const char *path, const unsigned char *start, size_t n)
{
    if (npy_has_magic(start, n))
        return FORMAT_NPY;
    if (path && strcmp(path, "-") != 0) {
        if (has_extension(path, ".npy"))
            return FORMAT_NPY;
        if (has_extension(path, ".tsv") || has_extension(path, ".tab"))
            return FORMAT_TSV;
        if (has_extension(path, ".csv") || has_extension(path, ".txt"))
            return FORMAT_CSV;
        if (has_extension(path, ".jsonl") || has_extension(path, ".ndjson"))
            return FORMAT_JSONL;
    }

    /* JSON lines start with '{' or '['; anything else is taken as delimited text. */
    size_t i = 0;
    if (n >= 3 && memcmp(start, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    while (i < n && (start[i] == ' ' || start[i] == '\t' || start[i] == '\r' || start[i] == '\n'))
        i++;
    if (i < n && (start[i] == '{' || start[i] == '['))
        return FORMAT_JSONL;
    return FORMAT_CSV;
}

/* Name of a compressed or archive format that start[0..n) begins with, or NULL. */
static const char *compressed_format(const unsigned char *start, size_t n)
{
    static const struct {
        const char *magic;
        size_t size;
        const char *name;
    } formats[] = {
        {"\x1f\x8b", 2, "gzip-compressed; decompress it first, for example: zcat FILE | levyscore ..."},
        {"\x28\xb5\x2f\xfd", 4, "zstd-compressed; decompress it first, for example: zstdcat FILE | levyscore ..."},
        {"\xfd" "7zXZ", 6, "xz-compressed; decompress it first, for example: xzcat FILE | levyscore ..."},
        {"BZh", 3, "bzip2-compressed; decompress it first, for example: bzcat FILE | levyscore ..."},
        {"PK\x03\x04", 4, "a ZIP archive (such as a .npz file), not text; extract it first (unzip)"},
    };
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
        if (n >= formats[i].size && memcmp(start, formats[i].magic, formats[i].size) == 0)
            return formats[i].name;
    return NULL;
}

/*
 * Reject binary data where text is expected: a compressed file or archive, or text with a NUL
 * byte in its first 4 KiB. Read as text, such data would end in a wrong error or, worse, in a
 * header line and no rows.
 */
static bool check_text(struct input *in, struct error *error)
{
    int64_t got = input_fill(in, 4096, error);
    if (got < 0)
        return false;
    const unsigned char *start = input_data(in);
    size_t n = (size_t)got < 4096 ? (size_t)got : 4096;

    const char *compressed = compressed_format(start, n);
    if (compressed) {
        error_set(error, "the input is %s", compressed);
        return false;
    }
    /* UTF-16 text is full of NUL bytes; the text readers name its encoding instead. */
    bool utf16 = n >= 2 && ((start[0] == 0xFF && start[1] == 0xFE) || (start[0] == 0xFE && start[1] == 0xFF));
    const unsigned char *nul = utf16 ? NULL : memchr(start, 0, n);
    if (nul) {
        error_set(error, "binary data where text was expected (a NUL byte at offset %zu); raw floats need "
                         "--in-format raw --dim K",
                  (size_t)(nul - start));
        return false;
    }
    return true;
}

struct reader *reader_open(const char *path, const struct reader_options *options, bool two_passes,
                           struct error *error)
{
    struct input *in = input_open(path, two_passes, error);
    if (!in)
        return NULL;

    enum input_format format = options->format;
    if (format == FORMAT_AUTO) {
        int64_t got = input_fill(in, 4096, error);
        if (got < 0) {
            input_close(in);
            return NULL;
        }
        format = detect_format(path, input_data(in), (size_t)got);
    }

    bool text = format == FORMAT_CSV || format == FORMAT_TSV || format == FORMAT_JSONL;
    if (text && !check_text(in, error)) {
        input_close(in);
        return NULL;
    }

    struct reader *reader = NULL;
    switch (format) {
    case FORMAT_NPY:
        reader = npy_reader_open(in, options, error);
        break;
    case FORMAT_CSV:
    case FORMAT_TSV: {
        struct reader_options text_options = *options;
        if (format == FORMAT_TSV && !text_options.delimiter)
            text_options.delimiter = '\t';
        reader = csv_reader_open(in, &text_options, error);
        break;
    }
    case FORMAT_RAW:
        reader = raw_reader_open(in, options, error);
        break;
    case FORMAT_JSONL:
        reader = jsonl_reader_open(in, options, error);
        break;
    case FORMAT_AUTO:
        break;
    }
    if (!reader) {
        input_close(in);
        return NULL;
    }
    reader->in = in;
    return reader;
}

const char *reader_name(const struct reader *reader)
{
    return input_name(reader->in);
}

void reader_close(struct reader *reader)
{
    if (!reader)
        return;
    struct input *in = reader->in;
    reader->ops->destroy(reader);
    input_close(in);
}
