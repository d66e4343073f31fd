/* SPDX-License-Identifier: MIT */
/* `impair:` items: {what: drop, exchange: IKE_AUTH, message: response, nth: 1} and the
 * like (scn_impair.h). */
#include "sim/scenario/scn_impair.h"

#include "models/ike/ikev2_codec.h"

#include <glib.h>
#include <string.h>

const char *const scn_impair_keys[] = {"what", "exchange", "message", "nth", "delay", "at",
                                       "sa", "notify", "payload", "after", "mtu", "size", NULL};

/* The keys each impairment takes besides 'what' (a key outside its row is reported), indexed
 * by the kind. */
static const struct {
  EpImpairKind kind;
  const char *keys;    /* space-separated, each surrounded by spaces */
  const char *needs;   /* required */
} rows[] = {
    [EP_IMPAIR_DROP] = {EP_IMPAIR_DROP, " exchange message nth after ", ""},
    [EP_IMPAIR_DUPLICATE] = {EP_IMPAIR_DUPLICATE, " exchange message nth after ", ""},
    [EP_IMPAIR_DELAY] = {EP_IMPAIR_DELAY, " exchange message nth delay after ", "delay"},
    [EP_IMPAIR_CORRUPT] = {EP_IMPAIR_CORRUPT, " exchange message nth after ", ""},
    [EP_IMPAIR_WRONG_SPI] = {EP_IMPAIR_WRONG_SPI, " exchange message nth after ", ""},
    [EP_IMPAIR_WRONG_MSG_ID] = {EP_IMPAIR_WRONG_MSG_ID, " exchange message nth after ", ""},
    [EP_IMPAIR_OMIT_PAYLOAD] = {EP_IMPAIR_OMIT_PAYLOAD, " exchange message nth payload notify after ", "payload"},
    [EP_IMPAIR_NOTIFY] = {EP_IMPAIR_NOTIFY, " exchange nth notify after ", "notify"},
    [EP_IMPAIR_NO_DPD_REPLY] = {EP_IMPAIR_NO_DPD_REPLY, " ", ""},
    [EP_IMPAIR_NO_REKEY] = {EP_IMPAIR_NO_REKEY, " ", ""},
    [EP_IMPAIR_REKEY_AT] = {EP_IMPAIR_REKEY_AT, " at sa ", "at"},
    [EP_IMPAIR_ESP_BAD_ICV] = {EP_IMPAIR_ESP_BAD_ICV, " nth ", ""},
    [EP_IMPAIR_TUNNEL_MTU] = {EP_IMPAIR_TUNNEL_MTU, " mtu ", "mtu"},
    [EP_IMPAIR_NO_TRANSIT] = {EP_IMPAIR_NO_TRANSIT, " ", ""},
    [EP_IMPAIR_NO_NAT_FOLLOW] = {EP_IMPAIR_NO_NAT_FOLLOW, " ", ""},
    [EP_IMPAIR_FRAGMENT] = {EP_IMPAIR_FRAGMENT, " ", ""},
    [EP_IMPAIR_BIG_IKE] = {EP_IMPAIR_BIG_IKE, " size ", "size"},
};
_Static_assert(G_N_ELEMENTS(rows) == EP_IMPAIR__COUNT, "a row per impairment kind");

NAME_TABLE(scn_impair_sa_names, "SA", {0, "ike"}, {1, "child"});

