/* SPDX-License-Identifier: MIT */
/* The gateway's point-to-site side over IKEv2: per-client responder links with certificate
 * authentication, the facts 7.4 proposal tables, the pool and its split, the per-SKU
 * connection limit, routes to the clients. */
#include "models/gateway/gw_p2s.h"

#include "models/common/wire.h"
#include "models/gateway/gw_policy.h"
#include "models/ike/ike_crypto.h"

#include <glib.h>
#include <string.h>

NAME_TABLE(gw_p2s_fault_names, "P2S fault", {GW_P2S_FAULT_NO_LIMIT, "noConnectionLimit"},
           {GW_P2S_FAULT_IGNORE_REVOKED, "ignoreRevoked"},
           {GW_P2S_FAULT_ACCEPT_ECDSA, "acceptEcdsa"}, {GW_P2S_FAULT_S2S_PEER, "s2sPeerP2s"},
           {GW_P2S_FAULT_REVERSED_PROPOSALS, "reversedProposals"},
           {GW_P2S_FAULT_WHOLE_POOL, "wholePool"}, {GW_P2S_FAULT_ANY_ROOT, "anyRoot"},
           {GW_P2S_FAULT_ANY_TUNNEL_TYPE, "anyTunnelType"},
           {GW_P2S_FAULT_NO_TLS_TAKEOVER, "noTlsTakeover"},
           {GW_P2S_FAULT_IKEV2_INSTANCE_IP, "ikev2InstanceIp"});

#define IKE_PORT_NATT 4500

/* ---- the pool (facts 7.2) ---- */

/* Append addresses [first, first + n) of the prefixes, in order, to a share. */
static void share_take(const GwVpnClientConfiguration *p, uint64_t first, uint64_t n,
                       Ipv4Range *out, unsigned *n_out)
{
  uint64_t at = 0;
  for (unsigned i = 0; i < p->n_vpnClientAddressPool && n; i++) {
    Ipv4Prefix pf = p->vpnClientAddressPool[i].v;
    uint64_t size = 1ull << (32 - pf.len);
    uint64_t lo = MAX(first, at), hi = MIN(first + n, at + size);
    if (lo < hi && *n_out < GW_P2S_MAX_RANGES) {
      Ipv4Addr a = {(uint32_t)(pf.addr.v + (lo - at))}, b = {(uint32_t)(pf.addr.v + (hi - at) - 1)};
      out[(*n_out)++] = (Ipv4Range){a, b};
    }
    at += size;
  }
}

void gw_p2s_pool_split(const GwVpnClientConfiguration *p, bool whole_pool, GwP2sPool *out)
{
  memset(out, 0, sizeof *out);
  uint64_t total = 0;
  for (unsigned i = 0; i < p->n_vpnClientAddressPool; i++)
    total += 1ull << (32 - p->vpnClientAddressPool[i].v.len);
  bool sstp = (p->vpnClientProtocols & GW_P2S_PROTO_SSTP) != 0;
  bool ikev2 = (p->vpnClientProtocols & GW_P2S_PROTO_IKEV2) != 0;
  uint64_t s = 0;
  if (sstp && !ikev2)
    s = total;
  else if (sstp && !whole_pool)
    /* facts 7.2: SSTP never more than 128 addresses, the rest to IKEv2; smaller pools
     * are halved (split equally) */
    s = MIN(total / 2, 128);
  out->sstp_size = s;
  out->ikev2_size = ikev2 ? (whole_pool ? total : total - s) : 0;
  share_take(p, 0, s, out->sstp, &out->n_sstp);
  if (ikev2)
    share_take(p, whole_pool ? 0 : s, out->ikev2_size, out->ikev2, &out->n_ikev2);
}

/* ---- the IKEv2 responder configuration (facts 7.4) ---- */

typedef struct {
  uint16_t encr, key_bits, integ, prf;
  bool group2; /* rows 13-17 add GROUP_2 */
} P2sIkeRow;

/* IKE SA proposals in the documented order; each row's groups: 24, 14, ECP384, ECP256
 * (and 2 for the last). */
