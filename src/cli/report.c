/* Output steps shared by stats and eval: text and JSON reports, plot and curve files. */
#include "report.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "levyscore/message.h"
#include "levyscore/output.h"
#include "run.h"

bool report_printf(struct text_buffer *text, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    bool ok = text_buffer_vprintf(text, format, args);
    va_end(args);
    return ok;
}

bool report_json_number(cJSON *object, const char *name, double value)
{
    cJSON *item = isfinite(value) ? cJSON_CreateNumber(value) : cJSON_CreateNull();
    return item && cJSON_AddItemToObject(object, name, item);
}

/* Write text to out, which is open, and commit it. */
static int write_and_commit(struct output *out, const char *path, const struct text_buffer *text)
{
    struct error error;
    if (text->used > 0 && !output_write(out, text->data, text->used, &error)) {
        message_error(output_name(out), "%s", error.text);
        output_discard(out);
        return EXIT_FAILED;
    }
    const char *name = path && strcmp(path, "-") != 0 ? path : "<stdout>";
    if (!output_commit(out, &error)) {
        message_error(name, "%s", error.text);
        return EXIT_FAILED;
    }
    return EXIT_OK;
}

static int write_to(const char *path, const struct text_buffer *text)
{
    struct error error;
    struct output *out = output_open(path, &error);
    if (!out) {
        message_error(path, "%s", error.text);
        return EXIT_FAILED;
    }
    return write_and_commit(out, path, text);
}

int report_write(const struct settings *settings, const struct text_buffer *text)
{
    /* run_open_output also rejects -o naming the input file. */
    struct output *out;
    int status = run_open_output(settings, false, &out);
    if (status != EXIT_OK)
        return status;
    return write_and_commit(out, settings->output_path, text);
}

int report_write_json(const struct settings *settings, const cJSON *document)
{
    char *printed = cJSON_Print(document);
    if (!printed) {
        message_error(NULL, "out of memory for the JSON report");
        return EXIT_FAILED;
    }
    struct text_buffer text = {0};
    int status = EXIT_OK;
    if (!report_printf(&text, "%s\n", printed)) {
        message_error(NULL, "out of memory for the JSON report");
        status = EXIT_FAILED;
    }
    free(printed);
    if (status == EXIT_OK)
        status = report_write(settings, &text);
    text_buffer_free(&text);
    return status;
}

int report_write_file(const char *path, const struct text_buffer *text)
{
    return write_to(path, text);
}

int report_check_label_options(const struct settings *settings, bool labels_required)
{
    const char *command = settings->command == COMMAND_EVAL ? "eval" : "stats";
    bool have_pair = settings->labels_path || settings->predictions_path;
    if (settings->correct_path && have_pair) {
        message_error(NULL, "give either --correct FILE or --labels FILE --predictions FILE, not both");
        message_note(NULL, "try 'levyscore %s --help'", command);
        return EXIT_USAGE;
    }
    if (have_pair && !(settings->labels_path && settings->predictions_path)) {
        message_error(NULL, "--labels and --predictions go together: the true label and the prediction of each row");
        message_note(NULL, "try 'levyscore %s --help'", command);
        return EXIT_USAGE;
    }
    if (labels_required && !settings->correct_path && !have_pair) {
        message_error(NULL, "%s needs --correct FILE (1 or 0 per row) or --labels FILE --predictions FILE", command);
        message_note(NULL, "try 'levyscore %s --help'", command);
        return EXIT_USAGE;
    }
    return EXIT_OK;
}
