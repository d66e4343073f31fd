/* SPDX-License-Identifier: MIT */
/* Tests of the BGP RIB: best path by AS path length (prepending), MED within one
 * neighbour AS only, router ID tie-break, ECMP, 4-octet paths, implicit replacement and
 * treat-as-withdraw, a peer going down, and Azure's policy rules on import and export. */
#include "models/bgp/bgp_rib.h"
#include "tests/lib/testutil.h"

#include <glib.h>
#include <string.h>

typedef struct {
  GPtrArray *events;
} Log;

static void log_event(void *u, const VsEvent *e)
{
  Log *l = u;
  GString *g = g_string_new(e->type);
  for (unsigned i = 0; i < e->n_attrs; i++) {
    const VsAttr *a = &e->attrs[i];
    if (a->kind == VS_ATTR_STR)
      g_string_append_printf(g, " %s=%s", a->key, a->v.s);
    else if (a->kind == VS_ATTR_UINT)
      g_string_append_printf(g, " %s=%" G_GUINT64_FORMAT, a->key, a->v.u);
  }
  g_ptr_array_add(l->events, g_string_free(g, FALSE));
}

static bool logged(const Log *l, const char *line)
{
  for (guint i = 0; i < l->events->len; i++)
    if (!strcmp(g_ptr_array_index(l->events, i), line))
      return true;
  for (guint i = 0; i < l->events->len; i++)
    g_test_message("  %s", (char *)g_ptr_array_index(l->events, i));
  return false;
}

typedef struct {
  Log log;
  BgpRib *rib;
  uint32_t p1, p2, p3;
} Fix;

/* The gateway (AS 65515) with three peers: two devices of AS 65010, one of AS 65020. */
static void fix_init(Fix *f, bool ecmp, uint32_t rules, bool vnet)
{
  f->log.events = g_ptr_array_new_with_free_func(g_free);
  BgpRibConfig cfg;
  bgp_rib_config_azure(&cfg, 65515, tu_addr("10.1.255.30"));
  cfg.ecmp = ecmp;
  cfg.rules = rules;
  if (vnet) {
    cfg.vnet[0] = tu_prefix("10.1.0.0/16");
    cfg.vnet[1] = tu_prefix("10.2.0.0/16");
    cfg.n_vnet = 2;
  }
  BgpRibEnv env = {.node = "vgw1/0", .events = {log_event, &f->log}};
  f->rib = bgp_rib_new(&cfg, &env);
  BgpPeerInfo a = {"site1-a", 65010, tu_addr("192.168.0.1"), tu_addr("169.254.21.1")};
  BgpPeerInfo b = {"site2", 65020, tu_addr("192.168.0.2"), tu_addr("169.254.21.2")};
  BgpPeerInfo c = {"site1-b", 65010, tu_addr("192.168.0.3"), tu_addr("169.254.21.3")};
  f->p1 = bgp_rib_peer_add(f->rib, &a);
  f->p2 = bgp_rib_peer_add(f->rib, &b);
  f->p3 = bgp_rib_peer_add(f->rib, &c);
  g_assert_cmpuint(f->p1, ==, 1);
}

static void fix_clear(Fix *f)
{
  bgp_rib_free(f->rib);
  g_ptr_array_unref(f->log.events);
}

/* Announce prefix from peer with the AS path and MED (0: none) given. */
static void announce(Fix *f, uint32_t peer, const char *prefix, const uint32_t *path, size_t n,
                     uint32_t med)
{
  BgpUpdate u = {0};
  bgp_attrs_set_origin(&u.attrs, BGP_ORIGIN_IGP);
  bgp_attrs_set_path(&u.attrs, path, n);
  u.attrs.next_hop = ipv4_addr(169, 254, 21, (uint8_t)peer);
  bgp_attrs_set(&u.attrs, BGP_ATTR_NEXT_HOP);
  if (med) {
    u.attrs.med = med;
    bgp_attrs_set(&u.attrs, BGP_ATTR_MED);
  }
  bgp_update_add_nlri(&u, tu_prefix(prefix));
  bgp_rib_update(f->rib, peer, &u, false);
  g_free(u.nlri);
  bgp_attrs_clear(&u.attrs);
}

static uint32_t best_peer(const Fix *f, const char *prefix, size_t *paths)
{
  const BgpRoute *b[8];
  size_t n = bgp_rib_best(f->rib, tu_prefix(prefix), b, G_N_ELEMENTS(b));
  if (paths)
    *paths = n;
  return n ? b[0]->peer : UINT32_MAX;
}