static const P2sIkeRow p2s_ike_rows[] = {
    {ENCR_AES_GCM_16, 256, AUTH_NONE, PRF_HMAC_SHA2_384, false},
    {ENCR_AES_GCM_16, 256, AUTH_NONE, PRF_HMAC_SHA2_256, false},
    {ENCR_AES_CBC, 256, AUTH_HMAC_SHA2_384_192, PRF_HMAC_SHA2_384, false},
    {ENCR_AES_CBC, 256, AUTH_HMAC_SHA2_256_128, PRF_HMAC_SHA2_256, true},
};
static const uint16_t p2s_groups[] = {DH_MODP_2048_256, DH_MODP_2048, DH_ECP_384, DH_ECP_256,
                                      DH_MODP_1024};

typedef struct {
  uint16_t encr, key_bits, integ;
  bool pfs; /* NONE, 24, 14, ECP384, ECP256 */
} P2sEspRow;

static const P2sEspRow p2s_esp_rows[] = {
    {ENCR_AES_GCM_16, 256, AUTH_NONE, true},
    {ENCR_AES_CBC, 256, AUTH_HMAC_SHA2_256_128, true},
    {ENCR_AES_CBC, 256, AUTH_HMAC_SHA1_96, false},
};

static void add_ike_row(IkeConfig *c, const P2sIkeRow *r, bool reversed)
{
  IkeProposalCfg p = {.encr = r->encr, .key_bits = r->key_bits, .integ = r->integ, .prf = r->prf};
  size_t ng = r->group2 ? 5 : 4;
  for (size_t k = 0; k < ng; k++) {
    uint16_t g = p2s_groups[reversed ? ng - 1 - k : k];
    if (k == 0)
      p.dh = g;
    else
      p.dh_alt.id[p.dh_alt.n++] = g;
  }
  c->ike[c->n_ike++] = p;
}

static void add_esp_row(IkeConfig *c, const P2sEspRow *r, bool reversed)
{
  ChildProposalCfg none = {.encr = r->encr, .key_bits = r->key_bits, .integ = r->integ};
  ChildProposalCfg pfs = none;
  if (r->pfs) {
    for (size_t k = 0; k < 4; k++) {
      uint16_t g = p2s_groups[reversed ? 3 - k : k];
      if (k == 0)
        pfs.dh = g;
      else
        pfs.dh_alt.id[pfs.dh_alt.n++] = g;
    }
  }
  if (reversed && r->pfs)
    c->esp[c->n_esp++] = pfs;
  c->esp[c->n_esp++] = none;
  if (!reversed && r->pfs)
    c->esp[c->n_esp++] = pfs;
}

static uint16_t prf_for(uint16_t integ)
{
  switch (integ) {
  case AUTH_HMAC_SHA1_96: return PRF_HMAC_SHA1;
  case AUTH_HMAC_SHA2_384_192: return PRF_HMAC_SHA2_384;
  case AUTH_HMAC_SHA2_512_256: return PRF_HMAC_SHA2_512;
  default: return PRF_HMAC_SHA2_256;
  }
}

/* A custom vpnClientIpsecPolicies entry (facts 7.4: the same fields as ipsecPolicies). */
static bool custom_policy(const GwIpsecPolicy *pol, IkeConfig *c)
{
  const GwPolicyValue *ie = gw_policy_value(GW_FIELD_IKE_ENCRYPTION, pol->ikeEncryption.v);
  const GwPolicyValue *ii = gw_policy_value(GW_FIELD_IKE_INTEGRITY, pol->ikeIntegrity.v);
  const GwPolicyValue *dh = gw_policy_value(GW_FIELD_DH_GROUP, pol->dhGroup.v);
  const GwPolicyValue *ee = gw_policy_value(GW_FIELD_IPSEC_ENCRYPTION, pol->ipsecEncryption.v);
  const GwPolicyValue *ei = gw_policy_value(GW_FIELD_IPSEC_INTEGRITY, pol->ipsecIntegrity.v);
  const GwPolicyValue *pfs = gw_policy_value(GW_FIELD_PFS_GROUP, pol->pfsGroup.v);
  if (!ie || !ii || !dh || !ee || !ei || dh->iana.id == DH_NONE)
    return false;
  IkeProposalCfg p = {.encr = ie->iana.id, .key_bits = ie->iana.key_bits, .dh = dh->iana.id};
  p.prf = prf_for(ii->iana.id);
  p.integ = ike_encr_is_aead(p.encr) ? AUTH_NONE : ii->iana.id;
  c->ike[0] = p;
  c->n_ike = 1;
  ChildProposalCfg e = {.encr = ee->iana.type == IKE_TRANSFORM_ENCR ? ee->iana.id : ENCR_NULL,
                        .key_bits = ee->iana.key_bits};
  e.integ = ike_encr_is_aead(e.encr) ? AUTH_NONE : ei->iana.id;
  if (pfs && pfs->iana.type == IKE_TRANSFORM_DH && pol->pfsGroup.v != GW_PFS_NONE)
    e.dh = pfs->iana.id;
  c->esp[0] = e;
  c->n_esp = 1;
  if (pol->saLifeTimeSeconds.set)
    c->child_lifetime_s = (uint32_t)pol->saLifeTimeSeconds.v;
  if (pol->saDataSizeKilobytes.set)
    c->child_lifetime_kb = (uint64_t)pol->saDataSizeKilobytes.v;
  return true;
}

