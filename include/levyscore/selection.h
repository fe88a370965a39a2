#ifndef LEVYSCORE_SELECTION_H
#define LEVYSCORE_SELECTION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * A fraction F written in decimal, 0 < F <= 1, kept exactly as digits / 10^exponent so that
 * ceil(F * N) can be taken without rounding F to a double first.
 */
struct keep_fraction {
    uint64_t digits;
    unsigned exponent;
};

/* Parse text such as "0.8", ".25", "1", "8e-1" or "80%". Returns false unless 0 < F <= 1. */
bool keep_fraction_parse(const char *text, struct keep_fraction *fraction);

/* ceil(F * rows), exactly. */
uint64_t keep_fraction_count(const struct keep_fraction *fraction, uint64_t rows);

/*
 * The cut that keeps the count highest of scores[0..n): rows scoring above *cut, and the first
 * *ties_kept rows (in input order) scoring exactly *cut. NaN scores are never kept, so count is
 * lowered to the number of other scores. Reorders scores. Returns the count actually kept.
 */
uint64_t selection_find_cut(double *scores, size_t n, uint64_t count, double *cut, uint64_t *ties_kept);

#endif
