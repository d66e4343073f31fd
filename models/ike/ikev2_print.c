/* SPDX-License-Identifier: MIT */
/* One-line and verbose printers of IKEv2 messages, with IANA names from the name tables
 * and "<n>" for values they do not know. */
#include "models/ike/ikev2_print.h"

#include "models/common/hex.h"

#include <string.h>

static void payload_short(GString *s, const Ikev2Payload *p)
{
  char buf[NAME_BUFSZ];
  switch (p->type) {
  case IKEV2_PL_NOTIFY:
    g_string_append_printf(s, "N(%s)", name_fmt(&ikev2_notify_short_names, p->u.notify.type, buf));
    break;
  case IKEV2_PL_DELETE:
    g_string_append_printf(s, "D(%s)", name_fmt(&ikev2_protocol_names, p->u.del.protocol, buf));
    break;
  case IKEV2_PL_CP:
    g_string_append(s, p->u.cp.cfg_type == IKEV2_CFG_REQUEST  ? "CPRQ"
                       : p->u.cp.cfg_type == IKEV2_CFG_REPLY ? "CPRP"
                       : p->u.cp.cfg_type == IKEV2_CFG_SET   ? "CPS"
                       : p->u.cp.cfg_type == IKEV2_CFG_ACK   ? "CPA"
                                                             : "CP");
    break;
  case IKEV2_PL_SKF:
    g_string_append_printf(s, "SKF(%u/%u)", p->u.sk.frag_num, p->u.sk.frag_total);
    break;
  default: g_string_append(s, name_fmt(&ikev2_payload_short_names, p->type, buf)); break;
  }
}

char *ikev2_print_line(const Ikev2Message *m)
{
  char buf[NAME_BUFSZ];
  GString *s = g_string_new(NULL);
  g_string_append_printf(s, "%s %s #%u [", name_fmt(&ikev2_exchange_names, m->hdr.exchange, buf),
                         m->hdr.flags & IKEV2_FLAG_RESPONSE ? "response" : "request",
                         m->hdr.msg_id);
  for (size_t i = 0; i < m->n_payloads; i++) {
    if (i)
      g_string_append_c(s, ' ');
    payload_short(s, &m->payloads[i]);
  }
  g_string_append_c(s, ']');
  return g_string_free(s, FALSE);
}

static void print_id(GString *s, const Ikev2Id *id)
{
  char buf[NAME_BUFSZ];
  g_string_append_printf(s, "%s ", name_fmt(&ikev2_id_type_names, id->type, buf));
  if (id->type == IKEV2_ID_IPV4_ADDR && id->data.n == 4) {
    char a[IPV4_ADDR_STRLEN];
    Ipv4Addr v = ipv4_addr(id->data.p[0], id->data.p[1], id->data.p[2], id->data.p[3]);
    g_string_append(s, ipv4_addr_format(v, a));
  } else if (id->type == IKEV2_ID_FQDN || id->type == IKEV2_ID_RFC822_ADDR) {
    /* printable ASCII as is, anything else escaped */
    for (size_t i = 0; i < id->data.n; i++) {
      uint8_t c = id->data.p[i];
      if (c >= 0x20 && c < 0x7f && c != '\\')
        g_string_append_c(s, (char)c);
      else
        g_string_append_printf(s, "\\x%02x", c);
    }
  } else {
    g_autofree char *h = hex_dup(id->data.p, id->data.n);
    g_string_append(s, h);
  }
}

static void print_sa(GString *s, const Ikev2Sa *sa)
{
  char b1[NAME_BUFSZ], b2[NAME_BUFSZ];
  for (size_t i = 0; i < sa->n_proposals; i++) {
    const Ikev2Proposal *p = &sa->proposals[i];
    g_string_append_printf(s, "\n    proposal %u %s", p->num,
                           name_fmt(&ikev2_protocol_names, p->protocol, b1));
    if (p->spi_size) {
      g_autofree char *h = hex_dup(p->spi, p->spi_size);
      g_string_append_printf(s, " spi %s", h);
    }
    g_string_append_c(s, ':');
    for (size_t j = 0; j < p->n_transforms; j++) {
      const Ikev2Transform *t = &p->transforms[j];
      const NameTable *ids = ike_transform_id_names(t->type);
      g_string_append_printf(s, " %s=%s", name_fmt(&ike_transform_type_names, t->type, b1),
                             ids ? name_fmt(ids, t->id, b2) : "?");
      if (t->key_length)
        g_string_append_printf(s, "/%u", t->key_length);
      if (t->unknown_attr)
        g_string_append(s, "(+unknown attribute)");
    }
  }
}

static void print_ts(GString *s, const Ikev2Ts *ts)
{
  char a[IPV4_ADDR_STRLEN], b[IPV4_ADDR_STRLEN], t[NAME_BUFSZ];
  for (size_t i = 0; i < ts->n_ts; i++) {
    const Ikev2TrafficSelector *x = &ts->ts[i];
    if (x->type == IKEV2_TS_IPV4_ADDR_RANGE)
      g_string_append_printf(s, "\n    %s-%s", ipv4_addr_format(x->range.first, a),
                             ipv4_addr_format(x->range.last, b));
    else
      g_string_append_printf(s, "\n    %s", name_fmt(&ikev2_ts_type_names, x->type, t));
    g_string_append_printf(s, " proto %u ports %u-%u", x->ip_proto, x->start_port, x->end_port);
  }
}