static void test_as_path_length(void)
{
  Fix f;
  fix_init(&f, false, BGP_RULES_ALL, true);
  uint32_t two[] = {65010, 65000}, one[] = {65020};
  announce(&f, f.p1, "10.50.0.0/16", two, 2, 0);
  g_assert_cmpuint(best_peer(&f, "10.50.0.0/16", NULL), ==, f.p1);
  announce(&f, f.p2, "10.50.0.0/16", one, 1, 0);
  g_assert_cmpuint(best_peer(&f, "10.50.0.0/16", NULL), ==, f.p2);
  g_assert_true(logged(&f.log, "bgp.route.best prefix=10.50.0.0/16 peer=site2 paths=1 "
                               "as_path_len=1"));
  /* AS path prepending (facts 5: honoured): site2 now looks longer */
  uint32_t prepended[] = {65020, 65020, 65020};
  announce(&f, f.p2, "10.50.0.0/16", prepended, 3, 0);
  g_assert_cmpuint(best_peer(&f, "10.50.0.0/16", NULL), ==, f.p1);
  /* the implicit replacement kept one route per peer */
  g_assert_cmpuint(bgp_rib_adj_in_count(f.rib, f.p2), ==, 1);
  g_assert_cmpuint(bgp_rib_adj_in(f.rib, f.p2, tu_prefix("10.50.0.0/16"))->path_len, ==, 3);
  /* an AS_SET counts one (RFC 4271 9.1.2.2 a) */
  BgpUpdate u = {0};
  bgp_attrs_set_origin(&u.attrs, BGP_ORIGIN_IGP);
  uint32_t seq[] = {65020}, set[] = {1, 2, 3, 4};
  bgp_attrs_set_path(&u.attrs, seq, 1);
  bgp_as_path_add_segment(&u.attrs.as_path, BGP_AS_SET, set, 4);
  bgp_update_add_nlri(&u, tu_prefix("10.50.0.0/16"));
  bgp_rib_update(f.rib, f.p2, &u, false);
  g_assert_cmpuint(bgp_rib_adj_in(f.rib, f.p2, tu_prefix("10.50.0.0/16"))->path_len, ==, 2);
  g_free(u.nlri);
  bgp_attrs_clear(&u.attrs);
  fix_clear(&f);
}

static void test_med_and_router_id(void)
{
  Fix f;
  fix_init(&f, false, BGP_RULES_ALL, true);
  uint32_t a[] = {65010}, b[] = {65020};
  /* same neighbour AS: the lower MED wins over the lower router ID */
  announce(&f, f.p1, "10.60.0.0/16", a, 1, 200);
  announce(&f, f.p3, "10.60.0.0/16", a, 1, 100);
  g_assert_cmpuint(best_peer(&f, "10.60.0.0/16", NULL), ==, f.p3);
  /* different neighbour ASes: MED is not compared, the lower router ID wins */
  announce(&f, f.p1, "10.70.0.0/16", a, 1, 200);
  announce(&f, f.p2, "10.70.0.0/16", b, 1, 100);
  g_assert_cmpuint(best_peer(&f, "10.70.0.0/16", NULL), ==, f.p1);
  /* a missing MED is the lowest (RFC 4271 9.1.2.2 c) */
  announce(&f, f.p1, "10.80.0.0/16", a, 1, 0);
  announce(&f, f.p3, "10.80.0.0/16", a, 1, 5);
  g_assert_cmpuint(best_peer(&f, "10.80.0.0/16", NULL), ==, f.p1);
  /* equal everything: the lower router ID */
  announce(&f, f.p3, "10.90.0.0/16", a, 1, 0);
  announce(&f, f.p1, "10.90.0.0/16", a, 1, 0);
  g_assert_cmpuint(best_peer(&f, "10.90.0.0/16", NULL), ==, f.p1);
  fix_clear(&f);
}

