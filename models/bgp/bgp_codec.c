/* SPDX-License-Identifier: MIT */
/* BGP-4 message codec: header, OPEN with capabilities, UPDATE with its path attributes
 * (one descriptor row per attribute), NOTIFICATION, KEEPALIVE and ROUTE-REFRESH, with the
 * RFC 7606 error actions decided in one place per attribute. */
#include "models/bgp/bgp_codec.h"

#include <string.h>

/* ---- name tables (IANA "Border Gateway Protocol (BGP) Parameters") ---- */

NAME_TABLE(bgp_msg_type_names, "BGP message type", {1, "OPEN"}, {2, "UPDATE"},
           {3, "NOTIFICATION"}, {4, "KEEPALIVE"}, {5, "ROUTE-REFRESH"});

NAME_TABLE(bgp_err_code_names, "BGP error code", {1, "Message Header Error"},
           {2, "OPEN Message Error"}, {3, "UPDATE Message Error"}, {4, "Hold Timer Expired"},
           {5, "Finite State Machine Error"}, {6, "Cease"}, {7, "ROUTE-REFRESH Message Error"});

NAME_TABLE(bgp_header_sub_names, "BGP Message Header Error subcode",
           {1, "Connection Not Synchronized"}, {2, "Bad Message Length"},
           {3, "Bad Message Type"});

NAME_TABLE(bgp_open_sub_names, "BGP OPEN Message Error subcode", {0, "Unspecific"},
           {1, "Unsupported Version Number"}, {2, "Bad Peer AS"}, {3, "Bad BGP Identifier"},
           {4, "Unsupported Optional Parameter"}, {6, "Unacceptable Hold Time"},
           {7, "Unsupported Capability"});

NAME_TABLE(bgp_update_sub_names, "BGP UPDATE Message Error subcode",
           {1, "Malformed Attribute List"}, {2, "Unrecognized Well-known Attribute"},
           {3, "Missing Well-known Attribute"}, {4, "Attribute Flags Error"},
           {5, "Attribute Length Error"}, {6, "Invalid ORIGIN Attribute"},
           {8, "Invalid NEXT_HOP Attribute"}, {9, "Optional Attribute Error"},
           {10, "Invalid Network Field"}, {11, "Malformed AS_PATH"});

NAME_TABLE(bgp_fsm_sub_names, "BGP FSM Error subcode", {0, "Unspecified Error"},
           {1, "Receive Unexpected Message in OpenSent State"},
           {2, "Receive Unexpected Message in OpenConfirm State"},
           {3, "Receive Unexpected Message in Established State"});

NAME_TABLE(bgp_cease_sub_names, "BGP Cease subcode", {1, "Maximum Number of Prefixes Reached"},
           {2, "Administrative Shutdown"}, {3, "Peer De-configured"}, {4, "Administrative Reset"},
           {5, "Connection Rejected"}, {6, "Other Configuration Change"},
           {7, "Connection Collision Resolution"}, {8, "Out of Resources"},
           {9, "Hard Reset"}, {10, "BFD Down"});

NAME_TABLE(bgp_rr_sub_names, "BGP ROUTE-REFRESH Message Error subcode",
           {1, "Invalid Message Length"});

NAME_TABLE(bgp_cap_names, "BGP capability", {1, "Multiprotocol Extensions"},
           {2, "Route Refresh"}, {5, "Extended Next Hop Encoding"}, {6, "Extended Message"},
           {64, "Graceful Restart"}, {65, "4-octet AS number"}, {69, "ADD-PATH"},
           {70, "Enhanced Route Refresh"}, {71, "Long-Lived Graceful Restart"},
           {73, "FQDN"}, {128, "Route Refresh (old)"});

NAME_TABLE(bgp_attr_names, "BGP path attribute", {1, "ORIGIN"}, {2, "AS_PATH"},
           {3, "NEXT_HOP"}, {4, "MULTI_EXIT_DISC"}, {5, "LOCAL_PREF"},
           {6, "ATOMIC_AGGREGATE"}, {7, "AGGREGATOR"}, {8, "COMMUNITIES"},
           {14, "MP_REACH_NLRI"}, {15, "MP_UNREACH_NLRI"}, {16, "EXTENDED COMMUNITIES"},
           {17, "AS4_PATH"}, {18, "AS4_AGGREGATOR"}, {32, "LARGE_COMMUNITY"});

NAME_TABLE(bgp_origin_names, "BGP ORIGIN", {0, "IGP"}, {1, "EGP"}, {2, "INCOMPLETE"});
NAME_TABLE(bgp_segment_names, "AS_PATH segment type", {1, "AS_SET"}, {2, "AS_SEQUENCE"});
NAME_TABLE(bgp_afi_names, "address family", {1, "IPv4"}, {2, "IPv6"});
NAME_TABLE(bgp_safi_names, "subsequent address family", {1, "unicast"}, {2, "multicast"});

NAME_TABLE(bgp_action_names, "BGP error action", {BGP_ACT_ACCEPT, "accept"},
           {BGP_ACT_ATTR_DISCARD, "attribute-discard"},
           {BGP_ACT_TREAT_AS_WITHDRAW, "treat-as-withdraw"},
           {BGP_ACT_SESSION_RESET, "session-reset"});

const char *bgp_err_subcode_fmt(uint8_t code, uint8_t subcode, char buf[NAME_BUFSZ])
{
  static const NameTable *const by_code[] = {
      [BGP_ERR_HEADER] = &bgp_header_sub_names, [BGP_ERR_OPEN] = &bgp_open_sub_names,
      [BGP_ERR_UPDATE] = &bgp_update_sub_names, [BGP_ERR_FSM] = &bgp_fsm_sub_names,
      [BGP_ERR_CEASE] = &bgp_cease_sub_names,   [BGP_ERR_ROUTE_REFRESH] = &bgp_rr_sub_names,
  };
  static const NameTable none = {"BGP error subcode", NULL, 0};
  const NameTable *t = code < G_N_ELEMENTS(by_code) && by_code[code] ? by_code[code] : &none;
  return name_fmt(t, subcode, buf);
}

/* ---- diagnostics: the single place where a finding becomes an action ---- */

/* Keep the most severe finding (RFC 7606 3: "the approach ... that is the most severe");
 * among equals, the first. */
static void note(BgpDiag *d, const WireReader *r, BgpAction act, uint8_t code, uint8_t sub,
                 uint8_t attr, size_t data_off, size_t data_len)
{
  if (d->action != BGP_ACT_ACCEPT && d->action >= act)
    return;
  d->status = r->status == WIRE_OK ? WIRE_MALFORMED : r->status;
  d->diag = r->diag;
  d->action = act;
  d->code = code;
  d->subcode = sub;
  d->attr_type = attr;
  d->data_off = data_off;
  d->data_len = data_len;
}

/* Fail r at its position and note a session reset (RFC 4271 6) with code/subcode. */
static void reset(WireReader *r, BgpDiag *d, WireStatus s, const char *field, uint64_t seen,
                  uint64_t bound, uint8_t code, uint8_t sub, size_t data_off, size_t data_len)
{
  wire_fail(r, s, field, seen, bound);
  note(d, r, BGP_ACT_SESSION_RESET, code, sub, 0, data_off, data_len);
}

/* ---- ownership and builders ---- */

void bgp_as_path_clear(BgpAsPath *p)
{
  g_free(p->seg);
  p->seg = NULL;
  p->n_seg = 0;
}

