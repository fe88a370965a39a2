#include "levyscore/selection.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* 10^19 is the largest power of ten below 2^64. */
#define DIGITS_MAX 19

bool keep_fraction_parse(const char *text, struct keep_fraction *fraction)
{
    uint64_t digits = 0;
    int exponent = 0;       /* value = digits * 10^-exponent */
    int significant = 0;
    bool any_digit = false;
    bool after_point = false;
    const char *at = text;

    for (; *at; at++) {
        if (*at == '.' && !after_point) {
            after_point = true;
            continue;
        }
        if (!isdigit((unsigned char)*at))
            break;
        any_digit = true;
        if (digits == 0 && *at == '0') {
            if (after_point)
                exponent++;
            continue;
        }
        if (significant == DIGITS_MAX) {
            /* Zeros after the point past the last digit that fits leave the value as it is. */
            if (*at == '0' && after_point)
                continue;
            return false;
        }
        digits = digits * 10 + (uint64_t)(*at - '0');
        significant++;
        if (after_point)
            exponent++;
    }
    if (!any_digit)
        return false;

    if (*at == 'e' || *at == 'E') {
        /* strtol would also skip spaces before the power. */
        const char *power_digits = at + 1 + (at[1] == '+' || at[1] == '-');
        if (!isdigit((unsigned char)*power_digits))
            return false;
        char *end;
        long power = strtol(at + 1, &end, 10);
        /* Any power below -100000 leaves F far under 10^-20, which counts as 10^-38 below. */
        if (power < -100000)
            power = -100000;
        if (power > 100000)
            return false;
        exponent -= (int)power;
        at = end;
    } else if (*at == '%') {
        exponent += 2;
        at++;
    }
    if (*at != '\0' || digits == 0)
        return false;

    /* Bring the exponent into 0..38 so that 10^exponent fits 128 bits. */
    while (exponent < 0) {
        if (digits > UINT64_MAX / 10)
            return false;
        digits *= 10;
        exponent++;
    }
    while (exponent > 38 && digits % 10 == 0) {
        digits /= 10;
        exponent--;
    }
    if (exponent > 38) {
        /* Then F < 10^-20, and F * N < 1 for every N below 2^64, so the count is 1 for any rows
         * at all. 10^-38 gives the same count and keeps 10^exponent within 128 bits. */
        digits = 1;
        exponent = 38;
    }

    unsigned __int128 denominator = 1;
    for (int i = 0; i < exponent; i++)
        denominator *= 10;
    if ((unsigned __int128)digits > denominator)
        return false;

    fraction->digits = digits;
    fraction->exponent = (unsigned)exponent;
    return true;
}

uint64_t keep_fraction_count(const struct keep_fraction *fraction, uint64_t rows)
{
    unsigned __int128 denominator = 1;
    for (unsigned i = 0; i < fraction->exponent; i++)
        denominator *= 10;
    /* digits < 10^19 and rows < 2^64 multiply to under 2^128. */
    unsigned __int128 product = (unsigned __int128)fraction->digits * rows;
    return (uint64_t)((product + denominator - 1) / denominator);
}

static void swap(double *a, double *b)
{
    double t = *a;
    *a = *b;
    *b = t;
}

/* Value of rank k (0 = largest) of values[0..n), by quickselect with a three-way partition, so
 * that long runs of equal scores (normalised embeddings score all alike) stay linear. */
static double select_rank(double *values, size_t n, size_t k)
{
    size_t low = 0, high = n;
    uint64_t state = 0x9E3779B97F4A7C15u;
    for (;;) {
        if (high - low == 1)
            return values[low];

        state = state * 6364136223846793005u + 1442695040888963407u;
        double pivot = values[low + (size_t)((state >> 33) % (high - low))];

        /* [low, greater) > pivot, [greater, i) == pivot, [less, high) < pivot */
        size_t greater = low, i = low, less = high;
        while (i < less) {
            if (values[i] > pivot)
                swap(&values[i++], &values[greater++]);
            else if (values[i] < pivot)
                swap(&values[i], &values[--less]);
            else
                i++;
        }
        if (k < greater)
            high = greater;
        else if (k < less)
            return pivot;
        else
            low = less;
    }
}

uint64_t selection_find_cut(double *scores, size_t n, uint64_t count, double *cut, uint64_t *ties_kept)
{
    /* Move NaN scores to the end: they are never kept. */
    size_t valid = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(scores[i]))
            scores[valid++] = scores[i];
    if (count > valid)
        count = valid;
    if (count == 0) {
        *cut = INFINITY;
        *ties_kept = 0;
        return 0;
    }

    *cut = select_rank(scores, valid, (size_t)count - 1);
    uint64_t above = 0;
    for (size_t i = 0; i < valid; i++)
        if (scores[i] > *cut)
            above++;
    *ties_kept = count - above;
    return count;
}

/* Key whose unsigned order is the order of the doubles: flip every bit of a negative number and
 * only the sign bit of a positive one. */
static uint64_t order_key(double score)
{
    uint64_t bits;
    memcpy(&bits, &score, sizeof bits);
    return bits >> 63 ? ~bits : bits | (UINT64_C(1) << 63);
}

static double key_value(uint64_t key)
{
    uint64_t bits = key >> 63 ? key & ~(UINT64_C(1) << 63) : ~key;
    double score;
    memcpy(&score, &bits, sizeof score);
    return score;
}

void rank_select_init(struct rank_select *select)
{
    memset(select, 0, sizeof *select);
}

void rank_select_add(struct rank_select *select, double score)
{
    if (select->level == 0)
        select->rows++;
    if (isnan(score)) {
        if (select->level == 0)
            select->nan_rows++;
        return;
    }

    /* -0 and +0 compare equal, so they share a key. */
    uint64_t key = order_key(score == 0 ? 0.0 : score);
    int fixed_bits = 16 * select->level;
    if (fixed_bits > 0 && key >> (64 - fixed_bits) != select->prefix >> (64 - fixed_bits))
        return;
    select->counts[(key >> (48 - fixed_bits)) & 0xFFFF]++;
}

bool rank_select_finish_pass(struct rank_select *select, uint64_t rank, double *cut, uint64_t *above_cut,
                             uint64_t *at_cut)
{
    /* Walk the ranges from the highest scores down to the one holding the rank. */
    uint64_t seen = select->above;
    int bucket = 0xFFFF;
    for (; bucket > 0 && seen + select->counts[bucket] < rank; bucket--)
        seen += select->counts[bucket];

    int shift = 48 - 16 * select->level;
    select->prefix |= (uint64_t)bucket << shift;
    select->above = seen;
    uint64_t in_bucket = select->counts[bucket];
    memset(select->counts, 0, sizeof select->counts);
    select->level++;
    if (select->level < 4)
        return false;

    *cut = key_value(select->prefix);
    *above_cut = seen;
    *at_cut = in_bucket;
    return true;
}
