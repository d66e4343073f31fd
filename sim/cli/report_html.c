/* SPDX-License-Identifier: MIT */
/* The HTML report of a run: topology, IKE sequence diagrams, time plots, expectations and
 * output links, drawn as inline SVG from the plan and the event log. */
#include "sim/cli/report_html.h"

#include "models/ike/ikev2_codec.h"
#include "sim/cli/svg.h"

#include <inttypes.h>
#include <string.h>

/* Series colours (Okabe-Ito, readable by colour-blind people). */
static const char *const palette[] = {"#0072b2", "#e69f00", "#009e73", "#cc79a7",
                                      "#56b4e9", "#d55e00", "#f0e442", "#000000"};
#define PALETTE(i) palette[(i) % G_N_ELEMENTS(palette)]

enum { SEQ_MAX_ROWS = 150 }; /* messages drawn per connection; the rest are counted */

/* ---- numbers from integers only (the program runs with the user's locale) ---- */

/* ns as seconds with three decimals: "12.345". */
static void fmt_secs(char *buf, size_t n, int64_t ns)
{
  const char *sign = ns < 0 ? "-" : "";
  uint64_t v = (uint64_t)(ns < 0 ? -ns : ns) / 1000000u;
  g_snprintf(buf, n, "%s%" PRIu64 ".%03" PRIu64, sign, v / 1000, v % 1000);
}

/* ns as milliseconds with three decimals: "40.030". */
static void fmt_ms(char *buf, size_t n, int64_t ns)
{
  uint64_t us = (uint64_t)(ns < 0 ? 0 : ns) / 1000u;
  g_snprintf(buf, n, "%" PRIu64 ".%03" PRIu64, us / 1000, us % 1000);
}

/* bits per second with an SI prefix and two decimals: "95.37 Mbit/s". */
static void fmt_rate(char *buf, size_t n, uint64_t bps)
{
  static const char *const pfx[] = {"", "k", "M", "G", "T"};
  uint64_t div = 1;
  unsigned k = 0;
  while (k + 1 < G_N_ELEMENTS(pfx) && bps >= div * 1000)
    div *= 1000, k++;
  uint64_t cents = (bps % div) * 100 / div;
  g_snprintf(buf, n, "%" PRIu64 ".%02" PRIu64 " %sbit/s", bps / div, cents, pfx[k]);
}

/* The smallest 1, 2 or 5 times a power of ten at or above v (at least 1). */
static uint64_t nice_ceiling(uint64_t v)
{
  uint64_t p = 1;
  for (;;) {
    if (v <= p)
      return p;
    if (v <= 2 * p)
      return 2 * p;
    if (v <= 5 * p)
      return 5 * p;
    if (p > UINT64_MAX / 100)
      return v;
    p *= 10;
  }
}

/* v in [0, max] to a pixel offset in [0, span]. */
static int scale(uint64_t v, uint64_t max, int span)
{
  if (!max)
    return 0;
  if (v > max)
    v = max;
  return (int)((unsigned __int128)v * (unsigned)span / max);
}

static void esc(GString *s, const char *text)
{
  g_autofree char *e = g_markup_escape_text(text ? text : "", -1);
  g_string_append(s, e);
}

static const char *or_dash(const char *s)
{
  return s && *s ? s : "-";
}

/* ---- events ---- */

static const char *attr_str(const VsEvent *ev, const char *key)
{
  const VsAttr *a = vs_event_attr(ev, key);
  return a && a->kind == VS_ATTR_STR ? a->v.s : NULL;
}

static uint64_t attr_u(const VsEvent *ev, const char *key)
{
  const VsAttr *a = vs_event_attr(ev, key);
  if (!a)
    return 0;
  switch (a->kind) {
  case VS_ATTR_INT: return a->v.i < 0 ? 0 : (uint64_t)a->v.i;
  case VS_ATTR_UINT:
  case VS_ATTR_HEX: return a->v.u;
  case VS_ATTR_BOOL: return a->v.b;
  case VS_ATTR_STR: return 0;
  }
  return 0;
}

/* A flow.stats event's average rate over the flow's life, in bit/s (0 for no duration). */
static uint64_t flow_bps(const VsEvent *ev)
{
  int64_t dur = (int64_t)attr_u(ev, "duration_ns");
  return dur > 0 ? (uint64_t)((unsigned __int128)attr_u(ev, "bytes") * 8 * 1000000000u /
                              (uint64_t)dur)
                 : 0;
}

static bool attr_b(const VsEvent *ev, const char *key)
{
  const VsAttr *a = vs_event_attr(ev, key);
  return a && a->kind == VS_ATTR_BOOL && a->v.b;
}

static bool is_type(const VsEvent *ev, const char *type)
{
  return ev->type && !strcmp(ev->type, type);
}

static size_t n_events(const ScnHtmlInput *in)
{
  return in->log ? scn_eventlog_len(in->log) : 0;
}

#define EACH(in, i, ev)                                                                       \
  for (size_t i = 0; i < n_events(in); i++)                                                   \
    for (const VsEvent *ev = scn_eventlog_get((in)->log, i); ev; ev = NULL)


/* A list of distinct strings in first-seen order (deterministic, unlike a hash table's). */
static int strv_index(GPtrArray *a, const char *s)
{
  for (guint i = 0; i < a->len; i++)
    if (!strcmp(g_ptr_array_index(a, i), s))
      return (int)i;
  return -1;
}

static int strv_add(GPtrArray *a, const char *s)
{
  int i = strv_index(a, s);
  if (i >= 0)
    return i;
  g_ptr_array_add(a, (gpointer)s);
  return (int)a->len - 1;
}

/* The final state of a connection's tunnel: 1 up, 0 down after being up or announced
 * down, -1 never seen. */
static int tunnel_final(const ScnHtmlInput *in, const char *conn)
{
  int st = -1;
  EACH(in, i, ev)
  {
    const char *c = attr_str(ev, "connection");
    if (!c || strcmp(c, conn))
      continue;
    if (is_type(ev, "tunnel.up"))
      st = 1;
    else if (is_type(ev, "tunnel.down"))
      st = 0;
  }
  return st;
}

/* The last bgp.session.state of the session named peer on node (a gateway's nodes are
 * "NAME/0" and "NAME/1": node_prefix "NAME/" matches both), NULL: none. */
static const char *bgp_final(const ScnHtmlInput *in, const char *node_prefix, const char *peer)
{
  const char *st = NULL;
  EACH(in, i, ev)
  {
    if (is_type(ev, "bgp.session.state") && ev->node && g_str_has_prefix(ev->node, node_prefix) &&
        !g_strcmp0(attr_str(ev, "peer"), peer))
      st = attr_str(ev, "new_state");
  }
  return st;
}

static bool has_bgp(const ScnHtmlInput *in)
{
  EACH(in, i, ev)
  {
    if (is_type(ev, "bgp.session.state"))
      return true;
  }
  return false;
}

static const char *state_name(int st)
{
  return st > 0 ? "connected" : st == 0 ? "disconnected" : "never connected";
}

static const char *state_cls(int st)
{
  return st > 0 ? "tun-up" : st == 0 ? "tun-down" : "tun-none";
}

