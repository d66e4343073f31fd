/* SPDX-License-Identifier: MIT */
/* The point-to-site client behind the tunnel-endpoint operations. */
#include "models/p2s/p2s_client.h"

#include <glib.h>
#include <string.h>

const EpDpEventTypes p2s_client_events = {
    .tunnel_connected = "client.tunnel.connected",
    .tunnel_disconnected = "client.tunnel.disconnected",
    .sa_installed = "client.tunnel.sa_installed",
    .sa_switched = "client.tunnel.sa_switched",
    .sa_deleted = "client.tunnel.sa_deleted",
    .sa_expired = "client.tunnel.sa_expired",
    .drop = "client.dataplane.drop",
    .metrics = "client.tunnel.metrics",
};

typedef struct {
  EpEndpoint ep; /* first */
  IkeConfig cfg;
  EpIkeLink *link;
  bool connecting;
  bool routed;
  Ipv4Addr addr;
} P2sClient;

static const EpOps p2s_client_ops;

static P2sClient *cl(EpEndpoint *ep)
{
  return ep && ep->ops == &p2s_client_ops ? (P2sClient *)ep : NULL;
}

static bool op_ike_new(EpEndpoint *ep, const EpIkeIo *io, Drbg *rng, char **err)
{
  P2sClient *c = cl(ep);
  c->link = ep_ike_link_new(&c->cfg, "point-to-site", ep->dp, 0, &ep->env, io, rng);
  if (!c->link) {
    *err = g_strdup("the client's IKE configuration cannot run");
    return false;
  }
  ep_ike_link_set_device(c->link);
  ep->ike = c->link;
  return true;
}

static void op_start(EpEndpoint *ep)
{
  ep_ike_link_start(cl(ep)->link); /* IKE_START_ON_TRAFFIC: nothing until connect */
}

static void op_ike_rx(EpEndpoint *ep, Ipv4Addr src, uint16_t sport, Ipv4Addr dst,
                      uint16_t dport, const uint8_t *data, size_t len)
{
  P2sClient *c = cl(ep);
  if (src.v == c->cfg.remote_addr.v)
    ep_ike_link_rx(c->link, src, sport, dst, dport, data, len);
}

static void op_acquire(EpEndpoint *ep, int tunnel, Ipv4Addr src, Ipv4Addr dst)
{
  (void)tunnel, (void)src, (void)dst;
  P2sClient *c = cl(ep);
  if (c->connecting)
    ep_ike_link_acquire(c->link);
}

static void op_esp_authenticated(EpEndpoint *ep, int tunnel, Ipv4Addr src, uint16_t sport)
{
  (void)tunnel;
  ep_ike_link_esp_authenticated(cl(ep)->link, src, sport);
}

static void op_free(EpEndpoint *ep)
{
  P2sClient *c = cl(ep);
  ep_ike_link_free(c->link);
  ep_dp_free(ep->dp);
  g_free(c);
}

static const EpOps p2s_client_ops = {
    .kind = "p2s-client",
    .ike_new = op_ike_new,
    .start = op_start,
    .ike_rx = op_ike_rx,
    .acquire = op_acquire,
    .esp_authenticated = op_esp_authenticated,
    .free = op_free,
};

