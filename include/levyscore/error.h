#ifndef LEVYSCORE_ERROR_H
#define LEVYSCORE_ERROR_H

#include "levyscore/message.h"

/*
 * What went wrong, as the phrase after "levyscore: FILE: ". Parsers and readers fill it and return
 * a failure; the command line prints it once.
 */
struct error {
    char text[512];
};

/* Set error->text from a printf format, replacing what was there. */
void error_set(struct error *error, const char *format, ...) MESSAGE_PRINTF(2, 3);

/* Set error->text and add ": strerror(errnum)". */
void error_set_errno(struct error *error, int errnum, const char *format, ...) MESSAGE_PRINTF(3, 4);

#endif
