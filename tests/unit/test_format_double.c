/*
 * format_double against slow exact references: glibc's strtod reads every output back to the
 * same double, glibc's printf("%.*e") (exact in glibc) gives the correctly rounded decimals that
 * prove the output shortest and closest, and Python's repr gives the expected layout.
 */
#include <criterion/criterion.h>
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/util/wide_arithmetic.h"
#include "levyscore/format_double.h"

/* Random doubles checked for the round trip only, and for the full shortest-closest check. */
#define ROUND_TRIP_COUNT 1000000
#define FULL_CHECK_COUNT 100000

static uint64_t random_state;

/* xorshift64* with a fixed seed per test, so a failure repeats. */
static uint64_t next_random(void)
{
    random_state ^= random_state >> 12;
    random_state ^= random_state << 25;
    random_state ^= random_state >> 27;
    return random_state * UINT64_C(0x2545F4914F6CDD1D);
}

static double double_from_bits(uint64_t bits)
{
    double value;
    memcpy(&value, &bits, sizeof value);
    return value;
}

static bool same_bits(double a, double b)
{
    return memcmp(&a, &b, sizeof a) == 0;
}

/* A finite double from random bits: any sign, exponent and fraction. */
static double random_finite_double(void)
{
    for (;;) {
        double value = double_from_bits(next_random());
        if (isfinite(value))
            return value;
    }
}

/* A decimal as digits * 10^exponent with no trailing zeros in digits (0 for zero). */
struct decimal {
    uint64_t digits;
    int exponent;
    int count;      /* significant digits */
};

/* Split text that format_double or printf("%e") wrote (sign ignored) into a decimal. */
static struct decimal split_decimal(const char *text)
{
    struct decimal result = {0, 0, 0};
    const char *at = text + (*text == '-');
    bool fraction = false;
    for (; *at && *at != 'e'; at++) {
        if (*at == '.') {
            fraction = true;
            continue;
        }
        int digit = *at - '0';
        if (result.count > 0 || digit != 0) {
            result.digits = result.digits * 10 + (uint64_t)digit;
            result.count++;
        }
        if (fraction)
            result.exponent--;
    }
    if (*at == 'e')
        result.exponent += atoi(at + 1);
    while (result.digits != 0 && result.digits % 10 == 0) {
        result.digits /= 10;
        result.exponent++;
        result.count--;
    }
    return result;
}

/* Whether digits * 10^exponent reads back (strtod) to magnitude. */
static bool reads_back(uint64_t digits, int exponent, double magnitude)
{
    char text[64];
    snprintf(text, sizeof text, "%" PRIu64 "e%d", digits, exponent);
    return same_bits(strtod(text, NULL), magnitude);
}

/* The correctly rounded decimal of magnitude with the given significant digits, trailing zeros
 * kept: digits * 10^exponent with exactly count digits. */
static struct decimal rounded_decimal(double magnitude, int count)
{
    char text[64];
    snprintf(text, sizeof text, "%.*e", count - 1, magnitude);
    struct decimal result = {0, atoi(strchr(text, 'e') + 1) - (count - 1), count};
    for (const char *at = text; *at != 'e'; at++) {
        if (*at != '.')
            result.digits = result.digits * 10 + (uint64_t)(*at - '0');
    }
    return result;
}

static uint64_t power_of_ten(int n)
{
    uint64_t result = 1;
    while (n-- > 0)
        result *= 10;
    return result;
}

/*
 * Check format_double(value) in full: the text reads back; no decimal with fewer digits reads
 * back (both neighbours of value on the grid one digit coarser are tried); and when the
 * correctly rounded decimal of the same length reads back, the text is that decimal.
 */
static void check_full(double value)
{
    char text[FORMAT_DOUBLE_MAX + 1];
    size_t length = format_double(text, value);
    cr_assert_eq(length, strlen(text), "%a: length %zu for \"%s\"", value, length, text);
    cr_assert(same_bits(strtod(text, NULL), value), "%a: \"%s\" reads back as %a", value, text, strtod(text, NULL));
    if (value == 0)
        return;

    double magnitude = fabs(value);
    struct decimal got = split_decimal(text);
    if (got.count > 1) {
        struct decimal shorter = rounded_decimal(magnitude, got.count - 1);
        for (int step = -1; step <= 1; step++) {
            cr_assert(!reads_back(shorter.digits + (uint64_t)step, shorter.exponent, magnitude),
                      "%a: \"%s\" is not shortest, %" PRIu64 "e%d reads back too", value, text,
                      shorter.digits + (uint64_t)step, shorter.exponent);
        }
        /* When rounding carried into a new leading digit, the lower neighbour is all nines. */
        if (shorter.digits == power_of_ten(got.count - 2)) {
            uint64_t nines = power_of_ten(got.count - 1) - 1;
            cr_assert(!reads_back(nines, shorter.exponent - 1, magnitude), "%a: \"%s\" is not shortest", value, text);
        }
    }

    struct decimal closest = rounded_decimal(magnitude, got.count);
    if (reads_back(closest.digits, closest.exponent, magnitude)) {
        char closest_text[64];
        snprintf(closest_text, sizeof closest_text, "%" PRIu64 "e%d", closest.digits, closest.exponent);
        struct decimal expected = split_decimal(closest_text);
        cr_assert(got.digits == expected.digits && got.exponent == expected.exponent,
                  "%a: \"%s\" is not the closest %d-digit decimal %s", value, text, got.count, closest_text);
    }
}

