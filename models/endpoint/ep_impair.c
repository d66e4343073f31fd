/* SPDX-License-Identifier: MIT */
/* Impairments: names and the byte-level operations on IKE messages (ep_impair.h). The
 * IKEv1 (RFC 2408 3.1) and IKEv2 (RFC 7296 3.1) headers share their layout: SPIs
 * (cookies) at 0 and 8, next payload 16, version 17, exchange 18, flags 19, message ID
 * 20, length 24; payloads start at 28 with the same generic header (next, flags, length). */
#include "models/endpoint/ep_impair.h"

#include "models/common/wire.h"

#include <string.h>

NAME_TABLE(ep_impair_kind_names, "impairment", {EP_IMPAIR_DROP, "drop"},
           {EP_IMPAIR_DUPLICATE, "duplicate"}, {EP_IMPAIR_DELAY, "delay"},
           {EP_IMPAIR_CORRUPT, "corrupt"}, {EP_IMPAIR_WRONG_SPI, "wrongSpi"},
           {EP_IMPAIR_WRONG_MSG_ID, "wrongMessageId"}, {EP_IMPAIR_OMIT_PAYLOAD, "omitPayload"},
           {EP_IMPAIR_NOTIFY, "notify"}, {EP_IMPAIR_NO_DPD_REPLY, "noDpdReply"},
           {EP_IMPAIR_NO_REKEY, "noRekey"}, {EP_IMPAIR_REKEY_AT, "rekeyAt"},
           {EP_IMPAIR_ESP_BAD_ICV, "espBadIcv"}, {EP_IMPAIR_TUNNEL_MTU, "tunnelMtu"},
           {EP_IMPAIR_NO_TRANSIT, "noTransit"}, {EP_IMPAIR_NO_NAT_FOLLOW, "noNatFollow"},
           {EP_IMPAIR_FRAGMENT, "fragmentInner"}, {EP_IMPAIR_BIG_IKE, "bigIke"});
NAME_TABLE(ep_impair_exchange_names, "exchange", {EP_IMPAIR_ANY_EXCHANGE, "any"},
           {34, "IKE_SA_INIT"}, {35, "IKE_AUTH"}, {36, "CREATE_CHILD_SA"},
           {37, "INFORMATIONAL"}, {EP_IMPAIR_V1_MAIN, "MAIN_MODE"},
           {EP_IMPAIR_V1_AGGRESSIVE, "AGGRESSIVE_MODE"}, {EP_IMPAIR_V1_INFO, "V1_INFORMATIONAL"},
           {EP_IMPAIR_V1_QUICK, "QUICK_MODE"});
NAME_TABLE(ep_impair_which_names, "message kind", {EP_IMPAIR_ANY_DIR, "any"},
           {EP_IMPAIR_REQUESTS, "request"}, {EP_IMPAIR_RESPONSES, "response"});
NAME_TABLE(ep_impair_payload_names, "payload", {33, "SA"}, {34, "KE"}, {35, "IDi"},
           {36, "IDr"}, {37, "CERT"}, {38, "CERTREQ"}, {39, "AUTH"}, {40, "NONCE"},
           {41, "NOTIFY"}, {42, "DELETE"}, {43, "VENDOR_ID"}, {44, "TSi"}, {45, "TSr"},
           {47, "CP"}, {1, "V1_SA"}, {4, "V1_KE"}, {5, "V1_ID"}, {8, "V1_HASH"},
           {10, "V1_NONCE"}, {11, "V1_NOTIFY"}, {13, "V1_VENDOR_ID"}, {20, "V1_NAT_D"});

#define HDR_LEN 28
#define IKEV2_FLAG_R 0x20
#define IKEV2_FLAG_I 0x08
#define IKEV1_FLAG_E 0x01
#define PL_SK 46
#define PL_SKF 53
#define PL_V2_NOTIFY 41
#define PL_V1_NOTIFY 11

bool ep_impair_set_has(const EpImpairSet *s, EpImpairKind k)
{
  for (unsigned i = 0; s && i < s->n; i++)
    if (s->v[i].kind == k)
      return true;
  return false;
}

bool ep_impair_header(const uint8_t *ike, size_t len, EpImpairHdr *h)
{
  if (len < HDR_LEN)
    return false;
  uint8_t major = ike[17] >> 4;
  if (major != 1 && major != 2)
    return false;
  *h = (EpImpairHdr){.spi_i = wire_load_be64(ike), .spi_r = wire_load_be64(ike + 8),
                     .next_payload = ike[16], .exchange = ike[18], .flags = ike[19],
                     .msg_id = wire_load_be32(ike + 20), .length = wire_load_be32(ike + 24),
                     .v1 = major == 1};
  h->response = !h->v1 && (h->flags & IKEV2_FLAG_R);
  return true;
}

