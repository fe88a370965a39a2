#include "levyscore/format_double.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "format_double_table.h"
#include "wide_arithmetic.h"

/*
 * Shortest round-trip digits by Schubfach (Raffaello Giulietti, "The Schubfach way to render
 * doubles", 2020), the method of OpenJDK's jdk.internal.math.DoubleToDecimal. Among the
 * decimals that round to the double, it takes those with the fewest significant digits, and of
 * these the one closest to the double, or the even one on a tie.
 * The layout is that of Python's repr(float), except that integral values have no ".0":
 * plain notation when the decimal exponent X of the first digit satisfies -4 <= X < 16
 * ("0.0001234", "123456", "5", "1234567890123456"), scientific notation with a signed exponent
 * of at least two digits otherwise ("1.5e-05", "1e+16", "1.414213562373095e-200").
 * No step reads the locale.
 */

/* Plain notation for decimal exponents in [PLAIN_EXPONENT_MIN, PLAIN_EXPONENT_MAX]. */
#define PLAIN_EXPONENT_MIN (-4)
#define PLAIN_EXPONENT_MAX 15

#define SIGNIFICAND_BITS 52
#define EXPONENT_BIAS 1075       /* a normal double is (2^52 + fraction) * 2^(biased - 1075) */
#define SUBNORMAL_EXPONENT (-1074)
#define MASK_63 ((UINT64_C(1) << 63) - 1)

/* Significant digits of a shortest double: at most 17. */
#define DIGITS_MAX 17

/* A finite positive decimal digits * 10^exponent. */
struct decimal {
    uint64_t digits;
    int exponent;
};

static int floor_log10_pow2(int e)
{
    return (int)shift_right_floor((int64_t)e * LOG10_POW2_MULTIPLIER + LOG10_POW2_ADDEND, LOG10_POW2_SHIFT);
}

static int floor_log10_three_quarters_pow2(int e)
{
    return (int)shift_right_floor((int64_t)e * LOG10_THREE_QUARTERS_POW2_MULTIPLIER + LOG10_THREE_QUARTERS_POW2_ADDEND,
                                  LOG10_THREE_QUARTERS_POW2_SHIFT);
}

static int floor_log2_pow10(int e)
{
    return (int)shift_right_floor((int64_t)e * LOG2_POW10_MULTIPLIER + LOG2_POW10_ADDEND, LOG2_POW10_SHIFT);
}

/*
 * Compute floor(g * cp / 2^127), with its lowest bit set when the product is not an integer
 * ("round to odd"), where g = g1 * 2^63 + g0. Only the top 63 bits of the fraction are examined,
 * which the Schubfach paper shows to be exact for every double (OpenJDK's DoubleToDecimal does the
 * same, citing section 9.9 of the paper). The unit tests check it on millions of doubles.
 */
static uint64_t multiply_round_to_odd(const struct scale_entry *g, uint64_t cp)
{
    uint64_t low_part = multiply_high_64(g->g0, cp);
    struct uint128 high_part = multiply_64x64(g->g1, cp);
    uint64_t fraction = (high_part.low >> 1) + low_part;
    uint64_t integer = high_part.high + (fraction >> 63);
    return integer | (((fraction & MASK_63) + MASK_63) >> 63);
}

/*
 * The shortest decimal in the rounding interval of c * 2^q, closest to it on a tie in length.
 * irregular is true when the gap to the next lower double is half the gap above (c = 2^52 of a
 * normal double above the smallest binade).
 *
 * With k chosen so that the rounding interval is at least 1 and below 10 units of 10^k wide,
 * the interval contains s = floor(v / 10^k) or s + 1, and at most one multiple of 10 units.
 * vb, vbl and vbr are v and the interval bounds in units of 10^k / 4, rounded to odd, which
 * keeps every comparison with a multiple of 4 exact.
 */