void bgp_as_path_copy(BgpAsPath *dst, const BgpAsPath *src)
{
  dst->seg = src->n_seg ? g_memdup2(src->seg, src->n_seg * sizeof *src->seg) : NULL;
  dst->n_seg = src->n_seg;
}

void bgp_as_path_add_segment(BgpAsPath *p, uint8_t type, const uint32_t *asn, size_t n)
{
  g_return_if_fail(n <= BGP_MAX_SEGMENT_ASNS);
  p->seg = g_renew(BgpAsSegment, p->seg, p->n_seg + 1);
  BgpAsSegment *s = &p->seg[p->n_seg++];
  s->type = type;
  s->n = (uint8_t)n;
  if (n)
    memcpy(s->asn, asn, n * sizeof *asn);
}

unsigned bgp_as_path_length(const BgpAsPath *p)
{
  unsigned n = 0;
  for (size_t i = 0; i < p->n_seg; i++)
    n += p->seg[i].type == BGP_AS_SET ? 1u : p->seg[i].n;
  return n;
}

uint32_t bgp_as_path_first(const BgpAsPath *p)
{
  return p->n_seg && p->seg[0].type == BGP_AS_SEQUENCE && p->seg[0].n ? p->seg[0].asn[0] : 0;
}

bool bgp_as_path_contains(const BgpAsPath *p, uint32_t asn)
{
  for (size_t i = 0; i < p->n_seg; i++)
    for (unsigned j = 0; j < p->seg[i].n; j++)
      if (p->seg[i].asn[j] == asn)
        return true;
  return false;
}

void bgp_as_path_merge_as4(const BgpAttrs *a, BgpAsPath *out)
{
  unsigned n2 = bgp_as_path_length(&a->as_path);
  unsigned n4 = bgp_as_path_length(&a->as4_path);
  if (!bgp_attrs_has(a, BGP_ATTR_AS4_PATH) || n2 < n4) {
    /* RFC 6793 4.2.3: an AS4_PATH longer than AS_PATH is ignored */
    bgp_as_path_copy(out, &a->as_path);
    return;
  }
  /* the leading n2 - n4 ASes of AS_PATH, then AS4_PATH */
  unsigned keep = n2 - n4;
  for (size_t i = 0; i < a->as_path.n_seg && keep; i++) {
    const BgpAsSegment *s = &a->as_path.seg[i];
    unsigned take = s->type == BGP_AS_SET ? s->n : MIN(keep, (unsigned)s->n);
    bgp_as_path_add_segment(out, s->type, s->asn, take);
    keep -= s->type == BGP_AS_SET ? 1u : take;
  }
  for (size_t i = 0; i < a->as4_path.n_seg; i++)
    bgp_as_path_add_segment(out, a->as4_path.seg[i].type, a->as4_path.seg[i].asn,
                            a->as4_path.seg[i].n);
}

void bgp_attrs_set_origin(BgpAttrs *a, uint8_t origin)
{
  a->origin = origin;
  bgp_attrs_set(a, BGP_ATTR_ORIGIN);
}

void bgp_attrs_set_path(BgpAttrs *a, const uint32_t *seq, size_t n)
{
  bgp_as_path_clear(&a->as_path);
  if (n)
    bgp_as_path_add_segment(&a->as_path, BGP_AS_SEQUENCE, seq, n);
  bgp_attrs_set(a, BGP_ATTR_AS_PATH);
}

void bgp_attrs_add_community(BgpAttrs *a, uint32_t c)
{
  a->communities = g_renew(uint32_t, a->communities, a->n_communities + 1);
  a->communities[a->n_communities++] = c;
  bgp_attrs_set(a, BGP_ATTR_COMMUNITIES);
}

static void raw_push(BgpAttrs *a, uint8_t flags, uint8_t type, const uint8_t *v, size_t n)
{
  a->other = g_renew(BgpRawAttr, a->other, a->n_other + 1);
  a->other[a->n_other++] = (BgpRawAttr){
      .flags = flags, .type = type, .len = (uint16_t)n, .value = n ? g_memdup2(v, n) : NULL};
}

void bgp_attrs_clear(BgpAttrs *a)
{
  if (!a)
    return;
  bgp_as_path_clear(&a->as_path);
  bgp_as_path_clear(&a->as4_path);
  g_free(a->communities);
  for (size_t i = 0; i < a->n_other; i++)
    g_free(a->other[i].value);
  g_free(a->other);
  memset(a, 0, sizeof *a);
}

void bgp_attrs_copy(BgpAttrs *dst, const BgpAttrs *src)
{
  *dst = *src;
  bgp_as_path_copy(&dst->as_path, &src->as_path);
  bgp_as_path_copy(&dst->as4_path, &src->as4_path);
  dst->communities =
      src->n_communities ? g_memdup2(src->communities, src->n_communities * 4) : NULL;
  dst->other = NULL;
  dst->n_other = 0;
  for (size_t i = 0; i < src->n_other; i++)
    raw_push(dst, src->other[i].flags, src->other[i].type, src->other[i].value,
             src->other[i].len);
}

static void prefix_push(Ipv4Prefix **v, size_t *n, Ipv4Prefix p)
{
  *v = g_renew(Ipv4Prefix, *v, *n + 1);
  (*v)[(*n)++] = ipv4_prefix_make(p.addr, p.len);
}

void bgp_update_add_withdrawn(BgpUpdate *u, Ipv4Prefix p)
{
  prefix_push(&u->withdrawn, &u->n_withdrawn, p);
}

void bgp_update_add_nlri(BgpUpdate *u, Ipv4Prefix p)
{
  prefix_push(&u->nlri, &u->n_nlri, p);
}

BgpMessage *bgp_message_new(uint8_t type)
{
  BgpMessage *m = g_new0(BgpMessage, 1);
  m->type = type;
  return m;
}

void bgp_message_free(BgpMessage *m)
{
  if (!m)
    return;
  if (m->type == BGP_MSG_UPDATE) {
    g_free(m->u.update.withdrawn);
    g_free(m->u.update.nlri);
    bgp_attrs_clear(&m->u.update.attrs);
  }
  g_free(m);
}

BgpMessage *bgp_open_new(uint32_t asn, uint16_t hold_time, Ipv4Addr bgp_id)
{
  BgpMessage *m = bgp_message_new(BGP_MSG_OPEN);
  m->u.open.version = BGP_VERSION;
  /* RFC 6793 4.1: My Autonomous System carries AS_TRANS when the AS needs 4 octets */
  m->u.open.my_as = asn > 0xffff ? BGP_AS_TRANS : (uint16_t)asn;
  m->u.open.hold_time = hold_time;
  m->u.open.bgp_id = bgp_id;
  return m;
}

bool bgp_open_add_cap(BgpOpen *o, uint8_t code, const void *value, uint8_t len)
{
  if (o->n_caps >= BGP_MAX_CAPS)
    return false;
  BgpCap *c = &o->caps[o->n_caps++];
  c->code = code;
  c->param = 0;
  c->len = len;
  if (len)
    memcpy(c->value, value, len);
  return true;
}

bool bgp_open_add_mp(BgpOpen *o, uint16_t afi, uint8_t safi)
{
  /* RFC 4760 8: AFI (2), Reserved (1), SAFI (1) */
  uint8_t v[4] = {(uint8_t)(afi >> 8), (uint8_t)afi, 0, safi};
  return bgp_open_add_cap(o, BGP_CAP_MP, v, 4);
}

