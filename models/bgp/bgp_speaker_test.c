/* SPDX-License-Identifier: MIT */
/* Three BGP speakers back to back in one process (an Azure gateway and two on-premises
 * devices) over a simulated in-order TCP: transit, Azure's export and import rules,
 * prepending and ECMP in best path selection, withdrawal on peer down, the 4,000-prefix
 * limit, 4-octet ASes through a 2-octet session, and route refresh. */
#include "models/bgp/bgp_azure.h"
#include "models/bgp/bgp_loopback.h"
#include "models/bgp/bgp_speaker.h"
#include "tests/lib/testutil.h"

#include <glib.h>
#include <string.h>

#define NS 1000000000ll
#define N_NODES 3
enum { GW = 0, DEV1 = 1, DEV2 = 2 };

/* The speakers over the in-order simulated TCP of models/bgp/bgp_loopback.h; each node's
 * user is its event lines ("type key=value ..."). */
typedef BgpLoopNode Node;
typedef struct {
  BgpLoop loop;
} Net;
#define EVENTS(nd) ((GPtrArray *)(nd)->user)

static void env_event(void *u, const VsEvent *ev)
{
  GPtrArray *events = u;
  GString *g = g_string_new(ev->type);
  for (unsigned i = 0; i < ev->n_attrs; i++) {
    const VsAttr *a = &ev->attrs[i];
    if (a->kind == VS_ATTR_STR)
      g_string_append_printf(g, " %s=%s", a->key, a->v.s);
    else if (a->kind == VS_ATTR_UINT && strcmp(a->key, "conn"))
      g_string_append_printf(g, " %s=%" G_GUINT64_FORMAT, a->key, a->v.u);
  }
  g_ptr_array_add(events, g_string_free(g, FALSE));
}

/* Deliver everything pending (a runaway exchange fails the test). */
static void pump(Net *n)
{
  bgp_loop_pump(&n->loop, 200000);
  g_assert_true(g_queue_is_empty(&n->loop.items));
  g_assert_cmpuint(n->loop.errors, ==, 0);
}

/* Run the timers up to 'until', delivering every message as soon as it is sent. */
static void advance(Net *n, int64_t until)
{
  bgp_loop_advance(&n->loop, until, 200000);
  g_assert_true(g_queue_is_empty(&n->loop.items));
  g_assert_cmpuint(n->loop.errors, ==, 0);
}

/* ---- the three speakers ---- */

typedef struct {
  bool no_ecmp;         /* the gateway without ECMP */
  unsigned prepend1;    /* dev1's prepending towards the gateway */
  uint32_t dev1_as;     /* 0: 65001 */
  bool dev2_no_as4;     /* dev2 offers no 4-octet AS capability */
  size_t dev1_extra;    /* dev1 originates this many 172.20.x.y/32 before the session */
} Setup;

static const char *const VNET = "10.1.0.0/16";

static uint32_t dev_as(const Setup *su, int d)
{
  return d == DEV1 ? (su->dev1_as ? su->dev1_as : 65001) : 65002;
}

static Ipv4Addr dev_addr(int d)
{
  return d == DEV1 ? tu_addr("192.168.1.254") : tu_addr("192.168.2.254");
}

