/* SPDX-License-Identifier: MIT */
/* The per-exchange payload rules table (RFC 7296 1.2-1.5) and its single checker. */
#include "models/ike/ikev2_rules.h"

#include <string.h>

#define M IKEV2_RULE_MANY
#define R(x, resp, pl, mn, mx, enc)                                                          \
  {.exchange = (x), .response = (resp), .payload = (pl), .min = (mn), .max = (mx),            \
   .encrypted = (enc)}

/* RFC 7296 1.2: HDR, SAi1, KEi, Ni  -->  <--  HDR, SAr1, KEr, Nr, [CERTREQ]
 * (N(COOKIE), N(NAT_DETECTION_*), N(IKEV2_FRAGMENTATION_SUPPORTED), ... and V alongside) */
static const Ikev2Rule sa_init_req[] = {
    R(IKEV2_IKE_SA_INIT, false, IKEV2_PL_SA, 1, 1, false),
    R(IKEV2_IKE_SA_INIT, false, IKEV2_PL_KE, 1, 1, false),
    R(IKEV2_IKE_SA_INIT, false, IKEV2_PL_NONCE, 1, 1, false),
    R(IKEV2_IKE_SA_INIT, false, IKEV2_PL_NOTIFY, 0, M, false),
    R(IKEV2_IKE_SA_INIT, false, IKEV2_PL_VENDOR, 0, M, false),
};
static const Ikev2Rule sa_init_resp[] = {
    R(IKEV2_IKE_SA_INIT, true, IKEV2_PL_SA, 1, 1, false),
    R(IKEV2_IKE_SA_INIT, true, IKEV2_PL_KE, 1, 1, false),
    R(IKEV2_IKE_SA_INIT, true, IKEV2_PL_NONCE, 1, 1, false),
    R(IKEV2_IKE_SA_INIT, true, IKEV2_PL_CERTREQ, 0, M, false),
    R(IKEV2_IKE_SA_INIT, true, IKEV2_PL_NOTIFY, 0, M, false),
    R(IKEV2_IKE_SA_INIT, true, IKEV2_PL_VENDOR, 0, M, false),
};
/* RFC 7296 1.2: HDR, SK {IDi, [CERT,] [CERTREQ,] [IDr,] AUTH, SAi2, TSi, TSr}
 *          <--  HDR, SK {IDr, [CERT,] AUTH, SAr2, TSi, TSr}
 * AUTH is absent from the first request of an EAP exchange (2.16), and the child SA
 * payloads are absent when the responder refuses the child (2.21.2); CP and EAP for
 * remote access (2.19, 2.16). */
static const Ikev2Rule auth_req[] = {
    R(IKEV2_IKE_AUTH, false, IKEV2_PL_IDI, 1, 1, true),
    R(IKEV2_IKE_AUTH, false, IKEV2_PL_CERT, 0, M, true),
    R(IKEV2_IKE_AUTH, false, IKEV2_PL_CERTREQ, 0, M, true),
    R(IKEV2_IKE_AUTH, false, IKEV2_PL_IDR, 0, 1, true),
    R(IKEV2_IKE_AUTH, false, IKEV2_PL_AUTH, 0, 1, true),
    R(IKEV2_IKE_AUTH, false, IKEV2_PL_SA, 0, 1, true),
    R(IKEV2_IKE_AUTH, false, IKEV2_PL_TSI, 0, 1, true),
    R(IKEV2_IKE_AUTH, false, IKEV2_PL_TSR, 0, 1, true),
    R(IKEV2_IKE_AUTH, false, IKEV2_PL_CP, 0, 1, true),
    R(IKEV2_IKE_AUTH, false, IKEV2_PL_EAP, 0, 1, true),
    R(IKEV2_IKE_AUTH, false, IKEV2_PL_NOTIFY, 0, M, true),
    R(IKEV2_IKE_AUTH, false, IKEV2_PL_VENDOR, 0, M, true),
};
static const Ikev2Rule auth_resp[] = {
    R(IKEV2_IKE_AUTH, true, IKEV2_PL_IDR, 0, 1, true),
    R(IKEV2_IKE_AUTH, true, IKEV2_PL_CERT, 0, M, true),
    R(IKEV2_IKE_AUTH, true, IKEV2_PL_AUTH, 0, 1, true),
    R(IKEV2_IKE_AUTH, true, IKEV2_PL_SA, 0, 1, true),
    R(IKEV2_IKE_AUTH, true, IKEV2_PL_TSI, 0, 1, true),
    R(IKEV2_IKE_AUTH, true, IKEV2_PL_TSR, 0, 1, true),
    R(IKEV2_IKE_AUTH, true, IKEV2_PL_CP, 0, 1, true),
    R(IKEV2_IKE_AUTH, true, IKEV2_PL_EAP, 0, 1, true),
    R(IKEV2_IKE_AUTH, true, IKEV2_PL_NOTIFY, 0, M, true),
    R(IKEV2_IKE_AUTH, true, IKEV2_PL_VENDOR, 0, M, true),
};
/* RFC 7296 1.3: HDR, SK {[N(REKEY_SA)], SA, Ni, [KEi], [TSi, TSr]}
 *          <--  HDR, SK {SA, Nr, [KEr], [TSi, TSr]} */
