#include "levyscore/parse_double.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pow5_table.h"
#include "wide_arithmetic.h"

/*
 * Three steps, each taken only when the one before cannot decide:
 *   1. Clinger's fast path: a mantissa below 2^53 times or divided by an exact power of ten
 *      up to 10^22 is one correctly rounded IEEE operation.
 *   2. Eisel-Lemire (Daniel Lemire, "Number Parsing at a Gigabyte per Second", 2021): the
 *      mantissa times a 128-bit power of five from pow5_table.h, with exact integer arithmetic.
 *   3. strtod on a rewritten copy that contains only digits and an exponent, for the cases step 2
 *      cannot decide: a product too close to a halfway point, subnormal results, and more than
 *      19 significant digits whose truncation changes the result.
 * The text is parsed by hand and never through the locale. strtod in step 3 follows
 * LC_NUMERIC, but the copy it reads has no decimal point, so the locale cannot change its
 * result (and levyscore never calls setlocale anyway).
 */

/* Digits that always fit in uint64_t: 10^19 - 1 < 2^64 - 1. */
#define MANTISSA_DIGITS_MAX 19

/* Explicit exponents saturate here. A number whose exponent reaches it is zero or infinite
 * unless it also has more than about 10^15 digits, which no input in memory has. */
#define EXPONENT_LIMIT INT64_C(1000000000000000)

/*
 * Significant digits kept for strtod. The exact midpoint between two adjacent doubles has at
 * most 767 significant digits. So a number cut after 800 digits, with a nonzero digit appended
 * when the cut dropped one, lies on the same side of every midpoint as the full number.
 */
#define STRTOD_DIGITS_MAX 800

/* A decimal number mantissa * 10^exponent, checked against the grammar. */
struct decimal {
    uint64_t mantissa;   /* the first 19 significant digits at most */
    int64_t exponent;
    bool negative;
    bool truncated;      /* nonzero digits followed the ones in mantissa */
};

/* The digit runs of a number that matched the grammar, for the slow paths to read again. */
struct digit_runs {
    const char *integer;
    size_t integer_count;
    const char *fraction;
    size_t fraction_count;
    int64_t explicit_exponent;
};

static bool is_digit(char c)
{
    return (unsigned char)(c - '0') < 10;
}

static char lower_ascii(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* Whether [at, end) starts with word, compared without case; word is lower case. */
static bool starts_with_word(const char *at, const char *end, const char *word)
{
    size_t length = strlen(word);
    if ((size_t)(end - at) < length)
        return false;
    for (size_t i = 0; i < length; i++) {
        if (lower_ascii(at[i]) != word[i])
            return false;
    }
    return true;
}

/*
 * Read 8 digits at once into *value and return true, when [at, at + 8) contains only digits.
 * A byte c is a digit when both c and c + 6 have 3 as the high nibble. The digits then combine
 * as pairs, quads and the whole 8 with three multiplications. Little-endian machines only.
 */
static inline bool read_eight_digits(const char *at, uint64_t *value)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    uint64_t chunk;
    memcpy(&chunk, at, sizeof chunk);
    uint64_t high_nibbles = (chunk & UINT64_C(0xF0F0F0F0F0F0F0F0)) |
                            (((chunk + UINT64_C(0x0606060606060606)) & UINT64_C(0xF0F0F0F0F0F0F0F0)) >> 4);
    if (high_nibbles != UINT64_C(0x3333333333333333))
        return false;

    chunk -= UINT64_C(0x3030303030303030);
    /* Byte 2i is now 10 * (digit 2i) + digit 2i+1, where digit 0 is the lowest byte. */
    chunk = chunk * 10 + (chunk >> 8);
    uint64_t pairs_0_2 = chunk & UINT64_C(0x000000FF000000FF);
    uint64_t pairs_1_3 = (chunk >> 16) & UINT64_C(0x000000FF000000FF);
    /* Bits 32..63 of the sum: pair0 * 10^6 + pair1 * 10^4 + pair2 * 10^2 + pair3. */
    *value = (pairs_0_2 * (100 + (UINT64_C(1000000) << 32)) + pairs_1_3 * (1 + (UINT64_C(10000) << 32))) >> 32;
    return true;
#else
    (void)at;
    (void)value;
    return false;
#endif
}

/* Accumulate the run of digits at at into *mantissa, wrapping past 19 digits; returns its end. */
static inline const char *read_digits(const char *at, const char *end, uint64_t *mantissa)
{
    uint64_t value = *mantissa, eight;
    while (end - at >= 8 && read_eight_digits(at, &eight)) {
        value = value * 100000000 + eight;
        at += 8;
    }
    while (at < end && is_digit(*at))
        value = value * 10 + (uint64_t)(*at++ - '0');
    *mantissa = value;
    return at;
}

