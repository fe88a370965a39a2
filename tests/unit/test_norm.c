/* Row norms of every dtype: exact values, range extremes, non-finite values, batch splitting. */
#include <criterion/criterion.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data.h"
#include "levyscore/norm.h"
#include "levyscore/reader.h"

/* Maximum row width in the tables below. */
#define WIDTH_MAX 32

static const enum dtype ALL_DTYPES[] = {DTYPE_F16, DTYPE_F32, DTYPE_F64};

static const char *dtype_label(enum dtype dtype)
{
    switch (dtype) {
    case DTYPE_F16:
        return "float16";
    case DTYPE_F32:
        return "float32";
    case DTYPE_F64:
        return "float64";
    }
    return "?";
}

/* IEEE binary16 bits of value, which must be exactly representable (checked). */
static uint16_t half_bits(double value)
{
    uint16_t sign = signbit(value) ? 0x8000 : 0;
    double magnitude = fabs(value);
    uint16_t bits;
    if (isnan(value)) {
        bits = 0x7e00;
    } else if (isinf(value)) {
        bits = 0x7c00;
    } else if (magnitude < ldexp(1.0, -14)) {
        bits = (uint16_t)ldexp(magnitude, 24);
    } else {
        int exponent;
        double fraction = frexp(magnitude, &exponent);
        bits = (uint16_t)((exponent + 14) << 10 | (uint16_t)(ldexp(fraction, 11) - 1024));
    }
    bits |= sign;
    double back = half_to_double(bits);
    cr_assert(back == value || (isnan(back) && isnan(value)), "%.17g is not a float16 value", value);
    return bits;
}

/* Norm of one row of values converted to dtype. */
static double norm_as(enum dtype dtype, const double *values, size_t width)
{
    uint16_t halves[WIDTH_MAX];
    float singles[WIDTH_MAX];
    double result = -1;
    cr_assert_leq(width, WIDTH_MAX, "row of %zu values is too wide for the test", width);

    switch (dtype) {
    case DTYPE_F16:
        for (size_t i = 0; i < width; i++)
            halves[i] = half_bits(values[i]);
        norm_rows(halves, 1, width, dtype, &result);
        break;
    case DTYPE_F32:
        for (size_t i = 0; i < width; i++) {
            singles[i] = (float)values[i];
            cr_assert((double)singles[i] == values[i] || isnan(values[i]), "%.17g is not a float32 value", values[i]);
        }
        norm_rows(singles, 1, width, dtype, &result);
        break;
    case DTYPE_F64:
        norm_rows(values, 1, width, dtype, &result);
        break;
    }
    return result;
}

/* Distance in units in the last place between two finite non-negative doubles. */
static uint64_t ulps_apart(double a, double b)
{
    uint64_t bits_a, bits_b;
    memcpy(&bits_a, &a, sizeof a);
    memcpy(&bits_b, &b, sizeof b);
    return bits_a > bits_b ? bits_a - bits_b : bits_b - bits_a;
}

struct exact_row {
    const char *name;
    double values[WIDTH_MAX];
    size_t width;
    double norm;
};

Test(norm_rows, pythagorean_rows_every_dtype)
{
    /* Integer squares sum exactly, so the norm is exact whatever the summation order. */
    static const struct exact_row rows[] = {
        {"3 4", {3, 4}, 2, 5},
        {"-3 4", {-3, 4}, 2, 5},
        {"1 2 2", {1, 2, 2}, 3, 3},
        {"2 3 6", {2, 3, 6}, 3, 7},
        {"1 4 8", {1, 4, 8}, 3, 9},
        {"2 10 11", {2, 10, 11}, 3, 15},
        {"12 -16 21", {12, -16, 21}, 3, 29},
        {"single -7", {-7}, 1, 7},
        {"nine ones and 4 (width 10)", {1, 1, 1, 1, 1, 1, 1, 1, 1, 4}, 10, 5},
        {"sixteen 0.25 (width 16)", {.25, .25, .25, .25, .25, .25, .25, .25, .25, .25, .25, .25, .25, .25, .25, .25},
         16, 1},
        {"sixteen ones and 3 (width 17)", {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 3}, 17, 5},
        {"zeros", {0, 0, 0, 0}, 4, 0},
    };
    for (size_t d = 0; d < sizeof ALL_DTYPES / sizeof ALL_DTYPES[0]; d++) {
        for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
            double got = norm_as(ALL_DTYPES[d], rows[i].values, rows[i].width);
            cr_expect_eq(got, rows[i].norm, "%s row %s: norm %.17g, expected %.17g", dtype_label(ALL_DTYPES[d]),
                         rows[i].name, got, rows[i].norm);
        }
    }
}