/* ---- topology ---- */

typedef struct {
  const char *name;
  int x, y; /* where links attach */
  int left; /* attach on the left side (right column) */
} Anchor;

static void anchor_add(GArray *a, const char *name, int x, int y)
{
  Anchor an = {.name = name, .x = x, .y = y};
  g_array_append_val(a, an);
}

static const Anchor *anchor_find(GArray *a, const char *name)
{
  for (guint i = 0; name && i < a->len; i++)
    if (!strcmp(g_array_index(a, Anchor, i).name, name))
      return &g_array_index(a, Anchor, i);
  return NULL;
}

static char *pfx_list(const Ipv4Prefix *p, unsigned n)
{
  GString *s = g_string_new(NULL);
  for (unsigned i = 0; i < n; i++) {
    char b[IPV4_PREFIX_STRLEN];
    g_string_append_printf(s, "%s%s", i ? " " : "", ipv4_prefix_format(p[i], b));
  }
  return g_string_free(s, FALSE);
}

/* The device a local network gateway stands for: the one at its address, or behind the
 * NAT box at its address. */
static const char *lng_device(const ScnPlan *p, const GwLocalNetworkGateway *l)
{
  if (!l->gatewayIpAddress.set)
    return NULL;
  for (unsigned i = 0; i < p->n_devices; i++)
    if (p->devices[i].cfg.has_public_ip &&
        p->devices[i].cfg.public_ip.v == l->gatewayIpAddress.v.v)
      return p->devices[i].cfg.name;
  for (unsigned i = 0; i < p->n_nats; i++)
    if (p->nats[i].public_ip.v == l->gatewayIpAddress.v.v)
      return p->nats[i].inside;
  return NULL;
}