bool bgp_open_add_as4(BgpOpen *o, uint32_t asn)
{
  uint8_t v[4];
  wire_store_be32(v, asn);
  return bgp_open_add_cap(o, BGP_CAP_AS4, v, 4);
}

const BgpCap *bgp_open_find_cap(const BgpOpen *o, uint8_t code)
{
  for (size_t i = 0; i < o->n_caps; i++)
    if (o->caps[i].code == code)
      return &o->caps[i];
  return NULL;
}

void bgp_open_caps(const BgpOpen *o, BgpCapsSummary *s)
{
  memset(s, 0, sizeof *s);
  for (size_t i = 0; i < o->n_caps; i++) {
    const BgpCap *c = &o->caps[i];
    switch (c->code) {
    case BGP_CAP_MP:
      s->n_mp++;
      if (c->len == 4 && wire_load_be16(c->value) == BGP_AFI_IPV4 &&
          c->value[3] == BGP_SAFI_UNICAST)
        s->mp_ipv4_unicast = true;
      break;
    case BGP_CAP_ROUTE_REFRESH:
    case BGP_CAP_ROUTE_REFRESH_OLD: s->route_refresh = true; break;
    case BGP_CAP_ENHANCED_REFRESH: s->enhanced_refresh = true; break;
    case BGP_CAP_GRACEFUL_RESTART: s->graceful_restart = true; break;
    case BGP_CAP_AS4:
      if (c->len == 4) {
        s->as4 = true;
        s->as4_number = wire_load_be32(c->value);
      }
      break;
    default: break;
    }
  }
}

uint32_t bgp_open_asn(const BgpOpen *o)
{
  BgpCapsSummary s;
  bgp_open_caps(o, &s);
  return s.as4 ? s.as4_number : o->my_as;
}

BgpMessage *bgp_notification_new(uint8_t code, uint8_t subcode, const void *data, size_t n)
{
  BgpMessage *m = bgp_message_new(BGP_MSG_NOTIFICATION);
  m->u.notification.code = code;
  m->u.notification.subcode = subcode;
  n = MIN(n, (size_t)(BGP_MAX_LEN - BGP_NOTIFICATION_MIN_LEN));
  if (n)
    memcpy(m->u.notification.data, data, n);
  m->u.notification.data_len = n;
  return m;
}

BgpMessage *bgp_notification_from_diag(const BgpDiag *d, const uint8_t *buf, size_t len)
{
  if (d->action != BGP_ACT_SESSION_RESET)
    return NULL;
  if (d->code == BGP_ERR_OPEN && d->subcode == BGP_OPEN_UNSUPPORTED_VERSION) {
    /* RFC 4271 6.2: the largest locally supported version number */
    uint8_t v[2] = {0, BGP_VERSION};
    return bgp_notification_new(d->code, d->subcode, v, 2);
  }
  bool span = d->data_len && buf && d->data_off <= len && d->data_len <= len - d->data_off;
  return bgp_notification_new(d->code, d->subcode, span ? buf + d->data_off : NULL,
                              span ? d->data_len : 0);
}

/* ---- header (RFC 4271 4.1, 6.1) ---- */

/*   Marker (16 octets, all ones) | Length (2) | Type (1) */
static bool header_decode(WireReader *r, size_t avail, uint8_t *type, uint16_t *mlen,
                          BgpDiag *d)
{
  const uint8_t *marker = wire_get_bytes(r, BGP_MARKER_LEN, "marker");
  uint16_t len = wire_get_u16(r, "message length");
  uint8_t t = wire_get_u8(r, "message type");
  if (!wire_ok(r)) {
    note(d, r, BGP_ACT_SESSION_RESET, BGP_ERR_HEADER, BGP_HDR_BAD_LENGTH, 0, 0, 0);
    return false;
  }
  for (unsigned i = 0; i < BGP_MARKER_LEN; i++)
    if (marker[i] != 0xff) {
      /* RFC 4271 6.1: the marker is all ones */
      reset(r, d, WIRE_MALFORMED, "marker", i, BGP_MARKER_LEN, BGP_ERR_HEADER,
            BGP_HDR_CONN_NOT_SYNC, 0, 0);
      return false;
    }
  /* RFC 4271 6.1: Length below 19, above 4096, or wrong for the type; the data is the
   * erroneous Length field */
  size_t min = 0, max = BGP_MAX_LEN;
  switch (t) {
  case BGP_MSG_OPEN: min = BGP_OPEN_MIN_LEN; break;
  case BGP_MSG_UPDATE: min = BGP_UPDATE_MIN_LEN; break;
  case BGP_MSG_NOTIFICATION: min = BGP_NOTIFICATION_MIN_LEN; break;
  case BGP_MSG_KEEPALIVE: min = max = BGP_HDR_LEN; break;
  case BGP_MSG_ROUTE_REFRESH: min = max = BGP_ROUTE_REFRESH_LEN; break; /* RFC 2918 3 */
  default:
    if (len < BGP_HDR_LEN || len > BGP_MAX_LEN)
      break;
    /* RFC 4271 6.1: an unknown Type; the data is the Type field */
    reset(r, d, WIRE_UNSUPPORTED, "message type", t, BGP_MSG_ROUTE_REFRESH, BGP_ERR_HEADER,
          BGP_HDR_BAD_TYPE, 18, 1);
    return false;
  }
  if (len < MAX(min, (size_t)BGP_HDR_LEN) || len > max) {
    reset(r, d, WIRE_MALFORMED, "message length", len, len < min ? min : max, BGP_ERR_HEADER,
          BGP_HDR_BAD_LENGTH, 16, 2);
    return false;
  }
  if (len > avail) {
    reset(r, d, WIRE_TRUNCATED, "message length", len, avail, BGP_ERR_HEADER,
          BGP_HDR_BAD_LENGTH, 16, 2);
    return false;
  }
  *type = t;
  *mlen = len;
  return true;
}

WireStatus bgp_frame(const uint8_t *buf, size_t len, size_t *msg_len, BgpDiag *d)
{
  static const uint8_t none[1];
  BgpDiag dd;
  if (!d)
    d = &dd;
  memset(d, 0, sizeof *d);
  WireReader r = wire_reader(buf ? buf : none, buf ? len : 0);
  uint8_t type;
  uint16_t mlen;
  *msg_len = 0;
  if (!header_decode(&r, len, &type, &mlen, d))
    return d->status;
  *msg_len = mlen;
  return WIRE_OK;
}

/* ---- prefixes (RFC 4271 4.3: Withdrawn Routes and NLRI) ---- */

/*   Length (1 octet, bits) | Prefix (ceil(Length / 8) octets, trailing bits irrelevant) */
static void decode_prefixes(WireReader *r, Ipv4Prefix **v, size_t *n)
{
  while (wire_ok(r) && wire_left(r)) {
    uint8_t plen = wire_get_u8(r, "prefix length");
    if (wire_ok(r) && plen > 32) {
      wire_fail(r, WIRE_MALFORMED, "prefix length", plen, 32);
      return;
    }
    uint8_t a[4] = {0};
    if (!wire_copy(r, a, (plen + 7u) / 8u, "prefix"))
      return;
    prefix_push(v, n, (Ipv4Prefix){{wire_load_be32(a)}, plen});
  }
}