static Net *net_new(const Setup *su)
{
  Net *n = g_new0(Net, 1);
  bgp_loop_init(&n->loop, N_NODES, 1000 * NS);
  for (int i = 0; i < N_NODES; i++)
    n->loop.node[i].user = g_ptr_array_new_with_free_func(g_free);
  Ipv4Addr gw_addr = tu_addr("10.1.255.30");
  /* the gateway: Azure's rows, its VNet and the two LNGs' prefixes */
  Ipv4Prefix vnet[] = {tu_prefix(VNET)};
  Ipv4Prefix lng[] = {tu_prefix("192.168.1.0/24"), tu_prefix("192.168.2.0/24")};
  BgpAzureGateway agw = {.node = "vgw1/0", .router_id = gw_addr, .vnet = vnet, .n_vnet = 1,
                         .lng = lng, .n_lng = 2};
  BgpSpeakerConfig gcfg;
  bgp_azure_speaker_config(&agw, &gcfg);
  gcfg.rib.ecmp = !su->no_ecmp;
  Node *g = &n->loop.node[GW];
  BgpSpeakerEnv env = bgp_loop_env(&n->loop, GW);
  env.events = (VsEventSink){env_event, g->user};
  g->sp = bgp_speaker_new(&gcfg, &env);
  for (int d = DEV1; d <= DEV2; d++) {
    BgpSpeakerPeerConfig pc = {0};
    bgp_azure_peer_config(&pc);
    pc.fsm.peer = d == DEV1 ? "site1" : "site2";
    pc.fsm.peer_as = dev_as(su, d);
    pc.fsm.idle_hold_s = 5;
    pc.fsm.passive = !bgp_azure_gateway_initiates(dev_addr(d), BGP_AZURE_CLAIM_NEWEST);
    pc.address = dev_addr(d);
    pc.local_address = gw_addr;
    g->to[d] = bgp_speaker_peer_add(g->sp, &pc);
  }
  /* the devices: no Azure policy, only loop prevention (BIRD does not send a route back to
   * where it came from either), BIRD's hold time, listening */
  for (int d = DEV1; d <= DEV2; d++) {
    Node *nd = &n->loop.node[d];
    BgpSpeakerConfig c = {.node = d == DEV1 ? "site1-vpn" : "site2-vpn"};
    c.rib.local_as = dev_as(su, d);
    c.rib.router_id = dev_addr(d);
    c.rib.rules = 1u << BGP_RULE_AS_PATH_LOOP | 1u << BGP_RULE_SPLIT_HORIZON |
                  1u << BGP_RULE_PEER_AS_IN_PATH;
    env = bgp_loop_env(&n->loop, d);
    env.events = (VsEventSink){env_event, nd->user};
    nd->sp = bgp_speaker_new(&c, &env);
    BgpSpeakerPeerConfig pc = {.fsm = {.peer = "azure", .peer_as = 65515, .hold_time_s = 240,
                                       .idle_hold_s = 5,
                                       .passive = !bgp_azure_device_must_initiate(
                                           gw_addr, BGP_AZURE_CLAIM_NEWEST),
                                       .no_as4 = d == DEV2 && su->dev2_no_as4},
                               .address = gw_addr, .local_address = dev_addr(d),
                               .prepend = d == DEV1 ? su->prepend1 : 0};
    nd->to[GW] = bgp_speaker_peer_add(nd->sp, &pc);
  }
  for (size_t i = 0; i < su->dev1_extra; i++)
    bgp_speaker_add_local(n->loop.node[DEV1].sp,
                          ipv4_prefix_make(ipv4_addr(172, 20, (uint8_t)(i >> 8), (uint8_t)i), 32));
  for (int d = DEV1; d <= DEV2; d++)
    bgp_speaker_start(n->loop.node[d].sp, n->loop.node[d].to[GW]);
  for (int d = DEV1; d <= DEV2; d++)
    bgp_speaker_start(g->sp, g->to[d]);
  pump(n);
  return n;
}

static void net_free(Net *n)
{
  bgp_loop_clear(&n->loop);
  for (int i = 0; i < N_NODES; i++)
    g_ptr_array_unref(n->loop.node[i].user);
  g_free(n);
}

static BgpState session(Net *n, int a, int b)
{
  return bgp_fsm_state(bgp_speaker_fsm(n->loop.node[a].sp, n->loop.node[a].to[b]));
}

static size_t count_events(const Node *nd, const char *prefix)
{
  size_t k = 0;
  for (guint i = 0; i < EVENTS(nd)->len; i++)
    if (g_str_has_prefix(g_ptr_array_index(EVENTS(nd), i), prefix))
      k++;
  return k;
}

static void assert_event(const Node *nd, const char *prefix)
{
  if (!count_events(nd, prefix)) {
    for (guint i = 0; i < EVENTS(nd)->len; i++)
      g_test_message("  %s", (char *)g_ptr_array_index(EVENTS(nd), i));
    g_error("node %d: no event '%s'", nd->idx, prefix);
  }
}

/* The best path set at node i for p: its size, and the first route in *out. */
static size_t best(Net *n, int i, const char *p, const BgpRoute **out)
{
  const BgpRoute *b = NULL;
  size_t k = bgp_rib_best(bgp_speaker_rib(n->loop.node[i].sp), tu_prefix(p), &b, 1);
  if (out)
    *out = b;
  return k;
}

