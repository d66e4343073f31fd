/* SPDX-License-Identifier: MIT */
/* Azure VPN Gateway's documented BGP behaviour (azure-vpn-facts.md 5, 8, 13.1): what the
 * gateway advertises and refuses as a table of named rows that configure a speaker, its
 * BGP peer address, and who opens the TCP connection. */
#pragma once

#include "models/bgp/bgp_speaker.h"
#include "models/common/ipv4.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BGP_AZURE_DEFAULT_ASN 65515u /* facts 5 */

/* What the gateway's BGP configuration is built from. */
typedef struct {
  const char *node;
  uint32_t asn;       /* 0: 65515 */
  Ipv4Addr router_id; /* its BGP Identifier (the modelled gateway uses its peer address) */
  const Ipv4Prefix *vnet; /* the VNet address space (with peered VNets under gateway transit) */
  size_t n_vnet;
  const Ipv4Prefix *lng; /* the address prefixes of every LNG connected to the gateway */
  size_t n_lng;
} BgpAzureGateway;

typedef enum {
  BGP_AZURE_ORIGINATE, /* what the gateway advertises of its own */
  BGP_AZURE_IMPORT,    /* what it refuses to learn */
  BGP_AZURE_EXPORT,    /* what it re-advertises, or never */
  BGP_AZURE_SELECT,    /* best path */
  BGP_AZURE_SESSION,   /* the session with each peer */
} BgpAzureRuleKind;

extern const NameTable bgp_azure_rule_kind_names;

/* One documented behaviour: its name, what the facts say and where, and what it sets in a
 * speaker's configuration or a peer's (either may be NULL). Adding one is adding a row. */
typedef struct {
  const char *name;
  BgpAzureRuleKind kind;
  const char *fact; /* paraphrase, with the facts section */
  void (*speaker)(const BgpAzureGateway *gw, BgpSpeakerConfig *cfg);
  void (*peer)(BgpSpeakerPeerConfig *pc);
  /* Neither: the model applies it where it makes the speakers (which instance runs one:
   * models/gateway/gw_endpoint.c) and reads the row's bit there. */
  bool elsewhere;
} BgpAzureRule;

extern const BgpAzureRule bgp_azure_rules[];
extern const size_t bgp_azure_n_rules;

/* A gateway speaker's configuration: every row applied. */
void bgp_azure_speaker_config(const BgpAzureGateway *gw, BgpSpeakerConfig *cfg);
/* A session of the gateway to an on-premises peer: every row applied (timers, the
 * 4,000-prefix limit); name, peer_as and addresses are the caller's. */
void bgp_azure_peer_config(BgpSpeakerPeerConfig *pc);

/* The same with the rows whose bit (1u << index in bgp_azure_rules) is set in 'off' left
 * out: a gateway that breaks that documented behaviour (a conformance check's fault). */
void bgp_azure_speaker_config_except(const BgpAzureGateway *gw, BgpSpeakerConfig *cfg, uint32_t off);
void bgp_azure_peer_config_except(BgpSpeakerPeerConfig *pc, uint32_t off);
/* The row's index by name, -1 when none. */
int bgp_azure_rule_index(const char *name);

/* ---- addresses (facts 5) ---- */

/* 169.254.0.0/16 (RFC 3927), what the facts call APIPA. */
bool bgp_azure_is_apipa(Ipv4Addr a);
/* A custom Azure APIPA BGP address must lie in 169.254.21.0 - 169.254.22.255. */
bool bgp_azure_custom_apipa_valid(Ipv4Addr a);

/* The GatewaySubnet addresses the gateway peers from: one for active-standby, the last
 * usable address of the subnet (10.12.255.30 in 10.12.255.0/27); two for active-active, in
 * the instances' order, the first two usable ones (10.12.255.4 and .5 in 10.12.255.0/27).
 * Azure keeps the first four addresses and the last of every subnet, so a subnet needs at
 * least 5 (one) or 6 (two) addresses; 0 when it has too few. */
size_t bgp_azure_peer_addresses(Ipv4Prefix gateway_subnet, bool active_active, Ipv4Addr out[2]);

/* The address instance 'instance' peers from with an on-premises BGP peer at 'onprem':
 * its custom APIPA address (custom_apipa[instance], 0 when not configured) when the peer's
 * address is APIPA, else its GatewaySubnet address. False when the peer is APIPA and the
 * instance has no valid custom APIPA address, or the subnet has no address for it. */
bool bgp_azure_session_address(Ipv4Prefix gateway_subnet, bool active_active, unsigned instance,
                               const Ipv4Addr custom_apipa[2], Ipv4Addr onprem, Ipv4Addr *out);

/* ---- who opens the TCP connection (facts 5; 13.1 for the original claim) ---- */

/* Which document to follow where they disagree: the newest (facts 5: with an APIPA peer
 * the gateway does not initiate and the device must) or the original FAQ (facts 13.1,
 * document 001: the gateway initiates whatever the peer's address, and the device must
 * be configured to initiate too). */
typedef enum {
  BGP_AZURE_CLAIM_NEWEST = 0,
  BGP_AZURE_CLAIM_ORIGINAL_FAQ,
} BgpAzureClaim;

/* The gateway opens the connection to the on-premises peer (else it only listens:
 * BgpFsmConfig.passive). */
bool bgp_azure_gateway_initiates(Ipv4Addr onprem, BgpAzureClaim claim);
/* The on-premises device must open it (a device that only listens gets no session). */
bool bgp_azure_device_must_initiate(Ipv4Addr onprem, BgpAzureClaim claim);