static void test_ecmp(void)
{
  Fix f;
  fix_init(&f, true, BGP_RULES_ALL, true);
  uint32_t a[] = {65010}, b[] = {65020};
  size_t paths;
  /* facts 5: several devices advertising the same prefixes, ECMP */
  announce(&f, f.p3, "10.70.0.0/16", a, 1, 0);
  announce(&f, f.p2, "10.70.0.0/16", b, 1, 0);
  announce(&f, f.p1, "10.70.0.0/16", a, 1, 0);
  g_assert_cmpuint(best_peer(&f, "10.70.0.0/16", &paths), ==, f.p1);
  g_assert_cmpuint(paths, ==, 3);
  const BgpRoute *r[3];
  bgp_rib_best(f.rib, tu_prefix("10.70.0.0/16"), r, 3);
  g_assert_cmpuint(r[1]->peer, ==, f.p2); /* router ID order */
  g_assert_cmpuint(r[2]->peer, ==, f.p3);
  g_assert_true(logged(&f.log, "bgp.route.best prefix=10.70.0.0/16 peer=site1-a paths=3 "
                               "as_path_len=1"));
  /* a higher MED from the same AS leaves the set; a longer path too */
  announce(&f, f.p3, "10.70.0.0/16", a, 1, 50);
  bgp_rib_best(f.rib, tu_prefix("10.70.0.0/16"), r, 3);
  g_assert_cmpuint(best_peer(&f, "10.70.0.0/16", &paths), ==, f.p1);
  g_assert_cmpuint(paths, ==, 2);
  uint32_t longer[] = {65020, 65020};
  announce(&f, f.p2, "10.70.0.0/16", longer, 2, 0);
  best_peer(&f, "10.70.0.0/16", &paths);
  g_assert_cmpuint(paths, ==, 1);
  fix_clear(&f);
}

static void test_as4_path(void)
{
  /* from a 2-octet session: AS_PATH 65010 AS_TRANS, AS4_PATH 65010 4200000001; the RIB
   * holds the merged path and loops are found on it */
  Fix f;
  fix_init(&f, false, BGP_RULES_ALL, true);
  BgpUpdate u = {0};
  bgp_attrs_set_origin(&u.attrs, BGP_ORIGIN_IGP);
  uint32_t p2[] = {65010, BGP_AS_TRANS}, p4[] = {65010, 4200000001u};
  bgp_attrs_set_path(&u.attrs, p2, 2);
  bgp_as_path_add_segment(&u.attrs.as4_path, BGP_AS_SEQUENCE, p4, 2);
  bgp_attrs_set(&u.attrs, BGP_ATTR_AS4_PATH);
  bgp_update_add_nlri(&u, tu_prefix("172.16.0.0/12"));
  bgp_rib_update(f.rib, f.p1, &u, false);
  const BgpRoute *rt = bgp_rib_adj_in(f.rib, f.p1, tu_prefix("172.16.0.0/12"));
  g_assert_cmpuint(rt->path_len, ==, 2);
  g_assert_true(bgp_as_path_contains(&rt->attrs.as_path, 4200000001u));
  g_assert_false(bgp_attrs_has(&rt->attrs, BGP_ATTR_AS4_PATH));
  /* a peer in AS 4200000001 does not get it back */
  BgpPeerInfo big = {"far", 4200000001u, tu_addr("192.168.0.9"), tu_addr("169.254.21.9")};
  uint32_t pf = bgp_rib_peer_add(f.rib, &big);
  g_assert_cmpstr(bgp_rib_export_refused(f.rib, pf, rt), ==, "peer-as-in-path");
  g_free(u.nlri);
  bgp_attrs_clear(&u.attrs);
  fix_clear(&f);
}

