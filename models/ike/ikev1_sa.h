/* SPDX-License-Identifier: MIT */
/* The IKEv1 protocol engine (RFC 2409 with RFC 2408, 2407, 3706 DPD and 3947 NAT-T): one
 * connection to one peer, its ISAKMP SA (main mode with pre-shared keys) and the IPsec SA
 * pairs quick mode negotiates, driven by received datagrams, one timer and owner requests.
 * Sans-I/O like the IKEv2 engine, and through the same IkeEnv: time, timer, send, random
 * bytes, events, child_install / child_remove and the Wireshark key row. Azure's IKEv1
 * behaviour is configuration: no in-place main mode rekey (the tunnel drops when the ISAKMP
 * SA expires and a new main mode starts), quick mode rekeyed before expiry. */
#pragma once

#include "models/ike/ikev1_codec.h"
#include "models/ike/ikev1_crypto.h"
#include "models/ike/ikev2_sa.h" /* IkeEnv, IkeChildInstall, IkeTsPair, event names */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IKEV1_MAX_P1_PROPOSALS 16
#define IKEV1_MAX_P2_PROPOSALS 32
#define IKEV1_MAX_TS 8

/* One phase 1 offer (RFC 2409 appendix A values); authentication is always PSK. */
typedef struct {
  uint16_t encr;     /* Ikev1EncrAlg */
  uint16_t key_bits; /* AES: 128/192/256; 0 otherwise */
  uint16_t hash;     /* Ikev1HashAlg (the PRF is its HMAC) */
  uint16_t group;    /* Group Description */
} Ikev1P1ProposalCfg;

/* One quick mode offer (RFC 2407 4.4.4 and 4.5): an ESP transform. */
typedef struct {
  uint16_t esp;      /* Ikev1EspTransformId */
  uint16_t key_bits; /* AES: 128/192/256 */
  uint16_t auth;     /* Ikev1AuthAlg; 0 with AES-GCM */
  uint16_t pfs;      /* Group Description: PFS group, 0: no PFS */
} Ikev1P2ProposalCfg;

typedef struct {
  const char *name; /* node name in events */
  Ipv4Addr local_addr, remote_addr;
  uint16_t local_port, remote_port; /* 0: 500 */
  const uint8_t *psk; /* borrowed for the connection's life */
  size_t psk_len;
  Ikev1P1ProposalCfg p1[IKEV1_MAX_P1_PROPOSALS]; /* in order of preference */
  size_t n_p1;
  Ikev1P2ProposalCfg p2[IKEV1_MAX_P2_PROPOSALS];
  size_t n_p2;
  /* Initiating, offer only the first n_p2_offer rows (0: all); responding, every row is
   * accepted (Azure offers fewer than it accepts, facts 2.3 / 2.4). */
  size_t n_p2_offer;
  uint32_t p1_lifetime_s;  /* 0: none; Azure 28,800 */
  uint32_t p2_lifetime_s;  /* 0: none; Azure 3,600 (facts 2.2) */
  uint64_t p2_lifetime_kb; /* 0: none; Azure 102,400,000 */
  uint32_t rekey_margin_s; /* quick mode rekey this long before expiry */
  /* Azure does not rekey main mode in place: when the ISAKMP SA expires every SA drops and
   * the initiator starts a new main mode after this delay (facts 3.6: back in about 5 s). */
  uint32_t p1_restart_s;
  /* A peer's new main mode replaces an established ISAKMP SA and, with it, its SA pairs
   * (no in-place rekey). A peer that reauthenticates with make-before-break (strongSwan's
   * IKEv1 reauth_time) keeps its pairs and runs no quick mode: with this set, the side
   * that dropped them begins a quick mode per selector pair once the new SA is up, so the
   * tunnel comes back (facts 3.6: within about 5 s) instead of black-holing. */
  bool requick_replaced;
  /* RFC 3706 4: send the DPD vendor ID (Azure's policy-based gateways do not support DPD,
   * facts 2.2). R-U-THERE is answered either way. */
  bool dpd_vid;
  uint32_t dpd_interval_s; /* 0: send no R-U-THERE; none either unless both sent the VID */
  uint32_t dpd_timeout_s;  /* dead this long after the first unanswered R-U-THERE */
  IkeDpdAction dpd_action;
  uint32_t retrans_base_ms; /* doubles each time */
  unsigned retrans_tries;   /* retransmissions before giving up */
  IkeStartPolicy start;
  bool natt;                /* RFC 3947 vendor ID, NAT-D, float to 4500 */
  IkeTsPair ts[IKEV1_MAX_TS]; /* one quick mode (one SA pair) each; none: any-to-any */
  size_t n_ts;
  size_t nonce_len;         /* 8..256 (RFC 2409 5); 0: 32 */
  /* Impairments (models/endpoint/ep_impair.h, `notify` on MAIN_MODE or QUICK_MODE), as
   * responder: every main mode (its first message) or quick mode is refused with this
   * notify (0: none), an impair.applied event each. */
  uint16_t impair_mm_notify;
  uint16_t impair_qm_notify;
} Ikev1Config;

