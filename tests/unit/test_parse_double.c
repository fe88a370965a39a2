/*
 * parse_double against the slow exact reference, glibc's strtod on a NUL-terminated copy, on
 * random and adversarial texts, and its grammar against tables of accepted and rejected texts.
 * The exact halfway points between adjacent doubles come from a small decimal big integer below,
 * independent of both parsers.
 */
#include <criterion/criterion.h>
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "levyscore/format_double.h"
#include "levyscore/parse_double.h"

#define RANDOM_DOUBLE_COUNT 250000
#define RANDOM_TEXT_COUNT 800000
#define HALFWAY_COUNT 3000

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

static bool same_double(double a, double b)
{
    if (isnan(a) || isnan(b))
        return isnan(a) && isnan(b) && signbit(a) == signbit(b);
    return memcmp(&a, &b, sizeof a) == 0;
}

static double random_finite_double(void)
{
    for (;;) {
        double value = double_from_bits(next_random());
        if (isfinite(value))
            return value;
    }
}

/* strtod on a copy: true when it read all of text. */
static bool reference_parse(const char *text, double *value)
{
    char *end;
    *value = strtod(text, &end);
    return *end == '\0' && end != text;
}

/* parse_double on all of text must agree with strtod. */
static void check_against_strtod(const char *text)
{
    double expected;
    cr_assert(reference_parse(text, &expected), "strtod rejects \"%s\"", text);
    double got = -12345.0;
    cr_assert(parse_double(text, text + strlen(text), &got), "rejected \"%.200s\"", text);
    cr_assert(same_double(got, expected), "\"%.200s\" (%zu chars): got %a, strtod gives %a", text, strlen(text), got,
              expected);
}

static const char *accepted_texts[] = {
    "0", "-0", "+0", "0.0", "-0.0", "00", "000.000", "1", "+1", "-1", "1.", "-1.", ".5", "-.5", "+.5", "0.5",
    "1e5", "1E5", "1e+5", "1e-5", "1.e5", ".5e1", "1.5E-3", "00012", "0012.3400", "123456789", "1e0", "1e-0",
    "1e00000000000000000000000000000000005", "1e99999999999999999999", "-1e99999999999999999999",
    "1e-99999999999999999999", "0e99999999999999999999", "12345678901234567890123", "0.000000000000000000000001",
    "inf", "-inf", "+inf", "INF", "Inf", "infinity", "-Infinity", "+INFINITY", "iNfInItY", "nan", "-nan", "+nan",
    "NaN", "NAN", "nan()", "nan(123)", "-nan(abc_XYZ09)", "NAN(0x1f)",
};

Test(parse_double, accepts_what_strtod_accepts)
{
    for (size_t i = 0; i < sizeof accepted_texts / sizeof accepted_texts[0]; i++)
        check_against_strtod(accepted_texts[i]);
}

static const char *rejected_texts[] = {
    "", "+", "-", ".", "+.", "-.", "e5", ".e5", "-e5", "1e", "1e+", "1e-", "1E", "1.5.2", "1..5", "..5", "1e5.5",
    "1e5e5", "0x10", "0X10", "0x1p3", "-0x1.8p1", "0x", " 1", "1 ", "\t1", "1\n", "1,5", "0,5", "1.#INF",
    "1.#IND", "-1.#QNAN", "infinit", "infinityy", "infx", "in", "i", "n", "na", "nanx", "nan(", "nan(1", "nan(a b)",
    "nan)", "nan(()", "nan(-1)", "--1", "+-1", "-+1", "1_000", "1'000", "1d5", "1f", "1.5f", "five", "1e5x",
    "inf ", " inf", "- 1", "1-", "1+1", "\xd9\xa1", "1e+-5", "1e--5", "e", "E", "0.5.",
};

Test(parse_double, rejects_and_leaves_value)
{
    for (size_t i = 0; i < sizeof rejected_texts / sizeof rejected_texts[0]; i++) {
        const char *text = rejected_texts[i];
        double value = 42.0;
        cr_expect_not(parse_double(text, text + strlen(text), &value), "accepted \"%s\"", text);
        cr_expect_eq(value, 42.0, "\"%s\" changed the value to %a", text, value);
    }
}

/* A NUL inside the range is a character like any other, and rejected. */
Test(parse_double, rejects_embedded_nul)
{
    const char text[] = "12\0" "34";
    double value = 42.0;
    cr_expect_not(parse_double(text, text + 5, &value));
    cr_expect_eq(value, 42.0);
}