static const Ikev2Rule child_req[] = {
    R(IKEV2_CREATE_CHILD_SA, false, IKEV2_PL_SA, 1, 1, true),
    R(IKEV2_CREATE_CHILD_SA, false, IKEV2_PL_NONCE, 1, 1, true),
    R(IKEV2_CREATE_CHILD_SA, false, IKEV2_PL_KE, 0, 1, true),
    R(IKEV2_CREATE_CHILD_SA, false, IKEV2_PL_TSI, 0, 1, true),
    R(IKEV2_CREATE_CHILD_SA, false, IKEV2_PL_TSR, 0, 1, true),
    R(IKEV2_CREATE_CHILD_SA, false, IKEV2_PL_NOTIFY, 0, M, true),
    R(IKEV2_CREATE_CHILD_SA, false, IKEV2_PL_VENDOR, 0, M, true),
};
static const Ikev2Rule child_resp[] = {
    R(IKEV2_CREATE_CHILD_SA, true, IKEV2_PL_SA, 1, 1, true),
    R(IKEV2_CREATE_CHILD_SA, true, IKEV2_PL_NONCE, 1, 1, true),
    R(IKEV2_CREATE_CHILD_SA, true, IKEV2_PL_KE, 0, 1, true),
    R(IKEV2_CREATE_CHILD_SA, true, IKEV2_PL_TSI, 0, 1, true),
    R(IKEV2_CREATE_CHILD_SA, true, IKEV2_PL_TSR, 0, 1, true),
    R(IKEV2_CREATE_CHILD_SA, true, IKEV2_PL_NOTIFY, 0, M, true),
    R(IKEV2_CREATE_CHILD_SA, true, IKEV2_PL_VENDOR, 0, M, true),
};
/* RFC 7296 1.4: HDR, SK {[N,] [D,] [CP,] ...}  <--  HDR, SK {[N,] [D,] [CP], ...} */
static const Ikev2Rule info_req[] = {
    R(IKEV2_INFORMATIONAL, false, IKEV2_PL_NOTIFY, 0, M, true),
    R(IKEV2_INFORMATIONAL, false, IKEV2_PL_DELETE, 0, M, true),
    R(IKEV2_INFORMATIONAL, false, IKEV2_PL_CP, 0, M, true),
    R(IKEV2_INFORMATIONAL, false, IKEV2_PL_VENDOR, 0, M, true),
};
static const Ikev2Rule info_resp[] = {
    R(IKEV2_INFORMATIONAL, true, IKEV2_PL_NOTIFY, 0, M, true),
    R(IKEV2_INFORMATIONAL, true, IKEV2_PL_DELETE, 0, M, true),
    R(IKEV2_INFORMATIONAL, true, IKEV2_PL_CP, 0, M, true),
    R(IKEV2_INFORMATIONAL, true, IKEV2_PL_VENDOR, 0, M, true),
};

static const struct {
  uint8_t exchange;
  bool response;
  const Ikev2Rule *rows;
  size_t n;
} tables[] = {
    {IKEV2_IKE_SA_INIT, false, sa_init_req, G_N_ELEMENTS(sa_init_req)},
    {IKEV2_IKE_SA_INIT, true, sa_init_resp, G_N_ELEMENTS(sa_init_resp)},
    {IKEV2_IKE_AUTH, false, auth_req, G_N_ELEMENTS(auth_req)},
    {IKEV2_IKE_AUTH, true, auth_resp, G_N_ELEMENTS(auth_resp)},
    {IKEV2_CREATE_CHILD_SA, false, child_req, G_N_ELEMENTS(child_req)},
    {IKEV2_CREATE_CHILD_SA, true, child_resp, G_N_ELEMENTS(child_resp)},
    {IKEV2_INFORMATIONAL, false, info_req, G_N_ELEMENTS(info_req)},
    {IKEV2_INFORMATIONAL, true, info_resp, G_N_ELEMENTS(info_resp)},
};

const Ikev2Rule *ikev2_rules_for(uint8_t exchange, bool response, size_t *n)
{
  for (size_t i = 0; i < G_N_ELEMENTS(tables); i++)
    if (tables[i].exchange == exchange && tables[i].response == response) {
      *n = tables[i].n;
      return tables[i].rows;
    }
  *n = 0;
  return NULL;
}