Test(norm_rows, float64_range_extremes_exact)
{
    /* 3-4-5 rows scaled by powers of two have exact norms, in the range where a plain sum of
     * squares overflows or underflows. */
    struct exact_row rows[] = {
        {"3,4 * 2^500 (sum fits)", {ldexp(3, 500), ldexp(4, 500)}, 2, ldexp(5, 500)},
        {"3,4 * 2^512 (sum overflows)", {ldexp(3, 512), ldexp(4, 512)}, 2, ldexp(5, 512)},
        {"3,4 * 2^600", {ldexp(3, 600), ldexp(-4, 600)}, 2, ldexp(5, 600)},
        {"3,4 * 2^1020", {ldexp(3, 1020), ldexp(4, 1020)}, 2, ldexp(5, 1020)},
        {"3,4 * 2^-540 (sum subnormal)", {ldexp(3, -540), ldexp(4, -540)}, 2, ldexp(5, -540)},
        {"3,4 * 2^-600 (sum underflows)", {ldexp(3, -600), ldexp(4, -600)}, 2, ldexp(5, -600)},
        {"3,4 * 2^-1070 (subnormal values)", {ldexp(3, -1070), ldexp(-4, -1070)}, 2, ldexp(5, -1070)},
        {"one smallest subnormal", {ldexp(1, -1074), 0, 0}, 3, ldexp(1, -1074)},
        {"four smallest subnormals", {ldexp(1, -1074), ldexp(1, -1074), ldexp(-1, -1074), ldexp(1, -1074)}, 4,
         ldexp(1, -1073)},
        {"smallest normal", {0, DBL_MIN}, 2, DBL_MIN},
        {"DBL_MAX", {DBL_MAX}, 1, DBL_MAX},
        {"-DBL_MAX beside zeros", {0, -DBL_MAX, 0}, 3, DBL_MAX},
        {"subnormal beside 1", {ldexp(1, -1074), 1}, 2, 1},
        {"1e200 beside 1e-200", {1e200, 1e-200}, 2, 1e200},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        double got = norm_as(DTYPE_F64, rows[i].values, rows[i].width);
        cr_expect_eq(got, rows[i].norm, "%s: norm %.17g, expected %.17g", rows[i].name, got, rows[i].norm);
    }
}

Test(norm_rows, float64_extremes_within_two_ulps)
{
    /* Correctly rounded norms from tests/data/cases/f64-norm-extremes/expected.tsv and the
     * f8_extremes fixture. The sum of squares rounds, so a few ulps are allowed. */
    static const struct exact_row rows[] = {
        {"1e-200 pair", {1e-200, 1e-200}, 2, 1.414213562373095e-200},
        {"3e-160, 4e-160", {3e-160, 4e-160}, 2, 5e-160},
        {"1.2e154 pair", {1.2e154, 1.2e154}, 2, 1.6970562748477142e+154},
        {"1e200 pair", {1e200, 1e200}, 2, 1.414213562373095e+200},
        {"1 pair", {1, 1}, 2, 1.4142135623730951},
        {"1e308 pair", {1e308, 1e308}, 2, 1.4142135623730951e+308},
        {"1.34e154 pair", {1.34e154, 1.34e154}, 2, 1.8950461735799473e+154},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        double got = norm_as(DTYPE_F64, rows[i].values, rows[i].width);
        cr_expect(isfinite(got), "%s: norm %.17g is not finite", rows[i].name, got);
        cr_expect_leq(ulps_apart(got, rows[i].norm), 2, "%s: norm %.17g, expected %.17g", rows[i].name, got,
                      rows[i].norm);
    }
}

Test(norm_rows, float64_norm_above_max_is_inf)
{
    double values[] = {1.7e308, 1.7e308, 0, 0};
    double got = norm_as(DTYPE_F64, values, 4);
    cr_expect(isinf(got) && got > 0, "norm of a 1.7e308 pair is %.17g, expected +inf (true norm 2.4e308)", got);
}

