/* SPDX-License-Identifier: MIT */
/* BGP speakers back to back in one process over an in-order simulated TCP, for the
 * speaker's tests and the convergence benchmark: a connect is accepted or refused by the
 * far speaker, data arrives whole and in order while its end is open, a close reaches the
 * far end as a failure; one clock and one timer deadline per speaker. Set each node's
 * speaker (built with bgp_loop_env) and its peer IDs (to[]), then pump or advance. */
#ifndef VPNSIM_BGP_LOOPBACK_H
#define VPNSIM_BGP_LOOPBACK_H

#include "models/bgp/bgp_speaker.h"

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { BGP_LOOP_MAX_NODES = 16, BGP_LOOP_MAX_LINKS = 64 };

typedef struct BgpLoop BgpLoop;

typedef struct {
  BgpLoop *loop;
  int idx;
  BgpSpeaker *sp;
  int64_t timer_at;                 /* 0: none */
  uint32_t to[BGP_LOOP_MAX_NODES];  /* this speaker's peer ID for node i, 0 when none */
  void *user;                       /* the caller's */
} BgpLoopNode;

typedef struct {
  int node[2];
  uint32_t peer[2]; /* each end's peer ID for the other */
  uint32_t id[2];   /* each end's connection ID */
  bool open[2];
} BgpLoopLink;

struct BgpLoop {
  int64_t now;
  size_t n_nodes;
  BgpLoopNode node[BGP_LOOP_MAX_NODES];
  BgpLoopLink links[BGP_LOOP_MAX_LINKS];
  size_t n_links;
  GQueue items;
  uint32_t next_id;
  /* connects to a peer no node has, sends on unknown connections, links beyond the
   * table: a harness bug, counted (and refused) for the caller to assert on */
  size_t errors;
  /* optional: every segment delivered, as the far end received it */
  void (*on_rx)(void *user, size_t link, int end, const uint8_t *data, size_t len);
  void *on_rx_user;
};

void bgp_loop_init(BgpLoop *l, size_t n_nodes, int64_t now);
/* The environment of node i (events unset: the caller's). */
BgpSpeakerEnv bgp_loop_env(BgpLoop *l, int i);
/* Delivers until nothing is pending or max steps were taken (0: no limit); the steps. */
size_t bgp_loop_pump(BgpLoop *l, size_t max);
/* Runs the timers up to until, pumping after each (at most max_steps per pump), and leaves
 * the clock at until. */
void bgp_loop_advance(BgpLoop *l, int64_t until, size_t max_steps);
/* Frees every speaker and whatever is still pending. */
void bgp_loop_clear(BgpLoop *l);

#endif
