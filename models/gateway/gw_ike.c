/* SPDX-License-Identifier: MIT */
/* The Azure gateway's IKE control plane: the engine configurations of its connections
 * built from the resource model, and one or two IKE links (models/gateway/gw_ike.h) per
 * connection with their dialling, resets and datagram dispatch. */
#include "models/gateway/gw_ike.h"

#include "models/common/wire.h"
#include "models/gateway/gw_nat.h"
#include "models/gateway/gw_policy.h"
#include "models/ike/ike_crypto.h"

#include <glib.h>
#include <string.h>

#define IKE_PORT_NATT 4500

/* ---- the gateway's configuration of a connection ---- */

static bool str_is(GwStr s, const char *v)
{
  return s.set && s.v && v && !strcmp(s.v, v);
}

/* The PRF that goes with an IKE integrity algorithm (RFC 7296 3.3.2: Azure documents
 * no PRF column for S2S, facts 2.1; the HMAC of the same hash is what devices pair). */
static uint16_t prf_for(uint16_t integ)
{
  switch (integ) {
  case AUTH_HMAC_SHA1_96: return PRF_HMAC_SHA1;
  case AUTH_HMAC_SHA2_256_128: return PRF_HMAC_SHA2_256;
  case AUTH_HMAC_SHA2_384_192: return PRF_HMAC_SHA2_384;
  case AUTH_HMAC_SHA2_512_256: return PRF_HMAC_SHA2_512;
  case AUTH_HMAC_MD5_96: return PRF_HMAC_MD5;
  default: return PRF_HMAC_SHA2_256;
  }
}

static bool ike_prop(GwIkeEncryption e, GwIkeIntegrity i, GwDhGroup g, IkeProposalCfg *out)
{
  const GwPolicyValue *ev = gw_policy_value(GW_FIELD_IKE_ENCRYPTION, e);
  const GwPolicyValue *iv = gw_policy_value(GW_FIELD_IKE_INTEGRITY, i);
  const GwPolicyValue *gv = gw_policy_value(GW_FIELD_DH_GROUP, g);
  if (!ev || !iv || !gv || gv->iana.id == DH_NONE)
    return false;
  *out = (IkeProposalCfg){0}; /* no alternatives: one transform of each type */
  out->encr = ev->iana.id;
  out->key_bits = ev->iana.key_bits;
  out->prf = prf_for(iv->iana.id);
  /* RFC 5282 / RFC 7296 3.3: an AEAD cipher takes no integrity transform; the policy's
   * integrity then names the PRF (facts 3.1 pairs GCMAES with SHA256/SHA384) */
  out->integ = ike_encr_is_aead(out->encr) ? AUTH_NONE : iv->iana.id;
  out->dh = gv->iana.id;
  return true;
}

static bool esp_prop(GwIpsecEncryption e, GwIpsecIntegrity i, ChildProposalCfg *out)
{
  const GwPolicyValue *ev = gw_policy_value(GW_FIELD_IPSEC_ENCRYPTION, e);
  const GwPolicyValue *iv = gw_policy_value(GW_FIELD_IPSEC_INTEGRITY, i);
  if (!ev || !iv)
    return false;
  *out = (ChildProposalCfg){0}; /* no PFS group and no alternatives unless set after */
  out->encr = ev->iana.type == IKE_TRANSFORM_ENCR && e != GW_ESP_ENC_NONE ? ev->iana.id : ENCR_NULL;
  out->key_bits = ev->iana.key_bits;
  out->integ = ike_encr_is_aead(out->encr) ? AUTH_NONE : iv->iana.id;
  out->esn = false;
  return true;
}

/* The IANA D-H group of a PFS setting (facts 3.2: PFS2048 is group 14, PFS24 group 24,
 * ECP256/384 groups 19/20); 0 for None. */
static uint16_t pfs_id(GwPfsGroup g)
{
  const GwPolicyValue *pfs = gw_policy_value(GW_FIELD_PFS_GROUP, g);
  if (g == GW_PFS_NONE || !pfs || pfs->iana.type != IKE_TRANSFORM_DH)
    return 0;
  return pfs->iana.id;
}

static void add_esp_unique(IkeConfig *c, ChildProposalCfg p)
{
  for (size_t k = 0; k < c->n_esp; k++)
    if (!memcmp(&c->esp[k], &p, sizeof p))
      return;
  if (c->n_esp < IKEV2_MAX_CHILD_PROPOSALS)
    c->esp[c->n_esp++] = p;
}

bool gw_ike_connection_config(const GwConfig *cfg, const GwConnection *c, Ipv4Addr local,
                              IkeConfig *as_initiator, bool *has_i, IkeConfig *as_responder,
                              bool *has_r, const char **why)
{
  return gw_ike_connection_config_faulty(cfg, c, local, NULL, as_initiator, has_i, as_responder,
                                         has_r, why);
}

