/*
 * Per-row output of `score`. Records are composed into text buffers by score_writer_format,
 * which only reads the writer, so worker threads can format their parts of a batch at the same
 * time; score_writer_put then sends the buffers out in input order.
 */
#include "levyscore/score_writer.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "levyscore/chi_tail.h"
#include "levyscore/format_double.h"
#include "levyscore/npy_writer.h"

struct score_writer {
    struct output *out;
    enum score_format format;
    bool with_ids;
    bool with_pvalue;
    struct score_settings pvalue;   /* K and scale of the p-value columns */
    struct npy_writer *npy;
    uint64_t rows_written;
    struct text_buffer text;        /* for score_writer_write */
};

static bool append_string(struct text_buffer *text, const char *string)
{
    return text_buffer_append(text, string, strlen(string));
}

/*
 * JSON has no spelling for non-finite numbers. An infinity is written 1e999 or -1e999: valid JSON
 * that overflows to the infinity when read (Python's json, jq 1.6, JavaScript's JSON.parse). NaN
 * is written NaN, as Python's json.dumps writes it; Python's json and jq read it back as NaN, but
 * strict JSON parsers reject it.
 */
static bool append_number(struct text_buffer *text, enum score_format format, double value)
{
    if (format == SCORE_JSONL && !isfinite(value)) {
        if (isnan(value))
            return append_string(text, "NaN");
        return append_string(text, value > 0 ? "1e999" : "-1e999");
    }
    char *at = text_buffer_reserve(text, FORMAT_DOUBLE_MAX + 1);
    if (!at)
        return false;
    text->used += format_double(at, value);
    return true;
}

static bool append_index(struct text_buffer *text, uint64_t index)
{
    char digits[20];
    int length = 0;
    do {
        digits[length++] = (char)('0' + index % 10);
        index /= 10;
    } while (index > 0);

    char *at = text_buffer_reserve(text, (size_t)length);
    if (!at)
        return false;
    for (int i = 0; i < length; i++)
        at[i] = digits[length - 1 - i];
    text->used += (size_t)length;
    return true;
}



/*
 * Return the length of the well-formed UTF-8 sequence (RFC 3629) that starts at s, or 0 when it
 * is ill-formed. Then *invalid is the length of its maximal ill-formed subpart: the lead byte and
 * the continuation bytes that fit it. Python 3.11's bytes.decode(errors="replace") also replaces each
 * such subpart by one U+FFFD. s is NUL-terminated, and the NUL ends any sequence.
 */
static size_t utf8_sequence_length(const unsigned char *s, size_t *invalid)
{
    size_t length;
    unsigned char low = 0x80, high = 0xBF;    /* range of the second byte */
    if (s[0] < 0x80)
        return 1;
    if (s[0] >= 0xC2 && s[0] <= 0xDF) {
        length = 2;
    } else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
        length = 3;
        if (s[0] == 0xE0)
            low = 0xA0;     /* no overlong forms */
        if (s[0] == 0xED)
            high = 0x9F;    /* no surrogates */
    } else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
        length = 4;
        if (s[0] == 0xF0)
            low = 0x90;     /* no overlong forms */
        if (s[0] == 0xF4)
            high = 0x8F;    /* nothing above U+10FFFF */
    } else {
        *invalid = 1;
        return 0;
    }

    for (size_t i = 1; i < length; i++) {
        if (s[i] < low || s[i] > high) {
            *invalid = i;
            return 0;
        }
        low = 0x80;
        high = 0xBF;
    }
    return length;
}

/* Write string as a JSON string. Each ill-formed UTF-8 sequence becomes \ufffd, so the output is
 * valid JSON whatever bytes an id contains. */
static bool append_json_string(struct text_buffer *text, const char *string)
{
    bool ok = append_string(text, "\"");
    const unsigned char *c = (const unsigned char *)string;
    while (ok && *c) {
        char piece[8];
        size_t invalid = 0;
        size_t length = utf8_sequence_length(c, &invalid);
        if (length == 0) {
            ok = append_string(text, "\\ufffd");
            c += invalid;
            continue;
        }

        if (*c == '"' || *c == '\\') {
            piece[0] = '\\';
            piece[1] = (char)*c;
            ok = text_buffer_append(text, piece, 2);
        } else if (*c < 0x20) {
            snprintf(piece, sizeof piece, "\\u%04x", *c);
            ok = append_string(text, piece);
        } else {
            ok = text_buffer_append(text, (const char *)c, length);
        }
        c += length;
    }
    return ok && append_string(text, "\"");
}