static void encode_prefixes(WireWriter *w, const Ipv4Prefix *v, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    uint8_t a[4];
    Ipv4Prefix p = ipv4_prefix_make(v[i].addr, v[i].len);
    wire_store_be32(a, p.addr.v);
    wire_put_u8(w, p.len);
    wire_put_bytes(w, a, (p.len + 7u) / 8u);
  }
}

/* ---- path attributes: one descriptor row each ---- */

typedef struct {
  const BgpCodecCtx *ctx;
  const BgpAttrs *a;
  bool add_as4_path; /* RFC 6793 4.2.2: a 2-octet session with an AS above 65535 */
  bool add_as4_aggregator;
} EncState;

typedef struct {
  const char *name;
  uint8_t flags;      /* Optional and Transitive as RFC 4271 5 / the attribute's RFC says */
  int len;            /* the fixed Attribute Length, or -1 */
  BgpAction on_error; /* RFC 7606 7.x: what a malformed one costs */
  uint8_t subcode;    /* what RFC 4271 6.3 would have sent for a bad value */
  bool raw;           /* carried opaque (in BgpAttrs.other) */
  void (*decode)(WireReader *r, BgpAttrs *a, const BgpCodecCtx *ctx);
  void (*encode)(WireWriter *w, const EncState *st);
  bool (*wanted)(const EncState *st); /* NULL: when present */
} AttrDesc;

/* RFC 4271 4.3 a: ORIGIN (1 octet) */
static void dec_origin(WireReader *r, BgpAttrs *a, const BgpCodecCtx *ctx)
{
  a->origin = wire_get_u8(r, "ORIGIN");
  if (wire_ok(r) && a->origin > BGP_ORIGIN_INCOMPLETE)
    wire_fail(r, WIRE_MALFORMED, "ORIGIN", a->origin, BGP_ORIGIN_INCOMPLETE);
}
static void enc_origin(WireWriter *w, const EncState *st) { wire_put_u8(w, st->a->origin); }

/* RFC 4271 4.3 b: AS_PATH, segments of
 *   Path Segment Type (1) | Path Segment Length (1, ASes) | ASes (2 or 4 octets each) */
static void dec_path(WireReader *r, BgpAsPath *p, unsigned width, const char *field)
{
  while (wire_ok(r) && wire_left(r)) {
    if (wire_left(r) < 2) {
      /* RFC 7606 7.2: octets left that cannot hold a segment header */
      wire_fail(r, WIRE_MALFORMED, field, wire_left(r), 2);
      return;
    }
    uint8_t type = wire_get_u8(r, "segment type");
    uint8_t n = wire_get_u8(r, "segment length");
    if (type != BGP_AS_SET && type != BGP_AS_SEQUENCE) {
      /* RFC 7606 7.2: an unrecognised segment type */
      wire_fail(r, WIRE_MALFORMED, "segment type", type, BGP_AS_SEQUENCE);
      return;
    }
    if (n == 0) {
      /* RFC 7606 7.2: a segment length of zero */
      wire_fail(r, WIRE_MALFORMED, "segment length", 0, 1);
      return;
    }
    if ((size_t)n * width > wire_left(r)) {
      /* RFC 7606 7.2: the segment overruns the attribute */
      wire_fail(r, WIRE_MALFORMED, "segment length", (uint64_t)n * width, wire_left(r));
      return;
    }
    uint32_t asn[BGP_MAX_SEGMENT_ASNS];
    for (unsigned i = 0; i < n; i++)
      asn[i] = width == 4 ? wire_get_u32(r, "AS number") : wire_get_u16(r, "AS number");
    bgp_as_path_add_segment(p, type, asn, n);
  }
}
static void dec_as_path(WireReader *r, BgpAttrs *a, const BgpCodecCtx *ctx)
{
  dec_path(r, &a->as_path, ctx->as4 ? 4 : 2, "AS_PATH");
}
static void enc_path(WireWriter *w, const BgpAsPath *p, unsigned width)
{
  for (size_t i = 0; i < p->n_seg; i++) {
    wire_put_u8(w, p->seg[i].type);
    wire_put_u8(w, p->seg[i].n);
    for (unsigned j = 0; j < p->seg[i].n; j++) {
      uint32_t as = p->seg[i].asn[j];
      if (width == 4)
        wire_put_u32(w, as);
      else /* RFC 6793 4.2.2: an AS that needs 4 octets is AS_TRANS in AS_PATH */
        wire_put_u16(w, as > 0xffff ? BGP_AS_TRANS : (uint16_t)as);
    }
  }
}
static void enc_as_path(WireWriter *w, const EncState *st)
{
  enc_path(w, &st->a->as_path, st->ctx->as4 ? 4 : 2);
}

/* RFC 4271 4.3 c: NEXT_HOP (4 octets) */
static void dec_next_hop(WireReader *r, BgpAttrs *a, const BgpCodecCtx *ctx)
{
  a->next_hop.v = wire_get_u32(r, "NEXT_HOP");
  uint8_t first = (uint8_t)(a->next_hop.v >> 24);
  /* RFC 4271 6.3 and RFC 7606 7.3: a next hop that cannot be a host (0/8, loopback,
   * multicast and class E) is semantically wrong */
  if (wire_ok(r) && (first == 0 || first == 127 || first >= 224))
    wire_fail(r, WIRE_MALFORMED, "NEXT_HOP", a->next_hop.v, 0);
}
static void enc_next_hop(WireWriter *w, const EncState *st) { wire_put_u32(w, st->a->next_hop.v); }

/* RFC 4271 4.3 d, e: MULTI_EXIT_DISC, LOCAL_PREF (4 octets) */
static void dec_med(WireReader *r, BgpAttrs *a, const BgpCodecCtx *ctx)
{
  a->med = wire_get_u32(r, "MULTI_EXIT_DISC");
}
static void enc_med(WireWriter *w, const EncState *st) { wire_put_u32(w, st->a->med); }
static void dec_local_pref(WireReader *r, BgpAttrs *a, const BgpCodecCtx *ctx)
{
  a->local_pref = wire_get_u32(r, "LOCAL_PREF");
}
static void enc_local_pref(WireWriter *w, const EncState *st) { wire_put_u32(w, st->a->local_pref); }

/* RFC 4271 4.3 f: ATOMIC_AGGREGATE (0 octets) */
static void dec_none(WireReader *r, BgpAttrs *a, const BgpCodecCtx *ctx) {}
static void enc_none(WireWriter *w, const EncState *st) {}

/* RFC 4271 4.3 g: AGGREGATOR: last AS (2 octets; 4 on a 4-octet session, RFC 6793 3) and
 * the speaker's IP address (4 octets) */
static void dec_aggregator(WireReader *r, BgpAttrs *a, const BgpCodecCtx *ctx)
{
  unsigned want = ctx->as4 ? 8 : 6;
  if (wire_left(r) != want) {
    /* RFC 7606 7.7: a length other than 6 (8) */
    wire_fail(r, WIRE_MALFORMED, "AGGREGATOR length", wire_left(r), want);
    return;
  }
  a->aggregator_as = ctx->as4 ? wire_get_u32(r, "AGGREGATOR AS") : wire_get_u16(r, "AGGREGATOR AS");
  a->aggregator_addr.v = wire_get_u32(r, "AGGREGATOR address");
}
static void enc_aggregator(WireWriter *w, const EncState *st)
{
  if (st->ctx->as4)
    wire_put_u32(w, st->a->aggregator_as);
  else
    wire_put_u16(w, st->a->aggregator_as > 0xffff ? BGP_AS_TRANS : (uint16_t)st->a->aggregator_as);
  wire_put_u32(w, st->a->aggregator_addr.v);
}