bool gw_ike_connection_config_faulty(const GwConfig *cfg, const GwConnection *c, Ipv4Addr local,
                                     const GwOfferFaults *off, IkeConfig *as_initiator,
                                     bool *has_i, IkeConfig *as_responder, bool *has_r,
                                     const char **why)
{
  if (gw_enum_or(c->connectionProtocol, GW_IKEV2) != GW_IKEV2) {
    *why = "an IKEv1 connection takes gw_ike_connection_config_v1";
    return false;
  }
  const GwVirtualNetworkGateway *g = gw_config_find_gateway(cfg, c->virtualNetworkGateway1.v);
  const GwVirtualNetwork *v = g ? gw_config_find_vnet(cfg, g->virtualNetwork.v) : NULL;
  Ipv4Addr remote = {0};
  const GwLocalNetworkGateway *lng = NULL;
  if (gw_enum_or(c->connectionType, GW_CONN_IPSEC) == GW_CONN_VNET2VNET) {
    const GwVirtualNetworkGateway *o = gw_config_find_gateway(cfg, c->virtualNetworkGateway2.v);
    if (!o || o->n_publicIpAddresses < 1) {
      *why = "the other gateway has no public IP address";
      return false;
    }
    remote = o->publicIpAddresses[0].v;
  } else {
    lng = gw_config_find_local(cfg, c->localNetworkGateway2.v);
    if (!lng || !lng->gatewayIpAddress.set) {
      *why = "the local network gateway has no IP address";
      return false;
    }
    remote = lng->gatewayIpAddress.v;
  }
  if (!g || !v) {
    *why = "the connection's gateway or its virtual network is missing";
    return false;
  }
  if (!c->sharedKey.set || !c->sharedKey.v) {
    *why = "the connection has no shared key";
    return false;
  }
  IkeConfig base;
  ike_config_defaults(&base);
  base.local_addr = local;
  base.remote_addr = remote;
  /* identities: the gateway's public IP (ID_IPV4_ADDR); the peer must name itself by the
   * address the connection knows it by (the local network gateway's gatewayIpAddress,
   * or the other gateway's), so a device behind a NAT that sends its private address
   * fails authentication (catalogue NATT-002) */
  base.local_id.type = IKEV2_ID_IPV4_ADDR;
  ipv4_addr_format(local, base.local_id.value);
  base.remote_id.type = IKEV2_ID_IPV4_ADDR;
  ipv4_addr_format(remote, base.remote_id.value);
  base.psk = (const uint8_t *)c->sharedKey.v;
  base.psk_len = strlen(c->sharedKey.v);
  /* facts 2.1: the MM (IKE SA) lifetime is fixed at 28,800 s, custom policy or not */
  base.ike_lifetime_s = (uint32_t)gw_policy_default("mm-lifetime-s");
  bool pb_gw = gw_enum_or(g->vpnType, GW_VPN_ROUTE_BASED) == GW_VPN_POLICY_BASED;
  base.child_lifetime_s =
      (uint32_t)gw_policy_default(pb_gw ? "pb-qm-lifetime-s" : "rb-qm-lifetime-s");
  base.child_lifetime_kb = (uint64_t)gw_policy_default("qm-lifetime-kb");
  /* facts 2.5: DPD timeout per connection (default 45 s): the peer is dead that long
   * after the first unanswered check. The check interval is not documented: a third of
   * the timeout (three checks fit in the shortest, 9 s), at most 10 s, so that a silent
   * peer is found dead within the timeout plus ten seconds. */
  base.dpd_timeout_s = (uint32_t)gw_int_or(c->dpdTimeoutSeconds, gw_policy_default("dpd-timeout-s"));
  base.dpd_interval_s = base.dpd_timeout_s >= 3 ? base.dpd_timeout_s / 3 : 1;
  if (base.dpd_interval_s > 10)
    base.dpd_interval_s = 10;
  base.dpd_action = IKE_DPD_CLEAR;
  /* policy-based selectors (facts 3.4): proposed when initiating; the ranges of one
   * trafficSelectorPolicies line make one child SA covering all of them (its TSi and TSr
   * list every range: custom-traffic-selectors.md), a further line a child of its own */
  IkeConfig resp_ts_any = base;
  bool pb = pb_gw || gw_bool_or(c->usePolicyBasedTrafficSelectors, false);
  if (pb) {
    if (c->n_trafficSelectorPolicies) {
      base.ts_lines = true;
      for (unsigned i = 0; i < c->n_trafficSelectorPolicies; i++) {
        const GwTrafficSelectorPolicy *p = &c->trafficSelectorPolicies[i];
        for (unsigned a = 0; a < p->n_localAddressRanges; a++)
          for (unsigned b = 0; b < p->n_remoteAddressRanges && base.n_ts < IKEV2_MAX_TS; b++) {
            base.ts_line[base.n_ts] = (uint8_t)i;
            base.ts[base.n_ts++] = (IkeTsPair){ipv4_range_from_prefix(p->localAddressRanges[a].v),
                                               ipv4_range_from_prefix(p->remoteAddressRanges[b].v)};
          }
      }
    } else if (lng) {
      for (unsigned a = 0; a < v->n_addressSpace; a++)
        for (unsigned b = 0; b < lng->n_addressPrefixes && base.n_ts < IKEV2_MAX_TS; b++)
          base.ts[base.n_ts++] = (IkeTsPair){ipv4_range_from_prefix(v->addressSpace[a].v),
                                             ipv4_range_from_prefix(lng->addressPrefixes[b].v)};
    }
  }
  IkeConfig ci = base, cr = base;
  /* responding, the gateway accepts whatever selectors the remote proposes (facts 3.4)
   * when it uses policy-based selectors; route-based without them it insists on
   * any-to-any: it refuses specific prefixes with TS_UNACCEPTABLE and, initiating,
   * deletes a child whose responder narrowed 0/0 down (interop 1: both directions) */
  cr.n_ts = resp_ts_any.n_ts;
  cr.ts_no_narrowing = ci.ts_no_narrowing = !pb;
  ci.name = cr.name = NULL;
  ci.n_ike = cr.n_ike = ci.n_esp = cr.n_esp = 0;
  if (c->n_ipsecPolicies) {
    /* facts 3.1: the custom policy alone, both ways */
    const GwIpsecPolicy *p = &c->ipsecPolicies[0];
    IkeProposalCfg ip;
    ChildProposalCfg ep;
    if (p->dhGroup.v == GW_DH_NONE) {
      *why = "the custom policy's dhGroup is None: an IKE SA needs a Diffie-Hellman group "
             "(RFC 7296 3.3.3; rule GW-POL-007)";
      return false;
    }
    if (!ike_prop(p->ikeEncryption.v, p->ikeIntegrity.v, p->dhGroup.v, &ip) ||
        !esp_prop(p->ipsecEncryption.v, p->ipsecIntegrity.v, &ep)) {
      *why = "the custom policy has a value the engine cannot use";
      return false;
    }
    uint16_t pfs_group = pfs_id(p->pfsGroup.v);
    ci.ike[0] = cr.ike[0] = ip;
    ci.n_ike = cr.n_ike = 1;
    ep.dh = pfs_group;
    ci.esp[0] = cr.esp[0] = ep;
    ci.n_esp = cr.n_esp = 1;
    if (p->saLifeTimeSeconds.set)
      ci.child_lifetime_s = cr.child_lifetime_s = (uint32_t)p->saLifeTimeSeconds.v;
    if (p->saDataSizeKilobytes.set)
      ci.child_lifetime_kb = cr.child_lifetime_kb = (uint64_t)p->saDataSizeKilobytes.v;
  } else {
    /* facts 2.1: the phase 1 list (route-based or policy-based), DH group 2 */
    const GwProposalList *mm = gw_default_proposal_list(pb_gw ? "pb-mm" : "rb-mm");
    for (size_t k = 0; k < mm->n && ci.n_ike < IKEV2_MAX_PROPOSALS; k++) {
      IkeProposalCfg ip;
      if (!gw_offer_fault_has(off, mm, k) && ike_prop(mm->ike[k].enc, mm->ike[k].integ, mm->ike[k].dh, &ip))
        ci.ike[ci.n_ike++] = ip;
    }
    cr.n_ike = ci.n_ike;
    memcpy(cr.ike, ci.ike, sizeof ci.ike);
    /* facts 2.3 (initiator offers, no PFS) and 2.4 (accepted as responder: each row with
     * its own PFS group, so a child rekey with PFS 14 matches its rows; IKE_AUTH ignores
     * the groups) */
    const GwProposalList *qi = gw_default_proposal_list(pb_gw ? "pb-qm" : "rb-qm-initiator");
    const GwProposalList *qr = gw_default_proposal_list(pb_gw ? "pb-qm" : "rb-qm-responder");
    for (size_t k = 0; k < qi->n; k++) {
      ChildProposalCfg ep;
      if (!gw_offer_fault_has(off, qi, k) && esp_prop(qi->esp[k].enc, qi->esp[k].integ, &ep))
        add_esp_unique(&ci, ep);
    }
    for (size_t k = 0; k < qr->n; k++) {
      ChildProposalCfg ep;
      if (!gw_offer_fault_has(off, qr, k) && esp_prop(qr->esp[k].enc, qr->esp[k].integ, &ep)) {
        ep.dh = pfs_id(qr->esp[k].pfs);
        add_esp_unique(&cr, ep);
      }
    }
    /* The role table belongs to each exchange, not to whoever began the IKE SA (facts
     * 3.5: the connection mode concerns only the initial IKE SA; rekeys may come from
     * either side). Whenever the gateway initiates a child (IKE_AUTH, a rekey of a child
     * the peer created included) it offers the initiator list, without PFS (facts 2.3,
     * interop 4); whenever it answers a CREATE_CHILD_SA, also on an IKE SA it began, it
     * accepts the responder rows (facts 2.4: PFS 1, 2, 14, 24). */
    memcpy(cr.esp_offer, ci.esp, sizeof ci.esp);
    cr.n_esp_offer = ci.n_esp;
    memcpy(ci.esp_offer, ci.esp, sizeof ci.esp);
    ci.n_esp_offer = ci.n_esp;
    memcpy(ci.esp, cr.esp, sizeof cr.esp);
    ci.n_esp = cr.n_esp;
  }
  GwConnectionMode mode = gw_enum_or(c->connectionMode, GW_MODE_DEFAULT);
  /* facts 3.5: Default initiates and responds (gw_ike_start dials GW_IKE_DEFAULT_DIAL_NS
   * after start unless the peer has begun, and traffic needing the tunnel dials too);
   * InitiatorOnly initiates at once and refuses the peer's IKE_SA_INIT; ResponderOnly
   * never initiates */
  *has_i = mode != GW_MODE_RESPONDER_ONLY;
  *has_r = mode != GW_MODE_INITIATOR_ONLY;
  ci.start = mode == GW_MODE_INITIATOR_ONLY ? IKE_START_INITIATE : IKE_START_ON_TRAFFIC;
  ci.dpd_action = mode == GW_MODE_INITIATOR_ONLY ? IKE_DPD_RESTART : IKE_DPD_CLEAR;
  cr.start = IKE_START_RESPOND;
  *as_initiator = ci;
  *as_responder = cr;
  return true;
}

