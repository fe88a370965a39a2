#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>

#include "levyscore/selection.h"

static int compare_descending(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x < y) - (x > y);
}

/* Run rank_select over values for rank and compare with sorting. */
static void check_rank(const double *values, size_t n, uint64_t rank)
{
    static struct rank_select select;
    rank_select_init(&select);
    double cut = 0;
    uint64_t above = 0, at = 0;
    int passes = 0;
    bool found = false;
    while (!found) {
        for (size_t i = 0; i < n; i++)
            rank_select_add(&select, values[i]);
        passes++;
        found = rank_select_finish_pass(&select, rank, &cut, &above, &at);
        cr_assert_leq(passes, 4, "more than four passes");
    }

    double *sorted = malloc(n * sizeof *sorted);
    size_t valid = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(values[i]))
            sorted[valid++] = values[i];
    qsort(sorted, valid, sizeof *sorted, compare_descending);
    double expected = sorted[rank - 1];
    uint64_t expected_above = 0, expected_at = 0;
    for (size_t i = 0; i < valid; i++) {
        expected_above += sorted[i] > expected;
        expected_at += sorted[i] == expected;
    }
    free(sorted);

    cr_expect_eq(cut, expected, "rank %llu: cut %.17g, expected %.17g", (unsigned long long)rank, cut, expected);
    cr_expect_eq(above, expected_above, "rank %llu: %llu above, expected %llu", (unsigned long long)rank,
                 (unsigned long long)above, (unsigned long long)expected_above);
    cr_expect_eq(at, expected_at, "rank %llu: %llu at the cut, expected %llu", (unsigned long long)rank,
                 (unsigned long long)at, (unsigned long long)expected_at);
    cr_expect_eq(select.rows, n);
}

Test(rank_select, random_scores)
{
    enum { N = 5000 };
    static double values[N];
    srand(11);
    for (size_t i = 0; i < N; i++)
        values[i] = -1000.0 * rand() / RAND_MAX + 1e-3 * (rand() % 7);
    for (uint64_t rank = 1; rank <= N; rank += 499)
        check_rank(values, N, rank);
    check_rank(values, N, N);
}

Test(rank_select, ties_nan_and_infinities)
{
    double values[] = {-1.5, NAN, -INFINITY, -1.5, 0.0, -0.0, -1.5, 3.0, NAN, -2.0, -INFINITY, 1e-300, -1e-300};
    size_t n = sizeof values / sizeof values[0];
    for (uint64_t rank = 1; rank <= n - 2; rank++)
        check_rank(values, n, rank);
}

Test(rank_select, all_equal)
{
    enum { N = 1000 };
    static double values[N];
    for (size_t i = 0; i < N; i++)
        values[i] = -0.5723649429247001;
    check_rank(values, N, 1);
    check_rank(values, N, 800);
}