static struct decimal schubfach(uint64_t c, int q, bool irregular)
{
    uint64_t out = c & 1;   /* the bounds belong to the interval only for an even c */
    uint64_t cb = c << 2;
    uint64_t cbr = cb + 2;
    uint64_t cbl;
    int k;
    if (irregular) {
        cbl = cb - 1;
        k = floor_log10_three_quarters_pow2(q);
    } else {
        cbl = cb - 2;
        k = floor_log10_pow2(q);
    }
    int h = q + floor_log2_pow10(-k) + 2;
    const struct scale_entry *g = &scale_table[k - SCALE_K_MIN];

    uint64_t vb = multiply_round_to_odd(g, cb << h);
    uint64_t vbl = multiply_round_to_odd(g, cbl << h);
    uint64_t vbr = multiply_round_to_odd(g, cbr << h);

    /* One digit fewer: the multiples of 10 around s. */
    uint64_t s = vb >> 2;
    uint64_t sp10 = s / 10 * 10;
    uint64_t tp10 = sp10 + 10;
    bool sp10_in = vbl + out <= sp10 << 2;
    bool tp10_in = (tp10 << 2) + out <= vbr;
    if (sp10_in != tp10_in) {
        struct decimal result = {sp10_in ? sp10 : tp10, k};
        return result;
    }

    /* Full length: s or s + 1, the one inside, or the closer one (the even one on a tie). */
    uint64_t t = s + 1;
    bool s_in = vbl + out <= s << 2;
    bool t_in = (t << 2) + out <= vbr;
    struct decimal result = {0, k};
    if (s_in != t_in) {
        result.digits = s_in ? s : t;
    } else {
        int64_t distance = (int64_t)(vb - ((s + t) << 1));
        result.digits = distance < 0 || (distance == 0 && (s & 1) == 0) ? s : t;
    }
    return result;
}

/* The shortest decimal of the finite positive double with the given fields. */
static struct decimal shortest_decimal(int biased_exponent, uint64_t fraction)
{
    uint64_t c;
    int q;
    if (biased_exponent == 0) {
        c = fraction;
        q = SUBNORMAL_EXPONENT;
    } else {
        c = fraction | UINT64_C(1) << SIGNIFICAND_BITS;
        q = biased_exponent - EXPONENT_BIAS;
    }

    /* An integer below 2^53 is its own shortest decimal: the gap between doubles there is at most
     * 1, so no other integer, and no decimal with fewer digits, rounds to it. */
    if (q <= 0 && q > -SIGNIFICAND_BITS - 1 && (c & ((UINT64_C(1) << -q) - 1)) == 0) {
        struct decimal result = {c >> -q, 0};
        return result;
    }
    return schubfach(c, q, fraction == 0 && biased_exponent > 1);
}

/* Move the trailing zeros of digits into the exponent, 8, 4, 2 and 1 at a time. */
static struct decimal remove_trailing_zeros(struct decimal number)
{
    if (number.digits % 10 != 0)
        return number;
    while (number.digits % 100000000 == 0) {
        number.digits /= 100000000;
        number.exponent += 8;
    }
    if (number.digits % 10000 == 0) {
        number.digits /= 10000;
        number.exponent += 4;
    }
    if (number.digits % 100 == 0) {
        number.digits /= 100;
        number.exponent += 2;
    }
    if (number.digits % 10 == 0) {
        number.digits /= 10;
        number.exponent += 1;
    }
    return number;
}

static const char digit_pairs[] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

/* Write value < 10^8 as exactly 8 digits, leading zeros included. */
static void write_eight_digits(char *at, uint32_t value)
{
    uint32_t high = value / 10000, low = value % 10000;
    memcpy(at, digit_pairs + 2 * (high / 100), 2);
    memcpy(at + 2, digit_pairs + 2 * (high % 100), 2);
    memcpy(at + 4, digit_pairs + 2 * (low / 100), 2);
    memcpy(at + 6, digit_pairs + 2 * (low % 100), 2);
}