static void topology(GString *s, const ScnHtmlInput *in)
{
  const ScnPlan *p = in->plan;
  const GwConfig *c = p->cloud;
  g_autoptr(GArray) an = g_array_new(FALSE, TRUE, sizeof(Anchor));
  GString *body = g_string_new(NULL);
  const int lx = 10, lw = 270, nx = 470, nw = 130, rx = 650, rw = 270, W = 930;
  int y = 30, ry = 30;

  /* left: VNets with their gateways (and instances) and VMs */
  for (unsigned v = 0; c && v < c->n_virtualNetworks; v++) {
    const GwVirtualNetwork *vn = &c->virtualNetworks[v];
    int y0 = y;
    GString *inner = g_string_new(NULL);
    y += 36;
    for (unsigned g = 0; g < c->n_virtualNetworkGateways; g++) {
      const GwVirtualNetworkGateway *gw = &c->virtualNetworkGateways[g];
      if (!gw->virtualNetwork.v || !vn->name.v || strcmp(gw->virtualNetwork.v, vn->name.v))
        continue;
      bool aa = gw->activeActive.set && gw->activeActive.v;
      svg_rect(inner, lx + 10, y, lw - 20, 62, 4, "gw");
      g_autofree char *t = g_strdup_printf("gateway %s (%s)", gw->name.v,
                                           gw->sku.v ? gw->sku.v : "?");
      svg_text(inner, lx + 18, y + 16, "start", "b", t);
      for (int k = 0; k < 2; k++) {
        g_autofree char *nm = g_strdup_printf("%s/%d", gw->name.v, k);
        g_autofree char *lbl = g_strdup_printf("%s %s", nm, k == 0 || aa ? "active" : "standby");
        svg_rect(inner, lx + 18 + k * 122, y + 26, 114, 26, 3, k == 0 || aa ? "inst" : "inst standby");
        svg_text(inner, lx + 24 + k * 122, y + 43, "start", "sm", lbl);
      }
      anchor_add(an, gw->name.v, lx + lw - 10, y + 31);
      y += 72;
    }
    for (unsigned h = 0; h < p->n_hosts; h++) {
      const ScnHost *ho = &p->hosts[h];
      if (ho->kind != SCN_HOST_VM || !ho->vnet || !vn->name.v || strcmp(ho->vnet, vn->name.v))
        continue;
      char ab[IPV4_ADDR_STRLEN];
      g_autofree char *t = g_strdup_printf("VM %s %s (%s)", ho->name,
                                           ipv4_addr_format(ho->address, ab),
                                           or_dash(ho->subnet));
      svg_rect(inner, lx + 10, y, lw - 20, 22, 3, "host");
      svg_text(inner, lx + 18, y + 15, "start", "sm", t);
      y += 28;
    }
    GString *spaces = g_string_new(NULL);
    for (unsigned k = 0; k < vn->n_addressSpace; k++) {
      char b[IPV4_PREFIX_STRLEN];
      g_string_append_printf(spaces, " %s", ipv4_prefix_format(vn->addressSpace[k].v, b));
    }
    svg_rect(body, lx, y0, lw, y - y0 + 4, 6, "vnet");
    g_autofree char *t = g_strdup_printf("VNet %s%s", or_dash(vn->name.v), spaces->str);
    g_string_free(spaces, TRUE);
    svg_text(body, lx + 8, y0 + 20, "start", "b", t);
    g_string_append_len(body, inner->str, (gssize)inner->len);
    g_string_free(inner, TRUE);
    y += 20;
  }

  /* right: devices, with their LAN hosts; the local network gateways they stand for */
  for (unsigned d = 0; d < p->n_devices; d++) {
    const DevConfig *dc = &p->devices[d].cfg;
    int y0 = ry;
    GString *inner = g_string_new(NULL);
    ry += 36;
    char ab[IPV4_ADDR_STRLEN];
    g_autofree char *t = g_strdup_printf("device %s %s", dc->name,
                                         dc->has_public_ip ? ipv4_addr_format(dc->public_ip, ab) : "");
    svg_rect(inner, rx + 10, ry, rw - 20, 40, 4, "dev");
    svg_text(inner, rx + 18, ry + 16, "start", "b", t);
    g_autofree char *prof = g_strdup_printf("IKEv%u%s%s", dc->ike_version, dc->profile ? ", " : "",
                                            dc->profile ? dc->profile : "");
    svg_text(inner, rx + 18, ry + 32, "start", "sm", prof);
    anchor_add(an, dc->name, rx + 10, ry + 20);
    ry += 50;
    for (unsigned h = 0; h < p->n_hosts; h++) {
      const ScnHost *ho = &p->hosts[h];
      if (ho->kind != SCN_HOST_BEHIND_DEVICE || !ho->device || strcmp(ho->device, dc->name))
        continue;
      g_autofree char *ht = g_strdup_printf("host %s %s", ho->name,
                                            ipv4_addr_format(ho->address, ab));
      svg_rect(inner, rx + 10, ry, rw - 20, 22, 3, "host");
      svg_text(inner, rx + 18, ry + 15, "start", "sm", ht);
      ry += 28;
    }
    const char *site = NULL;
    for (unsigned l = 0; c && l < c->n_localNetworkGateways; l++)
      if (g_strcmp0(lng_device(p, &c->localNetworkGateways[l]), dc->name) == 0)
        site = c->localNetworkGateways[l].name.v;
    g_autofree char *lan = pfx_list(dc->lan, dc->n_lan);
    g_autofree char *st = g_strdup_printf("site %s %s", site ? site : dc->name, lan);
    svg_rect(body, rx, y0, rw, ry - y0 + 4, 6, "site");
    svg_text(body, rx + 8, y0 + 20, "start", "b", st);
    g_string_append_len(body, inner->str, (gssize)inner->len);
    g_string_free(inner, TRUE);
    ry += 20;
  }

  int H = MAX(MAX(y, ry), 120) + 40;
  /* middle: the internet, and the NAT boxes in front of their devices */
  int iy = H / 2 - 20;
  svg_rect(body, nx - 150, iy, 110, 40, 20, "inet");
  svg_text(body, nx - 95, iy + 25, "middle", "b", "internet");
  anchor_add(an, "internet", nx - 95, iy + 20);
  for (unsigned k = 0; k < p->n_nats; k++) {
    const ScnNatBox *nb = &p->nats[k];
    const Anchor *dev = anchor_find(an, nb->inside);
    int ny = dev ? dev->y - 20 : 30 + (int)k * 60;
    char ab[IPV4_ADDR_STRLEN];
    g_autofree char *t = g_strdup_printf("NAT %s", nb->name);
    g_autofree char *t2 = g_strdup_printf("%s %s", name_get(&scn_nat_kind_names, nb->kind),
                                          ipv4_addr_format(nb->public_ip, ab));
    svg_rect(body, nx, ny, nw, 40, 4, "nat");
    svg_text(body, nx + 8, ny + 16, "start", "b", t);
    svg_text(body, nx + 8, ny + 32, "start", "sm", t2);
    anchor_add(an, nb->name, nx + nw / 2, ny + 20);
  }

  /* underlay links, drawn under the boxes' labels */
  GString *links = g_string_new(NULL);
  for (unsigned k = 0; k < p->n_links; k++) {
    const ScnLink *l = &p->links[k];
    const Anchor *a = anchor_find(an, l->a), *b = anchor_find(an, l->b);
    if (!a || !b)
      continue;
    char d[32], r[32];
    fmt_ms(d, sizeof d, l->delay_ns);
    fmt_rate(r, sizeof r, l->rate_bps);
    g_autofree char *tip = g_strdup_printf("link %s: %s ms, %s", l->name, d, r);
    svg_group_begin(links, tip);
    svg_line(links, a->x, a->y, b->x, b->y, "link");
    svg_group_end(links);
  }
  /* tunnels: a connection between its gateway and the device (or the other gateway),
   * coloured by its final state */
  GString *tuns = g_string_new(NULL);
  for (unsigned k = 0; c && k < c->n_connections; k++) {
    const GwConnection *cn = &c->connections[k];
    const Anchor *a = anchor_find(an, cn->virtualNetworkGateway1.v), *b = NULL;
    if (cn->localNetworkGateway2.set)
      for (unsigned l = 0; l < c->n_localNetworkGateways; l++)
        if (!g_strcmp0(c->localNetworkGateways[l].name.v, cn->localNetworkGateway2.v))
          b = anchor_find(an, lng_device(p, &c->localNetworkGateways[l]));
    if (!b && cn->virtualNetworkGateway2.set)
      b = anchor_find(an, cn->virtualNetworkGateway2.v);
    if (!a || !b || !cn->name.v)
      continue;
    int st = tunnel_final(in, cn->name.v);
    int cy = MIN(a->y, b->y) - 40 - (int)k * 14;
    if (cy < 12)
      cy = 12;
    g_autofree char *tip = g_strdup_printf("tunnel %s: %s", cn->name.v, state_name(st));
    g_autofree char *cls = g_strdup_printf("tun %s", state_cls(st));
    svg_group_begin(tuns, tip);
    svg_curve(tuns, a->x, a->y, (a->x + b->x) / 2, cy, b->x, b->y, cls, NULL);
    /* its BGP session (the gateway names the peer after the connection): a thin line
     * under the tunnel's curve, blue when it ended Established, and its state in the label */
    g_autofree char *gwp = g_strdup_printf("%s/", cn->virtualNetworkGateway1.v);
    const char *bst = bgp_final(in, gwp, cn->name.v);
    g_autofree char *lbl = g_strdup_printf("%s: %s%s%s", cn->name.v, state_name(st),
                                           bst ? ", BGP " : "", bst ? bst : "");
    svg_text(tuns, (a->x + b->x) / 2, (a->y + b->y) / 4 + cy / 2 - 4, "middle", state_cls(st), lbl);
    svg_group_end(tuns);
    if (bst) {
      bool est = !strcmp(bst, "Established");
      g_autofree char *btip = g_strdup_printf("BGP session %s: %s", cn->name.v, bst);
      g_autofree char *bcls = g_strdup_printf("bgp %s", est ? "bgp-up" : "bgp-down");
      /* drawn with the links, under the boxes, tunnels and labels */
      svg_group_begin(links, btip);
      svg_curve(links, a->x, a->y + 6, (a->x + b->x) / 2, cy + 14, b->x, b->y + 6, bcls, NULL);
      svg_group_end(links);
    }
  }
  svg_begin(s, W, H, "Topology");
  g_string_append_len(s, links->str, (gssize)links->len);
  g_string_append_len(s, body->str, (gssize)body->len);
  g_string_append_len(s, tuns->str, (gssize)tuns->len);
  svg_end(s);
  g_string_free(links, TRUE);
  g_string_free(body, TRUE);
  g_string_free(tuns, TRUE);
}

/* ---- IKE sequence diagrams ---- */

typedef struct {
  size_t sent;     /* event index of the sent message */
  long recv;       /* event index of its reception, -1: never received */
  int from, to;    /* lifelines */
  bool give_up;    /* an ike.give_up row instead of a message */
} SeqRow;

/* Distinct strings in first-seen order with a hash index: strv_index and strv_add for
 * lists that grow with the clients (a P2S population's lifelines). */
typedef struct {
  GPtrArray *v;   /* borrowed strings */
  GHashTable *at; /* string -> index + 1 */
} StrIdx;

static void stridx_init(StrIdx *x)
{
  x->v = g_ptr_array_new();
  x->at = g_hash_table_new(g_str_hash, g_str_equal);
}

static void stridx_clear(StrIdx *x)
{
  g_ptr_array_unref(x->v);
  g_hash_table_unref(x->at);
}

static int stridx_index(const StrIdx *x, const char *s)
{
  return (int)GPOINTER_TO_UINT(g_hash_table_lookup(x->at, s)) - 1;
}

static int stridx_add(StrIdx *x, const char *s)
{
  int i = stridx_index(x, s);
  if (i >= 0)
    return i;
  g_ptr_array_add(x->v, (gpointer)s);
  g_hash_table_insert(x->at, (gpointer)s, GUINT_TO_POINTER(x->v->len));
  return (int)x->v->len - 1;
}

/* What a reception must share with the sent message: exchange, message ID and direction. */
static char *msg_key(const VsEvent *ev)
{
  const char *ex = attr_str(ev, "exchange");
  return g_strdup_printf("%c%s|%" PRIu64 "|%d", ex ? 'S' : 'N', ex ? ex : "",
                         attr_u(ev, "msg_id"), attr_b(ev, "response"));
}

