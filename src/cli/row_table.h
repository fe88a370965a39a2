#ifndef LEVYSCORE_CLI_ROW_TABLE_H
#define LEVYSCORE_CLI_ROW_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "settings.h"

/* Norm and score of every input row, kept for stats and eval (16 bytes a row). */
struct row_table {
    char name[512];             /* input name for messages: the path or "<stdin>" */
    size_t rows;
    size_t width;
    uint64_t dof;               /* K used: --dof or the row width */
    double scale;
    double *norms;
    double *scores;
    bool all_norms_equal;       /* the row warning about L2-normalised rows was printed */
};

/*
 * Read and score the whole input of settings, printing the row warnings (non-finite values,
 * equal norms) once at the end. Returns an exit status; errors are reported.
 */
int row_table_read(const struct settings *settings, struct row_table *table);

void row_table_free(struct row_table *table);

/*
 * Correctness per row from --correct (one 0 or 1 per line) or from --labels and --predictions
 * (one label per line, compared as text after trimming spaces). expected_rows is the number of
 * input rows. Returns an exit status; errors name the file and line.
 */
int correctness_read(const struct settings *settings, size_t expected_rows, unsigned char **correct);

/* One finite number per line from path, expected_rows lines. Returns an exit status. */
int baseline_read(const char *path, size_t expected_rows, double **scores);

#endif
