/* Ids in score --to jsonl output: valid JSON and valid UTF-8 whatever bytes the input ids contain. */
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "cli_run.h"
#include "data.h"

/*
 * Check that every line of output is a JSON object whose "id", decoded, is the matching line of
 * the file ids_relative. cJSON does not validate UTF-8, so an invalid byte written as it is
 * would be compared as it is, and differ from the U+FFFD the expected file has in its place.
 */
static void expect_json_ids(const char *what, const char *output, const char *ids_relative)
{
    char *ids = read_file(data_path(ids_relative), NULL);
    cr_assert_not_null(ids, "cannot read %s", ids_relative);
    char *expected = ids;
    size_t row = 0;
    for (const char *line = output; *line; row++) {
        const char *end = strchr(line, '\n');
        cr_assert_not_null(end, "%s: row %zu has no line end", what, row);
        cJSON *record = cJSON_ParseWithLength(line, (size_t)(end - line));
        cr_assert_not_null(record, "%s: row %zu is not JSON: %.*s", what, row, (int)(end - line), line);
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(record, "id");
        cr_assert(cJSON_IsString(id), "%s: row %zu has no string id: %.*s", what, row, (int)(end - line), line);

        char *expected_end = strchr(expected, '\n');
        cr_assert_not_null(expected_end, "%s: more rows than the %zu ids of %s", what, row, ids_relative);
        *expected_end = '\0';
        cr_expect_str_eq(id->valuestring, expected, "%s: id of row %zu is '%s', expected '%s'", what, row,
                         id->valuestring, expected);
        expected = expected_end + 1;
        cJSON_Delete(record);
        line = end + 1;
    }
    cr_expect_str_empty(expected, "%s: %zu rows, fewer than the ids of %s", what, row, ids_relative);
    free(ids);
}

Test(cli_json_ids, invalid_utf8_replaced)
{
    /* The expected ids are Python's bytes.decode("utf-8", errors="replace") of the CSV's ids. */
    struct cli_result r = cli_run(NULL, 0, "score", "--to", "jsonl", data_path("csv/ids_invalid_utf8.csv"));
    cr_assert_eq(r.status, 0, "exit %d, stderr: %s", r.status, r.err);
    expect_json_ids("ids_invalid_utf8.csv", r.out, "csv/ids_invalid_utf8.ids.txt");
    cr_expect(strstr(r.out, "\"id\":\"a\\ufffdb\""), "0xFF is not written as \\ufffd:\n%s", r.out);
    cr_expect(strstr(r.out, "\"id\":\"\\ufffd\\ufffd\\ufffd\""), "a surrogate is not three \\ufffd:\n%s", r.out);
    cr_expect(strstr(r.out, "\"id\":\"\xc3\xbcn\xc3\xaf" "c\xc3\xb6" "d\xc3\xa9\""),
              "a valid two-byte id is not kept as it is:\n%s", r.out);
    cr_expect(strstr(r.out, "\"id\":\"\xf0\x90\x80\x80\xf0\x9f\x98\x80\xf4\x8f\xbf\xbf\""),
              "a valid four-byte id is not kept as it is:\n%s", r.out);
    cli_result_free(&r);
}

Test(cli_json_ids, escaped_unicode_kept)
{
    /* cJSON decodes the \u escapes of the input to UTF-8, which the output keeps unescaped. */
    struct cli_result r = cli_run(NULL, 0, "score", "--to", "jsonl", data_path("jsonl/unicode_ids.jsonl"));
    cr_assert_eq(r.status, 0, "exit %d, stderr: %s", r.status, r.err);
    expect_json_ids("unicode_ids.jsonl", r.out, "jsonl/unicode_ids.ids.txt");
    cr_expect_null(strstr(r.out, "\\u"), "an id is written with \\u escapes:\n%s", r.out);
    cli_result_free(&r);
}
