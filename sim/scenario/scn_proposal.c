/* SPDX-License-Identifier: MIT */
/* Proposal keywords (strongSwan's names: docs.strongswan.org/docs/5.9/config/proposals.html)
 * to IANA IKEv2 transform IDs (RFC 7296 3.3.2 and the registry). */
#include "sim/scenario/scn_proposal.h"

#include "sim/scenario/ytree.h"

#include "models/common/names.h"

#include <glib.h>
#include <string.h>

typedef enum { K_ENCR, K_INTEG, K_PRF, K_DH, K_ESN } KwKind;

typedef struct {
  const char *kw;
  KwKind kind;
  uint16_t id;
  uint16_t key_bits; /* K_ENCR */
  uint16_t prf;      /* K_INTEG: the PRF of the same hash, for IKE; 0 none */
} Keyword;

static const Keyword keywords[] = {
    /* encryption: AES-CBC RFC 3602, AES-CTR RFC 3686, AES-GCM RFC 4106, AES-CCM RFC 4309 */
    {"aes128", K_ENCR, ENCR_AES_CBC, 128, 0},
    {"aes192", K_ENCR, ENCR_AES_CBC, 192, 0},
    {"aes256", K_ENCR, ENCR_AES_CBC, 256, 0},
    {"aes", K_ENCR, ENCR_AES_CBC, 128, 0},
    {"aes128ctr", K_ENCR, ENCR_AES_CTR, 128, 0},
    {"aes192ctr", K_ENCR, ENCR_AES_CTR, 192, 0},
    {"aes256ctr", K_ENCR, ENCR_AES_CTR, 256, 0},
    {"aes128gcm8", K_ENCR, ENCR_AES_GCM_8, 128, 0},
    {"aes192gcm8", K_ENCR, ENCR_AES_GCM_8, 192, 0},
    {"aes256gcm8", K_ENCR, ENCR_AES_GCM_8, 256, 0},
    {"aes128gcm12", K_ENCR, ENCR_AES_GCM_12, 128, 0},
    {"aes192gcm12", K_ENCR, ENCR_AES_GCM_12, 192, 0},
    {"aes256gcm12", K_ENCR, ENCR_AES_GCM_12, 256, 0},
    {"aes128gcm16", K_ENCR, ENCR_AES_GCM_16, 128, 0},
    {"aes192gcm16", K_ENCR, ENCR_AES_GCM_16, 192, 0},
    {"aes256gcm16", K_ENCR, ENCR_AES_GCM_16, 256, 0},
    {"aes128gcm", K_ENCR, ENCR_AES_GCM_16, 128, 0},
    {"aes192gcm", K_ENCR, ENCR_AES_GCM_16, 192, 0},
    {"aes256gcm", K_ENCR, ENCR_AES_GCM_16, 256, 0},
    {"aes128ccm16", K_ENCR, ENCR_AES_CCM_16, 128, 0},
    {"aes256ccm16", K_ENCR, ENCR_AES_CCM_16, 256, 0},
    {"aes128gmac", K_ENCR, ENCR_NULL_AUTH_AES_GMAC, 128, 0},
    {"aes256gmac", K_ENCR, ENCR_NULL_AUTH_AES_GMAC, 256, 0},
    {"chacha20poly1305", K_ENCR, ENCR_CHACHA20_POLY1305, 0, 0}, /* RFC 7634 */
    {"3des", K_ENCR, ENCR_3DES, 0, 0},                          /* RFC 2451 */
    {"des", K_ENCR, ENCR_DES, 0, 0},
    {"null", K_ENCR, ENCR_NULL, 0, 0}, /* RFC 2410, ESP only */
    /* integrity (and the PRF of the same hash for IKE): RFC 2403/2404, RFC 4868, RFC 3566 */
    {"md5", K_INTEG, AUTH_HMAC_MD5_96, 0, PRF_HMAC_MD5},
    {"sha1", K_INTEG, AUTH_HMAC_SHA1_96, 0, PRF_HMAC_SHA1},
    {"sha", K_INTEG, AUTH_HMAC_SHA1_96, 0, PRF_HMAC_SHA1},
    {"sha256", K_INTEG, AUTH_HMAC_SHA2_256_128, 0, PRF_HMAC_SHA2_256},
    {"sha2_256", K_INTEG, AUTH_HMAC_SHA2_256_128, 0, PRF_HMAC_SHA2_256},
    {"sha384", K_INTEG, AUTH_HMAC_SHA2_384_192, 0, PRF_HMAC_SHA2_384},
    {"sha2_384", K_INTEG, AUTH_HMAC_SHA2_384_192, 0, PRF_HMAC_SHA2_384},
    {"sha512", K_INTEG, AUTH_HMAC_SHA2_512_256, 0, PRF_HMAC_SHA2_512},
    {"sha2_512", K_INTEG, AUTH_HMAC_SHA2_512_256, 0, PRF_HMAC_SHA2_512},
    {"aesxcbc", K_INTEG, AUTH_AES_XCBC_96, 0, PRF_AES128_XCBC},
    {"aescmac", K_INTEG, AUTH_AES_CMAC_96, 0, PRF_AES128_CMAC},
    /* PRFs (RFC 7296 3.3.2, RFC 4868) */
    {"prfmd5", K_PRF, PRF_HMAC_MD5, 0, 0},
    {"prfsha1", K_PRF, PRF_HMAC_SHA1, 0, 0},
    {"prfsha256", K_PRF, PRF_HMAC_SHA2_256, 0, 0},
    {"prfsha384", K_PRF, PRF_HMAC_SHA2_384, 0, 0},
    {"prfsha512", K_PRF, PRF_HMAC_SHA2_512, 0, 0},
    {"prfaesxcbc", K_PRF, PRF_AES128_XCBC, 0, 0},
    {"prfaescmac", K_PRF, PRF_AES128_CMAC, 0, 0},
    /* key exchange: RFC 2409, RFC 3526, RFC 5903, RFC 5114, RFC 6954, RFC 8031 */
    {"modp768", K_DH, DH_MODP_768, 0, 0},
    {"modp1024", K_DH, DH_MODP_1024, 0, 0},
    {"modp1536", K_DH, DH_MODP_1536, 0, 0},
    {"modp2048", K_DH, DH_MODP_2048, 0, 0},
    {"modp3072", K_DH, DH_MODP_3072, 0, 0},
    {"modp4096", K_DH, DH_MODP_4096, 0, 0},
    {"modp6144", K_DH, DH_MODP_6144, 0, 0},
    {"modp8192", K_DH, DH_MODP_8192, 0, 0},
    {"modp1024s160", K_DH, DH_MODP_1024_160, 0, 0},
    {"modp2048s224", K_DH, DH_MODP_2048_224, 0, 0},
    {"modp2048s256", K_DH, DH_MODP_2048_256, 0, 0},
    {"ecp192", K_DH, DH_ECP_192, 0, 0},
    {"ecp224", K_DH, DH_ECP_224, 0, 0},
    {"ecp256", K_DH, DH_ECP_256, 0, 0},
    {"ecp384", K_DH, DH_ECP_384, 0, 0},
    {"ecp521", K_DH, DH_ECP_521, 0, 0},
    {"ecp224bp", K_DH, DH_BRAINPOOL_224, 0, 0},
    {"ecp256bp", K_DH, DH_BRAINPOOL_256, 0, 0},
    {"ecp384bp", K_DH, DH_BRAINPOOL_384, 0, 0},
    {"ecp512bp", K_DH, DH_BRAINPOOL_512, 0, 0},
    {"curve25519", K_DH, DH_CURVE25519, 0, 0},
    {"x25519", K_DH, DH_CURVE25519, 0, 0},
    {"curve448", K_DH, DH_CURVE448, 0, 0},
    {"x448", K_DH, DH_CURVE448, 0, 0},
    /* extended sequence numbers (RFC 4303 2.2.1), ESP only */
    {"esn", K_ESN, ESN_YES, 0, 0},
    {"noesn", K_ESN, ESN_NO, 0, 0},
};

