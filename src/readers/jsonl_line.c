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
    char *text;                 /* the line with every number replaced by 0, for cJSON */
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

static bool is_token_char(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '.' || c == '+' ||
           c == '-';
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
 * -Infinity, or a literal cJSON reads (true, false, null). Numbers are recorded and blanked.
 */
static bool scan_token(struct jsonl_line *line, size_t start, size_t end, struct error *error)
{
    char *token = line->text + start;
    size_t length = end - start;
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
    token[0] = '0';
    memset(token + 1, ' ', length - 1);
    return true;
}

/* First pass over line->text: record and blank the numbers, bound the nesting, and name a line
 * cut short. Other syntax errors are left for cJSON to report. */
static bool scan_line(struct jsonl_line *line, size_t length, struct error *error)
{
    const char *text = line->text;
    size_t depth = 0;
    size_t i = 0;
    while (i < length) {
        char c = text[i];
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
            i++;
        } else if (c == '[' || c == '{') {
            if (++depth > JSONL_NESTING_MAX) {
                error_set(error, "line %" PRIu64 ", column %zu: arrays and objects nested more than %d deep",
                          line->line_number, i + 1, JSONL_NESTING_MAX);
                return false;
            }
            i++;
        } else if (c == ']' || c == '}') {
            if (depth > 0)
                depth--;
            i++;
        } else if (is_token_char(c)) {
            size_t start = i;
            while (i < length && is_token_char(text[i]))
                i++;
            if (!scan_token(line, start, i, error))
                return false;
        } else {
            i++;
        }
    }
    if (depth > 0) {
        error_set(error, "line %" PRIu64 ", column %zu: the line ends inside an array or object", line->line_number,
                  length + 1);
        return false;
    }
    return true;
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

static bool is_json_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

bool jsonl_line_parse(struct jsonl_line *line, const char *text, size_t length, uint64_t line_number,
                      struct error *error)
{
    cJSON_Delete(line->root);
    line->root = NULL;
    line->count = 0;
    line->original = text;
    line->line_number = line_number;
    if (!copy_text(line, text, length, error) || !scan_line(line, length, error))
        return false;

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

/* Count the numbers before target in document order, walking the list that starts at node. */
static bool count_numbers_before(const cJSON *node, const cJSON *target, size_t *count)
{
    for (; node; node = node->next) {
        if (node == target)
            return true;
        if (cJSON_IsNumber(node))
            (*count)++;
        else if (node->child && count_numbers_before(node->child, target, count))
            return true;
    }
    return false;
}

/* Index in the number table of the number node, or of the first number at or after node. */
static size_t number_index(const struct jsonl_line *line, const cJSON *node)
{
    size_t count = 0;
    count_numbers_before(line->root, node, &count);
    return count;
}

bool jsonl_line_vector(const struct jsonl_line *line, const cJSON *vector, const char *name, const double **values,
                       size_t *count, struct error *error)
{
    size_t n = 0;
    for (const cJSON *item = vector->child; item; item = item->next, n++) {
        if (!cJSON_IsNumber(item)) {
            error_set(error, "line %" PRIu64 ": value %zu of %s is %s, not a number", line->line_number, n + 1, name,
                      jsonl_line_type_name(item));
            return false;
        }
    }

    /* All elements are numbers, so they are consecutive entries of the table. */
    *values = n > 0 ? line->values + number_index(line, vector->child) : line->values;
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
        size_t index = number_index(line, node);
        *text = line->original + line->offsets[index];
        *size = line->lengths[index];
        return true;
    }
    error_set(error, "line %" PRIu64 ": id field '%s' is %s; ids must be strings or numbers", line->line_number, name,
              jsonl_line_type_name(node));
    return false;
}