/* The events that name connection conn (event indices, in log order); sequence_one reads
 * only these, so drawing N connections costs the log once, not N times. */
static void sequence_one(GString *s, const ScnHtmlInput *in, const char *conn, const GArray *idx)
{
  StrIdx lines; /* lifeline names (borrowed) */
  stridx_init(&lines);
  /* address -> lifeline + 1, learned */
  g_autoptr(GHashTable) peer_ln = g_hash_table_new(g_str_hash, g_str_equal);
  g_autoptr(GArray) rows = g_array_new(FALSE, TRUE, sizeof(SeqRow));
  /* the receptions (positions in idx, ascending) by msg_key */
  g_autoptr(GHashTable) recvs =
      g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_array_unref);
  guint m = idx->len;
  g_autofree bool *used = g_new0(bool, m ? m : 1); /* by position in idx */
  for (guint k = 0; k < m; k++) {
    const VsEvent *ev = scn_eventlog_get(in->log, g_array_index(idx, size_t, k));
    if (!is_type(ev, "ike.message") || !ev->node)
      continue;
    stridx_add(&lines, ev->node);
    if (g_strcmp0(attr_str(ev, "dir"), "received"))
      continue;
    char *key = msg_key(ev);
    GArray *l = g_hash_table_lookup(recvs, key);
    if (!l) {
      l = g_array_new(FALSE, FALSE, sizeof(guint));
      g_hash_table_insert(recvs, key, l);
    } else
      g_free(key);
    g_array_append_val(l, k);
  }
  int own = (int)lines.v->len;
  /* match each sent message with the first later reception of the same message elsewhere */
  for (guint k = 0; k < m; k++) {
    size_t i = g_array_index(idx, size_t, k);
    const VsEvent *ev = scn_eventlog_get(in->log, i);
    if (!ev->node)
      continue;
    if (is_type(ev, "ike.give_up")) {
      SeqRow r = {.sent = i, .recv = -1, .from = stridx_index(&lines, ev->node), .give_up = true};
      g_array_append_val(rows, r);
      continue;
    }
    if (!is_type(ev, "ike.message") || g_strcmp0(attr_str(ev, "dir"), "sent"))
      continue;
    SeqRow r = {.sent = i, .recv = -1, .from = stridx_index(&lines, ev->node), .to = -1};
    g_autofree char *key = msg_key(ev);
    const GArray *l = g_hash_table_lookup(recvs, key);
    /* the first reception after k: binary search, then the first one unused elsewhere */
    guint lo = 0, hi = l ? l->len : 0;
    while (lo < hi) {
      guint mid = lo + (hi - lo) / 2;
      if (g_array_index(l, guint, mid) <= k)
        lo = mid + 1;
      else
        hi = mid;
    }
    for (guint q = lo; l && q < l->len; q++) {
      guint k2 = g_array_index(l, guint, q);
      size_t j = g_array_index(idx, size_t, k2);
      const VsEvent *e2 = scn_eventlog_get(in->log, j);
      if (used[k2] || !strcmp(e2->node, ev->node))
        continue;
      used[k2] = true;
      r.recv = (long)j;
      r.to = stridx_index(&lines, e2->node);
      const char *ip = attr_str(ev, "peer");
      if (ip && !g_hash_table_contains(peer_ln, ip))
        g_hash_table_insert(peer_ln, (gpointer)ip, GINT_TO_POINTER(r.to + 1));
      break;
    }
    g_array_append_val(rows, r);
  }
  /* a message never received goes to the node at its address, the only other lifeline,
   * or a lifeline for the address */
  for (guint k = 0; k < rows->len; k++) {
    SeqRow *r = &g_array_index(rows, SeqRow, k);
    if (r->give_up || r->recv >= 0)
      continue;
    const VsEvent *ev = scn_eventlog_get(in->log, r->sent);
    const char *ip = attr_str(ev, "peer");
    int pi = ip ? GPOINTER_TO_INT(g_hash_table_lookup(peer_ln, ip)) - 1 : -1;
    if (pi >= 0)
      r->to = pi;
    else if (own == 2)
      r->to = 1 - r->from;
    else
      r->to = stridx_add(&lines, ip ? ip : "?");
  }
  GPtrArray *linev = lines.v;
  if (linev->len < 2)
    stridx_add(&lines, "peer");

  const int left = 90, gap = 420, top = 46, rowh = 24;
  guint shown = MIN(rows->len, SEQ_MAX_ROWS);
  int W = left + gap * ((int)linev->len - 1) + 280; /* room for a give-up note */
  int H = top + (int)shown * rowh + 30;
  g_autofree char *title = g_strdup_printf("IKE exchanges of %s", conn);
  svg_begin(s, W, H, title);
  svg_text(s, 8, 20, "start", "sm", "time (s)");
  for (guint l = 0; l < linev->len; l++) {
    int x = left + gap * (int)l;
    svg_rect(s, x - 56, 6, 112, 24, 4, l < (guint)own ? "life" : "life ext");
    svg_text(s, x, 22, "middle", "b", g_ptr_array_index(linev, l));
    svg_line(s, x, 30, x, H - 8, "lifeline");
  }
  for (guint k = 0; k < shown; k++) {
    const SeqRow *r = &g_array_index(rows, SeqRow, k);
    const VsEvent *ev = scn_eventlog_get(in->log, r->sent);
    int y = top + (int)k * rowh + 14;
    char t[32];
    fmt_secs(t, sizeof t, ev->time_ns);
    svg_text(s, 8, y + 4, "start", "sm", t);
    int x1 = left + gap * r->from;
    if (r->give_up) {
      g_autofree char *m = g_strdup_printf("gave up on %s after %" PRIu64 " retransmissions",
                                           or_dash(attr_str(ev, "exchange")),
                                           attr_u(ev, "retransmissions"));
      svg_text(s, x1 + 6, y + 4, "start", "fail", m);
      continue;
    }
    int x2 = left + gap * r->to;
    const char *notifies = attr_str(ev, "notifies");
    bool err = ikev2_notify_names_have_error(notifies);
    bool lost = r->recv < 0;
    const char *cls = err ? "msg fail" : lost ? "msg lost" : "msg";
    int dir = x2 >= x1 ? 1 : -1;
    char ta[32] = "";
    if (!lost)
      fmt_secs(ta, sizeof ta, scn_eventlog_get(in->log, (size_t)r->recv)->time_ns);
    g_autofree char *tip = g_strdup_printf(
        "event #%zu%s%s: %s %s msg %" PRIu64 " from %s%s%s", r->sent, lost ? "" : ", received ",
        lost ? " (never received)" : ta, or_dash(attr_str(ev, "exchange")),
        attr_b(ev, "response") ? "response" : "request", attr_u(ev, "msg_id"), ev->node,
        notifies && *notifies ? ", notifies: " : "", notifies && *notifies ? notifies : "");
    svg_group_begin(s, tip);
    if (lost) {
      int xe = x1 + dir * (gap * 2 / 3);
      svg_line(s, x1, y, xe, y, cls);
      svg_line(s, xe - 5, y - 5, xe + 5, y + 5, "x");
      svg_line(s, xe - 5, y + 5, xe + 5, y - 5, "x");
    } else {
      svg_line(s, x1, y, x2 - dir * 2, y, cls);
      svg_arrow_head(s, x2, y, dir, err ? "head fail" : "head");
    }
    g_autofree char *lbl = g_strdup_printf("%s %s #%" PRIu64 "%s%s%s",
                                           or_dash(attr_str(ev, "exchange")),
                                           attr_b(ev, "response") ? "resp" : "req",
                                           attr_u(ev, "msg_id"), notifies && *notifies ? " [" : "",
                                           notifies && *notifies ? notifies : "",
                                           notifies && *notifies ? "]" : "");
    svg_text(s, (x1 + (lost ? x1 + dir * (gap * 2 / 3) : x2)) / 2, y - 4, "middle",
             err ? "sm fail" : "sm", lbl);
    svg_group_end(s);
  }
  if (rows->len > shown) {
    g_autofree char *m = g_strdup_printf("%u more messages: see events.jsonl", rows->len - shown);
    svg_text(s, left, H - 10, "start", "sm", m);
  }
  svg_end(s);
  stridx_clear(&lines);
}

