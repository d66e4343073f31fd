/* SPDX-License-Identifier: MIT */
/* ESP anti-replay: the receiver's sliding window (RFC 4303 3.4.3, 32-bit sequence
 * numbers, window 32..4096, default 64) and the sender's counter that never cycles
 * (RFC 4303 3.3.3). Extended (64-bit) sequence numbers are not implemented. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#define ESP_REPLAY_DEFAULT_WINDOW 64u
#define ESP_REPLAY_MIN_WINDOW 32u /* RFC 4303 3.4.3: "minimum window size of 32" */
#define ESP_REPLAY_MAX_WINDOW 4096u

/* What the window says of a received sequence number. No name table: it never reaches a
 * log; esp_sa turns every verdict but OK into ESP_ERR_REPLAY, whose name the logs print. */
typedef enum {
  ESP_REPLAY_OK = 0,   /* new: right of the window edge or an unseen slot inside it */
  ESP_REPLAY_ZERO,     /* 0 is never sent (the first packet carries 1) */
  ESP_REPLAY_DUPLICATE,/* inside the window and already received */
  ESP_REPLAY_TOO_OLD,  /* left of the window */
} EspReplayVerdict;

/* The window is a ring of bits: slot (seq mod RING) says whether seq was received, for
 * the 'size' numbers ending at 'top'. RING is the power of two >= size. */
typedef struct {
  uint32_t top;  /* highest sequence number authenticated so far (0: none) */
  uint32_t size; /* window size in packets */
  uint32_t ring; /* bits in the ring: a power of two, multiple of 64, >= size */
  uint64_t bits[ESP_REPLAY_MAX_WINDOW / 64];
} EspReplay;

/* False when size is outside ESP_REPLAY_MIN_WINDOW..ESP_REPLAY_MAX_WINDOW. */
bool esp_replay_init(EspReplay *r, uint32_t size);
/* RFC 4303 3.4.3: checked before the ICV (cheap rejection) ... */
EspReplayVerdict esp_replay_check(const EspReplay *r, uint32_t seq);
/* ... and recorded only after the ICV verified. Checks again; returns the verdict. */
EspReplayVerdict esp_replay_update(EspReplay *r, uint32_t seq);

/* Sender side: the next sequence number to send. RFC 4303 3.3.3: the first packet
 * carries 1, and "the sender's counter and the receiver's counter MUST NOT be allowed to
 * cycle": after 2^32-1 this returns false and the SA must be rekeyed. */
static inline bool esp_seq_next(uint32_t *last, uint32_t *out)
{
  if (*last == UINT32_MAX)
    return false;
  *out = ++*last;
  return true;
}
