/* SPDX-License-Identifier: MIT */
/* The configuration of an on-premises VPN device: the settings a real IKE/IPsec peer
 * exposes (IKE version, proposals as IANA transform IDs, lifetimes, identities, PSK,
 * traffic selectors, DPD, start action, NAT-T, rekey margins, LAN prefixes), with the
 * defaults of a generic device. Plain structs: the scenario loader (sim/) fills them from
 * a device profile and the scenario's overrides; models never parse files. */
#pragma once

#include "models/common/ipsec_ids.h"
#include "models/common/ipv4.h"
#include "models/common/names.h"
#include "models/endpoint/ep_impair.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Capacities: the loader refuses more, with a location. */
enum {
  DEV_MAX_PROPOSALS = 16, /* proposals in one SA payload we offer */
  DEV_MAX_ALGS = 16,      /* transforms of one type in one proposal */
  DEV_MAX_PREFIXES = 32,  /* LAN prefixes, traffic selectors of one side */
};

/* An encryption transform: its IANA ID and, for variable-length ciphers, the Key Length
 * attribute in bits (RFC 7296 3.3.5); 0 for fixed-length ciphers (3DES, ChaCha20). */
typedef struct {
  uint16_t id;       /* IkeEncrId */
  uint16_t key_bits; /* 0, 128, 192, 256 */
} DevEncr;

/* One proposal (RFC 7296 3.3: a proposal carries several transforms of each type, any
 * combination acceptable). For IKE: encr, integ (none with an AEAD cipher), prf, dh. For
 * ESP: encr, integ, dh (the PFS groups; none means no PFS) and esn. */
typedef struct {
  DevEncr encr[DEV_MAX_ALGS];
  unsigned n_encr;
  uint16_t integ[DEV_MAX_ALGS]; /* IkeIntegId */
  unsigned n_integ;
  uint16_t prf[DEV_MAX_ALGS]; /* IkePrfId */
  unsigned n_prf;
  uint16_t dh[DEV_MAX_ALGS]; /* IkeDhId */
  unsigned n_dh;
  uint16_t esn[2]; /* IkeEsnId */
  unsigned n_esn;
} DevProposal;

/* RFC 7296 3.5: Identification payload ID Type. DEV_ID_DEFAULT: the device's own public
 * address as ID_IPV4_ADDR (what strongSwan and libreswan send by default). */
typedef enum {
  DEV_ID_DEFAULT = 0,
  DEV_ID_IPV4_ADDR = 1,
  DEV_ID_FQDN = 2,
  DEV_ID_RFC822_ADDR = 3,
  DEV_ID_KEY_ID = 11,
} DevIdType;

typedef struct {
  DevIdType type;
  const char *value; /* text form: "198.51.100.20", "vpn.example.net", "a@example.net" */
} DevIdentity;

/* Traffic selectors the device proposes: 0.0.0.0/0 both ways (what a route-based peer
 * uses), or explicit prefix pairs. */
typedef enum { DEV_TS_ANY, DEV_TS_PREFIXES } DevTsMode;

/* What DPD does when the peer stops answering (strongSwan dpd_action, libreswan
 * dpdaction). */
typedef enum { DEV_DPD_CLEAR, DEV_DPD_HOLD, DEV_DPD_RESTART } DevDpdAction;

/* When the device brings the tunnel up: at start, only when the peer initiates, or when
 * the first packet for the tunnel arrives (strongSwan start_action start/none/trap). */
typedef enum { DEV_START_INITIATE, DEV_START_RESPOND, DEV_START_ON_TRAFFIC } DevStartAction;

/* The device's BGP speaker (scenario key "bgp"; facts 5). */
#define DEV_BGP_MAX_ADVERTISE 64
typedef struct {
  bool enabled;
  uint32_t asn;           /* its AS (the LNG's bgpSettings.asn) */
  Ipv4Addr address;       /* its BGP address (the LNG's bgpPeeringAddress) */
  Ipv4Addr peer_address;  /* the gateway's BGP address; 0: the gateway's as Azure shows it */
  uint32_t peer_asn;      /* 0: the gateway's (65515 by default) */
  Ipv4Prefix advertise[DEV_BGP_MAX_ADVERTISE]; /* originated at start */
  unsigned n_advertise;
  unsigned prepend;       /* its AS this many more times on what it advertises */
  uint32_t hold_s;        /* offered hold time; 0: 180 (what Azure asks to match) */
  uint32_t keepalive_s;   /* 0: a third of the negotiated hold time */
  bool passive;           /* only accept the gateway's connection, never open one */
} DevBgpConfig;