static void originate(Net *n, int i, const char *p)
{
  bgp_speaker_add_local(n->loop.node[i].sp, tu_prefix(p));
  pump(n);
}

/* ---- tests ---- */

static void test_establish_and_originate(void)
{
  Setup su = {0};
  Net *n = net_new(&su);
  for (int d = DEV1; d <= DEV2; d++) {
    g_assert_cmpint(session(n, GW, d), ==, BGP_ESTABLISHED);
    g_assert_cmpint(session(n, d, GW), ==, BGP_ESTABLISHED);
    /* facts 5: the VNet prefix and every connected LNG's prefixes, with an AS path of the
     * gateway's AS alone and the gateway's BGP address as next hop */
    const char *adv[] = {VNET, "192.168.1.0/24", "192.168.2.0/24"};
    for (size_t k = 0; k < G_N_ELEMENTS(adv); k++) {
      const BgpRoute *r;
      g_assert_cmpuint(best(n, d, adv[k], &r), ==, 1);
      g_assert_cmpuint(r->path_len, ==, 1);
      g_assert_cmpuint(r->neighbour_as, ==, 65515);
      g_assert_cmphex(r->attrs.next_hop.v, ==, tu_addr("10.1.255.30").v);
      g_assert_cmpuint(r->attrs.origin, ==, BGP_ORIGIN_IGP);
    }
    /* the three share their attributes: one UPDATE carries them */
    assert_event(&n->loop.node[d], "bgp.update.rx peer=azure announced=3 withdrawn=0");
  }
  g_assert_cmpuint(bgp_speaker_adj_out_count(n->loop.node[GW].sp, n->loop.node[GW].to[DEV1]), ==, 3);
  net_free(n);
}

static void test_transit(void)
{
  Setup su = {0};
  Net *n = net_new(&su);
  originate(n, DEV1, "172.16.1.0/24");
  originate(n, DEV1, "172.16.2.0/24");
  /* facts 5: routes learned from other BGP sessions are advertised: dev2 hears dev1's
   * prefixes through the gateway, the gateway's AS prepended, next hop the gateway */
  const BgpRoute *r;
  g_assert_cmpuint(best(n, GW, "172.16.1.0/24", &r), ==, 1);
  g_assert_cmpuint(r->peer, ==, n->loop.node[GW].to[DEV1]);
  g_assert_cmpuint(best(n, DEV2, "172.16.1.0/24", &r), ==, 1);
  g_assert_cmpuint(r->path_len, ==, 2);
  g_assert_cmpuint(r->attrs.as_path.seg[0].asn[0], ==, 65515);
  g_assert_cmpuint(r->attrs.as_path.seg[0].asn[1], ==, 65001);
  g_assert_cmphex(r->attrs.next_hop.v, ==, tu_addr("10.1.255.30").v);
  g_assert_cmpuint(best(n, DEV2, "172.16.2.0/24", NULL), ==, 1);
  /* split horizon: not back to dev1 */
  g_assert_false(bgp_speaker_adj_out(n->loop.node[GW].sp, n->loop.node[GW].to[DEV1],
                                     tu_prefix("172.16.1.0/24"), NULL));
  unsigned len = 0;
  g_assert_true(bgp_speaker_adj_out(n->loop.node[GW].sp, n->loop.node[GW].to[DEV2],
                                    tu_prefix("172.16.1.0/24"), &len));
  g_assert_cmpuint(len, ==, 2);
  assert_event(&n->loop.node[GW], "bgp.route.learned prefix=172.16.1.0/24 peer=site1");
  assert_event(&n->loop.node[DEV2], "bgp.route.best prefix=172.16.1.0/24 peer=azure paths=1");
  net_free(n);
}