/* Azure-like defaults: 28,800 s phase 1, 3,600 s / 102,400,000 KB phase 2, no R-U-THERE
 * sent (the DPD vendor ID is), NAT-T on, a 5 s restart after a phase 1 expiry; no
 * proposals. */
void ikev1_config_defaults(Ikev1Config *c);

/* Event types beyond IKEv2's (ike.sa.*, ike.child.*, ike.retransmit, ike.give_up,
 * ike.dpd.dead, ike.nat.detected, ike.notify.rx, ike.drop are shared): every message sent or
 * accepted, with "exchange" ("Identity Protection (Main Mode)", "Quick Mode",
 * "Informational"), "dir" (sent/received), "msg_id" and "number" (1..6 in main mode). */
#define IKEV1_EV_MESSAGE "ike.message"

extern const NameTable ikev1_exchange_event_names;

typedef enum {
  IKEV1_P1_NONE = 0,
  IKEV1_P1_MM1_SENT, /* initiator */
  IKEV1_P1_MM2_SENT, /* responder */
  IKEV1_P1_MM3_SENT,
  IKEV1_P1_MM4_SENT,
  IKEV1_P1_MM5_SENT,
  IKEV1_P1_ESTABLISHED,
  IKEV1_P1_FAILED,
} Ikev1P1State;
extern const NameTable ikev1_p1_state_names;

typedef struct Ikev1Conn Ikev1Conn;

Ikev1Conn *ikev1_conn_new(const Ikev1Config *cfg, const IkeEnv *env);
/* Removes every SA pair through the env (no messages) and wipes keys. */
void ikev1_conn_free(Ikev1Conn *c);
void ikev1_conn_start(Ikev1Conn *c);
void ikev1_conn_rx(Ikev1Conn *c, Ipv4Addr src, uint16_t sport, Ipv4Addr dst, uint16_t dport,
                   const uint8_t *data, size_t len);
void ikev1_conn_timeout(Ikev1Conn *c);
/* An ESP lifetime event (volume) for the pair whose inbound or outbound SPI is spi: soft
 * starts a quick mode rekey, hard removes the pair and sends its Delete. */
void ikev1_conn_child_expired(Ikev1Conn *c, uint32_t spi, bool hard);

/* Owner requests: rekey a pair (by inbound SPI, 0: the first), delete a pair (Informational
 * Delete), close (Delete of the pairs and of the ISAKMP SA). False when nothing to do. */
bool ikev1_conn_rekey_child(Ikev1Conn *c, uint32_t spi_in);
bool ikev1_conn_delete_child(Ikev1Conn *c, uint32_t spi_in);
bool ikev1_conn_close(Ikev1Conn *c);

/* Traffic needs the tunnel: a main mode when there is no ISAKMP SA (nor one being
 * negotiated), or, with one, a quick mode for each selector pair that has no SA pair and
 * none under way (a policy-based tunnel brought back after an idle teardown). */
void ikev1_conn_acquire(Ikev1Conn *c);
/* The connection holds (or negotiates) the ISAKMP SA of these cookies (rcky 0: any). */
bool ikev1_conn_holds_sa(const Ikev1Conn *c, uint64_t icky, uint64_t rcky);
Ikev1P1State ikev1_conn_state(const Ikev1Conn *c);
bool ikev1_conn_cookies(const Ikev1Conn *c, uint64_t *icky, uint64_t *rcky);
size_t ikev1_conn_n_children(const Ikev1Conn *c);
bool ikev1_conn_child_info(const Ikev1Conn *c, size_t i, IkeChildInfo *out);
bool ikev1_conn_nat_detected(const Ikev1Conn *c, bool *local_behind, bool *remote_behind);
/* The phase 1 keys (NULL before message 4/3) and the IV of the last phase 1 message: what a
 * test needs to open an encrypted message. */
const Ikev1Keys *ikev1_conn_keys(const Ikev1Conn *c);
bool ikev1_conn_phase1_iv(const Ikev1Conn *c, Ikev1Iv *iv);
bool ikev1_conn_peer_dpd(const Ikev1Conn *c);