/* Only [begin, end) is read: digits after end must not change the result. */
Test(parse_double, stops_at_end)
{
    const char *text = "12345678901234567890123456789e5";
    for (size_t length = 1; length <= 29; length++) {
        char copy[64];
        memcpy(copy, text, length);
        copy[length] = '\0';
        double expected = strtod(copy, NULL), got = 0;
        cr_assert(parse_double(text, text + length, &got), "length %zu", length);
        cr_assert(same_double(got, expected), "length %zu: got %a, expected %a", length, got, expected);
    }
    double got = 0;
    cr_expect(parse_double("1.5xyz", strchr("1.5xyz", 'x'), &got));
    cr_expect_eq(got, 1.5);
    cr_expect(parse_double("inf inity", strchr("inf inity", ' '), &got));
    cr_expect(isinf(got));
}

/* Random doubles as the programs that write embeddings print them. */
Test(parse_double, random_bit_patterns)
{
    random_state = UINT64_C(0x9E3779B97F4A7C15);
    char text[512];
    for (int i = 0; i < RANDOM_DOUBLE_COUNT; i++) {
        double value = random_finite_double();
        snprintf(text, sizeof text, "%.17g", value);
        check_against_strtod(text);
        snprintf(text, sizeof text, "%.*e", (int)(next_random() % 26), value);
        check_against_strtod(text);
        format_double(text, value);
        check_against_strtod(text);
        if (fabs(value) < 1e30) {
            snprintf(text, sizeof text, "%.*f", (int)(next_random() % 30), value);
            check_against_strtod(text);
        }
    }
}

/* float32 values printed with %.7g and %.9g, as text embedding files hold them. */
Test(parse_double, float32_texts)
{
    random_state = UINT64_C(0xC2B2AE3D27D4EB4F);
    char text[64];
    for (int i = 0; i < RANDOM_DOUBLE_COUNT; i++) {
        uint32_t bits = (uint32_t)(next_random() >> 32);
        float narrow;
        memcpy(&narrow, &bits, sizeof narrow);
        if (!isfinite(narrow))
            continue;
        snprintf(text, sizeof text, "%.7g", (double)narrow);
        check_against_strtod(text);
        snprintf(text, sizeof text, "%.9g", (double)narrow);
        check_against_strtod(text);
    }
}

/* Random decimal texts: 1 to 25 digits, a point anywhere or none, exponents -350 to 350. */
Test(parse_double, random_decimal_texts)
{
    random_state = UINT64_C(0x165667B19E3779F9);
    char text[128];
    for (int i = 0; i < RANDOM_TEXT_COUNT; i++) {
        size_t length = 0;
        uint64_t choice = next_random();
        if (choice & 1)
            text[length++] = (choice & 2) ? '-' : '+';
        int digits = 1 + (int)(next_random() % 25);
        int point = (choice & 4) ? (int)(next_random() % (uint64_t)(digits + 1)) : -1;
        for (int d = 0; d < digits; d++) {
            if (d == point)
                text[length++] = '.';
            /* Runs of zeros, leading and trailing, are frequent in real data. */
            text[length++] = (char)('0' + ((choice & 8) && next_random() % 3 == 0 ? 0 : next_random() % 10));
        }
        if (point == digits)
            text[length++] = '.';
        if (choice & 16)
            length += (size_t)sprintf(text + length, "%c%d", (choice & 32) ? 'e' : 'E', (int)(next_random() % 701) - 350);
        text[length] = '\0';
        check_against_strtod(text);
    }
}

/*
 * A decimal big integer, little-endian in base 10^9, for exact halfway points: the halfway point
 * between two adjacent doubles is an odd integer m < 2^54 times 2^e, and its decimal digits are
 * those of m * 2^e for e >= 0, or of m * 5^-e (times 10^e) for e < 0.
 */
#define BIG_LIMBS 130
#define BIG_BASE 1000000000u

struct big {
    uint32_t limbs[BIG_LIMBS];
    int count;
};

static void big_set(struct big *number, uint64_t value)
{
    number->count = 0;
    do {
        number->limbs[number->count++] = (uint32_t)(value % BIG_BASE);
        value /= BIG_BASE;
    } while (value != 0);
}

static void big_multiply(struct big *number, uint32_t factor)
{
    uint64_t carry = 0;
    for (int i = 0; i < number->count; i++) {
        uint64_t product = (uint64_t)number->limbs[i] * factor + carry;
        number->limbs[i] = (uint32_t)(product % BIG_BASE);
        carry = product / BIG_BASE;
    }
    while (carry != 0) {
        cr_assert_lt(number->count, BIG_LIMBS);
        number->limbs[number->count++] = (uint32_t)(carry % BIG_BASE);
        carry /= BIG_BASE;
    }
}

