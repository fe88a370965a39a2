/* Command-line parsing: argv to struct settings, with every value checked before any file is
 * opened. */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "levyscore/chi.h"
#include "levyscore/limits.h"
#include "levyscore/message.h"
#include "settings.h"

/* The --dim message quotes the limit as text. */
_Static_assert(ROW_WIDTH_MAX == 4194304, "update the --dim usage message");

/* Most worker threads --threads accepts. */
#define THREADS_MAX 256

#ifndef LEVYSCORE_VERSION
#define LEVYSCORE_VERSION "0.0.0"
#endif

/* Long options without a short form. */
enum {
    OPT_DOF = 256,
    OPT_SCALE,
    OPT_TO,
    OPT_NO_HEADER,
    OPT_IN_HEADER,
    OPT_NO_IN_HEADER,
    OPT_IN_FORMAT,
    OPT_DELIMITER,
    OPT_ID_COLUMN,
    OPT_COLUMNS,
    OPT_DIM,
    OPT_DTYPE,
    OPT_FIELD,
    OPT_ID_FIELD,
    OPT_KEEP,
    OPT_MIN_SCORE,
    OPT_PRINT_INDEX,
    OPT_INVERT,
    OPT_STRICT,
    OPT_FORCE,
    OPT_VERSION,
    OPT_THREADS,
    OPT_PROGRESS,
    OPT_NO_PROGRESS,
    OPT_PVALUE,
    OPT_MIN_PVALUE,
    OPT_BINS,
    OPT_BIN_WIDTH,
    OPT_JSON,
    OPT_SVG,
    OPT_CORRECT,
    OPT_LABELS,
    OPT_PREDICTIONS,
    OPT_BASELINE,
    OPT_CURVE,
};

static const struct option long_options[] = {
    {"output", required_argument, NULL, 'o'},
    {"verbose", no_argument, NULL, 'v'},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, OPT_VERSION},
    {"dof", required_argument, NULL, OPT_DOF},
    {"scale", required_argument, NULL, OPT_SCALE},
    {"to", required_argument, NULL, OPT_TO},
    {"no-header", no_argument, NULL, OPT_NO_HEADER},
    {"header", no_argument, NULL, OPT_IN_HEADER},
    {"in-header", no_argument, NULL, OPT_IN_HEADER},
    {"no-in-header", no_argument, NULL, OPT_NO_IN_HEADER},
    {"in-format", required_argument, NULL, OPT_IN_FORMAT},
    {"delimiter", required_argument, NULL, OPT_DELIMITER},
    {"id-column", required_argument, NULL, OPT_ID_COLUMN},
    {"columns", required_argument, NULL, OPT_COLUMNS},
    {"dim", required_argument, NULL, OPT_DIM},
    {"dtype", required_argument, NULL, OPT_DTYPE},
    {"field", required_argument, NULL, OPT_FIELD},
    {"id-field", required_argument, NULL, OPT_ID_FIELD},
    {"keep", required_argument, NULL, OPT_KEEP},
    {"min-score", required_argument, NULL, OPT_MIN_SCORE},
    {"print-index", no_argument, NULL, OPT_PRINT_INDEX},
    {"invert", no_argument, NULL, OPT_INVERT},
    {"strict", no_argument, NULL, OPT_STRICT},
    {"force", no_argument, NULL, OPT_FORCE},
    {"threads", required_argument, NULL, OPT_THREADS},
    {"progress", no_argument, NULL, OPT_PROGRESS},
    {"no-progress", no_argument, NULL, OPT_NO_PROGRESS},
    {"pvalue", no_argument, NULL, OPT_PVALUE},
    {"min-pvalue", required_argument, NULL, OPT_MIN_PVALUE},
    {"bins", required_argument, NULL, OPT_BINS},
    {"bin-width", required_argument, NULL, OPT_BIN_WIDTH},
    {"json", no_argument, NULL, OPT_JSON},
    {"svg", required_argument, NULL, OPT_SVG},
    {"correct", required_argument, NULL, OPT_CORRECT},
    {"labels", required_argument, NULL, OPT_LABELS},
    {"predictions", required_argument, NULL, OPT_PREDICTIONS},
    {"baseline", required_argument, NULL, OPT_BASELINE},
    {"curve", required_argument, NULL, OPT_CURVE},
    {NULL, 0, NULL, 0},
};