static void sequences(GString *s, const ScnHtmlInput *in)
{
  /* connections in the order of their first ike.message; each with the indices of every
   * event that names it */
  g_autoptr(GPtrArray) conns = g_ptr_array_new();
  g_autoptr(GHashTable) by_conn =
      g_hash_table_new_full(g_str_hash, g_str_equal, NULL, (GDestroyNotify)g_array_unref);
  g_autoptr(GHashTable) drawn = g_hash_table_new(g_str_hash, g_str_equal);
  EACH(in, i, ev)
  {
    const char *c = attr_str(ev, "connection");
    if (!c)
      continue;
    GArray *idx = g_hash_table_lookup(by_conn, c);
    if (!idx) {
      idx = g_array_new(FALSE, FALSE, sizeof(size_t));
      g_hash_table_insert(by_conn, (gpointer)c, idx);
    }
    g_array_append_val(idx, i);
    if (is_type(ev, "ike.message") && g_hash_table_add(drawn, (gpointer)c))
      g_ptr_array_add(conns, (gpointer)c);
  }
  if (!conns->len) {
    g_string_append(s, "<p>No IKE messages were exchanged.</p>\n");
    return;
  }
  for (guint k = 0; k < conns->len; k++) {
    const char *c = g_ptr_array_index(conns, k);
    g_string_append(s, "<h3>");
    esc(s, c);
    g_string_append(s, "</h3>\n<div class=\"fig\">");
    sequence_one(s, in, c, g_hash_table_lookup(by_conn, c));
    g_string_append(s, "</div>\n");
  }
}

/* ---- time plots ---- */

enum { PL = 90, PT = 24, PW = 780, PH = 180, PWIDTH = 900, PHEIGHT = 250 };

/* Axes: time from 0 to end on x, 0 to ymax on y with its label function. */
static void plot_axes(GString *s, int64_t end_ns, uint64_t ymax, const char *ylabel,
                      void (*yfmt)(char *, size_t, uint64_t))
{
  svg_rect(s, PL, PT, PW, PH, 0, "plot");
  for (int k = 0; k <= 4; k++) {
    int y = PT + PH - PH * k / 4;
    char b[48];
    yfmt(b, sizeof b, ymax / 4 * (uint64_t)k + (k == 4 ? ymax % 4 : 0));
    svg_line(s, PL, y, PL + PW, y, "grid");
    svg_text(s, PL - 4, y + 4, "end", "sm", b);
  }
  for (int k = 0; k <= 10; k++) {
    int x = PL + PW * k / 10;
    char b[32];
    fmt_secs(b, sizeof b, end_ns / 10 * k);
    svg_line(s, x, PT + PH, x, PT + PH + 4, "axis");
    svg_text(s, x, PT + PH + 16, "middle", "sm", b);
  }
  svg_text(s, PL + PW / 2, PT + PH + 32, "middle", "sm", "simulated time (s)");
  svg_text(s, 4, PT - 10, "start", "sm", ylabel);
}

static int plot_x(int64_t t, int64_t end_ns)
{
  return PL + scale((uint64_t)(t < 0 ? 0 : t), (uint64_t)(end_ns > 0 ? end_ns : 1), PW);
}

static void yfmt_ms(char *b, size_t n, uint64_t us)
{
  fmt_ms(b, n, (int64_t)us * 1000);
}

static void yfmt_rate(char *b, size_t n, uint64_t bps)
{
  fmt_rate(b, n, bps);
}

static void ping_plot(GString *s, const ScnHtmlInput *in, const char *flow, int64_t end_ns)
{
  uint64_t max_us = 0, sum_us = 0, sent = 0, replies = 0;
  g_autoptr(GArray) replied = g_array_new(FALSE, TRUE, sizeof(bool));
  EACH(in, i, ev)
  {
    if (g_strcmp0(attr_str(ev, "flow"), flow))
      continue;
    uint64_t seq = attr_u(ev, "seq");
    if (is_type(ev, "ping.sent"))
      sent++;
    else if (is_type(ev, "ping.reply")) {
      uint64_t us = attr_u(ev, "rtt_ns") / 1000;
      replies++;
      sum_us += us;
      max_us = MAX(max_us, us);
      if (seq < 1000000) {
        if (replied->len <= seq)
          g_array_set_size(replied, (guint)seq + 1);
        g_array_index(replied, bool, seq) = true;
      }
    }
  }
  uint64_t ymax = nice_ceiling(max_us ? max_us : 1000);
  g_autofree char *title = g_strdup_printf("ping %s: RTT and loss", flow);
  svg_begin(s, PWIDTH, PHEIGHT, title);
  plot_axes(s, end_ns, ymax, "RTT (ms)", yfmt_ms);
  uint64_t lost = 0;
  EACH(in, i, ev)
  {
    if (g_strcmp0(attr_str(ev, "flow"), flow))
      continue;
    uint64_t seq = attr_u(ev, "seq");
    if (is_type(ev, "ping.reply")) {
      int x = plot_x(ev->time_ns, end_ns);
      int y = PT + PH - scale(attr_u(ev, "rtt_ns") / 1000, ymax, PH);
      svg_circle(s, x, y, 3, palette[0]);
    } else if (is_type(ev, "ping.sent") &&
               !(seq < replied->len && g_array_index(replied, bool, seq))) {
      int x = plot_x(ev->time_ns, end_ns);
      char t[32];
      fmt_secs(t, sizeof t, ev->time_ns);
      g_autofree char *tip = g_strdup_printf("seq %" PRIu64 " sent at %s s: no reply", seq, t);
      svg_group_begin(s, tip);
      svg_line(s, x - 4, PT + 4, x + 4, PT + 12, "x");
      svg_line(s, x - 4, PT + 12, x + 4, PT + 4, "x");
      svg_group_end(s);
      lost++;
    }
  }
  svg_end(s);
  char avg[32] = "-", mx[32] = "-";
  if (replies) {
    fmt_ms(avg, sizeof avg, (int64_t)(sum_us / replies) * 1000);
    fmt_ms(mx, sizeof mx, (int64_t)max_us * 1000);
  }
  g_string_append_printf(s,
                         "<p class=\"cap\">%" PRIu64 " sent, %" PRIu64 " replies, %" PRIu64
                         " without reply (red crosses); RTT avg %s ms, max %s ms.</p>\n",
                         sent, replies, lost, avg, mx);
}