/* Write the digits of value so that they end just before end. */
static void write_digits_backward(char *end, uint64_t value)
{
    while (value >= 100000000) {
        write_eight_digits(end - 8, (uint32_t)(value % 100000000));
        value /= 100000000;
        end -= 8;
    }
    uint32_t rest = (uint32_t)value;
    while (rest >= 100) {
        end -= 2;
        memcpy(end, digit_pairs + 2 * (rest % 100), 2);
        rest /= 100;
    }
    if (rest >= 10)
        memcpy(end - 2, digit_pairs + 2 * rest, 2);
    else
        end[-1] = (char)('0' + rest);
}

static const uint64_t powers_of_ten[DIGITS_MAX + 1] = {
    1u, 10u, 100u, 1000u, 10000u, 100000u, 1000000u, 10000000u, 100000000u, 1000000000u, 10000000000u,
    100000000000u, 1000000000000u, 10000000000000u, 100000000000000u, 1000000000000000u, 10000000000000000u,
    100000000000000000u,
};

/* Decimal digits of 0 < value < 10^17. */
static int count_digits(uint64_t value)
{
    /* 1233 / 4096 is just above log10(2): the estimate is the count or one less. */
    int bits = 64 - count_leading_zeros_64(value);
    int estimate = (bits * 1233) >> 12;
    return estimate + (value >= powers_of_ten[estimate]);
}

static char *write_exponent(char *at, int exponent)
{
    *at++ = 'e';
    *at++ = exponent < 0 ? '-' : '+';
    unsigned magnitude = (unsigned)(exponent < 0 ? -exponent : exponent);
    if (magnitude >= 100) {
        *at++ = (char)('0' + magnitude / 100);
        magnitude %= 100;
    }
    memcpy(at, digit_pairs + 2 * magnitude, 2);
    return at + 2;
}

/* Lay out a decimal whose digits have no trailing zero at at, and return the end. */
static char *write_decimal(char *at, struct decimal number)
{
    int count = count_digits(number.digits);
    int point = number.exponent + count - 1;   /* decimal exponent of the first digit */

    if (point < PLAIN_EXPONENT_MIN || point > PLAIN_EXPONENT_MAX) {
        /* Written one place to the right, then the first digit moves left over the point. */
        write_digits_backward(at + 1 + count, number.digits);
        at[0] = at[1];
        at[1] = '.';
        at += count > 1 ? count + 1 : 1;
        return write_exponent(at, point);
    }
    if (point < 0) {
        memcpy(at, "0.000", 5);
        at += 1 - point;
        write_digits_backward(at + count, number.digits);
        return at + count;
    }
    if (point >= count - 1) {
        memset(at, '0', PLAIN_EXPONENT_MAX + 1);
        write_digits_backward(at + count, number.digits);
        return at + point + 1;
    }
    write_digits_backward(at + 1 + count, number.digits);
    for (int i = 0; i <= point; i++)
        at[i] = at[i + 1];
    at[point + 1] = '.';
    return at + count + 1;
}

static size_t write_text(char *buffer, const char *text)
{
    size_t length = strlen(text);
    memcpy(buffer, text, length + 1);
    return length;
}

size_t format_double(char *buffer, double value)
{
    uint64_t bits;
    memcpy(&bits, &value, sizeof bits);
    bool negative = bits >> 63;
    int biased_exponent = (int)(bits >> SIGNIFICAND_BITS) & 0x7FF;
    uint64_t fraction = bits & ((UINT64_C(1) << SIGNIFICAND_BITS) - 1);

    if (biased_exponent == 0x7FF) {
        if (fraction != 0)
            return write_text(buffer, "nan");
        return write_text(buffer, negative ? "-inf" : "inf");
    }

    char *at = buffer;
    if (negative)
        *at++ = '-';
    if (biased_exponent == 0 && fraction == 0) {
        *at++ = '0';
    } else {
        at = write_decimal(at, remove_trailing_zeros(shortest_decimal(biased_exponent, fraction)));
    }
    *at = '\0';
    return (size_t)(at - buffer);
}