static const char *const COMMAND_NAMES[] = {
    [COMMAND_SCORE] = "score",
    [COMMAND_FILTER] = "filter",
    [COMMAND_THRESHOLD] = "threshold",
    [COMMAND_STATS] = "stats",
    [COMMAND_EVAL] = "eval",
};

static const char *command_name(const struct settings *settings)
{
    return COMMAND_NAMES[settings->command];
}

/* Report a usage error and point at the help; returns EXIT_USAGE. */
static int usage_error(const struct settings *settings, const char *format, const char *option, const char *value)
{
    char text[512];
    snprintf(text, sizeof text, format, option, value);
    message_error(NULL, "%s", text);
    if (settings)
        message_note(NULL, "try 'levyscore %s --help'", command_name(settings));
    else
        message_note(NULL, "try 'levyscore --help'");
    return EXIT_USAGE;
}

static bool parse_unsigned(const char *text, uint64_t max, uint64_t *value)
{
    if (*text < '0' || *text > '9')
        return false;
    errno = 0;
    char *end;
    unsigned long long parsed = strtoull(text, &end, 10);
    if (errno || *end || parsed > max)
        return false;
    *value = parsed;
    return true;
}

static bool parse_double(const char *text, double *value)
{
    char *end;
    errno = 0;
    *value = strtod(text, &end);
    return end != text && *end == '\0' && errno != ERANGE;
}

/* A number from 0 to 1; unlike parse_double, a value below DBL_MIN is accepted (filter then
 * compares log p-values). */
static bool parse_probability(const char *text, double *value)
{
    char *end;
    *value = strtod(text, &end);
    return end != text && *end == '\0' && *value >= 0 && *value <= 1;
}

static bool parse_format(const char *text, enum input_format *format)
{
    static const struct {
        const char *name;
        enum input_format format;
    } names[] = {{"npy", FORMAT_NPY}, {"csv", FORMAT_CSV}, {"tsv", FORMAT_TSV}, {"raw", FORMAT_RAW}, {"jsonl", FORMAT_JSONL}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(text, names[i].name) == 0) {
            *format = names[i].format;
            return true;
        }
    return false;
}

static bool parse_score_format(const char *text, enum score_format *format)
{
    if (strcmp(text, "tsv") == 0)
        *format = SCORE_TSV;
    else if (strcmp(text, "csv") == 0)
        *format = SCORE_CSV;
    else if (strcmp(text, "jsonl") == 0)
        *format = SCORE_JSONL;
    else if (strcmp(text, "npy") == 0)
        *format = SCORE_NPY;
    else
        return false;
    return true;
}

static bool parse_dtype(const char *text, enum dtype *dtype)
{
    if (strcmp(text, "f2") == 0 || strcmp(text, "float16") == 0)
        *dtype = DTYPE_F16;
    else if (strcmp(text, "f4") == 0 || strcmp(text, "float32") == 0)
        *dtype = DTYPE_F32;
    else if (strcmp(text, "f8") == 0 || strcmp(text, "float64") == 0)
        *dtype = DTYPE_F64;
    else
        return false;
    return true;
}

static bool parse_delimiter(const char *text, char *delimiter)
{
    if (strcmp(text, "\\t") == 0 || strcmp(text, "tab") == 0)
        *delimiter = '\t';
    else if (strlen(text) == 1 && text[0] != '"' && text[0] != '\n' && text[0] != '\r')
        *delimiter = text[0];
    else
        return false;
    return true;
}

/*
 * Natural log of a non-negative decimal such as "1e-400" or "0.05", taken from its digits and
 * exponent, so that it stays finite where the value itself underflows to 0; -inf for zero.
 */
