#include "progress.h"

#include <inttypes.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "levyscore/message.h"

static double seconds_now(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)now.tv_sec + 1e-9 * (double)now.tv_nsec;
}

void progress_start(struct progress *progress, const struct settings *settings, const char *label)
{
    bool terminal = isatty(STDERR_FILENO);
    *progress = (struct progress){
        .enabled = settings->progress == 1 || (settings->progress == -1 && terminal),
        .terminal = terminal,
        .start = seconds_now(),
        .label = label,
    };
    progress->last = progress->start;
}

/* "12.5 s" under a minute, "3 min 20 s" above. */
static void format_duration(char *text, size_t size, double seconds)
{
    long whole = (long)(seconds + 0.5);
    if (whole < 60)
        snprintf(text, size, "%ld s", whole);
    else
        snprintf(text, size, "%ld min %02ld s", whole / 60, whole % 60);
}

void progress_update(struct progress *progress, const struct reader *reader, uint64_t rows_done)
{
    if (!progress->enabled)
        return;
    double now = seconds_now();
    double interval = progress->terminal ? 0.5 : 2.0;
    if (now - progress->last < interval || now - progress->start < 1.0)
        return;
    progress->last = now;
    double elapsed = now - progress->start;

    /* Rows when the total is known up front (.npy, raw files), else bytes of the input. */
    double done = (double)rows_done, total = (double)reader->rows;
    const char *unit = "rows";
    if (reader->rows < 0) {
        done = (double)input_offset(reader->in);
        total = (double)input_size(reader->in);
        unit = "bytes";
    }

    char left[32] = "";
    if (total > 0 && done > 0 && done <= total)
        format_duration(left, sizeof left, elapsed * (total - done) / done);
    double rate = done / elapsed;
    char text[256];
    if (total > 0)
        snprintf(text, sizeof text, "%s%.0f of %.0f %s (%.0f%%), %.3g %s/s%s%s", progress->label, done, total, unit,
                 100 * done / total, rate, unit, left[0] ? ", left " : "", left);
    else
        snprintf(text, sizeof text, "%s%.0f %s, %.3g %s/s", progress->label, done, unit, rate, unit);
    if (progress->terminal)
        message_progress(reader_name(reader), "%s", text);
    else
        message_note(reader_name(reader), "%s", text);
    progress->shown = true;
}

void progress_end(struct progress *progress)
{
    if (progress->shown && progress->terminal)
        message_progress_clear();
    progress->shown = false;
}
