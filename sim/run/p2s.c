/* SPDX-License-Identifier: MIT */
/* Point-to-site in runs: the certificates (a server CA and each gateway's server
 * certificate, the named roots, each client's certificate, all from the run's DRBG), the
 * gateways' P2S credentials (trust, revocations, faults), the clients' nodes, links and
 * models (models/p2s/p2s_client.h), their connect times, and the PEM files written beside
 * the pcaps so that a person can reproduce a client. */
#include "models/gateway/gw_p2s.h"
#include "models/p2s/p2s_client.h"
#include "sim/run/runner_private.h"

#include <stdio.h>
#include <string.h>

typedef struct {
  char *name;
  IkeKey *key;
  IkeCert *cert;
} P2sRoot;

typedef struct {
  const ScnP2sClient *sc;
  char *name;  /* the client's node name */
  unsigned index;
  IkeCert *cert;
  const IkeKey *key; /* its entry's */
  Ipv4Addr public_ip;
  RunEp *ep;
  bool addressed;
} P2sClient;

typedef struct {
  char *gateway;
  IkeKey *server_key;
  IkeCert *server_cert;
  IkeTrust *trust;
  GwP2sCreds creds;
} P2sGateway;

struct RunP2s {
  IkeKey *ca_key;
  IkeCert *ca;
  IkeTrust *client_trust; /* the clients trust the server CA */
  GPtrArray *roots;       /* P2sRoot* */
  GPtrArray *keys;        /* IkeKey*: one per p2sClients entry */
  GPtrArray *clients;     /* P2sClient* */
  GHashTable *by_name;    /* node name -> P2sClient* (the first of the name) */
  GPtrArray *gateways;    /* P2sGateway* */
};

static void root_free(gpointer p)
{
  P2sRoot *r = p;
  ike_key_free(r->key);
  ike_cert_unref(r->cert);
  g_free(r->name);
  g_free(r);
}

static void client_free(gpointer p)
{
  P2sClient *c = p;
  ike_cert_unref(c->cert);
  g_free(c->name);
  g_free(c);
}

static void gateway_free(gpointer p)
{
  P2sGateway *g = p;
  ike_key_free(g->server_key);
  ike_cert_unref(g->server_cert);
  ike_trust_free(g->trust);
  g_free(g->gateway);
  g_free(g);
}

void run_p2s_free(Run *r)
{
  RunP2s *p = r->p2s;
  if (!p)
    return;
  g_ptr_array_free(p->gateways, TRUE);
  g_hash_table_destroy(p->by_name);
  g_ptr_array_free(p->clients, TRUE);
  g_ptr_array_free(p->keys, TRUE);
  g_ptr_array_free(p->roots, TRUE);
  ike_trust_free(p->client_trust);
  ike_cert_unref(p->ca);
  ike_key_free(p->ca_key);
  g_free(p);
  r->p2s = NULL;
}

static P2sRoot *root_get(Run *r, const char *name)
{
  RunP2s *p = r->p2s;
  for (guint i = 0; i < p->roots->len; i++) {
    P2sRoot *x = g_ptr_array_index(p->roots, i);
    if (!strcmp(x->name, name))
      return x;
  }
  P2sRoot *x = g_new0(P2sRoot, 1);
  x->name = g_strdup(name);
  g_autofree char *label = g_strdup_printf("p2s/root/%s", name);
  Drbg *rng = run_drbg_new(r, label);
  x->key = ike_key_new_rsa(rng, 2048);
  drbg_free(rng);
  x->cert = ike_cert_new(&(IkeCertSpec){.cn = name, .use = IKE_CERT_USE_CA}, x->key, NULL, NULL);
  g_ptr_array_add(p->roots, x);
  return x;
}

static P2sClient *client_find(Run *r, const char *name)
{
  return r->p2s ? g_hash_table_lookup(r->p2s->by_name, name) : NULL;
}

/* The node names of an entry: NAME for one, NAME-001 ... for a population. */
static char *client_name(const ScnP2sClient *sc, unsigned i)
{
  if (sc->count == 1)
    return g_strdup(sc->name);
  int w = sc->count >= 10000 ? 5 : sc->count >= 1000 ? 4 : 3;
  return g_strdup_printf("%s-%0*u", sc->name, w, i + 1);
}

