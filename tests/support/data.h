#ifndef TEST_SUPPORT_DATA_H
#define TEST_SUPPORT_DATA_H

#include <stddef.h>

/* Absolute path of relative under tests/data; the string is static until the next 16 calls. */
const char *data_path(const char *relative);

/* Whole contents of a file, NUL-terminated, or NULL; *size gets its length. Caller frees. */
char *read_file(const char *path, size_t *size);

/* Create a scratch folder for one test and return its path (static until the next call). */
const char *scratch_folder(void);

#endif
