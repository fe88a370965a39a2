/* Steps shared by the commands: opening input and output, scoring a batch, row warnings. */
#include "run.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "levyscore/message.h"

/* Norms whose spread is below this fraction of the largest are "all equal": float32 rounding of
 * unit vectors leaves a spread of about 1e-7. */
static const double NORM_SPREAD_EQUAL = 1e-4;

struct reader *run_open_input(const struct settings *settings, bool two_passes)
{
    struct error error;
    struct reader_options options = settings->reader;
    options.keep_bytes = settings->command == COMMAND_FILTER;

    struct reader *reader = reader_open(settings->input_path, &options, two_passes, &error);
    if (!reader) {
        bool is_stdin = !settings->input_path || strcmp(settings->input_path, "-") == 0;
        message_error(is_stdin ? "<stdin>" : settings->input_path, "%s", error.text);
        return NULL;
    }
    if (settings->verbose && reader->note[0])
        message_note(reader_name(reader), "%s", reader->note);
    if (reader->warning[0])
        message_warning(reader_name(reader), "%s", reader->warning);
    return reader;
}

static bool same_file(const char *a, const char *b)
{
    struct stat info_a, info_b;
    return stat(a, &info_a) == 0 && stat(b, &info_b) == 0 && info_a.st_dev == info_b.st_dev &&
           info_a.st_ino == info_b.st_ino;
}

/*
 * Create, then drop, a temporary file for each regular output file, so that a missing or
 * read-only folder fails the run before it writes any of its outputs. A command with several
 * outputs (stats and eval) commits them one after the other at the end, so this check is what
 * keeps a late failure from leaving some replaced and some not in the usual cases.
 */
static int probe_outputs(const char *const *outputs, size_t count)
{
    for (size_t o = 0; o < count; o++) {
        struct stat info;
        if (!outputs[o] || strcmp(outputs[o], "-") == 0 || (stat(outputs[o], &info) == 0 && !S_ISREG(info.st_mode)))
            continue;
        struct error error;
        struct output *out = output_open(outputs[o], &error);
        if (!out) {
            message_error(outputs[o], "%s", error.text);
            return EXIT_FAILED;
        }
        output_discard(out);
    }
    return EXIT_OK;
}

int run_check_output_paths(const struct settings *settings)
{
    const char *outputs[] = {settings->output_path, settings->svg_path, settings->curve_path};
    const char *const output_options[] = {"-o", "--svg", "--curve"};
    const char *inputs[INPUTS_MAX + 20];
    size_t input_count = 0;
    for (int i = 0; i < settings->input_count; i++)
        inputs[input_count++] = settings->input_paths[i];
    inputs[input_count++] = settings->correct_path;
    inputs[input_count++] = settings->labels_path;
    inputs[input_count++] = settings->predictions_path;
    for (int i = 0; i < settings->baseline_count; i++)
        inputs[input_count++] = settings->baseline_paths[i];

    size_t output_count = sizeof outputs / sizeof outputs[0];
    for (size_t o = 0; o < output_count; o++) {
        if (!outputs[o] || strcmp(outputs[o], "-") == 0)
            continue;
        for (size_t i = 0; i < input_count; i++) {
            if (inputs[i] && strcmp(inputs[i], "-") != 0 && same_file(outputs[o], inputs[i])) {
                message_error(NULL, "option %s: '%s' is an input file; write to another file", output_options[o],
                              outputs[o]);
                return EXIT_USAGE;
            }
        }
        for (size_t other = 0; other < o; other++) {
            if (outputs[other] && (strcmp(outputs[other], outputs[o]) == 0 || same_file(outputs[other], outputs[o]))) {
                message_error(NULL, "options %s and %s both write '%s'; give each its own file", output_options[other],
                              output_options[o], outputs[o]);
                return EXIT_USAGE;
            }
        }
    }
    return probe_outputs(outputs, output_count);
}

int run_open_output(const struct settings *settings, bool binary, struct output **out)
{
    const char *path = settings->output_path;
    bool to_stdout = !path || strcmp(path, "-") == 0;
    bool from_stdin = !settings->input_path || strcmp(settings->input_path, "-") == 0;
    if (!to_stdout && !from_stdin && same_file(path, settings->input_path)) {
        message_error(NULL, "option -o: '%s' is the input file; write to another file", path);
        return EXIT_USAGE;
    }

    struct error error;
    *out = output_open(path, &error);
    if (!*out) {
        message_error(path, "%s", error.text);
        return EXIT_FAILED;
    }
    if (binary && output_is_terminal(*out) && !settings->force) {
        message_error(output_name(*out), "refusing to write binary output to a terminal; redirect it, write to a file, "
                                         "or add --force");
        output_discard(*out);
        *out = NULL;
        return EXIT_FAILED;
    }
    return EXIT_OK;
}

