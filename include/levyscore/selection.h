#ifndef LEVYSCORE_SELECTION_H
#define LEVYSCORE_SELECTION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * A fraction F written in decimal, 0 < F <= 1, kept exactly as digits / 10^exponent so that
 * ceil(F * N) can be taken without rounding F to a double first. F below 10^-20 is kept as
 * 10^-38, which gives the same count for every N below 2^64.
 */
/* Most significant digits a --keep fraction may have; F * N is computed exactly with all of them. */
#define KEEP_DIGITS_MAX 100

struct keep_fraction {
    char digits[KEEP_DIGITS_MAX]; /* significant decimal digits, as values 0-9, first digit nonzero */
    unsigned digit_count;
    unsigned exponent;          /* F = digits / 10^exponent */
};

/* Parse text such as "0.8", ".25", "1", "8e-1" or "80%". Returns false unless 0 < F <= 1, and for
 * more than 100 significant digits. */
bool keep_fraction_parse(const char *text, struct keep_fraction *fraction);

/* ceil(F * rows), exactly. */
uint64_t keep_fraction_count(const struct keep_fraction *fraction, uint64_t rows);

/*
 * The cut that keeps the count highest of scores[0..n): rows scoring above *cut, and the first
 * *ties_kept rows (in input order) scoring exactly *cut. NaN scores are never kept, so count is
 * lowered to the number of other scores. Reorders scores. Returns the count actually kept.
 */
uint64_t selection_find_cut(double *scores, size_t n, uint64_t count, double *cut, uint64_t *ties_kept);

/*
 * Streaming selection of the score of a given rank over data too large to hold: each pass over
 * every score counts, among the scores still in play, how many fall in each of 65,536 ranges of
 * the score's 64-bit order-preserving key, 16 bits at a time. After at most four passes the
 * range holds one value, the exact score of the rank. Memory is the counts: 512 KiB.
 */
struct rank_select {
    uint64_t rank;              /* wanted: the rank-th highest score, from 1 */
    int level;                  /* passes finished: 16 * level high bits of the key are fixed */
    uint64_t prefix;            /* those bits */
    uint64_t above;             /* scores above every key with that prefix */
    uint64_t rows;              /* scores counted in the first pass, NaN included */
    uint64_t nan_rows;
    uint64_t counts[1 << 16];
};

void rank_select_init(struct rank_select *select);

/* Count one score in the current pass. */
void rank_select_add(struct rank_select *select, double score);

/*
 * Finish a pass for the rank-th highest score (1 <= rank <= the number of non-NaN scores). Returns
 * true when the score is found: *cut is it, *above_cut counts the scores above it and *at_cut those
 * equal to it. Returns false when another pass over the same scores is needed.
 */
bool rank_select_finish_pass(struct rank_select *select, uint64_t rank, double *cut, uint64_t *above_cut,
                             uint64_t *at_cut);

#endif