/*
 * A CSV field is quoted when it contains a comma, quote or line end, as RFC 4180 describes, and
 * when it starts or ends with a space or tab, which readers that trim fields (levyscore's own
 * among them) would otherwise drop.
 */
static bool append_csv_field(struct text_buffer *text, const char *field)
{
    size_t length = strlen(field);
    bool padded = length > 0 && (strchr(" \t", field[0]) || strchr(" \t", field[length - 1]));
    if (!padded && !strpbrk(field, ",\"\r\n"))
        return append_string(text, field);
    bool ok = append_string(text, "\"");
    for (const char *c = field; ok && *c; c++)
        ok = *c == '"' ? append_string(text, "\"\"") : text_buffer_append(text, c, 1);
    return ok && append_string(text, "\"");
}

static bool append_tsv_field(struct text_buffer *text, const char *field)
{
    bool ok = true;
    for (const char *c = field; ok && *c; c++) {
        const char *escape = text_tsv_escape(*c);
        ok = escape ? append_string(text, escape) : text_buffer_append(text, c, 1);
    }
    return ok;
}

/* TODO: a JSON lines id that was a number is written as a string here, so joining the scores
 * back to the records needs a conversion; keeping it a number needs its type in struct batch. */
static bool append_id(struct text_buffer *text, enum score_format format, const char *id)
{
    if (!id)
        id = "";
    if (format == SCORE_JSONL)
        return append_json_string(text, id);
    if (format == SCORE_CSV)
        return append_csv_field(text, id);
    return append_tsv_field(text, id);
}

static bool append_json_record(struct text_buffer *text, bool with_ids, const char *id, uint64_t index, double norm,
                               double score, const struct chi_pvalue *pvalue)
{
    bool ok = append_string(text, "{\"index\":") && append_index(text, index);
    if (ok && with_ids)
        ok = append_string(text, ",\"id\":") && append_id(text, SCORE_JSONL, id);
    ok = ok && append_string(text, ",\"norm\":") && append_number(text, SCORE_JSONL, norm) &&
         append_string(text, ",\"score\":") && append_number(text, SCORE_JSONL, score);
    if (ok && pvalue)
        ok = append_string(text, ",\"pvalue\":") && append_number(text, SCORE_JSONL, pvalue->p) &&
             append_string(text, ",\"log_pvalue\":") && append_number(text, SCORE_JSONL, pvalue->log_p);
    return ok && append_string(text, "}\n");
}

static bool append_delimited_record(struct text_buffer *text, enum score_format format, bool with_ids, const char *id,
                                    uint64_t index, double norm, double score, const struct chi_pvalue *pvalue)
{
    const char *separator = format == SCORE_CSV ? "," : "\t";
    bool ok = true;
    if (with_ids)
        ok = append_id(text, format, id) && append_string(text, separator);
    ok = ok && append_index(text, index) && append_string(text, separator) && append_number(text, format, norm) &&
         append_string(text, separator) && append_number(text, format, score);
    if (ok && pvalue)
        ok = append_string(text, separator) && append_number(text, format, pvalue->p) &&
             append_string(text, separator) && append_number(text, format, pvalue->log_p);
    return ok && append_string(text, "\n");
}

/* Store value as little-endian float64 bytes whatever the host's byte order. */
static void store_f8_little_endian(char *out, double value)
{
    uint64_t bits;
    memcpy(&bits, &value, sizeof bits);
    for (int b = 0; b < 8; b++)
        out[b] = (char)(bits >> (8 * b));
}

/* The two-sided p-value of a row's norm, as the writer's settings define it. */
static struct chi_pvalue row_pvalue(const struct score_writer *writer, const struct batch *batch, double norm)
{
    uint64_t dof = writer->pvalue.dof ? writer->pvalue.dof : (uint64_t)batch->width;
    return chi_pvalue(norm / writer->pvalue.scale, dof);
}

/* (norm, score) pairs, or (norm, score, pvalue, log_pvalue) rows, of the '<f8' .npy output. */
static bool append_npy_rows(const struct score_writer *writer, const struct batch *batch, struct text_buffer *text,
                            size_t count, const double *norms, const double *scores)
{
    size_t row_size = writer->with_pvalue ? 32 : 16;
    char *at = text_buffer_reserve(text, count * row_size);
    if (!at)
        return false;
    for (size_t i = 0; i < count; i++) {
        char *row = at + row_size * i;
        store_f8_little_endian(row, norms[i]);
        store_f8_little_endian(row + 8, scores[i]);
        if (writer->with_pvalue) {
            struct chi_pvalue pvalue = row_pvalue(writer, batch, norms[i]);
            store_f8_little_endian(row + 16, pvalue.p);
            store_f8_little_endian(row + 24, pvalue.log_p);
        }
    }
    text->used += count * row_size;
    return true;
}

