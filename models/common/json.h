/* SPDX-License-Identifier: MIT */
/* JSON text output shared by the event log and the reports: strings escaped per RFC 8259
 * section 7 and numbers in one locale-independent, deterministic form. */
#pragma once

#include <glib.h>

/* Append s as a JSON string (quotes included). Invalid UTF-8 bytes become U+FFFD so the
 * output is always valid JSON. */
void vs_json_str(GString *out, const char *s);
/* Append a double: integers without a fraction, others with up to 9 significant digits
 * ("0.95", "412500000", "1e-09"); NaN and infinities (not JSON) as null. */
void vs_json_double(GString *out, double v);