static const Keyword *find(const char *kw)
{
  for (size_t i = 0; i < G_N_ELEMENTS(keywords); i++)
    if (strcmp(keywords[i].kw, kw) == 0)
      return &keywords[i];
  return NULL;
}

const char *scn_proposal_nearest(const char *keyword)
{
  const char *names[G_N_ELEMENTS(keywords)];
  for (size_t i = 0; i < G_N_ELEMENTS(keywords); i++)
    names[i] = keywords[i].kw;
  return str_nearest(keyword, names, G_N_ELEMENTS(keywords));
}

static bool add_u16(uint16_t *arr, unsigned *n, uint16_t v)
{
  for (unsigned i = 0; i < *n; i++)
    if (arr[i] == v)
      return true; /* a repeated algorithm is offered once */
  if (*n >= DEV_MAX_ALGS)
    return false;
  arr[(*n)++] = v;
  return true;
}

bool scn_proposal_parse(const char *text, bool ike, DevProposal *out, GError **error)
{
  memset(out, 0, sizeof *out);
  if (!text || !*text) {
    g_set_error(error, SCN_ERROR, SCN_ERROR_INVALID, "empty proposal");
    return false;
  }
  g_auto(GStrv) parts = g_strsplit(text, "-", -1);
  uint16_t implied_prf[DEV_MAX_ALGS];
  unsigned n_implied = 0;
  for (char **p = parts; *p; p++) {
    const Keyword *k = find(*p);
    if (!k) {
      const char *hint = **p ? scn_proposal_nearest(*p) : NULL;
      if (hint)
        g_set_error(error, SCN_ERROR, SCN_ERROR_INVALID, "unknown algorithm '%s' (did you mean '%s'?)", *p, hint);
      else
        g_set_error(error, SCN_ERROR, SCN_ERROR_INVALID, "unknown algorithm '%s'", *p);
      return false;
    }
    bool ok = true;
    switch (k->kind) {
    case K_ENCR: {
      if (ike && k->id == ENCR_NULL) {
        g_set_error(error, SCN_ERROR, SCN_ERROR_INVALID, "'null' encryption is for ESP only (RFC 2410)");
        return false;
      }
      bool dup = false;
      for (unsigned i = 0; i < out->n_encr; i++)
        dup |= out->encr[i].id == k->id && out->encr[i].key_bits == k->key_bits;
      if (!dup) {
        ok = out->n_encr < DEV_MAX_ALGS;
        if (ok)
          out->encr[out->n_encr++] = (DevEncr){k->id, k->key_bits};
      }
      break;
    }
    case K_INTEG:
      ok = add_u16(out->integ, &out->n_integ, k->id);
      if (ok && ike && k->prf)
        ok = add_u16(implied_prf, &n_implied, k->prf);
      break;
    case K_PRF:
      if (!ike) {
        g_set_error(error, SCN_ERROR, SCN_ERROR_INVALID, "'%s': ESP proposals have no PRF", *p);
        return false;
      }
      ok = add_u16(out->prf, &out->n_prf, k->id);
      break;
    case K_DH:
      ok = add_u16(out->dh, &out->n_dh, k->id);
      break;
    case K_ESN:
      if (ike) {
        g_set_error(error, SCN_ERROR, SCN_ERROR_INVALID, "'%s': IKE proposals have no ESN transform", *p);
        return false;
      }
      ok = add_u16(out->esn, &out->n_esn, k->id) && out->n_esn <= 2;
      break;
    }
    if (!ok) {
      g_set_error(error, SCN_ERROR, SCN_ERROR_INVALID, "too many algorithms of one kind (at most %d)", DEV_MAX_ALGS);
      return false;
    }
  }
  if (ike && out->n_prf == 0)
    for (unsigned i = 0; i < n_implied; i++)
      out->prf[out->n_prf++] = implied_prf[i];
  if (!ike && out->n_esn == 0)
    out->esn[out->n_esn++] = ESN_NO;
  if (out->n_encr == 0) {
    g_set_error(error, SCN_ERROR, SCN_ERROR_INVALID, "no encryption algorithm");
    return false;
  }
  return true;
}