/* Write the digits of number to text; returns their count. */
static size_t big_digits(const struct big *number, char *text)
{
    size_t length = (size_t)sprintf(text, "%" PRIu32, number->limbs[number->count - 1]);
    for (int i = number->count - 2; i >= 0; i--)
        length += (size_t)sprintf(text + length, "%09" PRIu32, number->limbs[i]);
    return length;
}

/* Digits and decimal exponent of the point halfway between value > 0 and the next double up. */
static size_t halfway_digits(double value, char *digits, int *exponent)
{
    int binary_exponent;
    double fraction = frexp(value, &binary_exponent);
    /* value = significand * 2^shift, with shift at least -1074 for subnormals, and the halfway
     * point is (2 * significand + 1) * 2^(shift - 1). */
    int shift = binary_exponent - 53 < -1074 ? -1074 : binary_exponent - 53;
    uint64_t significand = (uint64_t)ldexp(fraction, binary_exponent - shift);
    int power = shift - 1;

    struct big number;
    big_set(&number, 2 * significand + 1);
    /* Batches of 2^29 and 5^13 keep each factor below 2^32, as big_multiply needs. */
    for (; power >= 29; power -= 29)
        big_multiply(&number, UINT32_C(1) << 29);
    for (; power > 0; power--)
        big_multiply(&number, 2);
    for (; power <= -13; power += 13)
        big_multiply(&number, UINT32_C(1220703125));
    for (; power < 0; power++)
        big_multiply(&number, 5);
    *exponent = shift - 1 < 0 ? shift - 1 : 0;
    return big_digits(&number, digits);
}

/* Subtract one from the decimal digit string (greater than zero) in place. */
static void decrement_digits(char *digits, size_t length)
{
    size_t i = length;
    while (digits[--i] == '0')
        digits[i] = '9';
    digits[i]--;
}

/* The exact halfway point, and it plus or minus a unit in its 800th or a later digit, in both
 * scientific and positional forms. */
static void check_halfway(double value)
{
    static char digits[2048], text[4096];
    int exponent;
    size_t length = halfway_digits(value, digits, &exponent);

    snprintf(text, sizeof text, "%se%d", digits, exponent);
    check_against_strtod(text);

    /* Just above: zeros up to the 800th digit or beyond, then a 1. */
    size_t pad = length < 800 ? 800 - length + next_random() % 40 : 1 + next_random() % 40;
    memcpy(text, digits, length);
    memset(text + length, '0', pad);
    text[length + pad] = '1';
    snprintf(text + length + pad + 1, 32, "e%d", exponent - (int)pad - 1);
    check_against_strtod(text);

    /* Just below: one less in the last place, then nines. */
    memcpy(text, digits, length);
    decrement_digits(text, length);
    memset(text + length, '9', pad + 1);
    snprintf(text + length + pad + 1, 32, "e%d", exponent - (int)pad - 1);
    check_against_strtod(text);

    /* Positional form with a point, for the moderate exponents. */
    if (exponent < 0 && (size_t)-exponent < length) {
        size_t integer = length - (size_t)-exponent;
        memcpy(text, digits, integer);
        text[integer] = '.';
        memcpy(text + integer + 1, digits + integer, length - integer);
        text[length + 1] = '\0';
        check_against_strtod(text);
    }
}

Test(parse_double, halfway_points)
{
    random_state = UINT64_C(0x27BB2EE687B0B0FD);
    for (int i = 0; i < HALFWAY_COUNT; i++) {
        double value = fabs(random_finite_double());
        if (value == DBL_MAX || value == 0)
            continue;
        check_halfway(value);
    }
    /* Halfway points with short decimal forms, ties to even in Clinger's and Eisel-Lemire's ranges. */
    for (int e = -1074; e <= 1022; e += 7)
        check_halfway(ldexp(1.0, e));
    for (uint64_t m = 1; m < 2000; m++)
        check_halfway(9007199254740992.0 + 2.0 * (double)m);
    check_halfway(DBL_TRUE_MIN);
    check_halfway(nextafter(DBL_MIN, 0));
    check_halfway(DBL_MIN);
    check_halfway(nextafter(DBL_MAX, 0));
}