bool gw_connection_is_ikev1(const GwConfig *cfg, const GwConnection *c)
{
  const GwVirtualNetworkGateway *g = gw_config_find_gateway(cfg, c->virtualNetworkGateway1.v);
  if (g && gw_enum_or(g->vpnType, GW_VPN_ROUTE_BASED) == GW_VPN_POLICY_BASED)
    return true; /* facts 4: a policy-based gateway speaks IKEv1 only */
  return gw_enum_or(c->connectionProtocol, GW_IKEV2) == GW_IKEV1;
}

/* An engine proposal in IKEv2 terms as IKEv1 rows: false when IKEv1 has no such value
 * (GCM in phase 1, a PRF-only suite). */
static bool v1_p1(const IkeProposalCfg *p, Ikev1P1ProposalCfg *out)
{
  *out = (Ikev1P1ProposalCfg){.encr = ikev1_encr_from_ikev2(p->encr),
                              .key_bits = p->encr == ENCR_AES_CBC ? p->key_bits : 0,
                              .hash = ikev1_hash_from_integ(p->integ), .group = p->dh};
  return out->encr && out->hash && out->group;
}

static bool v1_p2(const ChildProposalCfg *p, Ikev1P2ProposalCfg *out)
{
  *out = (Ikev1P2ProposalCfg){.esp = p->encr, .key_bits = p->key_bits,
                              .auth = ikev1_auth_from_integ(p->integ), .pfs = p->dh};
  /* RFC 4106 / 2407 4.5: AES-GCM without an authentication algorithm; ESP-NULL needs one */
  return ike_encr_is_aead(p->encr) ? true : out->auth != 0;
}

static void v1_p2_add(Ikev1Config *c, const ChildProposalCfg *p)
{
  Ikev1P2ProposalCfg x;
  if (!v1_p2(p, &x) || c->n_p2 == IKEV1_MAX_P2_PROPOSALS)
    return;
  for (size_t k = 0; k < c->n_p2; k++)
    if (!memcmp(&c->p2[k], &x, sizeof x))
      return;
  c->p2[c->n_p2++] = x;
}

bool gw_ike_connection_config_v1(const GwConfig *cfg, const GwConnection *c, Ipv4Addr local,
                                 Ikev1Config *out, bool *dials, const char **why)
{
  return gw_ike_connection_config_v1_faulty(cfg, c, local, NULL, out, dials, why);
}

