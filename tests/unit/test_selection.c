/* --keep fractions and the cut that keeps the highest scores. */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "levyscore/selection.h"

/* --- keep_fraction_parse and keep_fraction_count --- */

struct count_case {
    const char *text;
    uint64_t rows;
    uint64_t count;
};

static uint64_t count_for(const char *text, uint64_t rows)
{
    struct keep_fraction fraction;
    cr_assert(keep_fraction_parse(text, &fraction), "'%s' is rejected", text);
    return keep_fraction_count(&fraction, rows);
}

Test(keep_fraction, accepted_spellings)
{
    /* Expected counts are ceil(F * N) with F the exact decimal, from Python's fractions.Fraction. */
    static const struct count_case cases[] = {
        {"0.8", 10, 8},
        {"0.8", 11, 9},
        {"0.8", 1, 1},
        {"0.8", 0, 0},
        {".25", 4, 1},
        {".25", 5, 2},
        {".25", 100, 25},
        {"1", 7, 7},
        {"1", UINT64_MAX, UINT64_MAX},
        {"1.0", 7, 7},
        {"1.0", UINT64_MAX, UINT64_MAX},
        {"1.000", 3, 3},
        {"8e-1", 10, 8},
        {"8e-1", 11, 9},
        {"8E-1", 11, 9},
        {"0.08e1", 11, 9},
        {"80%", 10, 8},
        {"80%", 11, 9},
        {"100%", 9, 9},
        {"0.5%", 1000, 5},
        {"0.5%", 1001, 6},
        {"0.0000001", 10000000, 1},
        {"0.0000001", 10000001, 2},
        {"0.000000000000000001", UINT64_MAX, 19},
        {"0.333333333333333333", 3, 1},
        {"0.333333333333333333", UINT64_C(1000000000000000000), UINT64_C(333333333333333333)},
        {"0.333333333333333333", UINT64_C(3000000000000000000), UINT64_C(999999999999999999)},
        {"0.333333333333333333", UINT64_C(3000000000000000001), UINT64_C(1000000000000000000)},
        {"0.9999999999999999999", UINT64_C(10000000000000000000), UINT64_C(9999999999999999999)},
        {"0.9999999999999999999", UINT64_MAX, UINT64_MAX - 1},
        {"0.50000000000000000000", 7, 4},
        {"1e-40", UINT64_MAX, 1},
        {"1e-40", 0, 0},
        {"1e-1001", 12, 1},
        {"5e-99999999999999999999", 12, 1},
        {"0.01e+2", 12, 12},
        {"0.000000000000000000000000000000000000000000000001", 5, 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct count_case *c = &cases[i];
        uint64_t count = count_for(c->text, c->rows);
        cr_expect_eq(count, c->count, "--keep %s of %" PRIu64 " rows keeps %" PRIu64 ", expected %" PRIu64, c->text,
                     c->rows, count, c->count);
    }
}

Test(keep_fraction, rejected_spellings)
{
    static const char *const texts[] = {
        "0", "0.0", "0%", "0e5", "1.5", "1.0000000001", "101%", "2", "-0.1", "-1", "abc", "", "1e", "1e+",
        "e-1", ".", "%", "0.5x", "0.5 ", " 0.5", "0.5%%", "1.0.0", "0x0.8", "nan", "inf", "1e1", "0.1e2",
        "0." "1234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890"
        "1", "0.5e 0", "0.5e", "0.5e-", "1e99999999999999999999",
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        struct keep_fraction fraction;
        cr_expect_not(keep_fraction_parse(texts[i], &fraction), "'%s' is accepted", texts[i]);
    }
}

Test(keep_fraction, count_exact_where_double_misrounds)
{
    /* In float64, 0.07 * 100 is 7.000000000000001, whose ceiling is 8, and 0.29 * 100 is
     * 28.999999999999996, which truncation takes to 28. The exact products are integers. */
    static const struct count_case cases[] = {
        {"0.07", 100, 7},
        {"0.14", 100, 14},
        {"0.28", 100, 28},
        {"0.55", 100, 55},
        {"0.56", 100, 56},
        {"0.14", 50, 7},
        {"0.28", 25, 7},
        {"0.68", 75, 51},
        {"0.34", 150, 51},
        {"0.55", 180, 99},
        {"0.29", 100, 29},
        {"0.57", 100, 57},
        {"0.58", 100, 58},
        {"0.7", 10, 7},
        {"7%", 100, 7},
        {"7e-2", 100, 7},
        {"0.1", UINT64_C(1152921504606846976), UINT64_C(115292150460684698)},
        {"0.3", UINT64_MAX, UINT64_C(5534023222112865485)},
        {"0.5", UINT64_MAX, UINT64_C(9223372036854775808)},
        /* Beyond 19 significant digits, where no 64-bit integer holds the fraction. */
        {"0.12345678901234567891", UINT64_MAX, UINT64_C(2277375791072698141)},
        {"0.99999999999999999999", 1000, 1000},
        {"0.10000000000000000000001", 10, 2},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct count_case *c = &cases[i];
        uint64_t count = count_for(c->text, c->rows);
        cr_expect_eq(count, c->count, "--keep %s of %" PRIu64 " rows keeps %" PRIu64 ", expected %" PRIu64, c->text,
                     c->rows, count, c->count);
    }
}

/* --- selection_find_cut --- */

/*
 * Apply the cut as filter does: keep rows scoring above it, and the first ties_kept rows (in
 * input order) scoring exactly at it. Fills kept[0..n) and returns the number kept.
 */
static uint64_t apply_cut(const double *scores, size_t n, uint64_t count, bool *kept, uint64_t *returned)
{
    double *copy = malloc((n ? n : 1) * sizeof *copy);
    cr_assert_not_null(copy);
    memcpy(copy, scores, n * sizeof *copy);
    double cut;
    uint64_t ties_kept;
    *returned = selection_find_cut(copy, n, count, &cut, &ties_kept);
    free(copy);

    uint64_t total = 0, ties_seen = 0;
    for (size_t i = 0; i < n; i++) {
        kept[i] = !isnan(scores[i]) && (scores[i] > cut || (scores[i] == cut && ties_seen++ < ties_kept));
        total += kept[i];
    }
    return total;
}

#define ROWS_MAX 8

struct cut_case {
    const char *name;
    double scores[ROWS_MAX];
    size_t n;
    uint64_t count;
    const char *kept;       /* one character per row: 'k' kept, '.' dropped */
};

Test(selection_find_cut, kept_rows)
{
    static const struct cut_case cases[] = {
        {"distinct, descending", {5, 4, 3, 2, 1}, 5, 3, "kkk.."},
        {"distinct, ascending", {1, 2, 3, 4, 5}, 5, 3, "..kkk"},
        {"ties at the cut go to earlier rows", {1, 3, 3, 3, 2}, 5, 2, ".kk.."},
        {"tie group kept whole", {1, 3, 3, 3, 2}, 5, 3, ".kkk."},
        {"all equal", {2, 2, 2, 2}, 4, 2, "kk.."},
        {"NaN never kept", {NAN, 1, NAN, 2}, 4, 4, ".k.k"},
        {"NaN between ties", {3, NAN, 3, 1, 3}, 5, 2, "k.k.."},
        {"all NaN", {NAN, NAN}, 2, 2, ".."},
        {"count 0", {1, 2, 3}, 3, 0, "..."},
        {"count above rows", {1, 2}, 2, 5, "kk"},
        {"count equal to rows", {2, 1, 3}, 3, 3, "kkk"},
        {"-inf ties", {-INFINITY, -INFINITY, 1, -INFINITY}, 4, 3, "kkk."},
        {"-inf below NaN", {NAN, -INFINITY, -5}, 3, 2, ".kk"},
        {"-0 equals +0", {0.0, -0.0, 1}, 3, 2, "k.k"},
        {"negative scores", {-3.5, -1e300, -2.25, -3.5}, 4, 2, "k.k."},
        {"one row", {7}, 1, 1, "k"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct cut_case *c = &cases[i];
        bool kept[ROWS_MAX];
        uint64_t returned;
        uint64_t total = apply_cut(c->scores, c->n, c->count, kept, &returned);

        char pattern[ROWS_MAX + 1] = "";
        for (size_t r = 0; r < c->n; r++)
            pattern[r] = kept[r] ? 'k' : '.';
        pattern[c->n] = '\0';
        cr_expect_str_eq(pattern, c->kept, "%s: kept '%s', expected '%s'", c->name, pattern, c->kept);
        cr_expect_eq(returned, total, "%s: returned count %" PRIu64 ", rows kept %" PRIu64, c->name, returned, total);
    }
}

Test(selection_find_cut, cut_value_and_ties)
{
    double scores[] = {4, 1, 3, 3, NAN, 3, 0};
    double cut;
    uint64_t ties_kept;
    uint64_t kept = selection_find_cut(scores, 7, 3, &cut, &ties_kept);

    cr_expect_eq(kept, 3, "kept %" PRIu64 " rows, expected 3", kept);
    cr_expect_eq(cut, 3, "cut at %g, expected 3 (the third highest score)", cut);
    cr_expect_eq(ties_kept, 2, "%" PRIu64 " ties kept at the cut, expected 2", ties_kept);
}

static double seconds_since(const struct timespec *start)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) * 1e-9;
}

