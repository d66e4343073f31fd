/* SPDX-License-Identifier: MIT */
/* The event types that expectations, the live console and the device matrix read, in one
 * table: the models' own names (the IKE engine's, the tunnel endpoint's IKE link's) and
 * those the runner emits itself (tunnel.up / tunnel.down, re-emitted from the tunnel state
 * of an endpoint whose tunnels are connections; tunnel.stats; the ping and flow events). A
 * reader never spells an event type, so a model's name and what reads it cannot drift
 * apart. */
#pragma once

typedef struct {
  /* the models' */
  const char *ike_sa_established, *ike_sa_deleted, *ike_give_up; /* models/ike/ikev2_sa.h */
  const char *child_sa_established, *child_sa_deleted;           /* models/endpoint/ep_ike.h */
  const char *ike_message; /* models/endpoint/ep_ike.h; IKEv1: models/ike/ikev1_sa.h, the same */
  /* the runner's */
  const char *tunnel_up, *tunnel_down; /* sim/run/bind.c: connection, reason (down) */
  const char *tunnel_stats;            /* sim/run/stats.c */
  const char *ping_sent, *ping_reply;  /* sim/run/timeline.c */
  const char *flow_stats;              /* sim/run/timeline.c */
  const char *flow_gap;                /* sim/run/timeline.c: a UDP flow's longest gap */
  /* BGP (models/bgp, models/endpoint/ep_bgp.h) */
  const char *bgp_session_state;                    /* peer, old_state, new_state, reason */
  const char *bgp_update_rx, *bgp_update_tx;        /* peer, announced, withdrawn */
  const char *bgp_notification_rx, *bgp_notification_tx; /* peer, code, subcode */
  const char *bgp_route_learned, *bgp_route_withdrawn;    /* RIB: prefix, peer */
  const char *bgp_route_installed, *bgp_route_removed;    /* data plane: prefix, tunnel */
} RunEventTypes;

extern const RunEventTypes run_event_types;
