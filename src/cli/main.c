/* levyscore: score embedding rows by the Chi log density of their norms. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "levyscore/message.h"
#include "run.h"
#include "settings.h"

static int run_command(const struct settings *settings)
{
    int checked = run_check_output_paths(settings);
    if (checked != EXIT_OK)
        return checked;

    switch (settings->command) {
    case COMMAND_SCORE:
        return score_command(settings);
    case COMMAND_FILTER:
        return filter_command(settings);
    case COMMAND_THRESHOLD:
        return threshold_command(settings);
    case COMMAND_STATS:
        return stats_command(settings);
    case COMMAND_EVAL:
        return eval_command(settings);
    }
    return EXIT_USAGE;
}

int main(int argc, char **argv)
{
    /* No setlocale: numbers are parsed and printed in the C locale whatever the environment. */

    /* Past a file size limit, writes fail with EFBIG and are reported, as any write error is,
     * instead of SIGXFSZ killing the process silently (also while spooling a pipe). */
    signal(SIGXFSZ, SIG_IGN);
    struct settings settings;
    int status = settings_parse(argc, argv, &settings);
    if (status == SETTINGS_DONE)
        status = EXIT_OK;
    else if (status == EXIT_OK)
        status = run_command(&settings);

    /* Help and version go through stdio; a failed write of them is still a failure. */
    if (fflush(stdout) != 0 || ferror(stdout)) {
        message_error("<stdout>", "write failed: %s", strerror(errno));
        return EXIT_FAILED;
    }
    return status;
}
