#ifndef LEVYSCORE_CLI_PROGRESS_H
#define LEVYSCORE_CLI_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

#include "levyscore/reader.h"
#include "settings.h"

/*
 * A progress line on stderr for long runs: rows (or bytes) done, rate and time left, rewritten in
 * place twice a second. Shown when stderr is a terminal, or as --progress / --no-progress say,
 * and only once a run has taken a second.
 */
struct progress {
    bool enabled;
    bool terminal;                  /* rewrite one line in place; else a new line every 2 s */
    bool shown;
    double start;
    double last;
    const char *label;              /* "", or "pass 1 of 2: " */
};

void progress_start(struct progress *progress, const struct settings *settings, const char *label);

/* Update after a batch; rows_done counts rows finished so far. */
void progress_update(struct progress *progress, const struct reader *reader, uint64_t rows_done);

/* Clear the line, if one was shown. */
void progress_end(struct progress *progress);

#endif
