/* SPDX-License-Identifier: MIT */
/* Inside the IKEv2 engine: the IKE SA and child SA structs, the task model (an exchange
 * as a task with an initiator build/process pair and a responder handler, after
 * strongSwan's libcharon) and the helpers the task files share with ikev2_sa.c. */
#pragma once

#include "models/ike/ike_crypto.h"
#include "models/ike/ikev2_proposal.h"
#include "models/ike/ikev2_sa.h"
#include "models/ike/ikev2_sk.h"

#include <glib.h>

#define IKEV2_NONCE_LEN 32u /* ours; a peer's may be 16 to 256 octets (RFC 7296 2.10) */
#define NEVER INT64_MAX
#define NS_PER_S 1000000000LL
#define NS_PER_MS 1000000LL

typedef struct IkeSa IkeSa;
typedef struct Ikev2Task Ikev2Task;

#define IKE_COOKIE_MAX 64 /* RFC 7296 2.6: 1 to 64 octets */
#define IKE_COOKIE_TRIES 3 /* answers with a new cookie before the initiator gives up */

typedef struct {
  uint8_t b[IKEV2_NONCE_MAX];
  size_t n;
} IkeNonce;

/* Take a message's nonce; false when absent or outside 16..256 octets. */
bool ike_nonce_get(const Ikev2Message *m, IkeNonce *out);
/* A fresh nonce of the configured length. */
void ike_nonce_new(const Ikev2Conn *c, IkeNonce *out);

typedef struct {
  uint32_t spi_in, spi_out;
  IkeChildState state;
  Ikev2Chosen alg;
  Ipv4Range ts_l[IKEV2_MAX_TS], ts_r[IKEV2_MAX_TS];
  size_t n_l, n_r;
  size_t ts_index;      /* the configured pair it serves (0 for any-to-any) */
  bool installed;       /* handed to the owner */
  bool redundant;       /* our rekey lost a collision: we delete it (RFC 7296 2.8.1) */
  int64_t rekey_at, expire_at;
} IkeChild;

typedef enum {
  TASK_IKE_INIT,
  TASK_IKE_AUTH,
  TASK_CHILD_CREATE,
  TASK_CHILD_REKEY,
  TASK_IKE_REKEY,
  TASK_CHILD_DELETE,
  TASK_IKE_DELETE,
  TASK_DPD,
} Ikev2TaskKind;

typedef struct {
  const char *name;
  uint8_t exchange;
  /* initiator: fill the request; false: nothing to send (the task is dropped) */
  bool (*build_i)(IkeSa *sa, Ikev2Task *t, Ikev2Message *req);
  /* initiator: the response arrived (decoded, decrypted, rules checked) */
  void (*process_i)(IkeSa *sa, Ikev2Task *t, const Ikev2Message *resp);
} Ikev2TaskOps;

struct Ikev2Task {
  Ikev2TaskKind kind;
  const Ikev2TaskOps *ops;
  IkeDh *dh;
  IkeNonce nonce;
  uint16_t dh_group;     /* KE group to use (INVALID_KE_PAYLOAD retry) */
  /* IKE_SA_INIT retried with the responder's cookie (RFC 7296 2.6): N(COOKIE) first,
   * the same nonce and KE (dh moved from the task answered) */
  uint8_t cookie[IKE_COOKIE_MAX];
  size_t cookie_len;
  unsigned cookie_tries;
  uint32_t spi;          /* new child's inbound SPI */
  uint64_t new_ike_spi;  /* IKE rekey: our SPI of the new IKE SA */
  uint32_t target;       /* child rekey/delete: the child's inbound SPI */
  bool gone;             /* child delete: already removed here (hard lifetime), the
                            Delete only tells the peer */
  size_t ts_index;
  int64_t deadline;      /* give up at this time (DPD), NEVER otherwise */
  /* a collision (RFC 7296 2.8.1): what we created as responder for the same SA */
  bool collided;
  uint32_t coll_child_spi;          /* child rekey collision: the peer-initiated new child */
  IkeSa *coll_sa;                   /* IKE rekey collision: the peer-initiated new IKE SA */
  IkeNonce coll_min;                /* lowest nonce of the peer's exchange */
};

