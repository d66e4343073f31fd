/* SPDX-License-Identifier: MIT */
/* The gateway resource model: virtual networks, virtual network gateways, local network
 * gateways and connections as plain structs named after the cloud's resource properties
 * (ARM templates, with the "properties" level flattened). Facts: azure-vpn-facts.md. */
#pragma once

#include "models/common/diag.h"
#include "models/common/ipv4.h"
#include "models/common/names.h"
#include "models/endpoint/ep_impair.h"

#include <stdbool.h>
#include <stdint.h>

/* Where a value came from in the user's file; filled in by the loader (sim/scenario_cloud),
 * zero when the model was built in code (then diagnostics print no location). Models never
 * parse files. The diagnostics' location type, so a value's place is a finding's place. */
typedef VsLoc GwLoc;

/* A property value that remembers whether it was given and where. */
typedef struct {
  bool set;
  GwLoc loc;
  const char *v;
} GwStr;
typedef struct {
  bool set;
  GwLoc loc;
  int64_t v;
} GwInt;
typedef struct {
  bool set;
  GwLoc loc;
  bool v;
} GwBool;
typedef struct {
  bool set;
  GwLoc loc;
  Ipv4Addr v;
} GwIp;
typedef struct {
  GwLoc loc;
  Ipv4Prefix v;
} GwPfx;
/* An enum-valued property: v is one of the module's enums (GwVpnType, GwIkeEncryption, ...),
 * or -1 for a policy value that was given but could not be read (the loader reported it). */
typedef struct {
  bool set;
  GwLoc loc;
  int v;
} GwEnum;

/* Capacities: the loader refuses more (with a location), so the model stays fixed-size. */
enum {
  GW_MAX_NAMES = 32,       /* names in a reference list (NAT rule links) */
  GW_MAX_PREFIXES = 32,    /* prefixes in one address space or range list */
  GW_MAX_SUBNETS = 16,
  GW_MAX_VNETS = 16,
  GW_MAX_GATEWAYS = 16,
  GW_MAX_LOCAL_GATEWAYS = 160,
  GW_MAX_CONNECTIONS = 160, /* above the largest SKU tunnel limit (100), so it can be exceeded */
  GW_MAX_POLICIES = 4,      /* ipsecPolicies entries kept (only one is allowed, GW-POL-002) */
  GW_MAX_TS_POLICIES = 8,
  GW_MAX_NAT_RULES = 16,
  GW_NAT_RULES_LIMIT = 500, /* facts 6: NAT rules per gateway, ingress and egress */
  GW_NAT_RULES_LIMIT_ORIGINAL = 100, /* facts 13.1: the original FAQ's "up to 100" */
};

/* A subnet of a virtual network. The gateway subnet is named exactly "GatewaySubnet". */
typedef struct {
  GwStr name;
  GwPfx addressPrefix;
  bool has_addressPrefix;
} GwSubnet;

typedef struct {
  GwStr name;
  GwLoc loc;
  GwPfx addressSpace[GW_MAX_PREFIXES];
  unsigned n_addressSpace;
  GwSubnet subnets[GW_MAX_SUBNETS];
  unsigned n_subnets;
} GwVirtualNetwork;

/* bgpSettings of a virtual network gateway or a local network gateway. On the gateway,
 * customBgpIpAddresses are the custom Azure APIPA addresses (one per instance, facts 5);
 * on a local network gateway, bgpPeeringAddress is the on-premises BGP peer IP. */
typedef struct {
  bool set;
  GwLoc loc;
  GwInt asn;
  GwIp bgpPeeringAddress;
  GwIp customBgpIpAddresses[2];
  unsigned n_customBgpIpAddresses;
  GwInt peerWeight;
} GwBgpSettings;

/* gatewayType */
typedef enum { GW_GATEWAY_TYPE_VPN, GW_GATEWAY_TYPE_EXPRESSROUTE } GwGatewayType;
/* vpnType */
typedef enum { GW_VPN_ROUTE_BASED, GW_VPN_POLICY_BASED } GwVpnType;
/* vpnGatewayGeneration */
typedef enum { GW_GEN_NONE = 0, GW_GEN_1 = 1, GW_GEN_2 = 2 } GwGeneration;

/* NAT rule (facts 6): for later issues; the configuration rules already read it. */
typedef enum { GW_NAT_STATIC, GW_NAT_DYNAMIC } GwNatType;
typedef enum { GW_NAT_INGRESS_SNAT, GW_NAT_EGRESS_SNAT } GwNatMode;
/* ipConfigurationId (facts 6): the IP configuration, so the instance, a rule applies on:
 * "default" (the primary IP, instance 0) or "activeActive" (the second IP, instance 1).
 * Unset: every instance (an active-standby gateway's one configuration). */
