#ifndef LEVYSCORE_JSONL_LINE_H
#define LEVYSCORE_JSONL_LINE_H

/*
 * Parsing of one JSON lines record for the JSON lines reader. cJSON builds the tree, but it
 * neither reads Python's NaN, Infinity and -Infinity nor keeps the text of a number, so a first
 * pass over the line reads every number itself, correctly rounded, into a table in document
 * order. cJSON gets a copy in which each number is 0 and each array of numbers is blank, so it
 * allocates no node per value. A vector's values are one run of the table.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "levyscore/error.h"

struct jsonl_line;

struct jsonl_line *jsonl_line_create(void);

void jsonl_line_destroy(struct jsonl_line *line);

/*
 * Parse text[0..length) (one line without its line end) as one JSON value. line_number is
 * quoted in errors ("line N, column C: ..."). On success the tree is valid until the next
 * parse or destroy.
 */
bool jsonl_line_parse(struct jsonl_line *line, const char *text, size_t length, uint64_t line_number,
                      struct error *error);

/* Root of the last parsed line. */
const cJSON *jsonl_line_root(const struct jsonl_line *line);

/* Line number given to the last parse. */
uint64_t jsonl_line_number(const struct jsonl_line *line);

/*
 * Point *values at the count values of vector, an array in the last parsed tree whose elements
 * must all be numbers. name describes the vector in errors ("the vector", "field 'embedding'").
 */
bool jsonl_line_vector(const struct jsonl_line *line, const cJSON *vector, const char *name, const double **values,
                       size_t *count, struct error *error);

/*
 * Point *text at the id in node: a string's value, or a number's text as written in the line.
 * name is the id's field, for errors. The text is not NUL-terminated; its length goes to *size.
 */
bool jsonl_line_id(const struct jsonl_line *line, const cJSON *node, const char *name, const char **text,
                   size_t *size, struct error *error);

/* "a string", "an array", ... for "found ..." in errors. */
const char *jsonl_line_type_name(const cJSON *node);

#endif
