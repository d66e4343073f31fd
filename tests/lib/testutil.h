/* SPDX-License-Identifier: MIT */
/* Helpers shared by the GLib test binaries: hex fixtures, byte comparisons, paths. */
#pragma once

#include "models/common/ipv4.h"

#include <glib.h>
#include <stddef.h>
#include <stdint.h>

/* Decode a hex fixture (spaces and newlines allowed); aborts the test on bad hex. */
GBytes *tu_hex(const char *hex);
/* Assert that n bytes at p equal the hex fixture, printing both in hex on failure. */
#define tu_assert_hex(p, n, hex) tu_assert_hex_impl(__FILE__, __LINE__, #p, (p), (n), (hex))
void tu_assert_hex_impl(const char *file, int line, const char *expr, const void *p, size_t n,
                        const char *hex);
/* An address or prefix fixture ("10.0.0.1", "10.0.0.0/8"); aborts the test when it does
 * not parse exactly (a prefix with host bits set is refused too). */
Ipv4Addr tu_addr(const char *s);
Ipv4Prefix tu_prefix(const char *s);
/* A path under the source tree ($VPNSIM_TOP, or the current directory). g_free it. */
char *tu_top_path(const char *rel);
