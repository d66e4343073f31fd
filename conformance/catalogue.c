/* SPDX-License-Identifier: MIT */
/* The conformance catalogue as one const table (see catalogue.h), and its text, JSON and
 * Markdown forms. Sources: "facts N" is a section of shared azure-vpn-facts.md with the
 * document it cites; "interop N" an item of shared interop-failures.md. */
#include "conformance/catalogue.h"

#include "models/common/json.h"

#include <string.h>

NAME_TABLE(conf_role_names, "device role", {CONF_ROLE_INITIATOR, "initiator"},
           {CONF_ROLE_RESPONDER, "responder"}, {CONF_ROLE_EITHER, "either"});
NAME_TABLE(conf_status_names, "check status", {CONF_ACTIVE, "active"}, {CONF_PENDING, "pending"});

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

/* clang-format off */
const ConfCheck conf_checks[] = {
    {
        .id = "IKE-001",
        .statement = "Default policy, gateway as responder: accepts an IKE_SA_INIT offering only default phase 1 offer 1 (AES256/SHA1, DH group 2)",
        .source = "facts 2.1 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-about-vpn-devices.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/ike-001.yaml"},
    },
    {
        .id = "IKE-002",
        .statement = "Default policy, gateway as responder: accepts an IKE_SA_INIT offering only default phase 1 offer 2 (AES256/SHA256, DH group 2)",
        .source = "facts 2.1 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-about-vpn-devices.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/ike-002.yaml"},
    },
    {
        .id = "IKE-003",
        .statement = "Default policy, gateway as responder: accepts an IKE_SA_INIT offering only default phase 1 offer 3 (AES128/SHA1, DH group 2)",
        .source = "facts 2.1 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-about-vpn-devices.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/ike-003.yaml"},
    },
    {
        .id = "IKE-004",
        .statement = "Default policy, gateway as responder: accepts an IKE_SA_INIT offering only default phase 1 offer 4 (AES128/SHA256, DH group 2)",
        .source = "facts 2.1 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-about-vpn-devices.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/ike-004.yaml"},
    },
    {
        .id = "IKE-005",
        .statement = "Default policy, gateway as responder: accepts an IKE_SA_INIT offering only default phase 1 offer 5 (3DES/SHA1, DH group 2)",
        .source = "facts 2.1 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-about-vpn-devices.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/ike-005.yaml"},
    },
    {
        .id = "IKE-006",
        .statement = "Default policy, gateway as responder: accepts an IKE_SA_INIT offering only default phase 1 offer 6 (3DES/SHA256, DH group 2)",
        .source = "facts 2.1 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-about-vpn-devices.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/ike-006.yaml"},
    },
    {
        .id = "IKE-007",
        .statement = "Default policy, gateway as responder: refuses an IKE_SA_INIT offering only DH group 14 (MODP 2048) with AES256/SHA256, not a documented default (default IKEv2 uses only DH group 2) with NO_PROPOSAL_CHOSEN",
        .source = "facts 2.1 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-about-vpn-devices.md; MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-about-compliance-crypto.md); interop 3",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/ike-007.yaml"},
    },
    {
        .id = "IKE-008",
        .statement = "Default policy, gateway as responder: refuses an IKE_SA_INIT offering only AES256-GCM with PRF SHA384 and ECP384 (the Azure Stack defaults of interop item 3) with NO_PROPOSAL_CHOSEN",
        .source = "facts 2.1 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-about-vpn-devices.md); interop 3",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/ike-008.yaml"},
    },
    {
        .id = "IKE-009",
        .statement = "Default policy, gateway as responder: refuses an IKE_SA_INIT offering only AES256/MD5 with DH group 2 (MD5 is no default phase 1 hash) with NO_PROPOSAL_CHOSEN",
        .source = "facts 2.1 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-about-vpn-devices.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/ike-009.yaml"},
    },
    {
        .id = "IKE-010",
        .statement = "Default policy: the strongSwan 5.9 default IKE proposals (no MODP 1024) are refused with NO_PROPOSAL_CHOSEN; the device needs an explicit DH group 2 proposal",
        .source = "interop 3; facts 2.1 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-about-vpn-devices.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/ike-010.yaml"},
    },
    {
        .id = "IKE-011",
        .statement = "Default policy, gateway as initiator (InitiatorOnly): its IKE_SA_INIT carries default offer 1 (AES256/SHA1/DH2), so a device accepting only that connects",
        .source = "facts 2.1, 2.3 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-about-vpn-devices.md)",
        .role = CONF_ROLE_RESPONDER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/ike-011.yaml"},
    },
    {
        .id = "IKE-012",
        .statement = "Default policy, gateway as initiator: its IKE_SA_INIT also carries default offer 6 (3DES/SHA256/DH2), so a device accepting only the last offer connects",
        .source = "facts 2.1 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-about-vpn-devices.md)",
        .role = CONF_ROLE_RESPONDER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/ike-012.yaml"},
    },
    {
        .id = "IKE-013",
        .statement = "Default policy, gateway as responder: accepts a child SA offering only QM offer 1 (GCM AES256, no PFS) in IKE_AUTH",
        .source = "facts 2.4 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-about-vpn-devices.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/ike-013.yaml"},
    },
    {
        .id = "IKE-014",
        .statement = "Default policy, gateway as responder: accepts a child SA offering only QM offer 2 (AES256/SHA1, no PFS) in IKE_AUTH",
        .source = "facts 2.4 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-about-vpn-devices.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/ike-014.yaml"},
    },
    {
        .id = "IKE-015",
        .statement = "Default policy, gateway as responder: accepts a child SA offering only QM offer 4 (AES256/SHA256, no PFS) in IKE_AUTH",
        .source = "facts 2.4 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-about-vpn-devices.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/ike-015.yaml"},
    },
    {
        .id = "IKE-016",
        .statement = "Default policy, gateway as responder: accepts a child SA offering only QM offer 5 (AES128/SHA1, no PFS) in IKE_AUTH",
        .source = "facts 2.4 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-about-vpn-devices.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/ike-016.yaml"},
    },
    {
        .id = "IKE-017",
        .statement = "Default policy, gateway as responder: accepts a child SA offering only QM offer 6 (3DES/SHA256, no PFS) in IKE_AUTH",
        .source = "facts 2.4 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-about-vpn-devices.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/ike-017.yaml"},
    },
    {
        .id = "IKE-018",
        .statement = "Default policy, gateway as responder: accepts a child SA offering only QM offer 7 (DES/SHA1, no PFS) in IKE_AUTH",
        .source = "facts 2.4 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-about-vpn-devices.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/ike-018.yaml"},
    },
    {
        .id = "IKE-019",
        .statement = "Default policy, gateway as responder: accepts a child SA offering only QM offer 22 (AES128/SHA256, no PFS) in IKE_AUTH",
        .source = "facts 2.4 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-about-vpn-devices.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/ike-019.yaml"},
    },
    {
        .id = "IKE-020",
        .statement = "Default policy, gateway as responder: refuses a child SA offering only AES192/SHA256 (no documented QM offer) with NO_PROPOSAL_CHOSEN in IKE_AUTH",
        .source = "facts 2.4 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-about-vpn-devices.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/ike-020.yaml"},
    },
    {
        .id = "IKE-021",
        .statement = "Default policy, gateway as responder: refuses a child SA offering only AES128-GCM (no documented QM offer) with NO_PROPOSAL_CHOSEN in IKE_AUTH",
        .source = "facts 2.4 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-about-vpn-devices.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/ike-021.yaml"},
    },
    {
        .id = "IKE-022",
        .statement = "Default policy, gateway as responder: accepts a CREATE_CHILD_SA rekey with PFS group 14 (QM offer 19, AES256/SHA256/PFS 14)",
        .source = "facts 2.4 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-about-vpn-devices.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/ike-022.yaml"},
    },
    {
        .id = "IKE-023",
        .statement = "PFS mismatch shows only at rekey: a device whose child proposal demands PFS ECP384 (not accepted by default) sets up in IKE_AUTH, then its CREATE_CHILD_SA rekey is refused with NO_PROPOSAL_CHOSEN",
        .source = "interop 4; facts 2.4 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-about-vpn-devices.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/ike-023.yaml"},
    },
    {
        .id = "IKE-024",
        .statement = "Default policy, gateway as initiator: it never proposes PFS, so its CREATE_CHILD_SA rekey is refused by a device that demands PFS group 14 (NO_PROPOSAL_CHOSEN hours after a good setup)",
        .source = "interop 4; facts 2.3 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-about-vpn-devices.md)",
        .role = CONF_ROLE_RESPONDER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/ike-024.yaml"},
    },
    {
        .id = "IKE-025",
        .statement = "The gateway's IKE SA lifetime is 28,800 s whatever the device says: with a device IKE lifetime of 86,400 s the IKE SA is rekeyed in place by 28,800 s and the tunnel stays up",
        .source = "facts 2.1 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-about-vpn-devices.md; MicrosoftDocs/azure-docs: includes/vpn-gateway-ipsec-ike-requirements-include.md); interop 5",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/ike-025.yaml"},
    },
    {
        .id = "IKE-026",
        .statement = "The gateway's child SA lifetime is 27,000 s: with a device child lifetime of 8 h the gateway rekeys the child SA by 27,000 s, in place",
        .source = "facts 2.2 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-about-vpn-devices.md)",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/ike-026.yaml"},
    },
    {
        .id = "IKE-027",
        .statement = "IKEv2 rekeys in place: a device-initiated IKE SA rekey every 300 s loses no ping and never takes the tunnel down",
        .source = "facts 10 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-vpn-faq.md); interop 15",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/ike-027.yaml"},
        .matrix = true,
    },
    {
        .id = "IKE-028",
        .statement = "Rekey collision: when the device and the gateway rekey the child SA at the same moment, one pair survives and traffic keeps flowing (RFC 7296 2.8.1)",
        .source = "interop 15 (strongswan/strongswan src/libcharon/tests/suites/test_child_rekey.c collisions)",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/ike-028.yaml"},
    },
    {
        .id = "IKE-029",
        .statement = "After the underlay fails longer than the DPD timeout, the tunnel goes down and IKE renegotiates both the IKE and the child SA once the link is back",
        .source = "facts 10 (MicrosoftDocs/azure-docs: articles/reliability/reliability-virtual-network-gateway.md); interop 15",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/ike-029.yaml"},
        .matrix = true,
    },
    {
        .id = "IKE-030",
        .statement = "Rekeys may come from either side whatever the connection mode: on an InitiatorOnly connection (the gateway began the IKE SA) the device's CREATE_CHILD_SA rekey with PFS group 2 is accepted (QM responder offer 18, AES256/SHA256/PFS 2)",
        .source = "facts 3.5, 2.4 (MicrosoftDocs/azure-docs: includes/vpn-gateway-connection-mode-include.md; MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-about-vpn-devices.md)",
        .role = CONF_ROLE_RESPONDER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/ike-030.yaml"},
    },
    {
        .id = "POL-001",
        .statement = "Custom policy with ikeEncryption GCMAES256 (an AEAD cipher: no integrity transform is negotiated): a device offering exactly that policy connects, passes traffic and rekeys its child SA with the policy's PFS group",
        .source = "facts 3.1, 3.2 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-vpn-faq.md; MicrosoftDocs/azure-docs: includes/vpn-gateway-ipsec-ike-algorithm-include.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/pol-001.yaml"},
        .matrix = true,
    },
    {
        .id = "POL-002",
        .statement = "Custom policy with ikeEncryption GCMAES128 (an AEAD cipher: no integrity transform is negotiated): a device offering exactly that policy connects, passes traffic and rekeys its child SA with the policy's PFS group",
        .source = "facts 3.1, 3.2 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-vpn-faq.md; MicrosoftDocs/azure-docs: includes/vpn-gateway-ipsec-ike-algorithm-include.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/pol-002.yaml"},
        .matrix = true,
    },
    {
        .id = "POL-003",
        .statement = "Custom policy with ikeEncryption AES256: a device offering exactly that policy connects, passes traffic and rekeys its child SA with the policy's PFS group",
        .source = "facts 3.1, 3.2 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-vpn-faq.md; MicrosoftDocs/azure-docs: includes/vpn-gateway-ipsec-ike-algorithm-include.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/pol-003.yaml"},
        .matrix = true,
    },
    {
        .id = "POL-004",
        .statement = "Custom policy with ikeEncryption AES192: a device offering exactly that policy connects, passes traffic and rekeys its child SA with the policy's PFS group",
        .source = "facts 3.1, 3.2 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-vpn-faq.md; MicrosoftDocs/azure-docs: includes/vpn-gateway-ipsec-ike-algorithm-include.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/pol-004.yaml"},
        .matrix = true,
    },
    {
        .id = "POL-005",
        .statement = "Custom policy with ikeEncryption AES128: a device offering exactly that policy connects, passes traffic and rekeys its child SA with the policy's PFS group",
        .source = "facts 3.1, 3.2 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-vpn-faq.md; MicrosoftDocs/azure-docs: includes/vpn-gateway-ipsec-ike-algorithm-include.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/pol-005.yaml"},
        .matrix = true,
    },
    {
        .id = "POL-006",
        .statement = "Custom policy with ikeIntegrity SHA384: a device offering exactly that policy connects, passes traffic and rekeys its child SA with the policy's PFS group",
        .source = "facts 3.1, 3.2 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-vpn-faq.md; MicrosoftDocs/azure-docs: includes/vpn-gateway-ipsec-ike-algorithm-include.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/pol-006.yaml"},
        .matrix = true,
    },
    {
        .id = "POL-007",
        .statement = "Custom policy with ikeIntegrity SHA256: a device offering exactly that policy connects, passes traffic and rekeys its child SA with the policy's PFS group",
        .source = "facts 3.1, 3.2 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-vpn-faq.md; MicrosoftDocs/azure-docs: includes/vpn-gateway-ipsec-ike-algorithm-include.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/pol-007.yaml"},
        .matrix = true,
    },
    {
        .id = "POL-008",
        .statement = "Custom policy with ikeIntegrity SHA1: a device offering exactly that policy connects, passes traffic and rekeys its child SA with the policy's PFS group",
        .source = "facts 3.1, 3.2 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-vpn-faq.md; MicrosoftDocs/azure-docs: includes/vpn-gateway-ipsec-ike-algorithm-include.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/pol-008.yaml"},
        .matrix = true,
    },
    {
        .id = "POL-009",
        .statement = "Custom policy with ikeIntegrity MD5: a device offering exactly that policy connects, passes traffic and rekeys its child SA with the policy's PFS group",
        .source = "facts 3.1, 3.2 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-vpn-faq.md; MicrosoftDocs/azure-docs: includes/vpn-gateway-ipsec-ike-algorithm-include.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/pol-009.yaml"},
        .matrix = true,
    },
    {
        .id = "POL-010",
        .statement = "Custom policy with dhGroup DHGroup24: a device offering exactly that policy connects, passes traffic and rekeys its child SA with the policy's PFS group",
        .source = "facts 3.1, 3.2 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-vpn-faq.md; MicrosoftDocs/azure-docs: includes/vpn-gateway-ipsec-ike-algorithm-include.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/pol-010.yaml"},
        .matrix = true,
    },
    {
        .id = "POL-011",
        .statement = "Custom policy with dhGroup ECP384: a device offering exactly that policy connects, passes traffic and rekeys its child SA with the policy's PFS group",
        .source = "facts 3.1, 3.2 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-vpn-faq.md; MicrosoftDocs/azure-docs: includes/vpn-gateway-ipsec-ike-algorithm-include.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/pol-011.yaml"},
        .matrix = true,
    },
    {
        .id = "POL-012",
        .statement = "Custom policy with dhGroup ECP256: a device offering exactly that policy connects, passes traffic and rekeys its child SA with the policy's PFS group",
        .source = "facts 3.1, 3.2 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-vpn-faq.md; MicrosoftDocs/azure-docs: includes/vpn-gateway-ipsec-ike-algorithm-include.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/pol-012.yaml"},
        .matrix = true,
    },
    {
        .id = "POL-013",
        .statement = "Custom policy with dhGroup DHGroup14: a device offering exactly that policy connects, passes traffic and rekeys its child SA with the policy's PFS group",
        .source = "facts 3.1, 3.2 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-vpn-faq.md; MicrosoftDocs/azure-docs: includes/vpn-gateway-ipsec-ike-algorithm-include.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/pol-013.yaml"},
        .matrix = true,
    },
    {
        .id = "POL-014",
        .statement = "Custom policy with dhGroup DHGroup2048: a device offering exactly that policy connects, passes traffic and rekeys its child SA with the policy's PFS group",
        .source = "facts 3.1, 3.2 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-vpn-faq.md; MicrosoftDocs/azure-docs: includes/vpn-gateway-ipsec-ike-algorithm-include.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/pol-014.yaml"},
        .matrix = true,
    },
    {
        .id = "POL-015",
        .statement = "Custom policy with dhGroup DHGroup2: a device offering exactly that policy connects, passes traffic and rekeys its child SA with the policy's PFS group",
        .source = "facts 3.1, 3.2 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-vpn-faq.md; MicrosoftDocs/azure-docs: includes/vpn-gateway-ipsec-ike-algorithm-include.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/pol-015.yaml"},
        .matrix = true,
    },
    {
        .id = "POL-016",
        .statement = "Custom policy with dhGroup DHGroup1: a device offering exactly that policy connects, passes traffic and rekeys its child SA with the policy's PFS group",
        .source = "facts 3.1, 3.2 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-vpn-faq.md; MicrosoftDocs/azure-docs: includes/vpn-gateway-ipsec-ike-algorithm-include.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/pol-016.yaml"},
        .matrix = true,
    },
    {
        .id = "POL-017",
        .statement = "Custom policy with ipsecEncryption GCMAES256 (and ipsecIntegrity GCMAES256): a device offering exactly that policy connects, passes traffic and rekeys its child SA with the policy's PFS group",
        .source = "facts 3.1, 3.2 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-vpn-faq.md; MicrosoftDocs/azure-docs: includes/vpn-gateway-ipsec-ike-algorithm-include.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/pol-017.yaml"},
        .matrix = true,
    },
    {
        .id = "POL-018",
        .statement = "Custom policy with ipsecEncryption GCMAES192 (and ipsecIntegrity GCMAES192): a device offering exactly that policy connects, passes traffic and rekeys its child SA with the policy's PFS group",
        .source = "facts 3.1, 3.2 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-vpn-faq.md; MicrosoftDocs/azure-docs: includes/vpn-gateway-ipsec-ike-algorithm-include.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/pol-018.yaml"},
        .matrix = true,
    },
    {
        .id = "POL-019",
        .statement = "Custom policy with ipsecEncryption GCMAES128 (and ipsecIntegrity GCMAES128): a device offering exactly that policy connects, passes traffic and rekeys its child SA with the policy's PFS group",
        .source = "facts 3.1, 3.2 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-vpn-faq.md; MicrosoftDocs/azure-docs: includes/vpn-gateway-ipsec-ike-algorithm-include.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/pol-019.yaml"},
        .matrix = true,
    },
    {
        .id = "POL-020",
        .statement = "Custom policy with ipsecEncryption AES256: a device offering exactly that policy connects, passes traffic and rekeys its child SA with the policy's PFS group",
        .source = "facts 3.1, 3.2 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-vpn-faq.md; MicrosoftDocs/azure-docs: includes/vpn-gateway-ipsec-ike-algorithm-include.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/pol-020.yaml"},
        .matrix = true,
    },
    {
        .id = "POL-021",
        .statement = "Custom policy with ipsecEncryption AES192: a device offering exactly that policy connects, passes traffic and rekeys its child SA with the policy's PFS group",
        .source = "facts 3.1, 3.2 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-vpn-faq.md; MicrosoftDocs/azure-docs: includes/vpn-gateway-ipsec-ike-algorithm-include.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/pol-021.yaml"},
        .matrix = true,
    },
    {
        .id = "POL-022",
        .statement = "Custom policy with ipsecEncryption AES128: a device offering exactly that policy connects, passes traffic and rekeys its child SA with the policy's PFS group",
        .source = "facts 3.1, 3.2 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-vpn-faq.md; MicrosoftDocs/azure-docs: includes/vpn-gateway-ipsec-ike-algorithm-include.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/pol-022.yaml"},
        .matrix = true,
    },
    {
        .id = "POL-023",
        .statement = "Custom policy with ipsecEncryption DES3: a device offering exactly that policy connects, passes traffic and rekeys its child SA with the policy's PFS group",
        .source = "facts 3.1, 3.2 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-vpn-faq.md; MicrosoftDocs/azure-docs: includes/vpn-gateway-ipsec-ike-algorithm-include.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/pol-023.yaml"},
        .matrix = true,
    },
    {
        .id = "POL-024",
        .statement = "Custom policy with ipsecEncryption DES: a device offering exactly that policy connects, passes traffic and rekeys its child SA with the policy's PFS group",
        .source = "facts 3.1, 3.2 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-vpn-faq.md; MicrosoftDocs/azure-docs: includes/vpn-gateway-ipsec-ike-algorithm-include.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/pol-024.yaml"},
        .matrix = true,
    },
    {
        .id = "POL-025",
        .statement = "Custom policy with ipsecEncryption None: a device offering exactly that policy connects, passes traffic and rekeys its child SA with the policy's PFS group",
        .source = "facts 3.1, 3.2 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-vpn-faq.md; MicrosoftDocs/azure-docs: includes/vpn-gateway-ipsec-ike-algorithm-include.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/pol-025.yaml"},
        .matrix = true,
    },
    {
        .id = "POL-026",
        .statement = "Custom policy with ipsecIntegrity SHA256: a device offering exactly that policy connects, passes traffic and rekeys its child SA with the policy's PFS group",
        .source = "facts 3.1, 3.2 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-vpn-faq.md; MicrosoftDocs/azure-docs: includes/vpn-gateway-ipsec-ike-algorithm-include.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/pol-026.yaml"},
        .matrix = true,
    },
    {
        .id = "POL-027",
        .statement = "Custom policy with ipsecIntegrity SHA1: a device offering exactly that policy connects, passes traffic and rekeys its child SA with the policy's PFS group",
        .source = "facts 3.1, 3.2 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-vpn-faq.md; MicrosoftDocs/azure-docs: includes/vpn-gateway-ipsec-ike-algorithm-include.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/pol-027.yaml"},
        .matrix = true,
    },
    {
        .id = "POL-028",
        .statement = "Custom policy with ipsecIntegrity MD5: a device offering exactly that policy connects, passes traffic and rekeys its child SA with the policy's PFS group",
        .source = "facts 3.1, 3.2 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-vpn-faq.md; MicrosoftDocs/azure-docs: includes/vpn-gateway-ipsec-ike-algorithm-include.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/pol-028.yaml"},
        .matrix = true,
    },
    {
        .id = "POL-029",
        .statement = "Custom policy with pfsGroup PFS24: a device offering exactly that policy connects, passes traffic and rekeys its child SA with the policy's PFS group",
        .source = "facts 3.1, 3.2 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-vpn-faq.md; MicrosoftDocs/azure-docs: includes/vpn-gateway-ipsec-ike-algorithm-include.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/pol-029.yaml"},
        .matrix = true,
    },
    {
        .id = "POL-030",
        .statement = "Custom policy with pfsGroup ECP384: a device offering exactly that policy connects, passes traffic and rekeys its child SA with the policy's PFS group",
        .source = "facts 3.1, 3.2 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-vpn-faq.md; MicrosoftDocs/azure-docs: includes/vpn-gateway-ipsec-ike-algorithm-include.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/pol-030.yaml"},
        .matrix = true,
    },
    {
        .id = "POL-031",
        .statement = "Custom policy with pfsGroup ECP256: a device offering exactly that policy connects, passes traffic and rekeys its child SA with the policy's PFS group",
        .source = "facts 3.1, 3.2 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-vpn-faq.md; MicrosoftDocs/azure-docs: includes/vpn-gateway-ipsec-ike-algorithm-include.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/pol-031.yaml"},
        .matrix = true,
    },
    {
        .id = "POL-032",
        .statement = "Custom policy with pfsGroup PFS2048: a device offering exactly that policy connects, passes traffic and rekeys its child SA with the policy's PFS group",
        .source = "facts 3.1, 3.2 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-vpn-faq.md; MicrosoftDocs/azure-docs: includes/vpn-gateway-ipsec-ike-algorithm-include.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/pol-032.yaml"},
        .matrix = true,
    },
    {
        .id = "POL-033",
        .statement = "Custom policy with pfsGroup PFS2: a device offering exactly that policy connects, passes traffic and rekeys its child SA with the policy's PFS group",
        .source = "facts 3.1, 3.2 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-vpn-faq.md; MicrosoftDocs/azure-docs: includes/vpn-gateway-ipsec-ike-algorithm-include.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/pol-033.yaml"},
        .matrix = true,
    },
    {
        .id = "POL-034",
        .statement = "Custom policy with pfsGroup PFS1: a device offering exactly that policy connects, passes traffic and rekeys its child SA with the policy's PFS group",
        .source = "facts 3.1, 3.2 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-vpn-faq.md; MicrosoftDocs/azure-docs: includes/vpn-gateway-ipsec-ike-algorithm-include.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/pol-034.yaml"},
        .matrix = true,
    },
    {
        .id = "POL-035",
        .statement = "Custom policy with pfsGroup None: a device offering exactly that policy connects, passes traffic and rekeys its child SA with the policy's PFS group",
        .source = "facts 3.1, 3.2 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-vpn-faq.md; MicrosoftDocs/azure-docs: includes/vpn-gateway-ipsec-ike-algorithm-include.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/pol-035.yaml"},
        .matrix = true,
    },
    {
        .id = "POL-036",
        .statement = "DHGroup2048 is IANA group 14 (MODP 2048), not the RFC 5114 group 24: with dhGroup DHGroup2048 a device offering only group 24 is refused with NO_PROPOSAL_CHOSEN",
        .source = "facts 3.2 (MicrosoftDocs/azure-docs: includes/vpn-gateway-ipsec-ike-diffie-hellman-include.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/pol-036.yaml"},
    },
    {
        .id = "POL-037",
        .statement = "PFS2048 is IANA group 14, not group 24: with pfsGroup PFS2048 a device rekeying with PFS group 24 is refused with NO_PROPOSAL_CHOSEN in CREATE_CHILD_SA",
        .source = "facts 3.2 (MicrosoftDocs/azure-docs: includes/vpn-gateway-ipsec-ike-diffie-hellman-include.md); interop 4",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/pol-037.yaml"},
    },
    {
        .id = "POL-038",
        .statement = "With a custom policy the gateway uses only that policy as responder: a device offering default offer 1 (AES256/SHA1/DH2) is refused with NO_PROPOSAL_CHOSEN",
        .source = "facts 3.3 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-vpn-faq.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/pol-038.yaml"},
    },
    {
        .id = "POL-039",
        .statement = "With a custom policy the gateway uses only that policy as initiator too (InitiatorOnly): a device accepting exactly the policy connects",
        .source = "facts 3.3 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-vpn-faq.md)",
        .role = CONF_ROLE_RESPONDER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/pol-039.yaml"},
        .matrix = true,
    },
    {
        .id = "POL-040",
        .statement = "With a custom policy, as initiator the gateway offers nothing else: a device accepting only the default proposals answers its IKE_SA_INIT with NO_PROPOSAL_CHOSEN",
        .source = "facts 3.3 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-vpn-faq.md)",
        .role = CONF_ROLE_RESPONDER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/pol-040.yaml"},
    },
    {
        .id = "POL-041",
        .statement = "SA lifetimes are local and need not match: a gateway saLifeTimeSeconds of 3,600 s against a device child lifetime of 8 h connects and is rekeyed in place by the gateway",
        .source = "facts 3.3 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-vpn-faq.md); interop 5",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/pol-041.yaml"},
    },
    {
        .id = "POL-042",
        .statement = "Adding a custom policy tears the connection down and restarts IKE: after setPolicy the tunnel comes back with a new IKE SA negotiated under the new policy",
        .source = "facts 3.3 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-vpn-faq.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/pol-042.yaml"},
    },
    {
        .id = "POL-043",
        .statement = "Removing the custom policy restores the default proposals and restarts IKE: the device's default offer connects again after setPolicy default",
        .source = "facts 2.5, 3.3 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-vpn-faq.md; MicrosoftDocs/azure-docs: articles/vpn-gateway/ipsec-ike-policy-howto.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/pol-043.yaml"},
    },
    {
        .id = "POL-044",
        .statement = "GCM pairing: ipsecEncryption GCMAES256 with ipsecIntegrity SHA256 is refused by the configuration API (GW-POL-003)",
        .source = "facts 3.3 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-vpn-faq.md)",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/pol-044.yaml"},
    },
    {
        .id = "POL-045",
        .statement = "GCM pairing: ipsecEncryption GCMAES256 with ipsecIntegrity GCMAES128 (another key length) is refused (GW-POL-003)",
        .source = "facts 3.3 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-vpn-faq.md)",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/pol-045.yaml"},
    },
    {
        .id = "POL-046",
        .statement = "The older PFS14 name is refused; the current name of group 14 is PFS2048 (GW-POL-006)",
        .source = "facts 3.2 (MicrosoftDocs/azure-docs: includes/vpn-gateway-ipsec-ike-diffie-hellman-include.md; older MicrosoftDocs/azure-docs: includes/vpn-gateway-faq-ipsecikepolicy-include.md)",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/pol-046.yaml"},
    },
    {
        .id = "POL-047",
        .statement = "saLifeTimeSeconds below 300 is refused (GW-POL-004)",
        .source = "facts 3.1 (MicrosoftDocs/azure-docs: includes/vpn-gateway-ipsec-ike-algorithm-include.md)",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/pol-047.yaml"},
    },
    {
        .id = "POL-048",
        .statement = "saDataSizeKilobytes below 1,024 is refused (GW-POL-005)",
        .source = "facts 3.1 (MicrosoftDocs/azure-docs: includes/vpn-gateway-ipsec-ike-algorithm-include.md)",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/pol-048.yaml"},
    },
    {
        .id = "POL-049",
        .statement = "No partial policy: a custom policy without pfsGroup is refused (GW-POL-002)",
        .source = "facts 3.3 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-vpn-faq.md)",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/pol-049.yaml"},
    },
    {
        .id = "POL-050",
        .statement = "Custom policy with saDataSizeKilobytes 1,024 (the minimum): the volume lifetime rekeys the child SA in place like the time one; a 10 MB UDP flow makes the gateway rekey with the policy's PFS group about every 900 KB, without losing a datagram or taking the tunnel down",
        .source = "facts 3.1, 3.3 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-vpn-faq.md; MicrosoftDocs/azure-docs: includes/vpn-gateway-ipsec-ike-algorithm-include.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/pol-050.yaml"},
    },
    {
        .id = "TS-001",
        .statement = "Route-based gateway: any-to-any traffic selectors (0.0.0.0/0 both ways) are accepted and carry traffic between every VNet and on-premises prefix",
        .source = "facts 4 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-connect-multiple-policybased-rm-ps.md); interop 1",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/ts-001.yaml"},
        .matrix = true,
    },
    {
        .id = "TS-002",
        .statement = "Route-based gateway without usePolicyBasedTrafficSelectors: a device proposing specific prefixes instead of any-to-any fails phase 2 (TS_UNACCEPTABLE, no child SA)",
        .source = "interop 1 (MicrosoftDocs/azure-docs issue #17516)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/ts-002.yaml"},
    },
    {
        .id = "TS-003",
        .statement = "usePolicyBasedTrafficSelectors with a complete custom policy: a device proposing its prefix pair (192.168.1.0/24 <-> 10.1.0.0/16) gets a child SA and passes traffic",
        .source = "facts 3.4 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-vpn-faq.md); interop 1",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/ts-003.yaml"},
        .matrix = true,
    },
    {
        .id = "TS-004",
        .statement = "Policy-based selectors, 2 on-premises x 2 VNet prefixes: one child SA per prefix pair, four in all, each carrying its own traffic",
        .source = "facts 3.4 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-vpn-faq.md); interop 2",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/ts-004.yaml"},
    },
    {
        .id = "TS-005",
        .statement = "As responder the gateway accepts whatever selectors the device proposes, irrespective of its trafficSelectorPolicies",
        .source = "facts 3.4 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-vpn-faq.md; MicrosoftDocs/azure-docs: articles/vpn-gateway/custom-traffic-selectors.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/ts-005.yaml"},
    },
    {
        .id = "TS-006",
        .statement = "trafficSelectorPolicies are proposed when the gateway initiates: a device whose selectors are exactly the configured ranges accepts the gateway's CREATE of the child SA",
        .source = "facts 3.4 (MicrosoftDocs/azure-docs: articles/vpn-gateway/custom-traffic-selectors.md)",
        .role = CONF_ROLE_RESPONDER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/ts-006.yaml"},
    },
    {
        .id = "TS-007",
        .statement = "trafficSelectorPolicies on separate lines: only the first line's child SA is created at tunnel-up; the second is created on demand when its traffic arrives",
        .source = "facts 3.4 (MicrosoftDocs/azure-docs: articles/vpn-gateway/custom-traffic-selectors.md)",
        .role = CONF_ROLE_RESPONDER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/ts-007.yaml"},
    },
    {
        .id = "TS-008",
        .statement = "usePolicyBasedTrafficSelectors with the Default policy is refused: a complete custom policy is required (GW-CON-002; newest source)",
        .source = "facts 3.4, 11 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-connect-multiple-policybased-rm-ps.md)",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/ts-008.yaml"},
    },
    {
        .id = "TS-009",
        .statement = "Ranges on one trafficSelectorPolicies line make one child SA covering all of them: the gateway proposes both remote ranges in one TSr and traffic to both passes over that one SA pair from the first packet",
        .source = "facts 3.4 (MicrosoftDocs/azure-docs: articles/vpn-gateway/custom-traffic-selectors.md)",
        .role = CONF_ROLE_RESPONDER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/ts-009.yaml"},
    },
    {
        .id = "CFG-001",
        .statement = "connectionMode Default: the gateway accepts the device's IKE_SA_INIT (accept and dial, whichever connects first)",
        .source = "facts 3.5 (MicrosoftDocs/azure-docs: includes/vpn-gateway-connection-mode-include.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/cfg-001.yaml"},
        .matrix = true,
    },
    {
        .id = "CFG-002",
        .statement = "connectionMode Default: the gateway dials a device that only responds",
        .source = "facts 3.5 (MicrosoftDocs/azure-docs: includes/vpn-gateway-connection-mode-include.md)",
        .role = CONF_ROLE_RESPONDER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/cfg-002.yaml"},
        .matrix = true,
    },
    {
        .id = "CFG-003",
        .statement = "connectionMode InitiatorOnly: the gateway initiates the first IKE SA to a device that only responds",
        .source = "facts 3.5 (MicrosoftDocs/azure-docs: includes/vpn-gateway-connection-mode-include.md)",
        .role = CONF_ROLE_RESPONDER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/cfg-003.yaml"},
        .matrix = true,
    },
    {
        .id = "CFG-004",
        .statement = "connectionMode ResponderOnly: the gateway never initiates, so a device that only responds never gets a tunnel (no IKE_SA_INIT at all)",
        .source = "facts 3.5 (MicrosoftDocs/azure-docs: includes/vpn-gateway-connection-mode-include.md); interop 14",
        .role = CONF_ROLE_RESPONDER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/cfg-004.yaml"},
    },
    {
        .id = "CFG-005",
        .statement = "connectionMode ResponderOnly: the device's IKE_SA_INIT is answered and the tunnel comes up",
        .source = "facts 3.5 (MicrosoftDocs/azure-docs: includes/vpn-gateway-connection-mode-include.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/cfg-005.yaml"},
        .matrix = true,
    },
    {
        .id = "CFG-006",
        .statement = "connectionMode affects only the initial IKE SA: a ResponderOnly gateway still initiates its own child SA rekeys (saLifeTimeSeconds 300)",
        .source = "facts 3.5 (MicrosoftDocs/azure-docs: includes/vpn-gateway-connection-mode-include.md); interop 14",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/cfg-006.yaml"},
    },
    {
        .id = "CFG-007",
        .statement = "connectionMode InitiatorOnly on an IKEv1 connection is refused (GW-CON-005)",
        .source = "facts 3.5 (MicrosoftDocs/azure-docs: includes/vpn-gateway-connection-mode-include.md)",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/cfg-007.yaml"},
    },
    {
        .id = "CFG-008",
        .statement = "Pre-shared keys must match: a device with another key is refused with AUTHENTICATION_FAILED in IKE_AUTH",
        .source = "facts 9.2 (MicrosoftDocs/azure-docs: articles/vpn-gateway/reset-gateway.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/cfg-008.yaml"},
    },
    {
        .id = "CFG-009",
        .statement = "A shared key with a hyphen is refused by the configuration API (GW-PSK-001)",
        .source = "facts 9.2 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-vpn-faq.md)",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/cfg-009.yaml"},
    },
    {
        .id = "CFG-010",
        .statement = "A shared key using printable ASCII punctuation (no space, '-' or '~') is accepted and authenticates",
        .source = "facts 9.2 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-vpn-faq.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/cfg-010.yaml"},
    },
    {
        .id = "CFG-011",
        .statement = "resetConnection resets only that connection: the tunnel goes down and comes back with new SAs",
        .source = "facts 8 (MicrosoftDocs/azure-docs: articles/vpn-gateway/reset-gateway.md)",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/cfg-011.yaml"},
    },
    {
        .id = "DPD-001",
        .statement = "dpdTimeoutSeconds 9 (the lower edge) is accepted; after the device goes silent the gateway declares the peer dead no sooner than 9 s and within 20 s",
        .source = "facts 2.5, 3.1 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-vpn-faq.md); interop 14",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/dpd-001.yaml"},
    },
    {
        .id = "DPD-002",
        .statement = "dpdTimeoutSeconds 3600 (the upper edge) is accepted; after the device goes silent the gateway declares the peer dead no sooner than 3600 s and within 3670 s",
        .source = "facts 2.5, 3.1 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-vpn-faq.md); interop 14",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/dpd-002.yaml"},
    },
    {
        .id = "DPD-003",
        .statement = "The default DPD timeout is 45 s: the gateway keeps the tunnel 45 s after the device goes silent and declares it dead within 60 s",
        .source = "facts 2.5 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-vpn-faq.md); interop 14",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/dpd-003.yaml"},
    },
    {
        .id = "DPD-004",
        .statement = "dpdTimeoutSeconds 8 (below the minimum 9) is refused (GW-CON-001)",
        .source = "facts 3.1 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-vpn-faq.md)",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/dpd-004.yaml"},
    },
    {
        .id = "DPD-005",
        .statement = "dpdTimeoutSeconds 3601 (above the maximum 3,600) is refused (GW-CON-001)",
        .source = "facts 3.1 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-vpn-faq.md)",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/dpd-005.yaml"},
    },
    {
        .id = "DPD-006",
        .statement = "The gateway answers the device's DPD probes (empty INFORMATIONAL) and keeps the tunnel up while the peer is alive",
        .source = "facts 2.2, 2.5 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-about-vpn-devices.md; MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-vpn-faq.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/dpd-006.yaml"},
        .matrix = true,
    },
    {
        .id = "DPD-007",
        .statement = "A route-based tunnel is not torn down when idle: no traffic for 10 minutes, and the tunnel is still connected with no tunnel.down",
        .source = "facts 4 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-vpn-faq.md); interop 14",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/dpd-007.yaml"},
        .matrix = true,
    },
    {
        .id = "NATT-001",
        .statement = "A device behind a NAPT box initiates: NAT is detected, IKE moves to UDP 4500, ESP is UDP-encapsulated and traffic passes",
        .source = "facts 2.5 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-vpn-faq.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/natt-001.yaml"},
        .matrix = true,
    },
    {
        .id = "NATT-002",
        .statement = "Identity behind NAT: a device whose IKE ID is its private address, while the local network gateway has the public one, fails authentication (AUTHENTICATION_FAILED)",
        .source = "interop 9 (libreswan/libreswan issue #503; MicrosoftDocs/azure-docs issue #31240)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/natt-002.yaml"},
    },
    {
        .id = "NATT-003",
        .statement = "The gateway does no NAT on inner packets: behind a one-to-one NAT the device's LAN addresses reach the VNet unchanged, both ways",
        .source = "facts 2.5 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-vpn-faq.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/natt-003.yaml"},
        .matrix = true,
    },
    {
        .id = "NATT-004",
        .statement = "Behind NAT the device should initiate: a device that only responds behind a NAPT box is unreachable for the gateway and never gets a tunnel",
        .source = "facts 2.5 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-vpn-faq.md)",
        .role = CONF_ROLE_RESPONDER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/natt-004.yaml"},
    },
    {
        .id = "NATT-005",
        .statement = "NAT-T keepalives keep the NAT mapping alive: with a 9 s NAT timeout (shorter than the gateway's 10 s DPD interval, so nothing else refreshes it) and 5 s keepalives, the gateway receives the keepalives and traffic from the VNet still reaches the device after 5 idle minutes",
        .source = "facts 2.5 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-vpn-faq.md); RFC 3948 4",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/natt-005.yaml"},
    },
    {
        .id = "NATT-006",
        .statement = "NAT rebinding, ESP: when the device's NAT gives its mapping a new port, the gateway follows the first authenticated ESP packet from it (RFC 7296 2.23): its replies go to the new port and traffic passes with at most one packet lost",
        .source = "facts 2.5 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-vpn-faq.md); RFC 7296 2.23",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/natt-006.yaml"},
    },
    {
        .id = "NATT-007",
        .statement = "NAT rebinding, IKE: after the device's NAT gives its mapping a new port, the device's DPD request from it moves not only the gateway's IKE answers but its ESP too: traffic from the VNet reaches the device again (no one-way black hole)",
        .source = "facts 2.5 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-vpn-faq.md); RFC 7296 2.23",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/natt-007.yaml"},
    },
    {
        .id = "SKU-001",
        .statement = "Basic takes 10 S2S tunnels: a configuration with 11 connections is refused (GW-SKU-009)",
        .source = "facts 1.1 (MicrosoftDocs/azure-docs: articles/vpn-gateway/about-gateway-skus.md)",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/sku-001.yaml"},
    },
    {
        .id = "SKU-002",
        .statement = "VpnGw1AZ takes 30 S2S tunnels: a configuration with 31 connections is refused (GW-SKU-009)",
        .source = "facts 1.1 (MicrosoftDocs/azure-docs: articles/vpn-gateway/about-gateway-skus.md)",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/sku-002.yaml"},
    },
    {
        .id = "SKU-003",
        .statement = "VpnGw4AZ takes 100 S2S tunnels: a configuration with 101 connections is refused (GW-SKU-009)",
        .source = "facts 1.1 (MicrosoftDocs/azure-docs: articles/vpn-gateway/about-gateway-skus.md)",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/sku-003.yaml"},
    },
    {
        .id = "SKU-004",
        .statement = "A route-based Basic gateway brings up 10 IKEv2 tunnels at once, its documented maximum",
        .source = "facts 1.1, 1.2 (MicrosoftDocs/azure-docs: articles/vpn-gateway/about-gateway-skus.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/sku-004.yaml"},
    },
    {
        .id = "SKU-005",
        .statement = "Custom IPsec/IKE policies are refused on the Basic SKU (GW-SKU-003)",
        .source = "facts 1.2, 3.3 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-vpn-faq.md)",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/sku-005.yaml"},
    },
    {
        .id = "SKU-006",
        .statement = "Basic SKU throughput: a 200 Mbps UDP stream through one tunnel is shaped to the 100 Mbps aggregate benchmark (within 5%)",
        .source = "facts 1.1 (MicrosoftDocs/azure-docs: articles/vpn-gateway/about-gateway-skus.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/sku-006.yaml"},
    },