bool run_p2s_pki(Run *r, char **err)
{
  const ScnPlan *P = r->plan;
  const GwConfig *c = P->cloud;
  bool any = P->n_p2s_clients > 0;
  for (unsigned i = 0; i < c->n_virtualNetworkGateways && !any; i++)
    any = c->virtualNetworkGateways[i].vpnClientConfiguration.set;
  if (!any)
    return true;
  RunP2s *p = r->p2s = g_new0(RunP2s, 1);
  p->roots = g_ptr_array_new_with_free_func(root_free);
  p->keys = g_ptr_array_new_with_free_func((GDestroyNotify)ike_key_free);
  p->clients = g_ptr_array_new_with_free_func(client_free);
  p->by_name = g_hash_table_new(g_str_hash, g_str_equal);
  p->gateways = g_ptr_array_new_with_free_func(gateway_free);
  Drbg *rng = run_drbg_new(r, "p2s/server-ca");
  p->ca_key = ike_key_new_rsa(rng, 2048);
  drbg_free(rng);
  p->ca = ike_cert_new(&(IkeCertSpec){.cn = "vpnsim P2S server CA", .use = IKE_CERT_USE_CA},
                       p->ca_key, NULL, NULL);
  p->client_trust = ike_trust_new();
  ike_trust_add_root(p->client_trust, p->ca);
  /* the clients' certificates, one key per entry */
  for (unsigned e = 0; e < P->n_p2s_clients; e++) {
    const ScnP2sClient *sc = &P->p2s_clients[e];
    if (!sc->name || !sc->issuer)
      continue;
    P2sRoot *root = root_get(r, sc->issuer);
    g_autofree char *label = g_strdup_printf("p2s/client/%s", sc->name);
    Drbg *kr = run_drbg_new(r, label);
    IkeKey *key = sc->key_type == SCN_P2S_KEY_ECDSA ? ike_key_new_ecdsa(kr)
                                                    : ike_key_new_rsa(kr, sc->key_bits);
    drbg_free(kr);
    if (!key) {
      *err = g_strdup_printf("%s:%u:%u: P2S client '%s': cannot generate its key", sc->loc.file,
                             sc->loc.line, sc->loc.col, sc->name);
      return false;
    }
    g_ptr_array_add(p->keys, key);
    for (unsigned i = 0; i < sc->count; i++) {
      P2sClient *cl = g_new0(P2sClient, 1);
      cl->sc = sc;
      cl->index = i;
      cl->name = client_name(sc, i);
      cl->key = key;
      cl->public_ip.v = sc->public_ip.v + i;
      cl->cert = ike_cert_new(&(IkeCertSpec){.cn = cl->name, .use = IKE_CERT_USE_CLIENT,
                                             .serial = 1000 + (uint64_t)e * 100000 + i},
                              key, root->cert, root->key);
      g_ptr_array_add(p->clients, cl);
      if (!g_hash_table_contains(p->by_name, cl->name))
        g_hash_table_insert(p->by_name, cl->name, cl);
    }
  }
  /* each gateway's server certificate and trust */
  for (unsigned i = 0; i < c->n_virtualNetworkGateways; i++) {
    const GwVirtualNetworkGateway *g = &c->virtualNetworkGateways[i];
    const GwVpnClientConfiguration *vc = &g->vpnClientConfiguration;
    if (!vc->set || !g->name.v)
      continue;
    P2sGateway *pg = g_new0(P2sGateway, 1);
    pg->gateway = g_strdup(g->name.v);
    g_autofree char *label = g_strdup_printf("p2s/server/%s", g->name.v);
    Drbg *sr = run_drbg_new(r, label);
    pg->server_key = ike_key_new_rsa(sr, 2048);
    drbg_free(sr);
    g_autofree char *cn = g_strdup_printf("%s.vpn.vpnsim.test", g->name.v);
    pg->server_cert = ike_cert_new(&(IkeCertSpec){.cn = cn, .use = IKE_CERT_USE_SERVER,
                                                  .serial = 2 + i},
                                   pg->server_key, p->ca, p->ca_key);
    pg->trust = ike_trust_new();
    /* facts 7.1: certificate authentication with RSA client certificates only */
    ike_trust_set_rsa_only(pg->trust, !(P->p2s_faults & GW_P2S_FAULT_ACCEPT_ECDSA));
    for (unsigned k = 0; k < vc->n_vpnClientRootCertificates; k++)
      if (vc->vpnClientRootCertificates[k].name.set)
        ike_trust_add_root(pg->trust, root_get(r, vc->vpnClientRootCertificates[k].name.v)->cert);
    if (P->p2s_faults & GW_P2S_FAULT_ANY_ROOT)
      for (guint k = 0; k < p->roots->len; k++)
        ike_trust_add_root(pg->trust, ((P2sRoot *)g_ptr_array_index(p->roots, k))->cert);
    for (unsigned k = 0; k < vc->n_vpnClientRevokedCertificates && !(P->p2s_faults & GW_P2S_FAULT_IGNORE_REVOKED); k++) {
      const GwP2sRevokedCertificate *rv = &vc->vpnClientRevokedCertificates[k];
      const char *tp = rv->thumbprint.set ? rv->thumbprint.v : NULL;
      if (rv->client.set) {
        P2sClient *cl = client_find(r, rv->client.v);
        if (!cl) {
          *err = g_strdup_printf("%s:%u:%u: revoked certificate '%s': no P2S client '%s'",
                                 rv->loc.file, rv->loc.line, rv->loc.col,
                                 rv->name.v ? rv->name.v : "", rv->client.v);
          return false;
        }
        tp = ike_cert_thumbprint(cl->cert);
      }
      if (tp && !ike_trust_revoke(pg->trust, tp)) {
        *err = g_strdup_printf("%s:%u:%u: revoked certificate '%s': thumbprint '%s' is not 40 "
                               "hex digits", rv->loc.file, rv->loc.line, rv->loc.col,
                               rv->name.v ? rv->name.v : "", tp);
        return false;
      }
    }
    pg->creds = (GwP2sCreds){.trust = pg->trust, .server_cert = pg->server_cert,
                             .server_key = pg->server_key, .faults = P->p2s_faults};
    g_ptr_array_add(p->gateways, pg);
  }
  return true;
}

