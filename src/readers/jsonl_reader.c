/* TODO: placeholder; the JSON lines reader is not written yet. */
#include "levyscore/reader.h"

struct reader *jsonl_reader_open(struct input *in, const struct reader_options *options, struct error *error)
{
    (void)in;
    (void)options;
    error_set(error, "JSON lines input is not supported yet");
    return NULL;
}