static double decimal_log(const char *text)
{
    char digits[18];
    int count = 0;
    long exponent = 0;
    bool after_point = false, significant = false;
    const char *at = text + (*text == '+');
    for (; *at; at++) {
        if (*at == '.' && !after_point) {
            after_point = true;
            continue;
        }
        if (!isdigit((unsigned char)*at))
            break;
        if (!significant && *at == '0') {
            exponent -= after_point;
            continue;
        }
        significant = true;
        if (count < 17) {
            digits[count++] = *at;
            exponent -= after_point;
        } else if (!after_point) {
            exponent++;
        }
    }
    if (*at == 'e' || *at == 'E')
        exponent += strtol(at + 1, NULL, 10);
    if (!significant)
        return -INFINITY;
    digits[count] = '\0';
    return log(strtod(digits, NULL)) + (double)exponent * 2.302585092994045684;
}

/* True for a list of 1-based columns and ranges such as "2-385", "1,3,5-9" or "2-" (to the last
 * column); the reader checks the columns against the file. */
static bool columns_list_valid(const char *text)
{
    const char *at = text;
    for (;;) {
        char *end;
        if (!isdigit((unsigned char)*at))
            return false;
        unsigned long long first = strtoull(at, &end, 10);
        at = end;
        if (first == 0)
            return false;
        if (*at == '-') {
            at++;
            if (isdigit((unsigned char)*at)) {
                unsigned long long last = strtoull(at, &end, 10);
                at = end;
                if (last < first)
                    return false;
            }
        }
        if (*at == '\0')
            return true;
        if (*at++ != ',')
            return false;
    }
}

/* Score output format from the extension of the -o file name, TSV for any other name. */
static enum score_format score_format_for(const char *path)
{
    enum score_format format = SCORE_TSV;
    const char *dot = path ? strrchr(path, '.') : NULL;
    if (!dot || strchr(dot, '/'))
        return format;
    char extension[8];
    if (strlen(dot + 1) >= sizeof extension)
        return format;
    snprintf(extension, sizeof extension, "%s", dot + 1);
    for (char *c = extension; *c; c++)
        *c = (char)tolower((unsigned char)*c);
    if (strcmp(extension, "ndjson") == 0)
        return SCORE_JSONL;
    parse_score_format(extension, &format);
    return format;
}

