/* SPDX-License-Identifier: MIT */
/* The ESP SA database: SPI and policy lookup, node counters, lifetime events. */
#include "models/esp/esp_sad.h"

#include <glib.h>

NAME_TABLE(esp_event_names, "ESP event",
           {ESP_EV_SOFT_EXPIRE, "SOFT_EXPIRE"},
           {ESP_EV_HARD_EXPIRE, "HARD_EXPIRE"},
           {ESP_EV_SEQ_OVERFLOW, "SEQ_OVERFLOW"},
           {ESP_EV_ACQUIRE, "ACQUIRE"});

typedef struct {
  int id;
  Ipv4Range local, remote;
  EspSa *out, *in;
} Policy;

typedef struct {
  uint32_t id;
  EspSa *out, *in;
} Tunnel;

struct EspSad {
  EspEventFn fn;
  void *user;
  GHashTable *in_by_spi; /* uint32 SPI -> EspSa* (inbound) */
  GPtrArray *all;        /* every SA, owned */
  GArray *policies;      /* Policy, kept sorted most specific first */
  GArray *tunnels;       /* Tunnel */
  int next_policy;
  EspSadCounters counters;
  GHashTable *overflowed; /* SAs whose overflow event was raised */
};

EspSad *esp_sad_new(EspEventFn fn, void *user)
{
  EspSad *sad = g_new0(EspSad, 1);
  sad->fn = fn;
  sad->user = user;
  sad->in_by_spi = g_hash_table_new(g_direct_hash, g_direct_equal);
  sad->all = g_ptr_array_new_with_free_func((GDestroyNotify)esp_sa_free);
  sad->policies = g_array_new(FALSE, FALSE, sizeof(Policy));
  sad->tunnels = g_array_new(FALSE, FALSE, sizeof(Tunnel));
  sad->overflowed = g_hash_table_new(g_direct_hash, g_direct_equal);
  return sad;
}

void esp_sad_free(EspSad *sad)
{
  if (!sad)
    return;
  g_hash_table_unref(sad->in_by_spi);
  g_hash_table_unref(sad->overflowed);
  g_ptr_array_unref(sad->all);
  g_array_unref(sad->policies);
  g_array_unref(sad->tunnels);
  g_free(sad);
}

static void emit(EspSad *sad, EspEventType t, EspSa *sa, unsigned life, int policy, int64_t now)
{
  if (!sad->fn)
    return;
  EspEvent ev = {.type = t, .spi = sa ? esp_sa_spi(sa) : 0,
                 .dir = sa ? esp_sa_dir(sa) : ESP_DIR_OUT, .life = life, .policy = policy,
                 .now_ns = now};
  sad->fn(sad->user, &ev);
}

bool esp_sad_add_take(EspSad *sad, EspSa *sa, int64_t now_ns)
{
  g_return_val_if_fail(sa, false);
  if (esp_sa_dir(sa) == ESP_DIR_IN) {
    gpointer key = GUINT_TO_POINTER(esp_sa_spi(sa));
    if (g_hash_table_contains(sad->in_by_spi, key)) {
      esp_sa_free(sa);
      return false;
    }
    g_hash_table_insert(sad->in_by_spi, key, sa);
  }
  esp_sa_set_installed(sa, now_ns);
  g_ptr_array_add(sad->all, sa);
  return true;
}

bool esp_sad_remove(EspSad *sad, EspSa *sa)
{
  guint idx;
  if (!sa || !g_ptr_array_find(sad->all, sa, &idx))
    return false;
  if (esp_sa_dir(sa) == ESP_DIR_IN)
    g_hash_table_remove(sad->in_by_spi, GUINT_TO_POINTER(esp_sa_spi(sa)));
  for (guint k = 0; k < sad->policies->len; k++) {
    Policy *p = &g_array_index(sad->policies, Policy, k);
    if (p->out == sa)
      p->out = NULL;
    if (p->in == sa)
      p->in = NULL;
  }
  for (guint k = 0; k < sad->tunnels->len; k++) {
    Tunnel *t = &g_array_index(sad->tunnels, Tunnel, k);
    if (t->out == sa)
      t->out = NULL;
    if (t->in == sa)
      t->in = NULL;
  }
  g_hash_table_remove(sad->overflowed, sa);
  g_ptr_array_remove_index_fast(sad->all, idx); /* frees */
  return true;
}

EspSa *esp_sad_get_in(EspSad *sad, uint32_t spi)
{
  return g_hash_table_lookup(sad->in_by_spi, GUINT_TO_POINTER(spi));
}

const EspSadCounters *esp_sad_counters(const EspSad *sad)
{
  return &sad->counters;
}

static uint64_t range_size(Ipv4Range r)
{
  return (uint64_t)r.last.v - r.first.v + 1;
}

