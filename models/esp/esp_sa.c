/* SPDX-License-Identifier: MIT */
/* An ESP SA in tunnel mode: encapsulation and decapsulation (RFC 4303 3.3 and 3.4). */
#include "models/esp/esp_sa.h"

#include <glib.h>
#include <string.h>

struct EspSa {
  uint32_t spi;
  EspDirection dir;
  const EspEncrInfo *e;
  const EspIntegInfo *i;
  EspCrypto *crypto;
  Ipv4Addr src, dst;
  uint32_t last_seq; /* outbound */
  EspReplay replay;  /* inbound */
  bool replay_on;    /* RFC 4303 2.2: anti-replay only with integrity (ICV or AEAD) */
  uint64_t bytes;     /* inner octets carried: the lifetime's kilobytes */
  EspLifetime life;
  int64_t installed_ns;
  unsigned fired;
  /* copies for the key table; wiped on free */
  uint8_t encr_key[64];
  size_t encr_key_len;
  uint8_t integ_key[64];
  size_t integ_key_len;
};

EspSa *esp_sa_new(const EspSaConfig *cfg, const char **why)
{
  const char *dummy;
  if (!why)
    why = &dummy;
  *why = NULL;
  const EspEncrInfo *e = esp_encr_info(cfg->encr, cfg->encr_key_bits);
  const EspIntegInfo *i = esp_integ_info(cfg->integ);
  if (!e) {
    *why = "unsupported encryption transform or key size";
    return NULL;
  }
  if (!i) {
    *why = "unsupported integrity transform";
    return NULL;
  }
  if (cfg->encr_key_len > sizeof ((EspSa *)0)->encr_key ||
      cfg->integ_key_len > sizeof ((EspSa *)0)->integ_key) {
    *why = "key too long";
    return NULL;
  }
  /* RFC 4303 2.1: SPI 0 is never on the wire */
  if (cfg->spi == 0) {
    *why = "SPI 0 is reserved";
    return NULL;
  }
  EspSa *sa = g_new0(EspSa, 1);
  sa->spi = cfg->spi;
  sa->dir = cfg->dir;
  sa->e = e;
  sa->i = i;
  sa->src = cfg->tunnel_src;
  sa->dst = cfg->tunnel_dst;
  sa->life = cfg->lifetime;
  if (cfg->dir == ESP_DIR_IN &&
      !esp_replay_init(&sa->replay, cfg->replay_window ? cfg->replay_window
                                                       : ESP_REPLAY_DEFAULT_WINDOW)) {
    *why = "replay window out of range (32..4096)";
    esp_sa_free(sa);
    return NULL;
  }
  sa->replay_on = cfg->dir == ESP_DIR_IN && (e->aead_icv_len || i->icv_len);
  sa->crypto = esp_crypto_new(e, i, cfg->encr_key, cfg->encr_key_len, cfg->integ_key,
                              cfg->integ_key_len, cfg->dir == ESP_DIR_OUT, cfg->iv_seed, why);
  if (!sa->crypto) {
    esp_sa_free(sa);
    return NULL;
  }
  if (cfg->encr_key_len)
    memcpy(sa->encr_key, cfg->encr_key, cfg->encr_key_len);
  sa->encr_key_len = cfg->encr_key_len;
  if (cfg->integ_key_len)
    memcpy(sa->integ_key, cfg->integ_key, cfg->integ_key_len);
  sa->integ_key_len = cfg->integ_key_len;
  return sa;
}

void esp_sa_free(EspSa *sa)
{
  if (!sa)
    return;
  esp_crypto_free(sa->crypto);
  esp_wipe(sa, sizeof *sa);
  g_free(sa);
}

uint32_t esp_sa_spi(const EspSa *sa) { return sa->spi; }
EspDirection esp_sa_dir(const EspSa *sa) { return sa->dir; }
const EspEncrInfo *esp_sa_encr(const EspSa *sa) { return sa->e; }
const EspIntegInfo *esp_sa_integ(const EspSa *sa) { return sa->i; }
Ipv4Addr esp_sa_tunnel_src(const EspSa *sa) { return sa->src; }
Ipv4Addr esp_sa_tunnel_dst(const EspSa *sa) { return sa->dst; }

uint32_t esp_sa_seq(const EspSa *sa)
{
  return sa->dir == ESP_DIR_OUT ? sa->last_seq : sa->replay.top;
}

void esp_sa_set_seq(EspSa *sa, uint32_t last_sent)
{
  sa->last_seq = last_sent;
}

const uint8_t *esp_sa_encr_key(const EspSa *sa, size_t *len)
{
  *len = sa->encr_key_len;
  return sa->encr_key;
}

const uint8_t *esp_sa_integ_key(const EspSa *sa, size_t *len)
{
  *len = sa->integ_key_len;
  return sa->integ_key;
}

size_t esp_sa_encap_len(const EspSa *sa, size_t n)
{
  return ESP_HEADER_LEN + sa->e->iv_len + n + esp_crypto_tail_len(sa->crypto, n);
}