bool score_writer_format(const struct score_writer *writer, const struct batch *batch, size_t first, size_t count,
                         const double *norms, const double *scores, struct text_buffer *text)
{
    if (writer->format == SCORE_NPY)
        return append_npy_rows(writer, batch, text, count, norms + first, scores + first);

    for (size_t i = first; i < first + count; i++) {
        const char *id = writer->with_ids && batch->ids ? batch->ids[i] : NULL;
        uint64_t index = batch->first_row + i;
        struct chi_pvalue pvalue;
        if (writer->with_pvalue)
            pvalue = row_pvalue(writer, batch, norms[i]);
        const struct chi_pvalue *columns = writer->with_pvalue ? &pvalue : NULL;
        bool ok = writer->format == SCORE_JSONL
                      ? append_json_record(text, writer->with_ids, id, index, norms[i], scores[i], columns)
                      : append_delimited_record(text, writer->format, writer->with_ids, id, index, norms[i], scores[i],
                                                columns);
        if (!ok)
            return false;
    }
    return true;
}

bool score_writer_put(struct score_writer *writer, const struct text_buffer *text, size_t rows, struct error *error)
{
    writer->rows_written += rows;
    if (writer->format == SCORE_NPY)
        return npy_writer_write(writer->npy, text->data, text->used, error);
    return text->used == 0 || output_write(writer->out, text->data, text->used, error);
}

bool score_writer_write(struct score_writer *writer, const struct batch *batch, const double *norms,
                        const double *scores, struct error *error)
{
    writer->text.used = 0;
    if (!score_writer_format(writer, batch, 0, batch->rows, norms, scores, &writer->text)) {
        error_set(error, "out of memory");
        return false;
    }
    return score_writer_put(writer, &writer->text, batch->rows, error);
}

static const char *header_line(enum score_format format, bool with_ids, bool with_pvalue)
{
    if (format == SCORE_TSV && with_pvalue)
        return with_ids ? "id\tindex\tnorm\tscore\tpvalue\tlog_pvalue\n" : "index\tnorm\tscore\tpvalue\tlog_pvalue\n";
    if (format == SCORE_CSV && with_pvalue)
        return with_ids ? "id,index,norm,score,pvalue,log_pvalue\n" : "index,norm,score,pvalue,log_pvalue\n";
    if (format == SCORE_TSV)
        return with_ids ? "id\tindex\tnorm\tscore\n" : "index\tnorm\tscore\n";
    if (format == SCORE_CSV)
        return with_ids ? "id,index,norm,score\n" : "index,norm,score\n";
    return NULL;
}

struct score_writer *score_writer_open(struct output *out, enum score_format format, bool header, bool with_ids,
                                       const struct score_settings *pvalue, int64_t rows, struct error *error)
{
    struct score_writer *writer = calloc(1, sizeof *writer);
    if (!writer) {
        error_set(error, "out of memory");
        return NULL;
    }
    writer->out = out;
    writer->format = format;
    writer->with_ids = with_ids;
    writer->with_pvalue = pvalue != NULL;
    if (pvalue)
        writer->pvalue = *pvalue;

    if (format == SCORE_NPY) {
        writer->npy = npy_writer_open(out, "<f8", writer->with_pvalue ? 4 : 2, rows, error);
        if (!writer->npy) {
            free(writer);
            return NULL;
        }
        return writer;
    }

    const char *line = header_line(format, with_ids, writer->with_pvalue);
    if (header && line && !output_write(out, line, strlen(line), error)) {
        score_writer_discard(writer);
        return NULL;
    }
    return writer;
}

bool score_writer_finish(struct score_writer *writer, struct error *error)
{
    bool ok = true;
    if (writer->format == SCORE_NPY) {
        ok = npy_writer_finish(writer->npy, writer->rows_written, error);
        writer->npy = NULL;
    }
    score_writer_discard(writer);
    return ok;
}

void score_writer_discard(struct score_writer *writer)
{
    if (!writer)
        return;
    npy_writer_discard(writer->npy);
    text_buffer_free(&writer->text);
    free(writer);
}