static void check_round_trip(double value)
{
    char text[FORMAT_DOUBLE_MAX + 1];
    size_t length = format_double(text, value);
    cr_assert_leq(length, FORMAT_DOUBLE_MAX);
    cr_assert_eq(length, strlen(text), "%a: length %zu for \"%s\"", value, length, text);
    cr_assert(same_bits(strtod(text, NULL), value), "%a: \"%s\" reads back as %a", value, text, strtod(text, NULL));
}

Test(format_double, special_values)
{
    char text[FORMAT_DOUBLE_MAX + 1];
    cr_expect_eq(format_double(text, NAN), 3);
    cr_expect_str_eq(text, "nan");
    format_double(text, -NAN);
    cr_expect_str_eq(text, "nan");
    format_double(text, INFINITY);
    cr_expect_str_eq(text, "inf");
    format_double(text, -INFINITY);
    cr_expect_str_eq(text, "-inf");
    cr_expect_eq(format_double(text, 0.0), 1);
    cr_expect_str_eq(text, "0");
    cr_expect_eq(format_double(text, -0.0), 2);
    cr_expect_str_eq(text, "-0");
}

/* Expected texts: Python 3's repr of the same double, with ".0" dropped from integral values. */
static const struct {
    double value;
    const char *text;
} layout_cases[] = {
    {0x1.4000000000000p+2, "5"},
    {0x1.999999999999ap-4, "0.1"},
    {0x1.e240000000000p+16, "123456"},
    {0x1.437c5692b3cc5p-10, "0.001234"},
    {0x1.a36e2eb1c432dp-14, "0.0001"},
    {0x1.4f8b588e368f1p-17, "1e-05"},
    {0x1.02e85be180b74p-13, "0.00012345678901234567"},
    {0x1.c6bf526340000p+49, "1000000000000000"},
    {0x1.1c37937e08000p+53, "1e+16"},
    {0x1.18b54f22aeb00p+50, "1234567890123456"},
    {0x1.5ee2a2eb5a5c4p+53, "1.2345678901234568e+16"},
    {0x1.8000000000000p+0, "1.5"},
    {-0x1.4000000000000p+1, "-2.5"},
    {0x1.7e43c8800759cp+996, "1e+300"},
    {0x1.151f68876f410p-664, "1.414213562373095e-200"},
    {0x0.0000000000001p-1022, "5e-324"},
    {0x0.0000000000002p-1022, "1e-323"},
    {0x0.0000000000003p-1022, "1.5e-323"},
    {0x1.fffffffffffffp+1023, "1.7976931348623157e+308"},
    {0x1.0000000000000p-1022, "2.2250738585072014e-308"},
    {0x0.fffffffffffffp-1022, "2.225073858507201e-308"},
    {0x1.3333333333333p-2, "0.3"},
    {0x1.5555555555555p-1, "0.6666666666666666"},
    {0x1.5555555555555p-2, "0.3333333333333333"},
    {0x1.9000000000000p+6, "100"},
    {0x1.b1ae4d6e2ef50p+69, "1e+21"},
    {0x1.6b082c2148b8ep-60, "1.23e-18"},
    {0x1.0000000000000p+53, "9007199254740992"},
    {0x1.0000000000000p+54, "1.8014398509481984e+16"},
    {0x1.3333333333334p-2, "0.30000000000000004"},
    {0x1.52d02c7e14af6p+76, "1e+23"},
    {0x1.0f0cf064dd592p+73, "1e+22"},
    {0x1.a36e2eb1c432dp-15, "5e-05"},
    {-0x1.ad7f29abcaf48p-24, "-1e-07"},
    {0x1.edd2f1a9fbe77p+6, "123.456"},
    {-0x1.a36e2eb1c432dp-14, "-0.0001"},
    {0x1.1666666666666p+2, "4.35"},
    {0x1.0000000000000p+1023, "8.98846567431158e+307"},
    {0x1.99999a0000000p-4, "0.10000000149011612"},
    {-0x1.948b100000000p-7, "-0.012345679104328156"},
    {0x1.0000000000000p+63, "9.223372036854776e+18"},
    {0x1.bf647612f3697p-19, "3.3333333333333337e-06"},
    {0x1.2a800d15b2fe8p-73, "1.23456789e-22"},
};

Test(format_double, layout_matches_python_repr)
{
    char text[FORMAT_DOUBLE_MAX + 1];
    for (size_t i = 0; i < sizeof layout_cases / sizeof layout_cases[0]; i++) {
        size_t length = format_double(text, layout_cases[i].value);
        cr_expect_str_eq(text, layout_cases[i].text, "%a: got \"%s\", expected \"%s\"", layout_cases[i].value, text,
                         layout_cases[i].text);
        cr_expect_eq(length, strlen(layout_cases[i].text), "%a: length %zu", layout_cases[i].value, length);
    }
}

