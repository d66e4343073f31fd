/* SPDX-License-Identifier: MIT */
/* Impairments (libreswan's --impair, for the simulated gateway and devices): a thin layer
 * at the boundary between a tunnel endpoint and its IKE engine (ep_ike.c) and in the data
 * plane's ESP output (ep_dataplane.c). Each is deterministic (the Nth message of an
 * exchange, a simulated time), applied to real bytes (the peer's engine sees a datagram
 * dropped, sent twice, late, with a bad ICV or a wrong SPI, ...), and counted as an
 * impair.applied event. Plain data: the scenario loader fills EpImpairSet
 * (an `impair:` list on a gateway connection or a device, docs/scenario-format.md). */
#pragma once

#include "models/common/names.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
  EP_IMPAIR_DROP,          /* the message is not sent */
  EP_IMPAIR_DUPLICATE,     /* sent twice */
  EP_IMPAIR_DELAY,         /* sent 'delay_ns' later */
  EP_IMPAIR_CORRUPT,       /* SK: its ICV's last octet flipped; IKEv1 encrypted: the first
                              cipher block; in clear: the first payload's length made 1 */
  EP_IMPAIR_WRONG_SPI,     /* the peer's SPI (IKEv1: cookie) in the header flipped */
  EP_IMPAIR_WRONG_MSG_ID,  /* the header's message ID moved out of the window */
  EP_IMPAIR_OMIT_PAYLOAD,  /* a payload left out of a message sent in clear */
  EP_IMPAIR_NOTIFY,        /* a request of the exchange answered with only this notify
                              (IKEv2 IKE_SA_INIT: the engine never sees the request) */
  EP_IMPAIR_NO_DPD_REPLY,  /* liveness checks (empty INFORMATIONAL requests) unanswered */
  EP_IMPAIR_NO_REKEY,      /* never starts a rekey: its own lifetimes are off */
  EP_IMPAIR_REKEY_AT,      /* starts a rekey of the IKE SA or the first child at 'at_ns' */
  EP_IMPAIR_ESP_BAD_ICV,   /* the Nth outbound ESP packet with its ICV's last octet flipped */
  EP_IMPAIR_TUNNEL_MTU,    /* the tunnel's inner MTU lowered to 'mtu' (Azure: 1,400) */
  EP_IMPAIR_NO_TRANSIT,    /* no routing between this tunnel and the owner's others (as
                              for policy-based selectors, facts 3.4) */
  EP_IMPAIR_FRAGMENT,      /* the tunnel fragments inner packets too big for it (DF
                              ignored) instead of dropping them (facts 10) */
  EP_IMPAIR_NO_NAT_FOLLOW, /* IKEv2: never follows a NATed peer's new address and port
                              (RFC 7296 2.23): IKE and ESP keep the old mapping */
  EP_IMPAIR_BIG_IKE,       /* IKEv2: IKE_SA_INIT messages carry a VENDOR_ID payload of
                              'size' octets (the engine's own bytes: AUTH still holds) */
  EP_IMPAIR__COUNT
} EpImpairKind;

/* Exchange types as on the wire: IKEv2 34-37, IKEv1 2 (main mode), 4 (aggressive), 5
 * (informational), 32 (quick mode). */
enum {
  EP_IMPAIR_ANY_EXCHANGE = 0,
  EP_IMPAIR_V1_MAIN = 2,
  EP_IMPAIR_V1_AGGRESSIVE = 4,
  EP_IMPAIR_V1_INFO = 5,
  EP_IMPAIR_V1_QUICK = 32,
};

typedef enum { EP_IMPAIR_ANY_DIR, EP_IMPAIR_REQUESTS, EP_IMPAIR_RESPONSES } EpImpairWhich;

typedef struct {
  EpImpairKind kind;
  uint8_t exchange;      /* 0: any */
  EpImpairWhich which;   /* IKEv2 requests or responses; IKEv1 has no such flag: any */
  uint32_t nth;          /* the Nth matching message (1-based); 0: every one */
  int64_t delay_ns;      /* EP_IMPAIR_DELAY */
  int64_t at_ns;         /* EP_IMPAIR_REKEY_AT: simulated time */
  bool child;            /* EP_IMPAIR_REKEY_AT: the first child SA, else the IKE SA */
  uint16_t notify;       /* EP_IMPAIR_NOTIFY: the notify type; OMIT_PAYLOAD: only notifies
                            of this type (0: any) */
  uint8_t payload;       /* EP_IMPAIR_OMIT_PAYLOAD: the payload type (IKEv2 or IKEv1) */
  uint32_t mtu;          /* EP_IMPAIR_TUNNEL_MTU */
  uint32_t size;         /* EP_IMPAIR_BIG_IKE: the VENDOR_ID data's octets */
  int64_t after_ns;      /* message-level ones: only from this simulated time on (0: always);
                            messages before it are not counted */
} EpImpair;

#define EP_IMPAIR_MAX 8
typedef struct {
  EpImpair v[EP_IMPAIR_MAX];
  unsigned n;
} EpImpairSet;

#define EP_IMPAIR_EV_APPLIED "impair.applied" /* what, exchange, response, msg_id, nth,
                                                 connection (IKE) or tunnel (ESP) */

extern const NameTable ep_impair_kind_names;     /* "drop", "duplicate", ... */
extern const NameTable ep_impair_exchange_names; /* "IKE_SA_INIT", ..., "MAIN_MODE" */
extern const NameTable ep_impair_which_names;    /* "any", "request", "response" */
/* Payload names for omitPayload: IKEv2 ("SA", "KE", "NONCE", "NOTIFY", "VENDOR_ID", ...)
 * with their IKEv2 numbers; IKEv1 ones spelled "V1_SA", "V1_KE", ... */
extern const NameTable ep_impair_payload_names;

bool ep_impair_set_has(const EpImpairSet *s, EpImpairKind k);

/* ---- the byte-level operations (pure; 'ike' is the IKE message without the non-ESP
 * marker) ---- */

typedef struct {
  uint64_t spi_i, spi_r;
  uint8_t next_payload, exchange, flags;
  uint32_t msg_id, length;
  bool v1;       /* major version 1 */
  bool response; /* IKEv2 R flag */
} EpImpairHdr;

/* The fixed header of an IKEv1 or IKEv2 message; false for anything shorter. */
bool ep_impair_header(const uint8_t *ike, size_t len, EpImpairHdr *h);
/* Does impairment x (a message-level one) match this header? */
bool ep_impair_matches(const EpImpair *x, const EpImpairHdr *h);
/* In place: corrupt, wrong SPI, wrong message ID. False when the message has no such
 * part (nothing changed). */
bool ep_impair_corrupt(uint8_t *ike, size_t len);
bool ep_impair_wrong_spi(uint8_t *ike, size_t len);
bool ep_impair_wrong_msg_id(uint8_t *ike, size_t len);
/* The message without its payloads of type 'payload' (notify type 'notify', 0: any) when
 * it is sent in clear; *out_len the new length. False (out untouched) when there is none
 * to omit or the message is encrypted. out must hold len octets. */
bool ep_impair_omit(const uint8_t *ike, size_t len, uint8_t payload, uint16_t notify,
                    uint8_t *out, size_t *out_len);
/* An IKEv2 IKE_SA_INIT response to 'req' carrying only the notify: 36 octets into out. */
size_t ep_impair_notify_response(const EpImpairHdr *req, uint16_t notify, uint8_t out[36]);
