/* SPDX-License-Identifier: MIT */
/* Hexadecimal text <-> bytes: key tables, test vectors, diagnostics. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Lowercase hex of n bytes into out (2n+1 bytes, NUL-terminated); returns out. */
char *hex_encode(const void *p, size_t n, char *out);
/* A newly allocated lowercase hex string (g_free). */
char *hex_dup(const void *p, size_t n);
/* Decode hex text, ignoring spaces, newlines and ':' between byte pairs, into a new
 * buffer (g_free) of *n bytes; NULL when a character is not hex or a nibble is odd. */
uint8_t *hex_decode(const char *s, size_t *n);
