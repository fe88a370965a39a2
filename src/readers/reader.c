/* Format detection and the parts of the reader interface shared by every format. */
#include "levyscore/reader.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "levyscore/npy_header.h"

/* Bytes of values per batch: large enough to amortise calls, small enough to stay in cache. */
#define BATCH_BYTES (4u << 20)

size_t reader_batch_rows(size_t row_bytes)
{
    if (row_bytes == 0 || row_bytes >= BATCH_BYTES)
        return 1;
    return BATCH_BYTES / row_bytes;
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