bool gw_ike_connection_config_v1_faulty(const GwConfig *cfg, const GwConnection *c,
                                        Ipv4Addr local, const GwOfferFaults *off,
                                        Ikev1Config *out, bool *dials, const char **why)
{
  /* the IKEv2 configuration holds every value the connection decides (peer, PSK, lists,
   * lifetimes, selectors): taken over in IKEv1 terms */
  GwConnection c2 = *c;
  c2.connectionProtocol = (GwEnum){.set = true, .v = GW_IKEV2};
  IkeConfig ci, cr;
  bool hi = false, hr = false;
  if (!gw_ike_connection_config_faulty(cfg, &c2, local, off, &ci, &hi, &cr, &hr, why))
    return false;
  const GwVirtualNetworkGateway *g = gw_config_find_gateway(cfg, c->virtualNetworkGateway1.v);
  bool pb_gw = g && gw_enum_or(g->vpnType, GW_VPN_ROUTE_BASED) == GW_VPN_POLICY_BASED;
  Ikev1Config v;
  ikev1_config_defaults(&v);
  v.local_addr = ci.local_addr;
  v.remote_addr = ci.remote_addr;
  v.psk = ci.psk;
  v.psk_len = ci.psk_len;
  for (size_t k = 0; k < ci.n_ike && v.n_p1 < IKEV1_MAX_P1_PROPOSALS; k++)
    if (v1_p1(&ci.ike[k], &v.p1[v.n_p1]))
      v.n_p1++;
  if (c->n_ipsecPolicies) {
    v1_p2_add(&v, &ci.esp[0]);
  } else {
    /* facts 2.3 offered first (without PFS), then what 2.4 accepts besides; the
     * policy-based list (facts 2.2) is the same both ways */
    for (size_t k = 0; k < ci.n_esp_offer; k++)
      v1_p2_add(&v, &ci.esp_offer[k]);
    v.n_p2_offer = v.n_p2;
    for (size_t k = 0; k < cr.n_esp; k++)
      v1_p2_add(&v, &cr.esp[k]);
  }
  if (!v.n_p1 || !v.n_p2) {
    *why = "the custom policy has a value IKEv1 cannot use (GCM in phase 1)";
    return false;
  }
  v.p1_lifetime_s = ci.ike_lifetime_s;
  v.p2_lifetime_s = ci.child_lifetime_s;
  v.p2_lifetime_kb = ci.child_lifetime_kb;
  /* facts 2.2: policy-based gateways do not support DPD (no vendor ID, no R-U-THERE;
   * a peer's R-U-THERE is still answered, RFC 3706 4) */
  v.dpd_vid = !pb_gw;
  v.dpd_interval_s = pb_gw ? 0 : ci.dpd_interval_s;
  v.dpd_timeout_s = ci.dpd_timeout_s;
  v.dpd_action = IKE_DPD_CLEAR;
  /* one quick mode per selector pair (facts 4: every combination of the prefixes); a
   * route-based connection's is any-to-any. A trafficSelectorPolicies line of several
   * ranges still takes one quick mode per pair: an IKEv1 quick mode's identities carry
   * one range each (facts 3.4's one QM SA per line is IKEv2's one child SA here) */
  for (size_t k = 0; k < ci.n_ts && v.n_ts < IKEV1_MAX_TS; k++)
    v.ts[v.n_ts++] = ci.ts[k];
  /* the gateway answers and, in Default mode, dials (gw_ike_start): no main mode of its
   * own at start, none after a phase 1 expiry (the device's comes within p1_restart_s) */
  v.start = IKE_START_RESPOND;
  /* the pairs a device's reauthentication (a new main mode) took are negotiated again */
  v.requick_replaced = true;
  *dials = hi;
  *out = v;
  return true;
}

/* ---- the gateway ---- */

/* When a Default-mode connection dials if the peer has not begun: the documents do not
 * say; one second leaves a device that initiates at start the first word, so the two do
 * not meet with two IKE SAs. While the connection has no IKE SA at all (never up, DPD
 * cleared it, a retransmission gave up) it dials again every GW_IKE_REDIAL_NS, as a
 * gateway that keeps its connections up does (also not documented: ten seconds). */
#define GW_IKE_DEFAULT_DIAL_NS 1000000000LL
#define GW_IKE_REDIAL_NS 10000000000LL

typedef struct {
  EpDp *dp;
  EpEnv env;
  EpTimerId dial;
  bool dial_default;
  GwConnection cur; /* the configuration in force (timeline changes replace it) */
  char *name;
  int tunnel;
  bool hooked; /* the tunnel's expiry hook is ours */
  Ipv4Addr remote;
  EpIkeLink *init, *resp;
  bool v1; /* IKEv1: one engine both ways, in init */
  /* facts 4: a policy-based gateway tears an idle tunnel down (more than five minutes
   * without traffic either way) and brings it back when traffic flows: no redial until
   * then */
  bool idle_teardown;
  bool idle_down;
  const char *node; /* the GwIke's */
  EpTimerId idle_timer;
  uint64_t idle_packets; /* the tunnel's packets (both ways) at the last check */
  int64_t idle_since;    /* when they last changed */
  /* RFC 7296 2.4: the link whose engine took the peer's INITIAL_CONTACT in the step under
   * way; after the step the other link forgets its IKE SAs */
  EpIkeLink *contact_from;
  uint64_t dup_closed; /* initiator SPI of the duplicate IKE SA we are deleting, or 0 */
  EpTimerId dup_timer;  /* drop_duplicate, once the exchange that made the second is done */
  const uint32_t *faults; /* the GwIke's GwIkeFault bits */
} GwIkeConn;

/* The idle check: every GW_IKE_IDLE_CHECK_NS; torn down once the tunnel has carried no
 * packet for more than GW_IKE_IDLE_NS (facts 4: "more than 5 minutes"). */
#define GW_IKE_IDLE_CHECK_NS 5000000000LL
#define GW_IKE_IDLE_NS 300000000000LL

struct GwIke {
  char *node;
  EpDp *dp;
  EpEnv env;
  EpIkeIo io;
  Drbg *rng;
  Ipv4Addr local;
  GPtrArray *conns; /* GwIkeConn* */
  uint32_t faults;  /* GwIkeFault */
  uint32_t nat_faults; /* GwNatFault (gw_nat.h) */
  GwOfferFaults offers; /* default proposal rows left out (gw_gateway_offer_faults) */
};

static const NameEntry fault_entries[] = {
    {0, "duplicate-sa"}, {1, "initial-contact"}, {2, "delete-before-answer"},
    {3, "contact-per-engine"}, {4, "duplicate-childless"}};
const NameTable gw_ike_fault_names = {"IKE rule", fault_entries, G_N_ELEMENTS(fault_entries)};

void gw_ike_set_faults(GwIke *g, uint32_t faults)
{
  g->faults = faults;
}

