#include "tsv_compare.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data.h"

/* Parse "index SEP norm SEP score" from line; returns false on anything else. */
static bool parse_row(const char *line, long *index, double *norm, double *score)
{
    char *end;
    *index = strtol(line, &end, 10);
    if (end == line || (*end != '\t' && *end != ','))
        return false;
    const char *at = end + 1;
    *norm = strtod(at, &end);
    if (end == at || (*end != '\t' && *end != ','))
        return false;
    at = end + 1;
    *score = strtod(at, &end);
    return end != at && (*end == '\n' || *end == '\0' || *end == '\r');
}

static bool same_special(double a, double b)
{
    if (isnan(a) || isnan(b))
        return isnan(a) && isnan(b);
    return a == b;
}

bool scores_match(const char *output, const char *expected_path, double dof, double scale, char *why,
                  size_t why_size)
{
    char *expected = read_file(expected_path, NULL);
    if (!expected) {
        snprintf(why, why_size, "cannot read %s", expected_path);
        return false;
    }

    const char *got_line = strchr(output, '\n');
    const char *want_line = strchr(expected, '\n');
    bool ok = true;
    int row = 0;
    while (ok && want_line && want_line[1]) {
        want_line++;
        if (!got_line || !got_line[1]) {
            snprintf(why, why_size, "output ends before expected row %d", row);
            ok = false;
            break;
        }
        got_line++;

        long got_index, want_index;
        double got_norm, want_norm, got_score, want_score;
        if (!parse_row(got_line, &got_index, &got_norm, &got_score) ||
            !parse_row(want_line, &want_index, &want_norm, &want_score)) {
            snprintf(why, why_size, "row %d: cannot parse output line '%.60s'", row, got_line);
            ok = false;
            break;
        }

        double norm_difference = isfinite(want_norm) && want_norm != 0
                                     ? fabs(got_norm - want_norm) / want_norm
                                     : (same_special(got_norm, want_norm) ? 0 : INFINITY);
        /* |K - 1 - x^2| times the relative norm difference, multiplied in an order that does not
         * overflow for x near 1e154, and 0 (not inf * 0) when the norms agree. */
        double x = want_norm / scale;
        double explained = 0;
        if (norm_difference > 0)
            explained = fabs((dof - 1) * norm_difference - x * (x * norm_difference));
        double score_tolerance = 4e-15 * fabs(want_score) + explained;
        bool score_ok = isfinite(want_score) ? fabs(got_score - want_score) <= score_tolerance
                                             : same_special(got_score, want_score);
        if (got_index != want_index || norm_difference > 1e-15 || !score_ok) {
            snprintf(why, why_size, "row %d: got %ld %.17g %.17g, expected %ld %.17g %.17g", row, got_index, got_norm,
                     got_score, want_index, want_norm, want_score);
            ok = false;
        }
        got_line = strchr(got_line, '\n');
        want_line = strchr(want_line, '\n');
        row++;
    }
    if (ok && got_line && got_line[1]) {
        snprintf(why, why_size, "output has more rows than the %d expected", row);
        ok = false;
    }
    free(expected);
    return ok;
}
