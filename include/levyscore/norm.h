#ifndef LEVYSCORE_NORM_H
#define LEVYSCORE_NORM_H

#include <stddef.h>

#include "levyscore/dtype.h"

/*
 * L2 norm of each of rows rows of width values of dtype, stored row-major in host byte order,
 * into norms[0..rows). Sums are accumulated in double in a fixed order, so the result does not
 * depend on how rows are split into batches. The norm is finite whenever the true norm is at most
 * DBL_MAX, and does not underflow to 0 while the true norm is a normal double: float16 and float32
 * squares always fit a double; float64 rows whose sum of squares leaves the normal range are summed
 * again scaled by a power of two. A row containing NaN has norm NaN; otherwise one containing an
 * infinity has norm +inf.
 */
void norm_rows(const void *values, size_t rows, size_t width, enum dtype dtype, double *norms);

#endif
