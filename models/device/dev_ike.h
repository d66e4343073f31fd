/* SPDX-License-Identifier: MIT */
/* The on-premises device's IKE control plane: the IKEv2 engine configured from the
 * device's settings (dev_config.h: proposals, lifetimes and margins, identities, PSK,
 * selectors, DPD, start action, NAT-T) and bound to its data-plane tunnel through
 * the endpoint's IKE link (models/endpoint/ep_ike.h: child SAs, key-table rows, events). */
#pragma once

#include "models/device/dev_config.h"
#include "models/device/dev_runtime.h"
#include "models/endpoint/ep_ike.h"

/* The engine configuration of a device. The engine takes one transform of each type per
 * proposal: each device proposal (several transforms of each type, RFC 7296 3.3) is
 * expanded into its combinations the engine implements, in the device's order, at most
 * IKEV2_MAX_PROPOSALS; *truncated says when combinations were left out. False with *why
 * (static text) when nothing usable is left. PSK borrowed from d. */
bool dev_ike_config(const DevConfig *d, IkeConfig *out, bool *truncated, const char **why);

/* The same for an IKEv1 device (ikeVersion 1): main mode with the device's IKE proposals
 * as RFC 2409 transforms (one per combination of cipher, hash and group; GCM and PRFs
 * have none), quick mode with its ESP proposals (the PFS group of each), lifetimes, DPD
 * (vendor ID when on), start (initiate also after a phase 1 expiry), NAT-T, selectors. */
bool dev_ike_config_v1(const DevConfig *d, Ikev1Config *out, bool *truncated, const char **why);

typedef struct DevIke DevIke;

/* The control plane of device d on tunnel 'tunnel' of its runtime. NULL with *err
 * (g_free) when the configuration cannot run (no usable proposal). */
DevIke *dev_ike_new(const DevConfig *d, DevRuntime *rt, int tunnel, const EpEnv *env,
                    const EpIkeIo *io, Drbg *rng, char **err);
void dev_ike_free(DevIke *k);
void dev_ike_start(DevIke *k);
/* Traffic for the tunnel has no SA (the data plane's acquire hook). */
void dev_ike_acquire(DevIke *k);
/* An authenticated ESP-in-UDP packet came from src:sport, not where the tunnel sends
 * (the data plane's peer_moved hook); see gw_ike_esp_authenticated. */
void dev_ike_esp_authenticated(DevIke *k, Ipv4Addr src, uint16_t sport);

/* The device's engine (borrowed): owner requests (ikev2_conn_rekey_child, ...), tests. */
EpIkeLink *dev_ike_peek_link(DevIke *k);
/* A datagram to the device's port 500 or 4500 (non-ESP marker): from its peer only. */
void dev_ike_rx(DevIke *k, Ipv4Addr src, uint16_t sport, Ipv4Addr dst, uint16_t dport,
                const uint8_t *data, size_t len);