struct IkeSa {
  Ikev2Conn *conn;
  uint64_t spi_i, spi_r;
  bool initiator; /* we are this IKE SA's original initiator */
  IkeSaState state;
  IkeKeys *keys;
  bool keyrow_written; /* the ikev2_decryption_table row went out */
  Ikev2Chosen suite;
  IkeNonce ni, nr;
  GBytes *init_req, *init_resp; /* the IKE_SA_INIT messages AUTH signs */
  /* our requests (RFC 7296 2.3: window size 1) */
  uint32_t msg_out;
  GQueue tasks;
  Ikev2Task *active;
  GPtrArray *req_pkts; /* GBytes: the request datagram(s) */
  int64_t retrans_at;
  unsigned retrans_n;
  /* the peer's requests */
  uint32_t msg_in;
  GPtrArray *resp_pkts; /* the last response, resent on a duplicate request */
  Ikev2FragSet *frags;
  uint32_t frags_msg;
  bool frags_resp;
  GPtrArray *children; /* IkeChild */
  /* addressing: NAT traversal moves both ports to 4500 */
  Ipv4Addr raddr;
  uint16_t lport, rport;
  bool nat_local, nat_remote, peer_frag;
  bool impair_follow_told; /* IkeConfig.impair_no_nat_follow: its impair.applied event */
  /* timers */
  int64_t half_open_at, rekey_at, dpd_at, keepalive_at, last_rx;
  bool has_cp;      /* a CP exchange gave (or took) cp_addr (RFC 7296 2.19) */
  Ipv4Addr cp_addr;
  uint8_t exchange; /* the exchange being processed or last started, for events */
  char reason[64];  /* why the last state change happened */
};

struct Ikev2Conn {
  IkeConfig cfg;
  IkeEnv env;
  GPtrArray *sas; /* IkeSa; the current one is the last established */
  IkeSa *current;
  int64_t armed; /* the timer we asked for */
  /* the datagram being processed: addressing and raw bytes (IKE_SA_INIT, NAT detection) */
  Ipv4Addr rx_src, rx_dst;
  uint16_t rx_sport, rx_dport;
  const uint8_t *rx_raw;
  size_t rx_len;
  IkeConnCounters ctr;
  uint32_t drop_events[IKE_DROP__COUNT]; /* ike.drop events emitted per reason */
  uint8_t cookie_secret[32];             /* drawn when the first cookie is needed */
  bool have_cookie_secret;
};

/* ikev2_sa.c */
int64_t ike_now(const IkeSa *sa);
IkeSa *ike_sa_new(Ikev2Conn *c, bool initiator);
void ike_sa_set_state(IkeSa *sa, IkeSaState s, const char *reason);
void ike_sa_destroy(IkeSa *sa, const char *reason);
void ike_sa_queue(IkeSa *sa, Ikev2Task *t);
Ikev2Task *ike_task_new(Ikev2TaskKind kind);
void ike_task_free(Ikev2Task *t);
void ike_sa_emit(const IkeSa *sa, const char *type, const char *key, const char *val);
void ike_sa_emit_notify(const IkeSa *sa, uint16_t type, const char *exchange);
/* ike.child.installed / ike.child.rekeyed of child ch: its SPIs and the transforms the
 * exchange chose (encr, key_bits, integ, pfs: the group, 0 for none), as IKEv1's. */
void ike_child_emit(const IkeSa *sa, const IkeChild *ch, const char *type, const char *exchange);
void ike_sa_established(IkeSa *sa);
/* Hand the owner the SA's key-table row, once, as soon as its keys exist (after
 * IKE_SA_INIT: a failed IKE_AUTH can be decrypted too). */
void ike_sa_keytable(IkeSa *sa);
void ike_conn_reschedule(Ikev2Conn *c);
void ike_conn_set_current(Ikev2Conn *c, IkeSa *sa);
uint16_t ike_default_dh(const Ikev2Conn *c);

/* child helpers (ikev2_child.c) */
/* The child proposals we offer when initiating (IkeConfig.esp_offer, else esp). */
static inline const ChildProposalCfg *ike_child_offer(const Ikev2Conn *c, size_t *n)
{
  *n = c->cfg.n_esp_offer ? c->cfg.n_esp_offer : c->cfg.n_esp;
  return c->cfg.n_esp_offer ? c->cfg.esp_offer : c->cfg.esp;
}

