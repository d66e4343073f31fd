/* SPDX-License-Identifier: MIT */
/* Tests of the BGP codec: an OPEN as BIRD 2 sends it and an UPDATE with several attributes
 * (hand-written, commented per field), round trips, truncation sweeps and a table of
 * malformed inputs with the expected status, field and RFC 7606 action. */
#include "models/bgp/bgp_codec.h"
#include "tests/lib/testutil.h"

#include <glib.h>
#include <string.h>

#define MARKER "ffffffffffffffffffffffffffffffff"

/* An OPEN as BIRD 2 sends it for an IPv4 channel with the default options (AS 65010, hold
 * time 240, router ID 192.0.2.1; capabilities in one optional parameter, in BIRD's order:
 * MP, route refresh, graceful restart aware, 4-octet AS, enhanced route refresh, LLGR
 * aware). Offsets (decimal) are used by the malformed table. */
static const char *const kat_open_bird =
    /*  0 header (RFC 4271 4.1) */
    MARKER
    "0035"         /* 16 length 53 */
    "01"           /* 18 type OPEN */
    /* 19 OPEN (4.2) */
    "04"           /* 19 version 4 */
    "fdf2"         /* 20 my AS 65010 */
    "00f0"         /* 22 hold time 240 */
    "c0000201"     /* 24 BGP identifier 192.0.2.1 */
    "18"           /* 28 optional parameters length 24 */
    "02 16"        /* 29 parameter: Capabilities (RFC 5492), 22 octets */
    "01 04 0001 00 01" /* 31 Multiprotocol (RFC 4760): AFI IPv4, reserved, SAFI unicast */
    "02 00"            /* 37 Route Refresh (RFC 2918) */
    "40 02 0078"       /* 39 Graceful Restart (RFC 4724): no flags, restart time 120 */
    "41 04 0000fdf2"   /* 43 4-octet AS (RFC 6793): 65010 */
    "46 00"            /* 49 Enhanced Route Refresh (RFC 7313) */
    "47 00";           /* 51 Long-Lived Graceful Restart, no families */

/* An UPDATE on a 4-octet AS session with every attribute of RFC 4271 4.3 and
 * COMMUNITIES, announcing three prefixes. */
static const char *const kat_update =
    MARKER
    "0066"             /*  16 length 102 */
    "02"               /*  18 type UPDATE */
    "0000"             /*  19 withdrawn routes length 0 */
    "0043"             /*  21 total path attribute length 67 */
    "40 01 01 00"      /*  23 ORIGIN (well-known, transitive): IGP */
    "40 02 0e"         /*  27 AS_PATH, 14 octets */
    "02 03"            /*  30 AS_SEQUENCE of 3 */
    "0000fdf2 0000fde8 0000fde8" /* 32 65010 65000 65000 (4-octet session) */
    "40 03 04 c0000201"          /* 44 NEXT_HOP 192.0.2.1 */
    "80 04 04 00000064"          /* 51 MULTI_EXIT_DISC (optional): 100 */
    "40 05 04 000000c8"          /* 58 LOCAL_PREF 200 */
    "40 06 00"                   /* 65 ATOMIC_AGGREGATE */
    "c0 07 08 0000fdf2 c0000201" /* 68 AGGREGATOR (optional transitive): 65010, 192.0.2.1 */
    "c0 08 08 fdf20001 ffffff01" /* 79 COMMUNITIES: 65010:1, NO_EXPORT */
    "10 0a01"                    /* 90 NLRI 10.1.0.0/16 */
    "18 0a0201"                  /* 93 10.2.1.0/24 */
    "20 c0a80101";               /* 97 192.168.1.1/32 */

static const char *const kat_withdraw =
    MARKER "001b" "02"
    "0004"       /* withdrawn routes length 4 */
    "10 0a09"    /* 10.9.0.0/16 */
    "00"         /* 0.0.0.0/0 */
    "0000";      /* no attributes, no NLRI */

/* RFC 4486 4: Cease / Maximum Number of Prefixes Reached with AFI, SAFI, upper bound */
static const char *const kat_notification =
    MARKER "001c" "03" "06 01" "0001 01 00000fa0";
static const char *const kat_keepalive = MARKER "0013" "04";
/* RFC 2918 3: AFI IPv4, reserved, SAFI unicast */
static const char *const kat_refresh = MARKER "0017" "05" "0001 00 01";

static const BgpCodecCtx ctx_as4 = {.as4 = true};
static const BgpCodecCtx ctx_as2 = {.as4 = false};

static uint8_t *encode_msg(const BgpMessage *m, const BgpCodecCtx *ctx, size_t *n)
{
  WireWriter w;
  wire_writer_init(&w);
  g_assert_true(bgp_message_encode(m, ctx, &w));
  return wire_writer_steal(&w, n);
}

static void assert_reencodes(const BgpMessage *m, const BgpCodecCtx *ctx, const uint8_t *p,
                             size_t n)
{
  size_t en;
  g_autofree uint8_t *e = encode_msg(m, ctx, &en);
  g_assert_cmpmem(e, en, p, n);
}

