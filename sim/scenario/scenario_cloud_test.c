/* SPDX-License-Identifier: MIT */
/* Tests of the cloud-section loader: values and their locations from the bundled scenario,
 * and a table of malformed inputs, each reported as GW-SCN-001 at its line:col. */
#include "models/gateway/gw_sku.h"
#include "sim/scenario/scenario_cloud.h"
#include "tests/lib/testutil.h"

#include <glib.h>
#include <string.h>

static YtDoc *load(const char *text)
{
  g_autoptr(GError) error = NULL;
  YtDoc *doc = yt_load_string("t.yaml", text, strlen(text), yt_error_sink(&error));
  g_assert_no_error(error);
  return doc;
}

static void test_bundled(void)
{
  g_autofree char *path = tu_top_path("scenarios/site-to-site/ikev2-default.yaml");
  g_autoptr(GError) error = NULL;
  g_autoptr(YtDoc) doc = yt_load_file(path, yt_error_sink(&error));
  g_assert_no_error(error);
  g_autoptr(GwDiags) d = gw_diags_new();
  GwConfig *cfg = scn_cloud_load(doc, d);
  g_assert_cmpuint(gw_diags_len(d), ==, 0);
  g_assert_cmpuint(cfg->n_virtualNetworks, ==, 1);
  g_assert_cmpuint(cfg->virtualNetworks[0].n_subnets, ==, 2);
  g_assert_cmpstr(cfg->virtualNetworks[0].subnets[0].name.v, ==, "GatewaySubnet");
  g_assert_cmpuint(cfg->virtualNetworks[0].subnets[0].addressPrefix.v.len, ==, 27);
  const GwVirtualNetworkGateway *g = &cfg->virtualNetworkGateways[0];
  g_assert_cmpstr(g->sku.v, ==, "VpnGw1");
  g_assert_cmpint(g->vpnGatewayGeneration.v, ==, GW_GEN_1);
  g_assert_true(g->enableBgp.set && !g->enableBgp.v);
  g_assert_cmpuint(g->n_publicIpAddresses, ==, 1);
  g_assert_cmphex(g->publicIpAddresses[0].v.v, ==, 0xcb00710a); /* 203.0.113.10 */
  /* locations point at the values: "      sku: VpnGw1" */
  g_assert_cmpstr(g->sku.loc.file, ==, path);
  g_assert_cmpuint(g->sku.loc.col, ==, 12);
  const GwConnection *c = &cfg->connections[0];
  g_assert_cmpint(c->connectionProtocol.v, ==, GW_IKEV2);
  g_assert_cmpint(c->dpdTimeoutSeconds.v, ==, 45);
  g_assert_cmpint(c->connectionMode.v, ==, GW_MODE_DEFAULT);
  g_assert_cmpuint(cfg->localNetworkGateways[0].n_addressPrefixes, ==, 1);
  gw_config_free(cfg);
  /* the whole judgement: valid, one warning (non-AZ VpnGw1, GW-SKU-010) */
  g_autoptr(GwDiags) all = gw_diags_new();
  g_assert_cmpuint(scn_cloud_validate(doc, all), ==, 0);
  g_assert_cmpuint(gw_diags_len(all), ==, 1);
  g_assert_cmpstr(gw_diags_get(all, 0)->rule_id, ==, "GW-SKU-010");
}