static const char *adversarial_texts[] = {
    "5e-324", "4.9406564584124654e-324", "2.4703282292062327e-324", "2.4703282292062328e-324",
    "2.4703282292062327208828439643411068618252990130716238221279284125033775363510437593264991818081799618989828"
    "23400e-324",
    "2.2250738585072011e-308", "2.2250738585072012e-308", "2.2250738585072014e-308", "2.225073858507201e-308",
    "0.000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000222507"
    "3858507201136057409796709131975934819546351645648023426109724822222021076945516529523908135087914149158913039"
    "6211",
    "1.7976931348623157e308", "1.7976931348623158e308", "1.7976931348623159e308", "-1.7976931348623159e308",
    "179769313486231580793728971405301e276", "179769313486231580793728971405302e276", "0.1", "0.2", "0.3",
    "9007199254740993", "9007199254740993.0", "9007199254740993.00000000000000000000000001", "9007199254740995",
    "9007199254740992.5", "1.00000000000000011102230246251565404236316680908203125",
    "1.00000000000000011102230246251565404236316680908203124",
    "1.00000000000000011102230246251565404236316680908203126", "7.038531e-26", "8.41e21", "1e23",
    "9.9999999999999991611392e22", "9.9999999999999991611393e22", "4.35", "123456789012345678901234567890e-10",
    "0000000000000000000000000000000000000000000000000000000001.5",
    "1.50000000000000000000000000000000000000000000000000000000000000", "-0.000000000000000000000000000000001",
    "1000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
    "3.14159265358979323846264338327950288419716939937510582097494459230781640628620899862803482534211706798",
    "1e-400", "-1e-400", "1e400", "-1e400", "0e400", "0.0e-400",
};

Test(parse_double, adversarial_texts)
{
    for (size_t i = 0; i < sizeof adversarial_texts / sizeof adversarial_texts[0]; i++)
        check_against_strtod(adversarial_texts[i]);

    double value = 0;
    const char *hang = "2.2250738585072011e-308";
    cr_assert(parse_double(hang, hang + strlen(hang), &value));
    cr_expect_eq(value, 0x0.fffffffffffffp-1022);
    const char *over = "1.7976931348623159e308";
    cr_assert(parse_double(over, over + strlen(over), &value));
    cr_expect(isinf(value) && value > 0);
}

/* 1e-325 .. 1e309 in several spellings. */
Test(parse_double, powers_of_ten)
{
    char text[1024];
    for (int k = -325; k <= 309; k++) {
        snprintf(text, sizeof text, "1e%d", k);
        check_against_strtod(text);
        snprintf(text, sizeof text, "-10E%+d", k - 1);
        check_against_strtod(text);
        snprintf(text, sizeof text, "0.00000000000000000000001e%d", k + 23);
        check_against_strtod(text);
        if (k >= 0 && k < 400) {
            text[0] = '1';
            memset(text + 1, '0', (size_t)k);
            text[k + 1] = '\0';
            check_against_strtod(text);
        } else if (k < 0 && k > -330) {
            memcpy(text, "0.", 2);
            memset(text + 2, '0', (size_t)(-k - 1));
            memcpy(text + 1 - k, "1", 2);
            check_against_strtod(text);
        }
    }
}

/* 800-digit texts that differ only in the last digit, rounding to different doubles. */
Test(parse_double, long_texts_differ_in_last_digit)
{
    char text[1024];
    int exponent;
    size_t length = halfway_digits(1.0, text, &exponent);
    cr_assert_eq(exponent, 1 - (int)length);
    memset(text + length, '0', 799 - length);
    text[799] = '0';
    text[800] = '\0';
    char copy[1100];
    snprintf(copy, sizeof copy, "%.1s.%se0", text, text + 1);
    check_against_strtod(copy);
    double tie = 0, above = 0;
    parse_double(copy, copy + strlen(copy), &tie);
    cr_expect_eq(tie, 1.0);

    text[799] = '1';
    snprintf(copy, sizeof copy, "%.1s.%se0", text, text + 1);
    check_against_strtod(copy);
    parse_double(copy, copy + strlen(copy), &above);
    cr_expect_eq(above, 1.0 + DBL_EPSILON);

    /* Beyond 800 digits: the deciding 1 comes after a thousand zeros. */
    memset(text + length, '0', 1000 - length);
    snprintf(copy, sizeof copy, "%.1s.%.*s1", text, 999, text + 1);
    check_against_strtod(copy);
    parse_double(copy, copy + strlen(copy), &above);
    cr_expect_eq(above, 1.0 + DBL_EPSILON);
}