static void test_kat_open(void)
{
  size_t n;
  g_autofree uint8_t *p = tu_hex_dup(kat_open_bird, &n);
  g_assert_cmpuint(n, ==, 53);
  size_t fl;
  g_assert_cmpint(bgp_frame(p, n, &fl, NULL), ==, WIRE_OK);
  g_assert_cmpuint(fl, ==, 53);
  BgpDiag d;
  g_autoptr(BgpMessage) m = NULL;
  g_assert_cmpint(bgp_message_decode(p, n, NULL, &m, &d), ==, WIRE_OK);
  g_assert_cmpint(d.action, ==, BGP_ACT_ACCEPT);
  g_assert_cmpuint(m->type, ==, BGP_MSG_OPEN);
  const BgpOpen *o = &m->u.open;
  g_assert_cmpuint(o->version, ==, 4);
  g_assert_cmpuint(o->my_as, ==, 65010);
  g_assert_cmpuint(o->hold_time, ==, 240);
  g_assert_cmphex(o->bgp_id.v, ==, 0xc0000201);
  g_assert_cmpuint(o->n_caps, ==, 6);
  BgpCapsSummary s;
  bgp_open_caps(o, &s);
  g_assert_true(s.as4);
  g_assert_cmpuint(s.as4_number, ==, 65010);
  g_assert_true(s.route_refresh);
  g_assert_true(s.enhanced_refresh);
  g_assert_true(s.mp_ipv4_unicast);
  g_assert_true(s.graceful_restart);
  g_assert_cmpuint(bgp_open_asn(o), ==, 65010);
  const BgpCap *gr = bgp_open_find_cap(o, BGP_CAP_GRACEFUL_RESTART);
  g_assert_nonnull(gr);
  g_assert_cmpuint(wire_load_be16(gr->value) & 0x0fff, ==, 120);
  g_assert_null(bgp_open_find_cap(o, BGP_CAP_ADD_PATH));
  assert_reencodes(m, NULL, p, n);

  /* the same OPEN through the API */
  g_autoptr(BgpMessage) b = bgp_open_new(65010, 240, tu_addr("192.0.2.1"));
  BgpOpen *bo = &b->u.open;
  g_assert_true(bgp_open_add_mp(bo, BGP_AFI_IPV4, BGP_SAFI_UNICAST));
  g_assert_true(bgp_open_add_cap(bo, BGP_CAP_ROUTE_REFRESH, NULL, 0));
  g_assert_true(bgp_open_add_cap(bo, BGP_CAP_GRACEFUL_RESTART, "\x00\x78", 2));
  g_assert_true(bgp_open_add_as4(bo, 65010));
  g_assert_true(bgp_open_add_cap(bo, BGP_CAP_ENHANCED_REFRESH, NULL, 0));
  g_assert_true(bgp_open_add_cap(bo, BGP_CAP_LLGR, NULL, 0));
  size_t en;
  g_autofree uint8_t *e = encode_msg(b, NULL, &en);
  tu_assert_hex(e, en, kat_open_bird);
}

static void test_kat_open_as4(void)
{
  /* RFC 6793 4.1: a 4-octet AS rides in the capability, AS_TRANS in My Autonomous System */
  g_autoptr(BgpMessage) b = bgp_open_new(4200000001u, 180, tu_addr("10.0.0.1"));
  g_assert_true(bgp_open_add_as4(&b->u.open, 4200000001u));
  size_t n;
  g_autofree uint8_t *e = encode_msg(b, NULL, &n);
  tu_assert_hex(e, n, MARKER "0025 01 04 5ba0 00b4 0a000001 08 02 06 41 04 fa56ea01");
  g_autoptr(BgpMessage) m = NULL;
  g_assert_cmpint(bgp_message_decode(e, n, NULL, &m, NULL), ==, WIRE_OK);
  g_assert_cmpuint(m->u.open.my_as, ==, BGP_AS_TRANS);
  g_assert_cmpuint(bgp_open_asn(&m->u.open), ==, 4200000001u);
}

static BgpMessage *build_update(void)
{
  BgpMessage *m = bgp_message_new(BGP_MSG_UPDATE);
  BgpAttrs *a = &m->u.update.attrs;
  bgp_attrs_set_origin(a, BGP_ORIGIN_IGP);
  uint32_t path[] = {65010, 65000, 65000};
  bgp_attrs_set_path(a, path, 3);
  a->next_hop = tu_addr("192.0.2.1");
  bgp_attrs_set(a, BGP_ATTR_NEXT_HOP);
  a->med = 100;
  bgp_attrs_set(a, BGP_ATTR_MED);
  a->local_pref = 200;
  bgp_attrs_set(a, BGP_ATTR_LOCAL_PREF);
  bgp_attrs_set(a, BGP_ATTR_ATOMIC_AGGREGATE);
  a->aggregator_as = 65010;
  a->aggregator_addr = tu_addr("192.0.2.1");
  bgp_attrs_set(a, BGP_ATTR_AGGREGATOR);
  bgp_attrs_add_community(a, (65010u << 16) | 1);
  bgp_attrs_add_community(a, 0xffffff01); /* NO_EXPORT */
  bgp_update_add_nlri(&m->u.update, tu_prefix("10.1.0.0/16"));
  bgp_update_add_nlri(&m->u.update, tu_prefix("10.2.1.0/24"));
  bgp_update_add_nlri(&m->u.update, tu_prefix("192.168.1.1/32"));
  return m;
}

