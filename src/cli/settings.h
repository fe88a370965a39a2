#ifndef LEVYSCORE_CLI_SETTINGS_H
#define LEVYSCORE_CLI_SETTINGS_H

#include <stdbool.h>

#include "levyscore/reader.h"
#include "levyscore/score.h"
#include "levyscore/score_writer.h"
#include "levyscore/selection.h"

/* Exit statuses, as the man page's EXIT STATUS lists them. */
enum exit_status {
    EXIT_OK = 0,
    EXIT_FAILED = 1,        /* bad input data or an I/O failure */
    EXIT_USAGE = 2,         /* unknown option, invalid value, missing argument */
};

enum command {
    COMMAND_SCORE,
    COMMAND_FILTER,
    COMMAND_THRESHOLD,
    COMMAND_STATS,
    COMMAND_EVAL,
};

/* Most input files one command takes (threshold reads shards). */
#define INPUTS_MAX 4096

/* Everything the command line sets. */
struct settings {
    enum command command;
    const char *input_path;         /* NULL or "-" for stdin; the first of input_paths */
    const char *input_paths[INPUTS_MAX];
    int input_count;
    const char *output_path;        /* NULL or "-" for stdout */
    struct reader_options reader;
    struct score_settings score;
    bool verbose;
    bool strict;                    /* non-finite values are an error, not a warning */
    bool force;                     /* write binary output to a terminal */
    int threads;                    /* 0: the online CPUs */
    int progress;                   /* -1: when stderr is a terminal, 0: never, 1: always */

    /* score */
    enum score_format to;
    bool output_header;

    /* filter */
    bool have_keep;
    struct keep_fraction keep;
    const char *keep_text;
    bool have_min_score;
    double min_score;
    bool print_index;
    bool invert;

    /* Tail probabilities (score --pvalue, filter --min-pvalue). */
    bool pvalue;
    bool have_min_pvalue;
    double min_pvalue;
    double min_log_pvalue;          /* ln of min_pvalue from its decimal text, also below 1e-324 */

    /* stats and eval */
    unsigned bins;                  /* 0: default */
    double bin_width;               /* 0: use bins */
    bool json;
    const char *svg_path;
    const char *correct_path;
    const char *labels_path;
    const char *predictions_path;
    const char *baseline_paths[16];
    int baseline_count;
    const char *curve_path;
};

/* settings_parse's result when --help or --version was printed and the run is over. */
#define SETTINGS_DONE (-1)

/* Parse argv into settings. Returns EXIT_OK to run, SETTINGS_DONE, or EXIT_USAGE after reporting
 * a usage error. */
int settings_parse(int argc, char **argv, struct settings *settings);

/* Help text of a command (NULL: the top level) on stdout. */
void usage_print(const char *command);

int score_command(const struct settings *settings);
int filter_command(const struct settings *settings);
int threshold_command(const struct settings *settings);
int stats_command(const struct settings *settings);
int eval_command(const struct settings *settings);

#endif
