/* SPDX-License-Identifier: MIT */
/* IKEv2 point-to-site on the third public IP of an active-active gateway (facts 7.2: an
 * active-active gateway needs a third public IP for P2S; facts 13.2, original document 004:
 * P2S resiliency is active-passive). The address (p2sPublicIpAddress) is the gateway
 * node's (sim/run/world.c), and one instance at a time holds it: instance 0 first; when it
 * goes down, the other instance takes it after the failover delay of the cause and keeps
 * it when instance 0 comes back; an instance that comes back while neither holds it takes
 * it at once (the rules the OpenVPN/SSTP listener follows, sim/run/p2s_tls.c). What the
 * node's ESP, UDP 500 and UDP 4500 sockets on the address receive goes to the holder's P2S
 * side (whose local address is the third IP, models/gateway/gw_endpoint.c), and what that
 * side sends from the third IP leaves by these sockets (sim/run/bind.c asks run_p2s_ip_udp
 * and run_p2s_ip_raw). The sessions of an
 * instance that goes down end with it (facts 8); its clients find out by DPD and connect
 * again to the same address, now the other instance's. */
#include "models/gateway/gw_instances.h"
#include "models/gateway/gw_p2s.h"
#include "sim/run/runner_private.h"

typedef struct {
  Run *run;
  const char *name; /* the gateway's */
  RunEp *i0;        /* its instance 0 */
  RunEp *holder;    /* the instance that holds the address now; NULL while none does */
  Ipv4Addr ip;      /* p2sPublicIpAddress */
  NetRawSocket *esp;
  NetUdpSocket *ike, *natt;
} P2sIp;

struct RunP2sIp {
  GPtrArray *gateways; /* P2sIp* */
  bool freeing;
};

/* Whether a gateway's IKEv2 P2S runs on its third public IP: active-active, IKEv2
 * enabled, the address given, and not the ikev2InstanceIp fault (the behaviour before:
 * each instance's own public IP, clients dialling instance 0's). */
static bool on_third_ip(const GwVirtualNetworkGateway *vg, uint32_t faults)
{
  return vg && gw_instances_active_active(vg) && vg->p2sPublicIpAddress.set &&
         vg->vpnClientConfiguration.set &&
         (vg->vpnClientConfiguration.vpnClientProtocols & GW_P2S_PROTO_IKEV2) &&
         !(faults & GW_P2S_FAULT_IKEV2_INSTANCE_IP);
}

Ipv4Addr run_p2s_ikev2_gateway_ip(Run *r, const GwVirtualNetworkGateway *vg)
{
  if (on_third_ip(vg, r->plan->p2s_faults))
    return vg->p2sPublicIpAddress.v;
  return vg && vg->n_publicIpAddresses ? vg->publicIpAddresses[0].v : (Ipv4Addr){0};
}

/* ---- what arrives on the address: the holder's ---- */

static void esp_rx(NetRawSocket *s, const uint8_t *data, size_t len, Ipv4Addr src, Ipv4Addr dst,
                   void *user)
{
  (void)s;
  P2sIp *g = user;
  if (g->holder && g->holder->dp && g->holder->state == RUN_INST_ACTIVE)
    ep_dp_rx_esp(g->holder->dp, src, dst, data, len);
}

static void ike_rx(P2sIp *g, Ipv4Addr src, uint16_t sport, uint16_t dport, const uint8_t *data,
                   size_t len)
{
  if (g->holder && g->holder->model && g->holder->state == RUN_INST_ACTIVE)
    ep_endpoint_ike_rx(g->holder->model, src, sport, g->ip, dport, data, len);
}

static void natt_rx(NetUdpSocket *s, const uint8_t *data, size_t len, Ipv4Addr src,
                    uint16_t sport, void *user)
{
  (void)s;
  P2sIp *g = user;
  /* RFC 3948 2.2: the non-ESP marker says IKE; the data plane hands it back */
  if (g->holder && g->holder->dp && g->holder->state == RUN_INST_ACTIVE &&
      ep_dp_rx_udp4500(g->holder->dp, src, sport, data, len) == EP_RX_IKE)
    ike_rx(g, src, sport, 4500, data, len);
}

static void ike500_rx(NetUdpSocket *s, const uint8_t *data, size_t len, Ipv4Addr src,
                      uint16_t sport, void *user)
{
  (void)s;
  ike_rx(user, src, sport, 500, data, len);
}

/* ---- who holds the address ---- */

/* The sockets are the gateway node's for the whole run, as its TCP 443 listener is: while
 * no instance holds the address what arrives is dropped (Azure's address answers nothing
 * then; ns-3 would answer a closed UDP port with an ICMP error). */
