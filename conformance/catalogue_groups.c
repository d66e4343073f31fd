/* SPDX-License-Identifier: MIT */
/* The catalogue's groups, in catalogue order (catalogue.h): the checks table is generated
 * in this order (conformance/gen/gen_catalogue.c links this file too). */
#include "conformance/catalogue.h"

const ConfGroup conf_groups[] = {
    {"IKE", "IKEv2 default proposals, lifetimes and rekeys"},
    {"POL", "Custom IPsec/IKE policies"},
    {"TS", "Traffic selectors"},
    {"CFG", "Connection modes, shared keys and connection resets"},
    {"DPD", "Dead peer detection"},
    {"NATT", "NAT traversal"},
    {"SKU", "SKU limits"},
    {"SKU-PERF", "SKU performance: per-tunnel throughput and packet rate, shared aggregate"},
    {"DATA", "Data plane: MTU, MSS, fragmentation"},
    {"IKEV1", "IKEv1 and policy-based gateways"},
    {"BGP", "BGP"},
    {"NAT", "Gateway NAT rules"},
    {"AA", "Active-active and failover"},
    {"V2V", "VNet-to-VNet"},
    {"MS", "Multi-site"},
    {"P2S", "Point-to-site"},
};
const size_t conf_n_groups = G_N_ELEMENTS(conf_groups);