/* Malformed inputs: the first diagnostic is GW-SCN-001 at line:col with the text. */
static const struct {
  const char *yaml;
  unsigned line, col;
  const char *text;
} bad[] = {
    {"name: x\n", 1, 1, "no cloud: section"},
    {"- a\n", 1, 1, "mapping of sections"},
    {"cloud: [1]\n", 1, 8, "cloud must be a mapping"},
    {"cloud:\n  virtualNetwork: []\n", 2, 3, "did you mean 'virtualNetworks'"},
    {"cloud:\n  connections: {a: 1}\n", 2, 16, "connections must be a sequence"},
    {"cloud:\n  connections: [x]\n", 2, 17, "must be a mapping"},
    {"cloud:\n  virtualNetworks:\n    - name: v\n      addressSpace: [10.0.0.0/33]\n", 4, 22,
     "not an IPv4 prefix"},
    {"cloud:\n  virtualNetworks:\n    - name: v\n      addressSpace: 10.0.0.0/8\n      "
     "subnets: [{name: GatewaySubnet, addressPrefix: 10.1.2.3}]\n",
     5, 54, "not an IPv4 prefix"},
    {"cloud:\n  virtualNetworks:\n    - name: [v]\n", 3, 13, "name must be a scalar"},
    {"cloud:\n  virtualNetworkGateways:\n    - name: g\n      vpnType: Routebased\n", 4, 16,
     "did you mean 'RouteBased'"},
    {"cloud:\n  virtualNetworkGateways:\n    - name: g\n      gatewayType: ExpressRoute\n", 4,
     20, "not simulated"},
    {"cloud:\n  virtualNetworkGateways:\n    - name: g\n      activeActive: yes\n", 4, 21,
     "true or false"},
    {"cloud:\n  virtualNetworkGateways:\n    - name: g\n      publicIpAddress: 1.2.3.04\n", 4,
     24, "not an IPv4 address"},
    {"cloud:\n  virtualNetworkGateways:\n    - name: g\n      bgpSettings: {asn: 1, "
     "customBgpIpAddresses: [169.254.21.1, 169.254.21.2, 169.254.21.3]}\n",
     4, 80, "at most two"},
    {"cloud:\n  virtualNetworkGateways:\n    - name: g\n      vpnClientConfiguration:\n        "
     "vpnClientProtocols: [IKEv2]\n",
     5, 30, "did you mean 'IkeV2'"},
    {"cloud:\n  localNetworkGateways:\n    - name: l\n", 3, 7, "gatewayIpAddress or fqdn"},
    {"cloud:\n  localNetworkGateways:\n    - {name: l, fqdn: a.example, bgpSettings: "
     "{customBgpIpAddresses: []}}\n",
     3, 48, "unknown key 'customBgpIpAddresses'"},
    {"cloud:\n  connections:\n    - name: c\n      dpdTimeoutSeconds: 45s\n", 4, 26,
     "must be an integer"},
    {"cloud:\n  connections:\n    - name: c\n      dpdTimeoutSeconds: 99999999999999999999\n",
     4, 26, "must be an integer"},
    {"cloud:\n  connections:\n    - name: c\n      ipsecPolicies: [{pfsGroup: PFS15}]\n", 4,
     34, "not a value of PfsGroup"},
    {"cloud:\n  connections:\n    - name: c\n      ipsecPolicies: [{lifetime: 1}]\n", 4, 24,
     "unknown key 'lifetime'"},
    {"cloud:\n  connections:\n    - name: c\n      ingressNatRules: n1\n", 4, 24,
     "must be a sequence"},
    {"cloud:\n  virtualNetworkGateways:\n    - name: g\n      natRules: [{name: r, "
     "internalMappings: [{addressSpace: 10.1.0.0/24, portRange: 80x}]}]\n",
     4, 86, "portRange '80x' is not a port"},
    {"cloud:\n  virtualNetworkGateways:\n    - name: g\n      natRules: [{name: r, "
     "externalMappings: [{addressSpace: 10.1.0.0/24, portRange: 65536}]}]\n",
     4, 86, "portRange '65536' is not a port"},
    {"cloud:\n  virtualNetworkGateways:\n    - name: g\n      natRules: [{name: r, "
     "internalMappings: [{portRange: 80}]}]\n",
     4, 47, "addressSpace"},
    {"cloud:\n  virtualNetworkGateways:\n    - name: g\n      natRules: [{name: r, "
     "internalMappings: [{addressSpace: 10.1.0.0/24, ports: 80}]}]\n",
     4, 75, "unknown key 'ports'"},
    {"options: {gatewaySubnetSize: 27}\ncloud: {}\n", 1, 30, "'recommend27'"},
    {"options: {subnetSize: require27}\ncloud: {}\n", 1, 11, "unknown key 'subnetSize'"},
};

static void test_malformed(void)
{
  for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
    g_test_message("case %zu: %s", i, bad[i].yaml);
    g_autoptr(YtDoc) doc = load(bad[i].yaml);
    g_autoptr(GwDiags) d = gw_diags_new();
    GwConfig *cfg = scn_cloud_load(doc, d);
    gw_config_free(cfg);
    g_assert_cmpuint(gw_diags_len(d), >=, 1);
    const GwDiag *x = gw_diags_get(d, 0);
    g_autofree char *s = gw_diag_format(x);
    g_test_message("  %s", s);
    g_assert_cmpstr(x->rule_id, ==, "GW-SCN-001");
    g_assert_cmpint(x->severity, ==, GW_SEV_ERROR);
    g_assert_cmpstr(x->loc.file, ==, "t.yaml");
    g_assert_cmpuint(x->loc.line, ==, bad[i].line);
    g_assert_cmpuint(x->loc.col, ==, bad[i].col);
    g_assert_nonnull(strstr(x->message, bad[i].text));
    /* and the rules run over whatever was read without crashing */
    g_autoptr(GwDiags) all = gw_diags_new();
    g_assert_cmpuint(scn_cloud_validate(doc, all), >=, 1);
  }
}