/* Most specific first: smaller remote, then smaller local, then older. */
static gint policy_cmp(gconstpointer a, gconstpointer b)
{
  const Policy *x = a, *y = b;
  uint64_t xr = range_size(x->remote), yr = range_size(y->remote);
  if (xr != yr)
    return xr < yr ? -1 : 1;
  uint64_t xl = range_size(x->local), yl = range_size(y->local);
  if (xl != yl)
    return xl < yl ? -1 : 1;
  return x->id < y->id ? -1 : x->id > y->id;
}

int esp_sad_policy_add(EspSad *sad, Ipv4Range local, Ipv4Range remote)
{
  g_return_val_if_fail(local.first.v <= local.last.v && remote.first.v <= remote.last.v, -1);
  Policy p = {.id = sad->next_policy++, .local = local, .remote = remote};
  g_array_append_val(sad->policies, p);
  g_array_sort(sad->policies, policy_cmp);
  return p.id;
}

static Policy *policy_find(EspSad *sad, int id)
{
  for (guint k = 0; k < sad->policies->len; k++) {
    Policy *p = &g_array_index(sad->policies, Policy, k);
    if (p->id == id)
      return p;
  }
  return NULL;
}

static bool owned(EspSad *sad, EspSa *sa)
{
  return !sa || g_ptr_array_find(sad->all, sa, NULL);
}

bool esp_sad_policy_bind(EspSad *sad, int policy, EspSa *out, EspSa *in)
{
  Policy *p = policy_find(sad, policy);
  g_return_val_if_fail(owned(sad, out) && owned(sad, in), false);
  g_return_val_if_fail(!out || esp_sa_dir(out) == ESP_DIR_OUT, false);
  g_return_val_if_fail(!in || esp_sa_dir(in) == ESP_DIR_IN, false);
  if (!p)
    return false;
  p->out = out;
  p->in = in;
  return true;
}

static Tunnel *tunnel_find(EspSad *sad, uint32_t id)
{
  for (guint k = 0; k < sad->tunnels->len; k++) {
    Tunnel *t = &g_array_index(sad->tunnels, Tunnel, k);
    if (t->id == id)
      return t;
  }
  return NULL;
}

void esp_sad_tunnel_bind(EspSad *sad, uint32_t tunnel_id, EspSa *out, EspSa *in)
{
  g_return_if_fail(owned(sad, out) && owned(sad, in));
  Tunnel *t = tunnel_find(sad, tunnel_id);
  if (!t) {
    Tunnel n = {.id = tunnel_id};
    g_array_append_val(sad->tunnels, n);
    t = &g_array_index(sad->tunnels, Tunnel, sad->tunnels->len - 1);
  }
  t->out = out;
  t->in = in;
}

static Policy *policy_match(EspSad *sad, Ipv4Addr src, Ipv4Addr dst)
{
  for (guint k = 0; k < sad->policies->len; k++) {
    Policy *p = &g_array_index(sad->policies, Policy, k);
    if (ipv4_range_contains_addr(p->local, src) && ipv4_range_contains_addr(p->remote, dst))
      return p;
  }
  return NULL;
}

EspSa *esp_sad_lookup_out(EspSad *sad, Ipv4Addr src, Ipv4Addr dst, int *policy)
{
  Policy *p = policy_match(sad, src, dst);
  if (policy)
    *policy = p ? p->id : -1;
  return p ? p->out : NULL;
}

EspSa *esp_sad_lookup_tunnel(EspSad *sad, uint32_t tunnel_id)
{
  Tunnel *t = tunnel_find(sad, tunnel_id);
  return t ? t->out : NULL;
}

/* Inner IPv4 source and destination (RFC 791 offsets 12 and 16) through a cursor. */
static bool inner_addrs(const uint8_t *p, size_t n, Ipv4Addr *src, Ipv4Addr *dst)
{
  WireReader r = wire_reader(p, n);
  uint8_t v = wire_get_u8(&r, "version/IHL");
  wire_skip(&r, 11, "IPv4 header");
  src->v = wire_get_u32(&r, "source address");
  dst->v = wire_get_u32(&r, "destination address");
  return wire_ok(&r) && (v >> 4) == 4;
}

/* After traffic: lifetime and overflow events for this SA. */
static void after(EspSad *sad, EspSa *sa, EspStatus s, int64_t now)
{
  unsigned hit = esp_sa_lifetime_poll(sa, now);
  if (hit & (ESP_LIFE_SOFT_TIME | ESP_LIFE_SOFT_BYTES))
    emit(sad, ESP_EV_SOFT_EXPIRE, sa, hit & (ESP_LIFE_SOFT_TIME | ESP_LIFE_SOFT_BYTES), -1, now);
  if (hit & (ESP_LIFE_HARD_TIME | ESP_LIFE_HARD_BYTES))
    emit(sad, ESP_EV_HARD_EXPIRE, sa, hit & (ESP_LIFE_HARD_TIME | ESP_LIFE_HARD_BYTES), -1, now);
  if (s == ESP_ERR_SEQ_OVERFLOW && g_hash_table_add(sad->overflowed, sa))
    emit(sad, ESP_EV_SEQ_OVERFLOW, sa, 0, -1, now);
}

