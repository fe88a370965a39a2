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
};

/* Everything the command line sets. */
struct settings {
    enum command command;
    const char *input_path;         /* NULL or "-" for stdin */
    const char *output_path;        /* NULL or "-" for stdout */
    struct reader_options reader;
    struct score_settings score;
    bool verbose;
    bool strict;                    /* non-finite values are an error, not a warning */
    bool force;                     /* write binary output to a terminal */

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

#endif
