/* SPDX-License-Identifier: MIT */
/* The IKEv2 protocol engine (RFC 7296): one connection to one peer, its IKE SAs and child
 * SAs as state machines driven by received datagrams, timers and owner requests. Sans-I/O:
 * the engine sees time, one timer, datagrams, random bytes, events and the child SA
 * database only through the IkeEnv callbacks; it never reads a clock nor logs. */
#pragma once

#include "models/common/drbg.h"
#include "models/common/event.h"
#include "models/common/ipsec_ids.h"
#include "models/common/ipv4.h"
#include "models/ike/ike_cert_crypto.h"
#include "models/ike/ike_drop.h"
#include "models/ike/ikev2_codec.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IKEV2_MAX_PROPOSALS 16
/* Child SA proposals: the gateway's documented responder list has 26 rows (facts 2.4),
 * each with its own PFS group. */
#define IKEV2_MAX_CHILD_PROPOSALS 32
#define IKEV2_MAX_TS 8
#define IKEV2_ID_MAX 255

/* ---- configuration ---- */

/* More transforms of one type in the same proposal, after the first (RFC 7296 3.3: "a
 * proposal ... with one or more transforms of each type"; the responder picks one of
 * each). key_bits is used for ENCR only. */
#define IKEV2_MAX_ALT 15
typedef struct {
  uint8_t n;
  uint16_t id[IKEV2_MAX_ALT];
  uint16_t key_bits[IKEV2_MAX_ALT];
} IkeAltList;

/* One IKE SA proposal: the first transform of each type, then optional alternatives
 * (the *_alt lists, in order of preference; empty: a single-transform proposal, the
 * gateway's). integ AUTH_NONE with AES-GCM (then integ_alt stays empty: RFC 5282 8
 * keeps combined-mode ciphers in proposals of their own). KEi uses dh, the first group. */
typedef struct {
  uint16_t encr, key_bits, integ, prf, dh;
  IkeAltList encr_alt, integ_alt, prf_alt, dh_alt;
} IkeProposalCfg;

/* One child SA (ESP) proposal. dh is its PFS group (RFC 7296 3.3.3: the D-H transform
 * belongs to each proposal; 0: no PFS), used in CREATE_CHILD_SA only: IKE_AUTH creates
 * the first child with the IKE SA's keys and proposes no group (RFC 7296 1.2). */
typedef struct {
  uint16_t encr, key_bits, integ;
  bool esn;
  uint16_t dh;
  /* alternatives as in IkeProposalCfg; dh_alt: more PFS groups (used only when dh != 0) */
  IkeAltList encr_alt, integ_alt, dh_alt;
} ChildProposalCfg;

/* An identity (RFC 7296 3.5): IKEV2_ID_IPV4_ADDR (value "192.0.2.1"), IKEV2_ID_FQDN,
 * IKEV2_ID_KEY_ID (value taken as octets). A remote identity of type 0 accepts any. */
typedef struct {
  uint8_t type;
  char value[IKEV2_ID_MAX + 1];
} IkeIdentityCfg;

/* One traffic selector pair, local and remote ranges (all protocols and ports). */
typedef struct {
  Ipv4Range local, remote;
} IkeTsPair;

typedef enum {
  IKE_START_INITIATE = 0, /* initiate when started (and after a DPD restart) */
  IKE_START_RESPOND,      /* only respond */
  IKE_START_ON_TRAFFIC,   /* initiate on the first ikev2_conn_acquire */
} IkeStartPolicy;

typedef enum {
  IKE_DPD_CLEAR = 0, /* a dead peer's SAs are removed, nothing more */
  IKE_DPD_RESTART,   /* ... and the connection initiates again */
} IkeDpdAction;

extern const NameTable ike_start_policy_names;
extern const NameTable ike_dpd_action_names;

