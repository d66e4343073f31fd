/* SPDX-License-Identifier: MIT */
/* Token buckets on simulated time for the SKU caps. */
#include "models/endpoint/ep_shaper.h"

#include <glib.h>

#define NS_PER_S 1000000000ull
/* depth x 1e9 must fit 63 bits */
#define MAX_DEPTH (UINT64_C(9000000000))

void ep_bucket_init(EpTokenBucket *b, uint64_t rate, uint64_t depth, uint64_t min_depth,
                    int64_t now_ns)
{
  if (depth == 0)
    depth = MAX(rate / 1000, min_depth);
  depth = MAX(depth, 1);
  depth = MIN(depth, MAX_DEPTH);
  *b = (EpTokenBucket){.rate = rate, .depth = depth, .tokens = depth * NS_PER_S,
                       .last_ns = now_ns};
}

static void refill(EpTokenBucket *b, int64_t now_ns)
{
  if (now_ns <= b->last_ns)
    return; /* time never runs backwards; an equal time adds nothing */
  uint64_t full = b->depth * NS_PER_S;
  uint64_t dt = (uint64_t)(now_ns - b->last_ns);
  b->last_ns = now_ns;
  uint64_t missing = full - b->tokens;
  /* dt * rate may overflow: compare against the time the missing tokens take first */
  if (dt >= (missing + b->rate - 1) / b->rate)
    b->tokens = full;
  else
    b->tokens += dt * b->rate; /* dt * rate < missing here */
}

bool ep_bucket_can(EpTokenBucket *b, int64_t now_ns, uint64_t amount)
{
  if (b->rate == 0)
    return true;
  refill(b, now_ns);
  return amount <= b->depth && b->tokens >= amount * NS_PER_S;
}

void ep_bucket_take(EpTokenBucket *b, uint64_t amount)
{
  if (b->rate == 0)
    return;
  uint64_t t = amount * NS_PER_S;
  b->tokens = b->tokens >= t ? b->tokens - t : 0;
}