void row_watch_init(struct row_watch *watch)
{
    *watch = (struct row_watch){.norm_min = INFINITY, .norm_max = -INFINITY};
}

static double value_at(const struct batch *batch, size_t row, size_t column)
{
    size_t i = row * batch->width + column;
    switch (batch->dtype) {
    case DTYPE_F16:
        return half_to_double(((const uint16_t *)batch->values)[i]);
    case DTYPE_F32:
        return ((const float *)batch->values)[i];
    case DTYPE_F64:
        return ((const double *)batch->values)[i];
    }
    return 0.0;
}

/* "row 12" or "line 14" (text formats count lines, header included). */
static void place_row(char *text, size_t size, const struct batch *batch, size_t row)
{
    if (batch->lines)
        snprintf(text, size, "line %" PRIu64, batch->lines[row]);
    else
        snprintf(text, size, "row %" PRIu64, batch->first_row + row);
}

bool row_watch_batch(struct row_watch *watch, const struct settings *settings, const struct reader *reader,
                     const struct batch *batch, const double *norms)
{
    watch->rows += batch->rows;
    for (size_t i = 0; i < batch->rows; i++) {
        double norm = norms[i];
        if (isfinite(norm)) {
            if (norm < watch->norm_min)
                watch->norm_min = norm;
            if (norm > watch->norm_max)
                watch->norm_max = norm;
            continue;
        }

        /* A norm overflowing from finite values is no bad value; only NaN and inf inputs count. */
        size_t column = 0;
        while (column < batch->width && isfinite(value_at(batch, i, column)))
            column++;
        if (column == batch->width)
            continue;

        if (settings->strict) {
            char place[48];
            place_row(place, sizeof place, batch, i);
            message_error(reader_name(reader), "%s, column %zu: value %g is not finite (--strict)", place, column + 1,
                          value_at(batch, i, column));
            return false;
        }
        if (watch->nonfinite_rows++ == 0) {
            watch->first_nonfinite_row = batch->first_row + i;
            watch->first_nonfinite_line = batch->lines ? batch->lines[i] : 0;
        }
    }
    return true;
}

void row_watch_report(const struct row_watch *watch, const struct settings *settings, const struct reader *reader)
{
    const char *name = reader_name(reader);
    if (watch->nonfinite_rows > 0) {
        char place[64];
        if (watch->first_nonfinite_line)
            snprintf(place, sizeof place, "row %" PRIu64 " (line %" PRIu64 ")", watch->first_nonfinite_row,
                     watch->first_nonfinite_line);
        else
            snprintf(place, sizeof place, "row %" PRIu64, watch->first_nonfinite_row);
        message_warning(name, "%" PRIu64 " %s NaN or infinite values, the first is %s; their score is nan "
                              "or -inf%s (--strict makes this an error)",
                        watch->nonfinite_rows, watch->nonfinite_rows == 1 ? "row holds" : "rows hold", place, settings->command == COMMAND_FILTER ? ", and nan is never kept" : "");
    }

    uint64_t finite_rows = watch->rows - watch->nonfinite_rows;
    if (finite_rows >= 2 && watch->norm_max > 0 &&
        watch->norm_max - watch->norm_min <= NORM_SPREAD_EQUAL * watch->norm_max) {
        bool unit = fabs(watch->norm_max - 1.0) <= NORM_SPREAD_EQUAL;
        message_warning(name, "all %" PRIu64 " rows have the same norm, %.7g (within 1e-4): the embeddings look %s, "
                              "so the score cannot rank them; score the embeddings before normalisation",
                        finite_rows, watch->norm_max, unit ? "L2-normalised" : "normalised to one length");
    }
}

int run_input_error(const struct reader *reader, const struct error *error)
{
    message_error(reader_name(reader), "%s", error->text);
    return EXIT_FAILED;
}

int run_output_error(const struct output *out, const struct error *error)
{
    message_error(output_name(out), "%s", error->text);
    return EXIT_FAILED;
}

int run_commit_error(const struct settings *settings, const struct error *error)
{
    bool to_stdout = !settings->output_path || strcmp(settings->output_path, "-") == 0;
    message_error(to_stdout ? "<stdout>" : settings->output_path, "%s", error->text);
    return EXIT_FAILED;
}