typedef struct {
  const char *node, *conn;
} Series;

static void throughput_plot(GString *s, const ScnHtmlInput *in, int64_t end_ns)
{
  const ScnPlan *p = in->plan;
  g_autoptr(GArray) series = g_array_new(FALSE, TRUE, sizeof(Series));
  uint64_t ymax = 0;
  /* tunnel series: egress bits per second of each node's tunnel between two stats events */
  EACH(in, i, ev)
  {
    if (!is_type(ev, "tunnel.stats") || !ev->node || !attr_str(ev, "connection"))
      continue;
    Series se = {ev->node, attr_str(ev, "connection")};
    guint k;
    for (k = 0; k < series->len; k++)
      if (!strcmp(g_array_index(series, Series, k).node, se.node) &&
          !strcmp(g_array_index(series, Series, k).conn, se.conn))
        break;
    if (k == series->len)
      g_array_append_val(series, se);
  }
  g_autoptr(GArray) last_t = g_array_new(FALSE, TRUE, sizeof(int64_t));
  g_autoptr(GArray) last_b = g_array_new(FALSE, TRUE, sizeof(uint64_t));
  g_array_set_size(last_t, series->len);
  g_array_set_size(last_b, series->len);
  for (int pass = 0; pass < 2; pass++) {
    GString *lines = g_string_new(NULL);
    for (guint k = 0; k < series->len; k++)
      g_array_index(last_t, int64_t, k) = -1;
    EACH(in, i, ev)
    {
      if (!is_type(ev, "tunnel.stats") || !ev->node || !attr_str(ev, "connection"))
        continue;
      guint k;
      for (k = 0; k < series->len; k++)
        if (!strcmp(g_array_index(series, Series, k).node, ev->node) &&
            !strcmp(g_array_index(series, Series, k).conn, attr_str(ev, "connection")))
          break;
      int64_t *lt = &g_array_index(last_t, int64_t, k);
      uint64_t *lb = &g_array_index(last_b, uint64_t, k);
      uint64_t b = attr_u(ev, "egress_bytes");
      int64_t t0 = *lt < 0 ? 0 : *lt;
      uint64_t b0 = *lt < 0 ? 0 : *lb;
      if (ev->time_ns > t0 && b >= b0) {
        uint64_t bps = (uint64_t)((unsigned __int128)(b - b0) * 8 * 1000000000u /
                                  (uint64_t)(ev->time_ns - t0));
        if (pass == 0)
          ymax = MAX(ymax, bps);
        else {
          int y = PT + PH - scale(bps, ymax, PH);
          svg_line_color(lines, plot_x(t0, end_ns), y, plot_x(ev->time_ns, end_ns), y,
                         PALETTE(k), 2, NULL);
        }
      }
      *lt = ev->time_ns;
      *lb = b;
    }
    /* flows: the average rate over the flow's life, dashed */
    guint f = 0;
    EACH(in, i, ev)
    {
      if (!is_type(ev, "flow.stats"))
        continue;
      int64_t dur = (int64_t)attr_u(ev, "duration_ns");
      uint64_t bps = flow_bps(ev);
      int64_t start = ev->time_ns - dur;
      for (unsigned a = 0; a < p->n_timeline; a++)
        if (!g_strcmp0(p->timeline[a].flow, attr_str(ev, "flow")))
          start = p->timeline[a].at_ns;
      if (pass == 0)
        ymax = MAX(ymax, bps);
      else {
        int y = PT + PH - scale(bps, ymax, PH);
        svg_line_color(lines, plot_x(start, end_ns), y, plot_x(start + dur, end_ns), y,
                       PALETTE(series->len + f), 3, "8 4");
      }
      f++;
    }
    if (pass == 1) {
      svg_begin(s, PWIDTH, PHEIGHT, "Throughput per tunnel and flow");
      plot_axes(s, end_ns, ymax, "bit/s", yfmt_rate);
      g_string_append_len(s, lines->str, (gssize)lines->len);
      svg_end(s);
      /* the legend, as HTML */
      g_string_append(s, "<ul class=\"legend\">\n");
      for (guint k = 0; k < series->len; k++) {
        g_string_append_printf(s, "<li><span class=\"sw\" style=\"background:%s\"></span>",
                               PALETTE(k));
        esc(s, g_array_index(series, Series, k).node);
        g_string_append(s, " egress on ");
        esc(s, g_array_index(series, Series, k).conn);
        g_string_append(s, " (tunnel.stats)</li>\n");
      }
      f = 0;
      EACH(in, i, ev)
      {
        if (!is_type(ev, "flow.stats"))
          continue;
        uint64_t bps = flow_bps(ev);
        char r[32];
        fmt_rate(r, sizeof r, bps);
        g_string_append_printf(s, "<li><span class=\"sw dash\" style=\"border-color:%s\"></span>",
                               PALETTE(series->len + f));
        g_string_append(s, "flow ");
        esc(s, attr_str(ev, "flow"));
        g_string_append(s, " (");
        esc(s, attr_str(ev, "kind"));
        g_string_append_printf(s, ") to ");
        esc(s, ev->node);
        g_string_append_printf(s, ": %" PRIu64 " bytes received, average %s</li>\n",
                               attr_u(ev, "bytes"), r);
        f++;
      }
      g_string_append(s, "</ul>\n");
    }
    g_string_free(lines, TRUE);
    ymax = nice_ceiling(ymax ? ymax : 1000);
  }
}

static void plots(GString *s, const ScnHtmlInput *in)
{
  int64_t end_ns = in->end_ns > 0 ? in->end_ns : in->plan->duration_ns;
  g_autoptr(GPtrArray) pings = g_ptr_array_new();
  bool traffic = false;
  EACH(in, i, ev)
  {
    if (is_type(ev, "ping.sent") && attr_str(ev, "flow"))
      strv_add(pings, attr_str(ev, "flow"));
    if (is_type(ev, "tunnel.stats") || is_type(ev, "flow.stats"))
      traffic = true;
  }
  for (guint k = 0; k < pings->len; k++) {
    g_string_append(s, "<h3>ping ");
    esc(s, g_ptr_array_index(pings, k));
    g_string_append(s, "</h3>\n<div class=\"fig\">");
    ping_plot(s, in, g_ptr_array_index(pings, k), end_ns);
    g_string_append(s, "</div>\n");
  }
  if (traffic) {
    g_string_append(s, "<h3>Throughput</h3>\n<div class=\"fig\">");
    throughput_plot(s, in, end_ns);
    g_string_append(s, "</div>\n");
  }
  if (!pings->len && !traffic)
    g_string_append(s, "<p>No traffic was measured.</p>\n");
}

/* ---- BGP ---- */