EpEndpoint *p2s_client_new(const P2sClientConfig *cfg, const EpEnv *env, char **err)
{
  if (!cfg->cert || !cfg->key || !cfg->trust || cfg->n_remote > EP_DP_MAX_PREFIXES) {
    *err = g_strdup_printf("P2S client '%s': no certificate, key or trust", cfg->name);
    return NULL;
  }
  EpDpConfig dc = {.node = cfg->name, .public_ip = cfg->public_ip,
                   .events = &p2s_client_events};
  EpDp *dp = ep_dp_new(&dc, env);
  EpDpTunnelConfig t = {.name = "point-to-site", .remote_public = cfg->gateway_ip};
  for (unsigned i = 0; i < cfg->n_remote; i++)
    t.remote_prefixes[t.n_remote_prefixes++] = cfg->remote[i];
  ep_dp_tunnel_add(dp, &t);
  P2sClient *c = g_new0(P2sClient, 1);
  ep_endpoint_init(&c->ep, &p2s_client_ops, env, dp, cfg->public_ip, (Ipv4Addr){0});
  IkeConfig *k = &c->cfg;
  ike_config_defaults(k);
  k->name = cfg->name;
  k->local_addr = cfg->public_ip;
  k->remote_addr = cfg->gateway_ip;
  k->auth_method = IKEV2_AUTH_DIGITAL_SIG;
  k->local_cert = cfg->cert;
  k->local_key = cfg->key;
  k->local_id.type = IKEV2_ID_DER_ASN1_DN;
  k->remote_id.type = 0;
  k->trust = cfg->trust;
  k->peer_cert_use = IKE_CERT_USE_SERVER;
  k->cp_request = true;
  k->psk = NULL;
  k->psk_len = 0;
  k->natt = true;
  k->frag_threshold = cfg->frag_threshold;
  k->start = IKE_START_ON_TRAFFIC;
  k->dpd_interval_s = 10;
  k->dpd_timeout_s = 30;
  k->dpd_action = cfg->reconnect ? IKE_DPD_RESTART : IKE_DPD_CLEAR;
  k->ike_lifetime_s = 28800;
  k->child_lifetime_s = 27000;
  /* what a client offers (strongSwan's and Windows' suites both include these): AES-GCM
   * 256 with either PRF and the groups of facts 7.4, group 24 first (its KE), then
   * AES-CBC 256 with SHA-256; the gateway picks among them in its own order */
  k->ike[0] = (IkeProposalCfg){.encr = ENCR_AES_GCM_16, .key_bits = 256, .integ = AUTH_NONE,
                               .prf = PRF_HMAC_SHA2_384, .dh = DH_MODP_2048_256};
  k->ike[0].prf_alt = (IkeAltList){.n = 1, .id = {PRF_HMAC_SHA2_256}};
  k->ike[0].dh_alt = (IkeAltList){.n = 3, .id = {DH_MODP_2048, DH_ECP_384, DH_ECP_256}};
  k->ike[1] = (IkeProposalCfg){.encr = ENCR_AES_CBC, .key_bits = 256,
                               .integ = AUTH_HMAC_SHA2_256_128, .prf = PRF_HMAC_SHA2_256,
                               .dh = DH_MODP_2048_256};
  k->ike[1].dh_alt = (IkeAltList){.n = 3, .id = {DH_MODP_2048, DH_ECP_384, DH_ECP_256}};
  k->n_ike = 2;
  k->esp[0] = (ChildProposalCfg){.encr = ENCR_AES_GCM_16, .key_bits = 256, .integ = AUTH_NONE};
  k->esp[1] = (ChildProposalCfg){.encr = ENCR_AES_CBC, .key_bits = 256,
                                 .integ = AUTH_HMAC_SHA2_256_128};
  k->n_esp = 2;
  return &c->ep;
}

void p2s_client_connect(EpEndpoint *ep)
{
  P2sClient *c = cl(ep);
  if (!c || !c->link)
    return;
  c->connecting = true;
  ep_ike_link_acquire(c->link);
}

bool p2s_client_address(EpEndpoint *ep, Ipv4Addr *out)
{
  P2sClient *c = cl(ep);
  Ipv4Addr a;
  if (!c || !c->link || !ikev2_conn_internal_addr(ep_ike_link_conn(c->link), &a))
    return false;
  if (!c->routed || c->addr.v != a.v) {
    if (c->routed)
      ep_dp_route_remove(ep->dp, ipv4_prefix_make(c->addr, 32), EP_ROUTE_LOCAL, -1);
    ep_dp_route_add(ep->dp, ipv4_prefix_make(a, 32), EP_ROUTE_LOCAL, -1);
    c->routed = true;
    c->addr = a;
  }
  *out = a;
  return true;
}
