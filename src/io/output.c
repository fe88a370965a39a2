#include "levyscore/output.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define OUTPUT_BUFFER (1u << 20)

struct output {
    int fd;
    char *path;             /* target as given, for messages, or NULL for stdout */
    char *target_path;      /* target with symbolic links resolved: the file rename replaces */
    char *temp_path;        /* temporary file renamed to path on commit */
    unsigned char *buffer;
    size_t used;
    uint64_t flushed;       /* bytes already handed to write(2) */
    bool failed;
    bool seekable;
    bool terminal;
    bool in_place;          /* path is a device or FIFO, written directly */
};

/* The temporary file a signal handler must remove; one output file exists at a time. */
static volatile sig_atomic_t temp_registered;
static char temp_for_signals[4096];

static void remove_temp_and_die(int signal_number)
{
    if (temp_registered)
        unlink(temp_for_signals);
    signal(signal_number, SIG_DFL);
    raise(signal_number);
}

static void register_temp(const char *path)
{
    snprintf(temp_for_signals, sizeof temp_for_signals, "%s", path);
    temp_registered = 1;

    /* Writing past the file size limit then fails with EFBIG, which the error path reports and
     * cleans up after, instead of killing the process. */
    signal(SIGXFSZ, SIG_IGN);

    /* A signal ignored on entry (nohup, a background job of a shell) stays ignored. */
    static const int signals[] = {SIGINT,  SIGTERM,   SIGHUP,  SIGQUIT, SIGALRM, SIGUSR1, SIGUSR2,
                                  SIGPIPE, SIGVTALRM, SIGPROF, SIGIO,   SIGPWR,  SIGSYS,  SIGTRAP};
    for (size_t i = 0; i < sizeof signals / sizeof signals[0] + (size_t)(SIGRTMAX - SIGRTMIN + 1); i++) {
        int number = i < sizeof signals / sizeof signals[0] ? signals[i]
                                                             : SIGRTMIN + (int)(i - sizeof signals / sizeof signals[0]);
        struct sigaction action, previous;
        memset(&action, 0, sizeof action);
        action.sa_handler = remove_temp_and_die;
        sigemptyset(&action.sa_mask);
        if (sigaction(number, NULL, &previous) == 0 && previous.sa_handler == SIG_DFL)
            sigaction(number, &action, NULL);
    }
}

static void unregister_temp(void)
{
    temp_registered = 0;
}

/* End the process as an unhandled SIGPIPE does, quietly: the reader of the output is gone. */
static void die_of_broken_pipe(void)
{
    signal(SIGPIPE, SIG_DFL);
    raise(SIGPIPE);
    _exit(128 + SIGPIPE);
}

/* Mode for a new file: the old target's mode, else 0666 less the umask, as open(2) would give. */
static mode_t new_file_mode(const char *path)
{
    struct stat info;
    if (stat(path, &info) == 0)
        return info.st_mode & 07777;
    mode_t mask = umask(0);
    umask(mask);
    return 0666 & ~mask;
}

static bool open_temp_beside(struct output *out, const char *path, struct error *error)
{
    const char *slash = strrchr(path, '/');
    size_t folder_length = slash ? (size_t)(slash - path) + 1 : 0;
    const char *base = path + folder_length;

    size_t size = strlen(path) + 32;
    out->temp_path = malloc(size);
    if (!out->temp_path) {
        error_set(error, "out of memory");
        return false;
    }
    snprintf(out->temp_path, size, "%.*s.%s.levyscore-XXXXXX", (int)folder_length, path, base);

    out->fd = mkstemp(out->temp_path);
    if (out->fd < 0) {
        int errnum = errno;
        if (folder_length)
            error_set_errno(error, errnum, "cannot create a file in folder %.*s", (int)folder_length, path);
        else
            error_set_errno(error, errnum, "cannot create a file in the current folder");
        return false;
    }
    register_temp(out->temp_path);
    fchmod(out->fd, new_file_mode(path));
    return true;
}

/* Open a target that is not a regular file, such as /dev/null or a FIFO, for writing in place,
 * because renaming a file over it would replace the device node or the FIFO. */
/*
 * Set out->target_path: path itself, or for a symbolic link the file it points to, so that the
 * rename replaces that file and not the link (-o /dev/stdout must never replace /dev/stdout).
 */
static bool resolve_target(struct output *out, const char *path, struct error *error)
{
    struct stat link;
    if (lstat(path, &link) == 0 && S_ISLNK(link.st_mode)) {
        out->target_path = realpath(path, NULL);
        if (!out->target_path) {
            error_set_errno(error, errno, "cannot resolve the symbolic link");
            return false;
        }
        return true;
    }
    out->target_path = strdup(path);
    if (!out->target_path)
        error_set(error, "out of memory");
    return out->target_path != NULL;
}

static bool open_in_place(struct output *out, const char *path, const struct stat *target, struct error *error)
{
    if (S_ISDIR(target->st_mode)) {
        error_set(error, "is a directory");
        return false;
    }
    out->fd = open(path, O_WRONLY | O_CLOEXEC);
    if (out->fd < 0) {
        error_set_errno(error, errno, "cannot open for writing");
        return false;
    }
    out->in_place = true;
    return true;
}