typedef enum { GW_NAT_IPCONFIG_DEFAULT, GW_NAT_IPCONFIG_ACTIVE_ACTIVE } GwNatIpConfig;
/* A mapping's portRange (ARM VpnNatRuleMapping.portRange; facts 6: Static rules only, TCP
 * and UDP, single ports): lo..hi as written ("80" is 80..80; a range "80-90" is read so
 * that GW-NAT-015 can refuse it). Unset: the mapping has no port (addresses only). */
typedef struct {
  bool set;
  GwLoc loc;
  uint16_t lo, hi;
} GwPortRange;
typedef struct {
  GwStr name;
  GwLoc loc;
  GwEnum type; /* GwNatType */
  GwEnum mode; /* GwNatMode */
  GwPfx internalMappings[GW_MAX_PREFIXES];
  unsigned n_internalMappings;
  GwPfx externalMappings[GW_MAX_PREFIXES];
  unsigned n_externalMappings;
  /* the portRange of each mapping, parallel to internalMappings / externalMappings */
  GwPortRange internalPorts[GW_MAX_PREFIXES];
  GwPortRange externalPorts[GW_MAX_PREFIXES];
  GwEnum ipConfigurationId; /* GwNatIpConfig */
} GwNatRule;

/* ipsecPolicies entry (facts 3.1). Each algorithm field holds an enum of gw_policy.h. */
typedef struct {
  GwLoc loc;
  GwInt saLifeTimeSeconds;
  GwInt saDataSizeKilobytes;
  GwEnum ipsecEncryption; /* GwIpsecEncryption */
  GwEnum ipsecIntegrity;  /* GwIpsecIntegrity */
  GwEnum ikeEncryption;   /* GwIkeEncryption */
  GwEnum ikeIntegrity;    /* GwIkeIntegrity */
  GwEnum dhGroup;         /* GwDhGroup */
  GwEnum pfsGroup;        /* GwPfsGroup */
} GwIpsecPolicy;

/* vpnClientConfiguration (point-to-site, facts 7). The root certificates are named; a
 * run generates each from its DRBG (models/gateway/gw_p2s.h), or takes publicCertData
 * (base64 DER, as ARM holds it). A revoked certificate is a thumbprint, or the
 * certificate the run generates for a p2sClients entry ('client'). */
enum { GW_P2S_MAX_ROOTS = 24 /* more than facts 7.1's 20, so the limit can be exceeded */ };
typedef struct {
  GwLoc loc;
  GwStr name;
  GwStr publicCertData;
} GwP2sRootCertificate;
typedef struct {
  GwLoc loc;
  GwStr name;
  GwStr thumbprint;
  GwStr client;
} GwP2sRevokedCertificate;
typedef enum {
  GW_P2S_AUTH_CERTIFICATE = 1 << 0,
  GW_P2S_AUTH_RADIUS = 1 << 1,
  GW_P2S_AUTH_AAD = 1 << 2,
} GwP2sAuthType;
typedef enum {
  GW_P2S_PROTO_IKEV2 = 1 << 0,
  GW_P2S_PROTO_SSTP = 1 << 1,
  GW_P2S_PROTO_OPENVPN = 1 << 2,
} GwP2sProtocol;
typedef struct {
  bool set;
  GwLoc loc;
  GwPfx vpnClientAddressPool[GW_MAX_PREFIXES];
  unsigned n_vpnClientAddressPool;
  unsigned vpnClientProtocols; /* GwP2sProtocol bits */
  GwLoc vpnClientProtocols_loc;
  GwIp radiusServerAddress;
  unsigned vpnAuthenticationTypes; /* GwP2sAuthType bits; 0: Certificate */
  GwLoc vpnAuthenticationTypes_loc;
  GwP2sRootCertificate vpnClientRootCertificates[GW_P2S_MAX_ROOTS];
  unsigned n_vpnClientRootCertificates;
  GwP2sRevokedCertificate vpnClientRevokedCertificates[GW_MAX_NAMES];
  unsigned n_vpnClientRevokedCertificates;
  GwIpsecPolicy vpnClientIpsecPolicies[GW_MAX_POLICIES];
  unsigned n_vpnClientIpsecPolicies;
} GwVpnClientConfiguration;

