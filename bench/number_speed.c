/*
 * Time parse_double and format_double against the strtod and snprintf code they replaced, in
 * nanoseconds per number, on numbers shaped like embedding values: float32 values written with
 * "%.7g" and float64 values written as their shortest round-trip text (as Python's repr does).
 * Each figure is the fastest of 7 runs over the same numbers, because on a shared machine other
 * processes only ever add time. This is a benchmark, not a test: it asserts nothing about time.
 *
 * Build and run from the repository root (not part of the CMake build):
 *   cc -O3 -std=c11 -D_GNU_SOURCE -Iinclude bench/number_speed.c src/util/parse_double.c \
 *      src/util/format_double.c -lm -o number_speed && ./number_speed [count]
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "levyscore/format_double.h"
#include "levyscore/parse_double.h"

#define DEFAULT_COUNT 1000000
#define REPEATS 7
#define TEXT_WIDTH 40

struct sample {
    const char *name;
    char *texts;          /* count fields of TEXT_WIDTH bytes, NUL-terminated */
    size_t *lengths;
    double *values;
};

/* xorshift64*: a fixed seed makes every run time the same numbers. */
static uint64_t random_state = UINT64_C(0x9E3779B97F4A7C15);

static uint64_t next_random(void)
{
    random_state ^= random_state >> 12;
    random_state ^= random_state << 25;
    random_state ^= random_state >> 27;
    return random_state * UINT64_C(0x2545F4914F6CDD1D);
}

/* A standard normal deviate by Box-Muller; embedding coordinates look roughly like this. */
static double next_normal(void)
{
    double u = ((double)(next_random() >> 11) + 0.5) / 9007199254740992.0;
    double v = ((double)(next_random() >> 11) + 0.5) / 9007199254740992.0;
    return sqrt(-2 * log(u)) * cos(6.283185307179586 * v);
}

/* The parse_double this file measures against: strtod on a NUL-terminated copy. */
static int parse_with_copy(const char *begin, const char *end, double *value)
{
    char text[128];
    size_t length = (size_t)(end - begin);
    if (length == 0 || length >= sizeof text)
        return 0;
    memcpy(text, begin, length);
    text[length] = '\0';
    char *stop;
    double parsed = strtod(text, &stop);
    if (stop != text + length)
        return 0;
    *value = parsed;
    return 1;
}

/* The format_double this file measures against: the first of %.15g, %.16g, %.17g that reads back. */
static size_t format_with_snprintf(char *buffer, double value)
{
    int length = 0;
    for (int digits = 15; digits <= 17; digits++) {
        length = snprintf(buffer, FORMAT_DOUBLE_MAX + 1, "%.*g", digits, value);
        if (strtod(buffer, NULL) == value)
            break;
    }
    return (size_t)length;
}

static double seconds_now(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)now.tv_sec + (double)now.tv_nsec * 1e-9;
}

static double fastest(const double *times)
{
    double best = times[0];
    for (int r = 1; r < REPEATS; r++) {
        if (times[r] < best)
            best = times[r];
    }
    return best;
}

static void make_sample(struct sample *sample, const char *name, size_t count, int float32)
{
    sample->name = name;
    sample->texts = malloc(count * TEXT_WIDTH);
    sample->lengths = malloc(count * sizeof *sample->lengths);
    sample->values = malloc(count * sizeof *sample->values);
    if (!sample->texts || !sample->lengths || !sample->values) {
        fprintf(stderr, "number_speed: out of memory\n");
        exit(1);
    }
    for (size_t i = 0; i < count; i++) {
        char *text = sample->texts + i * TEXT_WIDTH;
        double value = next_normal() * 0.05;
        if (float32)
            snprintf(text, TEXT_WIDTH, "%.7g", (double)(float)value);
        else
            format_double(text, value);
        sample->lengths[i] = strlen(text);
        sample->values[i] = strtod(text, NULL);
    }
}

/* Each timing loop sums what it produced, so the compiler cannot drop the work. */
static double time_parse(const struct sample *sample, size_t count, int fast)
{
    double times[REPEATS];
    volatile double sink = 0;
    for (int r = 0; r < REPEATS; r++) {
        double sum = 0;
        double start = seconds_now();
        for (size_t i = 0; i < count; i++) {
            const char *text = sample->texts + i * TEXT_WIDTH;
            double value = 0;
            if (fast)
                parse_double(text, text + sample->lengths[i], &value);
            else
                parse_with_copy(text, text + sample->lengths[i], &value);
            sum += value;
        }
        times[r] = (seconds_now() - start) / (double)count * 1e9;
        sink += sum;
    }
    (void)sink;
    return fastest(times);
}

static double time_format(const struct sample *sample, size_t count, int fast)
{
    double times[REPEATS];
    volatile size_t sink = 0;
    char buffer[FORMAT_DOUBLE_MAX + 1];
    for (int r = 0; r < REPEATS; r++) {
        size_t total = 0;
        double start = seconds_now();
        for (size_t i = 0; i < count; i++)
            total += fast ? format_double(buffer, sample->values[i]) : format_with_snprintf(buffer, sample->values[i]);
        times[r] = (seconds_now() - start) / (double)count * 1e9;
        sink += total;
    }
    (void)sink;
    return fastest(times);
}

/* Check that both parsers agree on every text before timing them. */
static void check_sample(const struct sample *sample, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        const char *text = sample->texts + i * TEXT_WIDTH;
        double fast = 0, slow = 0;
        parse_double(text, text + sample->lengths[i], &fast);
        parse_with_copy(text, text + sample->lengths[i], &slow);
        if (memcmp(&fast, &slow, sizeof fast) != 0) {
            fprintf(stderr, "number_speed: parse_double(\"%s\") differs from strtod\n", text);
            exit(1);
        }
    }
}

int main(int argc, char **argv)
{
    size_t count = argc > 1 ? (size_t)strtoull(argv[1], NULL, 10) : DEFAULT_COUNT;
    if (count == 0) {
        fprintf(stderr, "usage: number_speed [count]\n");
        return 2;
    }

    struct sample samples[2];
    make_sample(&samples[0], "float32 %.7g", count, 1);
    make_sample(&samples[1], "float64 shortest", count, 0);

    printf("%zu numbers per sample, fastest of %d runs, ns per number\n", count, REPEATS);
    printf("%-18s %12s %12s %8s %14s %12s %8s\n", "sample", "parse strtod", "parse_double", "ratio",
           "format snprintf", "format_double", "ratio");
    for (int s = 0; s < 2; s++) {
        check_sample(&samples[s], count);
        double parse_old = time_parse(&samples[s], count, 0);
        double parse_new = time_parse(&samples[s], count, 1);
        double format_old = time_format(&samples[s], count, 0);
        double format_new = time_format(&samples[s], count, 1);
        printf("%-18s %12.1f %12.1f %7.1fx %14.1f %12.1f %7.1fx\n", samples[s].name, parse_old, parse_new,
               parse_old / parse_new, format_old, format_new, format_old / format_new);
    }
    return 0;
}