typedef struct {
  const char *name; /* node name in events, e.g. "vgw1/0" */
  Ipv4Addr local_addr, remote_addr;
  uint16_t local_port, remote_port; /* 0: 500 */
  IkeIdentityCfg local_id, remote_id;
  const uint8_t *psk; /* borrowed for the connection's life */
  size_t psk_len;
  IkeProposalCfg ike[IKEV2_MAX_PROPOSALS]; /* in order of preference */
  size_t n_ike;
  ChildProposalCfg esp[IKEV2_MAX_CHILD_PROPOSALS]; /* in order of preference */
  size_t n_esp;
  /* What we offer when we initiate a child (IKE_AUTH, CREATE_CHILD_SA), when it differs
   * from what we accept as responder (n_esp_offer 0: esp). The gateway accepts 26 rows
   * but offers its six initiator proposals without PFS (facts 2.3, 2.4). */
  ChildProposalCfg esp_offer[IKEV2_MAX_CHILD_PROPOSALS];
  size_t n_esp_offer;
  uint32_t ike_lifetime_s;   /* 0: no rekey */
  uint32_t child_lifetime_s; /* 0: no time limit */
  uint64_t child_lifetime_kb; /* 0: no volume limit (handed to the SA owner) */
  uint32_t rekey_margin_s;   /* rekey this long before expiry */
  uint32_t rekey_jitter_s;   /* ... minus a DRBG draw in [0, jitter] */
  uint32_t dpd_interval_s;   /* 0: no liveness checks */
  uint32_t dpd_timeout_s;    /* the peer is dead this long after the first unanswered check */
  IkeDpdAction dpd_action;
  uint32_t retrans_base_ms;  /* first retransmission after this; doubles each time */
  unsigned retrans_tries;    /* retransmissions before giving up */
  uint32_t half_open_s;      /* responder: a half-open SA is dropped after this (0: 30 s) */
  IkeStartPolicy start;
  bool natt;                 /* send NAT_DETECTION_* and move to 4500 when a NAT is seen */
  uint32_t keepalive_s;      /* NAT keepalive interval behind a NAT (0: 20 s) */
  size_t frag_threshold;     /* RFC 7383: fragment messages above this size (0: never) */
  IkeTsPair ts[IKEV2_MAX_TS]; /* none: any-to-any (route-based) */
  size_t n_ts;
  /* ts_lines: the pairs form lines (ts_line[i], the same number for consecutive pairs of
   * one line), and one child SA covers a whole line: its TSi and TSr list every local and
   * remote range of the line (an Azure trafficSelectorPolicies line, facts 3.4). Without
   * it every pair is a line of its own (one child SA per pair). */
  bool ts_lines;
  uint8_t ts_line[IKEV2_MAX_TS];
  /* Responder: the peer's selectors must cover a configured pair whole; we do not narrow
   * them down to it but answer TS_UNACCEPTABLE (RFC 7296 2.9 lets a responder refuse).
   * A route-based Azure gateway without policy-based selectors insists on any-to-any
   * (interop 1). */
  bool ts_no_narrowing;
  bool initial_contact;      /* send INITIAL_CONTACT in the first IKE_AUTH */
  size_t nonce_len;          /* our nonces: 16 to 256 octets (RFC 7296 2.10); 0: 32 */
  /* Certificate authentication (RFC 7296 2.15, RFC 7427). auth_method 0 or IKEV2_AUTH_PSK:
   * PSK, as before. IKEV2_AUTH_RSA_SIG or IKEV2_AUTH_DIGITAL_SIG: we send local_cert in a
   * CERT payload and sign with local_key (both borrowed for the connection's life), with
   * an ID_DER_ASN1_DN identity taken from the certificate when local_id.type says so. */
  uint8_t auth_method;
  const IkeKey *local_key;
  IkeCert *local_cert;
  /* The peer must authenticate with a certificate that chains to one of trust's roots,
   * is not revoked, allows peer_cert_use and (trust's RSA-only flag) has an RSA key; we
   * send CERTREQ with trust's root hashes (RFC 7296 3.7). NULL: the peer uses the PSK. */
  const IkeTrust *trust;
  IkeCertUse peer_cert_use;
  int64_t cert_epoch;        /* Unix time at simulated time 0; 0: IKE_CERT_SIM_EPOCH */
  /* Remote access (RFC 7296 2.19): as initiator, ask for an internal IPv4 address with a
   * CFG_REQUEST in IKE_AUTH; the responder answers from IkeEnv.cp_assign. */
  bool cp_request;
  /* Responder, RFC 7296 2.6: while this many half-open IKE SAs exist, an IKE_SA_INIT
   * request without our cookie gets only N(COOKIE), and no state (0: 10, strongSwan's
   * cookie_threshold; IKE_COOKIE_ALWAYS: every request). Beyond half_open_max half-open
   * SAs (0: 100) a request is dropped (IKE_DROP_HALF_OPEN_LIMIT): memory stays bounded
   * whatever a flood from the peer's address holds. */
  uint32_t cookie_threshold;
  uint32_t half_open_max;
  /* Impairments (models/endpoint/ep_impair.h, `notify` on IKE_AUTH or CREATE_CHILD_SA), as
   * responder: every child SA asked for in that exchange (IKE_AUTH's; CREATE_CHILD_SA's new
   * and rekeyed children, not IKE SA rekeys) is refused with this notify (0: none), an
   * impair.applied event each. */
  uint16_t impair_child_notify_auth;
  uint16_t impair_child_notify_create;
  /* Impairment `noNatFollow`: the IKE SAs never move to a NATed peer's new address and
   * port (RFC 7296 2.23 not followed): replies and ESP keep going to the old mapping; an
   * impair.applied event per SA, the first time it would have moved. */
  bool impair_no_nat_follow;
  /* Impairment `bigIke`: every IKE_SA_INIT request and response this end sends carries a
   * VENDOR_ID payload (RFC 7296 3.12) of this many octets (0: none), built into the message
   * before it is sent, so the AUTH over it still holds; an impair.applied event each. */
  uint16_t impair_vendor_id_len;
} IkeConfig;