bool gw_p2s_ike_config(const GwVirtualNetworkGateway *g, Ipv4Addr local, const GwP2sCreds *creds,
                       IkeConfig *out, const char **why)
{
  IkeConfig c;
  ike_config_defaults(&c);
  c.local_addr = local;
  c.start = IKE_START_RESPOND;
  c.auth_method = IKEV2_AUTH_DIGITAL_SIG;
  c.local_cert = creds->server_cert;
  c.local_key = creds->server_key;
  c.local_id.type = IKEV2_ID_DER_ASN1_DN;
  c.remote_id.type = 0;
  c.trust = creds->trust;
  c.peer_cert_use = IKE_CERT_USE_CLIENT;
  c.psk = NULL;
  c.psk_len = 0;
  c.natt = true;
  /* facts 12: P2S lifetimes and DPD are not documented: the S2S values (28,800 s IKE SA,
   * 27,000 s child SA, DPD 45 s) */
  c.ike_lifetime_s = 28800;
  c.child_lifetime_s = 27000;
  c.dpd_timeout_s = 45;
  c.dpd_interval_s = 10;
  c.dpd_action = IKE_DPD_CLEAR;
  const GwVpnClientConfiguration *p = &g->vpnClientConfiguration;
  if (p->n_vpnClientIpsecPolicies) {
    if (!custom_policy(&p->vpnClientIpsecPolicies[0], &c)) {
      *why = "the custom P2S policy has a value the engine cannot use";
      return false;
    }
  } else {
    bool rev = creds->faults & GW_P2S_FAULT_REVERSED_PROPOSALS;
    size_t n = G_N_ELEMENTS(p2s_ike_rows);
    for (size_t k = 0; k < n; k++)
      add_ike_row(&c, &p2s_ike_rows[rev ? n - 1 - k : k], rev);
    size_t m = G_N_ELEMENTS(p2s_esp_rows);
    for (size_t k = 0; k < m; k++)
      add_esp_row(&c, &p2s_esp_rows[rev ? m - 1 - k : k], rev);
  }
  *out = c;
  return true;
}

/* ---- sessions ---- */

typedef struct GwP2sSession GwP2sSession;

struct GwP2s {
  char *node;
  char *gw_name;
  EpDp *dp;
  EpEnv env;
  EpIkeIo io;
  Drbg *rng;
  const GwP2sCreds *creds;
  IkeConfig cfg;
  GwP2sPool pool;
  unsigned limit;
  char *sku;
  GHashTable *used;     /* assigned addresses (GUINT_TO_POINTER(addr + 1)) */
  GPtrArray *sessions;  /* GwP2sSession* */
  /* lookups that stay flat with the number of clients: the sessions by source address
   * and by tunnel (GPtrArray* each, in the order of sessions), how many hold an address,
   * and where the pool's first free address may be (every address of the IKEv2 share
   * before range hint_range, address hint_addr, is assigned or a prefix's edge) */
  GHashTable *by_src;    /* GUINT_TO_POINTER(src + 1) -> GPtrArray* */
  GHashTable *by_tunnel; /* GINT_TO_POINTER(tunnel + 1) -> GPtrArray* */
  unsigned n_assigned;
  unsigned hint_range;
  uint64_t hint_addr;
  Ipv4Prefix routes[IKEV2_MAX_TS];
  size_t n_routes;
  Ipv4Prefix pool_pfx[GW_MAX_PREFIXES];
  unsigned n_pool;
  unsigned connected;
  bool freeing;
  const char *drop_reason; /* gw_p2s_drop_all */
  GwP2sShare share;        /* the TLS side's OpenVPN clients (gw_p2s_set_share) */
};