static EspStatus tx_with(EspSad *sad, EspSa *sa, int64_t now, const uint8_t *inner, size_t n,
                         uint8_t *out, size_t cap, size_t *out_len, EspSa **used)
{
  /* a hard limit crossed by time since the last tick is enforced before sending */
  after(sad, sa, ESP_OK, now);
  EspStatus s = esp_sa_encapsulate(sa, inner, n, out, cap, out_len);
  after(sad, sa, s, now);
  if (used)
    *used = sa;
  return s;
}

EspStatus esp_sad_tx(EspSad *sad, int64_t now_ns, const uint8_t *inner, size_t n, uint8_t *out,
                     size_t cap, size_t *out_len, EspSa **used)
{
  Ipv4Addr src, dst;
  if (used)
    *used = NULL;
  if (!inner_addrs(inner, n, &src, &dst))
    return ESP_ERR_INNER;
  Policy *p = policy_match(sad, src, dst);
  if (!p || !p->out) {
    sad->counters.no_policy++;
    if (p)
      emit(sad, ESP_EV_ACQUIRE, NULL, 0, p->id, now_ns);
    return ESP_ERR_NO_POLICY;
  }
  return tx_with(sad, p->out, now_ns, inner, n, out, cap, out_len, used);
}

EspStatus esp_sad_tx_tunnel(EspSad *sad, int64_t now_ns, uint32_t tunnel_id, const uint8_t *inner,
                            size_t n, uint8_t *out, size_t cap, size_t *out_len, EspSa **used)
{
  Tunnel *t = tunnel_find(sad, tunnel_id);
  if (used)
    *used = NULL;
  if (!t || !t->out) {
    sad->counters.no_policy++;
    return ESP_ERR_NO_POLICY;
  }
  return tx_with(sad, t->out, now_ns, inner, n, out, cap, out_len, used);
}

EspStatus esp_sad_rx(EspSad *sad, int64_t now_ns, const uint8_t *pkt, size_t len, uint8_t *out,
                     size_t cap, size_t *inner_len, EspSa **used, uint32_t *tunnel_id,
                     WireDiag *diag)
{
  WireDiag local;
  if (!diag)
    diag = &local;
  if (used)
    *used = NULL;
  if (tunnel_id)
    *tunnel_id = UINT32_MAX;
  WireReader r = wire_reader(pkt, len);
  EspHeader h;
  if (esp_header_decode(&r, &h) != WIRE_OK) {
    *diag = r.diag;
    sad->counters.malformed++;
    return r.status == WIRE_TRUNCATED ? ESP_ERR_TRUNCATED : ESP_ERR_MALFORMED;
  }
  EspSa *sa = esp_sad_get_in(sad, h.spi);
  if (!sa) {
    /* RFC 4303 3.4.2: no valid SA: discard, an auditable event */
    *diag = (WireDiag){.field = "SPI", .offset = 0, .seen = h.spi};
    sad->counters.unknown_spi++;
    return ESP_ERR_UNKNOWN_SPI;
  }
  if (used)
    *used = sa;
  after(sad, sa, ESP_OK, now_ns);
  EspStatus s = esp_sa_decapsulate(sa, pkt, len, out, cap, inner_len, diag);
  after(sad, sa, s, now_ns);
  if (s != ESP_OK)
    return s;
  for (guint k = 0; k < sad->tunnels->len; k++) {
    Tunnel *t = &g_array_index(sad->tunnels, Tunnel, k);
    if (t->in == sa) {
      if (tunnel_id)
        *tunnel_id = t->id;
      return ESP_OK; /* any-to-any */
    }
  }
  /* RFC 4301 5.2 step 4: the inner packet must match a selector of the SA's policy */
  bool bound = false;
  Ipv4Addr src, dst;
  inner_addrs(out, *inner_len, &src, &dst); /* decapsulate checked the IPv4 header */
  for (guint k = 0; k < sad->policies->len; k++) {
    Policy *p = &g_array_index(sad->policies, Policy, k);
    if (p->in != sa)
      continue;
    bound = true;
    if (ipv4_range_contains_addr(p->remote, src) && ipv4_range_contains_addr(p->local, dst))
      return ESP_OK;
  }
  if (!bound)
    return ESP_OK; /* an SA used without policies (tests, manual keying) */
  *diag = (WireDiag){.field = "inner addresses", .seen = src.v, .bound = dst.v};
  sad->counters.no_policy++;
  return ESP_ERR_NO_POLICY;
}

void esp_sad_tick(EspSad *sad, int64_t now_ns)
{
  for (guint k = 0; k < sad->all->len; k++)
    after(sad, g_ptr_array_index(sad->all, k), ESP_OK, now_ns);
}