static void test_kat_update(void)
{
  size_t n;
  g_autofree uint8_t *p = tu_hex_dup(kat_update, &n);
  g_assert_cmpuint(n, ==, 102);
  BgpDiag d;
  g_autoptr(BgpMessage) m = NULL;
  g_assert_cmpint(bgp_message_decode(p, n, &ctx_as4, &m, &d), ==, WIRE_OK);
  g_assert_cmpint(d.action, ==, BGP_ACT_ACCEPT);
  const BgpUpdate *u = &m->u.update;
  const BgpAttrs *a = &u->attrs;
  g_assert_cmpuint(u->n_withdrawn, ==, 0);
  g_assert_cmpuint(a->origin, ==, BGP_ORIGIN_IGP);
  g_assert_cmpuint(a->as_path.n_seg, ==, 1);
  g_assert_cmpuint(a->as_path.seg[0].type, ==, BGP_AS_SEQUENCE);
  g_assert_cmpuint(bgp_as_path_length(&a->as_path), ==, 3);
  g_assert_cmpuint(bgp_as_path_first(&a->as_path), ==, 65010);
  g_assert_cmphex(a->next_hop.v, ==, 0xc0000201);
  g_assert_cmpuint(a->med, ==, 100);
  g_assert_cmpuint(a->local_pref, ==, 200);
  g_assert_true(bgp_attrs_has(a, BGP_ATTR_ATOMIC_AGGREGATE));
  g_assert_cmpuint(a->aggregator_as, ==, 65010);
  g_assert_cmpuint(a->n_communities, ==, 2);
  g_assert_cmphex(a->communities[1], ==, 0xffffff01);
  g_assert_false(bgp_attrs_has(a, BGP_ATTR_AS4_PATH));
  g_assert_cmpuint(u->n_nlri, ==, 3);
  g_assert_true(ipv4_prefix_equal(u->nlri[1], tu_prefix("10.2.1.0/24")));
  g_assert_true(ipv4_prefix_equal(u->nlri[2], tu_prefix("192.168.1.1/32")));
  assert_reencodes(m, &ctx_as4, p, n);

  g_autoptr(BgpMessage) b = build_update();
  size_t en;
  g_autofree uint8_t *e = encode_msg(b, &ctx_as4, &en);
  tu_assert_hex(e, en, kat_update);
}

static void test_kat_others(void)
{
  struct {
    const char *hex;
    uint8_t type;
  } k[] = {{kat_withdraw, BGP_MSG_UPDATE},
           {kat_notification, BGP_MSG_NOTIFICATION},
           {kat_keepalive, BGP_MSG_KEEPALIVE},
           {kat_refresh, BGP_MSG_ROUTE_REFRESH}};
  for (size_t i = 0; i < G_N_ELEMENTS(k); i++) {
    size_t n;
    g_autofree uint8_t *p = tu_hex_dup(k[i].hex, &n);
    g_autoptr(BgpMessage) m = NULL;
    g_assert_cmpint(bgp_message_decode(p, n, &ctx_as4, &m, NULL), ==, WIRE_OK);
    g_assert_cmpuint(m->type, ==, k[i].type);
    assert_reencodes(m, &ctx_as4, p, n);
    if (m->type == BGP_MSG_UPDATE) {
      g_assert_cmpuint(m->u.update.n_withdrawn, ==, 2);
      g_assert_true(ipv4_prefix_equal(m->u.update.withdrawn[1], tu_prefix("0.0.0.0/0")));
      g_assert_cmpuint(m->u.update.n_nlri, ==, 0);
      g_assert_cmpuint(m->u.update.attrs.present, ==, 0);
    } else if (m->type == BGP_MSG_NOTIFICATION) {
      g_assert_cmpuint(m->u.notification.code, ==, BGP_ERR_CEASE);
      g_assert_cmpuint(m->u.notification.subcode, ==, BGP_CEASE_MAX_PREFIXES);
      g_assert_cmpuint(m->u.notification.data_len, ==, 7);
    } else if (m->type == BGP_MSG_ROUTE_REFRESH) {
      g_assert_cmpuint(m->u.refresh.afi, ==, BGP_AFI_IPV4);
      g_assert_cmpuint(m->u.refresh.safi, ==, BGP_SAFI_UNICAST);
    }
  }
}

/* RFC 6793 4.2.2: towards an OLD speaker, a 4-octet AS is AS_TRANS in AS_PATH and
 * AGGREGATOR, with AS4_PATH / AS4_AGGREGATOR carrying the real values; 4.2.3: the receiver
 * rebuilds the path. */
static void test_as4_over_2octet(void)
{
  g_autoptr(BgpMessage) m = bgp_message_new(BGP_MSG_UPDATE);
  BgpAttrs *a = &m->u.update.attrs;
  bgp_attrs_set_origin(a, BGP_ORIGIN_INCOMPLETE);
  uint32_t path[] = {65010, 4200000001u};
  bgp_attrs_set_path(a, path, 2);
  a->next_hop = tu_addr("10.0.0.1");
  bgp_attrs_set(a, BGP_ATTR_NEXT_HOP);
  a->aggregator_as = 4200000001u;
  a->aggregator_addr = tu_addr("10.0.0.9");
  bgp_attrs_set(a, BGP_ATTR_AGGREGATOR);
  bgp_update_add_nlri(&m->u.update, tu_prefix("172.16.0.0/12"));
  size_t n;
  g_autofree uint8_t *e = encode_msg(m, &ctx_as2, &n);
  tu_assert_hex(e, n,
                MARKER "004f 02 0000 0035"
                "40 01 01 02"                 /* ORIGIN INCOMPLETE */
                "40 02 06 02 02 fdf2 5ba0"    /* AS_PATH 65010 AS_TRANS */
                "40 03 04 0a000001"           /* NEXT_HOP */
                "c0 07 06 5ba0 0a000009"      /* AGGREGATOR AS_TRANS */
                "c0 11 0a 02 02 0000fdf2 fa56ea01" /* AS4_PATH 65010 4200000001 */
                "c0 12 08 fa56ea01 0a000009"  /* AS4_AGGREGATOR */
                "0c ac10");                   /* 172.16.0.0/12 */
  g_autoptr(BgpMessage) back = NULL;
  g_assert_cmpint(bgp_message_decode(e, n, &ctx_as2, &back, NULL), ==, WIRE_OK);
  const BgpAttrs *b = &back->u.update.attrs;
  g_assert_cmpuint(b->as_path.seg[0].asn[1], ==, BGP_AS_TRANS);
  g_assert_cmpuint(b->as4_aggregator_as, ==, 4200000001u);
  BgpAsPath merged = {0};
  bgp_as_path_merge_as4(b, &merged);
  g_assert_cmpuint(bgp_as_path_length(&merged), ==, 2);
  g_assert_cmpuint(merged.seg[0].asn[0], ==, 65010);
  g_assert_cmpuint(merged.seg[merged.n_seg - 1].asn[merged.seg[merged.n_seg - 1].n - 1], ==,
                   4200000001u);
  bgp_as_path_clear(&merged);
  /* and it re-encodes the same */
  assert_reencodes(back, &ctx_as2, e, n);

  /* an AS4_PATH longer than AS_PATH is ignored (RFC 6793 4.2.3) */
  BgpAttrs x = {0};
  uint32_t p2[] = {100};
  bgp_attrs_set_path(&x, p2, 1);
  uint32_t p4[] = {1, 2};
  bgp_as_path_add_segment(&x.as4_path, BGP_AS_SEQUENCE, p4, 2);
  bgp_attrs_set(&x, BGP_ATTR_AS4_PATH);
  bgp_as_path_merge_as4(&x, &merged);
  g_assert_cmpuint(bgp_as_path_first(&merged), ==, 100);
  bgp_as_path_clear(&merged);
  bgp_attrs_clear(&x);
}