static void test_default_never_advertised(void)
{
  Setup su = {0};
  Net *n = net_new(&su);
  originate(n, DEV1, "0.0.0.0/0");
  /* facts 5: a default route may be advertised to the gateway (forced tunnelling), but the
   * gateway never advertises default routes to other peers */
  const BgpRoute *r;
  g_assert_cmpuint(best(n, GW, "0.0.0.0/0", &r), ==, 1);
  g_assert_cmpuint(best(n, DEV2, "0.0.0.0/0", NULL), ==, 0);
  /* it overlaps the VNet too, but the rule that names the refusal is the default's */
  const BgpRib *rib = bgp_speaker_rib(n->loop.node[GW].sp);
  g_assert_cmpstr(bgp_rib_export_refused(rib, n->loop.node[GW].to[DEV2], r), ==, "no-default-route");
  g_assert_false(bgp_speaker_adj_out(n->loop.node[GW].sp, n->loop.node[GW].to[DEV2],
                                     tu_prefix("0.0.0.0/0"), NULL));
  net_free(n);
}

static void test_vnet_prefix_refused(void)
{
  Setup su = {0};
  Net *n = net_new(&su);
  originate(n, DEV1, VNET);
  originate(n, DEV1, "10.0.0.0/8");
  originate(n, DEV1, "10.1.5.0/24");
  /* facts 5: a prefix identical to a VNet prefix is rejected: the gateway's own stays
   * best and the device's is never used */
  assert_event(&n->loop.node[GW], "bgp.route.refused prefix=10.1.0.0/16 peer=site1 rule=vnet-prefix");
  const BgpRoute *r;
  g_assert_cmpuint(best(n, GW, VNET, &r), ==, 1);
  g_assert_cmpuint(r->peer, ==, BGP_RIB_LOCAL);
  const BgpRoute *in = bgp_rib_adj_in(bgp_speaker_rib(n->loop.node[GW].sp), n->loop.node[GW].to[DEV1],
                                      tu_prefix(VNET));
  g_assert_nonnull(in);
  g_assert_cmpstr(in->refused_by, ==, "vnet-prefix");
  /* a superset and a more specific are learned, but they overlap the VNet: not passed on
   * to dev2 (facts 5: except routes overlapping any VNet prefix) */
  g_assert_cmpuint(best(n, GW, "10.0.0.0/8", NULL), ==, 1);
  g_assert_cmpuint(best(n, GW, "10.1.5.0/24", NULL), ==, 1);
  g_assert_cmpuint(best(n, DEV2, "10.0.0.0/8", NULL), ==, 0);
  g_assert_cmpuint(best(n, DEV2, "10.1.5.0/24", NULL), ==, 0);
  /* dev2 has the VNet prefix from the gateway's origination, path length 1 */
  g_assert_cmpuint(best(n, DEV2, VNET, &r), ==, 1);
  g_assert_cmpuint(r->path_len, ==, 1);
  net_free(n);
}

static void test_prepend_decides(void)
{
  /* dev1 prepends its AS twice more towards the gateway: the same prefix from dev2 has the
   * shorter path and wins (facts 5: prepending honoured, shorter path preferred) */
  Setup su = {.prepend1 = 2};
  Net *n = net_new(&su);
  originate(n, DEV1, "172.16.9.0/24");
  originate(n, DEV2, "172.16.9.0/24");
  const BgpRoute *r;
  g_assert_cmpuint(best(n, GW, "172.16.9.0/24", &r), ==, 1);
  g_assert_cmpuint(r->peer, ==, n->loop.node[GW].to[DEV2]);
  const BgpRoute *d1 = bgp_rib_adj_in(bgp_speaker_rib(n->loop.node[GW].sp), n->loop.node[GW].to[DEV1],
                                      tu_prefix("172.16.9.0/24"));
  g_assert_cmpuint(d1->path_len, ==, 3);
  /* what dev1 is sent is dev2's path through the gateway */
  unsigned len = 0;
  g_assert_true(bgp_speaker_adj_out(n->loop.node[GW].sp, n->loop.node[GW].to[DEV1],
                                    tu_prefix("172.16.9.0/24"), &len));
  g_assert_cmpuint(len, ==, 2);
  /* dev2's route goes: dev1's is the only one left, and dev1 is sent a withdrawal */
  bgp_speaker_stop(n->loop.node[DEV2].sp, n->loop.node[DEV2].to[GW]);
  pump(n);
  g_assert_cmpuint(best(n, GW, "172.16.9.0/24", &r), ==, 1);
  g_assert_cmpuint(r->peer, ==, n->loop.node[GW].to[DEV1]);
  g_assert_false(bgp_speaker_adj_out(n->loop.node[GW].sp, n->loop.node[GW].to[DEV1],
                                     tu_prefix("172.16.9.0/24"), NULL));
  net_free(n);

  /* equal paths: both are best with ECMP (facts 5: several devices, ECMP); without it,
   * the lower BGP Identifier (dev1) */
  for (int ecmp = 1; ecmp >= 0; ecmp--) {
    Setup eq = {.no_ecmp = !ecmp};
    n = net_new(&eq);
    originate(n, DEV1, "172.16.9.0/24");
    originate(n, DEV2, "172.16.9.0/24");
    g_assert_cmpuint(best(n, GW, "172.16.9.0/24", &r), ==, ecmp ? 2 : 1);
    g_assert_cmpuint(r->peer, ==, n->loop.node[GW].to[DEV1]);
    assert_event(&n->loop.node[GW], ecmp ? "bgp.route.best prefix=172.16.9.0/24 peer=site1 paths=2"
                                    : "bgp.route.best prefix=172.16.9.0/24 peer=site1 paths=1");
    net_free(n);
  }
}

