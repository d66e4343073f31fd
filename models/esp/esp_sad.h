/* SPDX-License-Identifier: MIT */
/* The ESP security association database (RFC 4301 4.4.2): owns the SAs of one node,
 * finds the inbound SA by SPI, sends through the outbound SA its caller chose and raises
 * lifetime and sequence-overflow events through the caller's callback. It holds no
 * policies: the security policy database (which child SA carries which traffic, and the
 * inbound selector check of RFC 4301 5.2) is the data plane's (models/gateway/
 * gw_dataplane.c), the one place selectors live. Sans-I/O: time is passed in, nothing
 * is logged. */
#pragma once

#include "models/esp/esp_sa.h"

#include <stdbool.h>
#include <stdint.h>

typedef enum {
  ESP_EV_SOFT_EXPIRE = 1, /* a soft lifetime was reached: the IKE engine rekeys */
  ESP_EV_HARD_EXPIRE,     /* a hard lifetime was reached: the SA carries nothing more */
  ESP_EV_SEQ_OVERFLOW,    /* the sender's counter is exhausted: rekey (RFC 4303 3.3.3) */
} EspEventType;

extern const NameTable esp_event_names;

typedef struct {
  EspEventType type;
  uint32_t spi;
  EspDirection dir;
  unsigned life;       /* EspLifeFlags that fired (expiry events) */
  int64_t now_ns;
} EspEvent;

typedef void (*EspEventFn)(void *user, const EspEvent *ev);

typedef struct EspSad EspSad;

EspSad *esp_sad_new(EspEventFn fn, void *user);
void esp_sad_free(EspSad *sad);

/* Add an SA; the database takes it (on failure too). An inbound SPI already present is
 * refused (false). now_ns starts its lifetime clock. */
bool esp_sad_add_take(EspSad *sad, EspSa *sa, int64_t now_ns);
/* Remove and free an SA. False if not there. */
bool esp_sad_remove(EspSad *sad, EspSa *sa);
/* The inbound SA for an SPI (RFC 4303 3.4.2; unicast SAs are found by SPI alone). */
EspSa *esp_sad_get_in(EspSad *sad, uint32_t spi);

/* ---- data path ---- */

/* Send through the outbound SA the caller's policy lookup chose (an SA of this
 * database): lifetimes are checked before and after, then the inner packet is
 * encapsulated (esp_sa_encapsulate). */
EspStatus esp_sad_tx(EspSad *sad, int64_t now_ns, EspSa *sa, const uint8_t *inner, size_t n,
                     uint8_t *out, size_t cap, size_t *out_len);
/* What esp_sad_rx made of one received packet. */
typedef struct {
  EspStatus status;      /* ESP_OK, or why the packet is dropped */
  WireDiag diag;         /* a drop's field, offset, value seen and bound */
  EspSa *sa;             /* the SA found by SPI (also when its checks then failed), or NULL */
  EspHeader hdr;         /* SPI and sequence number, decoded once (zero when too short) */
  const uint8_t *inner;  /* ESP_OK: the inner IPv4 packet, in the caller's buffer */
  size_t inner_len;      /* its own total length (TFC padding after it excluded) */
  InetIpv4Header ip;     /* ESP_OK: its header, decoded once */
} EspRx;

/* Receive: the header is decoded once (RFC 4303 3.4.2: the SA is found by SPI alone),
 * then the SA decapsulates into out (cap octets). The inbound selector check (RFC 4301
 * 5.2 step 4) is the caller's, with the policy it keeps for rx.sa and the decoded ip. */
EspRx esp_sad_rx(EspSad *sad, int64_t now_ns, const uint8_t *pkt, size_t len, uint8_t *out,
                 size_t cap);

/* Time-based lifetimes: raise the events due at now_ns. Call from a timer. */
void esp_sad_tick(EspSad *sad, int64_t now_ns);