/* A reader over nothing, for diagnostics that are not about a byte position (a NULL base
 * would make wire_fail's pointer arithmetic undefined). */
static const uint8_t no_bytes[1];

static bool payload_known(uint8_t t)
{
  return name_get(&ikev2_payload_names, t) != NULL && t != IKEV2_PL_NONE;
}

static Ikev2Action verdict(Ikev2Diag *d, WireStatus s, const char *field, uint64_t seen,
                           uint64_t bound, Ikev2Stage stage)
{
  WireReader r = wire_reader(no_bytes, 0);
  wire_fail(&r, s, field, seen, bound);
  ikev2_diag_set(d, &r, stage, false, 0);
  return ikev2_action_for(stage, s, false);
}

Ikev2Action ikev2_rules_check(const Ikev2Message *m, Ikev2Diag *d)
{
  bool response = m->hdr.flags & IKEV2_FLAG_RESPONSE;
  size_t n;
  const Ikev2Rule *rows = ikev2_rules_for(m->hdr.exchange, response, &n);
  if (!rows)
    /* an exchange type we do not know: nothing to answer it with */
    return verdict(d, WIRE_MALFORMED, "exchange type", m->hdr.exchange, 0, IKEV2_STAGE_HEADER);
  /* RFC 7296 2.21: an error notify in a response stands for the payloads the responder
   * could not send (as does a COOKIE in an IKE_SA_INIT response, 2.6). A request has no
   * such excuse: an error notify in it waives nothing, so its handler always finds the
   * payloads the table requires (issue 24: a CREATE_CHILD_SA request carrying only
   * N(NO_PROPOSAL_CHOSEN) reached the responder without its SA payload). */
  bool waive = false;
  for (size_t i = 0; response && i < m->n_payloads; i++) {
    const Ikev2Payload *p = &m->payloads[i];
    if (p->type != IKEV2_PL_NOTIFY)
      continue;
    if (ikev2_notify_is_error(p->u.notify.type) ||
        (m->hdr.exchange == IKEV2_IKE_SA_INIT && p->u.notify.type == IKEV2_N_COOKIE))
      waive = true;
  }
  /* every payload must be allowed here, inside or outside SK as the table says */
  for (size_t i = 0; i < m->n_payloads; i++) {
    const Ikev2Payload *p = &m->payloads[i];
    if (!payload_known(p->type))
      continue; /* RFC 7296 3.2: a non-critical unknown payload is skipped */
    const Ikev2Rule *row = NULL;
    for (size_t j = 0; j < n; j++)
      if (rows[j].payload == p->type)
        row = &rows[j];
    const char *name = name_get(&ikev2_payload_names, p->type);
    if (!row)
      return verdict(d, WIRE_MALFORMED, name, p->type, 0, IKEV2_STAGE_PAYLOAD);
    if (row->encrypted && !p->encrypted)
      /* an unprotected payload where only protected ones belong: not authentic, drop */
      return verdict(d, WIRE_MALFORMED, name, 0, 1, IKEV2_STAGE_INTEGRITY);
  }
  for (size_t j = 0; j < n; j++) {
    size_t count = 0;
    for (size_t i = 0; i < m->n_payloads; i++)
      count += m->payloads[i].type == rows[j].payload;
    const char *name = name_get(&ikev2_payload_names, rows[j].payload);
    if (count > rows[j].max)
      return verdict(d, WIRE_MALFORMED, name, count, rows[j].max, IKEV2_STAGE_PAYLOAD);
    if (count < rows[j].min && !waive)
      return verdict(d, WIRE_MALFORMED, name, count, rows[j].min, IKEV2_STAGE_PAYLOAD);
  }
  /* RFC 7296 1.2/1.3: SA, TSi and TSr of a child SA come together */
  if (m->hdr.exchange == IKEV2_IKE_AUTH && !waive) {
    bool sa = ikev2_message_find(m, IKEV2_PL_SA, 0) != NULL;
    bool tsi = ikev2_message_find(m, IKEV2_PL_TSI, 0) != NULL;
    bool tsr = ikev2_message_find(m, IKEV2_PL_TSR, 0) != NULL;
    if (sa != tsi || sa != tsr)
      return verdict(d, WIRE_MALFORMED, "SA/TSi/TSr", sa + tsi + tsr, 3, IKEV2_STAGE_PAYLOAD);
  }
  WireReader ok = wire_reader(no_bytes, 0);
  ikev2_diag_set(d, &ok, IKEV2_STAGE_PAYLOAD, false, 0);
  return IKEV2_ACT_ACCEPT;
}
