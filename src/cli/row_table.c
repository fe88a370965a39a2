/* Whole-input tables for stats and eval: every row's norm and score, and the label files. */
#include "row_table.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "levyscore/message.h"
#include "levyscore/parse_double.h"
#include "batch_scorer.h"
#include "run.h"

/* The spread below which run.c's row warning calls the norms equal, as a fraction of the largest. */
static const double NORM_SPREAD_EQUAL = 1e-4;

static bool table_append(struct row_table *table, size_t *capacity, const double *norms, const double *scores,
                         size_t rows)
{
    if (table->rows + rows > *capacity) {
        size_t grown = *capacity ? *capacity : 4096;
        while (grown < table->rows + rows)
            grown *= 2;
        double *new_norms = realloc(table->norms, grown * sizeof *new_norms);
        if (!new_norms)
            return false;
        table->norms = new_norms;
        double *new_scores = realloc(table->scores, grown * sizeof *new_scores);
        if (!new_scores)
            return false;
        table->scores = new_scores;
        *capacity = grown;
    }
    memcpy(table->norms + table->rows, norms, rows * sizeof *norms);
    memcpy(table->scores + table->rows, scores, rows * sizeof *scores);
    table->rows += rows;
    return true;
}

static void note_equal_norms(struct row_table *table, const struct row_watch *watch)
{
    uint64_t finite_rows = watch->rows - watch->nonfinite_rows;
    table->all_norms_equal = finite_rows >= 2 && watch->norm_max > 0 &&
                             watch->norm_max - watch->norm_min <= NORM_SPREAD_EQUAL * watch->norm_max;
}

int row_table_read(const struct settings *settings, struct row_table *table)
{
    *table = (struct row_table){.scale = settings->score.scale};
    struct reader *reader = run_open_input(settings, false);
    if (!reader)
        return EXIT_FAILED;
    snprintf(table->name, sizeof table->name, "%s", reader_name(reader));

    struct batch_scorer scorer;
    if (!batch_scorer_open(&scorer, settings)) {
        reader_close(reader);
        return EXIT_FAILED;
    }

    struct row_watch watch;
    row_watch_init(&watch);
    struct error error;
    struct batch batch;
    size_t capacity = 0;
    int status = EXIT_OK;
    int got;
    while ((got = reader_next(reader, &batch, &error)) > 0) {
        if (!batch_scorer_run(&scorer, reader, &batch, NULL, &error)) {
            status = run_input_error(reader, &error);
            break;
        }
        if (!row_watch_batch(&watch, settings, reader, &batch, scorer.norms)) {
            status = EXIT_FAILED;
            break;
        }
        if (!table_append(table, &capacity, scorer.norms, scorer.scores, batch.rows)) {
            message_error(table->name, "out of memory for the scores of %zu rows", table->rows + batch.rows);
            status = EXIT_FAILED;
            break;
        }
        table->width = batch.width;
    }
    if (status == EXIT_OK && got < 0)
        status = run_input_error(reader, &error);
    if (status == EXIT_OK && table->rows == 0) {
        message_error(table->name, "no rows to evaluate");
        status = EXIT_FAILED;
    }
    if (status == EXIT_OK) {
        if (!table->width)
            table->width = reader->width;
        table->dof = settings->score.dof ? settings->score.dof : (uint64_t)table->width;
        row_watch_report(&watch, settings, reader);
        note_equal_norms(table, &watch);
    }

    batch_scorer_close(&scorer);
    reader_close(reader);
    if (status != EXIT_OK)
        row_table_free(table);
    return status;
}

void row_table_free(struct row_table *table)
{
    free(table->norms);
    free(table->scores);
    table->norms = NULL;
    table->scores = NULL;
}

/* Lines of a text file, trimmed of spaces, tabs and the line end. */
struct line_file {
    const char *path;
    FILE *file;
    char *line;
    size_t size;
    size_t number;          /* 1-based number of the line last read */
    bool invalid;           /* a line held a NUL byte; reported, and the reading stopped */
};

static bool line_file_open(struct line_file *lines, const char *path)
{
    *lines = (struct line_file){.path = path};
    lines->file = fopen(path, "r");
    if (!lines->file) {
        message_error(path, "cannot open: %s", strerror(errno));
        return false;
    }
    return true;
}

/*
 * The next line, trimmed, without a UTF-8 byte-order mark on line 1 (pandas' utf-8-sig and
 * Windows editors write one); NULL at the end of the file, or after a line with a NUL byte, which
 * is reported: C strings would cut the line there and compare only its start.
 */
static char *line_file_next(struct line_file *lines)
{
    ssize_t length = getline(&lines->line, &lines->size, lines->file);
    if (length < 0)
        return NULL;
    lines->number++;
    char *text = lines->line;
    if (memchr(text, '\0', (size_t)length)) {
        message_error(lines->path, "line %zu: contains a NUL byte; give one text value per line", lines->number);
        lines->invalid = true;
        return NULL;
    }
    if (lines->number == 1 && length >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
        text += 3;
        length -= 3;
    }
    while (length > 0 && isspace((unsigned char)text[length - 1]))
        text[--length] = '\0';
    while (*text == ' ' || *text == '\t')
        text++;
    return text;
}