static const char *kw_of(KwKind kind, uint16_t id, uint16_t key_bits)
{
  for (size_t i = 0; i < G_N_ELEMENTS(keywords); i++)
    if (keywords[i].kind == kind && keywords[i].id == id && keywords[i].key_bits == key_bits)
      return keywords[i].kw;
  return NULL;
}

char *scn_proposal_format(const DevProposal *p, bool ike)
{
  GString *s = g_string_new(NULL);
#define ADD(kind, id, bits)                                                                   \
  do {                                                                                       \
    const char *kw_ = kw_of(kind, id, bits);                                                 \
    if (s->len)                                                                              \
      g_string_append_c(s, '-');                                                             \
    if (kw_)                                                                                 \
      g_string_append(s, kw_);                                                               \
    else                                                                                     \
      g_string_append_printf(s, "<%u>", (unsigned)(id));                                      \
  } while (0)
  for (unsigned i = 0; i < p->n_encr; i++)
    ADD(K_ENCR, p->encr[i].id, p->encr[i].key_bits);
  for (unsigned i = 0; i < p->n_integ; i++)
    ADD(K_INTEG, p->integ[i], 0);
  for (unsigned i = 0; ike && i < p->n_prf; i++)
    ADD(K_PRF, p->prf[i], 0);
  for (unsigned i = 0; i < p->n_dh; i++)
    ADD(K_DH, p->dh[i], 0);
  for (unsigned i = 0; !ike && i < p->n_esn; i++)
    ADD(K_ESN, p->esn[i], 0);
#undef ADD
  return g_string_free(s, FALSE);
}