struct output *output_open(const char *path, struct error *error)
{
    struct output *out = calloc(1, sizeof *out);
    if (!out || !(out->buffer = malloc(OUTPUT_BUFFER))) {
        free(out);
        error_set(error, "out of memory");
        return NULL;
    }
    out->fd = -1;

    if (path == NULL || strcmp(path, "-") == 0) {
        out->fd = STDOUT_FILENO;
    } else {
        out->path = strdup(path);
        struct stat target;
        bool opened;
        if (!out->path) {
            error_set(error, "out of memory");
            opened = false;
        } else if (stat(path, &target) == 0 && !S_ISREG(target.st_mode)) {
            opened = open_in_place(out, path, &target, error);
        } else {
            opened = resolve_target(out, path, error) && open_temp_beside(out, out->target_path, error);
        }
        if (!opened) {
            output_discard(out);
            return NULL;
        }
    }

    struct stat info;
    int flags = fcntl(out->fd, F_GETFL);
    out->seekable = fstat(out->fd, &info) == 0 && S_ISREG(info.st_mode) && flags >= 0 && !(flags & O_APPEND) &&
                    lseek(out->fd, 0, SEEK_CUR) == 0;
    out->terminal = isatty(out->fd);
    return out;
}

const char *output_name(const struct output *out)
{
    return out->path ? out->path : "<stdout>";
}

bool output_is_terminal(const struct output *out)
{
    return out->terminal;
}

bool output_seekable(const struct output *out)
{
    return out->seekable;
}

uint64_t output_size(const struct output *out)
{
    return out->flushed + out->used;
}

static bool write_fully(struct output *out, const unsigned char *data, size_t n, struct error *error)
{
    while (n > 0) {
        ssize_t written = write(out->fd, data, n);
        if (written < 0 && errno == EINTR)
            continue;
        if (written < 0) {
            if (errno == EPIPE)
                die_of_broken_pipe();
            out->failed = true;
            error_set_errno(error, errno, "write failed");
            return false;
        }
        data += written;
        n -= (size_t)written;
        out->flushed += (uint64_t)written;
    }
    return true;
}

static bool flush(struct output *out, struct error *error)
{
    size_t used = out->used;
    out->used = 0;
    return write_fully(out, out->buffer, used, error);
}

bool output_write(struct output *out, const void *data, size_t n, struct error *error)
{
    if (out->failed) {
        error_set(error, "write failed");
        return false;
    }
    if (out->used + n > OUTPUT_BUFFER) {
        if (!flush(out, error))
            return false;
        if (n > OUTPUT_BUFFER)
            return write_fully(out, data, n, error);
    }
    memcpy(out->buffer + out->used, data, n);
    out->used += n;
    return true;
}

bool output_pwrite(struct output *out, const void *data, size_t n, uint64_t offset, struct error *error)
{
    if (!flush(out, error))
        return false;
    const unsigned char *bytes = data;
    while (n > 0) {
        ssize_t written = pwrite(out->fd, bytes, n, (off_t)offset);
        if (written < 0 && errno == EINTR)
            continue;
        if (written < 0) {
            out->failed = true;
            error_set_errno(error, errno, "write failed");
            return false;
        }
        bytes += written;
        n -= (size_t)written;
        offset += (uint64_t)written;
    }
    return true;
}

static void release(struct output *out)
{
    free(out->buffer);
    free(out->path);
    free(out->target_path);
    free(out->temp_path);
    free(out);
}

bool output_commit(struct output *out, struct error *error)
{
    bool ok = !out->failed && flush(out, error);
    if (out->failed && ok) {
        error_set(error, "write failed");
        ok = false;
    }

    if (!out->path) {
        release(out);
        return ok;
    }
    if (out->in_place) {
        if (close(out->fd) != 0 && ok) {
            error_set_errno(error, errno, "write failed");
            ok = false;
        }
        release(out);
        return ok;
    }

    /* No fsync: the rename makes the new file appear whole or not at all to other processes, and
     * syncing hundreds of megabytes would cost more than the scoring itself. What survives a
     * power loss is up to the file system (ext4's default auto_da_alloc option flushes a file
     * renamed over an existing one). */
    if (close(out->fd) != 0 && ok) {
        error_set_errno(error, errno, "write failed");
        ok = false;
    }
    out->fd = -1;
    if (ok && rename(out->temp_path, out->target_path) != 0) {
        error_set_errno(error, errno, "cannot replace the file");
        ok = false;
    }
    if (!ok)
        unlink(out->temp_path);
    unregister_temp();
    release(out);
    return ok;
}

void output_discard(struct output *out)
{
    if (!out)
        return;
    if (out->path && out->fd >= 0)
        close(out->fd);
    if (out->temp_path && out->fd >= 0)
        unlink(out->temp_path);
    if (out->temp_path)
        unregister_temp();
    release(out);
}