static void conn_free(gpointer p)
{
  GwIkeConn *c = p;
  /* each link's last events must not reach a sibling already freed */
  EpIkeLink *i = c->init, *r = c->resp;
  c->init = c->resp = NULL;
  if (c->dial && c->env.timer_cancel)
    c->env.timer_cancel(c->env.user, c->dial);
  if (c->idle_timer && c->env.timer_cancel)
    c->env.timer_cancel(c->env.user, c->idle_timer);
  if (c->dup_timer && c->env.timer_cancel)
    c->env.timer_cancel(c->env.user, c->dup_timer);
  if (c->hooked)
    ep_dp_tunnel_set_expiry_hook(c->dp, c->tunnel, NULL, NULL);
  ep_ike_link_free(i);
  ep_ike_link_free(r);
  g_free(c->name);
  g_free(c);
}

static void refused(GwIke *g, const char *conn, const char *why)
{
  VsEvent ev = vs_event(g->env.now(g->env.user), g->node, EP_IKE_EV_REFUSED);
  vs_event_str(&ev, "connection", conn);
  vs_event_str(&ev, "reason", why);
  vs_event_emit(&g->env.events, &ev);
}

/* The data plane's lifetimes of the connection's pairs, to whichever engine holds them
 * (the side that began the IKE SA, or the other: both may have children). */
static void conn_sa_expired(void *user, const EpSaExpiry *e)
{
  GwIkeConn *k = user;
  ep_ike_link_sa_expired(k->init, e);
  ep_ike_link_sa_expired(k->resp, e);
}

static void redundant_event(GwIkeConn *k, const char *reason, uint64_t spi_i)
{
  VsEvent ev = vs_event(k->env.now(k->env.user), k->node, GW_IKE_EV_SA_REDUNDANT);
  vs_event_str(&ev, "connection", k->name);
  vs_event_str(&ev, "reason", reason);
  vs_event_hex(&ev, "spi_i", spi_i);
  vs_event_emit(&k->env.events, &ev);
}

/* A connection in Default mode has two engines, one that dials and one that answers, so
 * when both ends dial at once (two gateways of a VNet-to-VNet pair, facts 3.5) each holds
 * two IKE SAs with the peer. RFC 7296 leaves simultaneous initial exchanges open; its rule
 * for two SAs made at once (2.8.1 child SAs, 2.8.2 IKE SAs) is that the one created with
 * the lowest of the four nonces is redundant and its initiator deletes it. Both ends see
 * the same four nonces, so they agree: the one of ours we began goes when it holds the
 * lowest; when the peer's holds it, the peer deletes it. */
/* One exception: when our SA carries the connection's child SAs and the peer's has none
 * (the peer's is an old one whose children expired or were refused, and ours was dialled
 * for traffic), deleting ours would take the tunnel down for an SA that carries nothing,
 * and the next packet would dial again, to the same end. Then the peer's childless SA is
 * the one we delete. The ends still agree: we act only where the rule says ours goes, so a
 * peer that follows the plain rule does nothing then (the lowest nonce is not in its SA),
 * and one that follows this one sees its own SA childless and ours carrying children, the
 * same exception from the other side; where the rule says the peer's SA goes, we leave it
 * to the peer as before. */
/* The link whose IKE SA we delete as the redundant one (its initiator SPI in *spi), or
 * NULL. */
static EpIkeLink *duplicate_of_ours(GwIkeConn *k, uint64_t *spi)
{
  uint8_t ni[IKEV2_NONCE_MAX], nr[IKEV2_NONCE_MAX];
  size_t li = 0, lr = 0;
  uint64_t spi_i = 0, spi_r = 0;
  if (*k->faults & GW_IKE_FAULT_DUPLICATE_SA)
    return NULL;
  if (!k->init || !k->resp || k->v1 || !ep_ike_link_established(k->init, &spi_i, ni, &li) ||
      !ep_ike_link_established(k->resp, &spi_r, nr, &lr))
    return NULL;
  if (ikev2_nonce_cmp(ni, li, nr, lr) >= 0)
    return NULL; /* the peer's SA is the redundant one: its initiator deletes it */
  if (!(*k->faults & GW_IKE_FAULT_DUPLICATE_CHILDLESS) &&
      ikev2_conn_n_children(ep_ike_link_conn(k->init)) &&
      !ikev2_conn_n_children(ep_ike_link_conn(k->resp))) {
    *spi = spi_r;
    return spi_r == k->dup_closed ? NULL : k->resp;
  }
  *spi = spi_i;
  return spi_i == k->dup_closed ? NULL : k->init;
}

static void drop_duplicate(void *arg)
{
  GwIkeConn *k = arg;
  k->dup_timer = 0;
  uint64_t spi_i = 0;
  EpIkeLink *l = duplicate_of_ours(k, &spi_i);
  if (!l)
    return;
  k->dup_closed = spi_i;
  redundant_event(k, "duplicate", spi_i);
  ep_ike_link_close(l); /* INFORMATIONAL Delete; its children go with it */
}

static void mm_count(void *arg)
{
  GwIkeConn *k = arg;
  if (k->contact_from) {
    EpIkeLink *other = k->contact_from == k->init ? k->resp : k->init;
    k->contact_from = NULL;
    if (*k->faults & GW_IKE_FAULT_INITIAL_CONTACT)
      other = NULL;
    uint64_t spi_i = 0;
    uint8_t nb[IKEV2_NONCE_MAX];
    size_t nl;
    bool had = other && ep_ike_link_established(other, &spi_i, nb, &nl);
    if (other && ep_ike_link_forget(other, "INITIAL_CONTACT") && had)
      redundant_event(k, "INITIAL_CONTACT", spi_i);
  }
  /* The Delete of our redundant SA leaves after the answer that completed the other (the
   * change comes while the engine builds it): a peer that got the Delete first would see
   * its tunnel gone for an instant, and a BGP session over it stopped. */
  if (*k->faults & GW_IKE_FAULT_DELETE_BEFORE_ANSWER)
    drop_duplicate(k);
  else if (!k->dup_timer && duplicate_of_ours(k, &(uint64_t){0}))
    k->dup_timer = k->env.timer_add(k->env.user, 0, drop_duplicate, k);
  size_t n = (k->init ? ep_ike_link_n_ike_sas(k->init) : 0) +
             (k->resp ? ep_ike_link_n_ike_sas(k->resp) : 0);
  ep_dp_set_mm_sa_count(k->dp, k->tunnel, (unsigned)n);
}

static void contact_init(void *arg)
{
  GwIkeConn *k = arg;
  k->contact_from = k->init;
}