/*
 * Parse inf, infinity and nan, with nan(chars) where chars are letters, digits and '_', in any
 * case, as strtod reads them. The payload of nan(chars) is accepted but not decoded: the result
 * is the default quiet NaN with the given sign.
 */
static bool parse_special(const char *at, const char *end, bool negative, double *value)
{
    double result;
    if (starts_with_word(at, end, "infinity") && end - at == 8) {
        result = INFINITY;
    } else if (starts_with_word(at, end, "inf") && end - at == 3) {
        result = INFINITY;
    } else if (starts_with_word(at, end, "nan")) {
        at += 3;
        if (at < end) {
            if (*at != '(' || end[-1] != ')')
                return false;
            for (const char *c = at + 1; c < end - 1; c++) {
                if (!is_digit(*c) && !(lower_ascii(*c) >= 'a' && lower_ascii(*c) <= 'z') && *c != '_')
                    return false;
            }
        }
        result = NAN;
    } else {
        return false;
    }
    *value = negative ? -result : result;
    return true;
}

/* Parse the signed exponent after 'e'. It needs at least one digit, and digits must end the text. */
static bool parse_exponent(const char *at, const char *end, int64_t *exponent)
{
    bool negative = false;
    if (at < end && (*at == '+' || *at == '-')) {
        negative = *at == '-';
        at++;
    }
    if (at == end)
        return false;

    int64_t magnitude = 0;
    for (; at < end; at++) {
        if (!is_digit(*at))
            return false;
        if (magnitude < EXPONENT_LIMIT)
            magnitude = magnitude * 10 + (*at - '0');
    }
    *exponent = negative ? -magnitude : magnitude;
    return true;
}

/* The significant digits of a number, from its first nonzero digit, up to a limit. */
struct significant_digits {
    uint64_t mantissa;   /* the first 19 of them as an integer */
    size_t count;        /* digits stored, at most the limit */
    int64_t exponent;    /* the number is (stored digits) * 10^exponent plus what the limit cut */
    bool truncated;      /* the limit cut a nonzero digit */
};

static void collect_digit(struct significant_digits *out, char digit, char *digits, size_t limit,
                          bool in_fraction)
{
    if (out->count == 0 && digit == '0') {
        out->exponent -= in_fraction;
        return;
    }
    if (out->count < limit) {
        if (digits)
            digits[out->count] = digit;
        if (out->count < MANTISSA_DIGITS_MAX)
            out->mantissa = out->mantissa * 10 + (uint64_t)(digit - '0');
        out->count++;
        out->exponent -= in_fraction;
        return;
    }
    out->exponent += !in_fraction;
    out->truncated |= digit != '0';
}

/* Collect the significant digits of runs, storing up to limit of them as characters in digits
 * unless digits is NULL. */
static struct significant_digits collect_significant(const struct digit_runs *runs, char *digits, size_t limit)
{
    struct significant_digits out = {0, 0, runs->explicit_exponent, false};
    for (size_t i = 0; i < runs->integer_count; i++)
        collect_digit(&out, runs->integer[i], digits, limit, false);
    for (size_t i = 0; i < runs->fraction_count; i++)
        collect_digit(&out, runs->fraction[i], digits, limit, true);
    return out;
}

/* The first 19 significant digits of runs and their exponent, for texts with more digits. */
static struct decimal long_decimal(const struct digit_runs *runs, bool negative)
{
    struct significant_digits digits = collect_significant(runs, NULL, MANTISSA_DIGITS_MAX);
    struct decimal result = {digits.mantissa, digits.exponent, negative, digits.truncated};
    return result;
}

/* Write "e" and the exponent, NUL-terminated, at at (at most 22 bytes). */
static void write_exponent(char *at, int64_t exponent)
{
    *at++ = 'e';
    uint64_t magnitude = (uint64_t)exponent;
    if (exponent < 0) {
        *at++ = '-';
        magnitude = -magnitude;
    }
    char reversed[20];
    int count = 0;
    do {
        reversed[count++] = (char)('0' + magnitude % 10);
        magnitude /= 10;
    } while (magnitude != 0);
    while (count > 0)
        *at++ = reversed[--count];
    *at = '\0';
}

