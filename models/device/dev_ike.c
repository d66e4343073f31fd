/* SPDX-License-Identifier: MIT */
/* The on-premises device's IKE control plane: its settings turned into an IKEv2 engine
 * configuration, and the engine bound to the device's tunnel. */
#include "models/device/dev_ike.h"

#include "models/ike/ike_crypto.h"

#include <glib.h>
#include <string.h>

struct DevIke {
  EpIkeLink *link;
  Ipv4Addr peer;
  EpDp *dp;
  int tunnel;
};

/* The tunnel's MM SA count follows the engine's IKE SAs. */
static void changed(void *arg)
{
  DevIke *k = arg;
  if (k->link)
    ep_dp_set_mm_sa_count(k->dp, k->tunnel, (unsigned)ep_ike_link_n_ike_sas(k->link));
}

/* The data plane's lifetimes of the tunnel's pairs: the device rekeys on its own volume
 * limit (childLifetimeKilobytes) as the gateway does on its own. */
static void sa_expired(void *user, const EpSaExpiry *e)
{
  DevIke *k = user;
  ep_ike_link_sa_expired(k->link, e);
}

static void identity(const DevIdentity *id, Ipv4Addr dflt, IkeIdentityCfg *out)
{
  memset(out, 0, sizeof *out);
  if (id->type == DEV_ID_DEFAULT || !id->value) {
    /* dev_config.h: the address itself as ID_IPV4_ADDR (RFC 7296 3.5) */
    out->type = IKEV2_ID_IPV4_ADDR;
    ipv4_addr_format(dflt, out->value);
    return;
  }
  out->type = (uint8_t)id->type; /* DevIdType values are the RFC 7296 3.5 ID Types */
  g_strlcpy(out->value, id->value, sizeof out->value);
}

/* Append a transform to a proposal's list: the first becomes the main one, the others
 * its alternatives. False when the list is full. */
static bool push(uint16_t *first, uint16_t *first_kb, bool *have, IkeAltList *alt, uint16_t id,
                 uint16_t kb)
{
  if (!*have) {
    *first = id;
    if (first_kb)
      *first_kb = kb;
    *have = true;
    return true;
  }
  if (alt->n == IKEV2_MAX_ALT)
    return false;
  alt->id[alt->n] = id;
  alt->key_bits[alt->n++] = kb;
  return true;
}

/* RFC 7296 3.3: a device proposal (strongSwan style) becomes one engine proposal listing
 * all its transforms of each type; RFC 5282 8: combined-mode (AEAD) ciphers go into a
 * proposal of their own, without integrity. Algorithms the engine does not implement are
 * left out. */
static void map_ike(const DevConfig *d, IkeConfig *c, bool *truncated)
{
  for (unsigned p = 0; p < d->n_ike_proposals; p++) {
    const DevProposal *dp = &d->ike_proposals[p];
    for (int aead = 0; aead < 2; aead++) {
      IkeProposalCfg x;
      memset(&x, 0, sizeof x);
      bool he = false, hi = aead, hp = false, hd = false;
      for (unsigned e = 0; e < dp->n_encr; e++)
        if (ike_encr_is_aead(dp->encr[e].id) == (bool)aead &&
            ike_suite_valid(&(IkeSuite){dp->encr[e].id, dp->encr[e].key_bits,
                                        aead ? AUTH_NONE : AUTH_HMAC_SHA2_256_128,
                                        PRF_HMAC_SHA2_256, DH_ECP_256}))
          *truncated |= !push(&x.encr, &x.key_bits, &he, &x.encr_alt, dp->encr[e].id,
                              dp->encr[e].key_bits);
      for (unsigned i = 0; !aead && i < dp->n_integ; i++)
        if (ike_suite_valid(&(IkeSuite){ENCR_AES_CBC, 128, dp->integ[i], PRF_HMAC_SHA2_256,
                                        DH_ECP_256}))
          *truncated |= !push(&x.integ, NULL, &hi, &x.integ_alt, dp->integ[i], 0);
      for (unsigned f = 0; f < dp->n_prf; f++)
        if (ike_suite_valid(&(IkeSuite){ENCR_AES_CBC, 128, AUTH_HMAC_SHA2_256_128, dp->prf[f],
                                        DH_ECP_256}))
          *truncated |= !push(&x.prf, NULL, &hp, &x.prf_alt, dp->prf[f], 0);
      for (unsigned g = 0; g < dp->n_dh; g++)
        if (ike_dh_supported(dp->dh[g]))
          *truncated |= !push(&x.dh, NULL, &hd, &x.dh_alt, dp->dh[g], 0);
      if (!he || !hi || !hp || !hd)
        continue;
      if (c->n_ike == IKEV2_MAX_PROPOSALS) {
        *truncated = true;
        return;
      }
      c->ike[c->n_ike++] = x;
    }
  }
}

