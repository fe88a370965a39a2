#ifndef LEVYSCORE_CLI_REPORT_H
#define LEVYSCORE_CLI_REPORT_H

#include <stdbool.h>

#include <cjson/cJSON.h>

#include "levyscore/text_buffer.h"
#include "settings.h"

/* Shared output steps of stats and eval. */

/* Append printf-formatted text; false when memory runs out. */
bool report_printf(struct text_buffer *text, const char *format, ...) __attribute__((format(printf, 2, 3)));

/* Add a number to a JSON object; NaN and infinities, which JSON cannot hold, become null. */
bool report_json_number(cJSON *object, const char *name, double value);

/* Write text to the output of settings (stdout or -o FILE), atomically. Returns an exit status. */
int report_write(const struct settings *settings, const struct text_buffer *text);

/* Print a JSON document with a final newline to the output of settings. Returns an exit status. */
int report_write_json(const struct settings *settings, const cJSON *document);

/* Write text to path (an SVG or TSV file), atomically. Returns an exit status. */
int report_write_file(const char *path, const struct text_buffer *text);

/* Check that --labels and --predictions come together, and not with --correct. Returns an exit status. */
int report_check_label_options(const struct settings *settings, bool labels_required);

#endif