/* Apply one option; returns EXIT_OK or EXIT_USAGE. */
static int apply_option(struct settings *settings, int option, const char *name, const char *value, bool *to_set)
{
    uint64_t number;
    switch (option) {
    case 'o':
        if (*value == '\0')
            return usage_error(settings, "option -o: empty file name%s%s; give a file, or - for stdout", "", "");
        settings->output_path = value;
        break;
    case 'v':
        settings->verbose = true;
        break;
    case OPT_DOF:
        if (!parse_unsigned(value, CHI_DOF_MAX, &number) || number == 0)
            return usage_error(settings, "option --%s: '%s' is not a whole number from 1 to 2^53", name, value);
        settings->score.dof = number;
        break;
    case OPT_SCALE:
        if (!parse_double(value, &settings->score.scale) || !(settings->score.scale > 0) ||
            !isfinite(settings->score.scale))
            return usage_error(settings, "option --%s: '%s' is not a positive finite number", name, value);
        break;
    case OPT_TO:
        if (!parse_score_format(value, &settings->to))
            return usage_error(settings, "option --%s: '%s' is not one of tsv, csv, jsonl, npy", name, value);
        *to_set = true;
        break;
    case OPT_NO_HEADER:
        if (settings->command == COMMAND_SCORE)
            settings->output_header = false;
        else
            settings->reader.header = 0;
        break;
    case OPT_IN_HEADER:
        settings->reader.header = 1;
        break;
    case OPT_NO_IN_HEADER:
        settings->reader.header = 0;
        break;
    case OPT_IN_FORMAT:
        if (!parse_format(value, &settings->reader.format))
            return usage_error(settings, "option --%s: '%s' is not one of npy, csv, tsv, raw, jsonl", name, value);
        break;
    case OPT_DELIMITER:
        if (!parse_delimiter(value, &settings->reader.delimiter))
            return usage_error(settings, "option --%s: '%s' is not a single character (or \\t)", name, value);
        break;
    case OPT_ID_COLUMN:
        settings->reader.id_column = value;
        break;
    case OPT_COLUMNS:
        if (!columns_list_valid(value))
            return usage_error(settings, "option --%s: '%s' is not a list of 1-based columns and ranges such as 2-385",
                               name, value);
        settings->reader.columns = value;
        break;
    case OPT_DIM:
        if (!parse_unsigned(value, ROW_WIDTH_MAX, &number) || number == 0)
            return usage_error(settings, "option --%s: '%s' is not a whole number from 1 to 4194304", name, value);
        settings->reader.raw_width = (size_t)number;
        break;
    case OPT_DTYPE:
        if (!parse_dtype(value, &settings->reader.raw_dtype))
            return usage_error(settings, "option --%s: '%s' is not one of f2, f4, f8", name, value);
        break;
    case OPT_FIELD:
        settings->reader.field = value;
        break;
    case OPT_ID_FIELD:
        settings->reader.id_field = value;
        break;
    case OPT_KEEP:
        if (!keep_fraction_parse(value, &settings->keep))
            return usage_error(settings, "option --%s: '%s' is not a fraction greater than 0 and at most 1", name, value);
        settings->have_keep = true;
        settings->keep_text = value;
        break;
    case OPT_MIN_SCORE:
        if (!parse_double(value, &settings->min_score) || isnan(settings->min_score))
            return usage_error(settings, "option --%s: '%s' is not a number", name, value);
        settings->have_min_score = true;
        break;
    case OPT_PRINT_INDEX:
        settings->print_index = true;
        break;
    case OPT_INVERT:
        settings->invert = true;
        break;
    case OPT_STRICT:
        settings->strict = true;
        break;
    case OPT_FORCE:
        settings->force = true;
        break;
    case OPT_THREADS:
        if (!parse_unsigned(value, THREADS_MAX, &number) || number == 0)
            return usage_error(settings, "option --%s: '%s' is not a whole number from 1 to 256", name, value);
        settings->threads = (int)number;
        break;
    case OPT_PROGRESS:
        settings->progress = 1;
        break;
    case OPT_NO_PROGRESS:
        settings->progress = 0;
        break;
    case OPT_PVALUE:
        settings->pvalue = true;
        break;
    case OPT_MIN_PVALUE:
        if (!parse_probability(value, &settings->min_pvalue))
            return usage_error(settings, "option --%s: '%s' is not a probability from 0 to 1", name, value);
        settings->min_log_pvalue = decimal_log(value);
        settings->have_min_pvalue = true;
        break;
    case OPT_BINS:
        if (!parse_unsigned(value, 100000, &number) || number == 0)
            return usage_error(settings, "option --%s: '%s' is not a whole number from 1 to 100000", name, value);
        settings->bins = (unsigned)number;
        break;
    case OPT_BIN_WIDTH:
        if (!parse_double(value, &settings->bin_width) || !(settings->bin_width > 0) || !isfinite(settings->bin_width))
            return usage_error(settings, "option --%s: '%s' is not a positive finite number", name, value);
        break;
    case OPT_JSON:
        settings->json = true;
        break;
    case OPT_SVG:
        settings->svg_path = value;
        break;
    case OPT_CORRECT:
        settings->correct_path = value;
        break;
    case OPT_LABELS:
        settings->labels_path = value;
        break;
    case OPT_PREDICTIONS:
        settings->predictions_path = value;
        break;
    case OPT_BASELINE:
        if (settings->baseline_count == (int)(sizeof settings->baseline_paths / sizeof settings->baseline_paths[0]))
            return usage_error(settings, "option --%s: more than 16 baselines%s", name, "");
        settings->baseline_paths[settings->baseline_count++] = value;
        break;
    case OPT_CURVE:
        settings->curve_path = value;
        break;
    default:
        return EXIT_USAGE;
    }
    return EXIT_OK;
}

/* True when the command takes the option; options not listed here are common to all commands. */
static bool option_allowed(const struct settings *settings, int option)
{
    enum command command = settings->command;
    switch (option) {
    case OPT_TO:
    case OPT_PVALUE:
        return command == COMMAND_SCORE;
    case OPT_MIN_SCORE:
    case OPT_MIN_PVALUE:
    case OPT_PRINT_INDEX:
    case OPT_INVERT:
        return command == COMMAND_FILTER;
    case OPT_KEEP:
        return command == COMMAND_FILTER || command == COMMAND_THRESHOLD;
    case OPT_BINS:
    case OPT_BIN_WIDTH:
        return command == COMMAND_STATS;
    case OPT_JSON:
    case OPT_SVG:
        return command == COMMAND_STATS || command == COMMAND_EVAL;
    case OPT_CORRECT:
    case OPT_LABELS:
    case OPT_PREDICTIONS:
        /* stats splits its norm plot by correctness when given labels. */
        return command == COMMAND_STATS || command == COMMAND_EVAL;
    case OPT_BASELINE:
    case OPT_CURVE:
        return command == COMMAND_EVAL;
    default:
        return true;
    }
}