static void map_esp(const DevConfig *d, IkeConfig *c, bool *truncated)
{
  for (unsigned p = 0; p < d->n_esp_proposals; p++) {
    const DevProposal *dp = &d->esp_proposals[p];
    bool esn = dp->n_esn && dp->esn[0] == ESN_YES;
    for (int aead = 0; aead < 2; aead++) {
      ChildProposalCfg x;
      memset(&x, 0, sizeof x);
      x.esn = esn;
      bool he = false, hi = aead || !dp->n_integ, hd = false;
      for (unsigned e = 0; e < dp->n_encr; e++)
        if (ike_encr_is_aead(dp->encr[e].id) == (bool)aead &&
            esp_encr_info(dp->encr[e].id, dp->encr[e].key_bits))
          *truncated |= !push(&x.encr, &x.key_bits, &he, &x.encr_alt, dp->encr[e].id,
                              dp->encr[e].key_bits);
      for (unsigned i = 0; !aead && i < dp->n_integ; i++)
        if (esp_integ_info(dp->integ[i]))
          *truncated |= !push(&x.integ, NULL, &hi, &x.integ_alt, dp->integ[i], 0);
      /* PFS groups (DH_NONE first: none; strongSwan lists it last to make PFS optional,
       * which the engine does not model) */
      for (unsigned g = 0; g < dp->n_dh && dp->dh[0] != DH_NONE; g++)
        if (dp->dh[g] != DH_NONE && ike_dh_supported(dp->dh[g]))
          *truncated |= !push(&x.dh, NULL, &hd, &x.dh_alt, dp->dh[g], 0);
      if (!he || !hi)
        continue;
      if (c->n_esp == IKEV2_MAX_CHILD_PROPOSALS) {
        *truncated = true;
        return;
      }
      c->esp[c->n_esp++] = x;
    }
  }
}

bool dev_ike_config(const DevConfig *d, IkeConfig *out, bool *truncated, const char **why)
{
  *truncated = false;
  if (d->ike_version != 2) {
    *why = "an IKEv1 device takes dev_ike_config_v1";
    return false;
  }
  if (!d->has_peer || !d->has_public_ip) {
    *why = "the device has no public address or no peer";
    return false;
  }
  IkeConfig c;
  ike_config_defaults(&c);
  c.name = d->name;
  c.local_addr = d->public_ip;
  c.remote_addr = d->peer;
  identity(&d->local_id, d->public_ip, &c.local_id);
  identity(&d->remote_id, d->peer, &c.remote_id);
  c.psk = (const uint8_t *)(d->psk ? d->psk : "");
  c.psk_len = d->psk ? strlen(d->psk) : 0;
  map_ike(d, &c, truncated);
  map_esp(d, &c, truncated);
  if (!c.n_ike || !c.n_esp) {
    *why = "no IKE or ESP proposal with algorithms the engine implements";
    return false;
  }
  c.ike_lifetime_s = d->ike_lifetime_s;
  c.child_lifetime_s = d->child_lifetime_s;
  c.child_lifetime_kb = d->child_lifetime_kb;
  /* the engine has one margin: the child's (rekeys of children come first and often) */
  c.rekey_margin_s = d->child_rekey_margin_s;
  c.rekey_jitter_s = (uint32_t)((uint64_t)d->child_rekey_margin_s * d->rekey_fuzz_percent / 100);
  if (c.rekey_jitter_s >= c.rekey_margin_s && c.rekey_margin_s)
    c.rekey_jitter_s = c.rekey_margin_s - 1;
  c.dpd_interval_s = d->dpd_interval_s;
  c.dpd_timeout_s = d->dpd_timeout_s;
  /* hold: the SAs go; traffic brings the tunnel back through the acquire hook */
  c.dpd_action = d->dpd_action == DEV_DPD_RESTART ? IKE_DPD_RESTART : IKE_DPD_CLEAR;
  c.start = d->start_action == DEV_START_INITIATE   ? IKE_START_INITIATE
            : d->start_action == DEV_START_RESPOND ? IKE_START_RESPOND
                                                   : IKE_START_ON_TRAFFIC;
  c.natt = d->nat_traversal;
  c.keepalive_s = d->nat_keepalive_s;
  if (d->ts_mode == DEV_TS_PREFIXES)
    for (unsigned a = 0; a < d->n_ts_local; a++)
      for (unsigned b = 0; b < d->n_ts_remote && c.n_ts < IKEV2_MAX_TS; b++)
        c.ts[c.n_ts++] = (IkeTsPair){ipv4_range_from_prefix(d->ts_local[a]),
                                     ipv4_range_from_prefix(d->ts_remote[b])};
  *out = c;
  return true;
}

