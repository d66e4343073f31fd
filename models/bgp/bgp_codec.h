/* SPDX-License-Identifier: MIT */
/* BGP-4 message codec (RFC 4271 section 4, capabilities RFC 5492/6793/2918/4760, route
 * refresh RFC 2918, error handling RFC 7606): messages as plain C structs, a table-driven
 * path attribute codec, and a decoder that returns a status, a diagnostic naming the field
 * and the protocol action. Pure code: libc, glib and models/common only; never prints. */
#pragma once

#include "models/common/ipv4.h"
#include "models/common/names.h"
#include "models/common/wire.h"

#include <glib.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BGP_MARKER_LEN 16u
#define BGP_HDR_LEN 19u        /* RFC 4271 4.1: marker, length, type */
#define BGP_MAX_LEN 4096u      /* RFC 4271 4.1 (RFC 8654 extended messages not supported) */
#define BGP_OPEN_MIN_LEN 29u   /* RFC 4271 4.2 */
#define BGP_UPDATE_MIN_LEN 23u /* RFC 4271 4.3 */
#define BGP_NOTIFICATION_MIN_LEN 21u /* RFC 4271 4.5 */
#define BGP_ROUTE_REFRESH_LEN 23u    /* RFC 2918 3 */
#define BGP_VERSION 4u
#define BGP_AS_TRANS 23456u    /* RFC 6793 9 */
#define BGP_MAX_CAPS 32u
#define BGP_MAX_SEGMENT_ASNS 255u

/* RFC 4271 4.1 and IANA "BGP Message Types". */
typedef enum {
  BGP_MSG_OPEN = 1,
  BGP_MSG_UPDATE = 2,
  BGP_MSG_NOTIFICATION = 3,
  BGP_MSG_KEEPALIVE = 4,
  BGP_MSG_ROUTE_REFRESH = 5, /* RFC 2918 */
} BgpMsgType;

/* RFC 4271 4.5 and IANA "BGP Error (Notification) Codes". */
typedef enum {
  BGP_ERR_HEADER = 1,
  BGP_ERR_OPEN = 2,
  BGP_ERR_UPDATE = 3,
  BGP_ERR_HOLD_TIMER = 4,
  BGP_ERR_FSM = 5,
  BGP_ERR_CEASE = 6,
  BGP_ERR_ROUTE_REFRESH = 7, /* RFC 7313 */
} BgpErrCode;

/* RFC 4271 6.1: Message Header Error subcodes */
enum {
  BGP_HDR_CONN_NOT_SYNC = 1,
  BGP_HDR_BAD_LENGTH = 2,
  BGP_HDR_BAD_TYPE = 3,
};

/* RFC 4271 6.2, RFC 5492 5: OPEN Message Error subcodes */
enum {
  BGP_OPEN_UNSPECIFIC = 0,
  BGP_OPEN_UNSUPPORTED_VERSION = 1,
  BGP_OPEN_BAD_PEER_AS = 2,
  BGP_OPEN_BAD_BGP_ID = 3,
  BGP_OPEN_UNSUPPORTED_PARAM = 4,
  BGP_OPEN_UNACCEPTABLE_HOLD = 6,
  BGP_OPEN_UNSUPPORTED_CAP = 7,
};

/* RFC 4271 6.3: UPDATE Message Error subcodes */
enum {
  BGP_UPD_MALFORMED_ATTR_LIST = 1,
  BGP_UPD_UNRECOGNIZED_WELL_KNOWN = 2,
  BGP_UPD_MISSING_WELL_KNOWN = 3,
  BGP_UPD_ATTR_FLAGS = 4,
  BGP_UPD_ATTR_LENGTH = 5,
  BGP_UPD_INVALID_ORIGIN = 6,
  BGP_UPD_INVALID_NEXT_HOP = 8,
  BGP_UPD_OPTIONAL_ATTR = 9,
  BGP_UPD_INVALID_NETWORK = 10,
  BGP_UPD_MALFORMED_AS_PATH = 11,
};

/* RFC 6608: Finite State Machine Error subcodes */
enum {
  BGP_FSM_UNSPECIFIED = 0,
  BGP_FSM_IN_OPENSENT = 1,
  BGP_FSM_IN_OPENCONFIRM = 2,
  BGP_FSM_IN_ESTABLISHED = 3,
};