const GwP2sCreds *run_p2s_creds(Run *r, const char *gateway)
{
  for (guint i = 0; r->p2s && i < r->p2s->gateways->len; i++) {
    P2sGateway *g = g_ptr_array_index(r->p2s->gateways, i);
    if (!strcmp(g->gateway, gateway))
      return &g->creds;
  }
  return NULL;
}

/* ---- clients ---- */

static P2sClient *client_of(RunEp *ep)
{
  return client_find(ep->run, ep->cfgname);
}

/* EpEnv.tunnel_state: the client's tunnel came up (its address is known: the tunnel
 * interface takes it as its first address, so the node's traffic leaves from it) */
static void client_tunnel_state(void *user, int tunnel, bool up)
{
  (void)tunnel;
  RunEp *ep = user;
  P2sClient *c = client_of(ep);
  Ipv4Addr a = {0};
  /* a reconnect that gets the address it had keeps it; another one comes first (the
   * node's traffic leaves from it), as for OpenVPN and SSTP clients */
  if (up && c && ep->model && p2s_client_address(ep->model, &a) &&
      (!c->addressed || net_dev_address(net_tunnel_dev(ep->tun)).v != a.v)) {
    /* the address of the previous connection goes: it may be another client's by now */
    if (c->addressed)
      net_dev_remove_address(net_tunnel_dev(ep->tun), net_dev_address(net_tunnel_dev(ep->tun)));
    net_dev_add_primary_address(net_tunnel_dev(ep->tun), a, 32);
    c->addressed = true;
  }
  char ab[IPV4_ADDR_STRLEN];
  VsEvent ev = vs_event(net_world_now(ep->run->world.w), ep->name,
                        up ? "p2s.client.connected" : "p2s.client.disconnected");
  if (up)
    vs_event_str(&ev, "address", ipv4_addr_format(a, ab));
  run_emit(ep->run, &ev);
}

static void connect_fire(NetWorld *w, void *user)
{
  (void)w;
  RunEp *ep = user;
  if (ep->model)
    p2s_client_connect(ep->model);
}

static const GwVirtualNetworkGateway *client_gateway(Run *r, const ScnP2sClient *sc)
{
  return sc->gateway ? gw_config_find_gateway(r->plan->cloud, sc->gateway) : NULL;
}

/* the routes into the client's tunnel: the VNet's address space and the pool */
void run_p2s_tunnel_routes(Run *r, RunEp *ep, NetDev *td)
{
  P2sClient *c = client_of(ep);
  const GwVirtualNetworkGateway *g = c ? client_gateway(r, c->sc) : NULL;
  const GwVirtualNetwork *v = g ? gw_config_find_vnet(r->plan->cloud, g->virtualNetwork.v) : NULL;
  for (unsigned a = 0; v && a < v->n_addressSpace; a++)
    net_route_add(ep->node, v->addressSpace[a].v, (Ipv4Addr){0}, td, 0);
  for (unsigned a = 0; g && a < g->vpnClientConfiguration.n_vpnClientAddressPool; a++)
    net_route_add(ep->node, g->vpnClientConfiguration.vpnClientAddressPool[a].v, (Ipv4Addr){0},
                  td, 0);
}

