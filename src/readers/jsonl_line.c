#include "jsonl_line.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "levyscore/limits.h"
#include "levyscore/parse_double.h"

/* Deepest nesting of arrays and objects accepted. cJSON stops at the same depth, which keeps
 * its recursive parser and the recursive walks below off the end of the stack. */
#define JSONL_NESTING_MAX CJSON_NESTING_LIMIT

/* Most characters of a bad token quoted in an error. */
#define QUOTE_MAX 40

struct jsonl_line {
    char *text;                 /* the line for cJSON: numbers made 0, arrays of numbers blanked */
    size_t capacity;
    const char *original;       /* the line as given to the last parse, for number ids */
    uint64_t line_number;
    cJSON *root;

    /* Every number of the line in order of appearance: value, and where its text is. */
    double *values;
    uint32_t *offsets;
    uint32_t *lengths;
    size_t count;
    size_t table_capacity;

    /* Arrays of numbers that cJSON reads as empty, in document order. */
    struct collapsed_array *collapsed;
    size_t collapsed_count;
    size_t collapsed_capacity;
    size_t collapsed_numbers;   /* numbers in them */
};

/*
 * An array whose elements are all numbers is blanked to "[  ...  ]" before cJSON parses the
 * line, which spares cJSON a node per value. The array is the ordinal-th '[' of the line, its
 * brackets are at offsets start and end, and its values are count entries of the number table
 * from first.
 */
struct collapsed_array {
    size_t ordinal;
    size_t start;
    size_t end;
    size_t first;
    size_t count;
};

/* The innermost open array while its elements so far are numbers with commas between them. */
struct candidate {
    bool open;
    bool expect_value;          /* after '[' or ',' */
    size_t start;               /* offset of the '[' */
    size_t ordinal;
    size_t first;
};

struct jsonl_line *jsonl_line_create(void)
{
    return calloc(1, sizeof(struct jsonl_line));
}

void jsonl_line_destroy(struct jsonl_line *line)
{
    if (!line)
        return;
    cJSON_Delete(line->root);
    free(line->text);
    free(line->values);
    free(line->offsets);
    free(line->lengths);
    free(line->collapsed);
    free(line);
}

const cJSON *jsonl_line_root(const struct jsonl_line *line)
{
    return line->root;
}

uint64_t jsonl_line_number(const struct jsonl_line *line)
{
    return line->line_number;
}

const char *jsonl_line_type_name(const cJSON *node)
{
    switch (node->type & 0xFF) {
    case cJSON_False:
    case cJSON_True:
        return "a boolean";
    case cJSON_NULL:
        return "null";
    case cJSON_Number:
        return "a number";
    case cJSON_String:
        return "a string";
    case cJSON_Array:
        return "an array";
    case cJSON_Object:
        return "an object";
    }
    return "an unknown value";
}

/* RFC 8259 number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static bool is_json_number(const char *s, size_t n)
{
    size_t i = 0;
    if (i < n && s[i] == '-')
        i++;
    if (i < n && s[i] == '0') {
        i++;
    } else if (i < n && s[i] >= '1' && s[i] <= '9') {
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++;
    } else {
        return false;
    }

    if (i < n && s[i] == '.') {
        size_t digits = ++i;
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++;
        if (i == digits)
            return false;
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-'))
            i++;
        size_t digits = i;
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++;
        if (i == digits)
            return false;
    }
    return i == n;
}

/* Characters of bare tokens (numbers and literals) as bit sets: '+', '-', '.' and digits below
 * 64, letters from 64 to 127. The scan spends most of its time here. */
static const uint64_t TOKEN_CHARS_LOW = 0x03ff680000000000u;
static const uint64_t TOKEN_CHARS_HIGH = 0x07fffffe07fffffeu;

static bool is_token_char(char c)
{
    unsigned char u = (unsigned char)c;
    if (u < 64)
        return (TOKEN_CHARS_LOW >> u) & 1;
    return u < 128 && ((TOKEN_CHARS_HIGH >> (u - 64)) & 1);
}

