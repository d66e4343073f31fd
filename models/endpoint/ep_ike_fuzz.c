/* SPDX-License-Identifier: MIT */
/* libFuzzer target on the IKE datagram summary the control plane logs for every message
 * (ep_ike_datagram_summary): peer bytes as a port-500 payload and as a port-4500 payload
 * (non-ESP marker). No input may crash, assert or read out of bounds. */
#include "models/endpoint/ep_ike.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  uint8_t x;
  bool resp, iflag;
  uint32_t mid;
  char notes[256];
  for (int natt = 0; natt < 2; natt++)
    if (ep_ike_datagram_summary(data, size, natt, &x, &resp, &mid, &iflag, notes, sizeof notes) &&
        strlen(notes) >= sizeof notes)
      __builtin_trap();
  return 0;
}