Test(norm_rows, float32_and_float16_extremes)
{
    double float32_big[] = {ldexp(3, 100), ldexp(4, 100)};
    double float32_tiny[] = {ldexp(3, -140), ldexp(-4, -140)};
    double float32_max[] = {FLT_MAX, FLT_MAX};
    double float16_max[] = {65504, -65504, 65504, 65504};
    double float16_tiny[] = {ldexp(3, -24), ldexp(4, -24)};
    double float16_normal[] = {ldexp(1, -14), 0, 0};

    double got = norm_as(DTYPE_F32, float32_big, 2);
    cr_expect_eq(got, ldexp(5, 100), "float32 3,4 * 2^100 (squares overflow float32): norm %.17g", got);
    got = norm_as(DTYPE_F32, float32_tiny, 2);
    cr_expect_eq(got, ldexp(5, -140), "float32 subnormal 3,4 * 2^-140: norm %.17g", got);
    /* FLT_MAX squared is exact in double, so sqrt of twice it is the correctly rounded norm. */
    got = norm_as(DTYPE_F32, float32_max, 2);
    cr_expect_eq(got, sqrt(2.0 * (double)FLT_MAX * (double)FLT_MAX), "float32 max pair: norm %.17g", got);
    got = norm_as(DTYPE_F16, float16_max, 4);
    cr_expect_eq(got, 131008, "float16 max row: norm %.17g, expected 2 * 65504", got);
    got = norm_as(DTYPE_F16, float16_tiny, 2);
    cr_expect_eq(got, ldexp(5, -24), "float16 subnormal 3,4 * 2^-24: norm %.17g", got);
    got = norm_as(DTYPE_F16, float16_normal, 3);
    cr_expect_eq(got, ldexp(1, -14), "float16 smallest normal: norm %.17g", got);
}

Test(norm_rows, nan_and_inf_rows)
{
    double with_nan[] = {1, NAN, 2};
    double with_negative_nan[] = {-NAN, 0.5};
    double with_inf[] = {INFINITY, 1, 0};
    double with_negative_inf[] = {1, 2, -INFINITY};
    double with_nan_and_big[] = {1e300, 1e300, NAN};
    double with_inf_and_tiny[] = {1e-300, INFINITY};

    for (size_t d = 0; d < sizeof ALL_DTYPES / sizeof ALL_DTYPES[0]; d++) {
        enum dtype dtype = ALL_DTYPES[d];
        const char *label = dtype_label(dtype);
        double got = norm_as(dtype, with_nan, 3);
        cr_expect(isnan(got), "%s row with NaN: norm %.17g, expected nan", label, got);
        got = norm_as(dtype, with_negative_nan, 2);
        cr_expect(isnan(got), "%s row with -NaN: norm %.17g, expected nan", label, got);
        got = norm_as(dtype, with_inf, 3);
        cr_expect(isinf(got) && got > 0, "%s row with inf: norm %.17g, expected +inf", label, got);
        got = norm_as(dtype, with_negative_inf, 3);
        cr_expect(isinf(got) && got > 0, "%s row with -inf: norm %.17g, expected +inf", label, got);
    }
    double got = norm_as(DTYPE_F64, with_nan_and_big, 3);
    cr_expect(isnan(got), "float64 NaN beside 1e300 (overflowing sum): norm %.17g, expected nan", got);
    got = norm_as(DTYPE_F64, with_inf_and_tiny, 2);
    cr_expect(isinf(got) && got > 0, "float64 inf beside 1e-300: norm %.17g, expected +inf", got);
}

Test(norm_rows, negative_zero_row_is_positive_zero)
{
    double negative_zeros[] = {-0.0, -0.0, -0.0};
    for (size_t d = 0; d < sizeof ALL_DTYPES / sizeof ALL_DTYPES[0]; d++) {
        for (size_t width = 1; width <= 3; width++) {
            double got = norm_as(ALL_DTYPES[d], negative_zeros, width);
            cr_expect_eq(got, 0.0, "%s row of %zu -0.0: norm %.17g", dtype_label(ALL_DTYPES[d]), width, got);
            cr_expect_not(signbit(got), "%s row of %zu -0.0: norm is -0, expected +0", dtype_label(ALL_DTYPES[d]),
                          width);
        }
    }
}

/* --- The npy fixtures --- */

static size_t read_expected_norms(const char *path, double *norms, size_t capacity)
{
    FILE *file = fopen(path, "r");
    cr_assert_not_null(file, "cannot open %s", path);
    char line[256];
    cr_assert_not_null(fgets(line, sizeof line, file), "%s is empty", path);
    size_t n = 0;
    while (fgets(line, sizeof line, file)) {
        cr_assert_lt(n, capacity, "%s has more than %zu rows", path, capacity);
        char *at = strchr(line, '\t');
        cr_assert_not_null(at, "%s: row %zu has no tab", path, n);
        norms[n++] = strtod(at + 1, NULL);
    }
    fclose(file);
    return n;
}

/* Compare the norms of every row of fixture name with its expected.tsv and return the largest
 * difference in ulps. */