#include "conformance/catalogue_sku_perf.inc"
    {
        .id = "DATA-001",
        .statement = "Traffic passes both ways through the tunnel: VM to on-premises host and back",
        .source = "facts 4 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-connect-multiple-policybased-rm-ps.md)",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/data-001.yaml"},
        .matrix = true,
    },
    {
        .id = "DATA-002",
        .statement = "MTU 1400: a 1,400-byte inner packet (ping payload 1,372) crosses the tunnel whole",
        .source = "facts 2.5 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-about-vpn-devices.md); interop 8",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/data-002.yaml"},
        .matrix = true,
    },
    {
        .id = "DATA-003",
        .statement = "No fragmentation inside the tunnel: a 1,500-byte inner packet (ping payload 1,472) is not fragmented and never arrives",
        .source = "facts 10 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-vpn-faq.md); interop 8",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/data-003.yaml"},
    },
    {
        .id = "DATA-004",
        .statement = "MSS 1350: the hosts announce MSS 1460 (1,500-byte links); with the device clamping SYNs at 1350 as Azure asks, a TCP transfer from on-premises to the VNet completes through the tunnel (without the clamp its 1,500-byte packets do not fit the 1,400-byte tunnel, which does not fragment)",
        .source = "facts 2.5 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-about-vpn-devices.md); interop 8",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/data-004.yaml"},
        .matrix = true,
    },
    {
        .id = "DATA-005",
        .statement = "PSK IKE messages fit small paths: over a 576-byte underlay MTU the tunnel comes up without IP fragments (no IKE fragmentation needed without certificates)",
        .source = "interop 7 (MicrosoftDocs/azure-docs issue #29476); facts 2.5 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-vpn-faq.md: PSK only)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/data-005.yaml"},
    },
    {
        .id = "DATA-006",
        .statement = "A connected tunnel carries traffic both ways over a whole interval, by both endpoints' tunnel counters",
        .source = "facts 4 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-connect-multiple-policybased-rm-ps.md); facts 10 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-vpn-faq.md)",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/data-006.yaml"},
    },
    {
        .id = "IKEV1-001",
        .statement = "Policy-based Basic gateway: IKEv1 Main Mode with the policy-based default offers (AES256/SHA256 first, DH group 2): a device offering only AES256/SHA256/DH2 connects over IKEv1",
        .source = "facts 2.1 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-about-vpn-devices.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/ikev1-001.yaml"},
    },
    {
        .id = "IKEV1-002",
        .statement = "IKEv1 Main Mode rekey drops the tunnel for up to 5 s, where IKEv2 rekeys in place: at the end of a 120 s ISAKMP SA both sides drop it and its SA pair, and a new main mode brings the tunnel back within 5 s",
        .source = "facts 3.6 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-vpn-faq.md); interop 6",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/ikev1-002.yaml"},
    },
    {
        .id = "IKEV1-003",
        .statement = "Policy-based gateway: one S2S tunnel; an idle tunnel is torn down after 5 minutes and rebuilt on traffic",
        .source = "facts 4 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-vpn-faq.md; MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-connect-multiple-policybased-rm-ps.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/ikev1-003.yaml"},
    },
    {
        .id = "IKEV1-004",
        .statement = "Policy-based QM SA: no DPD: the gateway sends no RFC 3706 vendor ID, so a device with DPD on sends no R-U-THERE (no Informational exchange in a minute)",
        .source = "facts 2.2 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-about-vpn-devices.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/ikev1-004.yaml"},
    },
    {
        .id = "IKEV1-005",
        .statement = "An IKEv1 connection on a VpnGw1AZ route-based gateway connects and passes traffic",
        .source = "facts 3.6 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-vpn-faq.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/ikev1-005.yaml"},
    },
    {
        .id = "IKEV1-006",
        .statement = "Route-based IKEv1, gateway as responder: accepts main mode offering only default phase 1 offer 1 (AES256/SHA1, DH group 2)",
        .source = "facts 2.1 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-about-vpn-devices.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/ikev1-006.yaml"},
    },
    {
        .id = "IKEV1-007",
        .statement = "Route-based IKEv1, gateway as responder: accepts main mode offering only default phase 1 offer 6 (3DES/SHA256, DH group 2)",
        .source = "facts 2.1 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-about-vpn-devices.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/ikev1-007.yaml"},
    },
    {
        .id = "IKEV1-008",
        .statement = "Route-based IKEv1, gateway as responder: refuses main mode offering only DH group 14 (AES256/SHA256) with NO-PROPOSAL-CHOSEN",
        .source = "facts 2.1 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-about-vpn-devices.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/ikev1-008.yaml"},
    },
    {
        .id = "IKEV1-009",
        .statement = "Policy-based gateway, as responder: refuses main mode offering only AES128/SHA256 (a route-based row, not a policy-based one) with NO-PROPOSAL-CHOSEN",
        .source = "facts 2.1 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-about-vpn-devices.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/ikev1-009.yaml"},
    },
    {
        .id = "IKEV1-010",
        .statement = "Policy-based gateway, as responder: accepts main mode offering only policy-based offer 4 (3DES/SHA1, DH group 2)",
        .source = "facts 2.1 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-about-vpn-devices.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/ikev1-010.yaml"},
    },
    {
        .id = "IKEV1-011",
        .statement = "Route-based IKEv1, gateway as responder: accepts a quick mode offering only QM offer 1 (GCM AES256, no PFS)",
        .source = "facts 2.4 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-about-vpn-devices.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/ikev1-011.yaml"},
    },
    {
        .id = "IKEV1-012",
        .statement = "Route-based IKEv1, gateway as responder: accepts a quick mode offering only AES256/SHA1 with PFS group 14 (facts 2.4 row 10)",
        .source = "facts 2.4 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-about-vpn-devices.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/ikev1-012.yaml"},
    },
    {
        .id = "IKEV1-013",
        .statement = "Policy-based gateway, as responder: accepts a quick mode offering only policy-based QM offer 2 (AES256/SHA1)",
        .source = "facts 2.2 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-about-vpn-devices.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/ikev1-013.yaml"},
    },
    {
        .id = "IKEV1-014",
        .statement = "Policy-based gateway: a quick mode with PFS (group 2) is refused (no PFS): no SA pair, the tunnel stays down",
        .source = "facts 2.2 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-about-vpn-devices.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/ikev1-014.yaml"},
    },
    {
        .id = "IKEV1-015",
        .statement = "Policy-based gateway: one quick mode SA pair per combination of on-premises and VNet prefixes (2 x 2: four quick modes, each of three messages)",
        .source = "facts 4 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-vpn-faq.md; MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-connect-multiple-policybased-rm-ps.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/ikev1-015.yaml"},
    },
    {
        .id = "IKEV1-016",
        .statement = "Policy-based gateway: a quick mode for a prefix pair outside the connection (an on-premises prefix the local network gateway lacks) is refused: no SA pair",
        .source = "facts 4 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-vpn-faq.md; MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-connect-multiple-policybased-rm-ps.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/ikev1-016.yaml"},
    },
    {
        .id = "IKEV1-017",
        .statement = "Policy-based gateway: the quick mode SA lifetime is 3,600 s: a device asking for 7,200 s gets a pair that the device rekeys before 3,600 s (make-before-break, the tunnel stays up)",
        .source = "facts 2.2 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-about-vpn-devices.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/ikev1-017.yaml"},
    },
    {
        .id = "IKEV1-018",
        .statement = "Route-based IKEv1 with a custom policy (AES256/SHA256/DHGroup14, ESP AES256/SHA256, PFS2048): a device offering exactly it connects",
        .source = "facts 3.1 (MicrosoftDocs/azure-docs: includes/vpn-gateway-ipsec-ike-algorithm-include.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/ikev1-018.yaml"},
    },
    {
        .id = "IKEV1-019",
        .statement = "Route-based IKEv1 with a custom policy (DHGroup14): a device offering the default group 2 is refused with NO-PROPOSAL-CHOSEN (the policy alone is offered and accepted)",
        .source = "facts 3.1 (MicrosoftDocs/azure-docs: includes/vpn-gateway-ipsec-ike-algorithm-include.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/ikev1-019.yaml"},
    },
    {
        .id = "IKEV1-020",
        .statement = "IKEv1 with a pre-shared key that differs: main mode message 5 does not verify, no ISAKMP SA, the tunnel stays down",
        .source = "facts 9.2 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-vpn-faq.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/ikev1-020.yaml"},
    },
    {
        .id = "IKEV1-021",
        .statement = "Route-based IKEv1: DPD is supported: the gateway announces it (RFC 3706 vendor ID) and sends R-U-THERE every 10 s, which the device answers (more Informational exchanges than the 50 s checks of the device)",
        .source = "facts 2.2 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-about-vpn-devices.md); facts 2.5 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-vpn-faq.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/ikev1-021.yaml"},
    },
    {
        .id = "IKEV1-022",
        .statement = "Transit between an IKEv1 and an IKEv2 connection on one route-based gateway: a host behind the IKEv1 site pings a host behind the IKEv2 site, the only path between them through the gateway (9 of 10 echoes at least)",
        .source = "facts 3.6 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-about-compliance-crypto.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/ikev1-022.yaml"},
    },
    {
        .id = "BGP-001",
        .statement = "BGP over the tunnel: the session starts once IPsec is up, keepalive 60 s, hold 180 s",
        .source = "facts 5 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-vpn-faq.md)",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/bgp-001.yaml"},
    },
    {
        .id = "BGP-002",
        .statement = "The gateway never advertises a default route to a BGP peer",
        .source = "facts 5 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-vpn-faq.md)",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/bgp-002.yaml"},
    },
    {
        .id = "BGP-003",
        .statement = "Custom APIPA BGP addresses only in 169.254.21.0-169.254.22.255; an on-premises APIPA peer needs one",
        .source = "facts 5 (MicrosoftDocs/azure-docs: articles/vpn-gateway/configure-bgp.md); interop 10",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/bgp-003.yaml"},
    },
    {
        .id = "BGP-004",
        .statement = "Reserved ASNs (65515, 65517-65520, 8074, 8075, 12076, IANA ranges) never reach Connected",
        .source = "facts 5 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-vpn-faq.md); interop 11",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/bgp-004.yaml"},
    },
    {
        .id = "BGP-005",
        .statement = "A withdrawn tunnel's routes are removed and traffic shifts to the remaining tunnels",
        .source = "facts 5 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-bgp-overview.md)",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/bgp-005.yaml"},
    },
    {
        .id = "BGP-006",
        .statement = "The gateway uses ASN 65515 when none is given",
        .source = "facts 5 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-vpn-faq.md)",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/bgp-006.yaml"},
    },
    {
        .id = "BGP-007",
        .statement = "The gateway peers with the AS its local network gateway gives: another AS in the device's OPEN is refused (Bad Peer AS)",
        .source = "facts 5 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-vpn-faq.md): on-premises and Azure ASNs; RFC 4271 6.2 Bad Peer AS",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/bgp-007.yaml"},
    },
    {
        .id = "BGP-008",
        .statement = "4-octet ASNs: a device in AS 4200000001 peers and its routes carry its AS",
        .source = "facts 5 (MicrosoftDocs/azure-docs: articles/vpn-gateway/configure-bgp.md)",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/bgp-008.yaml"},
    },
    {
        .id = "BGP-009",
        .statement = "Active-standby: the gateway peers from the last usable address of the GatewaySubnet (10.1.255.30 in 10.1.255.0/27)",
        .source = "facts 5 (MicrosoftDocs/azure-docs: articles/vpn-gateway/gateway-change-active-active.md; MicrosoftDocs/azure-docs: articles/vpn-gateway/configure-bgp.md)",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/bgp-009.yaml"},
    },
    {
        .id = "BGP-010",
        .statement = "With an APIPA on-premises peer the gateway peers from its custom APIPA address, else from its GatewaySubnet address",
        .source = "facts 5 (MicrosoftDocs/azure-docs: articles/vpn-gateway/configure-bgp.md)",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/bgp-010.yaml"},
    },
    {
        .id = "BGP-011",
        .statement = "The gateway opens the BGP session to a non-APIPA peer: a device that only listens gets its session",
        .source = "facts 5 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-vpn-faq.md; MicrosoftDocs/azure-docs: articles/vpn-gateway/configure-bgp.md)",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/bgp-011.yaml"},
    },
    {
        .id = "BGP-012",
        .statement = "With an APIPA peer the gateway does not open the session: the device must",
        .source = "facts 5 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-vpn-faq.md; MicrosoftDocs/azure-docs: articles/vpn-gateway/configure-bgp.md)",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/bgp-012.yaml"},
    },
    {
        .id = "BGP-013",
        .statement = "The gateway adds the host route to the on-premises BGP address over the tunnel: no /32 in the local network gateway is needed",
        .source = "facts 5 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-vpn-faq.md)",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/bgp-013.yaml"},
    },
    {
        .id = "BGP-014",
        .statement = "Local network gateway prefixes are static routes beside the BGP routes",
        .source = "facts 5 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-vpn-faq.md)",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/bgp-014.yaml"},
    },
    {
        .id = "BGP-015",
        .statement = "The gateway advertises its VNet prefixes to its BGP peers",
        .source = "facts 5 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-vpn-faq.md)",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/bgp-015.yaml"},
    },
    {
        .id = "BGP-016",
        .statement = "The gateway advertises the prefixes of every local network gateway connected to it",
        .source = "facts 5 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-vpn-faq.md)",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/bgp-016.yaml"},
    },
    {
        .id = "BGP-017",
        .statement = "BGP transit: routes learned from one BGP session are advertised to the others, and traffic follows them",
        .source = "facts 5 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-vpn-faq.md; MicrosoftDocs/azure-docs: articles/vpn-gateway/bgp-howto.md)",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/bgp-017.yaml"},
    },
    {
        .id = "BGP-018",
        .statement = "Learned routes overlapping a VNet prefix are not advertised to other peers",
        .source = "facts 5 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-vpn-faq.md)",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/bgp-018.yaml"},
    },
    {
        .id = "BGP-019",
        .statement = "More than 4,000 prefixes from a peer drop the session (Cease / Maximum Number of Prefixes Reached)",
        .source = "facts 5 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-vpn-faq.md); RFC 4486",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/bgp-019.yaml"},
    },
    {
        .id = "BGP-020",
        .statement = "4,000 prefixes from a peer are all taken and routed",
        .source = "facts 5 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-vpn-faq.md)",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/bgp-020.yaml"},
    },
    {
        .id = "BGP-021",
        .statement = "A default route 0.0.0.0/0 may be advertised to the gateway: the gateway takes it into its routes",
        .source = "facts 5 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-vpn-faq.md)",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/bgp-021.yaml"},
    },
    {
        .id = "BGP-022",
        .statement = "Learned prefixes equal to a VNet prefix are refused; supersets are taken",
        .source = "facts 5 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-bgp-overview.md; MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-vpn-faq.md)",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/bgp-022.yaml"},
    },
    {
        .id = "BGP-023",
        .statement = "AS-path prepending is honoured: the shorter AS path wins",
        .source = "facts 5 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-vpn-faq.md)",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/bgp-023.yaml"},
    },
    {
        .id = "BGP-024",
        .statement = "Several devices advertising the same prefixes with equal paths: the gateway routes over all of them (ECMP)",
        .source = "facts 5 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-highlyavailable.md)",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/bgp-024.yaml"},
    },
    {
        .id = "BGP-025",
        .statement = "Timers are fixed: keepalive 60 s, hold 180 s, whatever a device offers above them",
        .source = "facts 5 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-vpn-faq.md)",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/bgp-025.yaml"},
    },
    {
        .id = "BGP-026",
        .statement = "BGP and non-BGP connections mix on one gateway",
        .source = "facts 5 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-vpn-faq.md)",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/bgp-026.yaml"},
    },
    {
        .id = "NAT-001",
        .statement = "A Static IngressSnat rule translates on-premises addresses both ways",
        .source = "facts 6 (MicrosoftDocs/azure-docs: articles/vpn-gateway/nat-overview.md)",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/nat-001.yaml"},
    },
    {
        .id = "NAT-002",
        .statement = "NAT rules need any-to-any selectors: a connection with a NAT rule refuses prefix selectors",
        .source = "facts 6; interop 13 (MicrosoftDocs/azure-docs issue #117048)",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/nat-002.yaml"},
    },
    {
        .id = "NAT-003",
        .statement = "Dynamic NAT is unidirectional: a flow started from the external side is not established",
        .source = "facts 6 (MicrosoftDocs/azure-docs: articles/vpn-gateway/nat-overview.md)",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/nat-003.yaml"},
    },
    {
        .id = "NAT-004",
        .statement = "Two on-premises sites with the VNet's own address space are reached both ways through their IngressSnat rules and an EgressSnat rule for the VNet",
        .source = "facts 6 (MicrosoftDocs/azure-docs: articles/vpn-gateway/nat-overview.md)",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/nat-004.yaml"},
    },
    {
        .id = "NAT-005",
        .statement = "An EgressSnat rule maps the VNet space: the VNet's source out to on-premises and the destination in to the VNet",
        .source = "facts 6 (MicrosoftDocs/azure-docs: articles/vpn-gateway/nat-overview.md)",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/nat-005.yaml"},
    },
    {
        .id = "NAT-006",
        .statement = "NAT rules only affect the connections they are linked to: NAT and non-NAT connections coexist",
        .source = "facts 6 (MicrosoftDocs/azure-docs: articles/vpn-gateway/nat-overview.md)",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/nat-006.yaml"},
    },
    {
        .id = "NAT-007",
        .statement = "Prefixes outside a rule's internal mapping are not translated",
        .source = "facts 6 (MicrosoftDocs/azure-docs: articles/vpn-gateway/nat-overview.md)",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/nat-007.yaml"},
    },
    {
        .id = "NAT-008",
        .statement = "A Static rule is a fixed 1:1 mapping: host bits are kept and flows from either side are established without state",
        .source = "facts 6 (MicrosoftDocs/azure-docs: articles/vpn-gateway/nat-overview.md)",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/nat-008.yaml"},
    },
    {
        .id = "NAT-009",
        .statement = "NAT rules need VpnGw2-5 or VpnGw2AZ-5AZ (refused on VpnGw1)",
        .source = "facts 1.2, 6 (MicrosoftDocs/azure-docs: articles/vpn-gateway/nat-overview.md)",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/nat-009.yaml"},
    },
    {
        .id = "NAT-010",
        .statement = "A Dynamic rule's external mapping is at most a /26",
        .source = "facts 6 (MicrosoftDocs/azure-docs: articles/vpn-gateway/nat-overview.md)",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/nat-010.yaml"},
    },
    {
        .id = "NAT-011",
        .statement = "A rule's internal and external prefix lengths match",
        .source = "facts 6 (MicrosoftDocs/azure-docs: articles/vpn-gateway/nat-overview.md)",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/nat-011.yaml"},
    },
    {
        .id = "NAT-012",
        .statement = "NAT rule names cannot contain \"/\"",
        .source = "facts 6 (MicrosoftDocs/azure-docs: articles/vpn-gateway/nat-overview.md)",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/nat-012.yaml"},
    },
    {
        .id = "NAT-013",
        .statement = "A Dynamic rule can be linked to one connection only",
        .source = "facts 6 (MicrosoftDocs/azure-docs: articles/vpn-gateway/nat-overview.md)",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/nat-013.yaml"},
    },
    {
        .id = "NAT-014",
        .statement = "External mappings of a gateway's rules do not overlap each other",
        .source = "facts 6 (MicrosoftDocs/azure-docs: articles/vpn-gateway/nat-overview.md)",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/nat-014.yaml"},
    },
    {
        .id = "NAT-015",
        .statement = "External mappings do not overlap a network connected without NAT",
        .source = "facts 6 (MicrosoftDocs/azure-docs: articles/vpn-gateway/nat-overview.md)",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/nat-015.yaml"},
    },
    {
        .id = "NAT-016",
        .statement = "Static and Dynamic rules are not linked to the same connection",
        .source = "facts 6; interop 13 (MicrosoftDocs/azure-docs issue #117048)",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/nat-016.yaml"},
    },
    {
        .id = "NAT-017",
        .statement = "An on-premises space overlapping the VNet needs NAT rules on its connection (without them the configuration is refused)",
        .source = "facts 6, 9.3 (MicrosoftDocs/azure-docs: articles/vpn-gateway/nat-howto.md)",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/nat-017.yaml"},
    },
    {
        .id = "NAT-018",
        .statement = "Active-active: with one rule per IP configuration (default and activeActive) both instances translate and every flow gets through",
        .source = "facts 6, 8 (MicrosoftDocs/azure-docs: articles/vpn-gateway/nat-overview.md)",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/nat-018.yaml"},
    },
    {
        .id = "NAT-019",
        .statement = "With BGP route translation, routes learned on an IngressSnat connection become the external prefixes, the VNet is advertised as the EgressSnat external prefix, and other connections hear the translated routes",
        .source = "facts 6, 5 (MicrosoftDocs/azure-docs: articles/vpn-gateway/nat-overview.md)",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/nat-019.yaml"},
    },
    {
        .id = "NAT-020",
        .statement = "A Static rule's single-port mapping: TCP and UDP sent to the external address and port reach the internal host on its own port",
        .source = "facts 6 (MicrosoftDocs/azure-docs: includes/vpn-gateway-nat-limitations.md)",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/nat-020.yaml"},
    },
    {
        .id = "NAT-021",
        .statement = "A Dynamic rule carries UDP from its internal side both ways: the receiver sees the pool address and a translated port, and its answers to them are translated back to the sender",
        .source = "facts 6 (MicrosoftDocs/azure-docs: articles/vpn-gateway/nat-overview.md)",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/nat-021.yaml"},
    },
    {
        .id = "AA-001",
        .statement = "Active-active: each instance builds its own tunnel to the device and both belong to the one connection; every flow from Azure gets through",
        .source = "facts 8 (MicrosoftDocs/azure-docs: articles/vpn-gateway/about-active-active-gateways.md); interop 12",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/aa-001.yaml"},
    },
    {
        .id = "AA-002",
        .statement = "Active-active: when one instance fails, its tunnel drops and traffic moves to the other instance's tunnel at once",
        .source = "facts 8 (MicrosoftDocs/azure-docs: articles/vpn-gateway/about-active-active-gateways.md)",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/aa-002.yaml"},
    },
    {
        .id = "AA-003",
        .statement = "Active-standby: planned maintenance of the active instance: connectivity is back within 10-15 s",
        .source = "facts 8 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-highlyavailable.md)",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/aa-003.yaml"},
    },
    {
        .id = "AA-004",
        .statement = "Active-standby: an unplanned failure of the active instance: connectivity is back within 1-3 minutes",
        .source = "facts 8 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-highlyavailable.md)",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/aa-004.yaml"},
    },
    {
        .id = "AA-005",
        .statement = "Active-standby, the 2016 revision (options unplannedFailover: 2016): an unplanned failure: connectivity is back within 1-1.5 minutes",
        .source = "facts 8, 11 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-highlyavailable.md, 09/24/2016 revision)",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/aa-005.yaml"},
    },
    {
        .id = "AA-006",
        .statement = "Every gateway has two instances and is active-standby by default: only the active instance holds a tunnel",
        .source = "facts 8 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-highlyavailable.md)",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/aa-006.yaml"},
    },
    {
        .id = "AA-007",
        .statement = "Active-standby failover: the new active instance builds the IKE SA and child SA from scratch on the gateway's public IP, which is kept",
        .source = "facts 8 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-highlyavailable.md, reset-gateway.md)",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/aa-007.yaml"},
    },
    {
        .id = "AA-008",
        .statement = "Reset (active-standby): the active instance reboots and the standby takes over after a brief outage",
        .source = "facts 8 (MicrosoftDocs/azure-docs: articles/vpn-gateway/reset-gateway.md)",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/aa-008.yaml"},
    },
    {
        .id = "AA-009",
        .statement = "Reset (active-standby) repeated: the second reset reboots the new active instance, and the other takes over again",
        .source = "facts 8 (MicrosoftDocs/azure-docs: articles/vpn-gateway/reset-gateway.md)",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/aa-009.yaml"},
    },
    {
        .id = "AA-010",
        .statement = "Reset (active-active): the primary instance reboots; repeating the reset reboots the same instance",
        .source = "facts 8 (MicrosoftDocs/azure-docs: articles/vpn-gateway/reset-gateway.md)",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/aa-010.yaml"},
    },
    {
        .id = "AA-011",
        .statement = "Reset of one instance by its public IP (gatewayVip) on an active-active gateway: only that instance reboots",
        .source = "facts 8 (MicrosoftDocs/azure-docs: articles/vpn-gateway/reset-gateway.md)",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/aa-011.yaml"},
    },
    {
        .id = "AA-012",
        .statement = "A connection reset resets only that connection: the gateway does not reboot and no instance fails over",
        .source = "facts 8 (MicrosoftDocs/azure-docs: articles/vpn-gateway/reset-gateway.md)",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/aa-012.yaml"},
    },
    {
        .id = "AA-013",
        .statement = "Planned maintenance is applied to the instances one at a time, never both: the second waits, and each failover stays within 10-15 s",
        .source = "facts 8 (MicrosoftDocs/azure-docs: articles/reliability/reliability-virtual-network-gateway.md)",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/aa-013.yaml"},
    },
    {
        .id = "AA-014",
        .statement = "Zone-redundant gateway (AZ SKU): a zone outage moves traffic to the instance in another zone within about a minute",
        .source = "facts 8 (MicrosoftDocs/azure-docs: articles/reliability/reliability-virtual-network-gateway.md)",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/aa-014.yaml"},
    },
    {
        .id = "AA-015",
        .statement = "Active-active: planned maintenance of one instance takes down only its tunnel; the other instance carries the connection",
        .source = "facts 8 (MicrosoftDocs/azure-docs: articles/vpn-gateway/about-active-active-gateways.md)",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/aa-015.yaml"},
    },
    {
        .id = "AA-016",
        .statement = "Active-active with only one tunnel up (the device peers with one instance): that tunnel goes down during the instance's maintenance",
        .source = "facts 8 (MicrosoftDocs/azure-docs: articles/vpn-gateway/about-active-active-gateways.md)",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/aa-016.yaml"},
    },
    {
        .id = "AA-017",
        .statement = "Active-active is not available on the Basic SKU (the configuration is refused)",
        .source = "facts 8 (MicrosoftDocs/azure-docs: articles/vpn-gateway/about-active-active-gateways.md)",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/aa-017.yaml"},
    },
    {
        .id = "AA-018",
        .statement = "Active-active needs two public IPs, one per instance (the configuration is refused with one)",
        .source = "facts 8 (MicrosoftDocs/azure-docs: articles/vpn-gateway/about-active-active-gateways.md)",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/aa-018.yaml"},
    },
    {
        .id = "AA-019",
        .statement = "Active-active: traffic from Azure uses both tunnels at once, and each TCP/UDP flow stays on one tunnel (one instance) while both are up",
        .source = "facts 8 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-vpn-faq.md, about-active-active-gateways.md)",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/aa-019.yaml"},
    },
    {
        .id = "AA-020",
        .statement = "Active-active: when one instance fails, the UDP flows it carried go on over the other instance's tunnel with no gap of 1 s in their receipts (outage per flow and per instance)",
        .source = "facts 8 (MicrosoftDocs/azure-docs: articles/vpn-gateway/about-active-active-gateways.md)",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/aa-020.yaml"},
    },
    {
        .id = "AA-021",
        .statement = "Dual redundancy: an active-active gateway and two devices with a tunnel to each instance (four tunnels, two connections) hold an eBGP session over each tunnel: each instance with each device",
        .source = "facts 8, 5 (MicrosoftDocs/azure-docs: articles/vpn-gateway/about-active-active-gateways.md, vpn-gateway-highlyavailable.md)",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/aa-021.yaml"},
    },
    {
        .id = "AA-022",
        .statement = "Active-active with BGP: each instance peers from its own BGP address, in the order of the public IPs (10.1.255.4 and 10.1.255.5 in 10.1.255.0/27), advertises the VNet and learns each device's prefixes",
        .source = "facts 8, 5 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-vpn-faq.md, vpn-gateway-activeactive-rm-powershell.md)",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/aa-022.yaml"},
    },
    {
        .id = "AA-023",
        .statement = "Dual redundancy with BGP: when one instance fails its sessions and routes go, and the traffic moves to the routes the other instance learned (the outage is the devices' DPD time)",
        .source = "facts 8, 5 (MicrosoftDocs/azure-docs: articles/vpn-gateway/about-active-active-gateways.md, vpn-gateway-bgp-overview.md)",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/aa-023.yaml"},
    },
    {
        .id = "V2V-001",
        .statement = "VNet-to-VNet, both ends in connectionMode Default: of the two IKE SAs both gateways' dialling makes, the one created with the lowest of the four nonces is deleted by its initiator (RFC 7296 2.8.1's rule), leaving one",
        .source = "facts 3.5, 3.6 (MicrosoftDocs/azure-docs: includes/vpn-gateway-connection-mode-include.md; articles/vpn-gateway/vpn-gateway-vpn-faq.md); RFC 7296 2.8.1",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/v2v-001.yaml"},
    },
    {
        .id = "V2V-002",
        .statement = "VNet-to-VNet, both ends Default: after the other gateway fails over, its new instance's INITIAL_CONTACT makes the gateway forget every IKE SA with that peer, in both engines of the connection (RFC 7296 2.4): traffic back within the planned-maintenance window",
        .source = "facts 8 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-highlyavailable.md); RFC 7296 2.4",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/v2v-002.yaml"},
    },
    {
        .id = "V2V-003",
        .statement = "VNet-to-VNet between two active-active gateways: one connection resource per gateway gives four tunnels (each instance one to each instance of the other), and each gateway sends through both of its instances",
        .source = "facts 8 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-highlyavailable.md)",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/v2v-003.yaml"},
    },
    {
        .id = "MS-001",
        .statement = "Multi-site: a route-based gateway with three local network gateways holds a tunnel to each site and sends each site's traffic into that site's tunnel only",
        .source = "facts 4, 9.3 (MicrosoftDocs/azure-docs: includes/vpn-gateway-vpn-type-table.md; articles/vpn-gateway/vpn-gateway-vpn-faq.md)",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/ms-001.yaml"},
    },
    {
        .id = "MS-002",
        .statement = "Multi-site: resetting one connection takes down only that connection's tunnel; the other sites' traffic goes on without a gap",
        .source = "facts 8 (MicrosoftDocs/azure-docs: articles/vpn-gateway/reset-gateway.md)",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/ms-002.yaml"},
    },
    {
        .id = "P2S-001",
        .statement = "Point-to-site IKEv2: the gateway answers with the documented P2S IKE proposals in their order (facts 7.4: GCM_AES256, PRF SHA384, group 24 first)",
        .source = "facts 7.4 (MicrosoftDocs/azure-docs: articles/vpn-gateway/point-to-site-about.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/p2s-001.yaml"},
    },
    {
        .id = "P2S-002",
        .statement = "IKEv2 P2S cannot be initiated from a public IP configured as an S2S peer on the same gateway",
        .source = "facts 7.1 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-vpn-faq.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/p2s-002.yaml"},
    },
    {
        .id = "P2S-003",
        .statement = "IKEv2 P2S certificate authentication: RSA only, an ECDSA client certificate is refused",
        .source = "facts 7.1 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-vpn-faq.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/p2s-003.yaml"},
    },
    {
        .id = "P2S-004",
        .statement = "A client whose certificate thumbprint is on the revoked list is refused",
        .source = "facts 7.1 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-vpn-faq.md, point-to-site-certificate-gateway.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/p2s-004.yaml"},
    },
    {
        .id = "P2S-005",
        .statement = "A client whose certificate chains to none of the gateway's trusted roots is refused",
        .source = "facts 7.1 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-vpn-faq.md, point-to-site-certificate-gateway.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/p2s-005.yaml"},
    },
    {
        .id = "P2S-006",
        .statement = "SSTP and IKEv2 together: the pool is split statically, SSTP at most 128 addresses, and IKEv2 clients get addresses from their share",
        .source = "facts 7.2 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-vpn-faq.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/p2s-006.yaml"},
    },
    {
        .id = "P2S-007",
        .statement = "The per-SKU P2S IKEv2/OpenVPN connection limit: VpnGw1 takes 250 clients and refuses the 251st",
        .source = "facts 1.1, 7.3 (MicrosoftDocs/azure-docs: articles/vpn-gateway/about-gateway-skus.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/p2s-007.yaml"},
    },
    {
        .id = "P2S-008",
        .statement = "A client issued by the second of two trusted roots connects (up to 20 trusted roots)",
        .source = "facts 7.1 (MicrosoftDocs/azure-docs: articles/vpn-gateway/point-to-site-certificate-gateway.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/p2s-008.yaml"},
    },
    {
        .id = "P2S-009",
        .statement = "P2S sessions drop on active-standby failover (planned maintenance of the active instance)",
        .source = "facts 7.1, 8 (MicrosoftDocs/azure-docs: articles/vpn-gateway/about-active-active-gateways.md, vpn-gateway-highlyavailable.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/p2s-009.yaml"},
    },
    {
        .id = "P2S-010",
        .statement = "After an active-standby failover a client reconnects to the new active instance and gets a pool address",
        .source = "facts 7.1, 8 (MicrosoftDocs/azure-docs: articles/vpn-gateway/about-active-active-gateways.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/p2s-010.yaml"},
    },
    {
        .id = "P2S-011",
        .statement = "P2S clients of one gateway reach each other through the gateway",
        .source = "facts 7.1, 11 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-vpn-faq.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/p2s-011.yaml"},
    },
    {
        .id = "P2S-012",
        .statement = "SSTP and IKEv2 on a pool below 256 addresses: the pool is halved between them",
        .source = "facts 7.2 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-vpn-faq.md; includes/vpn-gateway-client-address-pool.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/p2s-012.yaml"},
    },
    {
        .id = "P2S-013",
        .statement = "A custom P2S IPsec policy replaces the documented proposal tables: a client offering only the default suites is refused (NO_PROPOSAL_CHOSEN)",
        .source = "facts 7.4 (MicrosoftDocs/azure-docs: articles/vpn-gateway/create-custom-policies-p2s-ps.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/p2s-013.yaml"},
    },
    {
        .id = "P2S-014",
        .statement = "SSTP and OpenVPN cannot be enabled together on one gateway (GW-P2S-001)",
        .source = "facts 7.1 (MicrosoftDocs/azure-docs: articles/vpn-gateway/ikev2-openvpn-from-sstp.md)",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/p2s-014.yaml"},
    },
    {
        .id = "P2S-015",
        .statement = "The client address pool is at least /29 on an active-standby gateway (GW-P2S-002)",
        .source = "facts 7.2 (MicrosoftDocs/azure-docs: includes/vpn-gateway-client-address-pool.md)",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/p2s-015.yaml"},
    },
    {
        .id = "P2S-016",
        .statement = "The client address pool does not overlap the virtual network (GW-P2S-002)",
        .source = "facts 7.2 (MicrosoftDocs/azure-docs: includes/vpn-gateway-client-address-pool.md)",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/p2s-016.yaml"},
    },
    {
        .id = "P2S-017",
        .statement = "Point-to-site needs a route-based gateway (GW-PB-005)",
        .source = "facts 7.1 (MicrosoftDocs/azure-docs: articles/vpn-gateway/point-to-site-about.md)",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/p2s-017.yaml"},
    },
    {
        .id = "P2S-018",
        .statement = "At most 20 trusted root certificates (GW-P2S-003)",
        .source = "facts 7.1 (MicrosoftDocs/azure-docs: articles/vpn-gateway/point-to-site-certificate-gateway.md)",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/p2s-018.yaml"},
    },
    {
        .id = "P2S-019",
        .statement = "IKEv2 point-to-site is refused on the Basic SKU (GW-SKU-007)",
        .source = "facts 1.2, 11 (MicrosoftDocs/azure-docs: articles/vpn-gateway/about-gateway-skus.md)",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/p2s-019.yaml"},
    },
    {
        .id = "P2S-020",
        .statement = "IKEv2 authenticates with certificates or RADIUS; Microsoft Entra ID only with OpenVPN (GW-P2S-004)",
        .source = "facts 7.1 (MicrosoftDocs/azure-docs: articles/vpn-gateway/point-to-site-about.md)",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/p2s-020.yaml"},
    },
    {
        .id = "P2S-021",
        .statement = "An active-active gateway with point-to-site needs a third public IP (GW-P2S-006)",
        .source = "facts 7.2 (MicrosoftDocs/azure-docs: includes/vpn-gateway-third-public-ip.md)",
        .role = CONF_ROLE_EITHER,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/p2s-021.yaml"},
    },
    {
        .id = "P2S-022",
        .statement = "OpenVPN runs over TLS on TCP 443, TLS 1.3 and 1.2, with the documented suites in their order (a TLS 1.3 client gets TLS_AES_256_GCM_SHA384, a TLS 1.2 client ECDHE-RSA-AES256-GCM-SHA384) and carries the client's traffic",
        .source = "facts 7.1, 7.4 (MicrosoftDocs/azure-docs: articles/vpn-gateway/point-to-site-about.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/p2s-022.yaml"},
    },
    {
        .id = "P2S-023",
        .statement = "An OpenVPN client whose certificate thumbprint is on the revoked list is refused in the TLS handshake",
        .source = "facts 7.1 (MicrosoftDocs/azure-docs: articles/vpn-gateway/point-to-site-certificate-gateway.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/p2s-023.yaml"},
    },
    {
        .id = "P2S-024",
        .statement = "An SSTP client whose certificate chains to none of the gateway's trusted roots is refused in the TLS handshake",
        .source = "facts 7.1 (MicrosoftDocs/azure-docs: articles/vpn-gateway/point-to-site-certificate-gateway.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/p2s-024.yaml"},
    },
    {
        .id = "P2S-025",
        .statement = "At most 128 concurrent SSTP connections on every SKU: the 129th SSTP client is refused with the limit as the reason",
        .source = "facts 7.1, 1.1 (MicrosoftDocs/azure-docs: articles/vpn-gateway/ikev2-openvpn-from-sstp.md, about-gateway-skus.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/p2s-025.yaml"},
    },
    {
        .id = "P2S-026",
        .statement = "With SSTP and IKEv2 the pool is split: an SSTP client gets an address from the SSTP share (at most 128, the first half of a /24), an IKEv2 client from the rest",
        .source = "facts 7.2 (MicrosoftDocs/azure-docs: articles/vpn-gateway/vpn-gateway-vpn-faq.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/p2s-026.yaml"},
    },
    {
        .id = "P2S-027",
        .statement = "A client of a tunnel type the gateway does not enable gets no session (an OpenVPN client of an SSTP gateway: SSTP and OpenVPN cannot coexist)",
        .source = "facts 7.1 (MicrosoftDocs/azure-docs: articles/vpn-gateway/ikev2-openvpn-from-sstp.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/p2s-027.yaml"},
    },
    {
        .id = "P2S-028",
        .statement = "OpenVPN sessions drop on active-standby failover too: planned maintenance of the active instance ends the OpenVPN client's TLS session",
        .source = "facts 8, 7.1 (MicrosoftDocs/azure-docs: articles/vpn-gateway/about-active-active-gateways.md)",
        .role = CONF_ROLE_INITIATOR,
        .status = CONF_ACTIVE,
        .scenarios = {"conformance/checks/p2s-028.yaml"},
    },
};
/* clang-format on */
const size_t conf_n_checks = G_N_ELEMENTS(conf_checks);