static void contact_resp(void *arg)
{
  GwIkeConn *k = arg;
  k->contact_from = k->resp;
}

/* RFC 7296 2.4: the engine that dials asks, before its first IKE_AUTH, whether the
 * connection's other engine holds an established IKE SA with the peer (the peer dialled
 * it): then the new SA is not the only one and carries no INITIAL_CONTACT, which would
 * make the peer forget that one (strongSwan's has_contact looks across all its SAs). The
 * contact-per-engine fault makes each engine answer for itself alone. */
static bool has_contact_init(void *arg)
{
  GwIkeConn *k = arg;
  return !(*k->faults & GW_IKE_FAULT_CONTACT_PER_ENGINE) && k->resp &&
         ep_ike_link_has_ike_sa(k->resp);
}

static bool has_contact_resp(void *arg)
{
  GwIkeConn *k = arg;
  return !(*k->faults & GW_IKE_FAULT_CONTACT_PER_ENGINE) && k->init &&
         ep_ike_link_has_ike_sa(k->init);
}

/* The connection's impairments (`impair:`) on its engines (both sides: a rekey at a given
 * time is started by the one holding an SA) and on its tunnel's ESP. */
static void impair_links(GwIke *g, GwIkeConn *k)
{
  const EpImpairSet *s = &k->cur.impair;
  if (!s->n)
    return;
  if (k->init)
    ep_ike_link_set_impair(k->init, s);
  if (k->resp)
    ep_ike_link_set_impair(k->resp, s);
  for (unsigned i = 0; i < s->n; i++)
    if (s->v[i].kind == EP_IMPAIR_ESP_BAD_ICV)
      ep_dp_tunnel_impair_icv(g->dp, k->tunnel, s->v[i].nth);
    else if (s->v[i].kind == EP_IMPAIR_TUNNEL_MTU)
      ep_dp_tunnel_impair_mtu(g->dp, k->tunnel, s->v[i].mtu);
    else if (s->v[i].kind == EP_IMPAIR_NO_TRANSIT)
      ep_dp_tunnel_impair_no_transit(g->dp, k->tunnel);
    else if (s->v[i].kind == EP_IMPAIR_FRAGMENT)
      ep_dp_tunnel_impair_fragment(g->dp, k->tunnel);
}

/* The engines of connection c on tunnel t: the initiator side, the responder side or both
 * (connection mode); false with a refusal event when c cannot run. */
static bool conn_links(GwIke *g, GwIkeConn *k, const GwConfig *cfg)
{
  IkeConfig ci, cr;
  bool hi = false, hr = false;
  const char *why = NULL;
  k->v1 = gw_connection_is_ikev1(cfg, &k->cur);
  if (k->v1) {
    /* RFC 2409 has no Initiator flag: one engine answers the peer's main modes and
     * begins ours (a new main mode replaces the one it holds) */
    Ikev1Config v;
    if (!gw_ike_connection_config_v1_faulty(cfg, &k->cur, g->local, &g->offers, &v, &hi, &why)) {
      refused(g, k->name, why);
      return false;
    }
    k->remote = v.remote_addr;
    v.name = g->node;
    ep_ike_impair_config(&k->cur.impair, NULL, &v);
    const GwVirtualNetworkGateway *gw = gw_config_find_gateway(cfg, k->cur.virtualNetworkGateway1.v);
    k->idle_teardown = gw && gw_enum_or(gw->vpnType, GW_VPN_ROUTE_BASED) == GW_VPN_POLICY_BASED;
    k->init = ep_ike_link_new_v1(&v, k->name, g->dp, k->tunnel, &g->env, &g->io, g->rng);
    k->dial_default = hi;
    if (k->init) {
      ep_ike_link_on_change(k->init, mm_count, k);
      impair_links(g, k);
    }
    return k->init != NULL;
  }
  if (!gw_ike_connection_config_faulty(cfg, &k->cur, g->local, &g->offers, &ci, &hi, &cr, &hr,
                                       &why)) {
    refused(g, k->name, why);
    return false;
  }
  if (k->remote.v) {
    /* a tunnel to another instance of an active-active peer (gw_gateway_new): that
     * instance's public IP is the peer's address and identity */
    ci.remote_addr = cr.remote_addr = k->remote;
    ipv4_addr_format(k->remote, ci.remote_id.value);
    ipv4_addr_format(k->remote, cr.remote_id.value);
  }
  k->remote = ci.remote_addr;
  /* the prefixSelectors fault: a connection with NAT rules narrows to the device's prefix
   * selectors, as one without them on policy-based selectors would (catalogue NAT-002) */
  if ((g->nat_faults & GW_NAT_FAULT_PREFIX_SELECTORS) &&
      (k->cur.n_ingressNatRules || k->cur.n_egressNatRules))
    ci.ts_no_narrowing = cr.ts_no_narrowing = false;
  ci.name = cr.name = g->node;
  ep_ike_impair_config(&k->cur.impair, &ci, NULL);
  ep_ike_impair_config(&k->cur.impair, &cr, NULL);
  if (hi)
    k->init = ep_ike_link_new(&ci, k->name, g->dp, k->tunnel, &g->env, &g->io, g->rng);
  if (hr)
    k->resp = ep_ike_link_new(&cr, k->name, g->dp, k->tunnel, &g->env, &g->io, g->rng);
  k->dial_default = hi;
  if (k->init) {
    ep_ike_link_on_change(k->init, mm_count, k);
    ep_ike_link_on_initial_contact(k->init, contact_init, k);
    ep_ike_link_on_has_contact(k->init, has_contact_init, k);
  }
  if (k->resp) {
    ep_ike_link_on_change(k->resp, mm_count, k);
    ep_ike_link_on_initial_contact(k->resp, contact_resp, k);
    ep_ike_link_on_has_contact(k->resp, has_contact_resp, k);
  }
  impair_links(g, k);
  return true;
}

GwIke *gw_ike_new(const GwConfig *cfg, const char *name, GwGateway *gw, const EpEnv *env,
                  const EpIkeIo *io, Drbg *rng)
{
  return gw_ike_new_faulty(cfg, name, gw, env, io, rng, 0, 0);
}