bool ep_impair_matches(const EpImpair *x, const EpImpairHdr *h)
{
  if (x->exchange != EP_IMPAIR_ANY_EXCHANGE && x->exchange != h->exchange)
    return false;
  if (h->v1 || x->which == EP_IMPAIR_ANY_DIR)
    return true;
  return (x->which == EP_IMPAIR_RESPONSES) == h->response;
}

/* IKEv1 with the E flag, IKEv2 with SK or SKF first. */
static bool encrypted(const EpImpairHdr *h)
{
  if (h->v1)
    return (h->flags & IKEV1_FLAG_E) != 0;
  return h->next_payload == PL_SK || h->next_payload == PL_SKF;
}

bool ep_impair_corrupt(uint8_t *ike, size_t len)
{
  EpImpairHdr h;
  if (!ep_impair_header(ike, len, &h) || len <= HDR_LEN)
    return false;
  if (encrypted(&h)) {
    if (h.v1)
      ike[HDR_LEN] ^= 0x01; /* CBC: the first block (the HASH payload) decrypts to garbage */
    else
      ike[len - 1] ^= 0x01; /* the ICV, the last octets of SK */
    return true;
  }
  if (len < HDR_LEN + 4)
    return false;
  wire_store_be16(ike + HDR_LEN + 2, 1); /* shorter than a generic payload header */
  return true;
}

bool ep_impair_wrong_spi(uint8_t *ike, size_t len)
{
  EpImpairHdr h;
  if (!ep_impair_header(ike, len, &h))
    return false;
  /* the SPI the peer chose: the responder's when we began the SA (IKEv2 I flag; IKEv1: the
   * responder cookie once there is one), else the initiator's */
  bool ours_initiator = h.v1 ? h.spi_r != 0 : (h.flags & IKEV2_FLAG_I) && h.spi_r != 0;
  size_t at = ours_initiator ? 8 : 0;
  ike[at + 7] ^= 0x5a;
  ike[at] ^= 0xa5;
  return true;
}

bool ep_impair_wrong_msg_id(uint8_t *ike, size_t len)
{
  EpImpairHdr h;
  if (!ep_impair_header(ike, len, &h))
    return false;
  wire_store_be32(ike + 20, h.msg_id ^ 0x40000000u); /* far outside any window */
  return true;
}

bool ep_impair_omit(const uint8_t *ike, size_t len, uint8_t payload, uint16_t notify,
                    uint8_t *out, size_t *out_len)
{
  EpImpairHdr h;
  if (!ep_impair_header(ike, len, &h) || encrypted(&h) || h.length != len)
    return false;
  memcpy(out, ike, HDR_LEN);
  size_t w = HDR_LEN, at = HDR_LEN;
  size_t prev_next = 16; /* where the next-payload octet of the last payload kept is */
  uint8_t type = h.next_payload;
  bool omitted = false;
  while (type != 0) {
    if (at + 4 > len)
      return false;
    uint16_t plen = wire_load_be16(ike + at + 2);
    if (plen < 4 || at + plen > len)
      return false;
    bool is_notify = type == PL_V2_NOTIFY || (h.v1 && type == PL_V1_NOTIFY);
    size_t ntype_at = at + (h.v1 ? 10 : 6);
    bool hit = type == payload;
    if (hit && notify && is_notify)
      hit = ntype_at + 2 <= at + plen && wire_load_be16(ike + ntype_at) == notify;
    uint8_t next = ike[at];
    if (hit) {
      omitted = true;
      out[prev_next] = next;
    } else {
      memcpy(out + w, ike + at, plen);
      prev_next = w;
      w += plen;
    }
    at += plen;
    type = next;
  }
  if (!omitted)
    return false;
  wire_store_be32(out + 24, (uint32_t)w);
  *out_len = w;
  return true;
}

size_t ep_impair_notify_response(const EpImpairHdr *req, uint16_t notify, uint8_t out[36])
{
  memset(out, 0, 36);
  wire_store_be64(out, req->spi_i);
  out[16] = PL_V2_NOTIFY;
  out[17] = 0x20;
  out[18] = req->exchange;
  out[19] = IKEV2_FLAG_R;
  wire_store_be32(out + 20, req->msg_id);
  wire_store_be32(out + 24, 36);
  /* RFC 7296 3.10: no SPI, protocol 0 */
  wire_store_be16(out + 30, 8);
  wire_store_be16(out + 34, notify);
  return 36;
}