static void test_round_trip(void)
{
  /* AS_SET, an unknown optional transitive attribute, a long AS_PATH (extended length) */
  g_autoptr(BgpMessage) m = build_update();
  BgpAttrs *a = &m->u.update.attrs;
  uint32_t set[] = {64512, 64513};
  bgp_as_path_add_segment(&a->as_path, BGP_AS_SET, set, 2);
  uint32_t many[120];
  for (unsigned i = 0; i < 120; i++)
    many[i] = 64600 + i;
  bgp_as_path_add_segment(&a->as_path, BGP_AS_SEQUENCE, many, 120);
  a->other = g_new0(BgpRawAttr, 1);
  a->other[0] = (BgpRawAttr){.flags = BGP_AF_OPTIONAL | BGP_AF_TRANSITIVE | BGP_AF_PARTIAL,
                             .type = 99, .len = 3, .value = g_memdup2("abc", 3)};
  a->n_other = 1;
  bgp_update_add_withdrawn(&m->u.update, tu_prefix("10.200.0.0/16"));
  for (const BgpCodecCtx *ctx = &ctx_as2;; ctx = &ctx_as4) {
    size_t n;
    g_autofree uint8_t *e = encode_msg(m, ctx, &n);
    BgpDiag d;
    g_autoptr(BgpMessage) back = NULL;
    g_assert_cmpint(bgp_message_decode(e, n, ctx, &back, &d), ==, WIRE_OK);
    const BgpAttrs *b = &back->u.update.attrs;
    g_assert_cmpuint(bgp_as_path_length(&b->as_path), ==, 3 + 1 + 120);
    g_assert_cmpuint(b->as_path.seg[1].type, ==, BGP_AS_SET);
    g_assert_cmpuint(b->n_other, ==, 1);
    g_assert_cmpuint(b->other[0].type, ==, 99);
    g_assert_cmpmem(b->other[0].value, b->other[0].len, "abc", 3);
    g_assert_cmpuint(back->u.update.n_withdrawn, ==, 1);
    assert_reencodes(back, ctx, e, n);
    /* attributes start at 26 (after 3 octets of withdrawn routes): ORIGIN in the short
     * form, the long AS_PATH in the extended length form */
    g_assert_cmpuint(e[26] & BGP_AF_EXT_LEN, ==, 0);
    g_assert_cmpuint(e[30], ==, BGP_AF_TRANSITIVE | BGP_AF_EXT_LEN);
    if (ctx == &ctx_as4)
      break;
  }
  /* a NOTIFICATION with the largest data */
  uint8_t data[BGP_MAX_LEN - BGP_NOTIFICATION_MIN_LEN];
  memset(data, 0x5a, sizeof data);
  g_autoptr(BgpMessage) nm = bgp_notification_new(BGP_ERR_CEASE, 2, data, sizeof data);
  size_t n;
  g_autofree uint8_t *e = encode_msg(nm, NULL, &n);
  g_assert_cmpuint(n, ==, BGP_MAX_LEN);
  g_autoptr(BgpMessage) back = NULL;
  g_assert_cmpint(bgp_message_decode(e, n, NULL, &back, NULL), ==, WIRE_OK);
  g_assert_cmpuint(back->u.notification.data_len, ==, sizeof data);
  /* one octet more does not encode */
  WireWriter w;
  wire_writer_init(&w);
  BgpMessage *big = bgp_notification_new(BGP_ERR_CEASE, 2, data, sizeof data);
  big->u.notification.data_len++;
  g_assert_false(bgp_message_encode(big, NULL, &w));
  bgp_message_free(big);
  wire_writer_clear(&w);
}

/* A TCP stream: two messages back to back, then a partial third. */
static void test_frame_stream(void)
{
  g_autofree char *hex = g_strconcat(kat_keepalive, kat_update, MARKER "00", NULL);
  size_t n, ml;
  g_autofree uint8_t *p = tu_hex_dup(hex, &n);
  g_assert_cmpint(bgp_frame(p, n, &ml, NULL), ==, WIRE_OK);
  g_assert_cmpuint(ml, ==, 19);
  g_assert_cmpint(bgp_frame(p + 19, n - 19, &ml, NULL), ==, WIRE_OK);
  g_assert_cmpuint(ml, ==, 102);
  BgpDiag d;
  g_assert_cmpint(bgp_frame(p + 121, n - 121, &ml, &d), ==, WIRE_TRUNCATED);
  g_assert_cmpuint(ml, ==, 0);
}

/* Every cut of every message: a stream reader waits for more (TRUNCATED), a decoder given
 * the cut as a whole message resets the session; with the Length field patched to the cut
 * the decoder either accepts a shorter valid message (that re-encodes the same) or names
 * the field and an action. */