/* RFC 1997: COMMUNITIES, a non-zero multiple of 4 octets */
static void dec_communities(WireReader *r, BgpAttrs *a, const BgpCodecCtx *ctx)
{
  size_t n = wire_left(r);
  if (n == 0 || n % 4) {
    /* RFC 7606 7.8 */
    wire_fail(r, WIRE_MALFORMED, "COMMUNITIES length", n, 4);
    return;
  }
  a->communities = g_new(uint32_t, n / 4);
  a->n_communities = n / 4;
  for (size_t i = 0; i < n / 4; i++)
    a->communities[i] = wire_get_u32(r, "community");
}
static void enc_communities(WireWriter *w, const EncState *st)
{
  for (size_t i = 0; i < st->a->n_communities; i++)
    wire_put_u32(w, st->a->communities[i]);
}

/* RFC 6793 3: AS4_PATH (4-octet ASes) and AS4_AGGREGATOR (8 octets). 4.1: a NEW speaker
 * never sends them to a NEW speaker, and discards them when received from one. */
static void dec_as4_path(WireReader *r, BgpAttrs *a, const BgpCodecCtx *ctx)
{
  if (ctx->as4) {
    wire_fail(r, WIRE_MALFORMED, "AS4_PATH on a 4-octet session", 1, 0);
    return;
  }
  dec_path(r, &a->as4_path, 4, "AS4_PATH");
}
static void enc_as4_path(WireWriter *w, const EncState *st)
{
  enc_path(w, bgp_attrs_has(st->a, BGP_ATTR_AS4_PATH) ? &st->a->as4_path : &st->a->as_path, 4);
}
static bool want_as4_path(const EncState *st)
{
  return !st->ctx->as4 && (bgp_attrs_has(st->a, BGP_ATTR_AS4_PATH) || st->add_as4_path);
}
static void dec_as4_aggregator(WireReader *r, BgpAttrs *a, const BgpCodecCtx *ctx)
{
  if (ctx->as4) {
    wire_fail(r, WIRE_MALFORMED, "AS4_AGGREGATOR on a 4-octet session", 1, 0);
    return;
  }
  a->as4_aggregator_as = wire_get_u32(r, "AS4_AGGREGATOR AS");
  a->as4_aggregator_addr.v = wire_get_u32(r, "AS4_AGGREGATOR address");
}
static void enc_as4_aggregator(WireWriter *w, const EncState *st)
{
  bool own = bgp_attrs_has(st->a, BGP_ATTR_AS4_AGGREGATOR);
  wire_put_u32(w, own ? st->a->as4_aggregator_as : st->a->aggregator_as);
  wire_put_u32(w, own ? st->a->as4_aggregator_addr.v : st->a->aggregator_addr.v);
}
static bool want_as4_aggregator(const EncState *st)
{
  return !st->ctx->as4 &&
         (bgp_attrs_has(st->a, BGP_ATTR_AS4_AGGREGATOR) || st->add_as4_aggregator);
}

#define WK (0)                                 /* well-known */
#define OPT_T (BGP_AF_OPTIONAL | BGP_AF_TRANSITIVE)
#define OPT_NT (BGP_AF_OPTIONAL)

/* The attributes we know. Adding one is adding a row. Actions: RFC 7606 section 7. */
static const AttrDesc attr_descs[] = {
    [BGP_ATTR_ORIGIN] = {"ORIGIN", WK | BGP_AF_TRANSITIVE, 1, BGP_ACT_TREAT_AS_WITHDRAW,
                         BGP_UPD_INVALID_ORIGIN, false, dec_origin, enc_origin, NULL},
    [BGP_ATTR_AS_PATH] = {"AS_PATH", WK | BGP_AF_TRANSITIVE, -1, BGP_ACT_TREAT_AS_WITHDRAW,
                          BGP_UPD_MALFORMED_AS_PATH, false, dec_as_path, enc_as_path, NULL},
    [BGP_ATTR_NEXT_HOP] = {"NEXT_HOP", WK | BGP_AF_TRANSITIVE, 4, BGP_ACT_TREAT_AS_WITHDRAW,
                           BGP_UPD_INVALID_NEXT_HOP, false, dec_next_hop, enc_next_hop, NULL},
    [BGP_ATTR_MED] = {"MULTI_EXIT_DISC", OPT_NT, 4, BGP_ACT_TREAT_AS_WITHDRAW,
                      BGP_UPD_OPTIONAL_ATTR, false, dec_med, enc_med, NULL},
    [BGP_ATTR_LOCAL_PREF] = {"LOCAL_PREF", WK | BGP_AF_TRANSITIVE, 4,
                             BGP_ACT_TREAT_AS_WITHDRAW, BGP_UPD_ATTR_LENGTH, false,
                             dec_local_pref, enc_local_pref, NULL},
    [BGP_ATTR_ATOMIC_AGGREGATE] = {"ATOMIC_AGGREGATE", WK | BGP_AF_TRANSITIVE, 0,
                                   BGP_ACT_ATTR_DISCARD, BGP_UPD_ATTR_LENGTH, false, dec_none,
                                   enc_none, NULL},
    [BGP_ATTR_AGGREGATOR] = {"AGGREGATOR", OPT_T, -1, BGP_ACT_ATTR_DISCARD,
                             BGP_UPD_OPTIONAL_ATTR, false, dec_aggregator, enc_aggregator,
                             NULL},
    [BGP_ATTR_COMMUNITIES] = {"COMMUNITIES", OPT_T, -1, BGP_ACT_TREAT_AS_WITHDRAW,
                              BGP_UPD_OPTIONAL_ATTR, false, dec_communities, enc_communities,
                              NULL},
    /* RFC 7606 7.11: an MP attribute in error costs the session (or the family) */
    [BGP_ATTR_MP_REACH_NLRI] = {"MP_REACH_NLRI", OPT_NT, -1, BGP_ACT_SESSION_RESET,
                                BGP_UPD_OPTIONAL_ATTR, true, NULL, NULL, NULL},
    [BGP_ATTR_MP_UNREACH_NLRI] = {"MP_UNREACH_NLRI", OPT_NT, -1, BGP_ACT_SESSION_RESET,
                                  BGP_UPD_OPTIONAL_ATTR, true, NULL, NULL, NULL},
    /* RFC 6793 6: a malformed AS4_PATH / AS4_AGGREGATOR is discarded */
    [BGP_ATTR_AS4_PATH] = {"AS4_PATH", OPT_T, -1, BGP_ACT_ATTR_DISCARD, BGP_UPD_OPTIONAL_ATTR,
                           false, dec_as4_path, enc_as4_path, want_as4_path},
    [BGP_ATTR_AS4_AGGREGATOR] = {"AS4_AGGREGATOR", OPT_T, 8, BGP_ACT_ATTR_DISCARD,
                                 BGP_UPD_OPTIONAL_ATTR, false, dec_as4_aggregator,
                                 enc_as4_aggregator, want_as4_aggregator},
};