/* the gateway's routes to its pool lead into its tunnel interface */
void run_p2s_gateway_routes(Run *r, RunEp *ep, NetDev *td)
{
  const GwVirtualNetworkGateway *g = gw_config_find_gateway(r->plan->cloud, ep->cfgname);
  if (!g || !run_p2s_creds(r, ep->cfgname))
    return;
  for (unsigned a = 0; a < g->vpnClientConfiguration.n_vpnClientAddressPool; a++)
    net_route_add(ep->node, g->vpnClientConfiguration.vpnClientAddressPool[a].v, (Ipv4Addr){0},
                  td, 0);
}

bool run_p2s_clients_build(Run *r, char **err)
{
  if (!r->p2s)
    return true;
  RunP2s *p = r->p2s;
  for (guint i = 0; i < p->clients->len; i++) {
    P2sClient *c = g_ptr_array_index(p->clients, i);
    const ScnP2sClient *sc = c->sc;
    if (sc->count == 1 && run_live_replaces(r, c->name))
      continue; /* live mode: the real client is on a TAP of its gateway (sim/run/live.c) */
    const GwVirtualNetworkGateway *g = client_gateway(r, sc);
    if (!g || g->n_publicIpAddresses < 1) {
      *err = g_strdup_printf("%s:%u:%u: P2S client '%s': its gateway has no public IP",
                             sc->loc.file, sc->loc.line, sc->loc.col, sc->name);
      return false;
    }
    NetNode *n = g_hash_table_lookup(r->world.nodes, c->name);
    if (!n) {
      n = net_node_new(r->world.w, c->name);
      if (!n) {
        *err = g_strdup_printf("cannot create node '%s'", c->name);
        return false;
      }
      g_hash_table_insert(r->world.nodes, c->name, n);
    }
    /* its access link to the internet router (no pcap: the gateway's link shows its
     * packets) */
    NetLinkConfig lc = {.rate_bps = 100000000ull, .delay_ns = sc->link_delay_ns};
    NetLink *l = net_link_p2p_new(r->world.w, n, r->world.internet, &lc);
    if (!l) {
      *err = g_strdup_printf("P2S client '%s': %s", c->name, net_world_last_error(r->world.w));
      return false;
    }
    NetDev *cd = net_link_dev(l, 0), *id = net_link_dev(l, 1);
    net_dev_add_address(cd, c->public_ip, 32);
    net_route_default(n, (Ipv4Addr){0}, cd, 0);
    net_dev_add_address(id, ipv4_addr(100, (uint8_t)(96 + (i >> 16)), (uint8_t)(i >> 8), (uint8_t)i), 32);
    net_route_add(r->world.internet, ipv4_prefix_make(c->public_ip, 32), (Ipv4Addr){0}, id, 0);
    int64_t at = sc->connect_at_ns;
    if (sc->count > 1)
      at += (int64_t)((double)sc->connect_spread_ns * c->index / sc->count);
    if (sc->protocol != GW_P2S_PROTO_IKEV2) {
      /* OpenVPN or SSTP: TLS over TCP 443 (sim/run/p2s_tls.c) */
      if (!run_p2s_tls_client_new(r, c->name, n, sc->protocol, run_p2s_tls_gateway_ip(g),
                                  c->cert, c->key, p->client_trust, sc->tls_max_version, at,
                                  sc->reconnect, sc->reconnect_delay_ns, err))
        return false;
      continue;
    }
    RunEp *ep = run_ep_new(r, &run_p2s_inside, c->name, c->name, n);
    ep->public_ip = c->public_ip;
    ep->underlay = cd;
    ep->env.tunnel_state = client_tunnel_state;
    P2sClientConfig cc = {.name = c->name, .public_ip = c->public_ip,
                          .gateway_ip = run_p2s_ikev2_gateway_ip(r, g), .cert = c->cert,
                          .key = c->key, .trust = p->client_trust, .reconnect = sc->reconnect,
                          .frag_threshold = sc->ike_fragmentation ? 1200 : 0};
    const GwVirtualNetwork *v = gw_config_find_vnet(r->plan->cloud, g->virtualNetwork.v);
    for (unsigned a = 0; v && a < v->n_addressSpace && cc.n_remote < EP_DP_MAX_PREFIXES; a++)
      cc.remote[cc.n_remote++] = v->addressSpace[a].v;
    for (unsigned a = 0; a < g->vpnClientConfiguration.n_vpnClientAddressPool &&
                         cc.n_remote < EP_DP_MAX_PREFIXES; a++)
      cc.remote[cc.n_remote++] = g->vpnClientConfiguration.vpnClientAddressPool[a].v;
    char *why = NULL;
    ep->model = p2s_client_new(&cc, &ep->env, &why);
    if (!ep->model) {
      *err = g_strdup_printf("P2S client '%s' cannot run: %s", c->name, why);
      g_free(why);
      run_ep_free(ep);
      return false;
    }
    ep->dp = ep->model->dp;
    c->ep = ep;
    g_ptr_array_add(r->eps, ep);
    net_schedule(r->world.w, at, connect_fire, ep);
  }
  return true;
}