static void sweep(const uint8_t *msg, size_t n, const BgpCodecCtx *ctx)
{
  for (size_t cut = 0; cut < n; cut++) {
    g_autofree uint8_t *b = g_memdup2(msg, cut ? cut : 1);
    size_t ml;
    BgpDiag d;
    g_assert_cmpint(bgp_frame(b, cut, &ml, &d), ==, WIRE_TRUNCATED);
    BgpMessage *m = NULL;
    g_assert_cmpint(bgp_message_decode(b, cut, ctx, &m, &d), ==, WIRE_TRUNCATED);
    g_assert_null(m);
    g_assert_cmpint(d.action, ==, BGP_ACT_SESSION_RESET);
    g_assert_cmpuint(d.code, ==, BGP_ERR_HEADER);
    if (cut < BGP_HDR_LEN)
      continue;
    wire_store_be16(b + 16, (uint16_t)cut);
    WireStatus s = bgp_message_decode(b, cut, ctx, &m, &d);
    if (s == WIRE_OK) {
      g_assert_nonnull(m);
      assert_reencodes(m, ctx, b, cut);
    } else {
      g_assert_cmpint(d.action, !=, BGP_ACT_ACCEPT);
      g_assert_nonnull(d.diag.field);
      g_assert_cmpuint(d.diag.offset, <=, cut);
      g_assert_true((m == NULL) == (d.action == BGP_ACT_SESSION_RESET));
      if (d.action == BGP_ACT_SESSION_RESET) {
        BgpMessage *nm = bgp_notification_from_diag(&d, b, cut);
        g_assert_nonnull(nm);
        g_assert_cmpuint(nm->u.notification.code, ==, d.code);
        bgp_message_free(nm);
      }
    }
    bgp_message_free(m);
  }
}

static void test_truncation_sweep(void)
{
  const char *const kats[] = {kat_open_bird, kat_update,  kat_withdraw,
                              kat_notification, kat_keepalive, kat_refresh};
  for (size_t i = 0; i < G_N_ELEMENTS(kats); i++) {
    size_t n;
    g_autofree uint8_t *p = tu_hex_dup(kats[i], &n);
    sweep(p, n, &ctx_as4);
  }
  g_autoptr(BgpMessage) m = build_update();
  size_t n;
  g_autofree uint8_t *e = encode_msg(m, &ctx_as2, &n);
  sweep(e, n, &ctx_as2);
}

/* ---- malformed inputs ---- */

typedef struct {
  const char *name;
  const char *base;       /* hex of the message; NULL: kat_update */
  const BgpCodecCtx *ctx; /* NULL: 4-octet session */
  TuPatch patch[3];
  int len_delta;          /* buffer length change, the Length field follows it */
  bool keep_len;          /* ... unless set */
  WireStatus status;
  const char *field;
  BgpAction action;
  uint8_t code, subcode;
  uint8_t attr;        /* attribute concerned */
  const char *data;    /* the NOTIFICATION data, hex ("" for none), for session resets */
  size_t n_nlri;       /* NLRI still in the message (for the non-reset actions) */
} BadCase;