static void test_withdraw_and_peer_down(void)
{
  Fix f;
  fix_init(&f, false, BGP_RULES_ALL, true);
  uint32_t a[] = {65010, 65000}, b[] = {65020};
  announce(&f, f.p1, "10.50.0.0/16", b, 1, 0); /* wrong first AS: the RIB does not care */
  announce(&f, f.p1, "10.51.0.0/16", a, 2, 0);
  announce(&f, f.p1, "10.52.0.0/16", a, 2, 0);
  announce(&f, f.p2, "10.51.0.0/16", b, 1, 0);
  g_assert_cmpuint(best_peer(&f, "10.51.0.0/16", NULL), ==, f.p2);
  /* an explicit withdrawal */
  BgpUpdate w = {0};
  bgp_update_add_withdrawn(&w, tu_prefix("10.51.0.0/16"));
  bgp_rib_update(f.rib, f.p2, &w, false);
  g_free(w.withdrawn);
  g_assert_cmpuint(best_peer(&f, "10.51.0.0/16", NULL), ==, f.p1);
  g_assert_true(logged(&f.log, "bgp.route.withdrawn prefix=10.51.0.0/16 peer=site2 reason=update"));
  /* RFC 7606 treat-as-withdraw: the NLRI go */
  BgpUpdate t = {0};
  bgp_update_add_nlri(&t, tu_prefix("10.52.0.0/16"));
  bgp_rib_update(f.rib, f.p1, &t, true);
  g_free(t.nlri);
  g_assert_cmpuint(best_peer(&f, "10.52.0.0/16", NULL), ==, UINT32_MAX);
  g_assert_true(logged(&f.log, "bgp.route.withdrawn prefix=10.52.0.0/16 peer=site1-a "
                               "reason=treat-as-withdraw"));
  g_assert_true(logged(&f.log, "bgp.route.lost prefix=10.52.0.0/16"));
  /* the session goes down: everything it carried is withdrawn */
  announce(&f, f.p2, "10.50.0.0/16", b, 1, 0);
  g_assert_cmpuint(bgp_rib_adj_in_count(f.rib, f.p1), ==, 2);
  bgp_rib_peer_down(f.rib, f.p1);
  g_assert_cmpuint(bgp_rib_adj_in_count(f.rib, f.p1), ==, 0);
  g_assert_cmpuint(best_peer(&f, "10.50.0.0/16", NULL), ==, f.p2);
  g_assert_cmpuint(best_peer(&f, "10.51.0.0/16", NULL), ==, UINT32_MAX);
  g_assert_true(logged(&f.log, "bgp.route.withdrawn prefix=10.51.0.0/16 peer=site1-a "
                               "reason=peer_down"));
  g_assert_true(logged(&f.log, "bgp.route.lost prefix=10.51.0.0/16"));
  g_assert_true(logged(&f.log, "bgp.route.best prefix=10.50.0.0/16 peer=site2 paths=1 "
                               "as_path_len=1"));
  /* withdrawing what is not there changes nothing */
  guint before = f.log.events->len;
  bgp_rib_peer_down(f.rib, f.p1);
  g_assert_cmpuint(f.log.events->len, ==, before);
  fix_clear(&f);
}

static void test_azure_policy(void)
{
  Fix f;
  fix_init(&f, true, BGP_RULES_ALL, true);
  bgp_rib_add_local(f.rib, tu_prefix("10.1.0.0/16"));
  bgp_rib_add_local(f.rib, tu_prefix("10.2.0.0/16"));
  uint32_t a[] = {65010}, b[] = {65020}, loop[] = {65010, 65515, 64999};
  /* import: a prefix equal to a VNet prefix is refused (facts 5), a superset is not */
  announce(&f, f.p1, "10.1.0.0/16", a, 1, 0);
  g_assert_true(logged(&f.log, "bgp.route.refused prefix=10.1.0.0/16 peer=site1-a "
                               "rule=vnet-prefix"));
  g_assert_cmpuint(best_peer(&f, "10.1.0.0/16", NULL), ==, BGP_RIB_LOCAL);
  g_assert_nonnull(bgp_rib_adj_in(f.rib, f.p1, tu_prefix("10.1.0.0/16"))->refused_by);
  announce(&f, f.p1, "10.0.0.0/8", a, 1, 0);
  g_assert_cmpuint(best_peer(&f, "10.0.0.0/8", NULL), ==, f.p1);
  /* import: our own AS in the path */
  announce(&f, f.p1, "172.20.0.0/16", loop, 3, 0);
  g_assert_true(logged(&f.log, "bgp.route.refused prefix=172.20.0.0/16 peer=site1-a "
                               "rule=as-path-loop"));
  /* the default route may be learned (facts 5: forced tunnelling) but never advertised */
  announce(&f, f.p1, "0.0.0.0/0", a, 1, 0);
  g_assert_cmpuint(best_peer(&f, "0.0.0.0/0", NULL), ==, f.p1);
  announce(&f, f.p1, "192.168.10.0/24", a, 1, 0);
  announce(&f, f.p2, "192.168.20.0/24", b, 1, 0);

  /* export to site2: the VNets, site1's LAN; not the default, not the superset that
   * overlaps a VNet, not its own LAN back */
  const BgpRoute **out = NULL;
  size_t n = bgp_rib_export(f.rib, f.p2, &out);
  g_assert_cmpuint(n, ==, 3);
  g_assert_true(ipv4_prefix_equal(out[0]->prefix, tu_prefix("10.1.0.0/16")));
  g_assert_cmpuint(out[0]->peer, ==, BGP_RIB_LOCAL);
  g_assert_true(ipv4_prefix_equal(out[1]->prefix, tu_prefix("10.2.0.0/16")));
  g_assert_true(ipv4_prefix_equal(out[2]->prefix, tu_prefix("192.168.10.0/24")));
  g_free(out);
  const BgpRoute *r[1];
  bgp_rib_best(f.rib, tu_prefix("0.0.0.0/0"), r, 1);
  g_assert_cmpstr(bgp_rib_export_refused(f.rib, f.p2, r[0]), ==, "no-default-route");
  bgp_rib_best(f.rib, tu_prefix("10.0.0.0/8"), r, 1);
  g_assert_cmpstr(bgp_rib_export_refused(f.rib, f.p2, r[0]), ==, "vnet-overlap");
  bgp_rib_best(f.rib, tu_prefix("192.168.20.0/24"), r, 1);
  g_assert_cmpstr(bgp_rib_export_refused(f.rib, f.p2, r[0]), ==, "split-horizon");
  /* export to site1-b (AS 65010): site1's LAN carries its AS, site2's LAN goes */
  n = bgp_rib_export(f.rib, f.p3, &out);
  g_assert_cmpuint(n, ==, 3);
  g_assert_true(ipv4_prefix_equal(out[2]->prefix, tu_prefix("192.168.20.0/24")));
  g_free(out);
  bgp_rib_best(f.rib, tu_prefix("192.168.10.0/24"), r, 1);
  g_assert_cmpstr(bgp_rib_export_refused(f.rib, f.p3, r[0]), ==, "peer-as-in-path");
  fix_clear(&f);

  /* with no rules in force, everything is imported and exported */
  fix_init(&f, false, 0, true);
  announce(&f, f.p1, "10.1.0.0/16", a, 1, 0);
  announce(&f, f.p1, "0.0.0.0/0", a, 1, 0);
  n = bgp_rib_export(f.rib, f.p1, &out);
  g_assert_cmpuint(n, ==, 2);
  g_free(out);
  fix_clear(&f);
}