struct GwP2sSession {
  GwP2s *p;
  Ipv4Addr src;
  uint16_t sport;
  int tunnel;
  EpIkeLink *link;
  EpEnv env; /* the gateway's with our event sink */
  char peer[32];
  char peer_ip[IPV4_ADDR_STRLEN];
  char *client; /* the certificate's CN once known */
  bool has_addr, connected, refused;
  bool had_sa; /* the engine held an IKE SA at some point */
  Ipv4Addr addr;
  EpTimerId reap;
};

static int64_t now(const GwP2s *p)
{
  return p->env.now(p->env.user);
}

static void sess_attrs(GwP2sSession *s, VsEvent *ev)
{
  vs_event_str(ev, "client", s->client ? s->client : "");
  vs_event_str(ev, "peer", s->peer);
  vs_event_str(ev, "peer_ip", s->peer_ip);
}

static void refuse(GwP2sSession *s, const char *reason)
{
  GwP2s *p = s->p;
  s->refused = true;
  VsEvent ev = vs_event(now(p), p->node, GW_P2S_EV_REFUSED);
  sess_attrs(s, &ev);
  vs_event_str(&ev, "reason", reason);
  vs_event_emit(&p->env.events, &ev);
}

/* The client's name for events: the commonName of its ID_DER_ASN1_DN identity (RFC 5280
 * 4.1.2.4: AttributeTypeAndValue with OID 2.5.4.3, then a string of one-octet length), or
 * the identity as text when it holds none. peer_id is the engine's copy of the ID data,
 * which ends at its first zero octet. */
static char *cn_of(const char *id)
{
  static const char oid[] = "\x06\x03\x55\x04\x03";
  const char *c = strstr(id, oid);
  if (c) {
    const uint8_t *v = (const uint8_t *)c + 5;
    size_t left = strlen(c) - 5;
    if (left >= 2 && v[1] < 0x80 && (size_t)v[1] + 2 <= left)
      return g_utf8_make_valid((const char *)v + 2, v[1]);
  }
  return g_utf8_make_valid(id, -1);
}

/* Is a the network or broadcast address of one of the n pool prefixes? (gw_p2s.h) */
bool gw_p2s_pool_edge(const Ipv4Prefix *pool, unsigned n, Ipv4Addr a)
{
  for (unsigned k = 0; k < n; k++) {
    Ipv4Prefix pf = pool[k];
    if (pf.len >= 31 || !ipv4_prefix_contains_addr(pf, a))
      continue;
    uint32_t host = a.v & ~ipv4_mask(pf.len);
    if (host == 0 || host == ~ipv4_mask(pf.len))
      return true;
  }
  return false;
}

static bool pool_edge(const GwP2s *p, Ipv4Addr a)
{
  return gw_p2s_pool_edge(p->pool_pfx, p->n_pool, a);
}

/* The first free address of the IKEv2 share in order, searched from the hint. */
static bool addr_next(GwP2s *p, Ipv4Addr *out)
{
  for (unsigned i = p->hint_range; i < p->pool.n_ikev2; i++) {
    Ipv4Range r = p->pool.ikev2[i];
    uint64_t from = i == p->hint_range ? MAX(p->hint_addr, (uint64_t)r.first.v) : r.first.v;
    for (uint64_t a = from; a <= r.last.v; a++) {
      Ipv4Addr x = {(uint32_t)a};
      if (pool_edge(p, x) || g_hash_table_contains(p->used, GUINT_TO_POINTER(x.v + 1)) ||
          (p->share.in_use && p->share.in_use(p->share.user, x)))
        continue;
      p->hint_range = i;
      p->hint_addr = a;
      *out = x;
      return true;
    }
  }
  p->hint_range = p->pool.n_ikev2;
  p->hint_addr = 0;
  return false;
}

