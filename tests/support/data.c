#include "data.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *data_path(const char *relative)
{
    static char paths[16][4096];
    static int next;
    char *path = paths[next++ % 16];
    snprintf(path, sizeof paths[0], "%s/%s", TEST_DATA_DIR, relative);
    return path;
}

char *read_file(const char *path, size_t *size)
{
    FILE *file = fopen(path, "rb");
    if (!file)
        return NULL;
    size_t capacity = 4096, used = 0;
    char *data = malloc(capacity + 1);
    size_t got;
    while (data && (got = fread(data + used, 1, capacity - used, file)) > 0) {
        used += got;
        if (used == capacity) {
            capacity *= 2;
            char *grown = realloc(data, capacity + 1);
            if (!grown) {
                free(data);
                data = NULL;
            }
            data = grown;
        }
    }
    fclose(file);
    if (data) {
        data[used] = '\0';
        if (size)
            *size = used;
    }
    return data;
}

const char *scratch_folder(void)
{
    static char path[4096];
    const char *base = getenv("TMPDIR");
    snprintf(path, sizeof path, "%s/levyscore-test-XXXXXX", base && *base ? base : "/tmp");
    return mkdtemp(path);
}
