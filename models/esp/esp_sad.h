/* SPDX-License-Identifier: MIT */
/* The ESP security association database: owns the SAs of one node, finds the inbound
 * SA by SPI and the outbound SA by policy (policy-based traffic selector pairs, most
 * specific first) or by tunnel (route-based, any-to-any), keeps node-wide drop counters
 * and raises lifetime and sequence-overflow events through the caller's callback.
 * Sans-I/O: time is passed in, nothing is logged. */
#pragma once

#include "models/common/ipv4.h"
#include "models/esp/esp_sa.h"

#include <stdbool.h>
#include <stdint.h>

typedef enum {
  ESP_EV_SOFT_EXPIRE = 1, /* a soft lifetime was reached: the IKE engine rekeys */
  ESP_EV_HARD_EXPIRE,     /* a hard lifetime was reached: the SA carries nothing more */
  ESP_EV_SEQ_OVERFLOW,    /* the sender's counter is exhausted: rekey (RFC 4303 3.3.3) */
  ESP_EV_ACQUIRE,         /* outbound traffic matched a policy that has no SA yet */
} EspEventType;

extern const NameTable esp_event_names;

typedef struct {
  EspEventType type;
  uint32_t spi;        /* 0 for ACQUIRE */
  EspDirection dir;
  unsigned life;       /* EspLifeFlags that fired (expiry events) */
  int policy;          /* ACQUIRE: the policy id; -1 otherwise */
  int64_t now_ns;
} EspEvent;

typedef void (*EspEventFn)(void *user, const EspEvent *ev);

typedef struct EspSad EspSad;

/* Node-wide counters: drops that have no SA to be counted on. */
typedef struct {
  uint64_t unknown_spi;
  uint64_t no_policy;
  uint64_t malformed; /* too short to hold an ESP header */
} EspSadCounters;

EspSad *esp_sad_new(EspEventFn fn, void *user);
void esp_sad_free(EspSad *sad);

/* Add an SA; the database takes it (on failure too). An inbound SPI already present is
 * refused (false). now_ns starts its lifetime clock. */
bool esp_sad_add_take(EspSad *sad, EspSa *sa, int64_t now_ns);
/* Remove and free an SA (unbinding it from policies and tunnels). False if not there. */
bool esp_sad_remove(EspSad *sad, EspSa *sa);
/* The inbound SA for an SPI (RFC 4303 3.4.2; unicast SAs are found by SPI alone). */
EspSa *esp_sad_get_in(EspSad *sad, uint32_t spi);
const EspSadCounters *esp_sad_counters(const EspSad *sad);

/* ---- outbound policy ---- */

/* A policy-based selector pair: traffic from 'local' to 'remote' goes into the bound
 * outbound SA; inbound traffic through the bound inbound SA must come from 'remote' to
 * 'local'. Returns the policy id. Lookup order is most specific first: the smaller
 * remote range, then the smaller local range, then the older policy. */
int esp_sad_policy_add(EspSad *sad, Ipv4Range local, Ipv4Range remote);
/* Bind (or rebind on rekey) the SAs of a policy or of a route-based tunnel; either may
 * be NULL. The SAs must already be in the database. */
bool esp_sad_policy_bind(EspSad *sad, int policy, EspSa *out, EspSa *in);
/* Route-based: a tunnel interface whose selectors are any-to-any (0.0.0.0/0 both). */
void esp_sad_tunnel_bind(EspSad *sad, uint32_t tunnel_id, EspSa *out, EspSa *in);

/* The outbound SA for an inner packet's addresses (policy-based). *policy receives the
 * matching policy id (or -1). NULL when no policy matches or it has no SA. */
EspSa *esp_sad_lookup_out(EspSad *sad, Ipv4Addr src, Ipv4Addr dst, int *policy);
EspSa *esp_sad_lookup_tunnel(EspSad *sad, uint32_t tunnel_id);

/* ---- data path ---- */

/* Policy-based send: select by the inner packet's addresses, encapsulate. A matching
 * policy without an SA raises ACQUIRE and returns ESP_ERR_NO_POLICY. *used (may be NULL)
 * receives the SA, for the outer header (tunnel addresses). */
EspStatus esp_sad_tx(EspSad *sad, int64_t now_ns, const uint8_t *inner, size_t n, uint8_t *out,
                     size_t cap, size_t *out_len, EspSa **used);
/* Route-based send through a tunnel interface. */
EspStatus esp_sad_tx_tunnel(EspSad *sad, int64_t now_ns, uint32_t tunnel_id, const uint8_t *inner,
                            size_t n, uint8_t *out, size_t cap, size_t *out_len, EspSa **used);
/* Receive: SPI lookup, decapsulation, then (for a policy-bound SA) the inbound selector
 * check of RFC 4301 5.2 step 4 (ESP_ERR_NO_POLICY when the inner addresses do not match).
 * *tunnel_id (may be NULL) receives the tunnel of a route-based SA or UINT32_MAX. */
EspStatus esp_sad_rx(EspSad *sad, int64_t now_ns, const uint8_t *pkt, size_t len, uint8_t *out,
                     size_t cap, size_t *inner_len, EspSa **used, uint32_t *tunnel_id,
                     WireDiag *diag);

/* Time-based lifetimes: raise the events due at now_ns. Call from a timer. */
void esp_sad_tick(EspSad *sad, int64_t now_ns);