static bool load_one(YaCtx *a, const YtNode *it, EpImpair *x)
{
  if (!ya_kind(a, it, YT_MAP, "impair item"))
    return false;
  ya_keys(a, it, scn_impair_keys);
  const YtNode *n = ya_need(a, it, "what", "impair item");
  int v;
  if (!n || !ya_enum(a, n, "what", &ep_impair_kind_names, &v))
    return false;
  *x = (EpImpair){.kind = (EpImpairKind)v};
  const char *keys = rows[v].keys ? rows[v].keys : " ";
  bool ok = true;
  for (const char *const *k = scn_impair_keys + 1; *k; k++) {
    g_autofree char *pat = g_strdup_printf(" %s ", *k);
    const YtNode *kn = yt_map_get(it, *k);
    if (kn && !strstr(keys, pat)) {
      ya_err(a, kn, "impair: '%s' does not apply to what: %s", *k,
             name_get(&ep_impair_kind_names, v));
      ok = false;
    }
  }
  if (*rows[v].needs && !ya_need(a, it, rows[v].needs, "impair item"))
    return false;
  if (v == EP_IMPAIR_NOTIFY)
    x->exchange = IKEV2_IKE_SA_INIT;
  if ((n = yt_map_get(it, "exchange")) &&
      ya_enum(a, n, "exchange", &ep_impair_exchange_names, &v)) {
    x->exchange = (uint8_t)v;
    if (x->kind == EP_IMPAIR_NOTIFY && v != IKEV2_IKE_SA_INIT && v != IKEV2_IKE_AUTH &&
        v != IKEV2_CREATE_CHILD_SA && v != EP_IMPAIR_V1_MAIN && v != EP_IMPAIR_V1_QUICK) {
      ya_err(a, n, "impair: notify answers IKE_SA_INIT, IKE_AUTH, CREATE_CHILD_SA, MAIN_MODE or "
                   "QUICK_MODE requests");
      ok = false;
    }
  }
  const YtNode *nn = yt_map_get(it, "nth");
  if (x->kind == EP_IMPAIR_NOTIFY && nn && x->exchange != IKEV2_IKE_SA_INIT) {
    ya_err(a, nn, "impair: nth applies to a notify on IKE_SA_INIT only (the others refuse "
                  "every child SA, main mode or quick mode)");
    ok = false;
  }
  if ((n = yt_map_get(it, "message")) && ya_enum(a, n, "message", &ep_impair_which_names, &v))
    x->which = (EpImpairWhich)v;
  int64_t i64;
  if ((n = yt_map_get(it, "nth")) && ya_int(a, n, "nth", 1, UINT32_MAX, &i64))
    x->nth = (uint32_t)i64;
  if ((n = yt_map_get(it, "mtu")) && ya_int(a, n, "mtu", 68, 9000, &i64))
    x->mtu = (uint32_t)i64;
  if ((n = yt_map_get(it, "size")) && ya_int(a, n, "size", 1, 8192, &i64))
    x->size = (uint32_t)i64;
  if ((n = yt_map_get(it, "delay")) && ya_duration(a, n, "delay", &x->delay_ns) &&
      x->delay_ns <= 0) {
    ya_err(a, n, "impair: delay must be above zero");
    ok = false;
  }
  if ((n = yt_map_get(it, "at")))
    ya_duration(a, n, "at", &x->at_ns);
  if ((n = yt_map_get(it, "after")))
    ya_duration(a, n, "after", &x->after_ns);
  if (x->kind == EP_IMPAIR_NOTIFY && n && x->exchange != IKEV2_IKE_SA_INIT) {
    ya_err(a, n, "impair: after applies to a notify on IKE_SA_INIT only");
    ok = false;
  }
  if ((n = yt_map_get(it, "sa")) && ya_enum(a, n, "sa", &scn_impair_sa_names, &v))
    x->child = v == 1;
  if ((n = yt_map_get(it, "notify"))) {
    int64_t t;
    const char *s;
    if (ya_str(a, n, "notify", &s)) {
      if (name_parse(&ikev2_notify_names, s, &t) && t > 0 && t <= UINT16_MAX) {
        x->notify = (uint16_t)t;
      } else {
        const char *near = name_nearest(&ikev2_notify_names, s);
        if (near)
          ya_err(a, n, "impair: no notify type '%s' (did you mean '%s'?)", s, near);
        else
          ya_err(a, n, "impair: no notify type '%s'", s);
        ok = false;
      }
    }
  }
  if ((n = yt_map_get(it, "payload")) && ya_enum(a, n, "payload", &ep_impair_payload_names, &v))
    x->payload = (uint8_t)v;
  return ok;
}

void scn_impair_load(YaCtx *a, const YtNode *n, EpImpairSet *out)
{
  if (!ya_kind(a, n, YT_SEQ, "impair"))
    return;
  for (guint i = 0; i < yt_len(n); i++) {
    const YtNode *it = g_ptr_array_index(n->items, i);
    EpImpair x;
    if (!load_one(a, it, &x))
      continue;
    if (out->n >= EP_IMPAIR_MAX) {
      ya_err(a, it, "impair: at most %d impairments", EP_IMPAIR_MAX);
      return;
    }
    out->v[out->n++] = x;
  }
}