const ConfCheck *conf_check_find(const char *id)
{
  for (size_t i = 0; i < conf_n_checks; i++)
    if (!g_ascii_strcasecmp(conf_checks[i].id, id))
      return &conf_checks[i];
  return NULL;
}

const ConfGroup *conf_check_group(const ConfCheck *c)
{
  const char *dash = strrchr(c->id, '-'); /* "SKU-PERF-001": the group is "SKU-PERF" */
  if (!dash)
    return NULL;
  size_t n = (size_t)(dash - c->id);
  for (size_t g = 0; g < conf_n_groups; g++)
    if (strlen(conf_groups[g].prefix) == n && !strncmp(conf_groups[g].prefix, c->id, n))
      return &conf_groups[g];
  return NULL;
}

size_t conf_check_n_scenarios(const ConfCheck *c)
{
  size_t n = 0;
  while (n < CONF_MAX_SCENARIOS && c->scenarios[n])
    n++;
  return n;
}

static void counts(size_t *active, size_t *pending)
{
  *active = *pending = 0;
  for (size_t i = 0; i < conf_n_checks; i++)
    (conf_checks[i].status == CONF_ACTIVE ? (*active)++ : (*pending)++);
}

char *conf_catalogue_text(void)
{
  GString *o = g_string_new(NULL);
  for (size_t i = 0; i < conf_n_checks; i++) {
    const ConfCheck *c = &conf_checks[i];
    g_string_append_printf(o, "%-10s %-7s %-9s %s\n", c->id, name_get(&conf_status_names, c->status),
                           name_get(&conf_role_names, c->role), c->statement);
    g_string_append_printf(o, "%-28s source: %s\n", "", c->source);
    if (c->status == CONF_PENDING)
      g_string_append_printf(o, "%-28s waits for: %s\n", "", c->waits_for);
    for (size_t s = 0; s < conf_check_n_scenarios(c); s++)
      g_string_append_printf(o, "%-28s scenario: %s\n", "", c->scenarios[s]);
    const ConfFault *f = conf_check_fault(c);
    if (f && f->edit)
      g_string_append_printf(o, "%-28s fails when: %s (%s)\n", "", f->fault, f->edit);
    else if (f)
      g_string_append_printf(o, "%-28s cannot fail yet: %s\n", "", f->fault);
  }
  size_t a, p;
  counts(&a, &p);
  g_string_append_printf(o, "\n%zu checks: %zu active, %zu pending\n", conf_n_checks, a, p);
  return g_string_free(o, FALSE);
}

