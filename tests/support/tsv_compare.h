#ifndef TEST_SUPPORT_TSV_COMPARE_H
#define TEST_SUPPORT_TSV_COMPARE_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Compare score output (header "index<TAB>norm<TAB>score", or the same with commas) with an
 * expected TSV of the same columns, as numbers. Norms agree within 1e-15 relative (a few ulps:
 * the sum of squares is rounded, the expected norm is exact). A score agrees within 4e-15 of its
 * size plus what the norm's own difference explains, |K - 1 - x^2| times the norm's relative
 * difference, x = norm / scale. dof is K. Non-finite values must match exactly. On a mismatch,
 * returns false and writes the first difference into why.
 */
bool scores_match(const char *output, const char *expected_path, double dof, double scale, char *why,
                  size_t why_size);

#endif