static int check_combinations(struct settings *settings)
{
    if (settings->command == COMMAND_FILTER) {
        int cuts = settings->have_keep + settings->have_min_score + settings->have_min_pvalue;
        if (cuts != 1)
            return usage_error(settings, "%s%sfilter needs exactly one of --keep, --min-score and --min-pvalue", "", "");
    }
    if (settings->command == COMMAND_THRESHOLD && !settings->have_keep)
        return usage_error(settings, "%s%sthreshold needs --keep F", "", "");
    if (settings->command != COMMAND_THRESHOLD && settings->input_count > 1)
        return usage_error(settings, "unexpected argument '%s'%s: give one input file", settings->input_paths[1], "");
    if (settings->reader.format == FORMAT_RAW && settings->reader.raw_width == 0)
        return usage_error(settings, "%s%s--in-format raw needs --dim K (values per row)", "", "");
    return EXIT_OK;
}

int settings_parse(int argc, char **argv, struct settings *settings)
{
    *settings = (struct settings){
        .score = {.dof = 0, .scale = 1.0},
        .output_header = true,
        .reader = {.header = -1, .raw_dtype = DTYPE_F32},
        .progress = -1,
    };

    if (argc < 2)
        return usage_error(NULL, "%s%smissing command: score, filter, threshold, stats or eval", "", "");
    const char *command = argv[1];
    if (strcmp(command, "--help") == 0 || strcmp(command, "-h") == 0 || strcmp(command, "help") == 0) {
        usage_print(argc > 2 && strcmp(command, "help") == 0 ? argv[2] : NULL);
        return SETTINGS_DONE;
    }
    if (strcmp(command, "--version") == 0) {
        printf("levyscore %s\n", LEVYSCORE_VERSION);
        return SETTINGS_DONE;
    }
    bool known = false;
    for (size_t i = 0; i < sizeof COMMAND_NAMES / sizeof COMMAND_NAMES[0]; i++)
        if (strcmp(command, COMMAND_NAMES[i]) == 0) {
            settings->command = (enum command)i;
            known = true;
        }
    if (!known)
        return usage_error(NULL, "unknown command '%s'%s (expected score, filter, threshold, stats or eval)", command,
                           "");

    bool to_set = false;
    opterr = 0;
    optind = 2;
    for (;;) {
        int index = -1;
        int option = getopt_long(argc, argv, ":o:vh", long_options, &index);
        if (option == -1)
            break;
        const char *shown = argv[optind - 1];
        if (option == ':')
            return usage_error(settings, "option %s: missing value%s", shown, "");
        if (option == '?')
            return usage_error(settings, "unknown or ambiguous option '%s'%s", shown, "");
        if (option == 'h') {
            usage_print(command);
            return SETTINGS_DONE;
        }
        if (option == OPT_VERSION) {
            printf("levyscore %s\n", LEVYSCORE_VERSION);
            return SETTINGS_DONE;
        }
        const char *name = index >= 0 ? long_options[index].name : "o";
        if (!option_allowed(settings, option))
            return usage_error(settings, "option --%s is not an option of '%s'", name, command);
        int status = apply_option(settings, option, name, optarg, &to_set);
        if (status != EXIT_OK)
            return status;
    }

    for (; optind < argc; optind++) {
        if (settings->input_count == INPUTS_MAX)
            return usage_error(settings, "more than %s%s input files", "4096", "");
        settings->input_paths[settings->input_count++] = argv[optind];
    }
    settings->input_path = settings->input_count > 0 ? settings->input_paths[0] : NULL;
    if (!to_set)
        settings->to = score_format_for(settings->output_path);
    return check_combinations(settings);
}