static bool open_sockets(P2sIp *g, char **err)
{
  Run *r = g->run;
  g->esp = net_raw_new(g->i0->node, INET_PROTO_ESP, g->ip, esp_rx, g);
  g->natt = net_udp_new(g->i0->node, g->ip, 4500, natt_rx, g);
  g->ike = net_udp_new(g->i0->node, g->ip, 500, ike500_rx, g);
  if (!g->esp || !g->natt || !g->ike) {
    char ab[IPV4_ADDR_STRLEN];
    *err = g_strdup_printf("%s: cannot open its ESP, UDP 500 or UDP 4500 socket on the P2S "
                           "address %s: %s", g->name, ipv4_addr_format(g->ip, ab),
                           net_world_last_error(r->world.w));
    return false;
  }
  return true;
}

static void close_sockets(P2sIp *g)
{
  net_raw_free(g->esp);
  net_udp_free(g->ike);
  net_udp_free(g->natt);
  g->esp = NULL;
  g->ike = g->natt = NULL;
  g->holder = NULL;
}

static P2sIp *gateway_of_ep(RunEp *ep)
{
  struct RunP2sIp *pi = ep->run->p2s_ip;
  RunEp *i0 = ep->instance <= 0 ? ep : ep->sibling;
  for (guint i = 0; pi && i < pi->gateways->len; i++) {
    P2sIp *g = g_ptr_array_index(pi->gateways, i);
    if (g->i0 == i0)
      return g;
  }
  return NULL;
}

bool run_p2s_ip_start(Run *r, char **err)
{
  const GwConfig *c = r->plan->cloud;
  for (unsigned i = 0; i < c->n_virtualNetworkGateways; i++) {
    const GwVirtualNetworkGateway *vg = &c->virtualNetworkGateways[i];
    if (!vg->name.v || !on_third_ip(vg, r->plan->p2s_faults) || !run_p2s_creds(r, vg->name.v))
      continue;
    RunEp *ep = run_gateway_instance(r, vg->name.v, 0);
    if (!ep || !ep->model)
      continue;
    if (!r->p2s_ip) {
      r->p2s_ip = g_new0(struct RunP2sIp, 1);
      r->p2s_ip->gateways = g_ptr_array_new_with_free_func(g_free);
    }
    P2sIp *g = g_new0(P2sIp, 1);
    g->run = r;
    g->name = vg->name.v;
    g->i0 = ep;
    g->ip = vg->p2sPublicIpAddress.v;
    g_ptr_array_add(r->p2s_ip->gateways, g);
    if (!open_sockets(g, err))
      return false;
    if (ep->state == RUN_INST_ACTIVE)
      g->holder = ep;
  }
  return true;
}

static void takeover_fire(NetWorld *w, void *user)
{
  (void)w;
  P2sIp *g = user;
  if (g->run->p2s_ip->freeing || g->holder)
    return;
  for (RunEp *x = g->i0; x; x = x == g->i0 ? g->i0->sibling : NULL)
    if (x->state == RUN_INST_ACTIVE && x->model) {
      g->holder = x;
      return;
    }
}

void run_p2s_ip_instance_down(RunEp *ep, int64_t takeover_ns)
{
  P2sIp *g = gateway_of_ep(ep);
  if (!g || g->holder != ep)
    return;
  g->holder = NULL;
  /* the other instance takes the address after the failover delay of the cause (facts
   * 13.2: P2S is active-passive on an active-active gateway; facts 8 gives the delays) */
  if (ep->sibling && ep->sibling->state == RUN_INST_ACTIVE)
    net_schedule(ep->run->world.w, takeover_ns, takeover_fire, g);
}

void run_p2s_ip_instance_up(RunEp *ep)
{
  P2sIp *g = gateway_of_ep(ep);
  if (g && !g->holder && ep->state == RUN_INST_ACTIVE && ep->model)
    g->holder = ep; /* neither held it: the first instance back takes it */
}

static P2sIp *held_by(RunEp *ep, Ipv4Addr src)
{
  if (!ep->run->p2s_ip || ep->instance < 0 || src.v == ep->public_ip.v)
    return NULL;
  P2sIp *g = gateway_of_ep(ep);
  return g && g->holder == ep && g->ip.v == src.v ? g : NULL;
}

NetUdpSocket *run_p2s_ip_udp(RunEp *ep, Ipv4Addr src, uint16_t sport)
{
  P2sIp *g = held_by(ep, src);
  return g ? (sport == 4500 ? g->natt : g->ike) : NULL;
}

NetRawSocket *run_p2s_ip_raw(RunEp *ep, Ipv4Addr src)
{
  P2sIp *g = held_by(ep, src);
  return g ? g->esp : NULL;
}

void run_p2s_ip_free(Run *r)
{
  if (!r->p2s_ip)
    return;
  r->p2s_ip->freeing = true;
  for (guint i = 0; i < r->p2s_ip->gateways->len; i++)
    close_sockets(g_ptr_array_index(r->p2s_ip->gateways, i));
  g_ptr_array_free(r->p2s_ip->gateways, TRUE);
  g_free(r->p2s_ip);
  r->p2s_ip = NULL;
}