#define IKE_COOKIE_ALWAYS UINT32_MAX
#define IKE_COOKIE_THRESHOLD_DEFAULT 10u
#define IKE_HALF_OPEN_MAX_DEFAULT 100u

/* What a responder hands a remote-access client (RFC 7296 2.19, 3.15.1): its address and
 * netmask, DNS servers, and the routes behind us (INTERNAL_IP4_SUBNET, and the child's
 * TSr). */
#define IKE_CP_MAX_DNS 2
typedef struct {
  Ipv4Addr addr;
  uint8_t prefix_len; /* INTERNAL_IP4_NETMASK; 0: none sent */
  Ipv4Addr dns[IKE_CP_MAX_DNS];
  size_t n_dns;
  Ipv4Prefix routes[IKEV2_MAX_TS];
  size_t n_routes; /* 0: the child's TSr stays as narrowed */
} IkeCpLease;

/* Defaults for the fields a test does not care about (Azure-like: 28,800 s IKE SA,
 * 27,000 s child SA, DPD 45 s). */
void ike_config_defaults(IkeConfig *c);

/* ---- what the engine hands to the owner ---- */

/* A child SA pair to install: SPIs, transforms, the KEYMAT slices of RFC 7296 2.17 for
 * each direction, the selectors and lifetimes. Keys are borrowed for the call. */
typedef struct {
  uint64_t ike_spi_i, ike_spi_r;
  uint32_t spi_in, spi_out; /* ours (peer sends with it) / the peer's */
  uint16_t encr, key_bits, integ;
  bool esn;
  bool udp_encap; /* RFC 3948: ESP in UDP 4500 (a NAT was detected) */
  uint16_t encap_sport, encap_dport;
  Ipv4Addr local_addr, remote_addr;
  const uint8_t *ek_in, *ak_in, *ek_out, *ak_out;
  size_t ek_len, ak_len;
  Ipv4Range ts_local[IKEV2_MAX_TS], ts_remote[IKEV2_MAX_TS];
  size_t n_ts_local, n_ts_remote;
  uint64_t soft_seconds, hard_seconds, soft_kbytes, hard_kbytes;
  uint32_t rekey_of_spi_in; /* a rekey: the inbound SPI of the SA this one replaces; else 0 */
  /* A rekey we initiated that survives (not the redundant SA of a collision, RFC 7296
   * 2.8.1): the peer installed its inbound SA before it answered, so the new outbound
   * may carry traffic at once, before the old pair's Delete exchange (RFC 7296 2.8).
   * False for the responder: it moves to the new SA when the initiator deletes the old
   * one. */
  bool switch_out;
} IkeChildInstall;

/* What one IKE message held, for the owner's message events: taken from the plaintext
 * (before encryption when sent, after decryption when received), so the notifies inside
 * SK are named. Only messages the engine builds or accepts for processing are reported
 * (not retransmissions, not dropped datagrams). */