/* An address went back to the pool: the search starts at it if it comes first. */
static void addr_freed(GwP2s *p, Ipv4Addr x)
{
  for (unsigned i = 0; i < p->pool.n_ikev2 && i <= p->hint_range; i++) {
    Ipv4Range r = p->pool.ikev2[i];
    if (x.v < r.first.v || x.v > r.last.v)
      continue;
    if (i < p->hint_range || x.v < p->hint_addr) {
      p->hint_range = i;
      p->hint_addr = x.v;
    }
    return;
  }
}

/* ---- the session indexes (by source address, by tunnel) ---- */

static void index_add(GHashTable *h, gpointer key, GwP2sSession *s)
{
  GPtrArray *l = g_hash_table_lookup(h, key);
  if (!l) {
    l = g_ptr_array_new();
    g_hash_table_insert(h, key, l);
  }
  g_ptr_array_add(l, s);
}

static void index_remove(GHashTable *h, gpointer key, GwP2sSession *s)
{
  GPtrArray *l = g_hash_table_lookup(h, key);
  if (l && g_ptr_array_remove(l, s) && !l->len)
    g_hash_table_remove(h, key); /* frees l */
}

static GPtrArray *sessions_from(const GwP2s *p, Ipv4Addr src)
{
  return g_hash_table_lookup(p->by_src, GUINT_TO_POINTER(src.v + 1));
}

/* IkeEnv.cp_assign: an address from the IKEv2 share, within the SKU's limit (facts 1.1) */
static bool sess_cp_assign(void *user, const char *peer_id, IkeCpLease *out)
{
  GwP2sSession *s = user;
  GwP2s *p = s->p;
  g_free(s->client);
  s->client = cn_of(peer_id ? peer_id : "");
  if (s->has_addr) {
    /* a rekeyed or re-authenticated SA keeps its address */
    out->addr = s->addr;
  } else {
    unsigned shared = p->share.count ? p->share.count(p->share.user) : 0;
    if (!(p->creds->faults & GW_P2S_FAULT_NO_LIMIT) && p->n_assigned + shared >= p->limit) {
      g_autofree char *why = g_strdup_printf(
          "connection limit: %s allows %u IKEv2/OpenVPN connections", p->sku, p->limit);
      refuse(s, why);
      return false;
    }
    if (!addr_next(p, &s->addr)) {
      refuse(s, "address pool exhausted (the IKEv2 share)");
      return false;
    }
    s->has_addr = true;
    p->n_assigned++;
    g_hash_table_add(p->used, GUINT_TO_POINTER(s->addr.v + 1));
    ep_dp_route_add(p->dp, ipv4_prefix_make(s->addr, 32), EP_ROUTE_TUNNEL, s->tunnel);
    out->addr = s->addr;
  }
  out->prefix_len = 0; /* no INTERNAL_IP4_NETMASK: the address alone */
  memcpy(out->routes, p->routes, sizeof p->routes);
  out->n_routes = p->n_routes;
  return true;
}

static unsigned share_connected(const GwP2s *p)
{
  return p->share.connected ? p->share.connected(p->share.user) : 0;
}

static void sess_release(GwP2sSession *s, const char *reason)
{
  GwP2s *p = s->p;
  bool was = s->connected;
  if (s->connected) {
    s->connected = false;
    p->connected--;
  }
  if (s->has_addr) {
    ep_dp_route_remove(p->dp, ipv4_prefix_make(s->addr, 32), EP_ROUTE_TUNNEL, s->tunnel);
    g_hash_table_remove(p->used, GUINT_TO_POINTER(s->addr.v + 1));
    addr_freed(p, s->addr);
    if (p->share.released)
      p->share.released(p->share.user, s->addr);
    s->has_addr = false;
    p->n_assigned--;
  }
  if (!was)
    return;
  char ab[IPV4_ADDR_STRLEN];
  VsEvent ev = vs_event(now(p), p->node, GW_P2S_EV_DISCONNECTED);
  sess_attrs(s, &ev);
  vs_event_str(&ev, "address", ipv4_addr_format(s->addr, ab));
  vs_event_str(&ev, "reason", reason);
  vs_event_uint(&ev, "connections", p->connected + share_connected(p));
  vs_event_emit(&p->env.events, &ev);
}