static uint64_t check_fixture(const char *name)
{
    char relative[128];
    snprintf(relative, sizeof relative, "npy/%s.npy", name);
    const char *npy_path = data_path(relative);
    snprintf(relative, sizeof relative, "npy/%s.expected.tsv", name);
    double expected[64];
    size_t expected_rows = read_expected_norms(data_path(relative), expected, 64);

    struct reader_options options = {.format = FORMAT_AUTO, .header = -1};
    struct error error = {""};
    struct reader *reader = reader_open(npy_path, &options, false, &error);
    cr_assert_not_null(reader, "%s: %s", name, error.text);

    uint64_t worst = 0;
    size_t row = 0;
    struct batch batch;
    int got;
    while ((got = reader_next(reader, &batch, &error)) > 0) {
        double norms[64];
        cr_assert_leq(row + batch.rows, expected_rows, "%s: more rows than expected", name);
        norm_rows(batch.values, batch.rows, batch.width, batch.dtype, norms);
        for (size_t i = 0; i < batch.rows; i++, row++) {
            double want = expected[row];
            if (!isfinite(want)) {
                cr_expect(norms[i] == want || (isnan(norms[i]) && isnan(want)), "%s row %zu: norm %.17g, expected %g",
                          name, row, norms[i], want);
                continue;
            }
            uint64_t apart = ulps_apart(norms[i], want);
            cr_expect_leq(apart, 2, "%s row %zu: norm %.17g, expected %.17g (%llu ulps)", name, row, norms[i], want,
                          (unsigned long long)apart);
            if (apart > worst)
                worst = apart;
        }
    }
    cr_expect_eq(got, 0, "%s: %s", name, error.text);
    cr_expect_eq(row, expected_rows, "%s: %zu rows read, %zu expected", name, row, expected_rows);
    reader_close(reader);
    return worst;
}

Test(norm_rows, npy_fixture_norms)
{
    static const char *const names[] = {
        "le_f2", "be_f2", "le_f4", "be_f4", "le_f8", "be_f8", "f8_extremes", "width1", "width2",
        "width384_f4", "shape_3d", "fortran_2d", "fortran_be_f2", "v2_be_f2", "v3_be_f8",
    };
    uint64_t worst = 0;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        uint64_t apart = check_fixture(names[i]);
        if (apart > worst)
            worst = apart;
    }
    cr_log_info("largest norm difference from the npy fixtures: %llu ulps", (unsigned long long)worst);
}

/* --- Batch splitting --- */

/* Deterministic values spread over a few orders of magnitude, with both signs. */
static double test_value(uint64_t *state)
{
    *state = *state * 6364136223846793005u + 1442695040888963407u;
    double unit = (double)(*state >> 11) / 9007199254740992.0;
    return (unit - 0.5) * ldexp(1.0, (int)(*state % 7) - 3);
}

static void *make_rows(enum dtype dtype, size_t rows, size_t width)
{
    uint64_t state = 42;
    size_t count = rows * width;
    void *values = malloc(count * dtype_size(dtype));
    cr_assert_not_null(values);
    for (size_t i = 0; i < count; i++) {
        double value = test_value(&state);
        if (dtype == DTYPE_F16)
            ((uint16_t *)values)[i] = half_bits(ldexp(round(ldexp(value, 8)), -8));
        else if (dtype == DTYPE_F32)
            ((float *)values)[i] = (float)value;
        else
            ((double *)values)[i] = value;
    }
    return values;
}

Test(norm_rows, independent_of_batch_splitting)
{
    static const size_t widths[] = {1, 7, 13, 384};
    const size_t rows = 37;
    for (size_t d = 0; d < sizeof ALL_DTYPES / sizeof ALL_DTYPES[0]; d++) {
        enum dtype dtype = ALL_DTYPES[d];
        for (size_t w = 0; w < sizeof widths / sizeof widths[0]; w++) {
            size_t width = widths[w];
            size_t row_bytes = width * dtype_size(dtype);
            unsigned char *values = make_rows(dtype, rows, width);
            double all[37], one_by_one[37], by_five[37];

            norm_rows(values, rows, width, dtype, all);
            for (size_t r = 0; r < rows; r++)
                norm_rows(values + r * row_bytes, 1, width, dtype, &one_by_one[r]);
            for (size_t r = 0; r < rows; r += 5)
                norm_rows(values + r * row_bytes, rows - r < 5 ? rows - r : 5, width, dtype, &by_five[r]);

            for (size_t r = 0; r < rows; r++) {
                cr_expect(memcmp(&all[r], &one_by_one[r], sizeof(double)) == 0,
                          "%s width %zu row %zu: %.17g at once, %.17g alone", dtype_label(dtype), width, r, all[r],
                          one_by_one[r]);
                cr_expect(memcmp(&all[r], &by_five[r], sizeof(double)) == 0,
                          "%s width %zu row %zu: %.17g at once, %.17g in batches of 5", dtype_label(dtype), width, r,
                          all[r], by_five[r]);
            }
            free(values);
        }
    }
}