static void test_peer_down_withdraws(void)
{
  Setup su = {0};
  Net *n = net_new(&su);
  originate(n, DEV1, "172.16.1.0/24");
  originate(n, DEV1, "172.16.2.0/24");
  g_assert_cmpuint(best(n, DEV2, "172.16.1.0/24", NULL), ==, 1);
  /* dev1's session ends (Cease / Administrative Shutdown): the gateway withdraws every
   * route dev1 carried and tells dev2 in one UPDATE (facts 5: "A withdrawn tunnel's
   * routes are removed via BGP") */
  bgp_speaker_stop(n->loop.node[DEV1].sp, n->loop.node[DEV1].to[GW]);
  pump(n);
  g_assert_cmpint(session(n, GW, DEV1), !=, BGP_ESTABLISHED);
  assert_event(&n->loop.node[GW],
               "bgp.route.withdrawn prefix=172.16.1.0/24 peer=site1 reason=peer_down");
  assert_event(&n->loop.node[GW], "bgp.update.tx peer=site2 announced=0 withdrawn=2");
  assert_event(&n->loop.node[DEV2], "bgp.route.withdrawn prefix=172.16.1.0/24 peer=azure reason=update");
  g_assert_cmpuint(best(n, GW, "172.16.1.0/24", NULL), ==, 0);
  g_assert_cmpuint(best(n, DEV2, "172.16.1.0/24", NULL), ==, 0);
  g_assert_cmpuint(best(n, DEV2, "172.16.2.0/24", NULL), ==, 0);
  /* the gateway's own prefixes stay */
  g_assert_cmpuint(best(n, DEV2, VNET, NULL), ==, 1);
  /* the session comes back: the routes return */
  bgp_speaker_start(n->loop.node[DEV1].sp, n->loop.node[DEV1].to[GW]);
  advance(n, n->loop.now + 10 * NS);
  g_assert_cmpint(session(n, GW, DEV1), ==, BGP_ESTABLISHED);
  g_assert_cmpuint(best(n, DEV2, "172.16.1.0/24", NULL), ==, 1);
  net_free(n);
}