#define UPD BGP_ERR_UPDATE
static const BadCase bad_cases[] = {
    /* header (RFC 4271 6.1) */
    {"marker not all ones", .patch = {{3, "fe"}}, .status = WIRE_MALFORMED, .field = "marker",
     .action = BGP_ACT_SESSION_RESET, .code = 1, .subcode = 1, .data = ""},
    {"length below 19", .patch = {{16, "0012"}}, .status = WIRE_MALFORMED,
     .field = "message length", .action = BGP_ACT_SESSION_RESET, .code = 1, .subcode = 2,
     .data = "0012"},
    {"length above 4096", .patch = {{16, "1001"}}, .status = WIRE_MALFORMED,
     .field = "message length", .action = BGP_ACT_SESSION_RESET, .code = 1, .subcode = 2,
     .data = "1001"},
    {"length above the buffer", .patch = {{16, "0067"}}, .status = WIRE_TRUNCATED,
     .field = "message length", .action = BGP_ACT_SESSION_RESET, .code = 1, .subcode = 2,
     .data = "0067"},
    {"bytes after the message", .len_delta = 1, .keep_len = true, .status = WIRE_MALFORMED,
     .field = "message length", .action = BGP_ACT_SESSION_RESET, .code = 1, .subcode = 2,
     .data = "0066"},
    {"unknown message type", .patch = {{18, "09"}}, .status = WIRE_UNSUPPORTED,
     .field = "message type", .action = BGP_ACT_SESSION_RESET, .code = 1, .subcode = 3,
     .data = "09"},
    {"KEEPALIVE of 20 octets", .base = MARKER "0014 04 00", .status = WIRE_MALFORMED,
     .field = "message length", .action = BGP_ACT_SESSION_RESET, .code = 1, .subcode = 2,
     .data = "0014"},
    {"ROUTE-REFRESH of 22 octets", .base = MARKER "0016 05 0001 00", .status = WIRE_MALFORMED,
     .field = "message length", .action = BGP_ACT_SESSION_RESET, .code = 1, .subcode = 2,
     .data = "0016"},
    {"OPEN of 28 octets", .base = MARKER "001c 01 04 fdf2 00f0 c0000201", .status = WIRE_MALFORMED,
     .field = "message length", .action = BGP_ACT_SESSION_RESET, .code = 1, .subcode = 2,
     .data = "001c"},
    /* OPEN (RFC 4271 6.2, RFC 5492) */
    {"OPEN version 3", .patch = {{19, "03"}}, .status = WIRE_UNSUPPORTED,
     .field = "version", .action = BGP_ACT_SESSION_RESET, .code = 2, .subcode = 1,
     .data = "0004"},
    {"OPEN hold time 2", .patch = {{22, "0002"}}, .status = WIRE_MALFORMED,
     .field = "hold time", .action = BGP_ACT_SESSION_RESET, .code = 2, .subcode = 6,
     .data = "0002"},
    {"OPEN BGP identifier 0", .patch = {{24, "00000000"}}, .status = WIRE_MALFORMED,
     .field = "BGP identifier", .action = BGP_ACT_SESSION_RESET, .code = 2, .subcode = 3,
     .data = "00000000"},
    {"OPEN parameters length lies", .patch = {{28, "17"}}, .status = WIRE_MALFORMED,
     .field = "optional parameters length", .action = BGP_ACT_SESSION_RESET, .code = 2,
     .subcode = 0, .data = ""},
    {"OPEN unknown parameter type", .patch = {{29, "01"}}, .status = WIRE_UNSUPPORTED,
     .field = "parameter type", .action = BGP_ACT_SESSION_RESET, .code = 2, .subcode = 4,
     .data = "0116 01040001000102004002007841040000fdf246004700"},
    {"OPEN parameter length lies", .patch = {{30, "17"}}, .status = WIRE_MALFORMED,
     .field = "parameter length", .action = BGP_ACT_SESSION_RESET, .code = 2, .subcode = 0,
     .data = ""},
    {"OPEN MP capability of 3 octets", .patch = {{32, "03"}}, .status = WIRE_MALFORMED,
     .field = "capability length", .action = BGP_ACT_SESSION_RESET, .code = 2, .subcode = 0,
     .data = ""},
    {"OPEN capability runs past its parameter", .patch = {{52, "01"}}, .status = WIRE_TRUNCATED,
     .field = "capability value", .action = BGP_ACT_SESSION_RESET, .code = 2, .subcode = 0,
     .data = ""},
    /* UPDATE structure (RFC 4271 6.3, RFC 7606 4, 5.3) */
    {"withdrawn routes length lies", .patch = {{19, "ffff"}}, .status = WIRE_MALFORMED,
     .field = "withdrawn routes length", .action = BGP_ACT_SESSION_RESET, .code = UPD,
     .subcode = 1, .data = ""},
    {"total attribute length lies", .patch = {{21, "00ff"}}, .status = WIRE_MALFORMED,
     .field = "total path attribute length", .action = BGP_ACT_SESSION_RESET, .code = UPD,
     .subcode = 1, .data = ""},
    {"NLRI prefix length 33", .patch = {{90, "21"}}, .status = WIRE_MALFORMED,
     .field = "prefix length", .action = BGP_ACT_SESSION_RESET, .code = UPD, .subcode = 10,
     .data = ""},
    {"NLRI prefix cut short", .len_delta = -1, .status = WIRE_TRUNCATED, .field = "prefix",
     .action = BGP_ACT_SESSION_RESET, .code = UPD, .subcode = 10, .data = ""},
    {"withdrawn prefix cut short", .base = MARKER "001a 02 0003 18 0a09 0000",
     .status = WIRE_TRUNCATED, .field = "prefix", .action = BGP_ACT_SESSION_RESET, .code = UPD,
     .subcode = 10, .data = ""},
    {"attribute overruns the attribute list", .patch = {{81, "09"}}, .status = WIRE_MALFORMED,
     .field = "attribute length", .action = BGP_ACT_TREAT_AS_WITHDRAW, .code = UPD,
     .subcode = 5, .attr = 8, .n_nlri = 3},
    {"attribute header cut by the attribute list", .patch = {{21, "0045"}},
     .status = WIRE_MALFORMED, .field = "attribute header",
     .action = BGP_ACT_TREAT_AS_WITHDRAW, .code = UPD, .subcode = 1, .n_nlri = 3},
    /* attributes (RFC 7606 7) */
    {"ORIGIN 3", .patch = {{26, "03"}}, .status = WIRE_MALFORMED, .field = "ORIGIN",
     .action = BGP_ACT_TREAT_AS_WITHDRAW, .code = UPD, .subcode = 6, .attr = 1, .n_nlri = 3},
    {"ORIGIN flagged optional", .patch = {{23, "c0"}}, .status = WIRE_MALFORMED,
     .field = "attribute flags", .action = BGP_ACT_TREAT_AS_WITHDRAW, .code = UPD,
     .subcode = 4, .attr = 1, .n_nlri = 3},
    {"AS_PATH segment type 5", .patch = {{30, "05"}}, .status = WIRE_MALFORMED,
     .field = "segment type", .action = BGP_ACT_TREAT_AS_WITHDRAW, .code = UPD, .subcode = 11,
     .attr = 2, .n_nlri = 3},
    {"AS_PATH segment of zero ASes", .patch = {{31, "00"}}, .status = WIRE_MALFORMED,
     .field = "segment length", .action = BGP_ACT_TREAT_AS_WITHDRAW, .code = UPD,
     .subcode = 11, .attr = 2, .n_nlri = 3},
    {"AS_PATH segment overruns", .patch = {{31, "04"}}, .status = WIRE_MALFORMED,
     .field = "segment length", .action = BGP_ACT_TREAT_AS_WITHDRAW, .code = UPD,
     .subcode = 11, .attr = 2, .n_nlri = 3},
    {"AS_PATH read with 2-octet ASes", .ctx = &ctx_as2, .status = WIRE_MALFORMED,
     .field = "segment type", .action = BGP_ACT_TREAT_AS_WITHDRAW, .code = UPD, .subcode = 11,
     .attr = 2, .n_nlri = 3},
    {"NEXT_HOP 0.0.0.0", .patch = {{47, "00000000"}}, .status = WIRE_MALFORMED,
     .field = "NEXT_HOP", .action = BGP_ACT_TREAT_AS_WITHDRAW, .code = UPD, .subcode = 8,
     .attr = 3, .n_nlri = 3},
    {"NEXT_HOP missing", .patch = {{44, "c063"}}, .status = WIRE_MALFORMED,
     .field = "missing well-known attribute", .action = BGP_ACT_TREAT_AS_WITHDRAW, .code = UPD,
     .subcode = 3, .attr = 3, .n_nlri = 3},
    {"MED flagged transitive", .patch = {{51, "c0"}}, .status = WIRE_MALFORMED,
     .field = "attribute flags", .action = BGP_ACT_TREAT_AS_WITHDRAW, .code = UPD,
     .subcode = 4, .attr = 4, .n_nlri = 3},
    {"LOCAL_PREF of 3 octets", .base = MARKER "001d 02 0000 0006 40 05 03 0000c8",
     .status = WIRE_MALFORMED, .field = "attribute length",
     .action = BGP_ACT_TREAT_AS_WITHDRAW, .code = UPD, .subcode = 5, .attr = 5},
    {"ATOMIC_AGGREGATE with Partial", .patch = {{65, "60"}}, .status = WIRE_MALFORMED,
     .field = "attribute flags", .action = BGP_ACT_ATTR_DISCARD, .code = UPD, .subcode = 4,
     .attr = 6, .n_nlri = 3},
    {"AGGREGATOR of 8 octets on a 2-octet session", .ctx = &ctx_as2,
     .base = MARKER "0022 02 0000 000b c0 07 08 0000fdf2 c0000201",
     .status = WIRE_MALFORMED, .field = "AGGREGATOR length", .action = BGP_ACT_ATTR_DISCARD,
     .code = UPD, .subcode = 9, .attr = 7},
    {"COMMUNITIES of 7 octets", .base = MARKER "0021 02 0000 000a c0 08 07 00000001 000002",
     .status = WIRE_MALFORMED, .field = "COMMUNITIES length",
     .action = BGP_ACT_TREAT_AS_WITHDRAW, .code = UPD, .subcode = 9, .attr = 8},
    {"AS4_PATH segment overruns", .ctx = &ctx_as2,
     .base = MARKER "0020 02 0000 0009 c0 11 06 02 02 0000fdf2",
     .status = WIRE_MALFORMED, .field = "segment length", .action = BGP_ACT_ATTR_DISCARD,
     .code = UPD, .subcode = 9, .attr = 17},
    {"AS4_PATH from a 4-octet speaker", .base = MARKER "0020 02 0000 0009 c0 11 06 02 01 0000fdf2",
     .status = WIRE_MALFORMED, .field = "AS4_PATH on a 4-octet session",
     .action = BGP_ACT_ATTR_DISCARD, .code = UPD, .subcode = 9, .attr = 17},
    {"AS4_AGGREGATOR of 6 octets", .ctx = &ctx_as2,
     .base = MARKER "0020 02 0000 0009 c0 12 06 fdf2 c0000201", .status = WIRE_MALFORMED,
     .field = "attribute length", .action = BGP_ACT_ATTR_DISCARD, .code = UPD, .subcode = 5,
     .attr = 18},
    {"repeated attribute", .patch = {{58, "80 04"}}, .status = WIRE_MALFORMED,
     .field = "repeated attribute", .action = BGP_ACT_ATTR_DISCARD, .code = UPD, .subcode = 1,
     .attr = 4, .n_nlri = 3},
    {"repeated MP_UNREACH_NLRI", .base = MARKER "001d 02 0000 0006 80 0f 00 80 0f 00",
     .status = WIRE_MALFORMED, .field = "repeated attribute",
     .action = BGP_ACT_SESSION_RESET, .code = UPD, .subcode = 1, .attr = 15, .data = ""},
    {"unrecognised well-known attribute", .patch = {{51, "40 63"}}, .status = WIRE_UNSUPPORTED,
     .field = "well-known attribute", .action = BGP_ACT_SESSION_RESET, .code = UPD,
     .subcode = 2, .attr = 99, .data = "40 63 04 00000064"},
    {"treat-as-withdraw outranks an earlier attribute discard",
     .patch = {{68, "40"}, {79, "80"}}, .status = WIRE_MALFORMED, .field = "attribute flags",
     .action = BGP_ACT_TREAT_AS_WITHDRAW, .code = UPD, .subcode = 4, .attr = 8, .n_nlri = 3},
};

