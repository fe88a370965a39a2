#include "levyscore/score_writer.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "levyscore/format_double.h"
#include "levyscore/npy_writer.h"

/* Text is composed here, then written in one call per batch. */
#define LINE_BUFFER (1u << 16)

struct score_writer {
    struct output *out;
    enum score_format format;
    bool with_ids;
    struct npy_writer *npy;
    uint64_t rows_written;
    char *text;
    size_t text_used;
};

static bool flush_text(struct score_writer *writer, struct error *error)
{
    if (writer->text_used == 0)
        return true;
    bool ok = output_write(writer->out, writer->text, writer->text_used, error);
    writer->text_used = 0;
    return ok;
}

/* Append to the text buffer; a single piece never exceeds LINE_BUFFER / 2 except long ids. */
static bool append(struct score_writer *writer, const char *data, size_t n, struct error *error)
{
    if (writer->text_used + n > LINE_BUFFER && !flush_text(writer, error))
        return false;
    if (n > LINE_BUFFER)
        return output_write(writer->out, data, n, error);
    memcpy(writer->text + writer->text_used, data, n);
    writer->text_used += n;
    return true;
}

static bool append_string(struct score_writer *writer, const char *text, struct error *error)
{
    return append(writer, text, strlen(text), error);
}

/* Doubles are written as they are for TSV and CSV; JSON has no spelling for non-finite numbers,
 * so they become the strings "NaN", "Infinity" and "-Infinity". */
static bool append_number(struct score_writer *writer, double value, struct error *error)
{
    char number[FORMAT_DOUBLE_MAX + 1];
    size_t length = format_double(number, value);
    if (writer->format == SCORE_JSONL && !isfinite(value)) {
        const char *spelling = isnan(value) ? "\"NaN\"" : value > 0 ? "\"Infinity\"" : "\"-Infinity\"";
        return append_string(writer, spelling, error);
    }
    return append(writer, number, length, error);
}

static bool append_id(struct score_writer *writer, const char *id, struct error *error);

static bool write_header_line(struct score_writer *writer, struct error *error)
{
    const char *line = NULL;
    if (writer->format == SCORE_TSV)
        line = writer->with_ids ? "id\tindex\tnorm\tscore\n" : "index\tnorm\tscore\n";
    else if (writer->format == SCORE_CSV)
        line = writer->with_ids ? "id,index,norm,score\n" : "index,norm,score\n";
    return !line || append_string(writer, line, error);
}

struct score_writer *score_writer_open(struct output *out, enum score_format format, bool header, bool with_ids,
                                       int64_t rows, struct error *error)
{
    struct score_writer *writer = calloc(1, sizeof *writer);
    if (!writer) {
        error_set(error, "out of memory");
        return NULL;
    }
    writer->out = out;
    writer->format = format;
    writer->with_ids = with_ids;

    if (format == SCORE_NPY) {
        writer->npy = npy_writer_open(out, "<f8", 2, rows, error);
        if (!writer->npy) {
            free(writer);
            return NULL;
        }
        return writer;
    }

    writer->text = calloc(1, LINE_BUFFER);
    if (!writer->text) {
        error_set(error, "out of memory");
        free(writer);
        return NULL;
    }
    if (header && !write_header_line(writer, error)) {
        score_writer_discard(writer);
        return NULL;
    }
    return writer;
}

static bool write_npy_rows(struct score_writer *writer, const struct batch *batch, const double *norms,
                           const double *scores, struct error *error)
{
    /* '<f8' pairs; every host levyscore builds on is little-endian or swaps below. */
    double pair[2 * 256];
    for (size_t start = 0; start < batch->rows; start += 256) {
        size_t count = batch->rows - start < 256 ? batch->rows - start : 256;
        for (size_t i = 0; i < count; i++) {
            pair[2 * i] = norms[start + i];
            pair[2 * i + 1] = scores[start + i];
        }
        if (!npy_writer_write(writer->npy, pair, count * 2 * sizeof(double), error))
            return false;
    }
    return true;
}

