/* TODO: placeholder; the delimited text reader is not written yet. */
#include "levyscore/reader.h"

struct reader *csv_reader_open(struct input *in, const struct reader_options *options, struct error *error)
{
    (void)in;
    (void)options;
    error_set(error, "delimited text input is not supported yet");
    return NULL;
}