char *conf_catalogue_json(void)
{
  GString *o = g_string_new("{\"checks\":[");
  for (size_t i = 0; i < conf_n_checks; i++) {
    const ConfCheck *c = &conf_checks[i];
    const ConfGroup *g = conf_check_group(c);
    g_string_append(o, i ? ",\n{\"id\":" : "\n{\"id\":");
    vs_json_str(o, c->id);
    g_string_append(o, ",\"group\":"), vs_json_str(o, g ? g->prefix : "");
    g_string_append(o, ",\"statement\":"), vs_json_str(o, c->statement);
    g_string_append(o, ",\"source\":"), vs_json_str(o, c->source);
    g_string_append(o, ",\"role\":"), vs_json_str(o, name_get(&conf_role_names, c->role));
    g_string_append(o, ",\"status\":"), vs_json_str(o, name_get(&conf_status_names, c->status));
    if (c->status == CONF_PENDING)
      g_string_append(o, ",\"waitsFor\":"), vs_json_str(o, c->waits_for);
    g_string_append(o, ",\"matrix\":");
    g_string_append(o, c->matrix ? "true" : "false");
    g_string_append(o, ",\"scenarios\":[");
    for (size_t s = 0; s < conf_check_n_scenarios(c); s++) {
      g_string_append(o, s ? "," : "");
      vs_json_str(o, c->scenarios[s]);
    }
    g_string_append(o, "]");
    const ConfFault *f = conf_check_fault(c);
    if (f) {
      g_string_append(o, ",\"fault\":"), vs_json_str(o, f->fault);
      if (f->edit)
        g_string_append(o, ",\"faultEdit\":"), vs_json_str(o, f->edit);
      if (f->fails)
        g_string_append(o, ",\"faultFails\":"), vs_json_str(o, f->fails);
    }
    g_string_append(o, "}");
  }
  size_t a, p;
  counts(&a, &p);
  g_string_append_printf(o, "\n],\"total\":%zu,\"active\":%zu,\"pending\":%zu}\n", conf_n_checks, a,
                         p);
  return g_string_free(o, FALSE);
}

