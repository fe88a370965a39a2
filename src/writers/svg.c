/* SVG plots written as text: axes, ticks, lines, boxes and a legend. */
#include "levyscore/svg.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define FONT "font-family=\"DejaVu Sans, Arial, Helvetica, sans-serif\""

static bool append_format(struct text_buffer *svg, const char *format, ...) __attribute__((format(printf, 2, 3)));

static bool append_format(struct text_buffer *svg, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    bool ok = text_buffer_vprintf(svg, format, args);
    va_end(args);
    return ok;
}

static bool append_escaped(struct text_buffer *svg, const char *text)
{
    bool ok = true;
    for (const char *c = text; ok && *c; c++) {
        switch (*c) {
        case '&':
            ok = text_buffer_append(svg, "&amp;", 5);
            break;
        case '<':
            ok = text_buffer_append(svg, "&lt;", 4);
            break;
        case '>':
            ok = text_buffer_append(svg, "&gt;", 4);
            break;
        case '"':
            ok = text_buffer_append(svg, "&quot;", 6);
            break;
        default:
            /* Control characters are not allowed in XML 1.0. */
            ok = (unsigned char)*c < 0x20 ? text_buffer_append(svg, " ", 1) : text_buffer_append(svg, c, 1);
        }
    }
    return ok;
}

/* A text element; anchor is start, middle or end; rotate turns it by -90 degrees about (x, y). */
static bool append_text(struct text_buffer *svg, double x, double y, const char *anchor, int size, bool rotate,
                        const char *text)
{
    bool ok = append_format(svg, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-size=\"%d\" " FONT, x, y,
                            anchor, size);
    if (ok && rotate)
        ok = append_format(svg, " transform=\"rotate(-90 %.1f %.1f)\"", x, y);
    return ok && append_format(svg, ">") && append_escaped(svg, text) && append_format(svg, "</text>\n");
}

static double pixel_x(const struct svg_plot *plot, double x)
{
    return plot->left + (x - plot->x_min) / (plot->x_max - plot->x_min) * plot->width;
}

static double pixel_y(const struct svg_plot *plot, double y)
{
    return plot->top + plot->height - (y - plot->y_min) / (plot->y_max - plot->y_min) * plot->height;
}

bool svg_begin(struct text_buffer *svg, int width, int height, const char *title)
{
    return append_format(svg,
                         "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                         "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                         "viewBox=\"0 0 %d %d\">\n<title>",
                         width, height, width, height) &&
           append_escaped(svg, title) && append_format(svg, "</title>\n") &&
           append_format(svg, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"white\"/>\n", width, height);
}

/* Tick step of 1, 2 or 5 times a power of ten giving about five ticks over range. */
static double tick_step(double range)
{
    double raw = range / 5.0;
    double power = pow(10.0, floor(log10(raw)));
    double fraction = raw / power;
    double nice = 10.0;
    if (fraction < 1.5)
        nice = 1.0;
    else if (fraction < 3.5)
        nice = 2.0;
    else if (fraction < 7.5)
        nice = 5.0;
    return nice * power;
}

/* Tick labels with as many decimals as the step needs, so 0.1 steps do not print 0.30000000000000004. */
static void format_tick(char *text, size_t size, double value, double step)
{
    int decimals = step >= 1 ? 0 : (int)ceil(-log10(step) - 1e-9);
    if (fabs(value) < step * 1e-6)
        value = 0.0;
    if (fabs(value) >= 1e6 || (fabs(value) < 1e-4 && value != 0))
        snprintf(text, size, "%.3g", value);
    else
        snprintf(text, size, "%.*f", decimals, value);
}

static bool axis_ticks(struct text_buffer *svg, const struct svg_plot *plot, bool vertical)
{
    double low = vertical ? plot->y_min : plot->x_min;
    double high = vertical ? plot->y_max : plot->x_max;
    if (!(high > low) || !isfinite(high - low))
        return true;
    double step = tick_step(high - low);
    bool ok = true;
    for (double tick = ceil(low / step - 1e-9) * step; ok && tick <= high + step * 1e-9; tick += step) {
        char label[32];
        format_tick(label, sizeof label, tick, step);
        if (vertical) {
            double y = pixel_y(plot, tick);
            ok = append_format(svg,
                               "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#e0e0e0\"/>\n"
                               "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"black\"/>\n",
                               plot->left, y, plot->left + plot->width, y, plot->left - 5, y, plot->left, y) &&
                 append_text(svg, plot->left - 8, y + 4, "end", 12, false, label);
        } else {
            double x = pixel_x(plot, tick);
            double bottom = plot->top + plot->height;
            ok = append_format(svg,
                               "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#e0e0e0\"/>\n"
                               "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"black\"/>\n",
                               x, plot->top, x, bottom, x, bottom, x, bottom + 5) &&
                 append_text(svg, x, bottom + 19, "middle", 12, false, label);
        }
    }
    return ok;
}