static void test_malformed(void)
{
  for (size_t i = 0; i < G_N_ELEMENTS(bad_cases); i++) {
    const BadCase *c = &bad_cases[i];
    g_test_message("case: %s", c->name);
    size_t n;
    const char *base = c->base ? c->base
                       : g_str_has_prefix(c->name, "OPEN") ? kat_open_bird
                                                           : kat_update;
    uint8_t *b = tu_hex_dup(base, &n);
    tu_apply_patches(b, n, c->patch, G_N_ELEMENTS(c->patch));
    if (c->len_delta) {
      b = g_realloc(b, n + 1);
      b[n] = 0;
      n = (size_t)((ptrdiff_t)n + c->len_delta);
      if (!c->keep_len)
        wire_store_be16(b + 16, (uint16_t)n);
    }
    BgpDiag d;
    BgpMessage *m = NULL;
    WireStatus s = bgp_message_decode(b, n, c->ctx ? c->ctx : &ctx_as4, &m, &d);
    if (s != c->status || g_strcmp0(d.diag.field, c->field) != 0 || d.action != c->action ||
        d.code != c->code || d.subcode != c->subcode || d.attr_type != c->attr) {
      char buf[160], sb[NAME_BUFSZ];
      g_error("case '%s': got %s, action %s, %u/%s, attr %u; want %s in '%s', %s %u/%u",
              c->name, wire_diag_format(s, &d.diag, buf, sizeof buf),
              name_get(&bgp_action_names, d.action), d.code,
              bgp_err_subcode_fmt(d.code, d.subcode, sb), d.attr_type,
              wire_status_name(c->status), c->field, name_get(&bgp_action_names, c->action),
              c->code, c->subcode);
    }
    g_assert_cmpuint(d.diag.offset, <=, n);
    if (c->action == BGP_ACT_SESSION_RESET) {
      g_assert_null(m);
      g_autoptr(BgpMessage) nm = bgp_notification_from_diag(&d, b, n);
      g_assert_nonnull(nm);
      g_assert_cmpuint(nm->u.notification.code, ==, c->code);
      g_assert_cmpuint(nm->u.notification.subcode, ==, c->subcode);
      tu_assert_hex(nm->u.notification.data, nm->u.notification.data_len, c->data);
    } else {
      /* RFC 7606: the rest of the UPDATE is still there to act on */
      g_assert_nonnull(m);
      g_assert_cmpuint(m->u.update.n_nlri, ==, c->n_nlri);
      g_assert_null(bgp_notification_from_diag(&d, b, n));
      if (c->action == BGP_ACT_ATTR_DISCARD && c->attr != 0)
        g_assert_false(bgp_attrs_has(&m->u.update.attrs, c->attr) &&
                       !g_str_has_prefix(c->name, "repeated"));
    }
    bgp_message_free(m);
    g_free(b);
  }
}

