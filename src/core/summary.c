/* Descriptive statistics of norms and scores for `levyscore stats`. */
#include "levyscore/summary.h"

#include <math.h>

#include "levyscore/chi_tail.h"

double summary_quantile(const double *sorted, size_t n, double q)
{
    double position = (double)(n - 1) * q;
    size_t below = (size_t)floor(position);
    if (below >= n - 1)
        return sorted[n - 1];
    double t = position - (double)below;
    double a = sorted[below];
    double b = sorted[below + 1];
    /* NumPy's lerp: from the nearer end, so the result stays within [a, b]. */
    return t < 0.5 ? a + (b - a) * t : b - (b - a) * (1.0 - t);
}

void summary_mean_sd(const double *values, size_t n, double *mean, double *sd)
{
    double sum = 0.0;
    for (size_t i = 0; i < n; i++)
        sum += values[i];
    double m = sum / (double)n;

    double squares = 0.0;
    for (size_t i = 0; i < n; i++)
        squares += (values[i] - m) * (values[i] - m);
    *mean = m;
    *sd = sqrt(squares / (double)n);
}

size_t histogram_plan(double min, double max, unsigned bins, double bin_width, size_t max_bins,
                      struct histogram *histogram)
{
    if (min == max) {
        min -= 0.5;
        max += 0.5;
    }
    if (bin_width > 0) {
        double low = floor(min / bin_width) * bin_width;
        double count = ceil((max - low) / bin_width);
        if (count < 1)
            count = 1;
        if (!(count <= (double)max_bins))
            return 0;
        *histogram = (struct histogram){low, low + count * bin_width, bin_width, (size_t)count};
        return histogram->bins;
    }
    *histogram = (struct histogram){min, max, (max - min) / bins, bins};
    return bins;
}

double histogram_edge(const struct histogram *histogram, size_t i)
{
    return i == histogram->bins ? histogram->high : histogram->low + (double)i * histogram->width;
}

size_t histogram_bin(const struct histogram *histogram, double value)
{
    if (!(value >= histogram->low) || value > histogram->high)
        return SIZE_MAX;

    /* The first guess can be one off next to an edge; the edges themselves decide. */
    double guess = floor((value - histogram->low) / histogram->width);
    size_t bin = guess < 0 ? 0 : guess >= (double)histogram->bins ? histogram->bins - 1 : (size_t)guess;
    if (bin > 0 && value < histogram_edge(histogram, bin))
        bin--;
    else if (bin + 1 < histogram->bins && value >= histogram_edge(histogram, bin + 1))
        bin++;
    return bin;
}

double summary_ks_chi(const double *sorted, size_t n, uint64_t dof, double scale)
{
    double distance = 0.0;
    for (size_t i = 0; i < n; i++) {
        struct gamma_tails tails;
        chi_tails(sorted[i] / scale, dof, &tails);
        double above = (double)(i + 1) / (double)n - tails.p;
        double below = tails.p - (double)i / (double)n;
        if (above > distance)
            distance = above;
        if (below > distance)
            distance = below;
    }
    return distance;
}