static void payload_verbose(GString *s, const Ikev2Payload *p)
{
  char b1[NAME_BUFSZ], b2[NAME_BUFSZ];
  g_string_append_printf(s, "  %s%s%s:", name_fmt(&ikev2_payload_names, p->type, b1),
                         p->critical ? " (critical)" : "", p->encrypted ? " (in SK)" : "");
  switch (p->type) {
  case IKEV2_PL_SA: print_sa(s, &p->u.sa); break;
  case IKEV2_PL_KE:
    g_string_append_printf(s, " group %s, %zu octets", name_fmt(&ike_dh_names, p->u.ke.group, b1),
                           p->u.ke.data.n);
    break;
  case IKEV2_PL_IDI:
  case IKEV2_PL_IDR:
    g_string_append_c(s, ' ');
    print_id(s, &p->u.id);
    break;
  case IKEV2_PL_CERT:
  case IKEV2_PL_CERTREQ:
    g_string_append_printf(s, " %s, %zu octets",
                           name_fmt(&ikev2_cert_encoding_names, p->u.cert.encoding, b1),
                           p->u.cert.data.n);
    break;
  case IKEV2_PL_AUTH:
    g_string_append_printf(s, " %s, %zu octets",
                           name_fmt(&ikev2_auth_method_names, p->u.auth.method, b1),
                           p->u.auth.data.n);
    break;
  case IKEV2_PL_NONCE: g_string_append_printf(s, " %zu octets", p->u.nonce.n); break;
  case IKEV2_PL_NOTIFY:
    g_string_append_printf(s, " %s", name_fmt(&ikev2_notify_names, p->u.notify.type, b1));
    if (p->u.notify.spi_size) {
      g_autofree char *h = hex_dup(p->u.notify.spi, p->u.notify.spi_size);
      g_string_append_printf(s, " %s spi %s",
                             name_fmt(&ikev2_protocol_names, p->u.notify.protocol, b2), h);
    }
    if (p->u.notify.data.n)
      g_string_append_printf(s, ", %zu octets of data", p->u.notify.data.n);
    break;
  case IKEV2_PL_DELETE:
    g_string_append_printf(s, " %s, %u SPIs", name_fmt(&ikev2_protocol_names, p->u.del.protocol, b1),
                           p->u.del.n_spis);
    if (p->u.del.spis.n) {
      g_autofree char *h = hex_dup(p->u.del.spis.p, p->u.del.spis.n);
      g_string_append_printf(s, " %s", h);
    }
    break;
  case IKEV2_PL_VENDOR: g_string_append_printf(s, " %zu octets", p->u.vendor.n); break;
  case IKEV2_PL_TSI:
  case IKEV2_PL_TSR: print_ts(s, &p->u.ts); break;
  case IKEV2_PL_CP:
    g_string_append_printf(s, " %s", name_fmt(&ikev2_cfg_type_names, p->u.cp.cfg_type, b1));
    for (size_t i = 0; i < p->u.cp.n_attrs; i++)
      g_string_append_printf(s, "\n    %s, %zu octets",
                             name_fmt(&ikev2_cfg_attr_names, p->u.cp.attrs[i].type, b1),
                             p->u.cp.attrs[i].value.n);
    break;
  case IKEV2_PL_EAP: g_string_append_printf(s, " %zu octets", p->u.eap.n); break;
  case IKEV2_PL_SK:
    g_string_append_printf(s, " first inner %s, %zu octets",
                           name_fmt(&ikev2_payload_names, p->u.sk.inner_next, b1), p->u.sk.data.n);
    break;
  case IKEV2_PL_SKF:
    g_string_append_printf(s, " fragment %u of %u, first inner %s, %zu octets", p->u.sk.frag_num,
                           p->u.sk.frag_total,
                           name_fmt(&ikev2_payload_names, p->u.sk.inner_next, b1), p->u.sk.data.n);
    break;
  default: g_string_append_printf(s, " %zu octets (not understood, skipped)", p->u.unknown.n); break;
  }
  g_string_append_c(s, '\n');
}

char *ikev2_print_verbose(const Ikev2Message *m)
{
  char buf[NAME_BUFSZ];
  GString *s = g_string_new(NULL);
  g_string_append_printf(s,
                         "%s %s #%u\n  SPIi %016" G_GINT64_MODIFIER "x SPIr %016" G_GINT64_MODIFIER
                         "x version %u.%u flags%s%s%s\n",
                         name_fmt(&ikev2_exchange_names, m->hdr.exchange, buf),
                         m->hdr.flags & IKEV2_FLAG_RESPONSE ? "response" : "request",
                         m->hdr.msg_id, m->hdr.spi_i, m->hdr.spi_r,
                         m->hdr.major ? m->hdr.major : IKEV2_MAJOR_VERSION, m->hdr.minor,
                         m->hdr.flags & IKEV2_FLAG_INITIATOR ? " I" : "",
                         m->hdr.flags & IKEV2_FLAG_RESPONSE ? " R" : "",
                         m->hdr.flags & IKEV2_FLAG_VERSION ? " V" : "");
  for (size_t i = 0; i < m->n_payloads; i++)
    payload_verbose(s, &m->payloads[i]);
  return g_string_free(s, FALSE);
}
