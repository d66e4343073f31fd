/* SPDX-License-Identifier: MIT */
/* The SVG writer of the HTML report: integer coordinates and escaped text only. */
#include "sim/cli/svg.h"

static void esc(GString *s, const char *text)
{
  g_autofree char *e = g_markup_escape_text(text ? text : "", -1);
  g_string_append(s, e);
}

static void cls_attr(GString *s, const char *cls)
{
  if (cls && *cls)
    g_string_append_printf(s, " class=\"%s\"", cls);
}

void svg_begin(GString *s, int w, int h, const char *title)
{
  g_string_append_printf(s,
                         "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                         "viewBox=\"0 0 %d %d\" role=\"img\"><title>",
                         w, h, w, h);
  esc(s, title);
  g_string_append(s, "</title>\n");
}

void svg_end(GString *s)
{
  g_string_append(s, "</svg>\n");
}

void svg_rect(GString *s, int x, int y, int w, int h, int rx, const char *cls)
{
  g_string_append_printf(s, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"", x, y, w, h);
  if (rx)
    g_string_append_printf(s, " rx=\"%d\"", rx);
  cls_attr(s, cls);
  g_string_append(s, "/>\n");
}

void svg_line(GString *s, int x1, int y1, int x2, int y2, const char *cls)
{
  g_string_append_printf(s, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"", x1, y1, x2, y2);
  cls_attr(s, cls);
  g_string_append(s, "/>\n");
}

void svg_line_color(GString *s, int x1, int y1, int x2, int y2, const char *color, int width,
                    const char *dash)
{
  g_string_append_printf(s,
                         "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" "
                         "stroke-width=\"%d\"",
                         x1, y1, x2, y2, color, width);
  if (dash)
    g_string_append_printf(s, " stroke-dasharray=\"%s\"", dash);
  g_string_append(s, "/>\n");
}

void svg_curve(GString *s, int x1, int y1, int cx, int cy, int x2, int y2, const char *cls,
               const char *color)
{
  g_string_append_printf(s, "<path d=\"M %d %d Q %d %d %d %d\" fill=\"none\"", x1, y1, cx, cy,
                         x2, y2);
  if (color)
    g_string_append_printf(s, " stroke=\"%s\"", color);
  cls_attr(s, cls);
  g_string_append(s, "/>\n");
}

void svg_circle(GString *s, int x, int y, int r, const char *color)
{
  g_string_append_printf(s, "<circle cx=\"%d\" cy=\"%d\" r=\"%d\" fill=\"%s\"/>\n", x, y, r,
                         color);
}

void svg_arrow_head(GString *s, int x, int y, int dir, const char *cls)
{
  int b = dir > 0 ? x - 8 : x + 8;
  g_string_append_printf(s, "<path d=\"M %d %d L %d %d L %d %d Z\"", x, y, b, y - 4, b, y + 4);
  cls_attr(s, cls);
  g_string_append(s, "/>\n");
}

void svg_text(GString *s, int x, int y, const char *anchor, const char *cls, const char *text)
{
  g_string_append_printf(s, "<text x=\"%d\" y=\"%d\"", x, y);
  if (anchor && g_strcmp0(anchor, "start"))
    g_string_append_printf(s, " text-anchor=\"%s\"", anchor);
  cls_attr(s, cls);
  g_string_append_c(s, '>');
  esc(s, text);
  g_string_append(s, "</text>\n");
}

void svg_group_begin(GString *s, const char *tooltip)
{
  g_string_append(s, "<g>");
  if (tooltip) {
    g_string_append(s, "<title>");
    esc(s, tooltip);
    g_string_append(s, "</title>");
  }
  g_string_append_c(s, '\n');
}

void svg_group_end(GString *s)
{
  g_string_append(s, "</g>\n");
}
