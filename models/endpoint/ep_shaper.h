/* SPDX-License-Identifier: MIT */
/* Token buckets on simulated time: the SKU throughput (bits per second) and packet-rate
 * caps of the tunnel-endpoint data plane, set from the gateway's SKU (azure-vpn-facts.md
 * 1.1 and 1.3). Sans-I/O: the caller passes the current time. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/* A bucket of 'depth' units filled at 'rate' units per second; rate 0 means no limit.
 * Tokens are kept in units x 10^9 (unit-nanoseconds) so that refills are exact integers. */
typedef struct {
  uint64_t rate;   /* units per second; 0: unlimited */
  uint64_t depth;  /* burst, in units */
  uint64_t tokens; /* units x 1e9 */
  int64_t last_ns; /* time of the last refill */
} EpTokenBucket;

/* A full bucket at now_ns. depth 0 takes the default: one millisecond of rate, and at
 * least min_depth units (the largest item that must ever pass, e.g. one 64 KiB packet). */
void ep_bucket_init(EpTokenBucket *b, uint64_t rate, uint64_t depth, uint64_t min_depth,
                    int64_t now_ns);
/* Refill up to now_ns and tell whether 'amount' units are there (nothing is taken). */
bool ep_bucket_can(EpTokenBucket *b, int64_t now_ns, uint64_t amount);
/* Take 'amount' units after a successful ep_bucket_can at the same time. */
void ep_bucket_take(EpTokenBucket *b, uint64_t amount);
