#ifndef TEST_SUPPORT_DATA_H
#define TEST_SUPPORT_DATA_H

#include <stdbool.h>
#include <stddef.h>

/* Absolute path of relative under tests/data; the string is static until the next 16 calls. */
const char *data_path(const char *relative);

/* Whole contents of a file, NUL-terminated, or NULL; *size gets its length. Caller frees. */
char *read_file(const char *path, size_t *size);

/* Create a scratch folder for one test and return its path (static until the next call). */
const char *scratch_folder(void);

/* Remove a scratch folder and everything in it. */
void scratch_remove(const char *path);

/* Names in folder, sorted and joined by single spaces ("" when empty); static until the next call. */
const char *folder_listing(const char *path);

/* Write size bytes of data to path, replacing it. Returns false on failure. */
bool write_file(const char *path, const void *data, size_t size);

#endif