enum pattern { ALL_EQUAL, TWO_VALUES, ASCENDING, DESCENDING };

/* Time selection_find_cut on a million scores; a quadratic selection takes minutes here. */
static void check_large(enum pattern pattern, const char *name)
{
    const size_t n = 1000000;
    const uint64_t count = 400001;
    double *scores = malloc(n * sizeof *scores);
    cr_assert_not_null(scores);
    for (size_t i = 0; i < n; i++) {
        switch (pattern) {
        case ALL_EQUAL:
            scores[i] = -12.5;
            break;
        case TWO_VALUES:
            scores[i] = i % 2 ? -1.0 : -2.0;
            break;
        case ASCENDING:
            scores[i] = (double)i;
            break;
        case DESCENDING:
            scores[i] = -(double)i;
            break;
        }
    }
    static const double expected_cut[] = {
        [ALL_EQUAL] = -12.5, [TWO_VALUES] = -1.0, [ASCENDING] = 1000000 - 400001, [DESCENDING] = -400000,
    };

    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    double cut;
    uint64_t ties_kept;
    uint64_t kept = selection_find_cut(scores, n, count, &cut, &ties_kept);
    double seconds = seconds_since(&start);

    cr_expect_eq(kept, count, "%s: kept %" PRIu64 ", expected %" PRIu64, name, kept, count);
    cr_expect_eq(cut, expected_cut[pattern], "%s: cut %.17g, expected %.17g", name, cut, expected_cut[pattern]);
    cr_expect_lt(seconds, 1.0, "%s: selection of a million scores took %.2f s", name, seconds);
    free(scores);
}

Test(selection_find_cut, million_equal_scores_fast)
{
    check_large(ALL_EQUAL, "all equal");
}

Test(selection_find_cut, million_two_values_fast)
{
    check_large(TWO_VALUES, "two values");
}

Test(selection_find_cut, million_sorted_scores_fast)
{
    check_large(ASCENDING, "ascending");
    check_large(DESCENDING, "descending");
}