static bool is_json_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool add_number(struct jsonl_line *line, double value, size_t offset, size_t length, struct error *error)
{
    if (line->count == line->table_capacity) {
        if (line->count >= ROW_WIDTH_MAX) {
            error_set(error, "line %" PRIu64 ": more than %u numbers in one line", line->line_number, ROW_WIDTH_MAX);
            return false;
        }
        size_t capacity = line->table_capacity ? 2 * line->table_capacity : 1024;
        double *values = realloc(line->values, capacity * sizeof *values);
        if (values)
            line->values = values;
        uint32_t *offsets = realloc(line->offsets, capacity * sizeof *offsets);
        if (offsets)
            line->offsets = offsets;
        uint32_t *lengths = realloc(line->lengths, capacity * sizeof *lengths);
        if (lengths)
            line->lengths = lengths;
        if (!values || !offsets || !lengths) {
            error_set(error, "line %" PRIu64 ": out of memory for %zu numbers", line->line_number, capacity);
            return false;
        }
        line->table_capacity = capacity;
    }
    line->values[line->count] = value;
    line->offsets[line->count] = (uint32_t)offset;
    line->lengths[line->count] = (uint32_t)length;
    line->count++;
    return true;
}

/*
 * Read the bare token text[start..end) outside strings: a number, Python's NaN, Infinity or
 * -Infinity, or a literal cJSON reads (true, false, null). Numbers are recorded, and *is_number
 * is set for them.
 */
static bool scan_token(struct jsonl_line *line, size_t start, size_t end, bool *is_number, struct error *error)
{
    const char *token = line->original + start;
    size_t length = end - start;
    *is_number = false;
    if ((length == 4 && memcmp(token, "true", 4) == 0) || (length == 5 && memcmp(token, "false", 5) == 0) ||
        (length == 4 && memcmp(token, "null", 4) == 0))
        return true;

    double value;
    if (length == 3 && memcmp(token, "NaN", 3) == 0) {
        value = NAN;
    } else if (length == 8 && memcmp(token, "Infinity", 8) == 0) {
        value = INFINITY;
    } else if (length == 9 && memcmp(token, "-Infinity", 9) == 0) {
        value = -INFINITY;
    } else if (!is_json_number(token, length) || !parse_double(token, token + length, &value)) {
        error_set(error, "line %" PRIu64 ", column %zu: '%.*s%s' is not a JSON value", line->line_number, start + 1,
                  length > QUOTE_MAX ? QUOTE_MAX : (int)length, token, length > QUOTE_MAX ? "..." : "");
        return false;
    }

    if (!add_number(line, value, start, length, error))
        return false;
    *is_number = true;
    return true;
}

/* Blank the inside of each collapsed array, and replace each other number by 0 padded with
 * spaces. */
static void blank_numbers(struct jsonl_line *line)
{
    size_t next_collapsed = 0;
    for (size_t i = 0; i < line->count; i++) {
        if (next_collapsed < line->collapsed_count && line->collapsed[next_collapsed].first == i) {
            const struct collapsed_array *collapsed = &line->collapsed[next_collapsed];
            memset(line->text + collapsed->start + 1, ' ', collapsed->end - collapsed->start - 1);
            i += collapsed->count - 1;
            next_collapsed++;
            continue;
        }
        char *token = line->text + line->offsets[i];
        token[0] = '0';
        memset(token + 1, ' ', line->lengths[i] - 1);
    }
}

/* Record the candidate, closed at offset end, as collapsed when it contains one or more numbers
 * and no syntax error. cJSON then reads it as an empty array. */
static bool close_candidate(struct jsonl_line *line, const struct candidate *candidate, size_t end,
                            struct error *error)
{
    size_t count = line->count - candidate->first;
    if (count == 0 || candidate->expect_value)
        return true;

    if (line->collapsed_count == line->collapsed_capacity) {
        size_t capacity = line->collapsed_capacity ? 2 * line->collapsed_capacity : 16;
        struct collapsed_array *grown = realloc(line->collapsed, capacity * sizeof *grown);
        if (!grown) {
            error_set(error, "line %" PRIu64 ": out of memory", line->line_number);
            return false;
        }
        line->collapsed = grown;
        line->collapsed_capacity = capacity;
    }
    line->collapsed[line->collapsed_count++] = (struct collapsed_array){
        .ordinal = candidate->ordinal, .start = candidate->start, .end = end, .first = candidate->first, .count = count};
    line->collapsed_numbers += count;
    return true;
}