static const AttrDesc *attr_desc(uint8_t type)
{
  return type < G_N_ELEMENTS(attr_descs) && attr_descs[type].name ? &attr_descs[type] : NULL;
}

/* Forget a known attribute whose value failed half way. */
static void attr_drop(BgpAttrs *a, uint8_t type)
{
  a->present &= ~(1u << type);
  a->partial &= ~(1u << type);
  if (type == BGP_ATTR_AS_PATH)
    bgp_as_path_clear(&a->as_path);
  else if (type == BGP_ATTR_AS4_PATH)
    bgp_as_path_clear(&a->as4_path);
  else if (type == BGP_ATTR_COMMUNITIES) {
    g_free(a->communities);
    a->communities = NULL;
    a->n_communities = 0;
  }
}

/* RFC 4271 4.3: Path Attributes, each
 *   Attr. Flags (1) | Attr. Type Code (1) | Length (1, or 2 with Extended Length) | Value */
static void decode_attrs(WireReader *r, BgpAttrs *a, const BgpCodecCtx *ctx, BgpDiag *d)
{
  uint32_t seen[8] = {0};
  while (wire_left(r)) {
    size_t start = wire_offset(r);
    const uint8_t *h = wire_peek(r, 2);
    if (!h || wire_left(r) < ((h[0] & BGP_AF_EXT_LEN) ? 4u : 3u)) {
      /* RFC 7606 4: too few octets left for an attribute header */
      wire_fail(r, WIRE_MALFORMED, "attribute header", wire_left(r), h && (h[0] & BGP_AF_EXT_LEN) ? 4 : 3);
      note(d, r, BGP_ACT_TREAT_AS_WITHDRAW, BGP_ERR_UPDATE, BGP_UPD_MALFORMED_ATTR_LIST, 0, 0, 0);
      return;
    }
    uint8_t flags = wire_get_u8(r, "attribute flags");
    uint8_t type = wire_get_u8(r, "attribute type");
    size_t len = (flags & BGP_AF_EXT_LEN) ? wire_get_u16(r, "attribute length")
                                          : wire_get_u8(r, "attribute length");
    if (len > wire_left(r)) {
      /* RFC 7606 4: the attribute overruns the Total Path Attribute Length */
      wire_fail(r, WIRE_MALFORMED, "attribute length", len, wire_left(r));
      note(d, r, BGP_ACT_TREAT_AS_WITHDRAW, BGP_ERR_UPDATE, BGP_UPD_ATTR_LENGTH, type, start,
           wire_offset(r) - start);
      return;
    }
    size_t hlen = wire_offset(r) - start;
    WireReader s = wire_sub(r, len, "attribute value");
    const AttrDesc *desc = attr_desc(type);
    bool dup = seen[type / 32] & (1u << (type % 32));
    seen[type / 32] |= 1u << (type % 32);
    if (dup) {
      /* RFC 7606 3 g: a repeated MP_REACH/MP_UNREACH resets the session; any other
       * repeated attribute is discarded after the first */
      BgpAction act = desc && desc->raw ? BGP_ACT_SESSION_RESET : BGP_ACT_ATTR_DISCARD;
      wire_fail(&s, WIRE_MALFORMED, "repeated attribute", type, 0);
      note(d, &s, act, BGP_ERR_UPDATE, BGP_UPD_MALFORMED_ATTR_LIST, type, 0, 0);
      continue;
    }
    if (!desc) {
      if (!(flags & BGP_AF_OPTIONAL)) {
        /* RFC 4271 6.3: an unrecognised well-known attribute; the data is the attribute */
        wire_fail(&s, WIRE_UNSUPPORTED, "well-known attribute", type, 0);
        note(d, &s, BGP_ACT_SESSION_RESET, BGP_ERR_UPDATE, BGP_UPD_UNRECOGNIZED_WELL_KNOWN,
             type, start, hlen + len);
        continue;
      }
      /* RFC 4271 5: an unrecognised optional transitive attribute is kept (and passed on
       * with Partial set); a non-transitive one is quietly ignored */
      if (flags & BGP_AF_TRANSITIVE)
        raw_push(a, flags & ~BGP_AF_EXT_LEN, type, wire_get_bytes(&s, len, "attribute value"),
                 len);
      continue;
    }
    /* RFC 4271 6.3 and 5: Optional and Transitive as the attribute's definition says, and
     * Partial only on an optional transitive one; RFC 7606 3 c: a flags error is a
     * malformed attribute with its own action */
    uint8_t want = desc->flags;
    bool partial = flags & BGP_AF_PARTIAL;
    if ((flags & (BGP_AF_OPTIONAL | BGP_AF_TRANSITIVE)) != want ||
        (partial && want != OPT_T)) {
      wire_fail(&s, WIRE_MALFORMED, "attribute flags", flags & 0xf0, want);
      note(d, &s, desc->on_error, BGP_ERR_UPDATE, BGP_UPD_ATTR_FLAGS, type, start, hlen + len);
      continue;
    }
    if (desc->len >= 0 && len != (size_t)desc->len) {
      wire_fail(&s, WIRE_MALFORMED, "attribute length", len, (uint64_t)desc->len);
      note(d, &s, desc->on_error, BGP_ERR_UPDATE, BGP_UPD_ATTR_LENGTH, type, start, hlen + len);
      continue;
    }
    if (desc->raw) {
      raw_push(a, flags & ~BGP_AF_EXT_LEN, type, wire_get_bytes(&s, len, "attribute value"),
               len);
      continue;
    }
    desc->decode(&s, a, ctx);
    if (wire_ok(&s) && wire_left(&s))
      wire_fail(&s, WIRE_MALFORMED, desc->name, wire_left(&s), 0);
    if (!wire_ok(&s)) {
      attr_drop(a, type);
      note(d, &s, desc->on_error, BGP_ERR_UPDATE, desc->subcode, type, start, hlen + len);
      continue;
    }
    a->present |= 1u << type;
    if (partial)
      a->partial |= 1u << type;
  }
}

static bool as_path_needs_as4(const BgpAsPath *p)
{
  for (size_t i = 0; i < p->n_seg; i++)
    for (unsigned j = 0; j < p->seg[i].n; j++)
      if (p->seg[i].asn[j] > 0xffff)
        return true;
  return false;
}

/* One attribute: flags, type, then the length in one octet, or two with Extended Length
 * when the value is above 255 octets (RFC 4271 4.3). */
static void put_attr(WireWriter *w, uint8_t flags, uint8_t type, const WireWriter *v)
{
  bool ext = v->len > 255;
  wire_put_u8(w, (uint8_t)((flags & ~BGP_AF_EXT_LEN) | (ext ? BGP_AF_EXT_LEN : 0)));
  wire_put_u8(w, type);
  if (ext)
    wire_put_u16(w, (uint16_t)v->len);
  else
    wire_put_u8(w, (uint8_t)v->len);
  wire_put_bytes(w, v->buf, v->len);
  if (v->len > 0xffff)
    wire_writer_fail(w);
}

