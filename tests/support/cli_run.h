#ifndef TEST_SUPPORT_CLI_RUN_H
#define TEST_SUPPORT_CLI_RUN_H

#include <stddef.h>

/* Result of one run of the levyscore binary. */
struct cli_result {
    int status;         /* exit status, or 128 + signal number when killed */
    char *out;          /* stdout, NUL-terminated */
    size_t out_size;
    char *err;          /* stderr, NUL-terminated */
    size_t err_size;
    double seconds;     /* wall time from start to exit */
    long max_rss_kb;    /* peak resident memory of the process and the children it waited for */
};

/*
 * Run levyscore with args (NULL-terminated, without the program name), feeding stdin_data
 * (stdin_size bytes; NULL means /dev/null) on stdin. env, when not NULL, is a NULL-terminated
 * list of NAME=VALUE strings added to the environment. The environment gets LC_ALL=C unless env
 * sets LC_ALL.
 */
struct cli_result cli_run_env(const char *const *env, const char *stdin_data, size_t stdin_size,
                              const char *const *args);

#define cli_run(stdin_data, stdin_size, ...) \
    cli_run_env(NULL, stdin_data, stdin_size, (const char *const[]){__VA_ARGS__, NULL})

/* Run a shell command line (sh -c), with $LEVYSCORE set to the binary's path. */
struct cli_result cli_run_shell(const char *command);

void cli_result_free(struct cli_result *result);

#endif