GwIke *gw_ike_new_faulty(const GwConfig *cfg, const char *name, GwGateway *gw,
                         const EpEnv *env, const EpIkeIo *io, Drbg *rng, uint32_t ike_faults,
                         uint32_t nat_faults)
{
  GwIke *g = g_new0(GwIke, 1);
  g->faults = ike_faults;
  g->nat_faults = nat_faults;
  g->dp = gw_gateway_dp(gw);
  g->env = *env;
  g->io = *io;
  g->rng = rng;
  g->node = g_strdup_printf("%s/%u", name, gw_gateway_instance(gw));
  g->conns = g_ptr_array_new_with_free_func(conn_free);
  g->local = gw_gateway_public_ip(gw);
  if (gw_gateway_offer_faults(gw))
    g->offers = *gw_gateway_offer_faults(gw);
  for (unsigned i = 0; i < cfg->n_connections; i++) {
    const GwConnection *c = &cfg->connections[i];
    if (!str_is(c->virtualNetworkGateway1, name))
      continue;
    int t0 = gw_gateway_tunnel(gw, c->name.v);
    if (t0 < 0)
      continue; /* refused by the runtime already (IKEv1, missing peer) */
    /* one set of engines per tunnel of the connection: a VNet-to-VNet connection to an
     * active-active gateway has a tunnel to each of its instances */
    for (int t = t0; t < (int)ep_dp_n_tunnels(g->dp); t++) {
    const char *tn = ep_dp_tunnel_name(g->dp, t);
    if (!tn || strcmp(tn, c->name.v) != 0)
      continue;
    GwIkeConn *k = g_new0(GwIkeConn, 1);
    k->name = g_strdup(c->name.v);
    k->tunnel = t;
    if (t != t0) {
      uint16_t port;
      ep_dp_tunnel_peer(g->dp, t, &k->remote, &port);
    }
    k->dp = g->dp;
    k->env = *env;
    k->node = g->node;
    k->faults = &g->faults;
    k->cur = *c;
    if (!conn_links(g, k, cfg)) {
      conn_free(k);
      continue;
    }
    ep_dp_tunnel_set_expiry_hook(g->dp, t, conn_sa_expired, k);
    k->hooked = true;
    g_ptr_array_add(g->conns, k);
    }
  }
  return g;
}

static GwIkeConn *conn_find(GwIke *g, const char *name)
{
  for (guint i = 0; i < g->conns->len; i++) {
    GwIkeConn *k = g_ptr_array_index(g->conns, i);
    if (!strcmp(k->name, name))
      return k;
  }
  return NULL;
}

static void conn_start(GwIkeConn *k);

/* facts 2.5: changing or removing a custom policy restarts the IKE handshake; a reset
 * (and a new shared key) does the same: the IKE SA is deleted (a Delete goes to the
 * peer), its child SAs leave the data plane, and the connection starts again. */
static bool conn_restart(GwIke *g, GwIkeConn *k, const GwConfig *cfg, const char *reason)
{
  VsEvent ev = vs_event(g->env.now(g->env.user), g->node, GW_IKE_EV_RESET);
  vs_event_str(&ev, "connection", k->name);
  vs_event_str(&ev, "reason", reason);
  vs_event_emit(&g->env.events, &ev);
  EpIkeLink *links[2] = {k->init, k->resp};
  k->init = k->resp = NULL;
  if (k->dial && k->env.timer_cancel)
    k->env.timer_cancel(k->env.user, k->dial);
  k->dial = 0;
  for (int i = 0; i < 2; i++)
    if (links[i]) {
      ep_ike_link_on_change(links[i], NULL, NULL);
      ep_ike_link_close(links[i]);
      ep_ike_link_free(links[i]);
    }
  ep_dp_tunnel_down(g->dp, k->tunnel, reason);
  ep_dp_set_mm_sa_count(g->dp, k->tunnel, 0);
  if (!conn_links(g, k, cfg))
    return false;
  conn_start(k);
  return true;
}

bool gw_ike_set_policy(GwIke *g, const GwConfig *cfg, const char *connection,
                       const GwIpsecPolicy *policy)
{
  bool any = false;
  for (guint i = 0; i < g->conns->len; i++) {
    GwIkeConn *k = g_ptr_array_index(g->conns, i);
    if (strcmp(k->name, connection) != 0)
      continue;
    k->cur.n_ipsecPolicies = 0;
    if (policy)
      k->cur.ipsecPolicies[k->cur.n_ipsecPolicies++] = *policy;
    any = conn_restart(g, k, cfg, policy ? "custom policy set" : "custom policy removed") || any;
  }
  return any;
}

bool gw_ike_set_shared_key(GwIke *g, const GwConfig *cfg, const char *connection,
                           const char *key)
{
  bool any = false;
  for (guint i = 0; i < g->conns->len; i++) {
    GwIkeConn *k = g_ptr_array_index(g->conns, i);
    if (strcmp(k->name, connection) != 0)
      continue;
    k->cur.sharedKey = (GwStr){.set = true, .v = key};
    any = conn_restart(g, k, cfg, "shared key changed") || any;
  }
  return any;
}

bool gw_ike_reset(GwIke *g, const GwConfig *cfg, const char *connection)
{
  bool any = false;
  for (guint i = 0; i < g->conns->len; i++) {
    GwIkeConn *k = g_ptr_array_index(g->conns, i);
    if (!connection || !strcmp(k->name, connection))
      any = conn_restart(g, k, cfg, connection ? "connection reset" : "gateway reset") || any;
  }
  return any;
}

void gw_ike_free(GwIke *g)
{
  if (!g)
    return;
  g_ptr_array_free(g->conns, TRUE);
  g_free(g->node);
  g_free(g);
}

static void default_dial(void *arg)
{
  GwIkeConn *k = arg;
  k->dial = 0;
  /* (an IKEv1 engine begins a main mode only when it has none, not even one the peer
   * is negotiating) */
  if (k->init && (!k->resp || !ep_ike_link_n_ike_sas(k->resp)) &&
      !ep_ike_link_n_ike_sas(k->init) && !k->idle_down)
    ep_ike_link_acquire(k->init);
  k->dial = k->env.timer_add(k->env.user, GW_IKE_REDIAL_NS, default_dial, k);
}

