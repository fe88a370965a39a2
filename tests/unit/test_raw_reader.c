/* The raw reader, through reader_open, on files written by ndarray.tofile and on pipes. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "data.h"
#include "levyscore/limits.h"
#include "levyscore/reader.h"

static struct reader_options raw_options(size_t dim, enum dtype dtype)
{
    return (struct reader_options){.format = FORMAT_RAW, .header = -1, .raw_width = dim, .raw_dtype = dtype,
                                   .keep_bytes = true};
}

/* All of an input's rows as the bytes of their values in host order, and of their kept bytes. */
struct rows_read {
    unsigned char *values;
    unsigned char *bytes;
    size_t size;                /* of each of values and bytes */
    uint64_t rows;
    size_t width;
    enum dtype dtype;
    int64_t rows_up_front;
    int status;                 /* of the last reader_next */
    char error[512];
};

static struct rows_read read_rows(struct reader *reader)
{
    struct rows_read r = {.rows_up_front = reader->rows};
    struct error error = {""};
    struct batch batch;
    while ((r.status = reader_next(reader, &batch, &error)) > 0) {
        cr_assert_eq(batch.first_row, r.rows, "batches must follow each other");
        size_t size = batch.rows * batch.width * dtype_size(batch.dtype);
        cr_assert_eq(batch.byte_offsets[batch.rows] - batch.byte_offsets[0], size);
        r.values = realloc(r.values, r.size + size);
        r.bytes = realloc(r.bytes, r.size + size);
        memcpy(r.values + r.size, batch.values, size);
        memcpy(r.bytes + r.size, batch.bytes + batch.byte_offsets[0], size);
        r.size += size;
        r.rows += batch.rows;
        r.width = batch.width;
        r.dtype = batch.dtype;
    }
    snprintf(r.error, sizeof r.error, "%s", error.text);
    return r;
}

static void rows_free(struct rows_read *r)
{
    free(r->values);
    free(r->bytes);
}

static struct rows_read read_path(const char *path, const struct reader_options *options)
{
    struct error error = {""};
    struct reader *reader = reader_open(path, options, false, &error);
    cr_assert_not_null(reader, "%s: %s", path, error.text);
    struct rows_read r = read_rows(reader);
    reader_close(reader);
    return r;
}

/* Make stdin a pipe holding size bytes of data, then closed (data must fit the pipe buffer). */
static void stdin_from_bytes(const void *data, size_t size)
{
    int fds[2];
    cr_assert_eq(pipe(fds), 0);
    cr_assert_eq(write(fds[1], data, size), (ssize_t)size);
    close(fds[1]);
    cr_assert_neq(dup2(fds[0], STDIN_FILENO), -1);
    close(fds[0]);
}

Test(raw_reader, values_equal_numpy_save)
{
    static const struct {
        const char *raw;
        const char *npy;
        size_t dim;
        enum dtype dtype;
        uint64_t rows;
    } cases[] = {
        {"raw/small_f2.f16", "raw/small_f2.npy", 8, DTYPE_F16, 6},
        {"raw/normal_f4.f32", "raw/normal_f4.npy", 384, DTYPE_F32, 12},
        {"raw/extremes_f8.f64", "raw/extremes_f8.npy", 3, DTYPE_F64, 7},
        {"raw/nonfinite_f8.f64", "raw/nonfinite_f8.npy", 3, DTYPE_F64, 5},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        struct reader_options options = raw_options(cases[c].dim, cases[c].dtype);
        struct rows_read raw = read_path(data_path(cases[c].raw), &options);
        struct reader_options npy_options = {.format = FORMAT_AUTO, .header = -1};
        struct rows_read npy = read_path(data_path(cases[c].npy), &npy_options);

        cr_assert_eq(raw.status, 0, "%s: %s", cases[c].raw, raw.error);
        cr_assert_eq(raw.rows, cases[c].rows, "%s", cases[c].raw);
        cr_assert_eq(raw.rows_up_front, (int64_t)cases[c].rows, "%s: a file's row count is known at open", cases[c].raw);
        cr_assert_eq(raw.width, cases[c].dim);
        cr_assert_eq(raw.dtype, cases[c].dtype);
        cr_assert_eq(raw.size, npy.size, "%s", cases[c].raw);
        cr_assert_eq(memcmp(raw.values, npy.values, raw.size), 0, "%s: values differ from the .npy", cases[c].raw);
        cr_assert_eq(memcmp(raw.bytes, npy.bytes, raw.size), 0, "%s: kept bytes differ from the .npy", cases[c].raw);
        rows_free(&raw);
        rows_free(&npy);
    }
}

Test(raw_reader, real_file_rows)
{
    struct reader_options options = raw_options(384, DTYPE_F32);
    struct rows_read r = read_path(data_path("raw/fiori.f32"), &options);
    cr_assert_eq(r.status, 0, "%s", r.error);
    cr_assert_eq(r.rows, 778);
    cr_assert_eq(r.size, 778 * 384 * 4);
    rows_free(&r);
}

Test(raw_reader, layout_and_note)
{
    struct error error = {""};
    struct reader_options options = raw_options(384, DTYPE_F32);
    struct reader *reader = reader_open(data_path("raw/normal_f4.f32"), &options, false, &error);
    cr_assert_not_null(reader, "%s", error.text);
    cr_assert_eq(reader->format, FORMAT_RAW);
    cr_assert_eq(reader->layout.format, FORMAT_RAW);
    cr_assert_null(reader->layout.line_end);
    cr_assert_eq(reader->layout.prelude_size, 0);
    cr_assert_not(reader->has_ids);
    cr_assert_str_eq(reader->note, "raw rows of 384 x f4, 1536 bytes each");
    reader_close(reader);
}