static void sess_free(gpointer data)
{
  GwP2sSession *s = data;
  if (s->reap && s->p->env.timer_cancel)
    s->p->env.timer_cancel(s->p->env.user, s->reap);
  EpIkeLink *l = s->link;
  s->link = NULL;
  if (l) {
    ep_ike_link_on_change(l, NULL, NULL);
    ep_ike_link_free(l);
  }
  sess_release(s, s->p->drop_reason ? s->p->drop_reason : "session ended");
  ep_dp_tunnel_down(s->p->dp, s->tunnel, "P2S session ended");
  index_remove(s->p->by_src, GUINT_TO_POINTER(s->src.v + 1), s);
  index_remove(s->p->by_tunnel, GINT_TO_POINTER(s->tunnel + 1), s);
  g_free(s->client);
  g_free(s);
}

/* A refused or ended session goes after the engine's step (never from inside it). */
static void sess_reap(void *arg)
{
  GwP2sSession *s = arg;
  s->reap = 0;
  GwP2s *p = s->p;
  if (s->link && s->refused)
    ep_ike_link_close(s->link);
  g_ptr_array_remove(p->sessions, s); /* frees s */
}

static void sess_changed(void *arg)
{
  GwP2sSession *s = arg;
  GwP2s *p = s->p;
  Ikev2Conn *c = ep_ike_link_conn(s->link);
  IkeSaState st = ikev2_conn_state(c);
  bool up = (st == IKE_SA_ESTABLISHED || st == IKE_SA_REKEYING) && ikev2_conn_n_children(c) > 0;
  if (up && !s->connected && s->has_addr) {
    s->connected = true;
    p->connected++;
    char ab[IPV4_ADDR_STRLEN];
    VsEvent ev = vs_event(now(p), p->node, GW_P2S_EV_CONNECTED);
    sess_attrs(s, &ev);
    vs_event_str(&ev, "address", ipv4_addr_format(s->addr, ab));
    vs_event_str(&ev, "protocol", "IkeV2");
    vs_event_uint(&ev, "connections", p->connected + share_connected(p));
    vs_event_emit(&p->env.events, &ev);
  }
  if (st != IKE_SA_DELETED)
    s->had_sa = true;
  bool gone = s->had_sa && (st == IKE_SA_DELETED || st == IKE_SA_FAILED);
  if ((gone || s->refused) && !s->reap)
    s->reap = p->env.timer_add(p->env.user, 0, sess_reap, s);
}

/* The engine's events, and the refusals they mean (a certificate that does not pass). */
static void sess_event(void *user, const VsEvent *ev)
{
  GwP2sSession *s = user;
  GwP2s *p = s->p;
  vs_event_emit(&p->env.events, ev);
  if (!strcmp(ev->type, IKE_EV_AUTH_FAILED) && !s->refused) {
    const VsAttr *a = vs_event_attr(ev, "cause");
    refuse(s, a && a->kind == VS_ATTR_STR ? a->v.s : "authentication failed");
  }
}