/*
 * Check that the line so far has at most JSONL_VALUES_MAX values that cJSON will allocate for:
 * others (arrays, objects, strings and literals) and the numbers outside arrays of numbers. The
 * numbers of the open candidate are not counted yet, as the array may still collapse. column is
 * quoted in the error.
 */
static bool check_value_count(const struct jsonl_line *line, size_t others, const struct candidate *candidate,
                              size_t column, struct error *error)
{
    size_t numbers = line->count - line->collapsed_numbers;
    if (candidate->open)
        numbers -= line->count - candidate->first;
    if (others + numbers <= JSONL_VALUES_MAX)
        return true;
    error_set(error, "line %" PRIu64 ", column %zu: more than the maximum of %u JSON values in one line (an array "
                     "of numbers counts as one)", line->line_number, column, JSONL_VALUES_MAX);
    return false;
}

/*
 * First pass over the line as given: record the numbers, find the arrays of numbers to collapse,
 * bound the nesting and the number of values, and name a line cut short. Other syntax errors
 * are left for cJSON. Nothing is written, so a line rejected here is never copied.
 */
static bool scan_line(struct jsonl_line *line, size_t length, struct error *error)
{
    const char *text = line->original;
    size_t depth = 0;
    size_t arrays = 0;
    size_t others = 0;          /* values other than numbers */
    struct candidate candidate = {.open = false};
    size_t i = 0;
    while (i < length) {
        char c = text[i];
        if (is_token_char(c)) {
            size_t start = i;
            while (i < length && is_token_char(text[i]))
                i++;
            bool is_number;
            if (!scan_token(line, start, i, &is_number, error))
                return false;
            if (candidate.open && (!is_number || !candidate.expect_value))
                candidate.open = false;
            candidate.expect_value = false;
            others += !is_number;
            if (!check_value_count(line, others, &candidate, start + 1, error))
                return false;
            continue;
        }

        if (c == '"') {
            size_t start = i;
            for (i++; i < length && text[i] != '"'; i++)
                if (text[i] == '\\')
                    i++;
            if (i >= length) {
                error_set(error, "line %" PRIu64 ", column %zu: the string starting here is not closed",
                          line->line_number, start + 1);
                return false;
            }
            candidate.open = false;
            if (!check_value_count(line, ++others, &candidate, start + 1, error))
                return false;
        } else if (c == '[' || c == '{') {
            if (++depth > JSONL_NESTING_MAX) {
                error_set(error, "line %" PRIu64 ", column %zu: arrays and objects nested more than %d deep",
                          line->line_number, i + 1, JSONL_NESTING_MAX);
                return false;
            }
            /* The enclosing array holds more than numbers, so its numbers count from here on. */
            candidate.open = false;
            if (!check_value_count(line, ++others, &candidate, i + 1, error))
                return false;
            if (c == '[')
                candidate = (struct candidate){
                    .open = true, .expect_value = true, .start = i, .ordinal = arrays++, .first = line->count};
        } else if (c == ']' || c == '}') {
            if (depth > 0)
                depth--;
            if (candidate.open && c == ']' && !close_candidate(line, &candidate, i, error))
                return false;
            candidate.open = false;
        } else if (c == ',') {
            if (candidate.expect_value)
                candidate.open = false;
            candidate.expect_value = true;
        } else if (!is_json_space(c)) {
            candidate.open = false;
        }
        i++;
    }
    if (depth > 0) {
        error_set(error, "line %" PRIu64 ", column %zu: the line ends inside an array or object", line->line_number,
                  length + 1);
        return false;
    }
    return check_value_count(line, others, &candidate, length + 1, error);
}

static bool copy_text(struct jsonl_line *line, const char *text, size_t length, struct error *error)
{
    if (length + 1 > line->capacity) {
        char *grown = realloc(line->text, length + 1);
        if (!grown) {
            error_set(error, "line %" PRIu64 ": out of memory for a line of %zu bytes", line->line_number, length);
            return false;
        }
        line->text = grown;
        line->capacity = length + 1;
    }
    memcpy(line->text, text, length);
    line->text[length] = '\0';
    return true;
}