/* RFC 4486 (and RFC 9384): Cease subcodes */
enum {
  BGP_CEASE_MAX_PREFIXES = 1,
  BGP_CEASE_ADMIN_SHUTDOWN = 2,
  BGP_CEASE_PEER_DECONFIGURED = 3,
  BGP_CEASE_ADMIN_RESET = 4,
  BGP_CEASE_CONNECTION_REJECTED = 5,
  BGP_CEASE_OTHER_CONFIG_CHANGE = 6,
  BGP_CEASE_COLLISION_RESOLUTION = 7,
  BGP_CEASE_OUT_OF_RESOURCES = 8,
};

/* IANA "Capability Codes". */
typedef enum {
  BGP_CAP_MP = 1,                /* RFC 4760 */
  BGP_CAP_ROUTE_REFRESH = 2,     /* RFC 2918 */
  BGP_CAP_EXT_NEXT_HOP = 5,      /* RFC 8950 */
  BGP_CAP_EXT_MESSAGE = 6,       /* RFC 8654 */
  BGP_CAP_GRACEFUL_RESTART = 64, /* RFC 4724 */
  BGP_CAP_AS4 = 65,              /* RFC 6793 */
  BGP_CAP_ADD_PATH = 69,         /* RFC 7911 */
  BGP_CAP_ENHANCED_REFRESH = 70, /* RFC 7313 */
  BGP_CAP_LLGR = 71,             /* RFC 9494 */
  BGP_CAP_FQDN = 73,
  BGP_CAP_ROUTE_REFRESH_OLD = 128, /* pre-standard (Cisco) */
} BgpCapCode;

#define BGP_OPT_PARAM_CAPABILITIES 2u /* RFC 5492 4 */
#define BGP_AFI_IPV4 1u
#define BGP_AFI_IPV6 2u
#define BGP_SAFI_UNICAST 1u

/* IANA "BGP Path Attributes". */
typedef enum {
  BGP_ATTR_ORIGIN = 1,
  BGP_ATTR_AS_PATH = 2,
  BGP_ATTR_NEXT_HOP = 3,
  BGP_ATTR_MED = 4,
  BGP_ATTR_LOCAL_PREF = 5,
  BGP_ATTR_ATOMIC_AGGREGATE = 6,
  BGP_ATTR_AGGREGATOR = 7,
  BGP_ATTR_COMMUNITIES = 8,     /* RFC 1997 */
  BGP_ATTR_MP_REACH_NLRI = 14,  /* RFC 4760, carried opaque */
  BGP_ATTR_MP_UNREACH_NLRI = 15,
  BGP_ATTR_AS4_PATH = 17,       /* RFC 6793 */
  BGP_ATTR_AS4_AGGREGATOR = 18,
} BgpAttrType;

/* RFC 4271 4.3: Attribute Flags */
enum {
  BGP_AF_OPTIONAL = 0x80,
  BGP_AF_TRANSITIVE = 0x40,
  BGP_AF_PARTIAL = 0x20,
  BGP_AF_EXT_LEN = 0x10,
};

/* RFC 4271 4.3: ORIGIN values */
enum { BGP_ORIGIN_IGP = 0, BGP_ORIGIN_EGP = 1, BGP_ORIGIN_INCOMPLETE = 2 };
/* RFC 4271 4.3: AS_PATH segment types */
enum { BGP_AS_SET = 1, BGP_AS_SEQUENCE = 2 };

extern const NameTable bgp_msg_type_names;
extern const NameTable bgp_err_code_names;
extern const NameTable bgp_cap_names;
extern const NameTable bgp_attr_names;
extern const NameTable bgp_origin_names;
extern const NameTable bgp_segment_names;
extern const NameTable bgp_afi_names;
extern const NameTable bgp_safi_names;
/* The subcode's name for its code ("Maximum Number of Prefixes Reached"), or "<9>". */
const char *bgp_err_subcode_fmt(uint8_t code, uint8_t subcode, char buf[NAME_BUFSZ]);

/* ---- structs ---- */

/* One capability (RFC 5492 4) as it travels; 'param' is the index of the optional
 * parameter it came in (the encoder puts consecutive capabilities of the same index into
 * one parameter; BIRD and FRR send one parameter with them all). */
typedef struct {
  uint8_t code;
  uint8_t param;
  uint8_t len;
  uint8_t value[255];
} BgpCap;

