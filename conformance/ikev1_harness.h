/* SPDX-License-Identifier: MIT */
/* Exchange-test harness for IKEv1: two ikev1 engines back to back on the IKEv2 harness's
 * manual clock, FIFO network (with its NAT box), event recorder and real ESP SAs built from
 * what each engine installs. */
#pragma once

#include "conformance/ikev2_harness.h"
#include "models/ike/ikev1_sa.h"

typedef struct {
  Harness h;
  Ikev1Config cfg[2];
  Ikev1Conn *c[2];
} V1;

/* AES-256/SHA-1/MODP-1024 phase 1 and AES-256/SHA-1 ESP without PFS (Azure's IKEv1 rows,
 * facts 2.1 and 2.2), PSK, no DPD, NAT-T on, no lifetimes. */
static inline void v1_init(V1 *v, uint64_t seed)
{
  h_init(&v->h, seed);
  for (int i = 0; i < 2; i++) {
    Ikev1Config *c = &v->cfg[i];
    ikev1_config_defaults(c);
    c->name = i ? "B" : "A";
    c->local_addr.v = i ? H_ADDR_R : H_ADDR_I;
    c->remote_addr.v = i ? H_ADDR_I : H_ADDR_R;
    c->psk = (const uint8_t *)"vpnsim-conformance-psk";
    c->psk_len = strlen((const char *)c->psk);
    c->p1[0] = (Ikev1P1ProposalCfg){IKEV1_ENCR_AES_CBC, 256, IKEV1_HASH_SHA, 2};
    c->n_p1 = 1;
    c->p2[0] = (Ikev1P2ProposalCfg){IKEV1_ESP_AES, 256, IKEV1_AUTH_ALG_HMAC_SHA, 0};
    c->n_p2 = 1;
    c->p1_lifetime_s = 0;
    c->p2_lifetime_s = 0;
    c->p2_lifetime_kb = 0;
    c->start = i ? IKE_START_RESPOND : IKE_START_INITIATE;
  }
}

static inline void v1_start(V1 *v)
{
  for (int i = 0; i < 2; i++) {
    HPeer *p = &v->h.p[i];
    IkeEnv env = {.user = p, .rng = p->rng, .events = {h_emit, p}, .now = h_now,
                  .timer_schedule = h_sched, .timer_cancel = h_cancel, .send = h_send,
                  .child_install = h_install, .child_remove = h_remove, .keytable_row = h_row,
                  .dropped = h_dropped};
    v->c[i] = ikev1_conn_new(&v->cfg[i], &env);
    g_assert_nonnull(v->c[i]);
  }
  for (int i = 0; i < 2; i++)
    ikev1_conn_start(v->c[i]);
}

static inline void v1_clear(V1 *v)
{
  for (int i = 0; i < 2; i++) {
    ikev1_conn_free(v->c[i]);
    v->c[i] = NULL;
  }
  h_clear(&v->h);
}

static inline int v1_deliver(V1 *v)
{
  HPkt *k = g_queue_pop_head(&v->h.net);
  g_assert_nonnull(k);
  gsize n;
  const uint8_t *b = g_bytes_get_data(k->data, &n);
  int to = k->to;
  ikev1_conn_rx(v->c[to], k->src, k->sport, k->dst, k->dport, b, n);
  h_pkt_free(k);
  return to;
}

static inline void v1_run(V1 *v)
{
  for (int i = 0; i < 200 && h_pending(&v->h); i++)
    v1_deliver(v);
  g_assert_cmpuint(h_pending(&v->h), ==, 0);
}

static inline void v1_timeout(void *ud, int side)
{
  ikev1_conn_timeout(((V1 *)ud)->c[side]);
}

/* As h_tick, for the IKEv1 engines. */
static inline bool v1_tick(V1 *v, int64_t limit)
{
  return h_tick_with(&v->h, limit, v1_timeout, v);
}

/* Run the clock to 'until', delivering every datagram as it is sent. */
static inline void v1_run_until(V1 *v, int64_t until)
{
  for (int i = 0; i < 10000; i++) {
    v1_run(v);
    if (!v1_tick(v, until))
      break;
  }
  v1_run(v);
}

static inline void v1_establish(V1 *v)
{
  v1_start(v);
  v1_run(v);
  g_assert_cmpint(ikev1_conn_state(v->c[0]), ==, IKEV1_P1_ESTABLISHED);
  g_assert_cmpint(ikev1_conn_state(v->c[1]), ==, IKEV1_P1_ESTABLISHED);
}