#define IKE_MSG_MAX_NOTIFIES 16
typedef struct {
  bool sent;
  uint8_t exchange; /* Ikev2ExchangeType */
  bool response;
  uint32_t msg_id;
  uint64_t spi_i, spi_r;
  uint16_t notifies[IKE_MSG_MAX_NOTIFIES]; /* notify types in payload order */
  size_t n_notifies;
  size_t n_payloads; /* inside SK: 0 for a liveness check (RFC 7296 1.4) */
} IkeMessageSummary;

typedef struct {
  void *user;
  Drbg *rng; /* SPIs, nonces, DH private values, IVs, jitter */
  VsEventSink events;
  int64_t (*now)(void *user);
  /* One timer per connection: (re)arm it for at_ns, replacing any earlier one; when it
   * fires the owner calls ikev2_conn_timeout. */
  void (*timer_schedule)(void *user, int64_t at_ns);
  void (*timer_cancel)(void *user);
  /* A UDP payload from src:sport to dst:dport (on 4500 it starts with the non-ESP marker,
   * or is the one-octet keepalive). */
  void (*send)(void *user, Ipv4Addr src, uint16_t sport, Ipv4Addr dst, uint16_t dport,
               const uint8_t *data, size_t len);
  void (*child_install)(void *user, const IkeChildInstall *c);
  /* An installed child SA pair is deleted, for 'reason' (the text of its ike.child.state
   * event, which follows): the owner takes it out of its data plane now. */
  void (*child_remove)(void *user, uint32_t spi_in, uint32_t spi_out, const char *reason);
  /* An IKE SA is established (before its ike.sa.established event); initiator: we began
   * it. May be NULL. */
  void (*sa_established)(void *user, bool initiator);
  /* One ikev2_decryption_table row per IKE SA (see ike_keytable.h); may be NULL. */
  void (*keytable_row)(void *user, const char *row);
  /* Each message sent (called before its datagrams go out through send) and each one
   * received and opened; may be NULL. */
  void (*message)(void *user, const IkeMessageSummary *m);
  /* The peer's address or port moved (RFC 7296 2.23: its NAT rebound the mapping, and an
   * authenticated packet came from the new one): the IKE SA sends there from now on, and
   * the owner sends the UDP-encapsulated ESP of the connection's child SAs there too.
   * May be NULL. */
  void (*peer_moved)(void *user, Ipv4Addr addr, uint16_t port);
  /* Responder: the peer sent a CFG_REQUEST (RFC 7296 2.19): fill an address from the
   * owner's pool; false when none is left (the child is refused with
   * INTERNAL_ADDRESS_FAILURE). peer_id is the peer's identity as text. May be NULL: the
   * request is ignored (2.19: a responder need not support it). */
  bool (*cp_assign)(void *user, const char *peer_id, IkeCpLease *out);
  /* A datagram was dropped for reason (every one, also past the events' limit); may be
   * NULL. */
  void (*dropped)(void *user, IkeDropReason reason);
  /* Responder: an authenticated IKE_AUTH request carried INITIAL_CONTACT (RFC 7296 2.4:
   * the peer holds no other IKE SA with us). The engine has forgotten its own other IKE
   * SAs; an owner that runs further engines towards the same peer identity forgets
   * theirs (ikev2_conn_forget_established). May be NULL. */
  void (*initial_contact)(void *user);
  /* Initiator, before the first IKE_AUTH: does another engine of the owner hold an
   * established IKE SA with the peer (strongSwan's has_contact)? RFC 7296 2.4:
   * INITIAL_CONTACT asserts the new IKE SA is the only one between the two identities, so
   * it is sent only when neither this engine nor (this hook) any other holds one. May be
   * NULL: this engine's own SAs decide alone. */
  bool (*has_contact)(void *user);
} IkeEnv;

/* ---- states ---- */

typedef enum {
  IKE_SA_CREATED = 0,
  IKE_SA_INIT_SENT,      /* initiator: IKE_SA_INIT request out */
  IKE_SA_INIT_DONE,      /* responder: answered IKE_SA_INIT, waiting for IKE_AUTH */
  IKE_SA_AUTH_SENT,      /* initiator: IKE_AUTH request out */
  IKE_SA_ESTABLISHED,
  IKE_SA_REKEYING,       /* a CREATE_CHILD_SA rekeying this IKE SA is under way */
  IKE_SA_REKEYED,        /* replaced by a new IKE SA, waiting for its Delete */
  IKE_SA_DELETING,       /* our Delete is out */
  IKE_SA_DELETED,
  IKE_SA_FAILED,
} IkeSaState;

