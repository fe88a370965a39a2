/* TODO: placeholder; the raw reader is not written yet. */
#include "levyscore/reader.h"

struct reader *raw_reader_open(struct input *in, const struct reader_options *options, struct error *error)
{
    (void)in;
    (void)options;
    error_set(error, "raw input is not supported yet");
    return NULL;
}