bool svg_axes(struct text_buffer *svg, const struct svg_plot *plot, const char *x_label, const char *y_label,
              const char *title)
{
    double bottom = plot->top + plot->height;
    return axis_ticks(svg, plot, false) && axis_ticks(svg, plot, true) &&
           append_format(svg,
                         "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" "
                         "stroke=\"black\"/>\n",
                         plot->left, plot->top, plot->width, plot->height) &&
           append_text(svg, plot->left + plot->width / 2, bottom + 40, "middle", 14, false, x_label) &&
           append_text(svg, plot->left - 70, plot->top + plot->height / 2, "middle", 14, true, y_label) &&
           append_text(svg, plot->left + plot->width / 2, plot->top - 12, "middle", 15, false, title);
}

/* A clip path per plot, named after its position, keeps lines inside the plot area. */
static bool clip_path(struct text_buffer *svg, const struct svg_plot *plot, char *id, size_t size)
{
    snprintf(id, size, "clip-%d-%d", (int)plot->left, (int)plot->top);
    return append_format(svg,
                         "<clipPath id=\"%s\"><rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/>"
                         "</clipPath>\n",
                         id, plot->left, plot->top, plot->width, plot->height);
}

bool svg_line(struct text_buffer *svg, const struct svg_plot *plot, const double *x, const double *y, size_t n,
              const char *color, bool dashed)
{
    char id[48];
    bool ok = clip_path(svg, plot, id, sizeof id) &&
              append_format(svg, "<polyline clip-path=\"url(#%s)\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s points=\"",
                            id, color, dashed ? " stroke-dasharray=\"6 4\"" : "");
    for (size_t i = 0; ok && i < n; i++) {
        if (!isfinite(x[i]) || !isfinite(y[i]))
            continue;
        /* Points far outside stay finite in pixels, so the clip path still does the cutting. */
        double px = fmax(-1e5, fmin(1e5, pixel_x(plot, x[i])));
        double py = fmax(-1e5, fmin(1e5, pixel_y(plot, y[i])));
        ok = append_format(svg, "%.2f,%.2f ", px, py);
    }
    return ok && append_format(svg, "\"/>\n");
}

bool svg_box(struct text_buffer *svg, const struct svg_plot *plot, double x0, double y0, double x1, double y1,
             const char *color, double opacity)
{
    double left = pixel_x(plot, fmin(x0, x1));
    double right = pixel_x(plot, fmax(x0, x1));
    double top = pixel_y(plot, fmax(y0, y1));
    double bottom = pixel_y(plot, fmin(y0, y1));
    return append_format(svg,
                         "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"%s\" fill-opacity=\"%.2f\" "
                         "stroke=\"white\" stroke-width=\"0.5\"/>\n",
                         left, top, fmax(right - left, 0.5), fmax(bottom - top, 0.0), color, opacity);
}

bool svg_legend(struct text_buffer *svg, const struct svg_plot *plot, const struct svg_legend_entry *entries,
                size_t count, enum svg_corner corner)
{
    double widest = 0;
    for (size_t i = 0; i < count; i++)
        widest = fmax(widest, (double)strlen(entries[i].label));
    double box_width = 40 + widest * 7.0;
    double box_height = 8 + 20.0 * (double)count;
    double x = corner == SVG_TOP_LEFT ? plot->left + 10 : plot->left + plot->width - box_width - 10;
    double y = corner == SVG_BOTTOM_RIGHT ? plot->top + plot->height - box_height - 10 : plot->top + 10;
    bool ok = append_format(svg,
                            "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"white\" "
                            "fill-opacity=\"0.9\" stroke=\"#888888\"/>\n",
                            x, y, box_width, box_height);
    for (size_t i = 0; ok && i < count; i++) {
        double line_y = y + 18 + 20.0 * (double)i;
        if (entries[i].box)
            ok = append_format(svg, "<rect x=\"%.1f\" y=\"%.1f\" width=\"22\" height=\"10\" fill=\"%s\"/>\n", x + 8,
                               line_y - 5, entries[i].color);
        else
            ok = append_format(svg,
                               "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                               "stroke-width=\"2\"%s/>\n",
                               x + 8, line_y, x + 30, line_y, entries[i].color,
                               entries[i].dashed ? " stroke-dasharray=\"6 4\"" : "");
        ok = ok && append_text(svg, x + 36, line_y + 4, "start", 12, false, entries[i].label);
    }
    return ok;
}

bool svg_end(struct text_buffer *svg)
{
    return append_format(svg, "</svg>\n");
}
