/*
 * levyscore filter: write the rows that score highest. --min-score decides each row as it
 * streams by. --keep needs every score before the first row goes out, so it reads the input
 * twice. Pass one collects the scores (8 bytes a row) and finds the cut. Pass two scores the rows
 * again, bit for bit the same, and writes those on the kept side of the cut.
 */
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "levyscore/chi_tail.h"
#include "levyscore/format_double.h"
#include "levyscore/message.h"
#include "levyscore/row_writer.h"
#include "batch_scorer.h"
#include "progress.h"
#include "run.h"

/* Rule that selects the rows to write. */
struct cut {
    bool by_rank;               /* --keep: above score, plus the first ties_kept rows equal to it */
    double score;
    uint64_t ties_kept;
    uint64_t ties_seen;
    bool invert;
};

/*
 * What --min-pvalue compares with its cut: the row's two-sided p-value, or its log when the cut is
 * below DBL_MIN, where p itself underflows. Either way it is the value score --pvalue prints.
 */
static double pvalue_cut_value(const struct settings *settings, const struct batch *batch, double norm)
{
    uint64_t dof = settings->score.dof ? settings->score.dof : (uint64_t)batch->width;
    struct chi_pvalue pvalue = chi_pvalue(norm / settings->score.scale, dof);
    return settings->min_pvalue >= DBL_MIN ? pvalue.p : pvalue.log_p;
}

static bool cut_keeps(struct cut *cut, double score)
{
    bool kept;
    if (isnan(score))
        kept = false;
    else if (!cut->by_rank)
        kept = score >= cut->score;
    else if (score > cut->score)
        kept = true;
    else if (score == cut->score)
        kept = cut->ties_seen++ < cut->ties_kept;
    else
        kept = false;
    return kept != cut->invert;
}

/* Output side of a filter run: rows in the input format, or their indices. */
struct sink {
    struct output *out;
    struct row_writer *rows;
    bool print_index;
};

static bool sink_write(struct sink *sink, const struct batch *batch, size_t i, struct error *error)
{
    if (!sink->print_index)
        return row_writer_write(sink->rows, batch, i, error);

    char line[48];
    if (batch->ids) {
        /* One id per line: tab, CR, LF and backslash are escaped as in TSV score output. */
        for (const char *c = batch->ids[i]; *c; c++) {
            const char *escape = text_tsv_escape(*c);
            bool ok = escape ? output_write(sink->out, escape, 2, error) : output_write(sink->out, c, 1, error);
            if (!ok)
                return false;
        }
        return output_write(sink->out, "\n", 1, error);
    }
    int length = snprintf(line, sizeof line, "%" PRIu64 "\n", batch->first_row + i);
    return output_write(sink->out, line, (size_t)length, error);
}

/* Pass one of --keep: every row's score, in input order. */
static int collect_scores(const struct settings *settings, struct batch_scorer *scorer, struct reader *reader,
                          struct row_watch *watch, double **all_scores, uint64_t *count)
{
    struct error error;
    struct batch batch;
    size_t capacity = reader->rows > 0 ? (size_t)reader->rows : 4096;
    double *all = malloc(capacity * sizeof *all);
    uint64_t n = 0;
    int got;
    int status = EXIT_OK;
    struct progress progress;
    progress_start(&progress, settings, "pass 1 of 2: ");

    while (all && (got = reader_next(reader, &batch, &error)) > 0) {
        if (!batch_scorer_run(scorer, reader, &batch, NULL, &error)) {
            free(all);
            return run_input_error(reader, &error);
        }
        if (!row_watch_batch(watch, settings, reader, &batch, scorer->norms)) {
            status = EXIT_FAILED;
            break;
        }
        if (n + batch.rows > capacity) {
            while (n + batch.rows > capacity)
                capacity *= 2;
            double *grown = realloc(all, capacity * sizeof *all);
            if (!grown) {
                free(all);
                all = NULL;
                break;
            }
            all = grown;
        }
        memcpy(all + n, scorer->scores, batch.rows * sizeof *all);
        n += batch.rows;
        progress_update(&progress, reader, n);
    }
    progress_end(&progress);

    if (!all) {
        message_error(reader_name(reader), "out of memory for the scores of %" PRIu64 " rows", n);
        return EXIT_FAILED;
    }
    if (status == EXIT_OK && got < 0)
        status = run_input_error(reader, &error);
    if (status != EXIT_OK) {
        free(all);
        return status;
    }
    *all_scores = all;
    *count = n;
    return EXIT_OK;
}