/* RFC 4271 5: attributes in ascending type order, known and carried ones merged. */
static void encode_attrs(WireWriter *w, const BgpAttrs *a, const BgpCodecCtx *ctx)
{
  EncState st = {.ctx = ctx, .a = a};
  if (!ctx->as4) {
    st.add_as4_path = bgp_attrs_has(a, BGP_ATTR_AS_PATH) && as_path_needs_as4(&a->as_path);
    st.add_as4_aggregator =
        bgp_attrs_has(a, BGP_ATTR_AGGREGATOR) && a->aggregator_as > 0xffff;
  }
  for (unsigned type = 0; type < 256; type++) {
    const AttrDesc *desc = attr_desc((uint8_t)type);
    if (desc && !desc->raw &&
        (desc->wanted ? desc->wanted(&st) : bgp_attrs_has(a, type))) {
      WireWriter v;
      wire_writer_init(&v);
      desc->encode(&v, &st);
      uint8_t flags = desc->flags | ((a->partial & (1u << type)) ? BGP_AF_PARTIAL : 0);
      put_attr(w, flags, (uint8_t)type, &v);
      if (!wire_writer_ok(&v))
        wire_writer_fail(w);
      wire_writer_clear(&v);
    }
    for (size_t i = 0; i < a->n_other; i++)
      if (a->other[i].type == type) {
        WireWriter v;
        wire_writer_init_fixed(&v, a->other[i].value, a->other[i].len);
        v.len = a->other[i].len;
        put_attr(w, a->other[i].flags, (uint8_t)type, &v);
      }
  }
}

/* ---- messages ---- */

/* RFC 4271 4.3:
 *   Withdrawn Routes Length (2) | Withdrawn Routes | Total Path Attribute Length (2) |
 *   Path Attributes | Network Layer Reachability Information */
static void decode_update(WireReader *r, const BgpCodecCtx *ctx, BgpUpdate *u, BgpDiag *d)
{
  uint16_t wlen = wire_get_u16(r, "withdrawn routes length");
  if (wlen > wire_left(r)) {
    /* RFC 4271 6.3: Withdrawn Routes Length + Total Attribute Length + 23 above Length */
    reset(r, d, WIRE_MALFORMED, "withdrawn routes length", wlen, wire_left(r), BGP_ERR_UPDATE,
          BGP_UPD_MALFORMED_ATTR_LIST, 0, 0);
    return;
  }
  WireReader wr = wire_sub(r, wlen, "withdrawn routes");
  decode_prefixes(&wr, &u->withdrawn, &u->n_withdrawn);
  if (!wire_ok(&wr)) {
    /* RFC 7606 5.3: prefixes that cannot be parsed leave nothing to withdraw */
    wire_sub_end(r, &wr, "withdrawn routes");
    note(d, r, BGP_ACT_SESSION_RESET, BGP_ERR_UPDATE, BGP_UPD_INVALID_NETWORK, 0, 0, 0);
    return;
  }
  uint16_t alen = wire_get_u16(r, "total path attribute length");
  if (wire_ok(r) && alen > wire_left(r)) {
    reset(r, d, WIRE_MALFORMED, "total path attribute length", alen, wire_left(r),
          BGP_ERR_UPDATE, BGP_UPD_MALFORMED_ATTR_LIST, 0, 0);
    return;
  }
  if (!wire_ok(r)) {
    note(d, r, BGP_ACT_SESSION_RESET, BGP_ERR_UPDATE, BGP_UPD_MALFORMED_ATTR_LIST, 0, 0, 0);
    return;
  }
  WireReader ar = wire_sub(r, alen, "path attributes");
  decode_attrs(&ar, &u->attrs, ctx, d);
  decode_prefixes(r, &u->nlri, &u->n_nlri);
  if (!wire_ok(r)) {
    /* RFC 4271 6.3, RFC 7606 5.3: an NLRI field that cannot be parsed */
    note(d, r, BGP_ACT_SESSION_RESET, BGP_ERR_UPDATE, BGP_UPD_INVALID_NETWORK, 0, 0, 0);
    return;
  }
  if (u->n_nlri) {
    /* RFC 7606 3 d: a well-known mandatory attribute missing from an UPDATE with NLRI */
    static const uint8_t mandatory[] = {BGP_ATTR_ORIGIN, BGP_ATTR_AS_PATH, BGP_ATTR_NEXT_HOP};
    for (size_t i = 0; i < G_N_ELEMENTS(mandatory); i++)
      if (!bgp_attrs_has(&u->attrs, mandatory[i])) {
        WireReader m = *r;
        wire_fail(&m, WIRE_MALFORMED, "missing well-known attribute", mandatory[i], 0);
        note(d, &m, BGP_ACT_TREAT_AS_WITHDRAW, BGP_ERR_UPDATE, BGP_UPD_MISSING_WELL_KNOWN,
             mandatory[i], 0, 0);
      }
  }
}

/* RFC 4271 4.2:
 *   Version (1) | My Autonomous System (2) | Hold Time (2) | BGP Identifier (4) |
 *   Opt Parm Len (1) | Optional Parameters: Parm. Type (1) | Parm. Length (1) | Value
 * RFC 5492 4: a Capabilities parameter (type 2) holds Code (1) | Length (1) | Value. */
static void decode_open(WireReader *r, BgpOpen *o, BgpDiag *d)
{
  o->version = wire_get_u8(r, "version");
  o->my_as = wire_get_u16(r, "my autonomous system");
  o->hold_time = wire_get_u16(r, "hold time");
  o->bgp_id.v = wire_get_u32(r, "BGP identifier");
  uint8_t plen = wire_get_u8(r, "optional parameters length");
  if (!wire_ok(r)) {
    note(d, r, BGP_ACT_SESSION_RESET, BGP_ERR_HEADER, BGP_HDR_BAD_LENGTH, 0, 16, 2);
    return;
  }
  if (o->version != BGP_VERSION) {
    /* RFC 4271 6.2: data is the largest version we support */
    reset(r, d, WIRE_UNSUPPORTED, "version", o->version, BGP_VERSION, BGP_ERR_OPEN,
          BGP_OPEN_UNSUPPORTED_VERSION, 0, 0);
    return;
  }
  if (o->hold_time == 1 || o->hold_time == 2) {
    /* RFC 4271 4.2, 6.2: zero or at least three seconds */
    reset(r, d, WIRE_MALFORMED, "hold time", o->hold_time, 3, BGP_ERR_OPEN,
          BGP_OPEN_UNACCEPTABLE_HOLD, 22, 2);
    return;
  }
  if (o->bgp_id.v == 0) {
    /* RFC 6286 2.2: a non-zero identifier */
    reset(r, d, WIRE_MALFORMED, "BGP identifier", 0, 1, BGP_ERR_OPEN, BGP_OPEN_BAD_BGP_ID, 24, 4);
    return;
  }
  if (plen != wire_left(r)) {
    /* RFC 4271 6.2: Opt Parm Len disagrees with the message length */
    reset(r, d, WIRE_MALFORMED, "optional parameters length", plen, wire_left(r), BGP_ERR_OPEN,
          BGP_OPEN_UNSPECIFIC, 0, 0);
    return;
  }
  for (uint8_t param = 0; wire_ok(r) && wire_left(r); param++) {
    size_t start = wire_offset(r);
    uint8_t type = wire_get_u8(r, "parameter type");
    uint8_t len = wire_get_u8(r, "parameter length");
    if (wire_ok(r) && len > wire_left(r)) {
      reset(r, d, WIRE_MALFORMED, "parameter length", len, wire_left(r), BGP_ERR_OPEN,
            BGP_OPEN_UNSPECIFIC, 0, 0);
      return;
    }
    if (!wire_ok(r)) {
      note(d, r, BGP_ACT_SESSION_RESET, BGP_ERR_OPEN, BGP_OPEN_UNSPECIFIC, 0, 0, 0);
      return;
    }
    if (type != BGP_OPT_PARAM_CAPABILITIES) {
      /* RFC 4271 6.2 (and RFC 9072 extended parameters, which we do not implement): the
       * data is the parameter */
      reset(r, d, WIRE_UNSUPPORTED, "parameter type", type, BGP_OPT_PARAM_CAPABILITIES,
            BGP_ERR_OPEN, BGP_OPEN_UNSUPPORTED_PARAM, start, 2u + len);
      return;
    }
    WireReader s = wire_sub(r, len, "capabilities");
    while (wire_ok(&s) && wire_left(&s)) {
      uint8_t code = wire_get_u8(&s, "capability code");
      uint8_t clen = wire_get_u8(&s, "capability length");
      const uint8_t *v = wire_get_bytes(&s, clen, "capability value");
      if (!wire_ok(&s))
        break;
      /* RFC 4760 8, RFC 2918 2, RFC 6793 3, RFC 7313 3: the lengths we rely on */
      int want = code == BGP_CAP_MP || code == BGP_CAP_AS4 ? 4
                 : code == BGP_CAP_ROUTE_REFRESH || code == BGP_CAP_ENHANCED_REFRESH ? 0
                                                                                      : -1;
      if (want >= 0 && clen != want) {
        wire_fail(&s, WIRE_MALFORMED, "capability length", clen, (uint64_t)want);
        break;
      }
      if (o->n_caps >= BGP_MAX_CAPS) {
        wire_fail(&s, WIRE_UNSUPPORTED, "capability count", o->n_caps + 1, BGP_MAX_CAPS);
        break;
      }
      BgpCap *c = &o->caps[o->n_caps++];
      c->code = code;
      c->param = param;
      c->len = clen;
      if (clen)
        memcpy(c->value, v, clen);
    }
    if (!wire_ok(&s)) {
      /* RFC 4271 6.2: a recognised parameter that is malformed: Unspecific */
      wire_sub_end(r, &s, "capabilities");
      note(d, r, BGP_ACT_SESSION_RESET, BGP_ERR_OPEN, BGP_OPEN_UNSPECIFIC, 0, 0, 0);
      return;
    }
  }
}

