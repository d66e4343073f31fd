/* SPDX-License-Identifier: MIT */
/* RFC 3948 UDP encapsulation: decode, classify and build datagrams on port 4500. */
#include "models/esp/esp_natt.h"

NAME_TABLE(esp_natt_kind_names, "UDP 4500 payload",
           {ESP_NATT_ESP, "ESP"},
           {ESP_NATT_IKE, "IKE"},
           {ESP_NATT_KEEPALIVE_PKT, "NAT-keepalive"});

static EspStatus fail_status(const WireReader *r)
{
  return r->status == WIRE_TRUNCATED ? ESP_ERR_TRUNCATED : ESP_ERR_MALFORMED;
}

static EspStatus classify_reader(WireReader *r, EspNattKind *kind, WireDiag *diag)
{
  size_t n = wire_left(r);
  const uint8_t *p = wire_peek(r, n);
  /* RFC 3948 2.3: "a one-octet payload with the value 0xFF" */
  if (n == 1 && p[0] == ESP_NATT_KEEPALIVE) {
    *kind = ESP_NATT_KEEPALIVE_PKT;
    wire_skip(r, 1, "keepalive");
    return ESP_OK;
  }
  uint32_t first = wire_get_u32(r, "non-ESP marker or SPI");
  if (!wire_ok(r))
    goto fail;
  if (first == 0) {
    /* RFC 3948 2.2: the marker, then an IKE header (at least its 28 octets, RFC 7296 3.1;
     * the IKE decoder checks the rest) */
    if (wire_left(r) < 28) {
      wire_fail(r, WIRE_TRUNCATED, "IKE header", wire_left(r), 28);
      goto fail;
    }
    *kind = ESP_NATT_IKE;
    return ESP_OK;
  }
  /* RFC 3948 2.1: the ESP header follows the UDP header directly; at least SPI + seq */
  if (wire_left(r) < 4) {
    wire_fail(r, WIRE_TRUNCATED, "sequence number", wire_left(r), 4);
    goto fail;
  }
  *kind = ESP_NATT_ESP;
  return ESP_OK;
fail:
  if (diag)
    *diag = r->diag;
  return fail_status(r);
}

EspStatus esp_natt_classify(const uint8_t *p, size_t len, EspNattKind *kind, WireDiag *diag)
{
  WireReader r = wire_reader(p, len);
  return classify_reader(&r, kind, diag);
}

EspStatus esp_natt_decode(const uint8_t *udp, size_t len, EspNattDatagram *out, WireDiag *diag)
{
  WireReader r = wire_reader(udp, len);
  out->sport = wire_get_u16(&r, "source port");
  out->dport = wire_get_u16(&r, "destination port");
  uint16_t ulen = wire_get_u16(&r, "length");
  wire_skip(&r, 2, "checksum");
  if (wire_ok(&r) && ulen != len)
    wire_fail(&r, ulen < len ? WIRE_MALFORMED : WIRE_TRUNCATED, "length", ulen, len);
  if (!wire_ok(&r)) {
    if (diag)
      *diag = r.diag;
    return fail_status(&r);
  }
  WireReader body = wire_sub(&r, wire_left(&r), "payload");
  EspNattKind kind;
  EspStatus s = classify_reader(&body, &kind, diag);
  if (s != ESP_OK)
    return s;
  out->kind = kind;
  const uint8_t *payload = udp + ESP_NATT_UDP_LEN;
  size_t plen = len - ESP_NATT_UDP_LEN;
  if (kind == ESP_NATT_IKE) {
    payload += ESP_NATT_MARKER_LEN;
    plen -= ESP_NATT_MARKER_LEN;
  }
  out->payload = payload;
  out->payload_len = plen;
  return ESP_OK;
}

static void udp_header(WireWriter *w, uint16_t sport, uint16_t dport, size_t payload_len)
{
  wire_put_u16(w, sport);
  wire_put_u16(w, dport);
  size_t total = ESP_NATT_UDP_LEN + payload_len;
  if (total > UINT16_MAX)
    w->failed = true;
  wire_put_u16(w, (uint16_t)total);
  wire_put_u16(w, 0); /* RFC 3948 2.1: checksum zero */
}

void esp_natt_encode_esp(WireWriter *w, uint16_t sport, uint16_t dport, size_t esp_len)
{
  udp_header(w, sport, dport, esp_len);
}