typedef enum {
  IKE_CHILD_CREATING = 0,
  IKE_CHILD_INSTALLED,
  IKE_CHILD_REKEYING,
  IKE_CHILD_REKEYED, /* a new SA is in place; this one waits for deletion */
  IKE_CHILD_DELETING,
  IKE_CHILD_DELETED,
} IkeChildState;

extern const NameTable ike_sa_state_names;
extern const NameTable ike_child_state_names;

/* Event types (VsEvent.type), all with "sa" (our IKE SPI pair as "spi_i"/"spi_r"),
 * "peer" and, where it applies, "exchange", "old_state", "new_state", "reason". */
#define IKE_EV_SA_STATE "ike.sa.state"
#define IKE_EV_SA_ESTABLISHED "ike.sa.established"
#define IKE_EV_SA_FAILED "ike.sa.failed"
#define IKE_EV_SA_REKEYED "ike.sa.rekeyed"
#define IKE_EV_SA_DELETED "ike.sa.deleted"
#define IKE_EV_AUTH_FAILED "ike.auth.failed"
#define IKE_EV_CHILD_STATE "ike.child.state"
#define IKE_EV_CHILD_INSTALLED "ike.child.installed"
#define IKE_EV_CHILD_REKEYED "ike.child.rekeyed"
#define IKE_EV_CHILD_DELETED "ike.child.deleted"
#define IKE_EV_CHILD_FAILED "ike.child.failed"
#define IKE_EV_RETRANSMIT "ike.retransmit"
#define IKE_EV_GIVE_UP "ike.give_up"
#define IKE_EV_DPD_DEAD "ike.dpd.dead"
#define IKE_EV_NAT_DETECTED "ike.nat.detected"
/* old_remote, new_remote ("198.51.100.40:40001"), trigger ("ike" or "esp") */
#define IKE_EV_NAT_REMOTE_CHANGED "ike.nat.remote_changed"
#define IKE_EV_CP_ASSIGNED "ike.cp.assigned" /* address: the internal address, both ends */
#define IKE_EV_NOTIFY_RX "ike.notify.rx"
#define IKE_EV_DROP "ike.drop"

/* What a connection counted since it was made. */
typedef struct {
  uint64_t drops[IKE_DROP__COUNT];
} IkeConnCounters;

/* ---- the connection ---- */

typedef struct Ikev2Conn Ikev2Conn;

/* Config is copied (the PSK stays borrowed); env is copied. */
Ikev2Conn *ikev2_conn_new(const IkeConfig *cfg, const IkeEnv *env);
/* Removes every child SA through the env (no messages are sent) and wipes keys. */
void ikev2_conn_free(Ikev2Conn *c);

const IkeConnCounters *ikev2_conn_counters(const Ikev2Conn *c);

/* Start: initiate if the start policy says so. */
void ikev2_conn_start(Ikev2Conn *c);
/* Outbound traffic needs an SA (on-traffic start, or after a clear). */
void ikev2_conn_acquire(Ikev2Conn *c);
/* A UDP payload received from src:sport on our dst:dport. */
void ikev2_conn_rx(Ikev2Conn *c, Ipv4Addr src, uint16_t sport, Ipv4Addr dst, uint16_t dport,
                   const uint8_t *data, size_t len);
/* An ESP packet of one of this connection's child SAs came in UDP from src:sport, passed
 * its ICV and was the newest the SA has seen (its sequence number is the replay window's
 * new top, so a replayed or held-back packet never counts). RFC 7296 2.23: when the peer
 * is behind a NAT and we are not, the IKE SAs move to that address and port (an
 * ike.nat.remote_changed event, then env->peer_moved). True when they moved. */
bool ikev2_conn_esp_authenticated(Ikev2Conn *c, Ipv4Addr src, uint16_t sport);
/* The timer armed through env->timer_schedule fired. */
void ikev2_conn_timeout(Ikev2Conn *c);
/* An ESP lifetime event for the child whose inbound or outbound SPI is spi: a soft limit
 * starts a rekey, a hard limit removes the child at once and, when it was still in use
 * (not an old SA already replaced by a rekey), sends the peer its Delete. */