/* Close the file; false, with the error reported, when reading failed. */
static bool line_file_close(struct line_file *lines)
{
    bool failed = ferror(lines->file) != 0;
    fclose(lines->file);
    free(lines->line);
    if (failed)
        message_error(lines->path, "read failed");
    return !failed && !lines->invalid;
}

static int length_mismatch(const char *path, size_t lines, size_t expected_rows)
{
    message_error(path, "has %zu lines but the embeddings have %zu rows; give one line per row, in row order", lines,
                  expected_rows);
    return EXIT_FAILED;
}

/* Shorten a line for a message. */
static const char *shown(const char *text, char *buffer, size_t size)
{
    snprintf(buffer, size, "%s", text);
    if (strlen(text) >= size && size > 4)
        memcpy(buffer + size - 4, "...", 4);
    return buffer;
}

static int read_correct_file(const char *path, size_t expected_rows, unsigned char *correct)
{
    struct line_file lines;
    if (!line_file_open(&lines, path))
        return EXIT_FAILED;
    char *text;
    char quoted[48];
    int status = EXIT_OK;
    while (status == EXIT_OK && (text = line_file_next(&lines))) {
        if (strcmp(text, "0") != 0 && strcmp(text, "1") != 0) {
            message_error(path, "line %zu: '%s' is not 0 or 1 (1 marks a correct prediction)", lines.number,
                          shown(text, quoted, sizeof quoted));
            status = EXIT_FAILED;
        } else if (lines.number <= expected_rows) {
            correct[lines.number - 1] = text[0] == '1';
        }
    }
    size_t count = lines.number;
    if (!line_file_close(&lines))
        return EXIT_FAILED;
    if (status == EXIT_OK && count != expected_rows)
        return length_mismatch(path, count, expected_rows);
    return status;
}

/* Compare labels with predictions line by line. */
static int compare_label_files(const char *labels_path, const char *predictions_path, size_t expected_rows,
                               unsigned char *correct)
{
    struct line_file labels, predictions;
    if (!line_file_open(&labels, labels_path))
        return EXIT_FAILED;
    if (!line_file_open(&predictions, predictions_path)) {
        line_file_close(&labels);
        return EXIT_FAILED;
    }

    int status = EXIT_OK;
    for (;;) {
        char *label = line_file_next(&labels);
        char *prediction = line_file_next(&predictions);
        if (!label || !prediction) {
            if (label || prediction) {
                message_error(label ? predictions_path : labels_path, "has %zu lines but %s has more",
                              label ? predictions.number : labels.number, label ? labels_path : predictions_path);
                status = EXIT_FAILED;
            }
            break;
        }
        if (labels.number <= expected_rows)
            correct[labels.number - 1] = strcmp(label, prediction) == 0;
    }
    size_t count = labels.number;
    bool read_ok = line_file_close(&labels);
    read_ok = line_file_close(&predictions) && read_ok;
    if (!read_ok)
        return EXIT_FAILED;
    if (status == EXIT_OK && count != expected_rows)
        return length_mismatch(labels_path, count, expected_rows);
    return status;
}

int correctness_read(const struct settings *settings, size_t expected_rows, unsigned char **correct)
{
    *correct = calloc(expected_rows ? expected_rows : 1, 1);
    if (!*correct) {
        message_error(NULL, "out of memory for %zu labels", expected_rows);
        return EXIT_FAILED;
    }
    int status = settings->correct_path
                     ? read_correct_file(settings->correct_path, expected_rows, *correct)
                     : compare_label_files(settings->labels_path, settings->predictions_path, expected_rows, *correct);
    if (status != EXIT_OK) {
        free(*correct);
        *correct = NULL;
    }
    return status;
}

int baseline_read(const char *path, size_t expected_rows, double **scores)
{
    *scores = calloc(expected_rows ? expected_rows : 1, sizeof **scores);
    if (!*scores) {
        message_error(NULL, "out of memory for %zu baseline scores", expected_rows);
        return EXIT_FAILED;
    }
    struct line_file lines;
    if (!line_file_open(&lines, path)) {
        free(*scores);
        return EXIT_FAILED;
    }

    char *text;
    char quoted[48];
    int status = EXIT_OK;
    while (status == EXIT_OK && (text = line_file_next(&lines))) {
        double value;
        if (!parse_double(text, text + strlen(text), &value) || !isfinite(value)) {
            message_error(path, "line %zu: '%s' is not a finite number (one confidence score per line)", lines.number,
                          shown(text, quoted, sizeof quoted));
            status = EXIT_FAILED;
        } else if (lines.number <= expected_rows) {
            (*scores)[lines.number - 1] = value;
        }
    }
    size_t count = lines.number;
    if (!line_file_close(&lines))
        status = EXIT_FAILED;
    else if (status == EXIT_OK && count != expected_rows)
        status = length_mismatch(path, count, expected_rows);
    if (status != EXIT_OK) {
        free(*scores);
        *scores = NULL;
    }
    return status;
}