/* The first transform and its alternatives as one list. */
static size_t alts(uint16_t first, uint16_t first_kb, const IkeAltList *a, uint16_t *id,
                   uint16_t *kb)
{
  id[0] = first;
  kb[0] = first_kb;
  size_t n = 1;
  for (size_t i = 0; i < a->n && n < IKEV2_MAX_ALT + 1; i++, n++) {
    id[n] = a->id[i];
    kb[n] = a->key_bits[i];
  }
  return n;
}

bool dev_ike_config_v1(const DevConfig *d, Ikev1Config *out, bool *truncated, const char **why)
{
  /* the device's settings as the IKEv2 engine takes them, then each proposal's
   * combinations as RFC 2409 transforms (one per combination, the device's order) */
  DevConfig d2 = *d;
  d2.ike_version = 2;
  IkeConfig c;
  if (!dev_ike_config(&d2, &c, truncated, why))
    return false;
  Ikev1Config v;
  ikev1_config_defaults(&v);
  v.local_addr = c.local_addr;
  v.remote_addr = c.remote_addr;
  v.psk = c.psk;
  v.psk_len = c.psk_len;
  uint16_t e[IKEV2_MAX_ALT + 1], ek[IKEV2_MAX_ALT + 1], h[IKEV2_MAX_ALT + 1],
      hk[IKEV2_MAX_ALT + 1], g[IKEV2_MAX_ALT + 1], gk[IKEV2_MAX_ALT + 1];
  for (size_t p = 0; p < c.n_ike; p++) {
    const IkeProposalCfg *x = &c.ike[p];
    size_t ne = alts(x->encr, x->key_bits, &x->encr_alt, e, ek);
    size_t nh = alts(x->integ, 0, &x->integ_alt, h, hk);
    size_t ng = alts(x->dh, 0, &x->dh_alt, g, gk);
    for (size_t a = 0; a < ne; a++)
      for (size_t b = 0; b < nh; b++)
        for (size_t k = 0; k < ng; k++) {
          Ikev1P1ProposalCfg r = {.encr = ikev1_encr_from_ikev2(e[a]),
                                  .key_bits = e[a] == ENCR_AES_CBC ? ek[a] : 0,
                                  .hash = ikev1_hash_from_integ(h[b]), .group = g[k]};
          if (!r.encr || !r.hash)
            continue; /* no RFC 2409 value (GCM, ChaCha20, a PRF-only suite) */
          if (v.n_p1 == IKEV1_MAX_P1_PROPOSALS) {
            *truncated = true;
            continue;
          }
          v.p1[v.n_p1++] = r;
        }
  }
  for (size_t p = 0; p < c.n_esp; p++) {
    const ChildProposalCfg *x = &c.esp[p];
    size_t ne = alts(x->encr, x->key_bits, &x->encr_alt, e, ek);
    size_t nh = alts(x->integ, 0, &x->integ_alt, h, hk);
    for (size_t a = 0; a < ne; a++)
      for (size_t b = 0; b < nh; b++) {
        bool aead = ike_encr_is_aead(e[a]);
        Ikev1P2ProposalCfg r = {.esp = e[a], .key_bits = ek[a],
                                .auth = aead ? 0 : ikev1_auth_from_integ(h[b]), .pfs = x->dh};
        if ((!aead && !r.auth) || (aead && b))
          continue;
        if (v.n_p2 == IKEV1_MAX_P2_PROPOSALS) {
          *truncated = true;
          continue;
        }
        v.p2[v.n_p2++] = r;
      }
  }
  if (!v.n_p1 || !v.n_p2) {
    *why = "no IKEv1 phase 1 or ESP proposal with algorithms the engine implements";
    return false;
  }
  v.p1_lifetime_s = c.ike_lifetime_s;
  v.p2_lifetime_s = c.child_lifetime_s;
  v.p2_lifetime_kb = c.child_lifetime_kb;
  v.rekey_margin_s = c.rekey_margin_s;
  /* RFC 3706: the device sends the DPD vendor ID and R-U-THERE when it has DPD on */
  v.dpd_vid = d->dpd_interval_s != 0;
  v.dpd_interval_s = d->dpd_interval_s;
  v.dpd_timeout_s = d->dpd_timeout_s;
  v.dpd_action = c.dpd_action;
  /* start: initiate (and again after a phase 1 expiry, facts 3.6); trap and none answer,
   * traffic brings the tunnel up through the acquire hook */
  v.start = d->start_action == DEV_START_INITIATE ? IKE_START_INITIATE : IKE_START_RESPOND;
  v.natt = d->nat_traversal;
  for (size_t k = 0; k < c.n_ts && v.n_ts < IKEV1_MAX_TS; k++)
    v.ts[v.n_ts++] = c.ts[k];
  *out = v;
  return true;
}

