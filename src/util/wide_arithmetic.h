#ifndef LEVYSCORE_WIDE_ARITHMETIC_H
#define LEVYSCORE_WIDE_ARITHMETIC_H

/* Integer helpers shared by parse_double.c and format_double.c: the full 128-bit product of two
 * 64-bit integers, flooring shifts of signed values, and a count of leading zero bits. */

#include <stdint.h>

struct uint128 {
    uint64_t high;
    uint64_t low;
};

/* Multiply with 32-bit halves. This is the fallback for compilers without a 128-bit integer type,
 * and the reference that the unit tests compare the fast version with. */
static inline struct uint128 multiply_64x64_portable(uint64_t a, uint64_t b)
{
    uint64_t a_low = a & 0xFFFFFFFFu, a_high = a >> 32;
    uint64_t b_low = b & 0xFFFFFFFFu, b_high = b >> 32;

    uint64_t low_low = a_low * b_low;
    uint64_t high_low = a_high * b_low;
    uint64_t low_high = a_low * b_high;
    uint64_t high_high = a_high * b_high;

    /* Each partial sum stays below 2^64: (2^32 - 1) * (2^32 - 1) + 2 * (2^32 - 1) = 2^64 - 1. */
    uint64_t middle = (low_low >> 32) + (high_low & 0xFFFFFFFFu) + low_high;
    struct uint128 product;
    product.high = high_high + (high_low >> 32) + (middle >> 32);
    product.low = (middle << 32) | (low_low & 0xFFFFFFFFu);
    return product;
}

/* LEVYSCORE_PORTABLE_MULTIPLY forces the 32-bit path, to test it on a compiler that has both. */
static inline struct uint128 multiply_64x64(uint64_t a, uint64_t b)
{
#if defined(__SIZEOF_INT128__) && !defined(LEVYSCORE_PORTABLE_MULTIPLY)
    __extension__ typedef unsigned __int128 wide;
    wide product = (wide)a * b;
    struct uint128 result = {(uint64_t)(product >> 64), (uint64_t)product};
    return result;
#else
    return multiply_64x64_portable(a, b);
#endif
}

static inline uint64_t multiply_high_64(uint64_t a, uint64_t b)
{
    return multiply_64x64(a, b).high;
}

/* floor(value / 2^shift) for either sign, because C leaves >> of a negative value to the
 * implementation. */
static inline int64_t shift_right_floor(int64_t value, int shift)
{
    return value >= 0 ? value >> shift : ~(~value >> shift);
}

/* Leading zero bits of a nonzero value. */
static inline int count_leading_zeros_64(uint64_t value)
{
#if defined(__GNUC__)
    return __builtin_clzll(value);
#else
    int count = 0;
    while (!(value >> 63)) {
        value <<= 1;
        count++;
    }
    return count;
#endif
}

#endif