/* NAT mappings: prefixes, ARM's {addressSpace, portRange} objects, both mixed; a portRange
 * read as written (a range is GW-NAT-015's to refuse) and its place kept. */
static void test_nat_mappings(void)
{
  g_autoptr(YtDoc) doc = load("cloud:\n  virtualNetworkGateways:\n    - name: g\n"
                              "      natRules:\n"
                              "        - {name: a, internalMappings: [192.168.1.10/32], "
                              "externalMappings: [{addressSpace: 100.64.1.10/32}]}\n"
                              "        - {name: b, internalMappings: [{addressSpace: "
                              "192.168.1.11/32, portRange: \"5001\"}], externalMappings: "
                              "[{addressSpace: 100.64.1.11/32, portRange: 8080-8090}]}\n");
  g_autoptr(GwDiags) d = gw_diags_new();
  GwConfig *cfg = scn_cloud_load(doc, d);
  g_assert_cmpuint(gw_diags_len(d), ==, 0);
  const GwNatRule *a = &cfg->virtualNetworkGateways[0].natRules[0];
  const GwNatRule *b = &cfg->virtualNetworkGateways[0].natRules[1];
  g_assert_cmpuint(a->n_internalMappings, ==, 1);
  g_assert_cmpuint(a->n_externalMappings, ==, 1);
  g_assert_cmphex(a->externalMappings[0].v.addr.v, ==, 0x6440010a);
  g_assert_false(a->internalPorts[0].set || a->externalPorts[0].set);
  g_assert_true(b->internalPorts[0].set);
  g_assert_cmpuint(b->internalPorts[0].lo, ==, 5001);
  g_assert_cmpuint(b->internalPorts[0].hi, ==, 5001);
  g_assert_cmpuint(b->externalPorts[0].lo, ==, 8080);
  g_assert_cmpuint(b->externalPorts[0].hi, ==, 8090);
  g_assert_cmpuint(b->externalPorts[0].loc.line, ==, 6);
  g_assert_cmpuint(b->externalPorts[0].loc.col, ==, 154);
  gw_config_free(cfg);
}

/* More entries than the model holds: refused with a location, not overflowed. */
static void test_capacity(void)
{
  g_autoptr(GString) y = g_string_new("cloud:\n  connections:\n");
  for (int i = 0; i < GW_MAX_CONNECTIONS + 3; i++)
    g_string_append_printf(y, "    - name: c%d\n", i);
  g_autoptr(YtDoc) doc = load(y->str);
  g_autoptr(GwDiags) d = gw_diags_new();
  GwConfig *cfg = scn_cloud_load(doc, d);
  g_assert_cmpuint(cfg->n_connections, ==, GW_MAX_CONNECTIONS);
  gw_config_free(cfg);
  g_assert_cmpuint(gw_diags_len(d), >=, 1);
  g_assert_cmpuint(gw_diags_get(d, 0)->loc.line, ==, 3 + GW_MAX_CONNECTIONS);
  g_assert_nonnull(strstr(gw_diags_get(d, 0)->message, "more than"));
}

/* Options select the other claim; absent options keep the newest. */
static void test_options(void)
{
  g_autoptr(YtDoc) doc = load("options:\n  sharedKeyCharacters: alphanumeric\n"
                              "  tunnelLimits: current\ncloud: {}\n");
  g_autoptr(GwDiags) d = gw_diags_new();
  GwConfig *cfg = scn_cloud_load(doc, d);
  g_assert_cmpuint(gw_diags_len(d), ==, 0);
  g_assert_true(cfg->options.other[GW_OPT_SHARED_KEY_ALPHANUMERIC]);
  g_assert_cmpuint(cfg->options.loc[GW_OPT_SHARED_KEY_ALPHANUMERIC].line, ==, 2);
  g_assert_false(cfg->options.other[GW_OPT_TUNNEL_LIMITS_2019]);
  g_assert_false(cfg->options.other[GW_OPT_ASN_16BIT]);
  gw_config_free(cfg);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/scenario_cloud/bundled", test_bundled);
  g_test_add_func("/scenario_cloud/malformed", test_malformed);
  g_test_add_func("/scenario_cloud/capacity", test_capacity);
  g_test_add_func("/scenario_cloud/nat_mappings", test_nat_mappings);
  g_test_add_func("/scenario_cloud/options", test_options);
  return g_test_run();
}
