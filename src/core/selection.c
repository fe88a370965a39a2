#include "levyscore/selection.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>


/* Most decimal digits of N * F's digits: 20 for N < 2^64 plus the digits of F. */
#define PRODUCT_DIGITS_MAX (20 + KEEP_DIGITS_MAX)

/* Any power of ten below this leaves F * N < 1 for every N < 2^64, so it counts as this one. */
#define KEEP_EXPONENT_MAX 150

bool keep_fraction_parse(const char *text, struct keep_fraction *fraction)
{
    struct keep_fraction parsed = {0};
    int exponent = 0;       /* value = digits * 10^-exponent */
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
        if (after_point)
            exponent++;
        if (parsed.digit_count == 0 && *at == '0')
            continue;
        if (parsed.digit_count == KEEP_DIGITS_MAX)
            return false;
        parsed.digits[parsed.digit_count++] = (char)(*at - '0');
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
    if (*at != '\0' || parsed.digit_count == 0)
        return false;

    /* Drop trailing zeros of the digits, then make the exponent non-negative with zeros again. */
    while (parsed.digits[parsed.digit_count - 1] == 0) {
        parsed.digit_count--;
        exponent--;
    }
    while (exponent < 0) {
        if (parsed.digit_count == KEEP_DIGITS_MAX)
            return false;
        parsed.digits[parsed.digit_count++] = 0;
        exponent++;
    }

    /* F <= 1: fewer digits than the exponent, or exactly 1 (one digit 1 and exponent 0). */
    if (parsed.digit_count > (unsigned)exponent && !(parsed.digit_count == 1 && parsed.digits[0] == 1 && exponent == 0))
        return false;
    if (exponent > KEEP_EXPONENT_MAX) {
        parsed.digit_count = 1;
        parsed.digits[0] = 1;
        exponent = KEEP_EXPONENT_MAX;
    }
    parsed.exponent = (unsigned)exponent;
    *fraction = parsed;
    return true;
}

uint64_t keep_fraction_count(const struct keep_fraction *fraction, uint64_t rows)
{
    /* product = rows * digits, schoolbook, least significant decimal digit first. */
    unsigned char product[PRODUCT_DIGITS_MAX + 1] = {0};
    size_t length = 0;
    for (size_t i = 0; i < fraction->digit_count; i++) {
        unsigned digit = (unsigned char)fraction->digits[fraction->digit_count - 1 - i];
        uint64_t carry = 0;
        uint64_t factor = rows;
        size_t position = i;
        /* Add digit * rows at position i, one decimal digit of rows at a time. */
        while (factor > 0 || carry > 0) {
            uint64_t sum = product[position] + carry + (uint64_t)digit * (factor % 10);
            product[position] = (unsigned char)(sum % 10);
            carry = sum / 10;
            factor /= 10;
            position++;
        }
        if (position > length)
            length = position;
    }

    /* ceil(product / 10^exponent): the digits above the exponent, plus one if any below is nonzero. */
    uint64_t count = 0;
    for (size_t position = length; position-- > fraction->exponent;)
        count = count * 10 + product[position];
    bool remainder = false;
    for (size_t position = 0; position < fraction->exponent && position < length; position++)
        remainder = remainder || product[position] != 0;
    return count + remainder;
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