IkeChild *ike_child_find(IkeSa *sa, uint32_t spi_in);
IkeChild *ike_child_find_out(IkeSa *sa, uint32_t spi_out);
uint32_t ike_child_new_spi(IkeSa *sa);
/* Responder: keep the child negotiated in ch (an inbound SPI of ours, the initiator's as
 * outbound) and answer with the chosen proposal, the response's SA payload. */
IkeChild *ike_child_accept_new(IkeSa *sa, const IkeChild *ch, Ikev2Message *resp);
/* Derive KEYMAT (2.17; gir NULL without PFS) and hand the pair to the owner; fills child. */
bool ike_child_install(IkeSa *sa, IkeChild *ch, const uint8_t *gir, size_t gir_len,
                       const IkeNonce *ni, const IkeNonce *nr, bool we_initiated,
                       uint32_t rekey_of);
void ike_child_set_state(IkeSa *sa, IkeChild *ch, IkeChildState s, const char *reason);
void ike_child_remove(IkeSa *sa, IkeChild *ch, const char *reason);
void ike_child_schedule(IkeSa *sa, IkeChild *ch);
/* Our selectors for a configured pair (any-to-any without configuration). */
size_t ike_child_local_ts(const Ikev2Conn *c, size_t idx, Ipv4Range *out);
size_t ike_child_remote_ts(const Ikev2Conn *c, size_t idx, Ipv4Range *out);
/* Responder: narrow the request's TSi/TSr to policy, into ch; false: TS_UNACCEPTABLE. */
bool ike_child_narrow(IkeSa *sa, const Ikev2Message *req, IkeChild *ch);
/* Initiator: take the response's TSi/TSr into ch; false when outside what we proposed. */
/* The responder's selectors for our child: false when it widened them; *narrowed says
 * whether it narrowed them (refused by a connection with ts_no_narrowing). */
bool ike_child_accept_ts(IkeSa *sa, const Ikev2Message *resp, IkeChild *ch, bool *narrowed);
/* Initiator: the first verdicts on a response creating ch (IKE_AUTH, CREATE_CHILD_SA):
 * an error Notify (emitted, RFC 7296 2.21.1: the child failed, the IKE SA stands) or an
 * SA that is none of our offers (with_dh: a CREATE_CHILD_SA, whose proposals carry the
 * PFS group) is the reason returned (in b for a notify's name); NULL: accepted, ch->alg
 * is the responder's choice. */
const char *ike_child_check_response(IkeSa *sa, const Ikev2Message *resp, IkeChild *ch,
                                     bool with_dh, const char *exchange, char b[NAME_BUFSZ]);
/* Refuse a child the responder created with narrowed selectors: it is never installed
 * here and a Delete for it goes out first (RFC 7296 2.9: an initiator that does not like
 * the narrowing deletes the SA). */
void ike_child_refuse_narrowed(IkeSa *sa, IkeChild *ch);
void ike_child_put_ts(const IkeChild *ch, bool initiator, Ikev2Message *m);
void ike_add_notify(Ikev2Message *m, uint16_t type, uint8_t proto, const void *spi,
                    uint8_t spi_size, const void *data, size_t n);
/* A CERTREQ of trust's root hashes, X.509 encoding (RFC 7296 3.7). */
void ike_add_certreq(Ikev2Message *m, const IkeTrust *trust);
/* The first error Notify of a message (0: none). */
uint16_t ike_error_notify(const Ikev2Message *m);

/* task tables and responder handlers (ikev2_task_*.c) */
extern const Ikev2TaskOps ike_task_init_ops, ike_task_auth_ops, ike_task_child_ops,
    ike_task_child_rekey_ops, ike_task_ike_rekey_ops, ike_task_delete_ops, ike_task_dpd_ops;
void ike_init_respond(IkeSa *sa, const Ikev2Message *req, Ikev2Message *resp);
void ike_auth_respond(IkeSa *sa, const Ikev2Message *req, Ikev2Message *resp);
void ike_child_respond(IkeSa *sa, const Ikev2Message *req, Ikev2Message *resp);
void ike_info_respond(IkeSa *sa, const Ikev2Message *req, Ikev2Message *resp);