typedef struct {
  const char *name;     /* the device's node name */
  const char *profile;  /* the profile it was built from, or NULL */
  unsigned ike_version; /* 1 or 2 */

  DevProposal ike_proposals[DEV_MAX_PROPOSALS];
  unsigned n_ike_proposals;
  DevProposal esp_proposals[DEV_MAX_PROPOSALS];
  unsigned n_esp_proposals;

  /* Lifetimes: the SA is rekeyed rekey_margin (minus up to rekey_fuzz_percent of it,
   * randomised) before the hard lifetime expires. Kilobytes 0: no volume limit. */
  uint32_t ike_lifetime_s;
  uint32_t ike_rekey_margin_s;
  uint32_t child_lifetime_s;
  uint32_t child_rekey_margin_s;
  uint64_t child_lifetime_kb;
  uint32_t rekey_fuzz_percent;
  /* TCP MSS clamping on the tunnel: the MSS option of a SYN entering or leaving it is
   * lowered to this (facts 2.5: Azure asks devices to clamp at 1350); 0: off. */
  uint16_t mss_clamp;

  DevIdentity local_id;
  DevIdentity remote_id; /* DEV_ID_DEFAULT: accept the peer's address as ID_IPV4_ADDR */
  const char *psk;       /* borrowed; never logged or printed */

  DevTsMode ts_mode;
  Ipv4Prefix ts_local[DEV_MAX_PREFIXES];
  unsigned n_ts_local;
  Ipv4Prefix ts_remote[DEV_MAX_PREFIXES];
  unsigned n_ts_remote;

  uint32_t dpd_interval_s; /* 0: DPD off */
  uint32_t dpd_timeout_s;
  DevDpdAction dpd_action;

  DevStartAction start_action;

  bool nat_traversal;        /* RFC 7296 2.23 NAT detection and UDP 4500 */
  bool force_encapsulation;  /* encapsulate in UDP even without a NAT */
  uint32_t nat_keepalive_s;  /* RFC 3948 4: keepalive interval, 0: none */

  bool has_public_ip;
  Ipv4Addr public_ip;
  bool has_peer;
  Ipv4Addr peer; /* the gateway's public address */
  /* A second tunnel (facts 8): to the other instance of an active-active gateway (peer
   * names the gateway), or to a second gateway (peer: [a, b]). */
  bool has_peer2;
  Ipv4Addr peer2;
  Ipv4Prefix lan[DEV_MAX_PREFIXES];
  unsigned n_lan;

  DevBgpConfig bgp; /* BGP over its tunnel (models/device/dev_bgp.h) */
  /* Static routes into its tunnels besides the peer's VNet prefixes (route-based): the
   * prefixes of other sites the gateway carries between its connections (transit). */
  Ipv4Prefix tunnel_routes[DEV_MAX_PREFIXES];
  unsigned n_tunnel_routes;
  /* The device misbehaving (`impair:`, models/endpoint/ep_impair.h) on each tunnel. */
  EpImpairSet impair;
} DevConfig;

/* The generic device (no profile): IKEv2, no proposals (a profile or the scenario must
 * give them), lifetimes 8 h / 1 h with 9 min margins and 100 % fuzz, DPD off, respond,
 * NAT-T on with 20 s keepalives, any-to-any selectors. */
void dev_config_init(DevConfig *cfg);

/* A problem with a configuration: the YAML key of the field (for the loader's location)
 * and what is wrong. */
typedef struct {
  const char *field;
  char message[160];
} DevProblem;

/* Consistency of a merged configuration: proposals present and well-formed per RFC 7296
 * 3.3 (IKE needs encr, prf, dh and, without AEAD, integ; an AEAD cipher takes no integ),
 * margins below lifetimes, DPD timeout above the interval, prefix selectors present.
 * Writes up to max problems and returns how many there are. */
size_t dev_config_check(const DevConfig *cfg, DevProblem *out, size_t max);

/* True for the AEAD ciphers (GCM, CCM, ChaCha20-Poly1305): no integrity transform. */
bool dev_encr_is_aead(uint16_t encr_id);

extern const NameTable dev_id_type_names;      /* "ipv4", "fqdn", "email", "keyid" */
extern const NameTable dev_ts_mode_names;      /* "any", "prefixes" */
extern const NameTable dev_dpd_action_names;   /* "clear", "hold", "restart" */
extern const NameTable dev_start_action_names; /* "initiate", "respond", "on-traffic" */
