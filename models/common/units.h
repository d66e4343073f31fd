/* SPDX-License-Identifier: MIT */
/* Parsing of the quantities users write: durations ("1.5s", "250ms", "2h", "27000")
 * and data rates ("650Mbps", "1.25Gbps", "64kbps"). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/* A duration in nanoseconds. Units: ns, us, ms, s, m (minutes), h, d; a bare number is
 * seconds. Decimals allowed ("1.5s"); negative values and overflow are refused. */
bool units_parse_duration(const char *s, int64_t *ns);
/* Bits per second. Units: bps, kbps, Mbps, Gbps (decimal: k = 1000); also Kbps/kb/s.
 * A bare number is bits per second. */
bool units_parse_rate(const char *s, uint64_t *bps);
/* "1.5s", "250ms", "2h": the shortest exact form (for reports). */
char *units_format_duration(int64_t ns, char *buf, unsigned size);
