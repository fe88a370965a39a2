#ifndef LEVYSCORE_SUMMARY_H
#define LEVYSCORE_SUMMARY_H

#include <stddef.h>
#include <stdint.h>

/*
 * Quantile of sorted (ascending, n >= 1 values, no NaN) at q in [0, 1], interpolated linearly
 * between the two nearest ranks as NumPy's default method does: position h = (n - 1) q.
 */
double summary_quantile(const double *sorted, size_t n, double q);

/* Mean and standard deviation (dividing by n) of n >= 1 finite values, in two passes. */
void summary_mean_sd(const double *values, size_t n, double *mean, double *sd);

/* Equal-width bins: bin i covers [low + i width, low + (i + 1) width), the last one closed. */
struct histogram {
    double low;
    double high;        /* upper edge of the last bin, exactly the max with a bin count */
    double width;
    size_t bins;
};

/*
 * Plan bins over [min, max] (finite): bins equal bins, or with bin_width > 0 bins of that width
 * from a multiple of it. Equal min and max get the range [min - 0.5, max + 0.5], as NumPy
 * does. Returns the number of bins, 0 when more than max_bins would be needed.
 */
size_t histogram_plan(double min, double max, unsigned bins, double bin_width, size_t max_bins,
                      struct histogram *histogram);

/* Edge i of the bins, from 0 (low) to bins (high). */
double histogram_edge(const struct histogram *histogram, size_t i);

/* Bin of value, or SIZE_MAX outside the range; edges are computed as NumPy computes them. */
size_t histogram_bin(const struct histogram *histogram, double value);

/*
 * Kolmogorov-Smirnov distance sup |F_n - F| between the sample sorted (ascending, finite) and the
 * Chi_K distribution of x / scale.
 */
double summary_ks_chi(const double *sorted, size_t n, uint64_t dof, double scale);

#endif