/* RFC 4271 4.2 */
typedef struct {
  uint8_t version;   /* 4 */
  uint16_t my_as;    /* AS_TRANS when the speaker's AS needs 4 octets */
  uint16_t hold_time;
  Ipv4Addr bgp_id;
  BgpCap caps[BGP_MAX_CAPS];
  size_t n_caps;
} BgpOpen;

/* What the capabilities of an OPEN say, for the FSM. */
typedef struct {
  bool as4;           /* RFC 6793 */
  uint32_t as4_number;
  bool route_refresh; /* RFC 2918 (or the pre-standard code 128) */
  bool enhanced_refresh;
  bool mp_ipv4_unicast; /* RFC 4760: the MP capability for AFI 1 / SAFI 1 */
  size_t n_mp;          /* MP capabilities of any family */
  bool graceful_restart;
} BgpCapsSummary;

/* RFC 4271 4.3: AS_PATH segment (ASNs always held as 4 octets). */
typedef struct {
  uint8_t type; /* BGP_AS_SET, BGP_AS_SEQUENCE */
  uint8_t n;
  uint32_t asn[BGP_MAX_SEGMENT_ASNS];
} BgpAsSegment;

typedef struct {
  BgpAsSegment *seg;
  size_t n_seg;
} BgpAsPath;

/* An attribute we carry without understanding it (unknown optional, MP_REACH/UNREACH). */
typedef struct {
  uint8_t flags;
  uint8_t type;
  uint16_t len;
  uint8_t *value;
} BgpRawAttr;

/* The path attributes of an UPDATE: 'present' has bit (1u << type) for every known
 * attribute held; unknown ones are in 'other' in wire order. */
typedef struct {
  uint32_t present;
  uint32_t partial; /* bit (1u << type): the Partial flag came set (RFC 4271 5) */
  uint8_t origin;
  BgpAsPath as_path;
  Ipv4Addr next_hop;
  uint32_t med;
  uint32_t local_pref;
  uint32_t aggregator_as;
  Ipv4Addr aggregator_addr;
  uint32_t *communities;
  size_t n_communities;
  BgpAsPath as4_path;
  uint32_t as4_aggregator_as;
  Ipv4Addr as4_aggregator_addr;
  BgpRawAttr *other;
  size_t n_other;
} BgpAttrs;

static inline bool bgp_attrs_has(const BgpAttrs *a, unsigned type)
{
  return type < 32 && (a->present & (1u << type));
}

/* RFC 4271 4.3 */
typedef struct {
  Ipv4Prefix *withdrawn;
  size_t n_withdrawn;
  BgpAttrs attrs;
  Ipv4Prefix *nlri;
  size_t n_nlri;
} BgpUpdate;

/* RFC 4271 4.5 */
typedef struct {
  uint8_t code;
  uint8_t subcode;
  uint8_t data[BGP_MAX_LEN];
  size_t data_len;
} BgpNotification;

/* RFC 2918 3 */
typedef struct {
  uint16_t afi;
  uint8_t subtype; /* reserved in RFC 2918, subtype in RFC 7313 */
  uint8_t safi;
} BgpRouteRefresh;

typedef struct {
  uint8_t type; /* BgpMsgType */
  union {
    BgpOpen open;
    BgpUpdate update;
    BgpNotification notification;
    BgpRouteRefresh refresh;
  } u;
} BgpMessage;

/* What the session knows that the wire format depends on. */
typedef struct {
  bool as4; /* both sides sent the 4-octet AS capability (RFC 6793 3) */
} BgpCodecCtx;

/* ---- decode results and the protocol action (one place) ---- */

/* RFC 7606 2: what the session does with a message, in increasing severity. */
typedef enum {
  BGP_ACT_ACCEPT = 0,
  BGP_ACT_ATTR_DISCARD,      /* drop the attribute, process the rest of the UPDATE */
  BGP_ACT_TREAT_AS_WITHDRAW, /* the UPDATE's NLRI are withdrawn, nothing is learned */
  BGP_ACT_SESSION_RESET,     /* NOTIFICATION code/subcode, then close the connection */
} BgpAction;

extern const NameTable bgp_action_names;

/* Where a decode stopped: status, field diagnostic, action, the NOTIFICATION code and
 * subcode for a session reset, the attribute concerned, and the NOTIFICATION data as a
 * span of the decoded buffer (RFC 4271 6: the erroneous field, attribute or parameter). */
typedef struct {
  WireStatus status;
  WireDiag diag;
  BgpAction action;
  uint8_t code, subcode;
  uint8_t attr_type;
  size_t data_off, data_len;
} BgpDiag;

