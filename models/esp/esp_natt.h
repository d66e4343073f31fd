/* SPDX-License-Identifier: MIT */
/* UDP encapsulation of ESP for NAT traversal (RFC 3948): the UDP header on port 4500,
 * the non-ESP marker that tells IKE from ESP on that port, and the one-octet NAT
 * keepalive (0xFF), recognised and discarded. */
#pragma once

#include "models/common/wire.h"
#include "models/esp/esp_codec.h"

#include <stddef.h>
#include <stdint.h>

#define ESP_NATT_PORT 4500u
#define ESP_NATT_UDP_LEN 8u
#define ESP_NATT_MARKER_LEN 4u /* RFC 3948 2.2: four zero octets */
#define ESP_NATT_KEEPALIVE 0xffu

/* What a UDP datagram on port 4500 carries. */
typedef enum {
  ESP_NATT_ESP = 1,   /* RFC 3948 2.1: an ESP packet (the SPI is never 0) */
  ESP_NATT_IKE,       /* RFC 3948 2.2: non-ESP marker, then an IKE message */
  ESP_NATT_KEEPALIVE_PKT, /* RFC 3948 2.3: one octet 0xFF: discard */
} EspNattKind;

extern const NameTable esp_natt_kind_names;

typedef struct {
  uint16_t sport, dport;
  EspNattKind kind;
  const uint8_t *payload; /* ESP from its SPI, or IKE after the marker; borrowed */
  size_t payload_len;
} EspNattDatagram;

/* Decode a UDP datagram (header + payload) received on port 4500:
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |        Source Port            |      Destination Port         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           Length              |           Checksum            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Non-ESP Marker (0) for IKE, or the ESP SPI, or 0xFF alone   |
 * The UDP length must equal len. Status TRUNCATED/MALFORMED with the field in diag. */
EspStatus esp_natt_decode(const uint8_t *udp, size_t len, EspNattDatagram *out, WireDiag *diag);

/* Classify a UDP payload alone (what comes after the 8-octet header). */
EspStatus esp_natt_classify(const uint8_t *p, size_t len, EspNattKind *kind, WireDiag *diag);

/* Write the UDP header for an ESP packet of esp_len octets. RFC 3948 2.1: the checksum
 * SHOULD be transmitted as zero over IPv4. */
void esp_natt_encode_esp(WireWriter *w, uint16_t sport, uint16_t dport, size_t esp_len);