/* RFC 4303 3.3: header, IV, payload, padding, pad length, next header, ICV. */
static EspStatus seal(EspSa *sa, const uint8_t *payload, size_t n, uint8_t nh, const uint8_t *iv,
                      uint8_t *out, size_t cap, size_t *out_len)
{
  g_return_val_if_fail(sa->dir == ESP_DIR_OUT, ESP_ERR_CRYPTO);
  if (sa->fired & (ESP_LIFE_HARD_TIME | ESP_LIFE_HARD_BYTES))
    return ESP_ERR_EXPIRED;
  size_t pad = esp_pad_len(n, sa->e->block);
  size_t pt_len = n + pad + ESP_TRAILER_LEN;
  size_t total = ESP_HEADER_LEN + sa->e->iv_len + pt_len + esp_crypto_icv_len(sa->crypto);
  if (total > cap)
    return ESP_ERR_NO_SPACE;
  uint32_t seq;
  /* RFC 4303 3.3.3: no cycling; a new SA must be established before 2^32 - 1 */
  if (!esp_seq_next(&sa->last_seq, &seq))
    return ESP_ERR_SEQ_OVERFLOW;
  WireWriter w;
  wire_writer_init_fixed(&w, out, cap);
  esp_header_encode(&w, &(EspHeader){.spi = sa->spi, .seq = seq});
  wire_put_zeros(&w, sa->e->iv_len); /* the crypto layer writes the IV */
  wire_put_bytes(&w, payload, n);
  esp_trailer_encode(&w, pad, nh);
  wire_put_zeros(&w, esp_crypto_icv_len(sa->crypto)); /* and the ICV */
  g_assert(wire_writer_ok(&w) && wire_writer_len(&w) == total); /* cap was checked */
  EspStatus s = esp_crypto_seal(sa->crypto, out, pt_len, seq, iv);
  if (s != ESP_OK)
    return s;
  sa->bytes += n;
  *out_len = total;
  return ESP_OK;
}

/* RFC 4303 3.4: the receiver's steps in order; out receives the plaintext. */
static EspStatus open_esp(EspSa *sa, const EspHeader *hdr, const uint8_t *pkt, size_t len,
                          uint8_t *out, size_t cap, size_t *payload_len, uint8_t *nh,
                          WireDiag *diag)
{
  WireDiag local;
  if (!diag)
    diag = &local;
  *diag = (WireDiag){0};
  g_return_val_if_fail(sa->dir == ESP_DIR_IN, ESP_ERR_CRYPTO);
  if (sa->fired & (ESP_LIFE_HARD_TIME | ESP_LIFE_HARD_BYTES))
    return ESP_ERR_EXPIRED;
  EspHeader own;
  EspStatus s;
  if (!hdr) { /* a caller that has not read the header yet */
    s = esp_header_parse(pkt, len, &own, diag);
    if (s != ESP_OK)
      return s;
    hdr = &own;
  }
  EspLayout l;
  s = esp_layout_split(hdr, pkt, len, sa->e->iv_len, esp_crypto_icv_len(sa->crypto),
                       sa->e->block, &l, diag);
  if (s != ESP_OK)
    return s;
  /* 3.4.2: the SA is found by SPI; a packet for another SPI is not ours */
  if (l.hdr.spi != sa->spi) {
    *diag = (WireDiag){.field = "SPI", .offset = 0, .seen = l.hdr.spi, .bound = sa->spi};
    return ESP_ERR_UNKNOWN_SPI;
  }
  /* 3.4.3: replay check before the ICV, so that replays cost no crypto */
  EspReplayVerdict v = sa->replay_on ? esp_replay_check(&sa->replay, l.hdr.seq) : ESP_REPLAY_OK;
  if (v != ESP_REPLAY_OK) {
    *diag = (WireDiag){.field = "sequence number", .offset = 4, .seen = l.hdr.seq,
                       .bound = sa->replay.top};
    return ESP_ERR_REPLAY;
  }
  if (l.ct_len > cap)
    return ESP_ERR_NO_SPACE;
  /* 3.4.4: ICV first (separate integrity); combined modes check the tag while decrypting */
  s = esp_crypto_verify(sa->crypto, pkt, &l);
  if (s == ESP_OK)
    s = esp_crypto_decrypt(sa->crypto, pkt, &l, out);
  if (s != ESP_OK) {
    if (s == ESP_ERR_ICV)
      *diag = (WireDiag){.field = "ICV", .offset = (size_t)(l.icv - pkt), .seen = l.icv_len};
    return s;
  }
  /* 3.4.3: "The receive window is updated only if the ICV verification succeeds" */
  if (sa->replay_on)
    esp_replay_update(&sa->replay, l.hdr.seq);
  s = esp_trailer_parse(out, l.ct_len, payload_len, nh, diag);
  if (s != ESP_OK) {
    diag->offset += ESP_HEADER_LEN + l.iv_len; /* as an offset into the packet */
    return s;
  }
  return ESP_OK;
}

