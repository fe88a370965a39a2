#ifndef LEVYSCORE_TEMPFILE_H
#define LEVYSCORE_TEMPFILE_H

#include "levyscore/error.h"

/*
 * Create an anonymous temporary file (already unlinked) in $TMPDIR, or /tmp, and return its
 * descriptor, or -1 with error set. Used to spool a pipe for a second pass.
 */
int tempfile_create_unlinked(struct error *error);

#endif