static void idle_check(void *arg)
{
  GwIkeConn *k = arg;
  k->idle_timer = 0;
  int64_t now = k->env.now(k->env.user);
  const EpTunnelMetrics *m = ep_dp_tunnel_metrics(k->dp, k->tunnel);
  uint64_t pk = m ? m->ingress_packets + m->egress_packets : 0;
  bool up = m && m->qm_sa_count > 0;
  if (pk != k->idle_packets || !up) {
    k->idle_packets = pk;
    k->idle_since = now;
  } else if (now - k->idle_since > GW_IKE_IDLE_NS && k->init) {
    VsEvent ev = vs_event(now, k->node, GW_IKE_EV_IDLE);
    vs_event_str(&ev, "connection", k->name);
    vs_event_uint(&ev, "idle_s", (uint64_t)((now - k->idle_since) / 1000000000LL));
    vs_event_emit(&k->env.events, &ev);
    /* the SA pairs and the ISAKMP SA, with Deletes to the device */
    k->idle_down = true;
    ep_ike_link_close(k->init);
    k->idle_since = now;
  }
  k->idle_timer = k->env.timer_add(k->env.user, GW_IKE_IDLE_CHECK_NS, idle_check, k);
}

static void conn_start(GwIkeConn *k)
{
  if (k->idle_teardown && !k->idle_timer) {
    k->idle_since = k->env.now(k->env.user);
    k->idle_timer = k->env.timer_add(k->env.user, GW_IKE_IDLE_CHECK_NS, idle_check, k);
  }
  if (k->resp)
    ep_ike_link_start(k->resp);
  if (k->init)
    ep_ike_link_start(k->init);
  if (k->dial_default)
    k->dial = k->env.timer_add(k->env.user, GW_IKE_DEFAULT_DIAL_NS, default_dial, k);
}

void gw_ike_start(GwIke *g)
{
  for (guint i = 0; i < g->conns->len; i++)
    conn_start(g_ptr_array_index(g->conns, i));
}

void gw_ike_acquire(GwIke *g, int tunnel, Ipv4Addr src, Ipv4Addr dst)
{
  for (guint i = 0; i < g->conns->len; i++) {
    GwIkeConn *k = g_ptr_array_index(g->conns, i);
    if (k->tunnel == tunnel && k->init) {
      k->idle_down = false; /* facts 4: traffic brings an idle-torn tunnel back */
      ep_ike_link_acquire_pair(k->init, src, dst);
    }
  }
}

void gw_ike_esp_authenticated(GwIke *g, int tunnel, Ipv4Addr src, uint16_t sport)
{
  for (guint i = 0; i < g->conns->len; i++) {
    GwIkeConn *k = g_ptr_array_index(g->conns, i);
    /* the gateway knows a connection by its local network gateway's address and answers
     * IKE from no other: only a new port of that address is followed */
    if (k->tunnel != tunnel || k->remote.v != src.v)
      continue;
    if (k->init)
      ep_ike_link_esp_authenticated(k->init, src, sport);
    if (k->resp)
      ep_ike_link_esp_authenticated(k->resp, src, sport);
  }
}

bool gw_ike_is_peer(const GwIke *g, Ipv4Addr addr)
{
  for (guint i = 0; i < g->conns->len; i++)
    if (((GwIkeConn *)g_ptr_array_index(g->conns, i))->remote.v == addr.v)
      return true;
  return false;
}

EpIkeLink *gw_ike_peek_link(GwIke *g, const char *connection, bool initiator)
{
  GwIkeConn *k = conn_find(g, connection);
  return k ? (initiator ? k->init : k->resp) : NULL;
}

/* Every IKE SA of the engine counts, not only its current one: after the peer rekeys an
 * IKE SA our side began, the new SA's Initiator flag points to the other engine, and the
 * old SA's DELETE (RFC 7296 2.8) must still reach the engine that holds it. Looking at the
 * current SA only sent it to the other engine ("unknown SPI"): the old SA stayed until its
 * lifetime ended, one more per rekey (found by bench/soak_bench.c, issue 21). */
static bool link_has(EpIkeLink *l, uint64_t spi_i, uint64_t spi_r)
{
  return l && ep_ike_link_holds_sa(l, spi_i, spi_r);
}

void gw_ike_rx(GwIke *g, Ipv4Addr src, uint16_t sport, Ipv4Addr dst, uint16_t dport,
               const uint8_t *data, size_t len)
{
  GwIkeConn *k = NULL;
  for (guint i = 0; i < g->conns->len && !k; i++) {
    GwIkeConn *c = g_ptr_array_index(g->conns, i);
    if (c->remote.v == src.v)
      k = c;
  }
  if (!k) {
    /* no connection to that peer: dropped, as the cloud does */
    ep_dp_count_ike_drop(g->dp, IKE_DROP_NO_CONNECTION);
    return;
  }
  if (k->v1) {
    if (k->init) {
      k->idle_down = false; /* the device brings it back (its traffic needed it) */
      ep_ike_link_rx(k->init, src, sport, dst, dport, data, len);
    }
    return;
  }
  const uint8_t *b = data;
  size_t n = len;
  if (dport == IKE_PORT_NATT) {
    if (n < 4 || memcmp(b, "\0\0\0\0", 4) != 0) {
      ep_dp_count_ike_drop(g->dp, IKE_DROP_HEADER);
      return;
    }
    b += 4, n -= 4;
  }
  Ikev2Header h;
  Ikev2Diag d;
  if (ikev2_header_decode(b, n, &h, &d) != WIRE_OK) {
    ep_dp_count_ike_drop(g->dp, IKE_DROP_HEADER);
    return;
  }
  bool from_initiator = (h.flags & IKEV2_FLAG_INITIATOR) != 0;
  EpIkeLink *to = NULL;
  /* the engine that holds the SA by its SPIs, then RFC 7296 3.1's Initiator flag: set
   * when the sender began the IKE SA (our responder side), clear when we did */
  if (link_has(k->init, h.spi_i, h.spi_r))
    to = k->init;
  else if (link_has(k->resp, h.spi_i, h.spi_r))
    to = k->resp;
  else
    to = from_initiator ? k->resp : k->init;
  if (!to) {
    ep_dp_count_ike_drop(g->dp, IKE_DROP_MODE);
    if (ep_dp_metrics(g->dp)->ike_drops[IKE_DROP_MODE] > IKE_DROP_EVENTS_MAX)
      return; /* a flood: the counter ike.drops.mode carries it */
    refused(g, k->name,
            from_initiator ? "InitiatorOnly: the peer's IKE_SA_INIT is not answered"
                           : "ResponderOnly: a response to no request of ours");
    return;
  }
  ep_ike_link_rx(to, src, sport, dst, dport, data, len);
}
