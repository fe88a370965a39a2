#ifndef LEVYSCORE_SVG_H
#define LEVYSCORE_SVG_H

#include <stdbool.h>
#include <stddef.h>

#include "levyscore/text_buffer.h"

/*
 * A small writer of self-contained SVG plots: the caller composes a document into a text buffer
 * with svg_begin, one or more plots (axes, bars, lines, legend), then svg_end. Every function
 * returns false when memory runs out. Text is escaped for XML.
 */

/* A plot area in pixels and the data range it shows. */
struct svg_plot {
    double left, top, width, height;
    double x_min, x_max, y_min, y_max;
};

/* One legend line: a colour, a dashed or solid line or a filled box, and its text. */
struct svg_legend_entry {
    const char *color;
    const char *label;
    bool dashed;
    bool box;
};

bool svg_begin(struct text_buffer *svg, int width, int height, const char *title);

/* Axes with about five ticks each (steps of 1, 2 or 5 times a power of ten), labels and a title. */
bool svg_axes(struct text_buffer *svg, const struct svg_plot *plot, const char *x_label, const char *y_label,
              const char *title);

/* A line through n points in data coordinates, clipped to the plot area; NaN points are skipped. */
bool svg_line(struct text_buffer *svg, const struct svg_plot *plot, const double *x, const double *y, size_t n,
              const char *color, bool dashed);

/* A filled rectangle from (x0, y0) to (x1, y1) in data coordinates. */
bool svg_box(struct text_buffer *svg, const struct svg_plot *plot, double x0, double y0, double x1, double y1,
             const char *color, double opacity);

/* Corner of the plot area that holds a legend. */
enum svg_corner {
    SVG_TOP_LEFT,
    SVG_TOP_RIGHT,
    SVG_BOTTOM_RIGHT,
};

bool svg_legend(struct text_buffer *svg, const struct svg_plot *plot, const struct svg_legend_entry *entries,
                size_t count, enum svg_corner corner);

bool svg_end(struct text_buffer *svg);

#endif