void ikev2_conn_child_expired(Ikev2Conn *c, uint32_t spi, bool hard);

/* Owner requests (tests and the timeline): rekey a child (by inbound SPI, 0: the first),
 * rekey the IKE SA, add a child for the configured selector line 'ts_index', delete a
 * child, close the connection (Delete of the IKE SA). False when there is nothing to do. */
bool ikev2_conn_rekey_child(Ikev2Conn *c, uint32_t spi_in);
bool ikev2_conn_rekey_ike(Ikev2Conn *c);
bool ikev2_conn_add_child(Ikev2Conn *c, size_t ts_index);
/* The selector lines of a configuration (IkeConfig.ts_lines; each pair its own without
 * it) and the line of pair i. A child's ts_index is a line. */
size_t ikev2_cfg_n_lines(const IkeConfig *cfg);
size_t ikev2_cfg_line_of(const IkeConfig *cfg, size_t pair);
bool ikev2_conn_delete_child(Ikev2Conn *c, uint32_t spi_in);
bool ikev2_conn_close(Ikev2Conn *c);
/* RFC 7296 2.4: the peer said (INITIAL_CONTACT, to another engine of ours) that it holds
 * no IKE SA with us but the new one: every established IKE SA of this connection goes, with
 * its children, without a message (the peer would not know the SPIs). Half-open SAs stay.
 * How many went. */
size_t ikev2_conn_forget_established(Ikev2Conn *c, const char *reason);
/* Any IKE SA of the connection is established and not yet deleted (rekeying or rekeyed
 * counts: the peer still holds it), what IkeEnv.has_contact asks of an owner's other
 * engines. */
bool ikev2_conn_has_established(const Ikev2Conn *c);

/* ---- inspection ---- */

/* The current IKE SA's state (IKE_SA_DELETED when there is none). */
IkeSaState ikev2_conn_state(const Ikev2Conn *c);
/* The lower of the current IKE SA's two nonces (Ni, Nr of the exchange that created it),
 * copied into out (IKEV2_NONCE_MAX octets) with its length: what RFC 7296 2.8.1 / 2.8.2
 * compare to pick the redundant one of two SAs. False without a current SA. */
bool ikev2_conn_ike_min_nonce(const Ikev2Conn *c, uint8_t *out, size_t *len);
/* RFC 7296 2.8.1: nonces compare as octet strings, lexicographically, a prefix first. */
int ikev2_nonce_cmp(const uint8_t *a, size_t an, const uint8_t *b, size_t bn);
/* The internal address of the current IKE SA's configuration payload exchange (RFC 7296
 * 2.19): what we were given as initiator or gave as responder. False when none. */
bool ikev2_conn_internal_addr(const Ikev2Conn *c, Ipv4Addr *out);
bool ikev2_conn_ike_spis(const Ikev2Conn *c, uint64_t *spi_i, uint64_t *spi_r);
/* Any IKE SA of the connection has these SPIs (spi_r 0: any responder SPI): the current
 * one, or one rekeyed or being deleted, which still takes its DELETE (RFC 7296 2.8). */
bool ikev2_conn_holds_ike_sa(const Ikev2Conn *c, uint64_t spi_i, uint64_t spi_r);
/* Number of IKE SAs held (current, half-open, rekeyed). */
size_t ikev2_conn_n_ike_sas(const Ikev2Conn *c);
/* The installed child SAs of the current IKE SA. */
size_t ikev2_conn_n_children(const Ikev2Conn *c);
typedef struct {
  uint32_t spi_in, spi_out;
  IkeChildState state;
  uint16_t encr, key_bits, integ, dh;
  bool udp_encap;
  Ipv4Range ts_local, ts_remote; /* the first selector of each side */
} IkeChildInfo;
bool ikev2_conn_child_info(const Ikev2Conn *c, size_t i, IkeChildInfo *out);
/* The negotiated IKE suite of the current SA. */
bool ikev2_conn_ike_suite(const Ikev2Conn *c, uint16_t *encr, uint16_t *key_bits,
                          uint16_t *integ, uint16_t *prf, uint16_t *dh);
bool ikev2_conn_nat_detected(const Ikev2Conn *c, bool *local_behind, bool *remote_behind);