/* Parse runs with strtod, through a copy of at most 800 significant digits and an exponent. */
static double parse_with_strtod(const struct digit_runs *runs, bool negative)
{
    char text[1 + STRTOD_DIGITS_MAX + 1 + 2 + 24];
    char *at = text;
    if (negative)
        *at++ = '-';
    struct significant_digits digits = collect_significant(runs, at, STRTOD_DIGITS_MAX);
    if (digits.count == 0)
        return negative ? -0.0 : 0.0;
    at += digits.count;
    int64_t exponent = digits.exponent;
    if (digits.truncated) {
        *at++ = '1';
        exponent--;
    }
    write_exponent(at, exponent);

    /* strtod reports overflow and underflow in errno; parse_double keeps errno as it was. */
    int saved_errno = errno;
    double value = strtod(text, NULL);
    errno = saved_errno;
    return value;
}

/* Powers of ten that are exact doubles: 10^k = 5^k * 2^k, and 5^k < 2^53 up to k = 22. */
static const double exact_powers_of_ten[] = {
    1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

/*
 * Clinger's fast path: mantissa and 10^|exponent| are exact doubles, so one multiplication or
 * division rounds once, correctly. Needs double arithmetic in double precision
 * (FLT_EVAL_METHOD 0, as on x86-64 and AArch64) and the default rounding mode.
 */
static bool clinger_fast_path(uint64_t mantissa, int64_t exponent, double *value)
{
#if FLT_EVAL_METHOD == 0
    if (mantissa > (UINT64_C(1) << 53) || exponent < -22 || exponent > 22)
        return false;
    double m = (double)mantissa;
    *value = exponent >= 0 ? m * exact_powers_of_ten[exponent] : m / exact_powers_of_ten[-exponent];
    return true;
#else
    (void)mantissa;
    (void)exponent;
    (void)value;
    return false;
#endif
}

/*
 * Eisel-Lemire: the double nearest to mantissa * 10^exponent, as IEEE bits without the sign, for
 * 1 <= mantissa < 2^64 and exponent in the table's range. Returns false when the product is too
 * close to a halfway point to decide, or when the result is subnormal; strtod decides those.
 *
 * With W = mantissa << l in [2^63, 2^64) and T the pow5_table entry, the value is about
 * W * T * 2^(exponent + floor(log2(5^exponent)) - 127 - l). C below is floor(W * T / 2^64), the
 * top 128 bits of the 192-bit product, computed exactly. Let E be W times the exact 5^exponent in
 * the scale of T. Then E / 2^64 lies in [C, C + 2) for exponents above 55 (T truncated), in
 * [C, C + 1) for exponents 0 to 55 (T exact), and in (C - 1, C + 1) for negative exponents
 * (T rounded up). The top 54 bits of C are the 53-bit significand and the rounding bit. Only a
 * halfway point between two doubles changes the rounding, so the result is undecided only when
 * E may lie on the other side of one.
 */
static bool eisel_lemire(uint64_t mantissa, int exponent, uint64_t *bits)
{
    int leading_zeros = count_leading_zeros_64(mantissa);
    uint64_t normalized = mantissa << leading_zeros;
    const struct pow5_entry *power = &pow5_table[exponent - POW5_Q_MIN];

    struct uint128 product = multiply_64x64(normalized, power->high);
    uint64_t carry_in = multiply_high_64(normalized, power->low);
    product.low += carry_in;
    product.high += product.low < carry_in;

    /* The product lies in [2^126, 2^128): keep 54 bits below its top bit. */
    int upper_bit = (int)(product.high >> 63);
    int tail_bits = 9 + upper_bit;
    uint64_t significand = product.high >> tail_bits;
    uint64_t tail_mask = (UINT64_C(1) << tail_bits) - 1;
    uint64_t tail_high = product.high & tail_mask;
    bool round_bit = significand & 1;
    bool tail_zero = tail_high == 0 && product.low == 0;
    bool tail_full = tail_high == tail_mask && product.low == UINT64_MAX;

    bool halfway = false;
    if (exponent < 0) {
        /* E may be just below a halfway point that C sits exactly on (or on it, for exponents
         * down to -4, where exact ties exist). */
        if (round_bit && tail_zero)
            return false;
    } else if (exponent > 55) {
        /* E may reach the next halfway point; exact ties need exponent <= 23.
         * NOTE: no test input reaches this return; finding one needs a 19-digit decimal within
         * 2^-118 of a halfway point. */
        if (!round_bit && tail_full)
            return false;
    } else {
        /* T is exact. For exponents up to 27, T has no low word and E / 2^64 = C exactly, so a zero
         * tail under a set rounding bit is an exact tie; above 23 no tie exists. */
        halfway = exponent <= 23 && round_bit && tail_zero;
    }

    if (halfway)
        significand = (significand >> 1) + ((significand >> 1) & 1);
    else
        significand = (significand >> 1) + round_bit;

    int64_t log2_pow10 = shift_right_floor((int64_t)exponent * POW10_LOG2_MULTIPLIER, POW10_LOG2_SHIFT);
    int64_t biased_exponent = log2_pow10 + 1086 + upper_bit - leading_zeros;
    /* TODO: round subnormal results here; strtod takes them today, several times slower. */
    if (biased_exponent <= 0)
        return false;
    if (significand == UINT64_C(1) << 53) {
        significand >>= 1;
        biased_exponent++;
    }
    if (biased_exponent >= 0x7FF) {
        *bits = UINT64_C(0x7FF) << 52;
        return true;
    }
    *bits = (uint64_t)biased_exponent << 52 | (significand & ((UINT64_C(1) << 52) - 1));
    return true;
}

static double double_from_bits(uint64_t bits, bool negative)
{
    bits |= (uint64_t)negative << 63;
    double value;
    memcpy(&value, &bits, sizeof value);
    return value;
}

/* The double nearest to decimal, or false when strtod has to decide. */
static bool convert_decimal(const struct decimal *number, double *value)
{
    if (number->mantissa == 0) {
        *value = number->negative ? -0.0 : 0.0;
        return true;
    }
    if (number->exponent < POW5_Q_MIN) {
        /* Below 10^19 * 10^-343 < 2^-1075, half the smallest subnormal. */
        *value = number->negative ? -0.0 : 0.0;
        return true;
    }
    if (number->exponent > POW5_Q_MAX) {
        *value = number->negative ? -INFINITY : INFINITY;
        return true;
    }

    if (!number->truncated && clinger_fast_path(number->mantissa, number->exponent, value)) {
        if (number->negative)
            *value = -*value;
        return true;
    }

    uint64_t bits;
    if (!eisel_lemire(number->mantissa, (int)number->exponent, &bits))
        return false;
    if (number->truncated) {
        /* The number lies strictly between mantissa and mantissa + 1 (at most 10^19 < 2^64) times
         * 10^exponent; rounding is monotonic, so equal results bracket it. */
        uint64_t upper_bits;
        if (!eisel_lemire(number->mantissa + 1, (int)number->exponent, &upper_bits) || upper_bits != bits)
            return false;
    }
    *value = double_from_bits(bits, number->negative);
    return true;
}

/*
 * Check [at, end) against the decimal grammar and record its digit runs, accumulating all its
 * digits into *mantissa on the way (exact up to 19 digits, wrapped around past them).
 */
static bool scan_decimal(const char *at, const char *end, struct digit_runs *runs, uint64_t *mantissa)
{
    *mantissa = 0;
    runs->integer = at;
    at = read_digits(at, end, mantissa);
    runs->integer_count = (size_t)(at - runs->integer);

    runs->fraction = at;
    runs->fraction_count = 0;
    if (at < end && *at == '.') {
        runs->fraction = ++at;
        at = read_digits(at, end, mantissa);
        runs->fraction_count = (size_t)(at - runs->fraction);
    }
    if (runs->integer_count + runs->fraction_count == 0)
        return false;

    runs->explicit_exponent = 0;
    if (at == end)
        return true;
    if (*at != 'e' && *at != 'E')
        return false;
    return parse_exponent(at + 1, end, &runs->explicit_exponent);
}

/* Zeros before the first nonzero digit of runs, across the point. */
static size_t count_leading_zeros(const struct digit_runs *runs)
{
    size_t zeros = 0;
    while (zeros < runs->integer_count && runs->integer[zeros] == '0')
        zeros++;
    if (zeros < runs->integer_count)
        return zeros;
    size_t fraction_zeros = 0;
    while (fraction_zeros < runs->fraction_count && runs->fraction[fraction_zeros] == '0')
        fraction_zeros++;
    return zeros + fraction_zeros;
}

bool parse_double(const char *begin, const char *end, double *value)
{
    const char *at = begin;
    bool negative = false;
    if (at < end && (*at == '+' || *at == '-')) {
        negative = *at == '-';
        at++;
    }
    if (at == end)
        return false;
    if (!is_digit(*at) && *at != '.')
        return parse_special(at, end, negative, value);

    struct digit_runs runs;
    uint64_t mantissa;
    if (!scan_decimal(at, end, &runs, &mantissa))
        return false;

    /* Leading zeros add nothing to the mantissa, so it is exact for up to 19 digits after them.
     * Past that it wrapped around, and long_decimal reads the digits again. */
    struct decimal number = {mantissa, runs.explicit_exponent - (int64_t)runs.fraction_count, negative, false};
    size_t digits = runs.integer_count + runs.fraction_count;
    if (digits > MANTISSA_DIGITS_MAX && digits - count_leading_zeros(&runs) > MANTISSA_DIGITS_MAX)
        number = long_decimal(&runs, negative);

    if (!convert_decimal(&number, value))
        *value = parse_with_strtod(&runs, negative);
    return true;
}