static bool write_text_row(struct score_writer *writer, const struct batch *batch, size_t i, double norm, double score,
                           struct error *error)
{
    char index[24];
    int index_length = snprintf(index, sizeof index, "%" PRIu64, batch->first_row + i);
    const char *id = writer->with_ids && batch->ids ? batch->ids[i] : NULL;

    if (writer->format == SCORE_JSONL) {
        bool ok = append_string(writer, "{\"index\":", error) && append(writer, index, (size_t)index_length, error);
        if (ok && writer->with_ids)
            ok = append_string(writer, ",\"id\":", error) && append_id(writer, id, error);
        return ok && append_string(writer, ",\"norm\":", error) && append_number(writer, norm, error) &&
               append_string(writer, ",\"score\":", error) && append_number(writer, score, error) &&
               append_string(writer, "}\n", error);
    }

    const char *separator = writer->format == SCORE_CSV ? "," : "\t";
    bool ok = true;
    if (writer->with_ids)
        ok = append_id(writer, id, error) && append_string(writer, separator, error);
    return ok && append(writer, index, (size_t)index_length, error) && append_string(writer, separator, error) &&
           append_number(writer, norm, error) && append_string(writer, separator, error) &&
           append_number(writer, score, error) && append_string(writer, "\n", error);
}

/*
 * An id as a field of the output format: JSON string; CSV field quoted when it holds a comma,
 * quote or line end (RFC 4180); TSV with tab, CR, LF and backslash escaped as \t, \r, \n, \\.
 */
static bool append_id(struct score_writer *writer, const char *id, struct error *error)
{
    if (!id)
        id = "";
    char piece[8];
    bool ok = true;

    if (writer->format == SCORE_JSONL) {
        ok = append_string(writer, "\"", error);
        for (const unsigned char *c = (const unsigned char *)id; ok && *c; c++) {
            if (*c == '"' || *c == '\\')
                snprintf(piece, sizeof piece, "\\%c", *c);
            else if (*c < 0x20)
                snprintf(piece, sizeof piece, "\\u%04x", *c);
            else
                snprintf(piece, sizeof piece, "%c", *c);
            ok = append_string(writer, piece, error);
        }
        return ok && append_string(writer, "\"", error);
    }

    if (writer->format == SCORE_CSV) {
        if (!strpbrk(id, ",\"\r\n"))
            return append_string(writer, id, error);
        ok = append_string(writer, "\"", error);
        for (const char *c = id; ok && *c; c++)
            ok = *c == '"' ? append_string(writer, "\"\"", error) : append(writer, c, 1, error);
        return ok && append_string(writer, "\"", error);
    }

    for (const char *c = id; ok && *c; c++) {
        const char *escape = *c == '\t' ? "\\t" : *c == '\n' ? "\\n" : *c == '\r' ? "\\r" : *c == '\\' ? "\\\\" : NULL;
        ok = escape ? append_string(writer, escape, error) : append(writer, c, 1, error);
    }
    return ok;
}

bool score_writer_write(struct score_writer *writer, const struct batch *batch, const double *norms,
                        const double *scores, struct error *error)
{
    writer->rows_written += batch->rows;
    if (writer->format == SCORE_NPY)
        return write_npy_rows(writer, batch, norms, scores, error);

    for (size_t i = 0; i < batch->rows; i++)
        if (!write_text_row(writer, batch, i, norms[i], scores[i], error))
            return false;
    return flush_text(writer, error);
}

bool score_writer_finish(struct score_writer *writer, struct error *error)
{
    bool ok;
    if (writer->format == SCORE_NPY) {
        ok = npy_writer_finish(writer->npy, writer->rows_written, error);
        writer->npy = NULL;
    } else {
        ok = flush_text(writer, error);
    }
    score_writer_discard(writer);
    return ok;
}

void score_writer_discard(struct score_writer *writer)
{
    if (!writer)
        return;
    npy_writer_discard(writer->npy);
    free(writer->text);
    free(writer);
}