/* A Markdown table cell: '|' escaped, never a line break. */
static void md_cell(GString *o, const char *s)
{
  for (const char *p = s ? s : ""; *p; p++) {
    if (*p == '|')
      g_string_append(o, "\\|");
    else if (*p == '\n')
      g_string_append_c(o, ' ');
    else
      g_string_append_c(o, *p);
  }
}

char *conf_catalogue_markdown(void)
{
  size_t a, p;
  counts(&a, &p);
  GString *o = g_string_new(NULL);
  g_string_append(
      o, "<!-- SPDX-License-Identifier: MIT -->\n"
         "<!-- Generated by `vpnsim list checks --format markdown` from "
         "conformance/catalogue.c: do not edit; tests/conformance.t fails when it is stale. -->\n"
         "# Conformance catalogue\n\n"
         "Each check states one documented behaviour of the gateway (a section of "
         "`azure-vpn-facts.md`, \"facts N\", with the document it cites) or a field failure "
         "(an item of `interop-failures.md`, \"interop N\"), the role of the on-premises device "
         "(it initiates, it responds, or either), and the scenario files under "
         "`conformance/checks/` that exercise it with `expect:` blocks. `vpnsim conformance` "
         "runs them (docs: `vpnsim conformance --help`); `pending` checks wait for the named "
         "area of the simulator and are reported as SKIP. Checks marked *matrix* are the gateway "
         "configurations of the device compatibility matrix. Each active check names the gateway "
         "fault (an impairment or a change of the configuration) under which it must fail; "
         "`make check` runs every check once more with its fault and requires the failure "
         "(`tests/catalogue-selftest.t`).\n\n"
         "## Running\n\n"
         "`vpnsim conformance [ID|PREFIX|GROUP|PATH...] [--jobs N] [--format tap|junit|json] "
         "[--out DIR]` runs each selected check's scenarios as `vpnsim run` child processes, "
         "writing each check's pcaps, key tables, events and reports into `DIR/<ID>/` and the "
         "whole run's reports into `DIR/conformance.{tap,xml,json}` and `DIR/index.html` (every "
         "check's verdict and reason, linked to its scenarios' `report.html` and captures). "
         "A check passes when "
         "every scenario of it exits 0; a runner that cannot simulate a scenario (exit 3) "
         "fails the check with its reason. Exit status 0 when every check that is not "
         "pending passed.\n\n"
         "`--device PROFILE` (a name in `profiles/` or a file) runs the *matrix* checks with "
         "every on-premises device rewritten to the profile: a device keeps `name`, "
         "`publicIpAddress`, `lanPrefixes`, `peer`, `sharedKey`, `startAction` and "
         "`trafficSelectors` (its place in the scenario) and takes everything else "
         "(proposals, lifetimes, DPD, NAT-T, identities) from the profile. The matrix "
         "(`DIR/matrix.{txt,json,html}`) gives per gateway configuration (SKU, VPN type, "
         "connection mode, NAT, policy) whether the device connects, passes traffic, survives "
         "rekeys and DPD, read from the run's events, and why not: the error notify, the "
         "exchange and the node that sent it, and the device's proposal.\n\n"
         "Parallel CI jobs share the catalogue with `--shard K/N`: job K runs every N-th "
         "selected check from the K-th (a split that is the same on every machine) and marks "
         "its `conformance.json` as shard K/N; `vpnsim conformance --merge DIR_1 ... DIR_N "
         "[--out DIR] [--format ...]` joins the shards' folders into one TAP, JUnit and JSON "
         "report (and, for `--device` shards, one matrix), and refuses a missing or repeated "
         "shard, shards of different splits or devices, and a check in two shards. For "
         "example, a GitHub Actions matrix `shard: [1, 2, 3]` runs `vpnsim conformance "
         "--shard ${{ matrix.shard }}/3 -o out/shard-${{ matrix.shard }}`, and a final job "
         "runs `vpnsim conformance --merge out/shard-*`. On a terminal, a progress line on "
         "stderr shows the scenario runs done, the checks failing so far and the time left; "
         "it is never written to a file or a pipe.\n\n");
  g_string_append_printf(o, "%zu checks: %zu active, %zu pending.\n\n", conf_n_checks, a, p);
  g_string_append(o, "| Group | Checks | Active | Pending |\n|---|---|---|---|\n");
  for (size_t g = 0; g < conf_n_groups; g++) {
    size_t n = 0, na = 0;
    for (size_t i = 0; i < conf_n_checks; i++)
      if (conf_check_group(&conf_checks[i]) == &conf_groups[g])
        n++, na += conf_checks[i].status == CONF_ACTIVE;
    g_string_append_printf(o, "| `%s-` %s | %zu | %zu | %zu |\n", conf_groups[g].prefix,
                           conf_groups[g].title, n, na, n - na);
  }
  for (size_t g = 0; g < conf_n_groups; g++) {
    g_string_append_printf(o, "\n## %s: %s\n\n", conf_groups[g].prefix, conf_groups[g].title);
    g_string_append(o, "| ID | Expected gateway behaviour | Source | Device | Status | Scenario | "
                       "Fails when |\n|---|---|---|---|---|---|---|\n");
    for (size_t i = 0; i < conf_n_checks; i++) {
      const ConfCheck *c = &conf_checks[i];
      if (conf_check_group(c) != &conf_groups[g])
        continue;
      g_string_append_printf(o, "| %s | ", c->id);
      md_cell(o, c->statement);
      g_string_append(o, " | ");
      md_cell(o, c->source);
      g_string_append_printf(o, " | %s | ", name_get(&conf_role_names, c->role));
      if (c->status == CONF_PENDING) {
        g_string_append(o, "pending: ");
        md_cell(o, c->waits_for);
      } else {
        g_string_append(o, c->matrix ? "active, matrix" : "active");
      }
      g_string_append(o, " | ");
      for (size_t s = 0; s < conf_check_n_scenarios(c); s++)
        g_string_append_printf(o, "%s`%s`", s ? "<br>" : "", c->scenarios[s]);
      g_string_append(o, " | ");
      const ConfFault *f = conf_check_fault(c);
      if (f && f->edit) {
        md_cell(o, f->fault);
        g_string_append(o, " (`");
        md_cell(o, f->edit);
        g_string_append(o, "`)");
      } else if (f) {
        g_string_append(o, "cannot fail yet: ");
        md_cell(o, f->fault);
      }
      g_string_append(o, " |\n");
    }
  }
  return g_string_free(o, FALSE);
}