static void encode_open(WireWriter *w, const BgpOpen *o)
{
  wire_put_u8(w, o->version);
  wire_put_u16(w, o->my_as);
  wire_put_u16(w, o->hold_time);
  wire_put_u32(w, o->bgp_id.v);
  size_t plen = wire_reserve(w, 1);
  for (size_t i = 0; i < o->n_caps;) {
    wire_put_u8(w, BGP_OPT_PARAM_CAPABILITIES);
    size_t clen = wire_reserve(w, 1);
    uint8_t param = o->caps[i].param;
    for (; i < o->n_caps && o->caps[i].param == param; i++) {
      wire_put_u8(w, o->caps[i].code);
      wire_put_u8(w, o->caps[i].len);
      wire_put_bytes(w, o->caps[i].value, o->caps[i].len);
    }
    wire_patch_len(w, clen, 1, clen + 1);
  }
  wire_patch_len(w, plen, 1, plen + 1);
}

WireStatus bgp_message_decode(const uint8_t *buf, size_t len, const BgpCodecCtx *ctx,
                              BgpMessage **out, BgpDiag *d)
{
  static const uint8_t none[1];
  static const BgpCodecCtx ctx0;
  BgpDiag dd;
  if (!d)
    d = &dd;
  memset(d, 0, sizeof *d);
  *out = NULL;
  if (!ctx)
    ctx = &ctx0;
  WireReader r = wire_reader(buf ? buf : none, buf ? len : 0);
  uint8_t type;
  uint16_t mlen;
  if (!header_decode(&r, len, &type, &mlen, d))
    return d->status;
  if (mlen != len) {
    /* the caller framed the message (bgp_frame): bytes after it are not ours */
    reset(&r, d, WIRE_MALFORMED, "message length", mlen, len, BGP_ERR_HEADER,
          BGP_HDR_BAD_LENGTH, 16, 2);
    return d->status;
  }
  BgpMessage *m = bgp_message_new(type);
  switch (type) {
  case BGP_MSG_OPEN: decode_open(&r, &m->u.open, d); break;
  case BGP_MSG_UPDATE: decode_update(&r, ctx, &m->u.update, d); break;
  case BGP_MSG_NOTIFICATION: {
    /* RFC 4271 4.5: Error code (1) | Error subcode (1) | Data */
    BgpNotification *n = &m->u.notification;
    n->code = wire_get_u8(&r, "error code");
    n->subcode = wire_get_u8(&r, "error subcode");
    n->data_len = wire_left(&r);
    wire_copy(&r, n->data, n->data_len, "data");
    break;
  }
  case BGP_MSG_ROUTE_REFRESH:
    /* RFC 2918 3: AFI (2) | Res. (1) | SAFI (1) */
    m->u.refresh.afi = wire_get_u16(&r, "AFI");
    m->u.refresh.subtype = wire_get_u8(&r, "reserved");
    m->u.refresh.safi = wire_get_u8(&r, "SAFI");
    break;
  case BGP_MSG_KEEPALIVE:
  default: break;
  }
  if (d->action == BGP_ACT_SESSION_RESET) {
    bgp_message_free(m);
    return d->status;
  }
  *out = m;
  return d->action == BGP_ACT_ACCEPT ? WIRE_OK : d->status;
}

bool bgp_message_encode(const BgpMessage *m, const BgpCodecCtx *ctx, WireWriter *w)
{
  static const BgpCodecCtx ctx0;
  if (!ctx)
    ctx = &ctx0;
  size_t start = wire_writer_len(w);
  for (unsigned i = 0; i < BGP_MARKER_LEN; i++)
    wire_put_u8(w, 0xff);
  size_t lmark = wire_reserve(w, 2);
  wire_put_u8(w, m->type);
  switch (m->type) {
  case BGP_MSG_OPEN: encode_open(w, &m->u.open); break;
  case BGP_MSG_UPDATE: {
    const BgpUpdate *u = &m->u.update;
    size_t wl = wire_reserve(w, 2);
    encode_prefixes(w, u->withdrawn, u->n_withdrawn);
    wire_patch_len(w, wl, 2, wl + 2);
    size_t al = wire_reserve(w, 2);
    encode_attrs(w, &u->attrs, ctx);
    wire_patch_len(w, al, 2, al + 2);
    encode_prefixes(w, u->nlri, u->n_nlri);
    break;
  }
  case BGP_MSG_NOTIFICATION:
    wire_put_u8(w, m->u.notification.code);
    wire_put_u8(w, m->u.notification.subcode);
    wire_put_bytes(w, m->u.notification.data, m->u.notification.data_len);
    break;
  case BGP_MSG_ROUTE_REFRESH:
    wire_put_u16(w, m->u.refresh.afi);
    wire_put_u8(w, m->u.refresh.subtype);
    wire_put_u8(w, m->u.refresh.safi);
    break;
  case BGP_MSG_KEEPALIVE: break;
  default: wire_writer_fail(w); break;
  }
  /* RFC 4271 4.1: at most 4096 octets */
  if (wire_writer_len(w) - start > BGP_MAX_LEN)
    wire_writer_fail(w);
  wire_patch_len(w, lmark, 2, start);
  return wire_writer_ok(w);
}
