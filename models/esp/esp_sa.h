/* SPDX-License-Identifier: MIT */
/* One ESP security association in tunnel mode (RFC 4303): its transform and keys, the
 * sender's sequence counter or the receiver's replay window, lifetimes, and
 * encapsulation/decapsulation of whole inner IPv4 packets. The outer IPv4 header (and
 * UDP for NAT traversal) is the caller's. Extended sequence numbers (RFC 4303 2.2.1) are
 * not implemented: every SA uses 32-bit sequence numbers and never cycles them. */
#pragma once

#include "models/common/inet.h"
#include "models/common/ipsec_ids.h"
#include "models/common/ipv4.h"
#include "models/common/wire.h"
#include "models/esp/esp_codec.h"
#include "models/esp/esp_crypto.h"
#include "models/esp/esp_replay.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
  ESP_DIR_OUT = 0, /* we encapsulate with it */
  ESP_DIR_IN = 1,  /* we decapsulate with it */
} EspDirection;

/* Soft and hard lifetimes; 0 means "no limit" for that measure. Kilobytes are 1024
 * octets of protected (inner) data. Azure's defaults (102,400,000 KB, 27,000 s) and its
 * custom minimums (1,024 KB, 300 s) all fit. */
typedef struct {
  uint64_t soft_seconds, hard_seconds;
  uint64_t soft_kbytes, hard_kbytes;
} EspLifetime;

typedef struct {
  uint32_t spi;
  EspDirection dir;
  IkeEncrId encr;
  unsigned encr_key_bits; /* 128/192/256 for AES; ignored for DES, 3DES, NULL */
  IkeIntegId integ;       /* AUTH_NONE for GCM */
  const uint8_t *encr_key; /* GCM: key || 4-octet salt (RFC 4106 8.1) */
  size_t encr_key_len;
  const uint8_t *integ_key;
  size_t integ_key_len;
  Ipv4Addr tunnel_src, tunnel_dst; /* outer addresses of this direction */
  uint32_t replay_window;          /* inbound; 0 means ESP_REPLAY_DEFAULT_WINDOW */
  EspLifetime lifetime;
  uint8_t iv_seed[16]; /* outbound CBC: keys the IV generator; from the caller's DRBG */
} EspSaConfig;

typedef struct EspSa EspSa;

/* A new SA; keys are copied (and wiped on free). NULL with *why on a bad configuration:
 * unknown transform, wrong key length, GCM with an integrity algorithm, NULL+NULL,
 * replay window out of range. */
EspSa *esp_sa_new(const EspSaConfig *cfg, const char **why);
void esp_sa_free(EspSa *sa);

uint32_t esp_sa_spi(const EspSa *sa);
EspDirection esp_sa_dir(const EspSa *sa);
const EspEncrInfo *esp_sa_encr(const EspSa *sa);
const EspIntegInfo *esp_sa_integ(const EspSa *sa);
Ipv4Addr esp_sa_tunnel_src(const EspSa *sa);
Ipv4Addr esp_sa_tunnel_dst(const EspSa *sa);
/* The last sequence number sent (outbound) or the replay window's top (inbound; stays 0
 * for a confidentiality-only SA: RFC 4303 2.2 offers anti-replay only with integrity). */
uint32_t esp_sa_seq(const EspSa *sa);
/* Tests only: pretend n packets were already sent (to reach the overflow edge). */
void esp_sa_set_seq(EspSa *sa, uint32_t last_sent);
/* The key material for the key table writer; borrowed. */
const uint8_t *esp_sa_encr_key(const EspSa *sa, size_t *len);
const uint8_t *esp_sa_integ_key(const EspSa *sa, size_t *len);

/* The ESP length for an inner packet of n octets. */
size_t esp_sa_encap_len(const EspSa *sa, size_t n);

/* Tunnel mode, outbound: the inner packet (a whole IPv4 packet) becomes ESP with Next
 * Header 4 in out (cap octets); *out_len is its length. Errors: ESP_ERR_INNER (not IPv4
 * or its total length disagrees), ESP_ERR_SEQ_OVERFLOW, ESP_ERR_EXPIRED, ESP_ERR_NO_SPACE. */
EspStatus esp_sa_encapsulate(EspSa *sa, const uint8_t *inner, size_t n, uint8_t *out, size_t cap,
                             size_t *out_len);

/* Tunnel mode, inbound: the ESP packet (from the SPI to the ICV) is checked in RFC 4303
 * 3.4 order (SPI, replay, ICV, window update, decrypt, padding, next header, inner
 * IPv4) and the inner packet is written to out; the caller counts drops by status. hdr
 * is the packet's header when the caller has decoded it already (esp_header_parse: the
 * SAD, which needed the SPI), or NULL to decode it here. With TFC padding after the
 * inner packet, *inner_len is the inner packet's own total length. ip (may be NULL)
 * receives the inner IPv4 header, decoded once here for the caller's policy check. */
EspStatus esp_sa_decapsulate(EspSa *sa, const EspHeader *hdr, const uint8_t *pkt, size_t len,
                             uint8_t *out, size_t cap, size_t *inner_len, InetIpv4Header *ip,
                             WireDiag *diag);

/* The same two steps for any Next Header (transport-mode payloads in the RFC known-
 * answer tests), with an explicit IV when iv is not NULL. Not for the data path. */
EspStatus esp_sa_seal_payload(EspSa *sa, const uint8_t *payload, size_t n, uint8_t next_header,
                              const uint8_t *iv, uint8_t *out, size_t cap, size_t *out_len);
EspStatus esp_sa_open_payload(EspSa *sa, const uint8_t *pkt, size_t len, uint8_t *out,
                              size_t cap, size_t *payload_len, uint8_t *next_header,
                              WireDiag *diag);

/* Lifetime bookkeeping: the time the SA was installed (nanoseconds of the caller's
 * clock) and which limits have fired. */
typedef enum {
  ESP_LIFE_SOFT_TIME = 1 << 0,
  ESP_LIFE_HARD_TIME = 1 << 1,
  ESP_LIFE_SOFT_BYTES = 1 << 2,
  ESP_LIFE_HARD_BYTES = 1 << 3,
} EspLifeFlags;
void esp_sa_set_installed(EspSa *sa, int64_t now_ns);
/* Limits reached at now_ns that had not fired before; marks them fired. */
unsigned esp_sa_lifetime_poll(EspSa *sa, int64_t now_ns);
