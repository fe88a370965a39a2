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
        if (significant == DIGITS_MAX)
            return false;
        digits = digits * 10 + (uint64_t)(*at - '0');
        significant++;
        if (after_point)
            exponent++;
    }
    if (!any_digit)
        return false;

    if (*at == 'e' || *at == 'E') {
        char *end;
        long power = strtol(at + 1, &end, 10);
        if (end == at + 1 || power < -40 || power > 40)
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
    if (exponent > 38)
        return false;

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
