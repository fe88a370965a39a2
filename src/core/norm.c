/*
 * Row norms. Every dtype is widened to double and squared there. The sum of squares runs over
 * LANES interleaved accumulators (element i goes to accumulator i % LANES), which are combined in
 * one fixed order. Written that way, the loops vectorise, and any vector or scalar path that keeps
 * the lanes gives bit-identical sums. The build turns fp contraction off, so no fma changes a
 * float64 sum either.
 */
#include "levyscore/norm.h"

#include <float.h>
#include <math.h>
#include <pthread.h>
#include <string.h>

#define LANES 8

/* Wider vectors where the CPU has them, picked at run time. Any path keeps the same lanes, so
 * results are identical on every one. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(LEVYSCORE_PORTABLE)
#define VECTOR_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define VECTOR_CLONES
#endif

/* Below this sum of squares, float64 squares may have lost bits to underflow. */
static const double SUM_MIN_UNSCALED = 0x1p-900;

static double combine_lanes(const double lane[LANES])
{
    return ((lane[0] + lane[4]) + (lane[2] + lane[6])) + ((lane[1] + lane[5]) + (lane[3] + lane[7]));
}

VECTOR_CLONES
static double sum_squares_f32(const float *row, size_t width)
{
    double lane[LANES] = {0};
    size_t i = 0;
    for (; i + LANES <= width; i += LANES) {
        for (int j = 0; j < LANES; j++) {
            double value = row[i + j];
            lane[j] += value * value;
        }
    }
    for (int j = 0; i < width; i++, j++) {
        double value = row[i];
        lane[j] += value * value;
    }
    return combine_lanes(lane);
}

VECTOR_CLONES
static double sum_squares_f64(const double *row, size_t width, double scale)
{
    double lane[LANES] = {0};
    size_t i = 0;
    for (; i + LANES <= width; i += LANES) {
        for (int j = 0; j < LANES; j++) {
            double value = row[i + j] * scale;
            lane[j] += value * value;
        }
    }
    for (int j = 0; i < width; i++, j++) {
        double value = row[i] * scale;
        lane[j] += value * value;
    }
    return combine_lanes(lane);
}

/* Every binary16 value as a float (exact), indexed by its bits: one lookup beats decoding the
 * fields of each value. Filled once, before the first float16 row. */
static float half_values[1 << 16];
static pthread_once_t half_values_once = PTHREAD_ONCE_INIT;

static void fill_half_values(void)
{
    for (uint32_t bits = 0; bits < (1u << 16); bits++)
        half_values[bits] = (float)half_to_double((uint16_t)bits);
}

VECTOR_CLONES
static double sum_squares_f16(const uint16_t *row, size_t width)
{
    double lane[LANES] = {0};
    size_t i = 0;
    for (; i + LANES <= width; i += LANES) {
        for (int j = 0; j < LANES; j++) {
            double value = half_values[row[i + j]];
            lane[j] += value * value;
        }
    }
    for (int j = 0; i < width; i++, j++) {
        double value = half_values[row[i]];
        lane[j] += value * value;
    }
    return combine_lanes(lane);
}

/* Norm of a float64 row whose plain sum of squares left the normal range. */
static double norm_f64_scaled(const double *row, size_t width)
{
    double max_abs = 0.0;
    for (size_t i = 0; i < width; i++) {
        double magnitude = fabs(row[i]);
        if (isnan(magnitude))
            return magnitude;
        if (magnitude > max_abs)
            max_abs = magnitude;
    }
    if (max_abs == 0.0 || isinf(max_abs))
        return max_abs;

    /* Bring the largest magnitude into [1, 2): powers of two scale exactly, and the smaller
     * values that underflow after scaling are below 2^-1022 of the largest one. */
    int exponent;
    frexp(max_abs, &exponent);
    /* Below 2^-1023 the factor 2^(1 - exponent) would overflow; 2^1023 already lifts every
     * subnormal to 2^-51 or more, far from underflow. */
    int shift = 1 - exponent < DBL_MAX_EXP - 1 ? 1 - exponent : DBL_MAX_EXP - 1;
    double scaled_sum = sum_squares_f64(row, width, ldexp(1.0, shift));
    return ldexp(sqrt(scaled_sum), -shift);
}

static double norm_f64(const double *row, size_t width)
{
    double sum = sum_squares_f64(row, width, 1.0);
    if (sum >= SUM_MIN_UNSCALED && sum <= DBL_MAX)
        return sqrt(sum);
    if (sum == 0.0) {
        /* Either every value is 0 or all squares underflowed. */
        for (size_t i = 0; i < width; i++)
            if (row[i] != 0.0)
                return norm_f64_scaled(row, width);
        return 0.0;
    }
    return norm_f64_scaled(row, width);
}

void norm_rows(const void *values, size_t rows, size_t width, enum dtype dtype, double *norms)
{
    switch (dtype) {
    case DTYPE_F16: {
        pthread_once(&half_values_once, fill_half_values);
        const uint16_t *row = values;
        for (size_t r = 0; r < rows; r++, row += width)
            norms[r] = sqrt(sum_squares_f16(row, width));
        break;
    }
    case DTYPE_F32: {
        const float *row = values;
        for (size_t r = 0; r < rows; r++, row += width)
            norms[r] = sqrt(sum_squares_f32(row, width));
        break;
    }
    case DTYPE_F64: {
        const double *row = values;
        for (size_t r = 0; r < rows; r++, row += width)
            norms[r] = norm_f64(row, width);
        break;
    }
    }
}