/* An empty RIB: a peer going down and an export walk nothing (the fuzz target found
 * qsort being handed a NULL array here). */
static void test_empty(void)
{
  Fix f;
  fix_init(&f, true, BGP_RULES_ALL, false);
  bgp_rib_peer_down(f.rib, f.p1);
  const BgpRoute **out = NULL;
  g_assert_cmpuint(bgp_rib_export(f.rib, f.p1, &out), ==, 0);
  g_free(out);
  g_assert_cmpuint(bgp_rib_adj_in_count(f.rib, f.p1), ==, 0);
  g_assert_cmpuint(best_peer(&f, "10.0.0.0/8", NULL), ==, UINT32_MAX);
  g_assert_cmpuint(f.log.events->len, ==, 0);
  fix_clear(&f);
}

static void test_rules_table(void)
{
  /* every rule has a row with a distinct name and a function */
  for (unsigned i = 0; i < BGP_RULE_COUNT; i++) {
    g_assert_nonnull(bgp_policy_rules[i].name);
    g_assert_nonnull(bgp_policy_rules[i].refuses);
    for (unsigned j = 0; j < i; j++)
      g_assert_cmpstr(bgp_policy_rules[i].name, !=, bgp_policy_rules[j].name);
  }
  g_assert_cmpint(bgp_policy_rules[BGP_RULE_VNET_PREFIX].phase, ==, BGP_POLICY_IMPORT);
  g_assert_cmpint(bgp_policy_rules[BGP_RULE_NO_DEFAULT].phase, ==, BGP_POLICY_EXPORT);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/bgp_rib/as_path_length", test_as_path_length);
  g_test_add_func("/bgp_rib/med_and_router_id", test_med_and_router_id);
  g_test_add_func("/bgp_rib/ecmp", test_ecmp);
  g_test_add_func("/bgp_rib/as4_path", test_as4_path);
  g_test_add_func("/bgp_rib/withdraw_and_peer_down", test_withdraw_and_peer_down);
  g_test_add_func("/bgp_rib/azure_policy", test_azure_policy);
  g_test_add_func("/bgp_rib/empty", test_empty);
  g_test_add_func("/bgp_rib/rules_table", test_rules_table);
  return g_test_run();
}