typedef struct {
  const char *node, *peer, *state;
  int64_t up_ns; /* first Established, -1: never */
  unsigned ups, updates_tx, updates_rx;
  uint64_t announced_tx, announced_rx;
} BgpRow;

static BgpRow *bgp_row(GArray *rows, const VsEvent *ev)
{
  const char *peer = attr_str(ev, "peer");
  if (!peer || !ev->node)
    return NULL;
  for (guint k = 0; k < rows->len; k++) {
    BgpRow *r = &g_array_index(rows, BgpRow, k);
    if (!strcmp(r->node, ev->node) && !strcmp(r->peer, peer))
      return r;
  }
  BgpRow r = {.node = ev->node, .peer = peer, .state = "Idle", .up_ns = -1};
  g_array_append_val(rows, r);
  return &g_array_index(rows, BgpRow, rows->len - 1);
}

/* One row per BGP session a node ran (its final state, when it first came up, how often,
 * the UPDATEs each way), then the routes each node had installed at the end. */
static void bgp_section(GString *s, const ScnHtmlInput *in)
{
  g_autoptr(GArray) rows = g_array_new(FALSE, TRUE, sizeof(BgpRow));
  g_autoptr(GPtrArray) routes = g_ptr_array_new_with_free_func(g_free); /* "node|prefix" */
  g_autoptr(GPtrArray) via = g_ptr_array_new_with_free_func(g_free);    /* "peer, AS path" */
  EACH(in, i, ev)
  {
    if (is_type(ev, "bgp.session.state")) {
      BgpRow *r = bgp_row(rows, ev);
      const char *st = attr_str(ev, "new_state");
      if (!r || !st)
        continue;
      r->state = st;
      if (!strcmp(st, "Established")) {
        r->ups++;
        if (r->up_ns < 0)
          r->up_ns = ev->time_ns;
      }
    } else if (is_type(ev, "bgp.update.tx") || is_type(ev, "bgp.update.rx")) {
      BgpRow *r = bgp_row(rows, ev);
      if (!r)
        continue;
      bool tx = is_type(ev, "bgp.update.tx");
      *(tx ? &r->updates_tx : &r->updates_rx) += 1;
      *(tx ? &r->announced_tx : &r->announced_rx) += attr_u(ev, "announced");
    } else if ((is_type(ev, "bgp.route.installed") || is_type(ev, "bgp.route.removed")) &&
               ev->node && attr_str(ev, "prefix")) {
      g_autofree char *key = g_strdup_printf("%s|%s", ev->node, attr_str(ev, "prefix"));
      int k = -1;
      for (guint j = 0; j < routes->len && k < 0; j++)
        if (!strcmp(g_ptr_array_index(routes, j), key))
          k = (int)j;
      if (is_type(ev, "bgp.route.removed")) {
        if (k >= 0) {
          g_ptr_array_remove_index(routes, (guint)k);
          g_ptr_array_remove_index(via, (guint)k);
        }
        continue;
      }
      const char *path = attr_str(ev, "as_path");
      g_autofree char *v = g_strdup_printf("tunnel %s, peer %s, AS path %s",
                                           or_dash(attr_str(ev, "tunnel")),
                                           or_dash(attr_str(ev, "peer")), path && *path ? path : "-");
      if (k >= 0) {
        g_free(via->pdata[k]);
        via->pdata[k] = g_steal_pointer(&v);
      } else {
        g_ptr_array_add(routes, g_steal_pointer(&key));
        g_ptr_array_add(via, g_steal_pointer(&v));
      }
    }
  }
  g_string_append(s, "<table>\n<tr><th>node</th><th>peer</th><th>final state</th>"
                     "<th>first up</th><th>times up</th><th>UPDATEs sent (prefixes)</th>"
                     "<th>UPDATEs received (prefixes)</th></tr>\n");
  for (guint k = 0; k < rows->len; k++) {
    const BgpRow *r = &g_array_index(rows, BgpRow, k);
    char up[32] = "-";
    if (r->up_ns >= 0)
      fmt_secs(up, sizeof up, r->up_ns);
    bool est = !strcmp(r->state, "Established");
    g_string_append(s, "<tr><td>");
    esc(s, r->node);
    g_string_append(s, "</td><td>");
    esc(s, r->peer);
    g_string_append_printf(s, "</td><td class=\"%s\">", est ? "st-up" : "st-down");
    esc(s, r->state);
    g_string_append_printf(s, "</td><td>%s%s</td><td>%u</td><td>%u (%" PRIu64 ")</td>"
                              "<td>%u (%" PRIu64 ")</td></tr>\n",
                           up, r->up_ns >= 0 ? " s" : "", r->ups, r->updates_tx, r->announced_tx,
                           r->updates_rx, r->announced_rx);
  }
  g_string_append(s, "</table>\n");
  if (!routes->len) {
    g_string_append(s, "<p>No route learned over BGP was installed at the end.</p>\n");
    return;
  }
  g_string_append(s, "<h3>Routes learned over BGP at the end</h3>\n<table>\n<tr><th>node</th>"
                     "<th>prefix</th><th>learned over</th></tr>\n");
  for (guint k = 0; k < routes->len; k++) {
    const char *key = g_ptr_array_index(routes, k);
    const char *bar = strchr(key, '|');
    g_autofree char *node = g_strndup(key, (gsize)(bar - key));
    g_string_append(s, "<tr><td>");
    esc(s, node);
    g_string_append(s, "</td><td>");
    esc(s, bar + 1);
    g_string_append(s, "</td><td>");
    esc(s, g_ptr_array_index(via, k));
    g_string_append(s, "</td></tr>\n");
  }
  g_string_append(s, "</table>\n");
}

/* ---- expectations and files ---- */

static void expectations(GString *s, const ScnResults *r)
{
  if (!r || !r->n) {
    g_string_append(s, "<p>The scenario has no expectations.</p>\n");
    return;
  }
  g_string_append(s, "<table>\n<tr><th>#</th><th>verdict</th><th>expectation</th>"
                     "<th>expected</th><th>observed</th><th>decided by</th><th>defined</th></tr>\n");
  for (size_t i = 0; i < r->n; i++) {
    const ScnResult *it = &r->items[i];
    g_string_append_printf(s, "<tr class=\"%s\"><td>%u</td><td>%s</td><td>", it->pass ? "pass" : "fail",
                           it->index, it->pass ? "PASS" : "FAIL");
    esc(s, it->name);
    g_string_append(s, "</td><td>");
    esc(s, or_dash(it->expected));
    g_string_append(s, "</td><td>");
    esc(s, or_dash(it->observed));
    g_string_append(s, "</td><td>");
    esc(s, or_dash(it->decided_by));
    g_string_append(s, "</td><td>");
    if (it->loc.file) {
      g_autofree char *w = g_strdup_printf("%s:%u:%u", it->loc.file, it->loc.line, it->loc.col);
      esc(s, w);
    } else
      g_string_append(s, "-");
    g_string_append(s, "</td></tr>\n");
  }
  g_string_append(s, "</table>\n");
}