bool jsonl_line_parse(struct jsonl_line *line, const char *text, size_t length, uint64_t line_number,
                      struct error *error)
{
    cJSON_Delete(line->root);
    line->root = NULL;
    line->count = 0;
    line->collapsed_count = 0;
    line->collapsed_numbers = 0;
    line->original = text;
    line->line_number = line_number;
    if (!scan_line(line, length, error) || !copy_text(line, text, length, error))
        return false;
    blank_numbers(line);

    const char *end = NULL;
    line->root = cJSON_ParseWithLengthOpts(line->text, length, &end, false);
    if (!line->root) {
        size_t column = end && end >= line->text ? (size_t)(end - line->text) + 1 : 1;
        error_set(error, "line %" PRIu64 ", column %zu: not valid JSON", line_number, column);
        return false;
    }
    for (size_t i = (size_t)(end - line->text); i < length; i++) {
        if (!is_json_space(line->text[i])) {
            error_set(error, "line %" PRIu64 ", column %zu: more text after the JSON value; each line holds one value",
                      line_number, i + 1);
            return false;
        }
    }
    return true;
}

/* Position in a document-order walk of the tree: numbers and arrays passed, and the next
 * collapsed array to meet. */
struct walk {
    size_t numbers;
    size_t arrays;
    size_t next_collapsed;
};

/* The collapsed array that the array node at the walk's position is, or NULL. */
static const struct collapsed_array *collapsed_here(const struct jsonl_line *line, const struct walk *walk)
{
    if (walk->next_collapsed < line->collapsed_count && line->collapsed[walk->next_collapsed].ordinal == walk->arrays)
        return &line->collapsed[walk->next_collapsed];
    return NULL;
}

/* Walk the list that starts at node up to target, counting what comes before it. */
static bool walk_to(const struct jsonl_line *line, const cJSON *node, const cJSON *target, struct walk *walk)
{
    for (; node; node = node->next) {
        if (node == target)
            return true;
        if (cJSON_IsNumber(node)) {
            walk->numbers++;
            continue;
        }
        if (cJSON_IsArray(node)) {
            const struct collapsed_array *collapsed = collapsed_here(line, walk);
            walk->arrays++;
            if (collapsed) {
                walk->numbers += collapsed->count;
                walk->next_collapsed++;
                continue;
            }
        }
        if (node->child && walk_to(line, node->child, target, walk))
            return true;
    }
    return false;
}

bool jsonl_line_vector(const struct jsonl_line *line, const cJSON *vector, const char *name, const double **values,
                       size_t *count, struct error *error)
{
    struct walk walk = {0};
    walk_to(line, line->root, vector, &walk);
    const struct collapsed_array *collapsed = collapsed_here(line, &walk);
    if (collapsed) {
        *values = line->values + collapsed->first;
        *count = collapsed->count;
        return true;
    }

    /* An array left to cJSON: empty, holding other values, or spaced with bytes other than
     * JSON whitespace, which cJSON also skips. */
    size_t n = 0;
    for (const cJSON *item = vector->child; item; item = item->next, n++) {
        if (!cJSON_IsNumber(item)) {
            error_set(error, "line %" PRIu64 ": value %zu of %s is %s, not a number", line->line_number, n + 1, name,
                      jsonl_line_type_name(item));
            return false;
        }
    }

    /* All elements are numbers, so they are consecutive entries of the table. */
    walk = (struct walk){0};
    walk_to(line, line->root, vector->child, &walk);
    /* An empty vector has no table entries, and NULL + 0 is undefined behaviour in C. */
    *values = n > 0 ? line->values + walk.numbers : line->values;
    *count = n;
    return true;
}

bool jsonl_line_id(const struct jsonl_line *line, const cJSON *node, const char *name, const char **text,
                   size_t *size, struct error *error)
{
    if (cJSON_IsString(node)) {
        *text = node->valuestring;
        *size = strlen(node->valuestring);
        return true;
    }
    if (cJSON_IsNumber(node)) {
        struct walk walk = {0};
        walk_to(line, line->root, node, &walk);
        *text = line->original + line->offsets[walk.numbers];
        *size = line->lengths[walk.numbers];
        return true;
    }
    error_set(error, "line %" PRIu64 ": id field '%s' is %s; ids must be strings or numbers", line->line_number, name,
              jsonl_line_type_name(node));
    return false;
}