static GwP2sSession *sess_new(GwP2s *p, Ipv4Addr src, uint16_t sport)
{
  GwP2sSession *s = g_new0(GwP2sSession, 1);
  s->p = p;
  s->src = src;
  s->sport = sport;
  char ab[IPV4_ADDR_STRLEN];
  g_snprintf(s->peer, sizeof s->peer, "%s:%u", ipv4_addr_format(src, ab), sport);
  ipv4_addr_format(src, s->peer_ip);
  g_autofree char *tname = g_strdup_printf("p2s:%s", s->peer);
  /* the client's tunnel, keyed by where it comes from; an existing one of the same
   * address and port is taken again */
  s->tunnel = ep_dp_tunnel_find(p->dp, tname);
  if (s->tunnel < 0) {
    EpDpTunnelConfig tc = {.name = tname, .remote_public = src,
                           .local_public = p->cfg.local_addr};
    s->tunnel = ep_dp_tunnel_add(p->dp, &tc);
  }
  s->env = p->env;
  s->env.events = (VsEventSink){.emit = sess_event, .user = s};
  IkeConfig c = p->cfg;
  c.remote_addr = src;
  c.remote_port = sport;
  c.name = p->node;
  s->link = ep_ike_link_new_cp(&c, tname, p->dp, s->tunnel, &s->env, &p->io, p->rng,
                               sess_cp_assign, s);
  if (!s->link) {
    g_free(s);
    return NULL;
  }
  ep_ike_link_on_change(s->link, sess_changed, s);
  ep_ike_link_start(s->link);
  g_ptr_array_add(p->sessions, s);
  index_add(p->by_src, GUINT_TO_POINTER(src.v + 1), s);
  index_add(p->by_tunnel, GINT_TO_POINTER(s->tunnel + 1), s);
  return s;
}

/* ---- the P2S side ---- */

GwP2s *gw_p2s_new(const GwConfig *cfg, const char *name, const char *node, EpDp *dp,
                  Ipv4Addr local, unsigned sku_limit, const char *sku_name, const EpEnv *env,
                  const EpIkeIo *io, Drbg *rng, const GwP2sCreds *creds)
{
  const GwVirtualNetworkGateway *g = gw_config_find_gateway(cfg, name);
  if (!g || !creds || !creds->trust || !g->vpnClientConfiguration.set ||
      !(g->vpnClientConfiguration.vpnClientProtocols & GW_P2S_PROTO_IKEV2))
    return NULL;
  const GwVpnClientConfiguration *vc = &g->vpnClientConfiguration;
  GwP2s *p = g_new0(GwP2s, 1);
  p->node = g_strdup(node);
  p->gw_name = g_strdup(name);
  p->dp = dp;
  p->env = *env;
  p->io = *io;
  p->rng = rng;
  p->creds = creds;
  p->limit = sku_limit;
  p->sku = g_strdup(sku_name ? sku_name : "?");
  p->used = g_hash_table_new(NULL, NULL);
  p->sessions = g_ptr_array_new_with_free_func(sess_free);
  p->by_src = g_hash_table_new_full(NULL, NULL, NULL, (GDestroyNotify)g_ptr_array_unref);
  p->by_tunnel = g_hash_table_new_full(NULL, NULL, NULL, (GDestroyNotify)g_ptr_array_unref);
  const char *why = NULL;
  if (!gw_p2s_ike_config(g, local, creds, &p->cfg, &why)) {
    VsEvent ev = vs_event(now(p), p->node, EP_IKE_EV_REFUSED);
    vs_event_str(&ev, "connection", "point-to-site");
    vs_event_str(&ev, "reason", why);
    vs_event_emit(&p->env.events, &ev);
    gw_p2s_free(p);
    return NULL;
  }
  gw_p2s_pool_split(vc, creds->faults & GW_P2S_FAULT_WHOLE_POOL, &p->pool);
  for (unsigned i = 0; i < vc->n_vpnClientAddressPool && i < GW_MAX_PREFIXES; i++)
    p->pool_pfx[p->n_pool++] = vc->vpnClientAddressPool[i].v;
  /* the routes handed to clients (their TSr): the VNet's address space, and the pool, so
   * clients reach each other through the gateway (facts 7.1) */
  const GwVirtualNetwork *v = gw_config_find_vnet(cfg, g->virtualNetwork.v);
  for (unsigned i = 0; v && i < v->n_addressSpace && p->n_routes < IKEV2_MAX_TS; i++)
    p->routes[p->n_routes++] = v->addressSpace[i].v;
  for (unsigned i = 0; i < p->n_pool && p->n_routes < IKEV2_MAX_TS; i++)
    p->routes[p->n_routes++] = p->pool_pfx[i];
  return p;
}

void gw_p2s_drop_all(GwP2s *p, const char *reason)
{
  if (!p)
    return;
  p->drop_reason = reason;
  g_ptr_array_set_size(p->sessions, 0);
  p->drop_reason = NULL;
}

