#ifndef LEVYSCORE_OUTPUT_H
#define LEVYSCORE_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "levyscore/error.h"

/*
 * A buffered output to stdout or to a file. A file is written as a temporary file in the same
 * folder and renamed over the target by output_commit, so the target is either untouched or
 * complete; output_discard, a failure, SIGINT, SIGTERM or SIGHUP remove the temporary file.
 * A target that exists and is not a regular file, such as /dev/null or a FIFO, is written in
 * place, because a rename would replace it.
 * Every write error is kept and returned, including the final flush and close. When the reader
 * of a pipe goes away (EPIPE), the process ends as SIGPIPE would end it, without a message.
 */
struct output;

/* Open path for writing, or stdout for NULL or "-". Returns NULL with error set. */
struct output *output_open(const char *path, struct error *error);

/* Name for messages: the path or "<stdout>". */
const char *output_name(const struct output *out);

/* True when the output is a terminal. */
bool output_is_terminal(const struct output *out);

/* True when bytes already written can be rewritten with output_pwrite. */
bool output_seekable(const struct output *out);

/* Append n bytes. Returns false with error set once a write failed. */
bool output_write(struct output *out, const void *data, size_t n, struct error *error);

/* Overwrite n bytes at offset (counted from the start of the output), after a flush. */
bool output_pwrite(struct output *out, const void *data, size_t n, uint64_t offset, struct error *error);

/* Bytes written so far. */
uint64_t output_size(const struct output *out);

/* Flush and close; for a file, move it into place. Frees out. */
bool output_commit(struct output *out, struct error *error);

/* Drop everything written: remove the temporary file (stdout keeps what was sent). Frees out. */
void output_discard(struct output *out);

#endif