Test(raw_reader, file_size_not_multiple_of_row)
{
    static const struct {
        const char *path;
        size_t dim;
        enum dtype dtype;
        const char *message;
    } cases[] = {
        {"raw/normal_f4.f32", 383, DTYPE_F32,
         "file size 18432 bytes is not a multiple of the row size 1532 bytes (383 x f4); check --dim and --dtype"},
        {"raw/small_f2.f16", 8, DTYPE_F64,
         "file size 96 bytes is not a multiple of the row size 64 bytes (8 x f8); check --dim and --dtype"},
        {"raw/normal_f4.fvecs", 384, DTYPE_F32,
         "file size 18480 bytes is not a multiple of the row size 1536 bytes (384 x f4); each row starts with its "
         "dimension as in .fvecs, which is not raw input"},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        struct error error = {""};
        struct reader_options options = raw_options(cases[c].dim, cases[c].dtype);
        struct reader *reader = reader_open(data_path(cases[c].path), &options, false, &error);
        cr_expect_null(reader, "%s: the size is checked at open", cases[c].path);
        cr_expect_str_eq(error.text, cases[c].message, "%s gave '%s'", cases[c].path, error.text);
        reader_close(reader);
    }
}

Test(raw_reader, pipe_partial_row_after_rows)
{
    float values[10] = {1, 2, 2, 3, 4, 12, 0, 0, 0, 5};
    stdin_from_bytes(values, sizeof values);
    struct error error = {""};
    struct reader_options options = raw_options(3, DTYPE_F32);
    struct reader *reader = reader_open("-", &options, false, &error);
    cr_assert_not_null(reader, "%s", error.text);
    cr_assert_eq(reader->rows, -1, "a pipe's row count is unknown at open");

    struct rows_read r = read_rows(reader);
    cr_assert_eq(r.rows, 3, "the whole rows come first");
    cr_assert_eq(memcmp(r.values, values, 36), 0);
    cr_assert_eq(r.status, -1);
    cr_assert_str_eq(r.error,
                     "input size 40 bytes is not a multiple of the row size 12 bytes (3 x f4); check --dim and --dtype");
    rows_free(&r);
    reader_close(reader);
}

Test(raw_reader, pipe_fvecs_named)
{
    /* Two .fvecs rows of dimension 3: int32 3, then three float32 values. */
    unsigned char data[32] = {0};
    for (size_t row = 0; row < 2; row++)
        data[16 * row] = 3;
    stdin_from_bytes(data, sizeof data);
    struct error error = {""};
    struct reader_options options = raw_options(3, DTYPE_F32);
    struct reader *reader = reader_open(NULL, &options, false, &error);
    cr_assert_not_null(reader, "%s", error.text);
    struct rows_read r = read_rows(reader);
    cr_assert_eq(r.status, -1);
    cr_assert_str_eq(r.error, "input size 32 bytes is not a multiple of the row size 12 bytes (3 x f4); each row "
                              "starts with its dimension as in .fvecs, which is not raw input");
    rows_free(&r);
    reader_close(reader);
}

Test(raw_reader, empty_input_has_no_rows)
{
    stdin_from_bytes("", 0);
    struct error error = {""};
    struct reader_options options = raw_options(4, DTYPE_F64);
    struct reader *reader = reader_open("-", &options, false, &error);
    cr_assert_not_null(reader, "%s", error.text);
    struct rows_read r = read_rows(reader);
    cr_assert_eq(r.status, 0, "%s", r.error);
    cr_assert_eq(r.rows, 0);
    rows_free(&r);
    reader_close(reader);
}

Test(raw_reader, rewind_spooled_pipe)
{
    double values[6] = {3, 4, 0, -1, 0.5, 2};
    stdin_from_bytes(values, sizeof values);
    struct error error = {""};
    struct reader_options options = raw_options(2, DTYPE_F64);
    struct reader *reader = reader_open("-", &options, true, &error);
    cr_assert_not_null(reader, "%s", error.text);
    struct rows_read first = read_rows(reader);
    cr_assert(reader_rewind(reader, &error), "%s", error.text);
    struct rows_read second = read_rows(reader);

    cr_assert_eq(first.rows, 3);
    cr_assert_eq(second.rows, 3);
    cr_assert_eq(memcmp(first.values, values, sizeof values), 0);
    cr_assert_eq(memcmp(second.values, values, sizeof values), 0);
    rows_free(&first);
    rows_free(&second);
    reader_close(reader);
}

Test(raw_reader, rewind_file)
{
    struct error error = {""};
    struct reader_options options = raw_options(384, DTYPE_F32);
    struct reader *reader = reader_open(data_path("raw/fiori.f32"), &options, true, &error);
    cr_assert_not_null(reader, "%s", error.text);
    struct rows_read first = read_rows(reader);
    cr_assert(reader_rewind(reader, &error), "%s", error.text);
    struct rows_read second = read_rows(reader);
    cr_assert_eq(second.rows, 778);
    cr_assert_eq(first.size, second.size);
    cr_assert_eq(memcmp(first.values, second.values, first.size), 0);
    rows_free(&first);
    rows_free(&second);
    reader_close(reader);
}

Test(raw_reader, dim_required)
{
    struct error error = {""};
    struct reader_options options = raw_options(0, DTYPE_F32);
    struct reader *reader = reader_open(data_path("raw/normal_f4.f32"), &options, false, &error);
    cr_assert_null(reader);
    char want[128];
    snprintf(want, sizeof want, "raw input needs --dim from 1 to %u values per row", ROW_WIDTH_MAX);
    cr_assert_str_eq(error.text, want);
}
