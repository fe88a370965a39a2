#ifndef LEVYSCORE_INPUT_H
#define LEVYSCORE_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "levyscore/error.h"

/*
 * A buffered byte source over a file or stdin. Readers either pull whole blocks (input_read) or
 * work in the buffer (input_fill, input_data, input_consume). When spooling is requested and the
 * input cannot seek, every byte read is also copied to an unlinked temporary file, so that
 * input_rewind can replay the input for a second pass.
 */
struct input;

/* Open path, or stdin for NULL or "-". Returns NULL with error set on failure. */
struct input *input_open(const char *path, bool spool, struct error *error);

/* Name for messages: the path, or "<stdin>". */
const char *input_name(const struct input *in);

/* File descriptor being read, for mmap of a seekable input. */
int input_fd(const struct input *in);

/* True for regular files (and block devices), which can be read twice and at offsets. */
bool input_seekable(const struct input *in);

/* Size in bytes of a seekable input at open time, else -1. */
int64_t input_size(const struct input *in);

/* Bytes consumed so far, counted from the start of the input. */
uint64_t input_offset(const struct input *in);

/*
 * Make at least min bytes available in the buffer, fewer only at end of input, and return how
 * many are buffered. The buffer grows to max_buffer at most; min beyond that is an error.
 * Returns -1 with error set on a read error.
 */
int64_t input_fill(struct input *in, size_t min, struct error *error);

/* Start of the buffered bytes; valid until the next fill, read or consume. */
const unsigned char *input_data(const struct input *in);

/* Number of buffered bytes. */
size_t input_available(const struct input *in);

/* Drop the first n buffered bytes (n <= input_available). */
void input_consume(struct input *in, size_t n);

/* Copy up to n bytes into buffer and return how many, fewer only at end of input, or -1. */
int64_t input_read(struct input *in, void *buffer, size_t n, struct error *error);

/* Read n bytes at offset of a seekable input without moving the read position. Returns the count
 * read, less than n only at end of file, or -1 with error set. */
int64_t input_pread(struct input *in, void *buffer, size_t n, uint64_t offset, struct error *error);

/* Go back to the first byte: seek a file, or switch to the spool of a pipe. */
bool input_rewind(struct input *in, struct error *error);

void input_close(struct input *in);

#endif
