/* SPDX-License-Identifier: MIT */
/* INFORMATIONAL exchanges as tasks (RFC 7296 1.4): Delete of child SAs and of the IKE
 * SA (1.4.1), and the empty request of a liveness check (2.4, dead peer detection). */
#include "models/ike/ikev2_sa_private.h"

#include <string.h>

static bool build_delete(IkeSa *sa, Ikev2Task *t, Ikev2Message *req)
{
  Ikev2Payload *p = ikev2_message_add(req, IKEV2_PL_DELETE);
  if (t->kind == TASK_IKE_DELETE) {
    /* RFC 7296 3.11: deleting the IKE SA: protocol IKE, no SPIs */
    p->u.del.protocol = IKEV2_PROTO_IKE;
    ike_sa_set_state(sa, IKE_SA_DELETING, "delete");
    return true;
  }
  IkeChild *ch = t->gone ? NULL : ike_child_find(sa, t->target);
  if (!t->gone &&
      (!ch || ch->state == IKE_CHILD_DELETING || ch->state == IKE_CHILD_DELETED)) {
    ikev2_payload_clear(p);
    return false;
  }
  /* RFC 7296 1.4.1: the SPI of the inbound SA, i.e. what the peer sends with */
  p->u.del.protocol = IKEV2_PROTO_ESP;
  p->u.del.spi_size = 4;
  p->u.del.n_spis = 1;
  uint8_t spi[4];
  wire_store_be32(spi, t->target);
  ikev2_data_set(&p->u.del.spis, spi, 4);
  if (ch)
    ike_child_set_state(sa, ch, IKE_CHILD_DELETING, "delete");
  return true;
}

static void process_delete(IkeSa *sa, Ikev2Task *t, const Ikev2Message *resp)
{
  (void)resp;
  if (t->kind == TASK_IKE_DELETE) {
    ike_sa_set_state(sa, IKE_SA_DELETED, "delete acknowledged");
    return;
  }
  IkeChild *ch = ike_child_find(sa, t->target);
  if (ch)
    ike_child_remove(sa, ch, "delete acknowledged");
}

const Ikev2TaskOps ike_task_delete_ops = {.name = "delete",
                                          .exchange = IKEV2_INFORMATIONAL,
                                          .build_i = build_delete,
                                          .process_i = process_delete};

static bool build_dpd(IkeSa *sa, Ikev2Task *t, Ikev2Message *req)
{
  /* RFC 7296 2.4: an empty INFORMATIONAL request is the liveness check */
  (void)t, (void)req;
  return sa->state == IKE_SA_ESTABLISHED;
}

static void process_dpd(IkeSa *sa, Ikev2Task *t, const Ikev2Message *resp)
{
  (void)t, (void)resp;
  /* the peer answered: the next check after another quiet interval */
  if (sa->conn->cfg.dpd_interval_s)
    sa->dpd_at = ike_now(sa) + (int64_t)sa->conn->cfg.dpd_interval_s * NS_PER_S;
}

const Ikev2TaskOps ike_task_dpd_ops = {
    .name = "dpd", .exchange = IKEV2_INFORMATIONAL, .build_i = build_dpd, .process_i = process_dpd};

void ike_info_respond(IkeSa *sa, const Ikev2Message *req, Ikev2Message *resp)
{
  Ikev2Payload *out = NULL;
  for (size_t i = 0; i < req->n_payloads; i++) {
    const Ikev2Payload *p = &req->payloads[i];
    if (p->type != IKEV2_PL_DELETE)
      continue;
    const Ikev2Delete *d = &p->u.del;
    if (d->protocol == IKEV2_PROTO_IKE) {
      /* RFC 7296 1.4.1: the IKE SA and all its children go; the answer is empty */
      ike_sa_set_state(sa, IKE_SA_DELETED, "deleted by peer");
      return;
    }
    if (d->protocol != IKEV2_PROTO_ESP || d->spi_size != 4)
      continue;
    for (size_t k = 0; k < d->n_spis && (k + 1) * 4 <= d->spis.n; k++) {
      uint32_t spi = wire_load_be32(d->spis.p + 4 * k);
      IkeChild *ch = ike_child_find_out(sa, spi);
      if (!ch)
        continue;
      /* answer with our inbound SPI of the pair, unless we are deleting it ourselves
       * (RFC 7296 1.4.1: simultaneous deletes) */
      if (ch->state != IKE_CHILD_DELETING) {
        if (!out) {
          out = ikev2_message_add(resp, IKEV2_PL_DELETE);
          out->u.del.protocol = IKEV2_PROTO_ESP;
          out->u.del.spi_size = 4;
        }
        uint8_t b[4 * 64];
        size_t n = out->u.del.spis.n;
        if (n + 4 <= sizeof b) {
          if (n)
            memcpy(b, out->u.del.spis.p, n);
          wire_store_be32(b + n, ch->spi_in);
          ikev2_data_set(&out->u.del.spis, b, n + 4);
          out->u.del.n_spis++;
        }
      }
      ike_child_remove(sa, ch, "deleted by peer");
    }
  }
}
