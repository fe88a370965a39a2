#ifndef LEVYSCORE_CLI_RUN_H
#define LEVYSCORE_CLI_RUN_H

#include <stdbool.h>
#include <stdint.h>

#include "levyscore/output.h"
#include "levyscore/reader.h"
#include "settings.h"

/*
 * Check that no output file (-o, --svg, --curve) is one of the input files (embeddings, --correct,
 * --labels, --predictions, --baseline): such a run would replace its own input. Reports a usage
 * error and returns EXIT_USAGE, else EXIT_OK.
 */
int run_check_output_paths(const struct settings *settings);

/* Open the input of settings; reports the error and returns NULL on failure. */
struct reader *run_open_input(const struct settings *settings, bool two_passes);

/*
 * Open the output of settings, after checking that it is not the input file and that binary
 * output does not go to a terminal without --force. Reports and returns the exit status.
 */
int run_open_output(const struct settings *settings, bool binary, struct output **out);

/*
 * Facts about the rows that the run reports once at the end: rows with NaN or infinite norms,
 * and norms that are all equal (L2-normalised embeddings, which the score cannot rank).
 */
struct row_watch {
    uint64_t rows;
    uint64_t nonfinite_rows;
    uint64_t first_nonfinite_row;
    uint64_t first_nonfinite_line;
    double norm_min;
    double norm_max;
};

void row_watch_init(struct row_watch *watch);

/*
 * Take note of a scored batch. With --strict, a non-finite value is an error: report it, naming
 * the row (or line) and column, and return false.
 */
bool row_watch_batch(struct row_watch *watch, const struct settings *settings, const struct reader *reader,
                     const struct batch *batch, const double *norms);

/* Print the warnings the rows deserve on stderr. */
void row_watch_report(const struct row_watch *watch, const struct settings *settings, const struct reader *reader);

/* Report an error on the input; the text places it (line, row or byte) where that applies. */
int run_input_error(const struct reader *reader, const struct error *error);

/* Report an error on the output. */
int run_output_error(const struct output *out, const struct error *error);

/* Report a failed output_commit, which has freed the output. */
int run_commit_error(const struct settings *settings, const struct error *error);

#endif