static void test_max_prefixes(void)
{
  /* 4,000 prefixes are taken; 4,001 drop the session with Cease / Maximum Number of
   * Prefixes Reached (facts 5; RFC 4486) and every route of it goes */
  for (size_t extra = 4000; extra <= 4001; extra++) {
    Setup su = {.dev1_extra = extra};
    Net *n = net_new(&su);
    BgpFsm *f = bgp_speaker_fsm(n->loop.node[GW].sp, n->loop.node[GW].to[DEV1]);
    const BgpRib *rib = bgp_speaker_rib(n->loop.node[GW].sp);
    if (extra == 4000) {
      g_assert_cmpint(bgp_fsm_state(f), ==, BGP_ESTABLISHED);
      g_assert_cmpuint(bgp_rib_adj_in_count(rib, n->loop.node[GW].to[DEV1]), ==, 4000);
      g_assert_cmpuint(bgp_speaker_adj_out_count(n->loop.node[GW].sp, n->loop.node[GW].to[DEV2]), ==,
                       4000 + 3);
      /* grouped: a /32 takes 5 octets, so about 800 to an UPDATE, not 4000 UPDATEs */
      g_assert_cmpuint(count_events(&n->loop.node[GW], "bgp.update.tx peer=site2"), <=, 10);
    } else {
      g_assert_cmpint(bgp_fsm_state(f), !=, BGP_ESTABLISHED);
      g_assert_cmpint(bgp_fsm_last_down(f), ==, BGP_DOWN_MAX_PREFIXES);
      assert_event(&n->loop.node[GW], "bgp.notification.tx peer=site1 code=6 subcode=1");
      assert_event(&n->loop.node[DEV1], "bgp.notification.rx peer=azure code=6 subcode=1");
      g_assert_cmpuint(bgp_rib_adj_in_count(rib, n->loop.node[GW].to[DEV1]), ==, 0);
      g_assert_cmpuint(best(n, DEV2, "172.20.0.1/32", NULL), ==, 0);
      g_assert_cmpuint(bgp_speaker_adj_out_count(n->loop.node[GW].sp, n->loop.node[GW].to[DEV2]), ==, 3);
    }
    net_free(n);
  }
}

static void test_as4_through_2octet(void)
{
  /* dev1 has a 4-octet AS; dev2 speaks only 2-octet ASes: the gateway sends AS_TRANS with
   * AS4_PATH (RFC 6793 4.2.2) and dev2 rebuilds the real path */
  Setup su = {.dev1_as = 4200000001u, .dev2_no_as4 = true};
  Net *n = net_new(&su);
  g_assert_false(bgp_fsm_as4(bgp_speaker_fsm(n->loop.node[GW].sp, n->loop.node[GW].to[DEV2])));
  g_assert_true(bgp_fsm_as4(bgp_speaker_fsm(n->loop.node[GW].sp, n->loop.node[GW].to[DEV1])));
  originate(n, DEV1, "172.16.4.0/24");
  const BgpRoute *r;
  g_assert_cmpuint(best(n, DEV2, "172.16.4.0/24", &r), ==, 1);
  g_assert_cmpuint(r->path_len, ==, 2);
  g_assert_true(bgp_as_path_contains(&r->attrs.as_path, 4200000001u));
  g_assert_false(bgp_as_path_contains(&r->attrs.as_path, BGP_AS_TRANS));
  /* and back: dev2's route reaches dev1 with 65002 */
  originate(n, DEV2, "172.16.5.0/24");
  g_assert_cmpuint(best(n, DEV1, "172.16.5.0/24", &r), ==, 1);
  g_assert_true(bgp_as_path_contains(&r->attrs.as_path, 65002));
  net_free(n);
}

static void test_route_refresh(void)
{
  Setup su = {0};
  Net *n = net_new(&su);
  originate(n, DEV1, "172.16.1.0/24");
  /* dev2 asks for the routes again (RFC 2918): the gateway resends its Adj-RIB-Out */
  g_autoptr(BgpMessage) m = bgp_message_new(BGP_MSG_ROUTE_REFRESH);
  m->u.refresh = (BgpRouteRefresh){.afi = BGP_AFI_IPV4, .safi = BGP_SAFI_UNICAST};
  WireWriter w;
  wire_writer_init(&w);
  g_assert_true(bgp_message_encode(m, NULL, &w));
  BgpFsm *f = bgp_speaker_fsm(n->loop.node[GW].sp, n->loop.node[GW].to[DEV2]);
  size_t before = count_events(&n->loop.node[GW], "bgp.update.tx peer=site2");
  bgp_speaker_rx(n->loop.node[GW].sp, n->loop.node[GW].to[DEV2], bgp_fsm_conn(f), wire_writer_data(&w),
                 wire_writer_len(&w));
  wire_writer_clear(&w);
  pump(n);
  assert_event(&n->loop.node[GW], "bgp.speaker.refresh peer=site2");
  /* the gateway's three prefixes in one UPDATE, dev1's route in another (other path) */
  g_assert_cmpuint(count_events(&n->loop.node[GW], "bgp.update.tx peer=site2"), ==, before + 2);
  g_assert_cmpuint(bgp_speaker_adj_out_count(n->loop.node[GW].sp, n->loop.node[GW].to[DEV2]), ==, 4);
  g_assert_cmpint(session(n, GW, DEV2), ==, BGP_ESTABLISHED);
  net_free(n);
}