/* Run --keep pass one and set the cut; *kept gets the number of rows written in pass two. */
static int find_keep_cut(const struct settings *settings, struct batch_scorer *scorer, struct reader *reader,
                         struct row_watch *watch, struct cut *cut, uint64_t *kept)
{
    double *scores = NULL;
    uint64_t rows = 0;
    int status = collect_scores(settings, scorer, reader, watch, &scores, &rows);
    if (status != EXIT_OK)
        return status;

    uint64_t target = keep_fraction_count(&settings->keep, rows);
    uint64_t kept_count = selection_find_cut(scores, (size_t)rows, target, &cut->score, &cut->ties_kept);
    free(scores);

    cut->by_rank = true;
    *kept = settings->invert ? rows - kept_count : kept_count;

    struct error error;
    if (!reader_rewind(reader, &error))
        return run_input_error(reader, &error);
    return EXIT_OK;
}

static void report_summary(const struct settings *settings, const struct reader *reader, uint64_t rows,
                           uint64_t written, const struct cut *cut)
{
    char score[FORMAT_DOUBLE_MAX + 1];
    format_double(score, cut->score);
    message_note(reader_name(reader), "read %" PRIu64 " rows, %s %" PRIu64 ", cut score %s", rows,
                 settings->invert ? "dropped (written)" : "kept", written, score);
}

int filter_command(const struct settings *settings)
{
    struct reader *reader = run_open_input(settings, settings->have_keep);
    if (!reader)
        return EXIT_FAILED;
    reader->deferred_decode = true;

    struct error error;
    struct row_watch watch;
    row_watch_init(&watch);
    struct cut cut = {.by_rank = false, .score = settings->min_score, .invert = settings->invert};
    if (settings->have_min_pvalue)
        cut.score = settings->min_pvalue >= DBL_MIN ? settings->min_pvalue : settings->min_log_pvalue;
    int64_t rows_out = -1;
    int status = EXIT_OK;
    struct sink sink = {.print_index = settings->print_index};
    struct batch_scorer scorer = {0};
    struct progress progress = {0};
    if (!batch_scorer_open(&scorer, settings)) {
        status = EXIT_FAILED;
        goto done;
    }

    if (settings->have_keep) {
        uint64_t kept;
        status = find_keep_cut(settings, &scorer, reader, &watch, &cut, &kept);
        if (status != EXIT_OK)
            goto done;
        rows_out = (int64_t)kept;
    }

    bool binary = !settings->print_index && (reader->format == FORMAT_NPY || reader->format == FORMAT_RAW);
    status = run_open_output(settings, binary, &sink.out);
    if (status != EXIT_OK)
        goto done;
    if (!sink.print_index) {
        sink.rows = row_writer_open(sink.out, &reader->layout, reader->width, rows_out, &error);
        if (!sink.rows) {
            status = run_output_error(sink.out, &error);
            goto done;
        }
    }

    uint64_t rows = 0, written = 0;
    struct batch batch;
    int got;
    progress_start(&progress, settings, settings->have_keep ? "pass 2 of 2: " : "");
    while ((got = reader_next(reader, &batch, &error)) > 0) {
        if (!batch_scorer_run(&scorer, reader, &batch, NULL, &error)) {
            status = run_input_error(reader, &error);
            goto done;
        }
        if (!settings->have_keep && !row_watch_batch(&watch, settings, reader, &batch, scorer.norms)) {
            status = EXIT_FAILED;
            goto done;
        }
        for (size_t i = 0; i < batch.rows; i++) {
            double value = settings->have_min_pvalue ? pvalue_cut_value(settings, &batch, scorer.norms[i])
                                                     : scorer.scores[i];
            if (!cut_keeps(&cut, value))
                continue;
            if (!sink_write(&sink, &batch, i, &error)) {
                status = run_output_error(sink.out, &error);
                goto done;
            }
            written++;
        }
        rows += batch.rows;
        progress_update(&progress, reader, rows);
    }
    progress_end(&progress);
    if (got < 0) {
        status = run_input_error(reader, &error);
        goto done;
    }

    if (sink.rows) {
        bool finished = row_writer_finish(sink.rows, &error);
        sink.rows = NULL;
        if (!finished) {
            status = run_output_error(sink.out, &error);
            goto done;
        }
    }
    bool committed = output_commit(sink.out, &error);
    sink.out = NULL;
    if (!committed) {
        status = run_commit_error(settings, &error);
        goto done;
    }

    row_watch_report(&watch, settings, reader);
    if (settings->verbose)
        report_summary(settings, reader, rows, written, &cut);

done:
    progress_end(&progress);
    row_writer_discard(sink.rows);
    output_discard(sink.out);
    batch_scorer_close(&scorer);
    reader_close(reader);
    return status;
}
