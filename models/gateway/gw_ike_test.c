/* SPDX-License-Identifier: MIT */
/* Tests of the IKE control plane in process (no ns-3): the gateway's engine configurations
 * from the resource model (default lists as initiator and as responder, custom policy,
 * lifetimes, DPD, modes, selectors), the device's from its settings, the datagram summary
 * against truncated and malformed input, and a gateway and a device negotiating over a
 * fake wire and passing inner packets both ways through the ESP SAs they installed. */
#include "models/common/inet.h"
#include "models/device/dev_ike.h"
#include "models/esp/esp_natt.h"
#include "models/gateway/gw_ike.h"
#include "models/gateway/gw_policy.h"
#include "tests/lib/testutil.h"

#include <glib.h>
#include <string.h>

#define NS_PER_S 1000000000LL

static Ipv4Addr A(const char *s)
{
  Ipv4Addr a;
  g_assert_cmpint(ipv4_addr_parse(s, &a), ==, IPV4_PARSE_OK);
  return a;
}

static Ipv4Prefix P(const char *s)
{
  Ipv4Prefix p;
  g_assert_cmpint(ipv4_prefix_parse(s, &p), ==, IPV4_PARSE_OK);
  return p;
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC(GwConfig, gw_config_free)

static GwStr S(const char *v)
{
  return (GwStr){.set = true, .v = v};
}

/* vnet1 10.1.0.0/16, vgw1 (VpnGw1) at 203.0.113.10, site1 198.51.100.20 192.168.0.0/16,
 * connection conn1 with a PSK. */
static GwConfig *mk_config(void)
{
  GwConfig *c = gw_config_new();
  GwVirtualNetwork *v = &c->virtualNetworks[c->n_virtualNetworks++];
  v->name = S("vnet1");
  v->addressSpace[v->n_addressSpace++].v = P("10.1.0.0/16");
  v->subnets[0] = (GwSubnet){.name = S("GatewaySubnet"), .has_addressPrefix = true,
                             .addressPrefix = {.v = P("10.1.255.0/27")}};
  v->n_subnets = 1;
  GwVirtualNetworkGateway *g = &c->virtualNetworkGateways[c->n_virtualNetworkGateways++];
  g->name = S("vgw1");
  g->virtualNetwork = S("vnet1");
  g->sku = S("VpnGw1");
  g->publicIpAddresses[g->n_publicIpAddresses++] = (GwIp){.set = true, .v = A("203.0.113.10")};
  GwLocalNetworkGateway *l = &c->localNetworkGateways[c->n_localNetworkGateways++];
  l->name = S("site1");
  l->gatewayIpAddress = (GwIp){.set = true, .v = A("198.51.100.20")};
  l->addressPrefixes[l->n_addressPrefixes++].v = P("192.168.0.0/16");
  GwConnection *k = &c->connections[c->n_connections++];
  k->name = S("conn1");
  k->virtualNetworkGateway1 = S("vgw1");
  k->localNetworkGateway2 = S("site1");
  k->sharedKey = S("Vpnsim.test.key");
  return c;
}

static void set_policy(GwConnection *k, int ie, int ii, int dh, int ee, int ei, int pfs)
{
  GwIpsecPolicy *p = &k->ipsecPolicies[k->n_ipsecPolicies++];
  p->ikeEncryption = (GwEnum){.set = true, .v = ie};
  p->ikeIntegrity = (GwEnum){.set = true, .v = ii};
  p->dhGroup = (GwEnum){.set = true, .v = dh};
  p->ipsecEncryption = (GwEnum){.set = true, .v = ee};
  p->ipsecIntegrity = (GwEnum){.set = true, .v = ei};
  p->pfsGroup = (GwEnum){.set = true, .v = pfs};
  p->saLifeTimeSeconds = (GwInt){.set = true, .v = 3600};
  p->saDataSizeKilobytes = (GwInt){.set = true, .v = 102400};
}

/* ---- the gateway's configurations ---- */

/* Every row: one transform of each type (the gateway's proposals have no alternatives). */
static void assert_single_rows(const IkeConfig *x)
{
  for (size_t k = 0; k < x->n_ike; k++)
    g_assert_true(!x->ike[k].encr_alt.n && !x->ike[k].integ_alt.n && !x->ike[k].prf_alt.n &&
                  !x->ike[k].dh_alt.n);
  for (size_t k = 0; k < x->n_esp; k++)
    g_assert_true(!x->esp[k].encr_alt.n && !x->esp[k].integ_alt.n && !x->esp[k].dh_alt.n &&
                  !x->esp[k].esn);
  for (size_t k = 0; k < x->n_esp_offer; k++)
    g_assert_true(!x->esp_offer[k].encr_alt.n && !x->esp_offer[k].integ_alt.n &&
                  !x->esp_offer[k].dh_alt.n && !x->esp_offer[k].esn);
}

static void test_gw_config_default(void)
{
  g_autoptr(GwConfig) c = mk_config();
  IkeConfig ci, cr;
  bool hi, hr;
  const char *why = NULL;
  /* twice: the second call finds the first one's rows on the stack, and the proposal
   * rows once took their PFS group and alternatives from there when they left those
   * fields unset (an initiator offer with PFS group 14) */
  for (int pass = 0; pass < 2; pass++)
    g_assert_true(gw_ike_connection_config(c, &c->connections[0], A("203.0.113.10"), &ci, &hi,
                                           &cr, &hr, &why));
  g_assert_true(hi && hr); /* Default: both */
  /* facts 2.1: six phase 1 proposals, DH group 2 only, AES256/SHA1 first */
  g_assert_cmpuint(ci.n_ike, ==, 6);
  for (size_t i = 0; i < ci.n_ike; i++)
    g_assert_cmpuint(ci.ike[i].dh, ==, DH_MODP_1024);
  g_assert_cmpuint(ci.ike[0].encr, ==, ENCR_AES_CBC);
  g_assert_cmpuint(ci.ike[0].key_bits, ==, 256);
  g_assert_cmpuint(ci.ike[0].integ, ==, AUTH_HMAC_SHA1_96);
  g_assert_cmpuint(ci.ike[0].prf, ==, PRF_HMAC_SHA1);
  g_assert_cmpuint(ci.ike[1].integ, ==, AUTH_HMAC_SHA2_256_128);
  g_assert_cmpuint(ci.ike[1].prf, ==, PRF_HMAC_SHA2_256);
  /* facts 2.3: six offers when initiating an exchange, GCM AES256 first, none with PFS;
   * facts 2.4 when responding to one: all 26 rows, each with its own PFS group. The role
   * is the exchange's (facts 3.5): the engine that began the IKE SA answers the device's
   * CREATE_CHILD_SA with the responder rows too. */
  g_assert_cmpuint(ci.n_esp_offer, ==, 6);
  g_assert_cmpuint(ci.esp_offer[0].encr, ==, ENCR_AES_GCM_16);
  g_assert_cmpuint(ci.esp_offer[0].integ, ==, AUTH_NONE);
  g_assert_cmpuint(ci.esp_offer[2].encr, ==, ENCR_3DES);
  for (size_t k = 0; k < ci.n_esp_offer; k++)
    g_assert_cmpuint(ci.esp_offer[k].dh, ==, 0);
  g_assert_cmpuint(ci.n_esp, ==, 26);
  g_assert_cmpmem(ci.esp, 26 * sizeof *ci.esp, cr.esp, 26 * sizeof *cr.esp);
  g_assert_cmpuint(cr.n_esp, ==, 26);
  g_assert_cmpuint(cr.esp[6].encr, ==, ENCR_DES);
  g_assert_cmpuint(cr.esp[6].dh, ==, 0);
  /* row 8: AES256/SHA1 with PFS1 (group 1); row 10: PFS2048 is group 14 */
  g_assert_cmpuint(cr.esp[7].encr, ==, ENCR_AES_CBC);
  g_assert_cmpuint(cr.esp[7].dh, ==, DH_MODP_768);
  g_assert_cmpuint(cr.esp[9].dh, ==, DH_MODP_2048);
  /* row 19: AES256/SHA256 with group 14 (the IKE-022 rekey); row 20: PFS24 */
  g_assert_cmpuint(cr.esp[18].integ, ==, AUTH_HMAC_SHA2_256_128);
  g_assert_cmpuint(cr.esp[18].dh, ==, DH_MODP_2048);
  g_assert_cmpuint(cr.esp[19].dh, ==, DH_MODP_2048_256);
  g_assert_cmpuint(cr.esp[21].encr, ==, ENCR_AES_CBC);
  g_assert_cmpuint(cr.esp[21].key_bits, ==, 128);
  g_assert_cmpuint(cr.esp[21].integ, ==, AUTH_HMAC_SHA2_256_128);
  g_assert_cmpuint(cr.esp[21].dh, ==, 0);
  /* ... but initiating a child (a rekey) it offers the six, without PFS (facts 2.3) */
  g_assert_cmpuint(cr.n_esp_offer, ==, 6);
  g_assert_cmpmem(cr.esp_offer, 6 * sizeof *cr.esp_offer, ci.esp_offer, 6 * sizeof *ci.esp_offer);
  assert_single_rows(&ci);
  assert_single_rows(&cr);
  /* lifetimes: MM 28,800 s (facts 2.1), route-based QM 27,000 s and 102,400,000 KB (2.2) */
  g_assert_cmpuint(ci.ike_lifetime_s, ==, 28800);
  g_assert_cmpuint(ci.child_lifetime_s, ==, 27000);
  g_assert_cmpuint(ci.child_lifetime_kb, ==, 102400000);
  /* DPD 45 s by default (facts 2.5) */
  g_assert_cmpuint(ci.dpd_timeout_s, ==, 45);
  g_assert_cmpuint(ci.dpd_interval_s, ==, 10); /* a third of it, at most 10 s */
  /* identities: the public IP; the peer's by the local network gateway's address; PSK */
  g_assert_cmpuint(ci.local_id.type, ==, IKEV2_ID_IPV4_ADDR);
  g_assert_cmpstr(ci.local_id.value, ==, "203.0.113.10");
  g_assert_cmpuint(ci.remote_id.type, ==, IKEV2_ID_IPV4_ADDR);
  g_assert_cmpstr(cr.remote_id.value, ==, "198.51.100.20");
  g_assert_cmpmem(ci.psk, ci.psk_len, "Vpnsim.test.key", 15);
  g_assert_cmphex(ci.remote_addr.v, ==, A("198.51.100.20").v);
  /* route-based: any-to-any, and nothing narrower either way (interop 1, TS-002) */
  g_assert_cmpuint(ci.n_ts, ==, 0);
  g_assert_true(ci.ts_no_narrowing);
  g_assert_true(cr.ts_no_narrowing);
  /* Default: the initiator side dials on traffic, and gw_ike_start a second after start
   * unless the peer began */
  g_assert_cmpint(ci.start, ==, IKE_START_ON_TRAFFIC);
  g_assert_cmpint(cr.start, ==, IKE_START_RESPOND);
}

static void test_gw_config_custom(void)
{
  g_autoptr(GwConfig) c = mk_config();
  GwConnection *k = &c->connections[0];
  set_policy(k, GW_IKE_ENC_GCMAES256, GW_IKE_INTEG_SHA384, GW_DH_ECP384, GW_ESP_ENC_GCMAES256,
             GW_ESP_INTEG_GCMAES256, GW_PFS_ECP384);
  k->dpdTimeoutSeconds = (GwInt){.set = true, .v = 30};
  IkeConfig ci, cr;
  bool hi, hr;
  const char *why = NULL;
  g_assert_true(gw_ike_connection_config(c, k, A("203.0.113.10"), &ci, &hi, &cr, &hr, &why));
  /* facts 3.1: the policy alone, both ways */
  for (int r = 0; r < 2; r++) {
    const IkeConfig *x = r ? &cr : &ci;
    g_assert_cmpuint(x->n_ike, ==, 1);
    g_assert_cmpuint(x->ike[0].encr, ==, ENCR_AES_GCM_16);
    g_assert_cmpuint(x->ike[0].key_bits, ==, 256);
    g_assert_cmpuint(x->ike[0].integ, ==, AUTH_NONE);
    g_assert_cmpuint(x->ike[0].prf, ==, PRF_HMAC_SHA2_384);
    g_assert_cmpuint(x->ike[0].dh, ==, DH_ECP_384);
    g_assert_cmpuint(x->n_esp, ==, 1);
    g_assert_cmpuint(x->esp[0].encr, ==, ENCR_AES_GCM_16);
    g_assert_cmpuint(x->esp[0].dh, ==, DH_ECP_384);
    /* MM lifetime stays 28,800 s with a custom policy (facts 2.1); QM from the policy */
    g_assert_cmpuint(x->ike_lifetime_s, ==, 28800);
    g_assert_cmpuint(x->child_lifetime_s, ==, 3600);
    g_assert_cmpuint(x->child_lifetime_kb, ==, 102400);
    g_assert_cmpuint(x->dpd_timeout_s, ==, 30);
    g_assert_cmpuint(x->dpd_interval_s, ==, 10);
  }
  /* PFS None */
  k->ipsecPolicies[0].pfsGroup.v = GW_PFS_NONE;
  g_assert_true(gw_ike_connection_config(c, k, A("203.0.113.10"), &ci, &hi, &cr, &hr, &why));
  g_assert_cmpuint(ci.esp[0].dh, ==, 0);
  g_assert_cmpuint(cr.esp[0].dh, ==, 0);
  /* DH None is no IKE group: refused with a reason */
  k->ipsecPolicies[0].dhGroup.v = GW_DH_NONE;
  g_assert_false(gw_ike_connection_config(c, k, A("203.0.113.10"), &ci, &hi, &cr, &hr, &why));
  g_assert_nonnull(why);
}

static void test_gw_config_modes(void)
{
  g_autoptr(GwConfig) c = mk_config();
  GwConnection *k = &c->connections[0];
  IkeConfig ci, cr;
  bool hi, hr;
  const char *why = NULL;
  k->connectionMode = (GwEnum){.set = true, .v = GW_MODE_INITIATOR_ONLY};
  g_assert_true(gw_ike_connection_config(c, k, A("203.0.113.10"), &ci, &hi, &cr, &hr, &why));
  g_assert_true(hi && !hr);
  g_assert_cmpint(ci.start, ==, IKE_START_INITIATE);
  k->connectionMode.v = GW_MODE_RESPONDER_ONLY;
  g_assert_true(gw_ike_connection_config(c, k, A("203.0.113.10"), &ci, &hi, &cr, &hr, &why));
  g_assert_true(!hi && hr);
  /* IKEv1: refused */
  k->connectionProtocol = (GwEnum){.set = true, .v = GW_IKEV1};
  g_assert_false(gw_ike_connection_config(c, k, A("203.0.113.10"), &ci, &hi, &cr, &hr, &why));
  g_assert_nonnull(strstr(why, "IKEv1"));
}

static void test_gw_config_policy_based(void)
{
  g_autoptr(GwConfig) c = mk_config();
  GwConnection *k = &c->connections[0];
  k->usePolicyBasedTrafficSelectors = (GwBool){.set = true, .v = true};
  IkeConfig ci, cr;
  bool hi, hr;
  const char *why = NULL;
  g_assert_true(gw_ike_connection_config(c, k, A("203.0.113.10"), &ci, &hi, &cr, &hr, &why));
  /* facts 3.4: the gateway proposes VNet x on-premises prefixes when it initiates, and
   * accepts what the remote proposes when it responds */
  g_assert_cmpuint(ci.n_ts, ==, 1);
  g_assert_cmphex(ci.ts[0].local.first.v, ==, A("10.1.0.0").v);
  g_assert_cmphex(ci.ts[0].remote.last.v, ==, A("192.168.255.255").v);
  g_assert_cmpuint(cr.n_ts, ==, 0);
  g_assert_false(ci.ts_no_narrowing);
  g_assert_false(cr.ts_no_narrowing);
  /* trafficSelectorPolicies win */
  GwTrafficSelectorPolicy *t = &k->trafficSelectorPolicies[k->n_trafficSelectorPolicies++];
  t->localAddressRanges[t->n_localAddressRanges++].v = P("10.1.1.0/24");
  t->remoteAddressRanges[t->n_remoteAddressRanges++].v = P("192.168.1.0/24");
  t->remoteAddressRanges[t->n_remoteAddressRanges++].v = P("192.168.2.0/24");
  g_assert_true(gw_ike_connection_config(c, k, A("203.0.113.10"), &ci, &hi, &cr, &hr, &why));
  g_assert_cmpuint(ci.n_ts, ==, 2);
  g_assert_cmphex(ci.ts[1].remote.first.v, ==, A("192.168.2.0").v);
  /* facts 3.4: the ranges of one line make one child SA (one line of two pairs); a
   * second line is a second child SA */
  g_assert_true(ci.ts_lines);
  g_assert_cmpuint(ikev2_cfg_n_lines(&ci), ==, 1);
  t = &k->trafficSelectorPolicies[k->n_trafficSelectorPolicies++];
  t->localAddressRanges[t->n_localAddressRanges++].v = P("10.1.2.0/24");
  t->remoteAddressRanges[t->n_remoteAddressRanges++].v = P("192.168.3.0/24");
  g_assert_true(gw_ike_connection_config(c, k, A("203.0.113.10"), &ci, &hi, &cr, &hr, &why));
  g_assert_cmpuint(ci.n_ts, ==, 3);
  g_assert_cmpuint(ikev2_cfg_n_lines(&ci), ==, 2);
  g_assert_cmpuint(ikev2_cfg_line_of(&ci, 1), ==, 0);
  g_assert_cmpuint(ikev2_cfg_line_of(&ci, 2), ==, 1);
  /* without trafficSelectorPolicies every VNet x on-premises pair is a line of its own */
  ci.ts_lines = false;
  g_assert_cmpuint(ikev2_cfg_n_lines(&ci), ==, 3);
}

/* IKEv1 connections (facts 2.1, 2.2, 2.3, 2.4, 3.6, 4) */
static void test_gw_config_v1(void)
{
  g_autoptr(GwConfig) c = mk_config();
  GwConnection *k = &c->connections[0];
  Ikev1Config v;
  bool dials = false;
  const char *why = NULL;
  g_assert_false(gw_connection_is_ikev1(c, k));
  k->connectionProtocol = (GwEnum){.set = true, .v = GW_IKEV1};
  g_assert_true(gw_connection_is_ikev1(c, k));
  g_assert_true(gw_ike_connection_config_v1(c, k, A("203.0.113.10"), &v, &dials, &why));
  g_assert_true(dials);
  g_assert_cmpint(v.start, ==, IKE_START_RESPOND);
  /* facts 2.1, route-based column: six rows, AES256/SHA1 first, 3DES/SHA256 last, group 2 */
  g_assert_cmpuint(v.n_p1, ==, 6);
  g_assert_cmpuint(v.p1[0].encr, ==, IKEV1_ENCR_AES_CBC);
  g_assert_cmpuint(v.p1[0].key_bits, ==, 256);
  g_assert_cmpuint(v.p1[0].hash, ==, IKEV1_HASH_SHA);
  g_assert_cmpuint(v.p1[5].encr, ==, IKEV1_ENCR_3DES_CBC);
  g_assert_cmpuint(v.p1[5].hash, ==, IKEV1_HASH_SHA2_256);
  for (size_t i = 0; i < v.n_p1; i++)
    g_assert_cmpuint(v.p1[i].group, ==, 2);
  /* facts 2.3 offered (GCM first, no PFS), 2.4 accepted besides (PFS 1, 2, 14, 24, DES) */
  g_assert_cmpuint(v.n_p2_offer, ==, 6);
  g_assert_cmpuint(v.p2[0].esp, ==, IKEV1_ESP_AES_GCM_16);
  g_assert_cmpuint(v.p2[0].auth, ==, 0);
  g_assert_cmpuint(v.n_p2, ==, 26);
  for (size_t i = 0; i < v.n_p2_offer; i++)
    g_assert_cmpuint(v.p2[i].pfs, ==, 0);
  g_assert_cmpuint(v.p1_lifetime_s, ==, 28800);
  g_assert_cmpuint(v.p2_lifetime_s, ==, 27000);
  g_assert_cmpuint(v.p2_lifetime_kb, ==, 102400000);
  g_assert_true(v.dpd_vid);
  g_assert_cmpuint(v.dpd_interval_s, >, 0);
  g_assert_cmpuint(v.n_ts, ==, 0);
  /* a policy-based gateway: IKEv1 whatever the connection says, facts 2.1 / 2.2
   * policy-based columns, no DPD, 3,600 s, VNet x on-premises selector pairs */
  k->connectionProtocol.set = false;
  c->virtualNetworkGateways[0].vpnType = (GwEnum){.set = true, .v = GW_VPN_POLICY_BASED};
  g_assert_true(gw_connection_is_ikev1(c, k));
  g_assert_true(gw_ike_connection_config_v1(c, k, A("203.0.113.10"), &v, &dials, &why));
  g_assert_cmpuint(v.n_p1, ==, 4);
  g_assert_cmpuint(v.p1[0].hash, ==, IKEV1_HASH_SHA2_256);
  g_assert_cmpuint(v.n_p2, ==, 4);
  g_assert_cmpuint(v.p2[0].esp, ==, IKEV1_ESP_AES);
  g_assert_cmpuint(v.p2[0].auth, ==, IKEV1_AUTH_ALG_HMAC_SHA2_256);
  g_assert_cmpuint(v.p2[3].esp, ==, IKEV1_ESP_3DES);
  for (size_t i = 0; i < v.n_p2; i++)
    g_assert_cmpuint(v.p2[i].pfs, ==, 0);
  g_assert_cmpuint(v.p2_lifetime_s, ==, 3600);
  g_assert_false(v.dpd_vid);
  g_assert_cmpuint(v.dpd_interval_s, ==, 0);
  g_assert_cmpuint(v.n_ts, ==, 1);
  /* a custom policy with GCM in phase 1 has no IKEv1 form: refused with a reason */
  c->virtualNetworkGateways[0].vpnType.v = GW_VPN_ROUTE_BASED;
  k->connectionProtocol = (GwEnum){.set = true, .v = GW_IKEV1};
  GwIpsecPolicy *p = &k->ipsecPolicies[k->n_ipsecPolicies++];
  *p = (GwIpsecPolicy){0};
  p->ikeEncryption.v = GW_IKE_ENC_GCMAES256;
  p->ikeIntegrity.v = GW_IKE_INTEG_SHA384;
  p->dhGroup.v = GW_DH_DHGROUP14;
  p->ipsecEncryption.v = GW_ESP_ENC_AES256;
  p->ipsecIntegrity.v = GW_ESP_INTEG_SHA256;
  p->pfsGroup.v = GW_PFS_NONE;
  g_assert_false(gw_ike_connection_config_v1(c, k, A("203.0.113.10"), &v, &dials, &why));
  g_assert_nonnull(strstr(why, "IKEv1"));
  p->ikeEncryption.v = GW_IKE_ENC_AES256;
  g_assert_true(gw_ike_connection_config_v1(c, k, A("203.0.113.10"), &v, &dials, &why));
  g_assert_cmpuint(v.n_p1, ==, 1);
  g_assert_cmpuint(v.p1[0].group, ==, 14);
  g_assert_cmpuint(v.n_p2, ==, 1);
}

/* ---- the device's configuration ---- */

static void dev_base(DevConfig *d)
{
  dev_config_init(d);
  d->name = "site1-vpn";
  d->has_public_ip = d->has_peer = true;
  d->public_ip = A("198.51.100.20");
  d->peer = A("203.0.113.10");
  d->psk = "Vpnsim.test.key";
  d->lan[d->n_lan++] = P("192.168.0.0/16");
  DevProposal *p = &d->ike_proposals[d->n_ike_proposals++];
  p->encr[p->n_encr++] = (DevEncr){ENCR_AES_CBC, 256};
  p->integ[p->n_integ++] = AUTH_HMAC_SHA2_256_128;
  p->prf[p->n_prf++] = PRF_HMAC_SHA2_256;
  p->dh[p->n_dh++] = DH_MODP_1024;
  DevProposal *e = &d->esp_proposals[d->n_esp_proposals++];
  e->encr[e->n_encr++] = (DevEncr){ENCR_AES_GCM_16, 256};
  e->esn[e->n_esn++] = ESN_NO;
  d->start_action = DEV_START_INITIATE;
}

static void test_dev_config(void)
{
  DevConfig d;
  dev_base(&d);
  IkeConfig c;
  bool trunc;
  const char *why = NULL;
  g_assert_true(dev_ike_config(&d, &c, &trunc, &why));
  g_assert_false(trunc);
  g_assert_cmpuint(c.n_ike, ==, 1);
  g_assert_cmpuint(c.n_esp, ==, 1);
  g_assert_cmpuint(c.esp[0].integ, ==, AUTH_NONE);
  g_assert_cmpstr(c.local_id.value, ==, "198.51.100.20");
  g_assert_cmpstr(c.remote_id.value, ==, "203.0.113.10");
  g_assert_cmpint(c.start, ==, IKE_START_INITIATE);
  /* several transforms of each type: one proposal listing them all (RFC 7296 3.3), the
   * ones the engine does not implement left out */
  DevProposal *p = &d.ike_proposals[0];
  p->encr[p->n_encr++] = (DevEncr){ENCR_AES_CBC, 128};
  p->integ[p->n_integ++] = AUTH_HMAC_SHA1_96;
  p->dh[p->n_dh++] = DH_ECP_256;
  p->dh[p->n_dh++] = 9999; /* unknown group: left out */
  g_assert_true(dev_ike_config(&d, &c, &trunc, &why));
  g_assert_cmpuint(c.n_ike, ==, 1);
  g_assert_false(trunc);
  g_assert_cmpuint(c.ike[0].encr_alt.n, ==, 1);
  g_assert_cmpuint(c.ike[0].encr_alt.key_bits[0], ==, 128);
  g_assert_cmpuint(c.ike[0].integ_alt.n, ==, 1);
  g_assert_cmpuint(c.ike[0].integ_alt.id[0], ==, AUTH_HMAC_SHA1_96);
  g_assert_cmpuint(c.ike[0].dh_alt.n, ==, 1);
  g_assert_cmpuint(c.ike[0].dh_alt.id[0], ==, DH_ECP_256);
  /* RFC 5282 8: an AEAD cipher goes into a proposal of its own, without integrity */
  p->encr[p->n_encr++] = (DevEncr){ENCR_AES_GCM_16, 256};
  p->prf[p->n_prf++] = PRF_HMAC_SHA2_384;
  g_assert_true(dev_ike_config(&d, &c, &trunc, &why));
  g_assert_cmpuint(c.n_ike, ==, 2);
  g_assert_cmpuint(c.ike[0].encr_alt.n, ==, 1);
  g_assert_cmpuint(c.ike[1].encr, ==, ENCR_AES_GCM_16);
  g_assert_cmpuint(c.ike[1].integ, ==, AUTH_NONE);
  g_assert_cmpuint(c.ike[1].integ_alt.n, ==, 0);
  g_assert_cmpuint(c.ike[1].prf_alt.n, ==, 1);
  g_assert_false(trunc);
  /* start actions, DPD, selectors */
  d.start_action = DEV_START_ON_TRAFFIC;
  d.dpd_interval_s = 10, d.dpd_timeout_s = 30, d.dpd_action = DEV_DPD_RESTART;
  d.ts_mode = DEV_TS_PREFIXES;
  d.ts_local[d.n_ts_local++] = P("192.168.1.0/24");
  d.ts_remote[d.n_ts_remote++] = P("10.1.0.0/16");
  g_assert_true(dev_ike_config(&d, &c, &trunc, &why));
  g_assert_cmpint(c.start, ==, IKE_START_ON_TRAFFIC);
  g_assert_cmpint(c.dpd_action, ==, IKE_DPD_RESTART);
  g_assert_cmpuint(c.dpd_interval_s, ==, 10);
  g_assert_cmpuint(c.n_ts, ==, 1);
  /* IKEv1 and nothing usable: refused */
  d.ike_version = 1;
  g_assert_false(dev_ike_config(&d, &c, &trunc, &why));
  d.ike_version = 2;
  d.ike_proposals[0].dh[0] = 9999;
  d.ike_proposals[0].n_dh = 1;
  g_assert_false(dev_ike_config(&d, &c, &trunc, &why));
}

/* ---- the datagram summary: bad input never crashes ---- */

/* An IKE_SA_INIT request header (RFC 7296 3.1) with one Notify payload (3.10) of type
 * NO_PROPOSAL_CHOSEN (14), hand-assembled. */
static const char init_hex[] = "0102030405060708" "0000000000000000" /* SPIs */
                               "29" "20" "22" "08" "00000000" "00000024" /* N, 2.0, INIT, I */
                               "00" "00" "0008" "00" "00" "000e";        /* Notify 14 */

static void test_summary(void)
{
  g_autoptr(GBytes) b = tu_hex(init_hex);
  gsize n;
  const uint8_t *p = g_bytes_get_data(b, &n);
  uint8_t x;
  bool resp, iflag;
  uint32_t mid;
  char notes[64];
  g_assert_true(ep_ike_datagram_summary(p, n, false, &x, &resp, &mid, &iflag, notes, sizeof notes));
  g_assert_cmpuint(x, ==, IKEV2_IKE_SA_INIT);
  g_assert_false(resp);
  g_assert_true(iflag);
  g_assert_cmpstr(notes, ==, "NO_PROPOSAL_CHOSEN");
  /* every truncation: refused (the header's Length covers the whole message), no crash */
  for (size_t k = 0; k < n; k++)
    g_assert_false(ep_ike_datagram_summary(p, k, false, &x, &resp, &mid, &iflag, notes, sizeof notes));
  /* on 4500: the non-ESP marker is required; a keepalive is no IKE message */
  uint8_t m[4 + 64] = {0};
  memcpy(m + 4, p, n);
  g_assert_true(ep_ike_datagram_summary(m, n + 4, true, &x, &resp, &mid, &iflag, notes, sizeof notes));
  uint8_t ka = 0xff;
  g_assert_false(ep_ike_datagram_summary(&ka, 1, true, &x, &resp, &mid, &iflag, notes, sizeof notes));
  m[0] = 1;
  g_assert_false(ep_ike_datagram_summary(m, n + 4, true, &x, &resp, &mid, &iflag, notes, sizeof notes));
}

/* ---- a gateway and a device back to back ---- */

typedef struct Net Net;
typedef struct {
  Net *net;
  const char *name;
  EpEnv env;
  EpIkeIo io;
  GPtrArray *inside; /* GBytes delivered inside */
  GPtrArray *events; /* char*: "type connection notifies" */
  size_t max_ike;    /* the largest IKE datagram it sent */
} End;

typedef struct {
  EpTimerId id;
  int64_t at;
  EpTimerFn fn;
  void *arg;
} Tm;

typedef struct {
  int to;
  bool ike;
  Ipv4Addr src;
  uint16_t sport, dport;
  GBytes *data;
} Dg;

struct Net {
  int64_t now;
  GArray *timers;
  EpTimerId next;
  GQueue wire; /* Dg* */
  End e[2];    /* 0: gateway, 1: device */
  GwGateway *gw;
  DevRuntime *dev;
  GwIke *gike;
  DevIke *dike;
  Drbg *rng[2], *iv[2];
  Ipv4Addr dev_addr; /* the device's own address (private behind the NAT) */
  /* An optional NAPT box in front of the device (RFC 4787 endpoint-independent
   * mapping): its address and ports 500 and 4500 leave as NAT_PUBLIC and nat_port[0],
   * nat_port[1]; datagrams to any other port of NAT_PUBLIC find no mapping. */
  bool nat;
  uint16_t nat_port[2];
  unsigned nat_dropped;
  bool hold;     /* datagrams to the gateway are kept in 'held' instead of delivered */
  GQueue held;   /* Dg*, after translation */
};

#define NAT_PUBLIC "198.51.100.20"

static int64_t e_now(void *u) { return ((End *)u)->net->now; }

static EpTimerId e_add(void *u, int64_t d, EpTimerFn fn, void *arg)
{
  Net *n = ((End *)u)->net;
  Tm t = {++n->next, n->now + d, fn, arg};
  g_array_append_val(n->timers, t);
  return t.id;
}

static bool e_cancel(void *u, EpTimerId id)
{
  Net *n = ((End *)u)->net;
  for (guint i = 0; i < n->timers->len; i++)
    if (g_array_index(n->timers, Tm, i).id == id) {
      g_array_remove_index(n->timers, i);
      return true;
    }
  return false;
}

static int end_of(End *e)
{
  return e == &e->net->e[0] ? 0 : 1;
}

static void e_outer(void *u, const EpOuterPacket *p)
{
  End *e = u;
  Dg *d = g_new0(Dg, 1);
  d->to = !end_of(e);
  d->data = g_bytes_new(p->packet, p->len);
  g_queue_push_tail(&e->net->wire, d);
}

static void e_inner(void *u, const uint8_t *pkt, size_t len)
{
  g_ptr_array_add(((End *)u)->inside, g_bytes_new(pkt, len));
}

static void e_event(void *u, const VsEvent *ev)
{
  End *e = u;
  const VsAttr *n = vs_event_attr(ev, "notifies");
  const VsAttr *dir = vs_event_attr(ev, "dir");
  const VsAttr *x = vs_event_attr(ev, "exchange");
  g_ptr_array_add(e->events, g_strdup_printf("%s %s [%s %s]", ev->type,
                                             n && n->kind == VS_ATTR_STR ? n->v.s : "",
                                             dir && dir->kind == VS_ATTR_STR ? dir->v.s : "",
                                             x && x->kind == VS_ATTR_STR ? x->v.s : ""));
}

static void e_send(void *u, Ipv4Addr src, uint16_t sport, Ipv4Addr dst, uint16_t dport,
                   const uint8_t *data, size_t len)
{
  End *e = u;
  Dg *d = g_new0(Dg, 1);
  d->to = !end_of(e);
  d->ike = true;
  d->src = src, d->sport = sport, d->dport = dport;
  d->data = g_bytes_new(data, len);
  g_queue_push_tail(&e->net->wire, d);
  e->max_ike = MAX(e->max_ike, len);
}

/* The data plane's hook, wired to the IKE side as the runner does (sim/run/bind.c). */
static void e_peer_moved(void *u, int tunnel, Ipv4Addr src, uint16_t sport)
{
  End *e = u;
  if (end_of(e) == 0)
    gw_ike_esp_authenticated(e->net->gike, tunnel, src, sport);
  else
    dev_ike_esp_authenticated(e->net->dike, src, sport);
}

static unsigned count(const End *e, const char *prefix)
{
  unsigned n = 0;
  for (guint i = 0; i < e->events->len; i++)
    n += g_str_has_prefix(g_ptr_array_index(e->events, i), prefix);
  return n;
}

static void net_init(Net *n, GwConfig *c, DevConfig *d)
{
  memset(n, 0, sizeof *n);
  n->timers = g_array_new(FALSE, FALSE, sizeof(Tm));
  g_queue_init(&n->wire);
  for (int i = 0; i < 2; i++) {
    End *e = &n->e[i];
    e->net = n;
    e->inside = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
    e->events = g_ptr_array_new_with_free_func(g_free);
    n->rng[i] = drbg_new_stream(7, i ? "site1-vpn/ike" : "vgw1/0/ike");
    n->iv[i] = drbg_new_stream(7, i ? "site1-vpn/esp-iv" : "vgw1/0/esp-iv");
    e->env = (EpEnv){.user = e, .now = e_now, .timer_add = e_add, .timer_cancel = e_cancel,
                     .send_outer = e_outer, .deliver_inner = e_inner,
                     .events = {e_event, e}, .drbg = n->iv[i], .peer_moved = e_peer_moved};
    e->io = (EpIkeIo){.user = e, .send = e_send};
  }
  char *err = NULL;
  n->gw = gw_gateway_new(c, "vgw1", &n->e[0].env, &(GwGatewayOptions){.no_caps = true}, &err);
  g_assert_nonnull(n->gw);
  DevRuntimeConfig dc = {.name = "site1-vpn", .public_ip = d->public_ip,
                         .inside_ip = A("192.168.0.1"), .n_lan = 1, .n_tunnels = 1};
  dc.lan[0] = P("192.168.0.0/16");
  dc.tunnels[0] = (EpDpTunnelConfig){.name = "conn1", .remote_public = d->peer};
  dc.tunnels[0].remote_prefixes[dc.tunnels[0].n_remote_prefixes++] = P("10.1.0.0/16");
  n->dev_addr = d->public_ip;
  n->dev = dev_runtime_new(&dc, &n->e[1].env, &err);
  g_assert_nonnull(n->dev);
  n->gike = gw_ike_new(c, "vgw1", n->gw, &n->e[0].env, &n->e[0].io, n->rng[0]);
  n->dike = dev_ike_new(d, n->dev, 0, &n->e[1].env, &n->e[1].io, n->rng[1], &err);
  g_assert_nonnull(n->dike);
  gw_ike_start(n->gike);
  dev_ike_start(n->dike);
}

static void dg_free(Dg *d)
{
  g_bytes_unref(d->data);
  g_free(d);
}

/* The outer packet 'b' with new addresses and UDP ports (ESP in UDP, RFC 3948: UDP
 * checksum 0). */
static GBytes *rewrite(const uint8_t *b, size_t len, Ipv4Addr src, Ipv4Addr dst, uint16_t sport,
                       uint16_t dport)
{
  WireReader r = wire_reader(b, len);
  InetIpv4Header h;
  g_assert_cmpint(inet_ipv4_decode(&r, &h), ==, WIRE_OK);
  g_assert_cmpuint(h.proto, ==, INET_PROTO_UDP);
  EspNattDatagram u;
  WireDiag diag = {0};
  g_assert_cmpint(esp_natt_decode(b + h.ihl_bytes, len - h.ihl_bytes, &u, &diag), ==, ESP_OK);
  h.src = src, h.dst = dst;
  WireWriter w;
  wire_writer_init(&w);
  inet_ipv4_encode(&w, &h);
  esp_natt_encode_esp(&w, sport, dport, u.payload_len);
  wire_put_bytes(&w, u.payload, u.payload_len);
  g_assert_true(wire_writer_ok(&w));
  size_t n;
  uint8_t *o = wire_writer_steal(&w, &n);
  return g_bytes_new_take(o, n);
}

/* The NAT box, when there is one: false when the datagram finds no mapping. */
static bool nat_translate(Net *n, Dg *d)
{
  if (!n->nat)
    return true;
  gsize len;
  const uint8_t *b = g_bytes_get_data(d->data, &len);
  WireReader r = wire_reader(b, len);
  InetIpv4Header h = {0};
  EspNattDatagram u = {0};
  WireDiag diag = {0};
  if (!d->ike && (inet_ipv4_decode(&r, &h) != WIRE_OK || h.proto != INET_PROTO_UDP ||
                  esp_natt_decode(b + h.ihl_bytes, len - h.ihl_bytes, &u, &diag) != ESP_OK))
    return false; /* only UDP is translated */
  uint16_t sport = d->ike ? d->sport : u.sport;
  uint16_t dport = d->ike ? d->dport : u.dport;
  if (d->to == 0) { /* outbound: the public address and the mapping's port */
    sport = n->nat_port[sport == 4500];
    d->src = A(NAT_PUBLIC), d->sport = sport;
  } else { /* inbound: only to a mapping's port */
    if (dport != n->nat_port[0] && dport != n->nat_port[1]) {
      n->nat_dropped++;
      return false;
    }
    dport = dport == n->nat_port[1] ? 4500 : 500;
    d->dport = dport;
  }
  if (!d->ike) {
    GBytes *o = d->to == 0 ? rewrite(b, len, A(NAT_PUBLIC), h.dst, sport, dport)
                           : rewrite(b, len, h.src, n->dev_addr, sport, dport);
    g_bytes_unref(d->data);
    d->data = o;
  }
  return true;
}

/* One datagram into its receiver. */
static void deliver(Net *n, Dg *d)
{
  gsize len;
  const uint8_t *b = g_bytes_get_data(d->data, &len);
  Ipv4Addr me = d->to ? n->dev_addr : A("203.0.113.10");
  if (d->ike && d->to == 0)
    gw_ike_rx(n->gike, d->src, d->sport, me, d->dport, b, len);
  else if (d->ike)
    dev_ike_rx(n->dike, d->src, d->sport, me, d->dport, b, len);
  else
    ep_dp_rx_outer(d->to ? dev_runtime_dp(n->dev) : gw_gateway_dp(n->gw), b, len);
}

/* Carry the oldest datagram (10 ms each way) or, with none in flight, fire the earliest
 * timer due by 'until'; false when there is neither. */
static bool net_step(Net *n, int64_t until)
{
  {
    Dg *d = g_queue_pop_head(&n->wire);
    if (d) {
      n->now += 10 * 1000000;
      if (!nat_translate(n, d)) {
        dg_free(d);
      } else if (n->hold && d->to == 0) {
        g_queue_push_tail(&n->held, d);
      } else {
        deliver(n, d);
        dg_free(d);
      }
      return true;
    }
    int best = -1;
    for (guint i = 0; i < n->timers->len; i++) {
      Tm *t = &g_array_index(n->timers, Tm, i);
      if (t->at <= until && (best < 0 || t->at < g_array_index(n->timers, Tm, best).at))
        best = (int)i;
    }
    if (best < 0)
      return false;
    Tm t = g_array_index(n->timers, Tm, best);
    g_array_remove_index(n->timers, (guint)best);
    if (t.at > n->now)
      n->now = t.at;
    t.fn(t.arg);
  }
  return true;
}

/* Carry every datagram and fire the timers, up to 'until'. */
static void net_run(Net *n, int64_t until)
{
  for (int guard = 0; guard < 10000 && net_step(n, until); guard++)
    ;
  if (n->now < until)
    n->now = until;
}

static void net_clear(Net *n)
{
  dev_ike_free(n->dike);
  gw_ike_free(n->gike);
  dev_runtime_free(n->dev);
  gw_gateway_free(n->gw);
  Dg *d;
  while ((d = g_queue_pop_head(&n->wire)))
    dg_free(d);
  while ((d = g_queue_pop_head(&n->held)))
    dg_free(d);
  for (int i = 0; i < 2; i++) {
    g_ptr_array_unref(n->e[i].inside);
    g_ptr_array_unref(n->e[i].events);
    drbg_free(n->rng[i]);
    drbg_free(n->iv[i]);
  }
  g_array_free(n->timers, TRUE);
}

static void ping(Net *n, int from)
{
  WireWriter w;
  wire_writer_init(&w);
  Ipv4Addr a = A("10.1.1.4"), b = A("192.168.1.10");
  inet_icmp_echo_packet(&w, 8, from ? b : a, from ? a : b, 1, 7, 1, NULL, 56);
  EpDp *dp = from ? dev_runtime_dp(n->dev) : gw_gateway_dp(n->gw);
  g_assert_true(ep_dp_tx_inner(dp, w.buf, w.len));
  guint before = n->e[!from].inside->len;
  net_run(n, n->now + 1000000000);
  g_assert_cmpuint(n->e[!from].inside->len, ==, before + 1);
  gsize len;
  const uint8_t *got = g_bytes_get_data(g_ptr_array_index(n->e[!from].inside, before), &len);
  g_assert_cmpmem(got, len, w.buf, w.len);
  wire_writer_clear(&w);
}

static void test_pair_default(void)
{
  g_autoptr(GwConfig) c = mk_config();
  DevConfig d;
  dev_base(&d);
  Net n;
  net_init(&n, c, &d);
  net_run(&n, 5 * NS_PER_S);
  EpDp *g = gw_gateway_dp(n.gw);
  g_assert_true(ep_dp_tunnel_up(g, 0));
  g_assert_true(ep_dp_tunnel_up(dev_runtime_dp(n.dev), 0));
  g_assert_cmpuint(ep_dp_tunnel_metrics(g, 0)->mm_sa_count, ==, 1);
  g_assert_cmpuint(ep_dp_tunnel_metrics(g, 0)->qm_sa_count, ==, 1);
  /* ike.message both ways for both exchanges, with their clear notifies */
  g_assert_cmpuint(count(&n.e[0], "ike.message"), ==, 4);
  g_assert_cmpuint(count(&n.e[1], "ike.message NAT_DETECTION_SOURCE_IP"), ==, 2);
  g_assert_cmpuint(count(&n.e[0], "child.sa.established"), ==, 1);
  g_assert_cmpuint(count(&n.e[0], "ike.sa.established"), ==, 1);
  /* inner packets both ways through the SAs the engines installed */
  ping(&n, 0);
  ping(&n, 1);
  net_clear(&n);
}

static void test_pair_mismatch(void)
{
  g_autoptr(GwConfig) c = mk_config();
  set_policy(&c->connections[0], GW_IKE_ENC_GCMAES256, GW_IKE_INTEG_SHA384, GW_DH_ECP384,
             GW_ESP_ENC_GCMAES256, GW_ESP_INTEG_GCMAES256, GW_PFS_NONE);
  DevConfig d;
  dev_base(&d);
  Net n;
  net_init(&n, c, &d);
  net_run(&n, 5 * NS_PER_S);
  g_assert_false(ep_dp_tunnel_up(gw_gateway_dp(n.gw), 0));
  /* the device's IKE_SA_INIT answered NO_PROPOSAL_CHOSEN (sent by the gateway), and the
   * gateway's own dial a second later (Default mode) answered the same by the device */
  g_assert_cmpuint(count(&n.e[0], "ike.message NO_PROPOSAL_CHOSEN"), ==, 2);
  g_assert_cmpuint(count(&n.e[1], "ike.message NO_PROPOSAL_CHOSEN"), ==, 2);
  net_clear(&n);
}

static void test_pair_psk_mismatch(void)
{
  g_autoptr(GwConfig) c = mk_config();
  DevConfig d;
  dev_base(&d);
  d.psk = "Another.key";
  Net n;
  net_init(&n, c, &d);
  net_run(&n, 5 * NS_PER_S);
  g_assert_false(ep_dp_tunnel_up(gw_gateway_dp(n.gw), 0));
  g_assert_false(ep_dp_tunnel_up(dev_runtime_dp(n.dev), 0));
  /* the device reads AUTHENTICATION_FAILED inside the encrypted IKE_AUTH response, and
   * the gateway's event for the response it sent names it too (the engine's summary of
   * the plaintext, IkeEnv.message); then the gateway dials (Default mode) and the roles
   * swap */
  g_assert_cmpuint(count(&n.e[1], "ike.message AUTHENTICATION_FAILED [received IKE_AUTH]"), ==, 1);
  g_assert_cmpuint(count(&n.e[0], "ike.message AUTHENTICATION_FAILED [sent IKE_AUTH]"), ==, 1);
  g_assert_cmpuint(count(&n.e[1], "ike.message AUTHENTICATION_FAILED [sent IKE_AUTH]"), ==, 1);
  g_assert_cmpuint(count(&n.e[0], "ike.message AUTHENTICATION_FAILED [received IKE_AUTH]"), ==, 1);
  net_clear(&n);
}

static void test_pair_initiator_only(void)
{
  g_autoptr(GwConfig) c = mk_config();
  c->connections[0].connectionMode = (GwEnum){.set = true, .v = GW_MODE_INITIATOR_ONLY};
  DevConfig d;
  dev_base(&d);
  d.start_action = DEV_START_RESPOND;
  Net n;
  net_init(&n, c, &d);
  net_run(&n, 5 * NS_PER_S);
  g_assert_true(ep_dp_tunnel_up(gw_gateway_dp(n.gw), 0));
  ping(&n, 1);
  /* the device initiating is not answered by an InitiatorOnly gateway */
  net_clear(&n);
  dev_base(&d);
  net_init(&n, c, &d);
  net_run(&n, 100 * 1000000);
  g_assert_cmpuint(count(&n.e[0], "ike.refused"), >=, 1);
  net_clear(&n);
}

static void test_pair_default_dials(void)
{
  g_autoptr(GwConfig) c = mk_config();
  DevConfig d;
  dev_base(&d);
  d.start_action = DEV_START_RESPOND;
  Net n;
  net_init(&n, c, &d);
  net_run(&n, 900 * 1000000);
  g_assert_cmpuint(count(&n.e[0], "ike.message"), ==, 0); /* not before one second */
  net_run(&n, 3 * NS_PER_S);
  g_assert_true(ep_dp_tunnel_up(gw_gateway_dp(n.gw), 0));
  g_assert_cmpuint(count(&n.e[0], "ike.sa.established"), ==, 1);
  net_clear(&n);
}

/* Timeline changes: a reset and a new custom policy delete the IKE SA (the device hears
 * the Delete), take the tunnel down and bring it up again under the new configuration. */
static void test_pair_reset_and_policy(void)
{
  g_autoptr(GwConfig) c = mk_config();
  DevConfig d;
  dev_base(&d);
  Net n;
  net_init(&n, c, &d);
  net_run(&n, 3 * NS_PER_S);
  EpDp *g = gw_gateway_dp(n.gw);
  g_assert_true(ep_dp_tunnel_up(g, 0));
  g_assert_true(gw_ike_reset(n.gike, c, "conn1"));
  g_assert_false(ep_dp_tunnel_up(g, 0));
  g_assert_cmpuint(count(&n.e[0], "gw.connection.reset"), ==, 1);
  net_run(&n, 6 * NS_PER_S);
  g_assert_true(ep_dp_tunnel_up(g, 0));
  g_assert_true(ep_dp_tunnel_up(dev_runtime_dp(n.dev), 0));
  ping(&n, 1);
  /* a custom policy the device does not match: down, and it stays down */
  GwIpsecPolicy p = {.ikeEncryption = {true, {0}, GW_IKE_ENC_GCMAES256},
                     .ikeIntegrity = {true, {0}, GW_IKE_INTEG_SHA384},
                     .dhGroup = {true, {0}, GW_DH_ECP384},
                     .ipsecEncryption = {true, {0}, GW_ESP_ENC_GCMAES256},
                     .ipsecIntegrity = {true, {0}, GW_ESP_INTEG_GCMAES256},
                     .pfsGroup = {true, {0}, GW_PFS_NONE}};
  g_assert_true(gw_ike_set_policy(n.gike, c, "conn1", &p));
  net_run(&n, 20 * NS_PER_S);
  g_assert_false(ep_dp_tunnel_up(g, 0));
  g_assert_cmpuint(count(&n.e[0], "ike.message NO_PROPOSAL_CHOSEN"), >=, 1);
  /* back to the default policy: up again */
  g_assert_true(gw_ike_set_policy(n.gike, c, "conn1", NULL));
  net_run(&n, 40 * NS_PER_S);
  g_assert_true(ep_dp_tunnel_up(g, 0));
  g_assert_false(gw_ike_reset(n.gike, c, "no-such-connection"));
  net_clear(&n);
}

/* ---- NAT rebinding (RFC 7296 2.23) ---- */

/* A device at the private address 10.0.0.2 behind the NAPT box (public NAT_PUBLIC, the
 * local network gateway's address), naming itself by the public address; the tunnel up
 * with NAT detected, IKE and ESP on the mapping of port 4500 (40001). */
static void nat_up(Net *n, GwConfig *c, DevConfig *d)
{
  d->public_ip = A("10.0.0.2");
  d->local_id = (DevIdentity){DEV_ID_IPV4_ADDR, NAT_PUBLIC};
  net_init(n, c, d);
  n->nat = true;
  n->nat_port[0] = 40000, n->nat_port[1] = 40001;
  net_run(n, 5 * NS_PER_S);
  g_assert_true(ep_dp_tunnel_up(gw_gateway_dp(n->gw), 0));
  g_assert_cmpuint(count(&n->e[0], "ike.nat.detected"), >=, 1);
  ping(n, 1);
  ping(n, 0);
}

/* Where the gateway's tunnel sends its ESP in UDP: the destination port. */
static uint16_t gw_esp_port(Net *n)
{
  Ipv4Addr a;
  uint16_t port = 0;
  g_assert_true(ep_dp_tunnel_peer(gw_gateway_dp(n->gw), 0, &a, &port));
  g_assert_cmphex(a.v, ==, A(NAT_PUBLIC).v);
  return port;
}

/* The device's next ESP packet to the gateway as it leaves the NAT box (not delivered). */
static Dg *dev_esp(Net *n, uint16_t seq)
{
  WireWriter w;
  wire_writer_init(&w);
  inet_icmp_echo_packet(&w, 8, A("192.168.1.10"), A("10.1.1.4"), seq, 7, seq, NULL, 56);
  g_assert_true(ep_dp_tx_inner(dev_runtime_dp(n->dev), w.buf, w.len));
  wire_writer_clear(&w);
  n->hold = true;
  net_run(n, n->now);
  n->hold = false;
  Dg *d = g_queue_pop_head(&n->held);
  g_assert_nonnull(d);
  g_assert_false(d->ike);
  g_assert_true(g_queue_is_empty(&n->held));
  return d;
}

/* The same datagram with its last octet changed (inside the ICV: ESP's, or the
 * integrity checksum of IKE's SK payload) and, for ESP, from source port 'sport'. */
static void forge(Net *n, Dg *d, uint16_t sport)
{
  gsize len;
  const uint8_t *b = g_bytes_get_data(d->data, &len);
  g_autofree uint8_t *x = g_memdup2(b, len);
  x[len - 1] ^= 0x01;
  GBytes *o = g_bytes_new(x, len);
  if (!d->ike) {
    WireReader r = wire_reader(x, len);
    InetIpv4Header h;
    g_assert_cmpint(inet_ipv4_decode(&r, &h), ==, WIRE_OK);
    g_bytes_unref(o);
    o = rewrite(x, len, h.src, h.dst, sport, 4500);
  }
  d->sport = sport;
  g_bytes_unref(d->data);
  d->data = o;
}

/* Deliver a datagram to the gateway as if from source port 'sport' (ESP in UDP). */
static EpRxResult deliver_from(Net *n, Dg *d, uint16_t sport)
{
  gsize len;
  const uint8_t *b = g_bytes_get_data(d->data, &len);
  WireReader r = wire_reader(b, len);
  InetIpv4Header h;
  g_assert_cmpint(inet_ipv4_decode(&r, &h), ==, WIRE_OK);
  g_autoptr(GBytes) o = rewrite(b, len, h.src, h.dst, sport, 4500);
  gsize on;
  const uint8_t *ob = g_bytes_get_data(o, &on);
  return ep_dp_rx_outer(gw_gateway_dp(n->gw), ob, on);
}

/* The NAT rebinds the device's mapping to a new port (40002). An ESP packet from the new
 * port that fails its ICV does not move the gateway, nor does a genuine packet that is
 * not the newest of its SA (held back, then sent from another port); the next genuine
 * one does: the gateway's ESP and IKE follow it, the tunnel stays up and nothing more is
 * lost at the NAT. */
static void test_nat_rebind_esp(void)
{
  g_autoptr(GwConfig) c = mk_config();
  DevConfig d;
  dev_base(&d);
  Net n;
  nat_up(&n, c, &d);
  EpDp *g = gw_gateway_dp(n.gw);
  g_assert_cmpuint(gw_esp_port(&n), ==, 40001);
  /* a genuine packet held back while a newer one arrives, then sent from 40002: inside
   * the replay window and authentic, but not the newest, so no move */
  Dg *old = dev_esp(&n, 2), *newer = dev_esp(&n, 3);
  deliver(&n, newer);
  g_assert_cmpint(deliver_from(&n, old, 40002), ==, EP_RX_DELIVERED);
  g_assert_cmpuint(gw_esp_port(&n), ==, 40001);
  dg_free(old);
  dg_free(newer);
  /* the NAT rebinds: the mapping of 4500 is 40002 now, 40001 leads nowhere */
  n.nat_port[1] = 40002;
  /* from the new port, with a broken ICV: dropped, no move */
  Dg *bad = dev_esp(&n, 4);
  g_assert_cmpuint(bad->sport, ==, 40002);
  forge(&n, bad, 40002);
  uint64_t drops = ep_dp_metrics(g)->total.drops[EP_DROP_ESP];
  deliver(&n, bad);
  dg_free(bad);
  g_assert_cmpuint(ep_dp_metrics(g)->total.drops[EP_DROP_ESP], ==, drops + 1);
  g_assert_cmpuint(gw_esp_port(&n), ==, 40001);
  g_assert_cmpuint(count(&n.e[0], "ike.nat.remote_changed"), ==, 0);
  /* a genuine one from the new port: the gateway follows */
  ping(&n, 1);
  g_assert_cmpuint(gw_esp_port(&n), ==, 40002);
  g_assert_cmpuint(count(&n.e[0], "ike.nat.remote_changed"), ==, 1);
  unsigned lost = n.nat_dropped;
  ping(&n, 0);
  /* the IKE SA moved too: the gateway's DPD probes (every 10 s) reach the device, the
   * tunnel stays up for two minutes and nothing more is sent to the old mapping */
  net_run(&n, n.now + 120 * NS_PER_S);
  g_assert_true(ep_dp_tunnel_up(g, 0));
  g_assert_cmpuint(count(&n.e[0], "ike.dpd.dead"), ==, 0);
  g_assert_cmpuint(n.nat_dropped, ==, lost);
  ping(&n, 0);
  /* the device is behind the NAT: it never moves (RFC 7296 2.23) */
  g_assert_cmpuint(count(&n.e[1], "ike.nat.remote_changed"), ==, 0);
  net_clear(&n);
}

/* The same with IKE: after the rebind the device's DPD request comes from the new port.
 * A copy that fails its integrity check, from yet another port, moves nothing; the
 * genuine one moves the IKE SA and the tunnel's ESP with it. */
static void test_nat_rebind_ike(void)
{
  g_autoptr(GwConfig) c = mk_config();
  DevConfig d;
  dev_base(&d);
  d.dpd_interval_s = 10, d.dpd_timeout_s = 30;
  Net n;
  nat_up(&n, c, &d);
  n.nat_port[1] = 40002;
  /* hold what the device sends until its DPD request is among it */
  n.hold = true;
  Dg *dpd = NULL;
  for (int i = 0; i < 30 && !dpd; i++) {
    net_run(&n, n.now + NS_PER_S);
    Dg *x;
    while ((x = g_queue_pop_head(&n.held))) {
      if (x->ike && g_bytes_get_size(x->data) > 1 && !dpd)
        dpd = x;
      else
        dg_free(x); /* NAT keepalives */
    }
  }
  n.hold = false;
  g_assert_nonnull(dpd);
  g_assert_cmpuint(dpd->sport, ==, 40002);
  Dg forged = *dpd;
  forged.data = g_bytes_ref(dpd->data);
  forge(&n, &forged, 40003);
  deliver(&n, &forged);
  g_bytes_unref(forged.data);
  g_assert_cmpuint(count(&n.e[0], "ike.nat.remote_changed"), ==, 0);
  g_assert_cmpuint(gw_esp_port(&n), ==, 40001);
  deliver(&n, dpd);
  dg_free(dpd);
  g_assert_cmpuint(count(&n.e[0], "ike.nat.remote_changed"), ==, 1);
  g_assert_cmpuint(gw_esp_port(&n), ==, 40002);
  net_run(&n, n.now + NS_PER_S); /* the answer reaches the device */
  ping(&n, 0);
  ping(&n, 1);
  net_clear(&n);
}

/* The impairment noNatFollow (ep_impair.h): the same rebind, and the gateway stays on the
 * old mapping: no move, one impair.applied event, its ESP to the device lost in the NAT. */
static void test_nat_rebind_impaired(void)
{
  g_autoptr(GwConfig) c = mk_config();
  c->connections[0].impair = (EpImpairSet){.v = {{.kind = EP_IMPAIR_NO_NAT_FOLLOW}}, .n = 1};
  DevConfig d;
  dev_base(&d);
  Net n;
  nat_up(&n, c, &d);
  g_assert_cmpuint(gw_esp_port(&n), ==, 40001);
  n.nat_port[1] = 40002;
  ping(&n, 1); /* genuine ESP from the new port reaches the VNet ... */
  ping(&n, 1);
  g_assert_cmpuint(gw_esp_port(&n), ==, 40001); /* ... and the gateway does not follow */
  g_assert_cmpuint(count(&n.e[0], "ike.nat.remote_changed"), ==, 0);
  g_assert_cmpuint(count(&n.e[0], "impair.applied"), ==, 1);
  WireWriter w;
  wire_writer_init(&w);
  inet_icmp_echo_packet(&w, 8, A("10.1.1.4"), A("192.168.1.10"), 1, 7, 1, NULL, 56);
  unsigned lost = n.nat_dropped;
  guint before = n.e[1].inside->len;
  g_assert_true(ep_dp_tx_inner(gw_gateway_dp(n.gw), w.buf, w.len));
  net_run(&n, n.now + NS_PER_S);
  g_assert_cmpuint(n.e[1].inside->len, ==, before);
  g_assert_cmpuint(n.nat_dropped, ==, lost + 1);
  wire_writer_clear(&w);
  net_clear(&n);
}

/* The impairment bigIke (ep_impair.h): the gateway's IKE_SA_INIT response carries a
 * 700-octet VENDOR_ID, built into the message its AUTH covers: the tunnel still comes up,
 * one impair.applied event; the device's messages stay small. */
static void test_pair_big_ike(void)
{
  for (int big = 0; big < 2; big++) {
    g_autoptr(GwConfig) c = mk_config();
    if (big)
      c->connections[0].impair =
          (EpImpairSet){.v = {{.kind = EP_IMPAIR_BIG_IKE, .size = 700}}, .n = 1};
    DevConfig d;
    dev_base(&d);
    Net n;
    net_init(&n, c, &d);
    n.e[0].max_ike = n.e[1].max_ike = 0;
    net_run(&n, 5 * NS_PER_S);
    g_assert_true(ep_dp_tunnel_up(gw_gateway_dp(n.gw), 0));
    g_assert_true(ep_dp_tunnel_up(dev_runtime_dp(n.dev), 0));
    g_assert_cmpuint(count(&n.e[0], "impair.applied"), ==, big ? 1 : 0);
    g_assert_cmpuint(count(&n.e[1], "ike.message"), >=, 4);
    if (big)
      g_assert_cmpuint(n.e[0].max_ike, >, 700 + 4);
    else
      g_assert_cmpuint(n.e[0].max_ike, <, 548);
    g_assert_cmpuint(n.e[1].max_ike, <, 548);
    ping(&n, 0);
    net_clear(&n);
  }
}

/* ---- rekeys both ways, on IKE SAs begun by either side ---- */

typedef enum {
  BEGUN_BY_DEVICE = 0,      /* the device initiates; the gateway (Default) answers */
  BEGUN_BY_GATEWAY_DIAL,    /* Default mode: the gateway dials, the device only answers */
  BEGUN_BY_INITIATOR_ONLY,  /* InitiatorOnly: the gateway begins, the peer may not */
} Begun;

typedef struct {
  const char *path;
  Begun begun;
  bool ike;        /* the IKE SA is rekeyed (else the child SA) */
  bool by_gateway; /* the gateway initiates the rekey (else the device) */
} RekeyCase;

/* Facts 3.5: the connection mode concerns only the initial IKE SA; rekeys may come from
 * either side. Facts 2.3 and 2.4: each exchange's role decides the child proposals (the
 * gateway offers its six initiator rows without PFS, and accepts its 26 responder rows,
 * PFS 1, 2, 14, 24 among them), whoever began the IKE SA. */
static void test_rekey_roles(gconstpointer data)
{
  const RekeyCase *rc = data;
  g_autoptr(GwConfig) c = mk_config();
  if (rc->begun == BEGUN_BY_INITIATOR_ONLY)
    c->connections[0].connectionMode = (GwEnum){.set = true, .v = GW_MODE_INITIATOR_ONLY};
  DevConfig d;
  dev_base(&d);
  d.start_action = rc->begun == BEGUN_BY_DEVICE ? DEV_START_INITIATE : DEV_START_RESPOND;
  /* ESP AES256/SHA256: initiator offer 4 (no PFS, facts 2.3), responder rows 4 and 18
   * (PFS 2, facts 2.4). The device's own child rekey demands PFS group 2; a device the
   * gateway rekeys asks for none (the gateway never proposes PFS by default) */
  bool pfs = !rc->ike && !rc->by_gateway;
  DevProposal *e = &d.esp_proposals[0];
  memset(e, 0, sizeof *e);
  e->encr[e->n_encr++] = (DevEncr){ENCR_AES_CBC, 256};
  e->integ[e->n_integ++] = AUTH_HMAC_SHA2_256_128;
  if (pfs)
    e->dh[e->n_dh++] = DH_MODP_1024;
  e->esn[e->n_esn++] = ESN_NO;
  Net n;
  net_init(&n, c, &d);
  net_run(&n, 5 * NS_PER_S);
  EpDp *g = gw_gateway_dp(n.gw), *dv = dev_runtime_dp(n.dev);
  g_assert_true(ep_dp_tunnel_up(g, 0));
  g_assert_true(ep_dp_tunnel_up(dv, 0));
  /* the IKE SA is held by the gateway's engine of the side that began it */
  bool gw_began = rc->begun != BEGUN_BY_DEVICE;
  EpIkeLink *gl = gw_ike_peek_link(n.gike, "conn1", gw_began);
  EpIkeLink *other = gw_ike_peek_link(n.gike, "conn1", !gw_began);
  g_assert_nonnull(gl);
  g_assert_cmpint(ikev2_conn_state(ep_ike_link_conn(gl)), ==, IKE_SA_ESTABLISHED);
  g_assert_true(rc->begun != BEGUN_BY_INITIATOR_ONLY || !other);
  g_assert_true(!other || ep_ike_link_n_ike_sas(other) == 0);
  Ikev2Conn *gc = ep_ike_link_conn(gl), *dc = ep_ike_link_conn(dev_ike_peek_link(n.dike));
  uint64_t spi_i0, spi_r0, spi_i1, spi_r1;
  g_assert_true(ikev2_conn_ike_spis(dc, &spi_i0, &spi_r0));
  IkeChildInfo before, after;
  g_assert_true(ikev2_conn_child_info(dc, 0, &before));
  const char *ev = rc->ike ? "ike.sa.rekeyed" : "ike.child.rekeyed";
  unsigned g0 = count(&n.e[0], ev), d0 = count(&n.e[1], ev);
  Ikev2Conn *who = rc->by_gateway ? gc : dc;
  g_assert_true(rc->ike ? ikev2_conn_rekey_ike(who) : ikev2_conn_rekey_child(who, 0));
  net_run(&n, n.now + 3 * NS_PER_S);
  /* both ends rekeyed, nothing refused, the old SAs are gone and the tunnel never fell */
  g_assert_cmpuint(count(&n.e[0], ev), ==, g0 + 1);
  g_assert_cmpuint(count(&n.e[1], ev), ==, d0 + 1);
  g_assert_cmpuint(count(&n.e[0], "ike.child.failed"), ==, 0);
  g_assert_cmpuint(count(&n.e[1], "ike.child.failed"), ==, 0);
  g_assert_cmpuint(count(&n.e[0], "gw.tunnel.disconnected"), ==, 0);
  g_assert_true(ep_dp_tunnel_up(g, 0));
  g_assert_true(ep_dp_tunnel_up(dv, 0));
  g_assert_cmpuint(ep_dp_tunnel_metrics(g, 0)->qm_sa_count, ==, 1);
  g_assert_cmpuint(ep_dp_tunnel_metrics(dv, 0)->qm_sa_count, ==, 1);
  g_assert_cmpuint(ep_dp_tunnel_metrics(g, 0)->mm_sa_count, ==, 1);
  g_assert_cmpuint(ikev2_conn_n_children(dc), ==, 1);
  g_assert_true(ikev2_conn_child_info(dc, 0, &after));
  g_assert_true(ikev2_conn_ike_spis(dc, &spi_i1, &spi_r1));
  if (rc->ike) {
    g_assert_true(spi_i1 != spi_i0 || spi_r1 != spi_r0);
    g_assert_cmphex(after.spi_in, ==, before.spi_in); /* the child moved over (RFC 7296 2.18) */
  } else {
    g_assert_cmphex(after.spi_in, !=, before.spi_in);
    g_assert_cmpuint(after.dh, ==, pfs ? DH_MODP_1024 : 0);
  }
  /* and the new SAs carry traffic both ways */
  ping(&n, 0);
  ping(&n, 1);
  net_clear(&n);
}

static const RekeyCase rekey_cases[] = {
    {"/gw_ike/rekey/device_began/child_by_device", BEGUN_BY_DEVICE, false, false},
    {"/gw_ike/rekey/device_began/child_by_gateway", BEGUN_BY_DEVICE, false, true},
    {"/gw_ike/rekey/device_began/ike_by_device", BEGUN_BY_DEVICE, true, false},
    {"/gw_ike/rekey/device_began/ike_by_gateway", BEGUN_BY_DEVICE, true, true},
    {"/gw_ike/rekey/gateway_dialled/child_by_device", BEGUN_BY_GATEWAY_DIAL, false, false},
    {"/gw_ike/rekey/gateway_dialled/child_by_gateway", BEGUN_BY_GATEWAY_DIAL, false, true},
    {"/gw_ike/rekey/gateway_dialled/ike_by_device", BEGUN_BY_GATEWAY_DIAL, true, false},
    {"/gw_ike/rekey/gateway_dialled/ike_by_gateway", BEGUN_BY_GATEWAY_DIAL, true, true},
    {"/gw_ike/rekey/initiator_only/child_by_device", BEGUN_BY_INITIATOR_ONLY, false, false},
    {"/gw_ike/rekey/initiator_only/child_by_gateway", BEGUN_BY_INITIATOR_ONLY, false, true},
    {"/gw_ike/rekey/initiator_only/ike_by_device", BEGUN_BY_INITIATOR_ONLY, true, false},
    {"/gw_ike/rekey/initiator_only/ike_by_gateway", BEGUN_BY_INITIATOR_ONLY, true, true},
};

/* ---- volume lifetimes ---- */

/* 'count' ICMP echo requests with 'size' octets of data from one side's inside to the
 * other's, a steady stream: after each one, two steps of the wire (the datagram in
 * flight, then an IKE message or a due timer), so that the packets keep flowing between
 * the messages of a rekey and its Delete; returns how many arrived. */
static unsigned bulk(Net *n, int from, unsigned count_, size_t size)
{
  Ipv4Addr a = A("10.1.1.4"), b = A("192.168.1.10");
  EpDp *dp = from ? dev_runtime_dp(n->dev) : gw_gateway_dp(n->gw);
  guint before = n->e[!from].inside->len;
  for (unsigned i = 0; i < count_; i++) {
    WireWriter w;
    wire_writer_init(&w);
    inet_icmp_echo_packet(&w, 8, from ? b : a, from ? a : b, (uint16_t)i, 9, (uint16_t)i, NULL,
                          size);
    ep_dp_tx_inner(dp, w.buf, w.len);
    wire_writer_clear(&w);
    net_step(n, n->now);
    net_step(n, n->now);
  }
  net_run(n, n->now + NS_PER_S);
  return n->e[!from].inside->len - before;
}

/* A custom policy at the documented minimum volume, 1,024 KB, with PFS 2 (facts 3.1) and
 * a device whose ESP proposal matches it. */
static void volume_setup(GwConfig *c, DevConfig *d, bool device_pfs)
{
  set_policy(&c->connections[0], GW_IKE_ENC_AES256, GW_IKE_INTEG_SHA256, GW_DH_DHGROUP2,
             GW_ESP_ENC_AES256, GW_ESP_INTEG_SHA256, GW_PFS_PFS2);
  c->connections[0].ipsecPolicies[0].saDataSizeKilobytes.v = 1024;
  dev_base(d);
  DevProposal *e = &d->esp_proposals[0];
  memset(e, 0, sizeof *e);
  e->encr[e->n_encr++] = (DevEncr){ENCR_AES_CBC, 256};
  e->integ[e->n_integ++] = AUTH_HMAC_SHA2_256_128;
  if (device_pfs)
    e->dh[e->n_dh++] = DH_MODP_1024;
  e->esn[e->n_esn++] = ESN_NO;
}

static void assert_no_drops(Net *n)
{
  const EpTunnelMetrics *g = ep_dp_tunnel_metrics(gw_gateway_dp(n->gw), 0);
  const EpTunnelMetrics *d = ep_dp_tunnel_metrics(dev_runtime_dp(n->dev), 0);
  g_assert_cmpuint(g->esp_drops[ESP_ERR_EXPIRED], ==, 0);
  g_assert_cmpuint(d->esp_drops[ESP_ERR_EXPIRED], ==, 0);
  g_assert_cmpuint(g->drop_count, ==, 0);
  g_assert_cmpuint(d->drop_count, ==, 0);
}

/* RFC 7296 2.8, facts 3.1 and 3.3: lifetimes in kilobytes rekey like lifetimes in
 * seconds. The gateway's soft volume limit starts a CREATE_CHILD_SA rekey (with the
 * policy's PFS group) in place, make-before-break, every ~900 KB: 4 MB one way and 2 MB
 * the other arrive whole, and the tunnel never falls. */
static void volume_rekey_gateway(bool gateway_began)
{
  g_autoptr(GwConfig) c = mk_config();
  DevConfig d;
  volume_setup(c, &d, true);
  if (gateway_began)
    d.start_action = DEV_START_RESPOND; /* the gateway dials (Default mode) */
  Net n;
  net_init(&n, c, &d);
  net_run(&n, 5 * NS_PER_S);
  EpDp *g = gw_gateway_dp(n.gw);
  g_assert_true(ep_dp_tunnel_up(g, 0));
  g_assert_cmpuint(bulk(&n, 0, 4000, 1000), ==, 4000);
  g_assert_cmpuint(count(&n.e[0], "ike.child.rekeyed"), >=, 4);
  g_assert_cmpuint(bulk(&n, 1, 2000, 1000), ==, 2000);
  g_test_message("%u child rekeys for 6,000 packets", count(&n.e[0], "ike.child.rekeyed"));
  g_assert_cmpuint(count(&n.e[0], "ike.child.rekeyed"), >=, 6);
  /* only the gateway counts volume (the device has no limit): it began every rekey */
  g_assert_cmpuint(count(&n.e[1], "ike.message REKEY_SA [sent CREATE_CHILD_SA]"), ==, 0);
  g_assert_cmpuint(count(&n.e[0], "ike.child.failed"), ==, 0);
  g_assert_cmpuint(count(&n.e[0], "gw.tunnel.disconnected"), ==, 0);
  assert_no_drops(&n);
  g_assert_true(ep_dp_tunnel_up(g, 0));
  g_assert_cmpuint(ep_dp_tunnel_metrics(g, 0)->qm_sa_count, ==, 1);
  IkeChildInfo ci;
  g_assert_true(ikev2_conn_child_info(ep_ike_link_conn(dev_ike_peek_link(n.dike)), 0, &ci));
  g_assert_cmpuint(ci.dh, ==, DH_MODP_1024);
  /* the engine of the side that began the IKE SA holds the children and rekeyed them */
  EpIkeLink *held = gw_ike_peek_link(n.gike, "conn1", gateway_began);
  g_assert_cmpuint(ikev2_conn_n_children(ep_ike_link_conn(held)), ==, 1);
  ping(&n, 0);
  ping(&n, 1);
  net_clear(&n);
}

static void test_volume_rekey_gateway(void)
{
  volume_rekey_gateway(false);
}

/* The same when the gateway began the IKE SA: its other engine holds the children. */
static void test_volume_rekey_gateway_began(void)
{
  volume_rekey_gateway(true);
}

/* The device runs the same data plane: its own volume limit (childLifetimeKilobytes)
 * rekeys too, against a gateway whose limit is the default 102,400,000 KB. */
static void test_volume_rekey_device(void)
{
  g_autoptr(GwConfig) c = mk_config();
  DevConfig d;
  dev_base(&d);
  d.child_lifetime_kb = 1024;
  Net n;
  net_init(&n, c, &d);
  net_run(&n, 5 * NS_PER_S);
  g_assert_true(ep_dp_tunnel_up(dev_runtime_dp(n.dev), 0));
  g_assert_cmpuint(bulk(&n, 1, 4000, 1000), ==, 4000);
  g_test_message("%u child rekeys for 4,000 packets", count(&n.e[1], "ike.child.rekeyed"));
  g_assert_cmpuint(count(&n.e[1], "ike.child.rekeyed"), >=, 4);
  g_assert_cmpuint(count(&n.e[0], "ike.message REKEY_SA [sent CREATE_CHILD_SA]"), ==, 0);
  assert_no_drops(&n);
  g_assert_true(ep_dp_tunnel_up(dev_runtime_dp(n.dev), 0));
  g_assert_true(ep_dp_tunnel_up(gw_gateway_dp(n.gw), 0));
  ping(&n, 0);
  net_clear(&n);
}

/* Only a failed rekey ends in expiry: the device refuses the gateway's PFS rekey
 * (NO_PROPOSAL_CHOSEN), the old pair reaches its hard limit, the gateway ends the child
 * and the tunnel is down, no longer reported connected while it drops everything; the
 * device hears the Delete (RFC 7296 1.4.1) and takes its side down too. */
static void test_volume_hard_expiry(void)
{
  g_autoptr(GwConfig) c = mk_config();
  DevConfig d;
  volume_setup(c, &d, false);
  Net n;
  net_init(&n, c, &d);
  net_run(&n, 5 * NS_PER_S);
  EpDp *g = gw_gateway_dp(n.gw);
  g_assert_true(ep_dp_tunnel_up(g, 0));
  bulk(&n, 0, 1500, 1000);
  g_assert_cmpuint(count(&n.e[0], "ike.child.failed"), >=, 1);
  g_assert_cmpuint(count(&n.e[0], "ike.child.deleted"), ==, 1);
  g_assert_cmpuint(count(&n.e[0], "gw.tunnel.disconnected"), ==, 1);
  g_assert_false(ep_dp_tunnel_up(g, 0));
  g_assert_cmpuint(count(&n.e[1], "dev.tunnel.disconnected"), ==, 1);
  g_assert_false(ep_dp_tunnel_up(dev_runtime_dp(n.dev), 0));
  net_clear(&n);
}

/* After the expiry above the device's IKE SA stays, in the gateway's answering engine (the
 * device dialled), without children. Traffic from the VNet makes the gateway's dialling
 * engine begin a second IKE SA with a child. RFC 7296 2.4: that SA is not the only one
 * between the two identities, so its IKE_AUTH carries no INITIAL_CONTACT (the engine asks
 * the connection's other engine, IkeEnv.has_contact) and the device keeps its SA; of the
 * duplicate pair the gateway then deletes the device's childless one, never its own with
 * the child (gw_ike.c, duplicate_of_ours), so the tunnel comes up and stays up. With
 * 'faults' the gateway breaks those rules as it once did: contact-per-engine sends
 * INITIAL_CONTACT and the device forgets its SA. */
static void redial_after_expiry(uint32_t faults)
{
  g_autoptr(GwConfig) c = mk_config();
  DevConfig d;
  volume_setup(c, &d, false);
  Net n;
  net_init(&n, c, &d);
  gw_ike_set_faults(n.gike, faults);
  net_run(&n, 5 * NS_PER_S);
  EpDp *g = gw_gateway_dp(n.gw);
  g_assert_true(ep_dp_tunnel_up(g, 0));
  bulk(&n, 0, 1500, 1000);
  g_assert_false(ep_dp_tunnel_up(g, 0));
  g_assert_cmpuint(count(&n.e[1], "ike.sa.deleted"), ==, 0); /* the IKE SA stays */
  /* the device dialled: the gateway has only answered an IKE_AUTH */
  unsigned auth0 = count(&n.e[0], "ike.message  [sent IKE_AUTH]");
  g_assert_cmpuint(auth0, ==, 1);
  /* a packet from the VNet: the gateway dials */
  WireWriter w;
  wire_writer_init(&w);
  inet_icmp_echo_packet(&w, 8, A("10.1.1.4"), A("192.168.1.10"), 1, 7, 1, NULL, 56);
  ep_dp_tx_inner(g, w.buf, w.len);
  wire_writer_clear(&w);
  gw_ike_acquire(n.gike, 0, A("10.1.1.4"), A("192.168.1.10")); /* the data plane's hook */
  net_run(&n, n.now + 5 * NS_PER_S);
  g_assert_cmpuint(count(&n.e[0], "ike.message  [sent IKE_AUTH]") +
                       count(&n.e[0], "ike.message INITIAL_CONTACT [sent IKE_AUTH]"),
                   ==, auth0 + 1);
  if (faults & GW_IKE_FAULT_CONTACT_PER_ENGINE) {
    g_assert_cmpuint(count(&n.e[0], "ike.message INITIAL_CONTACT [sent IKE_AUTH]"), ==, 1);
    g_assert_cmpuint(count(&n.e[1], "ike.sa.deleted"), ==, 1); /* INITIAL_CONTACT */
    net_clear(&n);
    return;
  }
  g_assert_cmpuint(count(&n.e[0], "ike.message INITIAL_CONTACT [sent IKE_AUTH]"), ==, 0);
  /* one duplicate deleted, the device's childless SA: the device hears the Delete */
  g_assert_cmpuint(count(&n.e[0], "gw.ike.sa_redundant"), ==, 1);
  g_assert_cmpuint(count(&n.e[1], "ike.sa.deleted"), ==, 1);
  g_assert_cmpuint(count(&n.e[0], "gw.tunnel.disconnected"), ==, 1); /* the expiry's only */
  g_assert_true(ep_dp_tunnel_up(g, 0));
  g_assert_true(ep_dp_tunnel_up(dev_runtime_dp(n.dev), 0));
  g_assert_cmpuint(ep_dp_tunnel_metrics(g, 0)->mm_sa_count, ==, 1);
  ping(&n, 0);
  ping(&n, 1);
  net_clear(&n);
}

static void test_redial_no_initial_contact(void)
{
  redial_after_expiry(0);
}

static void test_redial_contact_per_engine(void)
{
  redial_after_expiry(GW_IKE_FAULT_CONTACT_PER_ENGINE);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/gw_ike/config/default", test_gw_config_default);
  g_test_add_func("/gw_ike/config/custom", test_gw_config_custom);
  g_test_add_func("/gw_ike/config/modes", test_gw_config_modes);
  g_test_add_func("/gw_ike/config/policy_based", test_gw_config_policy_based);
  g_test_add_func("/gw_ike/config/ikev1", test_gw_config_v1);
  g_test_add_func("/gw_ike/config/device", test_dev_config);
  g_test_add_func("/gw_ike/summary", test_summary);
  g_test_add_func("/gw_ike/pair/default", test_pair_default);
  g_test_add_func("/gw_ike/pair/default_dials", test_pair_default_dials);
  g_test_add_func("/gw_ike/pair/proposal_mismatch", test_pair_mismatch);
  g_test_add_func("/gw_ike/pair/reset_and_policy", test_pair_reset_and_policy);
  g_test_add_func("/gw_ike/pair/psk_mismatch", test_pair_psk_mismatch);
  g_test_add_func("/gw_ike/pair/initiator_only", test_pair_initiator_only);
  g_test_add_func("/gw_ike/nat/rebind_esp", test_nat_rebind_esp);
  g_test_add_func("/gw_ike/nat/rebind_ike", test_nat_rebind_ike);
  g_test_add_func("/gw_ike/nat/rebind_impaired", test_nat_rebind_impaired);
  g_test_add_func("/gw_ike/pair/big_ike", test_pair_big_ike);
  for (size_t i = 0; i < G_N_ELEMENTS(rekey_cases); i++)
    g_test_add_data_func(rekey_cases[i].path, &rekey_cases[i], test_rekey_roles);
  g_test_add_func("/gw_ike/volume/gateway_rekeys", test_volume_rekey_gateway);
  g_test_add_func("/gw_ike/volume/gateway_rekeys_on_its_own_sa", test_volume_rekey_gateway_began);
  g_test_add_func("/gw_ike/volume/device_rekeys", test_volume_rekey_device);
  g_test_add_func("/gw_ike/volume/failed_rekey_expires", test_volume_hard_expiry);
  g_test_add_func("/gw_ike/volume/redial_after_expiry", test_redial_no_initial_contact);
  g_test_add_func("/gw_ike/volume/redial_after_expiry_fault", test_redial_contact_per_engine);
  return g_test_run();
}