/* Unrecognised optional attributes: a transitive one is kept, a non-transitive one is
 * quietly ignored (RFC 4271 5); a discarded attribute leaves the UPDATE usable. */
static void test_unknown_optional(void)
{
  size_t n;
  g_autofree uint8_t *b = tu_hex_dup(kat_update, &n);
  b[51] = BGP_AF_OPTIONAL; /* MED -> optional non-transitive type 99 */
  b[52] = 99;
  g_autoptr(BgpMessage) m = NULL;
  g_assert_cmpint(bgp_message_decode(b, n, &ctx_as4, &m, NULL), ==, WIRE_OK);
  g_assert_cmpuint(m->u.update.attrs.n_other, ==, 0);
  g_assert_false(bgp_attrs_has(&m->u.update.attrs, BGP_ATTR_MED));
  b[51] = BGP_AF_OPTIONAL | BGP_AF_TRANSITIVE;
  g_autoptr(BgpMessage) t = NULL;
  g_assert_cmpint(bgp_message_decode(b, n, &ctx_as4, &t, NULL), ==, WIRE_OK);
  g_assert_cmpuint(t->u.update.attrs.n_other, ==, 1);
  g_assert_cmpuint(t->u.update.attrs.other[0].len, ==, 4);
  /* attribute discard: ATOMIC_AGGREGATE with Partial is dropped, the rest is kept */
  b[51] = BGP_AF_OPTIONAL;
  b[52] = BGP_ATTR_MED;
  b[65] = 0x60;
  g_autoptr(BgpMessage) x = NULL;
  BgpDiag d;
  g_assert_cmpint(bgp_message_decode(b, n, &ctx_as4, &x, &d), ==, WIRE_MALFORMED);
  g_assert_cmpint(d.action, ==, BGP_ACT_ATTR_DISCARD);
  g_assert_false(bgp_attrs_has(&x->u.update.attrs, BGP_ATTR_ATOMIC_AGGREGATE));
  g_assert_true(bgp_attrs_has(&x->u.update.attrs, BGP_ATTR_MED));
  g_assert_cmpuint(x->u.update.n_nlri, ==, 3);
}

static void test_names(void)
{
  char buf[NAME_BUFSZ];
  g_assert_cmpstr(bgp_err_subcode_fmt(BGP_ERR_CEASE, BGP_CEASE_MAX_PREFIXES, buf), ==,
                  "Maximum Number of Prefixes Reached");
  g_assert_cmpstr(bgp_err_subcode_fmt(BGP_ERR_CEASE, BGP_CEASE_COLLISION_RESOLUTION, buf), ==,
                  "Connection Collision Resolution");
  g_assert_cmpstr(bgp_err_subcode_fmt(BGP_ERR_OPEN, 6, buf), ==, "Unacceptable Hold Time");
  g_assert_cmpstr(bgp_err_subcode_fmt(BGP_ERR_HOLD_TIMER, 0, buf), ==, "<0>");
  g_assert_cmpstr(bgp_err_subcode_fmt(42, 1, buf), ==, "<1>");
  g_assert_cmpstr(name_fmt(&bgp_err_code_names, 6, buf), ==, "Cease");
  g_assert_cmpstr(name_fmt(&bgp_msg_type_names, 5, buf), ==, "ROUTE-REFRESH");
  g_assert_cmpstr(name_fmt(&bgp_cap_names, 65, buf), ==, "4-octet AS number");
  g_assert_cmpstr(name_fmt(&bgp_attr_names, 17, buf), ==, "AS4_PATH");
  g_assert_cmpstr(name_fmt(&bgp_attr_names, 99, buf), ==, "<99>");
  g_assert_cmpstr(name_fmt(&bgp_action_names, BGP_ACT_TREAT_AS_WITHDRAW, buf), ==,
                  "treat-as-withdraw");
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/bgp_codec/kat_open", test_kat_open);
  g_test_add_func("/bgp_codec/kat_open_as4", test_kat_open_as4);
  g_test_add_func("/bgp_codec/kat_update", test_kat_update);
  g_test_add_func("/bgp_codec/kat_others", test_kat_others);
  g_test_add_func("/bgp_codec/as4_over_2octet", test_as4_over_2octet);
  g_test_add_func("/bgp_codec/round_trip", test_round_trip);
  g_test_add_func("/bgp_codec/frame_stream", test_frame_stream);
  g_test_add_func("/bgp_codec/truncation_sweep", test_truncation_sweep);
  g_test_add_func("/bgp_codec/malformed", test_malformed);
  g_test_add_func("/bgp_codec/unknown_optional", test_unknown_optional);
  g_test_add_func("/bgp_codec/names", test_names);
  return g_test_run();
}
