/* SPDX-License-Identifier: MIT */
/* A small SVG writer for the HTML report: shapes and text on integer coordinates, markup
 * escaped, no floating point in the output, so the same drawing is the same bytes in any
 * locale. */
#pragma once

#include <glib.h>
#include <stdint.h>

/* Open an inline <svg> of that size with an accessible title; close it with svg_end. */
void svg_begin(GString *s, int w, int h, const char *title);
void svg_end(GString *s);
/* A rectangle; cls is the CSS class (NULL: none), rx the corner radius. */
void svg_rect(GString *s, int x, int y, int w, int h, int rx, const char *cls);
/* A line; cls chooses stroke and dashes through the report's CSS. */
void svg_line(GString *s, int x1, int y1, int x2, int y2, const char *cls);
/* A line with its stroke colour given (for series drawn in a palette colour). */
void svg_line_color(GString *s, int x1, int y1, int x2, int y2, const char *color, int width,
                    const char *dash);
/* A quadratic curve from (x1,y1) through control (cx,cy) to (x2,y2). */
void svg_curve(GString *s, int x1, int y1, int cx, int cy, int x2, int y2, const char *cls,
               const char *color);
void svg_circle(GString *s, int x, int y, int r, const char *color);
/* An arrow head at (x,y) pointing right (dir > 0) or left (dir < 0). */
void svg_arrow_head(GString *s, int x, int y, int dir, const char *cls);
/* Text, markup escaped; anchor "start", "middle" or "end"; cls NULL for the default. */
void svg_text(GString *s, int x, int y, const char *anchor, const char *cls, const char *text);
/* A <title> tooltip for the element opened before (wrap shapes in svg_group_begin/end). */
void svg_group_begin(GString *s, const char *tooltip);
void svg_group_end(GString *s);
