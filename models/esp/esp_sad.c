/* SPDX-License-Identifier: MIT */
/* The ESP SA database: SPI lookup, lifetime events. */
#include "models/esp/esp_sad.h"

#include <glib.h>

NAME_TABLE(esp_event_names, "ESP event",
           {ESP_EV_SOFT_EXPIRE, "SOFT_EXPIRE"},
           {ESP_EV_HARD_EXPIRE, "HARD_EXPIRE"},
           {ESP_EV_SEQ_OVERFLOW, "SEQ_OVERFLOW"});

struct EspSad {
  EspEventFn fn;
  void *user;
  GHashTable *in_by_spi; /* uint32 SPI -> EspSa* (inbound) */
  GPtrArray *all;        /* every SA, owned */
  GHashTable *overflowed; /* SAs whose overflow event was raised */
};

EspSad *esp_sad_new(EspEventFn fn, void *user)
{
  EspSad *sad = g_new0(EspSad, 1);
  sad->fn = fn;
  sad->user = user;
  sad->in_by_spi = g_hash_table_new(g_direct_hash, g_direct_equal);
  sad->all = g_ptr_array_new_with_free_func((GDestroyNotify)esp_sa_free);
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
  g_free(sad);
}

static void emit(EspSad *sad, EspEventType t, EspSa *sa, unsigned life, int64_t now)
{
  if (!sad->fn)
    return;
  EspEvent ev = {.type = t, .spi = esp_sa_spi(sa), .dir = esp_sa_dir(sa), .life = life,
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
  g_hash_table_remove(sad->overflowed, sa);
  g_ptr_array_remove_index_fast(sad->all, idx); /* frees */
  return true;
}

EspSa *esp_sad_get_in(EspSad *sad, uint32_t spi)
{
  return g_hash_table_lookup(sad->in_by_spi, GUINT_TO_POINTER(spi));
}

/* After traffic: lifetime and overflow events for this SA. */
static void after(EspSad *sad, EspSa *sa, EspStatus s, int64_t now)
{
  unsigned hit = esp_sa_lifetime_poll(sa, now);
  if (hit & (ESP_LIFE_SOFT_TIME | ESP_LIFE_SOFT_BYTES))
    emit(sad, ESP_EV_SOFT_EXPIRE, sa, hit & (ESP_LIFE_SOFT_TIME | ESP_LIFE_SOFT_BYTES), now);
  if (hit & (ESP_LIFE_HARD_TIME | ESP_LIFE_HARD_BYTES))
    emit(sad, ESP_EV_HARD_EXPIRE, sa, hit & (ESP_LIFE_HARD_TIME | ESP_LIFE_HARD_BYTES), now);
  if (s == ESP_ERR_SEQ_OVERFLOW && g_hash_table_add(sad->overflowed, sa))
    emit(sad, ESP_EV_SEQ_OVERFLOW, sa, 0, now);
}

EspStatus esp_sad_tx(EspSad *sad, int64_t now_ns, EspSa *sa, const uint8_t *inner, size_t n,
                     uint8_t *out, size_t cap, size_t *out_len)
{
  g_return_val_if_fail(sa && esp_sa_dir(sa) == ESP_DIR_OUT, ESP_ERR_CRYPTO);
  /* a hard limit crossed by time since the last tick is enforced before sending */
  after(sad, sa, ESP_OK, now_ns);
  EspStatus s = esp_sa_encapsulate(sa, inner, n, out, cap, out_len);
  after(sad, sa, s, now_ns);
  return s;
}

EspRx esp_sad_rx(EspSad *sad, int64_t now_ns, const uint8_t *pkt, size_t len, uint8_t *out,
                 size_t cap)
{
  EspRx rx = {0};
  rx.status = esp_header_parse(pkt, len, &rx.hdr, &rx.diag);
  if (rx.status != ESP_OK) {
    rx.hdr = (EspHeader){0};
    return rx;
  }
  rx.sa = esp_sad_get_in(sad, rx.hdr.spi);
  if (!rx.sa) {
    /* RFC 4303 3.4.2: no valid SA: discard, an auditable event */
    rx.diag = (WireDiag){.field = "SPI", .offset = 0, .seen = rx.hdr.spi};
    rx.status = ESP_ERR_UNKNOWN_SPI;
    return rx;
  }
  after(sad, rx.sa, ESP_OK, now_ns);
  rx.status = esp_sa_decapsulate(rx.sa, &rx.hdr, pkt, len, out, cap, &rx.inner_len, &rx.ip,
                                 &rx.diag);
  after(sad, rx.sa, rx.status, now_ns);
  if (rx.status == ESP_OK)
    rx.inner = out;
  return rx;
}

void esp_sad_tick(EspSad *sad, int64_t now_ns)
{
  for (guint k = 0; k < sad->all->len; k++)
    after(sad, g_ptr_array_index(sad->all, k), ESP_OK, now_ns);
}