static void test_attributes_passed_on(void)
{
  /* dev1 sends the gateway an UPDATE with MED, COMMUNITIES and an unknown optional
   * transitive attribute (injected on its connection); dev2 gets COMMUNITIES and the
   * unknown attribute (Partial set: the gateway does not know it, RFC 4271 5), not the MED
   * (5.1.4: not passed to another AS) */
  Setup su = {0};
  Net *n = net_new(&su);
  g_autoptr(BgpMessage) m = bgp_message_new(BGP_MSG_UPDATE);
  BgpAttrs *a = &m->u.update.attrs;
  bgp_attrs_set_origin(a, BGP_ORIGIN_EGP);
  uint32_t path[] = {65001, 64999};
  bgp_attrs_set_path(a, path, 2);
  a->next_hop = tu_addr("192.168.1.254");
  bgp_attrs_set(a, BGP_ATTR_NEXT_HOP);
  a->med = 50;
  bgp_attrs_set(a, BGP_ATTR_MED);
  bgp_attrs_add_community(a, (65001u << 16) | 7);
  static const uint8_t val[] = {1, 2, 3, 4};
  a->other = g_new0(BgpRawAttr, 1);
  a->other[0] = (BgpRawAttr){.flags = BGP_AF_OPTIONAL | BGP_AF_TRANSITIVE, .type = 99,
                             .len = sizeof val, .value = g_memdup2(val, sizeof val)};
  a->n_other = 1;
  bgp_update_add_nlri(&m->u.update, tu_prefix("172.16.7.0/24"));
  WireWriter w;
  wire_writer_init(&w);
  BgpCodecCtx ctx = {.as4 = true};
  g_assert_true(bgp_message_encode(m, &ctx, &w));
  BgpFsm *f = bgp_speaker_fsm(n->loop.node[GW].sp, n->loop.node[GW].to[DEV1]);
  bgp_speaker_rx(n->loop.node[GW].sp, n->loop.node[GW].to[DEV1], bgp_fsm_conn(f), wire_writer_data(&w),
                 wire_writer_len(&w));
  wire_writer_clear(&w);
  pump(n);
  const BgpRoute *r;
  g_assert_cmpuint(best(n, DEV2, "172.16.7.0/24", &r), ==, 1);
  g_assert_cmpuint(r->path_len, ==, 3);
  g_assert_cmpuint(r->attrs.origin, ==, BGP_ORIGIN_EGP);
  g_assert_false(bgp_attrs_has(&r->attrs, BGP_ATTR_MED));
  g_assert_cmpuint(r->attrs.n_communities, ==, 1);
  g_assert_cmphex(r->attrs.communities[0], ==, (65001u << 16) | 7);
  g_assert_cmpuint(r->attrs.n_other, ==, 1);
  g_assert_cmpuint(r->attrs.other[0].type, ==, 99);
  g_assert_cmphex(r->attrs.other[0].flags & BGP_AF_PARTIAL, ==, BGP_AF_PARTIAL);
  g_assert_cmphex(r->attrs.next_hop.v, ==, tu_addr("10.1.255.30").v);
  net_free(n);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/bgp_speaker/establish_and_originate", test_establish_and_originate);
  g_test_add_func("/bgp_speaker/transit", test_transit);
  g_test_add_func("/bgp_speaker/default_never_advertised", test_default_never_advertised);
  g_test_add_func("/bgp_speaker/vnet_prefix_refused", test_vnet_prefix_refused);
  g_test_add_func("/bgp_speaker/prepend_decides", test_prepend_decides);
  g_test_add_func("/bgp_speaker/peer_down_withdraws", test_peer_down_withdraws);
  g_test_add_func("/bgp_speaker/max_prefixes", test_max_prefixes);
  g_test_add_func("/bgp_speaker/as4_through_2octet", test_as4_through_2octet);
  g_test_add_func("/bgp_speaker/route_refresh", test_route_refresh);
  g_test_add_func("/bgp_speaker/attributes_passed_on", test_attributes_passed_on);
  return g_test_run();
}