static void files(GString *s, const ScnHtmlInput *in)
{
  g_string_append(s, "<ul>\n");
  for (const char *const *f = in->files; f && *f; f++) {
    g_autofree char *uri = g_uri_escape_string(*f, G_URI_RESERVED_CHARS_ALLOWED_IN_PATH, FALSE);
    g_string_append(s, "<li><a href=\"");
    esc(s, uri);
    g_string_append(s, "\">");
    esc(s, *f);
    g_string_append(s, "</a>");
    if (g_str_has_suffix(*f, ".pcap"))
      g_string_append(s, ": capture (simulated time stamps)");
    else if (!strcmp(*f, "esp_sa") || !strcmp(*f, "ikev2_decryption_table"))
      g_string_append(s, ": Wireshark key table (holds the run's keys)");
    else if (!strcmp(*f, "README"))
      g_string_append(s, ": how to open the captures decrypted");
    g_string_append(s, "</li>\n");
  }
  g_string_append(s, "</ul>\n");
}

static const char css[] =
    "body{font-family:sans-serif;margin:1.5em;color:#222;max-width:1100px}\n"
    "h1{font-size:1.4em}h2{font-size:1.2em;border-bottom:1px solid #ccc}h3{font-size:1em}\n"
    "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 6px;"
    "text-align:left;vertical-align:top;font-size:.9em}\n"
    "tr.pass td:nth-child(2){color:#1a7f37;font-weight:bold}"
    "tr.fail td:nth-child(2){color:#cf222e;font-weight:bold}\n"
    ".fig{overflow-x:auto}.cap{font-size:.9em;color:#555}\n"
    "ul.legend{list-style:none;padding:0;font-size:.9em}"
    ".sw{display:inline-block;width:24px;height:4px;margin-right:6px;vertical-align:middle}"
    ".sw.dash{height:0;border-top:3px dashed}\n"
    "svg text{font-family:sans-serif;font-size:12px;fill:#222}svg text.sm{font-size:10px}"
    "svg text.b{font-weight:bold}\n"
    "svg .vnet{fill:#eef5fc;stroke:#0072b2}svg .site{fill:#fdf5e6;stroke:#e69f00}"
    "svg .gw,svg .dev{fill:#fff;stroke:#555}svg .inst{fill:#e6f4ea;stroke:#009e73}"
    "svg .inst.standby{fill:#f2f2f2;stroke:#999}svg .host{fill:#fff;stroke:#aaa}"
    "svg .inet{fill:#f2f2f2;stroke:#777}svg .nat{fill:#f7eef6;stroke:#cc79a7}\n"
    "svg .link{stroke:#888;stroke-width:2}"
    "svg .tun{stroke-width:4;stroke-dasharray:10 5;fill:none}svg .tun-up{stroke:#1a7f37}"
    "svg .tun-down{stroke:#cf222e}svg .tun-none{stroke:#999}"
    "svg text.tun-up{fill:#1a7f37;stroke:none}svg text.tun-down{fill:#cf222e;stroke:none}"
    "svg text.tun-none{fill:#777;stroke:none}\n"
    "svg .life{fill:#eef5fc;stroke:#0072b2}svg .life.ext{fill:#f2f2f2;stroke:#999}"
    "svg .lifeline{stroke:#bbb;stroke-dasharray:4 3}"
    "svg .msg{stroke:#0072b2;stroke-width:1.5}svg .msg.lost{stroke:#d55e00;stroke-dasharray:5 3}"
    "svg .msg.fail{stroke:#cf222e}svg .head{fill:#0072b2}svg .head.fail{fill:#cf222e}"
    "svg .x{stroke:#cf222e;stroke-width:2}svg text.fail{fill:#cf222e}\n"
    "svg .plot{fill:#fff;stroke:#888}svg .grid{stroke:#eee}svg .axis{stroke:#888}\n";

static const char css_bgp[] =
    "svg .bgp{stroke-width:2;fill:none}svg .bgp-up{stroke:#56b4e9}svg .bgp-down{stroke:#d55e00}"
    "svg text.tun-up,svg text.tun-down,svg text.tun-none{paint-order:stroke;stroke:#fff;"
    "stroke-width:4px}\ntd.st-up{color:#1a7f37;font-weight:bold}"
    "td.st-down{color:#cf222e;font-weight:bold}\n";

char *scn_report_html(const ScnHtmlInput *in)
{
  g_return_val_if_fail(in && in->plan, NULL);
  const ScnPlan *p = in->plan;
  const ScnResults *r = in->results;
  GString *s = g_string_new("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
  g_string_append(s, "<title>vpnsim: ");
  esc(s, or_dash(p->name));
  bool bgp = has_bgp(in);
  g_string_append_printf(s, "</title>\n<style>\n%s%s</style>\n</head>\n<body>\n<h1>", css,
                         bgp ? css_bgp : "");
  esc(s, or_dash(p->name));
  g_string_append(s, "</h1>\n");
  if (p->description) {
    g_string_append(s, "<p>");
    esc(s, p->description);
    g_string_append(s, "</p>\n");
  }
  size_t failed = r ? scn_results_failed(r) : 0, n = r ? r->n : 0;
  char dur[32];
  fmt_secs(dur, sizeof dur, in->end_ns);
  g_string_append(s, "<p>file ");
  esc(s, or_dash(p->file));
  g_string_append_printf(s,
                         ", seed %" PRIu64 ", %s s simulated, %zu events; "
                         "<strong class=\"%s\">%zu expectation%s: %zu passed, %zu failed</strong></p>\n",
                         r ? r->seed : p->seed, dur, n_events(in), failed ? "fail" : "pass", n,
                         n == 1 ? "" : "s", n - failed, failed);
  g_string_append(s, "<h2>Topology</h2>\n<div class=\"fig\">");
  topology(s, in);
  g_string_append(s, "</div>\n<p class=\"cap\">Tunnels (dashed curves) are coloured by their final "
                     "state: green connected, red disconnected, grey never connected. Hover a "
                     "link for its delay and rate.</p>\n");
  g_string_append(s, "<h2>IKE exchanges</h2>\n");
  sequences(s, in);
  g_string_append(s, "<p class=\"cap\">One arrow per message sent (retransmissions included), "
                     "from the sender's ike.message event to its reception; red: an error "
                     "notify (RFC 7296 3.10.1); dashed with a cross: never received.</p>\n");
  if (bgp) {
    g_string_append(s, "<h2>BGP</h2>\n");
    bgp_section(s, in);
    g_string_append(s, "<p class=\"cap\">The sessions each node ran, from its bgp.session.state "
                       "and bgp.update events; in the topology a thin line under each tunnel "
                       "shows the gateway's session over it, blue when it ended Established.</p>\n");
  }
  g_string_append(s, "<h2>Traffic</h2>\n");
  plots(s, in);
  g_string_append(s, "<h2>Expectations</h2>\n");
  expectations(s, r);
  g_string_append(s, "<h2>Files</h2>\n");
  files(s, in);
  g_string_append(s, "</body>\n</html>\n");
  return g_string_free(s, FALSE);
}

bool scn_report_html_write(const ScnHtmlInput *in, const char *dir, GError **error)
{
  g_autofree char *text = scn_report_html(in);
  g_autofree char *path = g_build_filename(dir, "report.html", NULL);
  return g_file_set_contents(path, text, -1, error);
}
