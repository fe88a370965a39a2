#include "cli_run.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct buffer {
    char *data;
    size_t size;
    size_t capacity;
};

static void buffer_append(struct buffer *buffer, const char *data, size_t n)
{
    if (buffer->size + n + 1 > buffer->capacity) {
        size_t capacity = buffer->capacity ? buffer->capacity : 4096;
        while (buffer->size + n + 1 > capacity)
            capacity *= 2;
        buffer->data = realloc(buffer->data, capacity);
        buffer->capacity = capacity;
    }
    memcpy(buffer->data + buffer->size, data, n);
    buffer->size += n;
    buffer->data[buffer->size] = '\0';
}

/* Feed stdin and drain stdout and stderr together, so that no pipe fills up and blocks. */
static void exchange(int in_fd, const char *data, size_t size, int out_fd, int err_fd, struct buffer *out,
                     struct buffer *err)
{
    size_t sent = 0;
    if (in_fd >= 0 && size == 0) {
        close(in_fd);
        in_fd = -1;
    }
    while (out_fd >= 0 || err_fd >= 0) {
        struct pollfd fds[3] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}, {in_fd, POLLOUT, 0}};
        if (poll(fds, 3, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        char chunk[65536];
        for (int i = 0; i < 2; i++) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            ssize_t got = read(fds[i].fd, chunk, sizeof chunk);
            if (got > 0) {
                buffer_append(i == 0 ? out : err, chunk, (size_t)got);
            } else {
                close(fds[i].fd);
                if (i == 0)
                    out_fd = -1;
                else
                    err_fd = -1;
            }
        }
        if (in_fd >= 0 && (fds[2].revents & (POLLOUT | POLLERR | POLLHUP))) {
            ssize_t put = write(in_fd, data + sent, size - sent);
            if (put > 0)
                sent += (size_t)put;
            if (put < 0 || sent == size) {
                close(in_fd);
                in_fd = -1;
            }
        }
    }
    if (in_fd >= 0)
        close(in_fd);
}

static struct cli_result run_argv(const char *const *env, const char *stdin_data, size_t stdin_size,
                                  const char *const *argv)
{
    int in_pipe[2] = {-1, -1}, out_pipe[2], err_pipe[2];
    if (stdin_data && pipe(in_pipe) != 0)
        abort();
    if (pipe(out_pipe) != 0 || pipe(err_pipe) != 0)
        abort();

    /* A test writing to a process that died early must not kill the test runner. */
    signal(SIGPIPE, SIG_IGN);
    struct timespec started;
    clock_gettime(CLOCK_MONOTONIC, &started);

    pid_t pid = fork();
    if (pid == 0) {
        signal(SIGPIPE, SIG_DFL);
        if (stdin_data) {
            dup2(in_pipe[0], STDIN_FILENO);
            close(in_pipe[0]);
            close(in_pipe[1]);
        } else {
            int null_fd = open("/dev/null", O_RDONLY);
            dup2(null_fd, STDIN_FILENO);
        }
        dup2(out_pipe[1], STDOUT_FILENO);
        dup2(err_pipe[1], STDERR_FILENO);
        close(out_pipe[0]);
        close(err_pipe[0]);
        setenv("LC_ALL", "C", 1);
        for (const char *const *item = env; item && *item; item++)
            putenv((char *)*item);
        setenv("LEVYSCORE", LEVYSCORE_BIN, 1);
        execvp(argv[0], (char *const *)argv);
        _exit(127);
    }

    if (stdin_data)
        close(in_pipe[0]);
    close(out_pipe[1]);
    close(err_pipe[1]);
    struct buffer out = {0}, err = {0};
    buffer_append(&out, "", 0);
    buffer_append(&err, "", 0);
    exchange(stdin_data ? in_pipe[1] : -1, stdin_data, stdin_size, out_pipe[0], err_pipe[0], &out, &err);

    int wait_status;
    struct rusage usage;
    wait4(pid, &wait_status, 0, &usage);
    struct timespec ended;
    clock_gettime(CLOCK_MONOTONIC, &ended);
    struct cli_result result = {
        .seconds = (double)(ended.tv_sec - started.tv_sec) + 1e-9 * (double)(ended.tv_nsec - started.tv_nsec),
        .max_rss_kb = usage.ru_maxrss,
        .status = WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : 128 + WTERMSIG(wait_status),
        .out = out.data,
        .out_size = out.size,
        .err = err.data,
        .err_size = err.size,
    };
    return result;
}

/*
 * With LEVYSCORE_TEST_WRAPPER set (such as "valgrind --error-exitcode=99 -q"), the binary runs
 * under that command, split at spaces; shell commands run the binary as they are.
 */
struct cli_result cli_run_env(const char *const *env, const char *stdin_data, size_t stdin_size,
                              const char *const *args)
{
    const char *argv[96];
    size_t n = 0;
    char wrapper[1024] = "";
    const char *wrapper_setting = getenv("LEVYSCORE_TEST_WRAPPER");
    if (wrapper_setting)
        snprintf(wrapper, sizeof wrapper, "%s", wrapper_setting);
    for (char *word = strtok(wrapper, " "); word && n < 32; word = strtok(NULL, " "))
        argv[n++] = word;

    argv[n++] = LEVYSCORE_BIN;
    for (size_t i = 0; args[i] && n < 95; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    return run_argv(env, stdin_data, stdin_size, argv);
}

/* timeout(1) signals its whole process group, so a stuck background job of the command cannot
 * hold the output pipes open and hang the test run. */
struct cli_result cli_run_shell(const char *command)
{
    const char *argv[] = {"timeout", "-k", "5", "120", "/bin/sh", "-c", command, NULL};
    return run_argv(NULL, NULL, 0, argv);
}

void cli_result_free(struct cli_result *result)
{
    free(result->out);
    free(result->err);
}
