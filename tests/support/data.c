#include "data.h"

#include <dirent.h>
#include <ftw.h>
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

static int remove_entry(const char *path, const struct stat *info, int type, struct FTW *walk)
{
    (void)info;
    (void)type;
    (void)walk;
    return remove(path);
}

void scratch_remove(const char *path)
{
    nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

const char *folder_listing(const char *path)
{
    static char listing[4096];
    char *names[256];
    size_t count = 0;
    listing[0] = '\0';

    DIR *folder = opendir(path);
    if (!folder)
        return listing;
    struct dirent *entry;
    while ((entry = readdir(folder)) != NULL && count < 256) {
        if (strcmp(entry->d_name, ".") != 0 && strcmp(entry->d_name, "..") != 0)
            names[count++] = strdup(entry->d_name);
    }
    closedir(folder);

    qsort(names, count, sizeof names[0], compare_names);
    for (size_t i = 0; i < count; i++) {
        size_t used = strlen(listing);
        snprintf(listing + used, sizeof listing - used, "%s%s", i ? " " : "", names[i]);
        free(names[i]);
    }
    return listing;
}

bool write_file(const char *path, const void *data, size_t size)
{
    FILE *file = fopen(path, "wb");
    if (!file)
        return false;
    bool ok = fwrite(data, 1, size, file) == size;
    return fclose(file) == 0 && ok;
}