typedef struct {
  GwStr name;
  GwLoc loc;
  GwStr virtualNetwork;   /* name of a GwVirtualNetwork */
  GwEnum gatewayType;     /* GwGatewayType, default Vpn */
  GwEnum vpnType;         /* GwVpnType, default RouteBased */
  GwStr sku;              /* a row of the SKU catalogue (gw_sku.h) */
  GwEnum vpnGatewayGeneration; /* GwGeneration; unset: the SKU's first generation */
  GwBool activeActive;
  GwBool enableBgp;
  GwBgpSettings bgpSettings;
  /* facts 6: learned and advertised routes of NAT connections translated */
  GwBool enableBgpRouteTranslationForNat;
  GwIp publicIpAddresses[2]; /* one per active instance */
  unsigned n_publicIpAddresses;
  GwNatRule natRules[GW_MAX_NAT_RULES];
  unsigned n_natRules;
  unsigned n_natRules_declared; /* entries the scenario gives (may exceed GW_MAX_NAT_RULES) */
  GwVpnClientConfiguration vpnClientConfiguration;
  /* facts 7.2: an active-active gateway with point-to-site needs a third public IP (runs
   * answer P2S on instance 0's address for now) */
  GwIp p2sPublicIpAddress;
} GwVirtualNetworkGateway;

typedef struct {
  GwStr name;
  GwLoc loc;
  GwIp gatewayIpAddress;
  GwStr fqdn;
  GwPfx addressPrefixes[GW_MAX_PREFIXES];
  unsigned n_addressPrefixes;
  GwBgpSettings bgpSettings;
} GwLocalNetworkGateway;


/* trafficSelectorPolicies entry (facts 3.4). */
typedef struct {
  GwLoc loc;
  GwPfx localAddressRanges[GW_MAX_PREFIXES];
  unsigned n_localAddressRanges;
  GwPfx remoteAddressRanges[GW_MAX_PREFIXES];
  unsigned n_remoteAddressRanges;
} GwTrafficSelectorPolicy;

typedef enum { GW_CONN_IPSEC, GW_CONN_VNET2VNET } GwConnectionType;
typedef enum { GW_IKEV2 = 2, GW_IKEV1 = 1 } GwConnectionProtocol;
typedef enum { GW_MODE_DEFAULT, GW_MODE_INITIATOR_ONLY, GW_MODE_RESPONDER_ONLY } GwConnectionMode;

typedef struct {
  GwStr name;
  GwLoc loc;
  GwEnum connectionType;          /* GwConnectionType, default IPsec */
  GwStr virtualNetworkGateway1;   /* the Azure side */
  GwStr localNetworkGateway2;     /* IPsec */
  GwStr virtualNetworkGateway2;   /* Vnet2Vnet */
  GwEnum connectionProtocol;      /* GwConnectionProtocol, default IKEv2 (facts 3.6) */
  GwStr sharedKey;
  GwBool enableBgp;
  GwBool usePolicyBasedTrafficSelectors;
  GwInt dpdTimeoutSeconds;        /* default 45 (facts 2.5) */
  GwEnum connectionMode;          /* GwConnectionMode, default Default */
  GwIpsecPolicy ipsecPolicies[GW_MAX_POLICIES];
  unsigned n_ipsecPolicies;
  GwTrafficSelectorPolicy trafficSelectorPolicies[GW_MAX_TS_POLICIES];
  unsigned n_trafficSelectorPolicies;
  GwStr ingressNatRules[GW_MAX_NAMES]; /* names of the gateway's natRules */
  unsigned n_ingressNatRules;
  GwStr egressNatRules[GW_MAX_NAMES];
  unsigned n_egressNatRules;
  /* Not an Azure property: the gateway misbehaving on this connection (`impair:`,
   * models/endpoint/ep_impair.h), for vendors and the catalogue's self-test. */
  EpImpairSet impair;
} GwConnection;

/* Scenario options for where the documents disagree (facts 11). Each option is false for
 * the newest source (the default) and true for the other claim. gw_rules.c documents them
 * in gw_options[] (and docs/rules.md). */