bool run_p2s_client_address(Run *r, const char *client, Ipv4Addr *out)
{
  P2sClient *c = client_find(r, client);
  *out = (Ipv4Addr){0};
  if (c && c->sc->protocol != GW_P2S_PROTO_IKEV2)
    return run_p2s_tls_client_address(r, client, out);
  return c && c->ep && c->ep->model && p2s_client_address(c->ep->model, out);
}

/* ---- PEM files ---- */

static bool write_file(const char *dir, const char *name, const char *text, char **err)
{
  g_autofree char *path = g_build_filename(dir, name, NULL);
  g_autoptr(GError) e = NULL;
  if (!g_file_set_contents(path, text, -1, &e)) {
    *err = g_strdup(e->message);
    return false;
  }
  return true;
}

bool run_p2s_write(Run *r, const char *dir, char **err)
{
  RunP2s *p = r->p2s;
  if (!p)
    return true;
  g_autofree char *sub = g_build_filename(dir, "p2s", NULL);
  if (g_mkdir_with_parents(sub, 0755) != 0) {
    *err = g_strdup_printf("cannot create %s", sub);
    return false;
  }
  g_autofree char *ca = ike_cert_pem(p->ca);
  if (!write_file(sub, "server-ca.cert.pem", ca, err))
    return false;
  for (guint i = 0; i < p->roots->len; i++) {
    P2sRoot *x = g_ptr_array_index(p->roots, i);
    g_autofree char *pem = ike_cert_pem(x->cert);
    g_autofree char *name = g_strdup_printf("root-%s.cert.pem", x->name);
    if (!write_file(sub, name, pem, err))
      return false;
  }
  for (guint i = 0; i < p->gateways->len; i++) {
    P2sGateway *g = g_ptr_array_index(p->gateways, i);
    g_autofree char *pem = ike_cert_pem(g->server_cert);
    g_autofree char *name = g_strdup_printf("gateway-%s.cert.pem", g->gateway);
    if (!write_file(sub, name, pem, err))
      return false;
  }
  /* a client's key and certificate (a population: one file of certificates per entry,
   * with its shared key), and the thumbprints the gateway revokes by */
  GString *tp = g_string_new("# client thumbprint (SHA-1 of the DER certificate)\n");
  GString *pop = NULL;
  for (guint i = 0; i < p->clients->len; i++) {
    P2sClient *c = g_ptr_array_index(p->clients, i);
    g_string_append_printf(tp, "%s %s\n", c->name, ike_cert_thumbprint(c->cert));
    g_autofree char *pem = ike_cert_pem(c->cert);
    if (c->sc->count == 1 || c->index == 0) {
      g_autofree char *kp = ike_key_pem(c->key);
      g_autofree char *kn = g_strdup_printf("client-%s.key.pem", c->sc->name);
      bool ok = write_file(sub, kn, kp, err);
      explicit_bzero(kp, strlen(kp));
      if (!ok)
        return false;
    }
    if (c->sc->count == 1) {
      g_autofree char *cn = g_strdup_printf("client-%s.cert.pem", c->name);
      if (!write_file(sub, cn, pem, err))
        return false;
      continue;
    }
    if (!pop)
      pop = g_string_new(NULL);
    g_string_append(pop, pem);
    if (c->index + 1 == c->sc->count) {
      g_autofree char *cn = g_strdup_printf("client-%s.certs.pem", c->sc->name);
      bool ok = write_file(sub, cn, pop->str, err);
      g_string_free(pop, TRUE);
      pop = NULL;
      if (!ok)
        return false;
    }
  }
  bool ok = write_file(sub, "thumbprints.txt", tp->str, err);
  g_string_free(tp, TRUE);
  return ok;
}