DevIke *dev_ike_new(const DevConfig *d, DevRuntime *rt, int tunnel, const EpEnv *env,
                    const EpIkeIo *io, Drbg *rng, char **err)
{
  IkeConfig c;
  Ikev1Config c1;
  bool trunc = false;
  const char *why = NULL;
  if (d->ike_version == 1 ? !dev_ike_config_v1(d, &c1, &trunc, &why)
                          : !dev_ike_config(d, &c, &trunc, &why)) {
    *err = g_strdup_printf("device '%s': %s", d->name, why);
    return NULL;
  }
  const char *tname = ep_dp_tunnel_name(dev_runtime_dp(rt), tunnel);
  EpIkeLink *l = NULL;
  ep_ike_impair_config(&d->impair, d->ike_version == 1 ? NULL : &c,
                       d->ike_version == 1 ? &c1 : NULL);
  if (d->ike_version == 1) {
    c1.name = d->name;
    l = ep_ike_link_new_v1(&c1, tname ? tname : "peer", dev_runtime_dp(rt), tunnel, env, io, rng);
  } else {
    l = ep_ike_link_new(&c, tname ? tname : "peer", dev_runtime_dp(rt), tunnel, env, io, rng);
  }
  if (!l) {
    *err = g_strdup_printf("device '%s': the IKE engine refused its configuration", d->name);
    return NULL;
  }
  ep_ike_link_set_device(l);
  ep_ike_link_set_impair(l, &d->impair);
  for (unsigned i = 0; i < d->impair.n; i++)
    if (d->impair.v[i].kind == EP_IMPAIR_ESP_BAD_ICV)
      ep_dp_tunnel_impair_icv(dev_runtime_dp(rt), tunnel, d->impair.v[i].nth);
    else if (d->impair.v[i].kind == EP_IMPAIR_TUNNEL_MTU)
      ep_dp_tunnel_impair_mtu(dev_runtime_dp(rt), tunnel, d->impair.v[i].mtu);
  if (trunc) {
    VsEvent ev = vs_event(env->now(env->user), d->name, "dev.ike.proposals_truncated");
    vs_event_uint(&ev, "ike", d->ike_version == 1 ? c1.n_p1 : c.n_ike);
    vs_event_uint(&ev, "esp", d->ike_version == 1 ? c1.n_p2 : c.n_esp);
    vs_event_emit(&env->events, &ev);
  }
  DevIke *k = g_new0(DevIke, 1);
  k->link = l;
  k->peer = d->peer;
  k->dp = dev_runtime_dp(rt);
  k->tunnel = tunnel;
  ep_ike_link_on_change(l, changed, k);
  ep_dp_tunnel_set_expiry_hook(k->dp, tunnel, sa_expired, k);
  return k;
}

void dev_ike_free(DevIke *k)
{
  if (!k)
    return;
  ep_dp_tunnel_set_expiry_hook(k->dp, k->tunnel, NULL, NULL);
  ep_ike_link_free(k->link);
  g_free(k);
}

void dev_ike_start(DevIke *k)
{
  ep_ike_link_start(k->link);
}

void dev_ike_acquire(DevIke *k)
{
  ep_ike_link_acquire(k->link);
}

void dev_ike_esp_authenticated(DevIke *k, Ipv4Addr src, uint16_t sport)
{
  /* the engine follows only a peer behind a NAT when the device itself is not (RFC 7296
   * 2.23) */
  ep_ike_link_esp_authenticated(k->link, src, sport);
}

void dev_ike_rx(DevIke *k, Ipv4Addr src, uint16_t sport, Ipv4Addr dst, uint16_t dport,
                const uint8_t *data, size_t len)
{
  if (src.v != k->peer.v)
    return; /* not our peer: dropped */
  ep_ike_link_rx(k->link, src, sport, dst, dport, data, len);
}

EpIkeLink *dev_ike_peek_link(DevIke *k)
{
  return k->link;
}
