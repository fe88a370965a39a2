#include "levyscore/tempfile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int tempfile_create_unlinked(struct error *error)
{
    const char *folder = getenv("TMPDIR");
    if (!folder || !*folder)
        folder = "/tmp";

    char path[4096];
    int length = snprintf(path, sizeof path, "%s/levyscore.XXXXXX", folder);
    if (length < 0 || (size_t)length >= sizeof path) {
        error_set(error, "temporary folder name too long: %s", folder);
        return -1;
    }
    int fd = mkstemp(path);
    if (fd < 0) {
        error_set_errno(error, errno, "cannot create a temporary file in %s", folder);
        return -1;
    }
    unlink(path);
    return fd;
}