EspStatus esp_sa_seal_payload(EspSa *sa, const uint8_t *payload, size_t n, uint8_t next_header,
                              const uint8_t *iv, uint8_t *out, size_t cap, size_t *out_len)
{
  return seal(sa, payload, n, next_header, iv, out, cap, out_len);
}

EspStatus esp_sa_open_payload(EspSa *sa, const uint8_t *pkt, size_t len, uint8_t *out,
                              size_t cap, size_t *payload_len, uint8_t *next_header,
                              WireDiag *diag)
{
  EspStatus s = open_esp(sa, NULL, pkt, len, out, cap, payload_len, next_header, diag);
  if (s == ESP_OK) {
    sa->bytes += *payload_len;
  }
  return s;
}

/* The inner IPv4 header's version and total length (RFC 791), through a cursor: the
 * tunnel carries whole IPv4 packets, so total length is the inner packet's size. The
 * receive path decodes the whole header with inet_ipv4_decode, which accepts exactly the
 * packets this does, and comes here only to name the failing field. */
static bool inner_ipv4_len(const uint8_t *p, size_t n, size_t *tot, WireDiag *diag)
{
  WireReader r = wire_reader(p, n);
  uint8_t vihl = wire_get_u8(&r, "inner version/IHL");
  wire_skip(&r, 1, "inner TOS");
  uint16_t total = wire_get_u16(&r, "inner total length");
  if (wire_ok(&r) && (vihl >> 4) != 4)
    wire_fail(&r, WIRE_MALFORMED, "inner version", vihl >> 4, 4);
  if (wire_ok(&r) && ((vihl & 15) < 5 || total < (vihl & 15) * 4u || total > n))
    wire_fail(&r, WIRE_MALFORMED, "inner total length", total, n);
  if (!wire_ok(&r)) {
    if (diag)
      *diag = r.diag;
    return false;
  }
  *tot = total;
  return true;
}

EspStatus esp_sa_encapsulate(EspSa *sa, const uint8_t *inner, size_t n, uint8_t *out, size_t cap,
                             size_t *out_len)
{
  size_t tot;
  if (!inner_ipv4_len(inner, n, &tot, NULL) || tot != n)
    return ESP_ERR_INNER;
  return seal(sa, inner, n, ESP_NEXT_HEADER_IPV4, NULL, out, cap, out_len);
}

EspStatus esp_sa_decapsulate(EspSa *sa, const EspHeader *hdr, const uint8_t *pkt, size_t len,
                             uint8_t *out, size_t cap, size_t *inner_len, InetIpv4Header *ip,
                             WireDiag *diag)
{
  size_t plen;
  uint8_t nh;
  WireDiag local;
  InetIpv4Header own;
  if (!diag)
    diag = &local;
  if (!ip)
    ip = &own;
  EspStatus s = open_esp(sa, hdr, pkt, len, out, cap, &plen, &nh, diag);
  if (s != ESP_OK)
    return s;
  /* RFC 4303 2.6: a tunnel-mode SA of ours carries IPv4 (4); 59 is a dummy packet, which
   * is dropped silently by the caller; anything else is a policy violation. */
  if (nh != ESP_NEXT_HEADER_IPV4) {
    *diag = (WireDiag){.field = "next header", .seen = nh, .bound = ESP_NEXT_HEADER_IPV4};
    return ESP_ERR_NEXT_HEADER;
  }
  WireReader r = wire_reader(out, plen);
  if (inet_ipv4_decode(&r, ip) != WIRE_OK) {
    size_t tot;
    inner_ipv4_len(out, plen, &tot, diag); /* refuses the same packets: names the field */
    diag->offset += ESP_HEADER_LEN + sa->e->iv_len;
    return ESP_ERR_INNER;
  }
  sa->bytes += ip->total_len;
  *inner_len = ip->total_len;
  return ESP_OK;
}

void esp_sa_set_installed(EspSa *sa, int64_t now_ns)
{
  sa->installed_ns = now_ns;
}

unsigned esp_sa_lifetime_poll(EspSa *sa, int64_t now_ns)
{
  unsigned hit = 0;
  int64_t age_ns = now_ns - sa->installed_ns;
  uint64_t age_s = age_ns > 0 ? (uint64_t)age_ns / 1000000000u : 0;
  uint64_t kb = sa->bytes / 1024u;
  if (sa->life.soft_seconds && age_s >= sa->life.soft_seconds)
    hit |= ESP_LIFE_SOFT_TIME;
  if (sa->life.hard_seconds && age_s >= sa->life.hard_seconds)
    hit |= ESP_LIFE_HARD_TIME;
  if (sa->life.soft_kbytes && kb >= sa->life.soft_kbytes)
    hit |= ESP_LIFE_SOFT_BYTES;
  if (sa->life.hard_kbytes && kb >= sa->life.hard_kbytes)
    hit |= ESP_LIFE_HARD_BYTES;
  hit &= ~sa->fired;
  sa->fired |= hit;
  return hit;
}