typedef enum {
  GW_OPT_GATEWAY_SUBNET_REQUIRE_27, /* /29 only for Basic, others /27+ (settings 02/29/2024) */
  GW_OPT_SHARED_KEY_ALPHANUMERIC,   /* alphanumeric 1-128 (FAQ 08/20/2015) */
  GW_OPT_TUNNEL_LIMITS_2019,        /* VpnGw4/5: 30 tunnels (include 11/12/2019) */
  GW_OPT_BASIC_P2S_IKEV2,           /* Basic supports P2S IKEv2 (from-sstp 09/29/2025) */
  GW_OPT_ASN_16BIT,                 /* 16-bit ASNs only (BGP FAQ include 02/12/2019) */
  GW_OPT_ONPREM_APIPA_REFUSED,      /* on-prem APIPA BGP peer not allowed (02/12/2019) */
  GW_OPT_TS_WITH_DEFAULT_POLICY,    /* policy-based TS with the Default policy (01/12/2023) */
  GW_OPT_OLDER_POLICY_VALUES,       /* DES3/DES IKE encryption, PFS14 (older revisions) */
  GW_OPT_VNET2VNET_IKEV1,           /* VNet-to-VNet over IKEv1 too (FAQ 08/20/2015) */
  GW_OPT_STANDARD_NO_BGP,           /* legacy Standard without BGP (older requirements) */
  GW_OPT_UNPLANNED_FAILOVER_2016,   /* A/S unplanned failover 1-1.5 min (09/24/2016 revision) */
  /* facts 13.1: the original 2015-2025 documents (docs/facts-original-documents.md) */
  GW_OPT_BGP_APIPA_GATEWAY_OPENS,   /* the gateway opens BGP to an APIPA peer too (001) */
  GW_OPT_BGP_HOLD_NEGOTIATED,       /* a device's lower hold time wins (001) */
  GW_OPT_RESERVED_ASNS_ORIGINAL,    /* Azure-reserved public ASNs 8075, 8076, 12076 (002) */
  GW_OPT_NAT_RULES_100,             /* at most 100 NAT rules (001; include 01/23/2024) */
  GW_OPT_BGP_PEER_HOST_ROUTE,       /* the BGP peer's /32 in the LNG prefixes (02/12/2019) */
  GW_OPT_LEGACY_MIGRATION_NON_AZ,   /* Standard to VpnGw1, HighPerformance to VpnGw2 (001) */
  GW_OPT_DEVICE_BEHIND_NAT_REFUSED, /* the device needs a public IP not behind NAT (002-004) */
  GW_OPT_P2S_CLIENT_TO_CLIENT_BLOCKED, /* P2S clients can't reach each other (001) */
  GW_OPT_P2S_FROM_DEVICE_IP_ALL,    /* no P2S from the S2S device's IP, any protocol (001) */
  GW_OPT_PUBLIC_IP_DYNAMIC,         /* dynamic public IP assignment only (002) */
  GW_OPT_N
} GwOptionId;

typedef struct {
  bool other[GW_OPT_N]; /* true: follow the other (older) claim */
  GwLoc loc[GW_OPT_N];
} GwOptions;

/* The cloud section of a scenario. Strings point into storage owned by whoever built it
 * (the loader's string chunk, or literals in tests); the model itself never frees them. */
typedef struct {
  GwVirtualNetwork virtualNetworks[GW_MAX_VNETS];
  unsigned n_virtualNetworks;
  GwVirtualNetworkGateway virtualNetworkGateways[GW_MAX_GATEWAYS];
  unsigned n_virtualNetworkGateways;
  GwLocalNetworkGateway localNetworkGateways[GW_MAX_LOCAL_GATEWAYS];
  unsigned n_localNetworkGateways;
  GwConnection connections[GW_MAX_CONNECTIONS];
  unsigned n_connections;
  GwOptions options;
} GwConfig;

GwConfig *gw_config_new(void);
void gw_config_free(GwConfig *cfg);

/* Look-ups by name (NULL when absent). */
const GwVirtualNetwork *gw_config_find_vnet(const GwConfig *cfg, const char *name);
const GwVirtualNetworkGateway *gw_config_find_gateway(const GwConfig *cfg, const char *name);
const GwLocalNetworkGateway *gw_config_find_local(const GwConfig *cfg, const char *name);
/* The value of a property with its default when unset. */
int gw_enum_or(GwEnum e, int dflt);
bool gw_bool_or(GwBool b, bool dflt);
int64_t gw_int_or(GwInt i, int64_t dflt);

/* Name tables: the ARM spellings of the enum-valued properties (loader, reports). */
extern const NameTable gw_gateway_type_names;
extern const NameTable gw_vpn_type_names;
extern const NameTable gw_generation_names;
extern const NameTable gw_nat_type_names;
extern const NameTable gw_nat_mode_names;
extern const NameTable gw_nat_ipconfig_names;
extern const NameTable gw_p2s_protocol_names;
extern const NameTable gw_p2s_auth_type_names;
extern const NameTable gw_connection_type_names;
extern const NameTable gw_connection_protocol_names;
extern const NameTable gw_connection_mode_names;
