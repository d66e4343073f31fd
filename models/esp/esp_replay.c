/* SPDX-License-Identifier: MIT */
/* The ESP anti-replay window (RFC 4303 3.4.3) as a ring bitmap. */
#include "models/esp/esp_replay.h"

#include <string.h>

bool esp_replay_init(EspReplay *r, uint32_t size)
{
  memset(r, 0, sizeof *r);
  if (size < ESP_REPLAY_MIN_WINDOW || size > ESP_REPLAY_MAX_WINDOW)
    return false;
  uint32_t ring = 64;
  while (ring < size)
    ring <<= 1;
  r->size = size;
  r->ring = ring;
  return true;
}

static bool bit_get(const EspReplay *r, uint32_t seq)
{
  uint32_t i = seq & (r->ring - 1);
  return (r->bits[i / 64] >> (i % 64)) & 1;
}

static void bit_set(EspReplay *r, uint32_t seq)
{
  uint32_t i = seq & (r->ring - 1);
  r->bits[i / 64] |= (uint64_t)1 << (i % 64);
}

static void bit_clear(EspReplay *r, uint32_t seq)
{
  uint32_t i = seq & (r->ring - 1);
  r->bits[i / 64] &= ~((uint64_t)1 << (i % 64));
}

EspReplayVerdict esp_replay_check(const EspReplay *r, uint32_t seq)
{
  if (seq == 0)
    return ESP_REPLAY_ZERO;
  /* RFC 4303 3.4.3: "If the received packet falls within the window and is new, or if
   * the packet is to the right of the window, then the receiver proceeds to ICV
   * verification." */
  if (seq > r->top)
    return ESP_REPLAY_OK;
  if (r->top - seq >= r->size)
    return ESP_REPLAY_TOO_OLD;
  return bit_get(r, seq) ? ESP_REPLAY_DUPLICATE : ESP_REPLAY_OK;
}

EspReplayVerdict esp_replay_update(EspReplay *r, uint32_t seq)
{
  EspReplayVerdict v = esp_replay_check(r, seq);
  if (v != ESP_REPLAY_OK)
    return v;
  if (seq > r->top) {
    /* Slide right: the slots of top+1 .. seq-1 held numbers a ring ago; clear them. */
    uint32_t ahead = seq - r->top;
    if (ahead >= r->ring) {
      memset(r->bits, 0, sizeof r->bits);
    } else {
      for (uint32_t s = r->top + 1; s != seq; s++)
        bit_clear(r, s);
    }
    r->top = seq;
  }
  bit_set(r, seq);
  return ESP_REPLAY_OK;
}
