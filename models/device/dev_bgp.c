/* SPDX-License-Identifier: MIT */
/* The device's BGP configuration (dev_bgp.h). */
#include "models/device/dev_bgp.h"

#include <string.h>

bool dev_bgp_config(const DevConfig *d, const char *node, EpBgpConfig *out)
{
  const DevBgpConfig *b = &d->bgp;
  if (!b->enabled)
    return false;
  memset(out, 0, sizeof *out);
  BgpSpeakerConfig *s = &out->speaker;
  s->node = node;
  s->rib.local_as = b->asn;
  s->rib.router_id = b->address;
  /* a router's defaults: no route with its own AS, nothing back where it came from */
  s->rib.rules = (1u << BGP_RULE_AS_PATH_LOOP) | (1u << BGP_RULE_SPLIT_HORIZON);
  for (unsigned i = 0; i < b->n_advertise && s->n_local < BGP_SPEAKER_MAX_LOCAL; i++)
    s->local[s->n_local++] = ipv4_prefix_make(b->advertise[i].addr, b->advertise[i].len);
  EpBgpPeer *p = &out->peers[out->n_peers++];
  p->tunnel = 0; /* the device's one tunnel, to its gateway */
  p->pc.fsm.peer = "azure";
  p->pc.fsm.peer_as = b->peer_asn;
  p->pc.fsm.hold_time_s = (uint16_t)(b->hold_s ? b->hold_s : 180);
  p->pc.fsm.keepalive_s = (uint16_t)b->keepalive_s;
  p->pc.fsm.passive = b->passive;
  /* after a session error, wait before starting again: BIRD's shortest error wait time */
  p->pc.fsm.idle_hold_s = 60;
  p->pc.address = b->peer_address;
  p->pc.local_address = b->address;
  p->pc.prepend = b->prepend;
  /* facts 8: a second tunnel (to the other instance of an active-active gateway, or to a
   * second gateway) carries a session of its own, from the same BGP address; the
   * gateway's address on it comes from the gateway (the runner fills it in) */
  if (d->has_peer2) {
    EpBgpPeer *q = &out->peers[out->n_peers++];
    *q = *p;
    q->tunnel = 1;
    q->pc.fsm.peer = "azure2";
    q->pc.address = (Ipv4Addr){0};
  }
  return true;
}
