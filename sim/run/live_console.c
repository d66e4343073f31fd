/* SPDX-License-Identifier: MIT */
/* The terminal lines of live mode: one human line per IKE exchange (when its response is
 * sent or received, or when the engine gives up on it), per tunnel state change and per
 * first drop of each reason on a node. Built from the typed events, never from log text,
 * and only from names, addresses, ports and notify types: never key material. */
#include "sim/run/live.h"

#include "models/ike/ikev2_codec.h"
#include "sim/run/run_events.h"

#include <inttypes.h>
#include <string.h>

struct ScnLiveConsole {
  GHashTable *requests; /* exchange key -> the notify names of its request */
  GHashTable *drops;    /* "node|type|reason" of the drops already told */
};

ScnLiveConsole *scn_live_console_new(void)
{
  ScnLiveConsole *c = g_new0(ScnLiveConsole, 1);
  c->requests = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  c->drops = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  return c;
}

void scn_live_console_free(ScnLiveConsole *c)
{
  if (!c)
    return;
  g_hash_table_destroy(c->requests);
  g_hash_table_destroy(c->drops);
  g_free(c);
}

static const char *str_attr(const VsEvent *ev, const char *key)
{
  const VsAttr *a = vs_event_attr(ev, key);
  return a && a->kind == VS_ATTR_STR && a->v.s ? a->v.s : NULL;
}

static bool bool_attr(const VsEvent *ev, const char *key)
{
  const VsAttr *a = vs_event_attr(ev, key);
  return a && a->kind == VS_ATTR_BOOL && a->v.b;
}

static uint64_t uint_attr(const VsEvent *ev, const char *key)
{
  const VsAttr *a = vs_event_attr(ev, key);
  if (!a)
    return 0;
  if (a->kind == VS_ATTR_UINT || a->kind == VS_ATTR_HEX)
    return a->v.u;
  return a->kind == VS_ATTR_INT && a->v.i > 0 ? (uint64_t)a->v.i : 0;
}

/* "  12.345s vgw1/0     " */
static GString *line_new(const VsEvent *ev)
{
  GString *s = g_string_new(NULL);
  g_string_append_printf(s, "%8.3fs %-10s ", (double)ev->time_ns / 1e9, ev->node ? ev->node : "");
  return s;
}


/* ike.message: a request is remembered (a retransmission replaces it), its response gives
 * the exchange's line; a response repeated for a retransmitted request finds none. */
static char *ike_message(ScnLiveConsole *c, const VsEvent *ev)
{
  const char *dir = str_attr(ev, "dir"), *x = str_attr(ev, "exchange");
  if (!dir || !x)
    return NULL;
  const char *conn = str_attr(ev, "connection");
  const char *notifies = str_attr(ev, "notifies");
  bool response = bool_attr(ev, "response");
  bool sent = !strcmp(dir, "sent");
  /* who began the exchange: we did when we sent its request or received its response */
  bool ours = response ? !sent : sent;
  g_autofree char *key = g_strdup_printf("%s|%s|%s|%" PRIu64 "|%d", ev->node ? ev->node : "",
                                         conn ? conn : "", x, uint_attr(ev, "msg_id"), ours);
  if (!response) {
    g_hash_table_replace(c->requests, g_steal_pointer(&key), g_strdup(notifies ? notifies : ""));
    return NULL;
  }
  gpointer k = NULL, req = NULL;
  if (!g_hash_table_steal_extended(c->requests, key, &k, &req))
    return NULL;
  g_free(k);
  g_autofree char *rq = req;
  const char *peer = str_attr(ev, "peer");
  /* the peer's port; events written before it was an attribute have our port only */
  uint64_t port = vs_event_attr(ev, "peer_port") ? uint_attr(ev, "peer_port") : uint_attr(ev, "port");
  GString *s = line_new(ev);
  if (conn)
    g_string_append_printf(s, "%s: ", conn);
  g_string_append_printf(s, "%s %s %s:%" PRIu64 " (msg %" PRIu64 "): %s", x, ours ? "to" : "from",
                         peer ? peer : "?", port, uint_attr(ev, "msg_id"),
                         ikev2_notify_names_have_error(notifies) ? "refused" : "done");
  bool rn = notifies && *notifies;
  if (*rq || rn)
    g_string_append_printf(s, " [%s%s%s%s%s]", *rq ? "request: " : "", rq, *rq && rn ? "; " : "",
                           rn ? "response: " : "", rn ? notifies : "");
  return g_string_free(s, FALSE);
}