Test(format_double, random_bit_patterns_round_trip)
{
    random_state = UINT64_C(0x853C49E6748FEA9B);
    for (int i = 0; i < ROUND_TRIP_COUNT; i++)
        check_round_trip(random_finite_double());
}

Test(format_double, random_bit_patterns_shortest_closest)
{
    random_state = UINT64_C(0xDA3E39CB94B95BDB);
    for (int i = 0; i < FULL_CHECK_COUNT; i++)
        check_full(random_finite_double());
}

/* float32 values widened to double, the values an embedding file holds. */
Test(format_double, float32_values_shortest_closest)
{
    random_state = UINT64_C(0x6A09E667F3BCC909);
    for (int i = 0; i < FULL_CHECK_COUNT / 2; i++) {
        uint32_t bits = (uint32_t)(next_random() >> 32);
        float narrow;
        memcpy(&narrow, &bits, sizeof narrow);
        if (isfinite(narrow))
            check_full((double)narrow);
    }
}

/* Values in the same decade as a typical score, with short decimal forms. */
Test(format_double, short_decimals_shortest_closest)
{
    random_state = UINT64_C(0xBB67AE8584CAA73B);
    for (int i = 0; i < FULL_CHECK_COUNT / 2; i++) {
        int digits = 1 + (int)(next_random() % 17);
        int exponent = (int)(next_random() % 60) - 30;
        char text[64];
        snprintf(text, sizeof text, "%" PRIu64 "e%d", next_random() % power_of_ten(digits), exponent);
        check_full(strtod(text, NULL));
    }
}

/* Every power of two, where the gap below is half the gap above (the irregular case). */
Test(format_double, powers_of_two)
{
    for (int e = -1074; e <= 1023; e++) {
        check_full(ldexp(1.0, e));
        check_full(-ldexp(1.0, e));
        if (e > -1074)
            check_full(nextafter(ldexp(1.0, e), 0));
    }
}

/* The doubles nearest to 10^k, and their neighbours. */
Test(format_double, powers_of_ten)
{
    for (int k = -325; k <= 309; k++) {
        char text[16];
        snprintf(text, sizeof text, "1e%d", k);
        double value = strtod(text, NULL);
        if (!isfinite(value))
            continue;
        check_full(value);
        check_full(nextafter(value, 0));
        check_full(nextafter(value, INFINITY));
    }
}

/* The smallest subnormals one by one, then random ones. */
Test(format_double, subnormals)
{
    for (uint64_t fraction = 1; fraction <= 20000; fraction++)
        check_full(double_from_bits(fraction));
    random_state = UINT64_C(0x3C6EF372FE94F82B);
    for (int i = 0; i < 20000; i++)
        check_full(double_from_bits(next_random() & ((UINT64_C(1) << 52) - 1)));
}

/* Integers around 2^53, where the integer shortcut ends and the gap between doubles reaches 2. */
Test(format_double, integers_near_two_to_53)
{
    for (int offset = -2000; offset <= 2000; offset++) {
        check_full(9007199254740992.0 + offset);
        check_full(-(4503599627370496.0 + offset));
    }
    for (int e = 0; e <= 80; e++) {
        check_full(ldexp(1.0, e) - 1);
        check_full(ldexp(1.0, e) + 1);
        check_full(ldexp(3.0, e));
    }
}

Test(format_double, extreme_values)
{
    double values[] = {DBL_MAX, -DBL_MAX, DBL_MIN, nextafter(DBL_MIN, 0), DBL_TRUE_MIN, DBL_EPSILON, 1 + DBL_EPSILON,
                       1 - DBL_EPSILON / 2, 0.1, 0.2, 0.3, 1e23, 5e-324, 2.2250738585072011e-308};
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++)
        check_full(values[i]);
}

/* The 32-bit fallback of the 64 x 64 -> 128 bit product agrees with the compiler's one. */
Test(format_double, portable_multiply_matches)
{
    random_state = UINT64_C(0x510E527FADE682D1);
    uint64_t edges[] = {0, 1, 0xFFFFFFFFu, UINT64_C(0x100000000), UINT64_MAX, UINT64_MAX - 1, UINT64_C(1) << 63};
    for (size_t i = 0; i < sizeof edges / sizeof edges[0]; i++) {
        for (size_t j = 0; j < sizeof edges / sizeof edges[0]; j++) {
            struct uint128 fast = multiply_64x64(edges[i], edges[j]);
            struct uint128 portable = multiply_64x64_portable(edges[i], edges[j]);
            cr_assert(fast.high == portable.high && fast.low == portable.low, "%#" PRIx64 " * %#" PRIx64, edges[i],
                      edges[j]);
        }
    }
    for (int i = 0; i < 100000; i++) {
        uint64_t a = next_random(), b = next_random() >> (next_random() % 64);
        struct uint128 fast = multiply_64x64(a, b);
        struct uint128 portable = multiply_64x64_portable(a, b);
        cr_assert(fast.high == portable.high && fast.low == portable.low, "%#" PRIx64 " * %#" PRIx64, a, b);
    }
}