/* ---- API ---- */

BgpMessage *bgp_message_new(uint8_t type);
void bgp_message_free(BgpMessage *m);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(BgpMessage, bgp_message_free)

/* OPEN: version 4, my_as from 'asn' (AS_TRANS above 65535), no capabilities yet. */
BgpMessage *bgp_open_new(uint32_t asn, uint16_t hold_time, Ipv4Addr bgp_id);
/* Append a capability (false when full). */
bool bgp_open_add_cap(BgpOpen *o, uint8_t code, const void *value, uint8_t len);
bool bgp_open_add_mp(BgpOpen *o, uint16_t afi, uint8_t safi);
bool bgp_open_add_as4(BgpOpen *o, uint32_t asn);
const BgpCap *bgp_open_find_cap(const BgpOpen *o, uint8_t code);
void bgp_open_caps(const BgpOpen *o, BgpCapsSummary *s);
/* The speaker's AS: the 4-octet capability's when present, else My Autonomous System. */
uint32_t bgp_open_asn(const BgpOpen *o);

BgpMessage *bgp_notification_new(uint8_t code, uint8_t subcode, const void *data, size_t n);
/* The NOTIFICATION a decode failure calls for (RFC 4271 6; the data from the received
 * bytes, or the version we support for Unsupported Version Number). NULL unless the action
 * is a session reset. */
BgpMessage *bgp_notification_from_diag(const BgpDiag *d, const uint8_t *buf, size_t len);

/* UPDATE builders. */
void bgp_update_add_withdrawn(BgpUpdate *u, Ipv4Prefix p);
void bgp_update_add_nlri(BgpUpdate *u, Ipv4Prefix p);
void bgp_attrs_set_origin(BgpAttrs *a, uint8_t origin);
/* Append a segment of n ASNs to the path (as_path or as4_path). */
void bgp_as_path_add_segment(BgpAsPath *p, uint8_t type, const uint32_t *asn, size_t n);
void bgp_as_path_clear(BgpAsPath *p);
void bgp_as_path_copy(BgpAsPath *dst, const BgpAsPath *src);
/* RFC 4271 9.1.2.2 a: an AS_SET counts 1, each AS of an AS_SEQUENCE counts 1. */
unsigned bgp_as_path_length(const BgpAsPath *p);
/* The first AS of the path (the neighbour's, for eBGP), or 0 when none. */
uint32_t bgp_as_path_first(const BgpAsPath *p);
bool bgp_as_path_contains(const BgpAsPath *p, uint32_t asn);
/* RFC 6793 4.2.3: the path a NEW speaker uses, rebuilt from AS_PATH and AS4_PATH as received
 * from an OLD speaker (out must be empty; as4_path ignored when longer than as_path). */
void bgp_as_path_merge_as4(const BgpAttrs *a, BgpAsPath *out);
void bgp_attrs_set_path(BgpAttrs *a, const uint32_t *seq, size_t n);
void bgp_attrs_add_community(BgpAttrs *a, uint32_t c);
void bgp_attrs_clear(BgpAttrs *a);
void bgp_attrs_copy(BgpAttrs *dst, const BgpAttrs *src);
#define bgp_attrs_set(a, type) ((a)->present |= 1u << (type))

/* Find one whole message at the start of a TCP byte stream: WIRE_OK with *msg_len when it
 * is there, WIRE_TRUNCATED when more bytes are needed, else the header error (RFC 4271
 * 6.1) in d. */
WireStatus bgp_frame(const uint8_t *buf, size_t len, size_t *msg_len, BgpDiag *d);

/* Decode one message of exactly len bytes. On a session reset *out is NULL. On an RFC 7606
 * treat-as-withdraw or attribute discard the status says what was wrong and *out holds
 * the message (the broken attribute left out); the action tells the caller what to do. */
WireStatus bgp_message_decode(const uint8_t *buf, size_t len, const BgpCodecCtx *ctx,
                              BgpMessage **out, BgpDiag *d);

/* Encode a message, computing every length; ASNs above 65535 become AS_TRANS on a 2-octet
 * session with AS4_PATH / AS4_AGGREGATOR added (RFC 6793 4.2.2). False on a writer failure
 * or a message above 4096 octets. */
bool bgp_message_encode(const BgpMessage *m, const BgpCodecCtx *ctx, WireWriter *w);