/* An IKEv1 ike.message (it has a message number and no response flag): main mode's line
 * at its sixth message, quick mode's at its third, an informational's at each message but
 * a DPD R-U-THERE (its ACK gives the line), a notify in the clear (a refusal) at once. */
static char *ikev1_message(const VsEvent *ev)
{
  const char *dir = str_attr(ev, "dir"), *x = str_attr(ev, "exchange");
  const char *conn = str_attr(ev, "connection"), *notify = str_attr(ev, "notify");
  const char *peer = str_attr(ev, "peer");
  if (!dir || !x)
    return NULL;
  bool sent = !strcmp(dir, "sent");
  uint64_t number = uint_attr(ev, "number");
  bool ours;
  if (vs_event_attr(ev, "number")) {
    /* who began it: the side that sends the odd messages */
    bool last = (number == 6 && strstr(x, "Main Mode")) || (number == 3 && !strcmp(x, "Quick Mode"));
    if (!last)
      return NULL;
    ours = number % 2 ? sent : !sent;
  } else {
    if (notify && !strcmp(notify, "R-U-THERE"))
      return NULL;
    ours = sent;
  }
  GString *s = line_new(ev);
  if (conn)
    g_string_append_printf(s, "%s: ", conn);
  g_string_append_printf(s, "%s %s %s:%" PRIu64 " (msg %" PRIu64 "): ", x, ours ? "to" : "from",
                         peer ? peer : "?", uint_attr(ev, "peer_port"), uint_attr(ev, "msg_id"));
  if (vs_event_attr(ev, "number"))
    g_string_append(s, "done");
  else
    g_string_append(s, notify ? notify : "delete");
  return g_string_free(s, FALSE);
}

char *scn_live_console_line(ScnLiveConsole *c, const VsEvent *ev)
{
  g_return_val_if_fail(c && ev && ev->type, NULL);
  const char *t = ev->type;
  const RunEventTypes *et = &run_event_types;
  if (!strcmp(t, et->ike_message))
    return vs_event_attr(ev, "response") ? ike_message(c, ev) : ikev1_message(ev);
  if (!strcmp(t, et->ike_give_up)) {
    const char *conn = str_attr(ev, "connection"), *x = str_attr(ev, "exchange");
    const char *peer = str_attr(ev, "peer");
    GString *s = line_new(ev);
    if (conn)
      g_string_append_printf(s, "%s: ", conn);
    g_string_append_printf(s, "%s to %s: no answer after %" PRIu64 " retransmissions, gave up",
                           x ? x : "exchange", peer ? peer : "?", uint_attr(ev, "retransmissions"));
    return g_string_free(s, FALSE);
  }
  bool up = !strcmp(t, et->tunnel_up);
  if (up || !strcmp(t, et->tunnel_down)) {
    const char *conn = str_attr(ev, "connection"), *why = str_attr(ev, "reason");
    GString *s = line_new(ev);
    g_string_append_printf(s, "tunnel %s %s", conn ? conn : "?", up ? "up" : "down");
    if (why && *why)
      g_string_append_printf(s, ": %s", why);
    return g_string_free(s, FALSE);
  }
  if (g_str_has_suffix(t, ".drop")) {
    const char *why = str_attr(ev, "reason");
    g_autofree char *key = g_strdup_printf("%s|%s|%s", ev->node ? ev->node : "", t, why ? why : "");
    if (!g_hash_table_add(c->drops, g_steal_pointer(&key)))
      return NULL;
    const char *tun = str_attr(ev, "tunnel"), *conn = str_attr(ev, "connection");
    const char *es = str_attr(ev, "esp_status"), *detail = str_attr(ev, "detail");
    GString *s = line_new(ev);
    g_string_append_printf(s, "first %s drop: %s", g_str_has_prefix(t, "ike.") ? "IKE" : "packet",
                           why ? why : "?");
    if (es)
      g_string_append_printf(s, " (%s)", es);
    if (detail)
      g_string_append_printf(s, ", %s", detail);
    if (tun || conn)
      g_string_append_printf(s, " on %s", tun ? tun : conn);
    g_string_append(s, "; more of this reason are only counted");
    return g_string_free(s, FALSE);
  }
  return NULL;
}
