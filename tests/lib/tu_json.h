/* SPDX-License-Identifier: MIT */
/* A strict JSON syntax checker (RFC 8259) for tests that parse our JSON output back. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* True when text[0..len) is exactly one JSON value (whitespace around allowed). On failure
 * *err_at (if given) is the offset where it went wrong. */
bool tu_json_valid(const char *text, size_t len, size_t *err_at);