void gw_p2s_free(GwP2s *p)
{
  if (!p)
    return;
  p->freeing = true;
  p->drop_reason = "run ended";
  g_ptr_array_free(p->sessions, TRUE);
  g_hash_table_destroy(p->by_src);
  g_hash_table_destroy(p->by_tunnel);
  g_hash_table_destroy(p->used);
  g_free(p->node);
  g_free(p->gw_name);
  g_free(p->sku);
  g_free(p);
}

bool gw_p2s_fault(const GwP2s *p, GwP2sFault f)
{
  return p && (p->creds->faults & f);
}

unsigned gw_p2s_n_connected(const GwP2s *p)
{
  return p ? p->connected : 0;
}

static GwP2sSession *sess_by_spi(GwP2s *p, Ipv4Addr src, uint64_t spi_i)
{
  GPtrArray *l = sessions_from(p, src);
  for (guint i = 0; l && i < l->len; i++) {
    GwP2sSession *s = g_ptr_array_index(l, i);
    if (s->src.v == src.v && s->link && ep_ike_link_holds_sa(s->link, spi_i, 0))
      return s;
  }
  return NULL;
}

bool gw_p2s_holds(GwP2s *p, Ipv4Addr src, uint64_t spi_i)
{
  return p && sess_by_spi(p, src, spi_i) != NULL;
}

void gw_p2s_rx(GwP2s *p, Ipv4Addr src, uint16_t sport, Ipv4Addr dst, uint16_t dport,
               const uint8_t *data, size_t len)
{
  const uint8_t *b = data;
  size_t n = len;
  if (dport == IKE_PORT_NATT) {
    if (n < 4 || memcmp(b, "\0\0\0\0", 4) != 0) {
      ep_dp_count_ike_drop(p->dp, IKE_DROP_HEADER);
      return;
    }
    b += 4, n -= 4;
  }
  Ikev2Header h;
  Ikev2Diag d;
  if (ikev2_header_decode(b, n, &h, &d) != WIRE_OK) {
    ep_dp_count_ike_drop(p->dp, IKE_DROP_HEADER);
    return;
  }
  GwP2sSession *s = sess_by_spi(p, src, h.spi_i);
  if (!s) {
    bool init = h.exchange == IKEV2_IKE_SA_INIT && h.spi_r == 0 &&
                (h.flags & IKEV2_FLAG_INITIATOR) && !(h.flags & IKEV2_FLAG_RESPONSE);
    if (!init) {
      ep_dp_count_ike_drop(p->dp, IKE_DROP_NO_CONNECTION);
      return;
    }
    /* a client's retransmitted IKE_SA_INIT reaches the session it made */
    GPtrArray *l = sessions_from(p, src);
    for (guint i = 0; l && i < l->len && !s; i++) {
      GwP2sSession *k = g_ptr_array_index(l, i);
      if (k->src.v == src.v && k->sport == sport && !k->reap)
        s = k;
    }
    if (!s)
      s = sess_new(p, src, sport);
    if (!s)
      return;
  }
  ep_ike_link_rx(s->link, src, sport, dst, dport, data, len);
}

bool gw_p2s_esp_authenticated(GwP2s *p, int tunnel, Ipv4Addr src, uint16_t sport)
{
  GPtrArray *l = p ? g_hash_table_lookup(p->by_tunnel, GINT_TO_POINTER(tunnel + 1)) : NULL;
  for (guint i = 0; l && i < l->len; i++) {
    GwP2sSession *s = g_ptr_array_index(l, i);
    if (s->tunnel == tunnel && s->link)
      return ep_ike_link_esp_authenticated(s->link, src, sport), true;
  }
  return false;
}

void gw_p2s_set_share(GwP2s *p, const GwP2sShare *share)
{
  if (p)
    p->share = share ? *share : (GwP2sShare){0};
}

bool gw_p2s_addr_used(const GwP2s *p, Ipv4Addr a)
{
  return p && g_hash_table_contains(p->used, GUINT_TO_POINTER(a.v + 1));
}

void gw_p2s_addr_released(GwP2s *p, Ipv4Addr a)
{
  if (p)
    addr_freed(p, a);
}

unsigned gw_p2s_n_assigned(const GwP2s *p)
{
  return p ? p->n_assigned : 0;
}
