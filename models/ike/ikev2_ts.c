/* SPDX-License-Identifier: MIT */
/* Traffic selector construction, parsing and RFC 7296 2.9 narrowing. */
#include "models/ike/ikev2_ts.h"

Ipv4Range ikev2_ts_any(void)
{
  return (Ipv4Range){{0}, {UINT32_MAX}};
}

void ikev2_ts_put(Ikev2Ts *ts, const Ipv4Range *r, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    /* RFC 7296 3.13.1: IP protocol 0 and ports 0-65535 mean "any" */
    Ikev2TrafficSelector *s = ikev2_ts_add(ts);
    s->type = IKEV2_TS_IPV4_ADDR_RANGE;
    s->ip_proto = 0;
    s->start_port = 0;
    s->end_port = 65535;
    s->range = r[i];
  }
}

size_t ikev2_ts_get(const Ikev2Ts *ts, Ipv4Range *out, size_t max)
{
  size_t k = 0;
  for (size_t i = 0; i < ts->n_ts && k < max; i++) {
    const Ikev2TrafficSelector *s = &ts->ts[i];
    if (s->type != IKEV2_TS_IPV4_ADDR_RANGE || s->range.first.v > s->range.last.v)
      continue;
    out[k++] = s->range;
  }
  return k;
}

size_t ikev2_ts_narrow(const Ipv4Range *offer, size_t n_offer, const Ipv4Range *policy,
                       size_t n_policy, Ipv4Range *out, size_t max)
{
  /* RFC 7296 2.9: "the responder is allowed to narrow the choices by selecting a subset
   * of the traffic"; the subset is the intersection with what its policy allows. */
  size_t k = 0;
  for (size_t i = 0; i < n_offer; i++)
    for (size_t j = 0; j < n_policy && k < max; j++) {
      Ipv4Range x;
      if (!ipv4_range_intersect(offer[i], policy[j], &x))
        continue;
      bool dup = false;
      for (size_t m = 0; m < k; m++)
        dup |= out[m].first.v == x.first.v && out[m].last.v == x.last.v;
      if (!dup)
        out[k++] = x;
    }
  return k;
}

bool ikev2_ts_subset(const Ipv4Range *got, size_t n_got, const Ipv4Range *mine, size_t n_mine)
{
  if (n_got == 0)
    return false;
  for (size_t i = 0; i < n_got; i++) {
    bool in = false;
    for (size_t j = 0; j < n_mine && !in; j++)
      in = ipv4_range_contains(mine[j], got[i]);
    if (!in)
      return false;
  }
  return true;
}
