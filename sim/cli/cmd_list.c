/* SPDX-License-Identifier: MIT */
/* vpnsim list: print a catalogue (SKUs, policies, configuration rules, conformance checks)
 * as a text table or JSON (rules and checks also as Markdown for docs/rules.md and
 * docs/conformance.md). */
#include "models/gateway/gw_policy.h"
#include "models/gateway/gw_rules.h"
#include "models/gateway/gw_sku.h"
#include "sim/cli/cli.h"

#include <stdio.h>
#include <string.h>

/* ---- small JSON writer (strings escaped per RFC 8259 7) ---- */

static void json_str(GString *o, const char *s)
{
  g_string_append_c(o, '"');
  for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
    if (*p == '"' || *p == '\\')
      g_string_append_printf(o, "\\%c", *p);
    else if (*p < 0x20)
      g_string_append_printf(o, "\\u%04x", *p);
    else
      g_string_append_c(o, (char)*p);
  }
  g_string_append_c(o, '"');
}

static void json_key(GString *o, const char *k)
{
  json_str(o, k);
  g_string_append_c(o, ':');
}

static const char *gen_name(GwGeneration g)
{
  char buf[NAME_BUFSZ];
  const char *n = name_get(&gw_generation_names, g);
  return n ? n : (name_fmt(&gw_generation_names, g, buf), "?");
}

/* "650 Mbps", "1.25 Gbps", "-" for 0 (not documented). */
static char *rate_str(uint64_t bps, char *buf, size_t n)
{
  if (!bps)
    g_strlcpy(buf, "-", n);
  else if (bps >= 1000000000u)
    g_snprintf(buf, n, "%g Gbps", (double)bps / 1e9);
  else
    g_snprintf(buf, n, "%g Mbps", (double)bps / 1e6);
  return buf;
}

static char *features_str(unsigned f)
{
  GString *s = g_string_new(NULL);
  for (size_t i = 0; i < gw_sku_feature_names.n; i++)
    if (f & (unsigned)gw_sku_feature_names.entries[i].value)
      g_string_append_printf(s, "%s%s", s->len ? "," : "", gw_sku_feature_names.entries[i].name);
  return g_string_free(s, FALSE);
}

static int list_skus(bool json)
{
  if (json) {
    g_autoptr(GString) o = g_string_new("[");
    for (size_t i = 0; i < gw_n_skus; i++) {
      const GwSku *s = &gw_skus[i];
      g_string_append(o, i ? ",\n{" : "\n{");
      json_key(o, "name"), json_str(o, s->name);
      g_string_append_c(o, ','), json_key(o, "generation"), json_str(o, gen_name(s->generation));
      g_string_append_c(o, ','), json_key(o, "class");
      json_str(o, name_get(&gw_sku_class_names, s->sku_class));
      g_string_append_printf(o, ",\"s2sTunnels\":%u,\"policyBasedTunnels\":%u,\"p2sSstp\":%u,"
                             "\"p2sIkev2OpenVpn\":%u,\"aggregateBps\":%" G_GUINT64_FORMAT
                             ",\"supportedVms\":%u,\"tunnelBps\":{",
                             s->s2s_tunnels, s->pb_tunnels, s->p2s_sstp, s->p2s_ikev2_openvpn,
                             s->aggregate_bps, s->supported_vms);
      for (int a = 0; a < EP_ALGSET_N; a++)
        g_string_append_printf(o, "%s\"%s\":%" G_GUINT64_FORMAT, a ? "," : "",
                               name_get(&ep_algset_names, a), s->tunnel_bps[a]);
      g_string_append(o, "},\"tunnelPps\":{");
      for (int a = 0; a < EP_ALGSET_N; a++)
        g_string_append_printf(o, "%s\"%s\":%u", a ? "," : "", name_get(&ep_algset_names, a),
                               s->tunnel_pps[a]);
      g_string_append(o, "},\"features\":[");
      bool first = true;
      for (size_t f = 0; f < gw_sku_feature_names.n; f++)
        if (s->features & (unsigned)gw_sku_feature_names.entries[f].value) {
          g_string_append(o, first ? "" : ",");
          json_str(o, gw_sku_feature_names.entries[f].name);
          first = false;
        }
      g_string_append(o, "],");
      json_key(o, "source"), json_str(o, s->source);
      g_string_append_c(o, '}');
    }
    g_string_append(o, "\n]\n");
    fputs(o->str, stdout);
    return VS_EXIT_PASS;
  }
  printf("%-16s %-11s %-7s %7s %3s %5s %6s %10s %-30s %-22s %5s  %s\n", "SKU", "Generation",
         "Class", "Tunnels", "PB", "SSTP", "IKEv2", "Aggregate",
         "Per tunnel GCM/AES+SHA/3DES", "pps GCM/AES+SHA/3DES", "VMs", "Features");
  for (size_t i = 0; i < gw_n_skus; i++) {
    const GwSku *s = &gw_skus[i];
    char agg[32], t[3][32], pps[64], vms[16];
    for (int a = 0; a < EP_ALGSET_N; a++)
      rate_str(s->tunnel_bps[a], t[a], sizeof t[a]);
    g_autofree char *per = g_strdup_printf("%s/%s/%s", t[0], t[1], t[2]);
    if (s->tunnel_pps[0])
      g_snprintf(pps, sizeof pps, "%u/%u/%u", s->tunnel_pps[0], s->tunnel_pps[1],
                 s->tunnel_pps[2]);
    else
      g_strlcpy(pps, "-", sizeof pps);
    if (s->supported_vms)
      g_snprintf(vms, sizeof vms, "%u", s->supported_vms);
    else
      g_strlcpy(vms, "-", sizeof vms);
    g_autofree char *feat = features_str(s->features);
    printf("%-16s %-11s %-7s %7u %3u %5u %6u %10s %-30s %-22s %5s  %s\n", s->name,
           gen_name(s->generation), name_get(&gw_sku_class_names, s->sku_class), s->s2s_tunnels,
           s->pb_tunnels, s->p2s_sstp, s->p2s_ikev2_openvpn,
           rate_str(s->aggregate_bps, agg, sizeof agg), per, pps, vms, feat);
  }
  printf("\nSources: azure-vpn-facts.md 1.1-1.4. PB: tunnels as a policy-based gateway. "
         "'-': not documented.\n");
  return VS_EXIT_PASS;
}

static const char *flags_str(unsigned f)
{
  if (f & GW_VOCAB_CURRENT)
    return "current";
  if (f & GW_VOCAB_OLDER)
    return (f & GW_VOCAB_DEFAULT) ? "older, default proposals" : "older";
  return "default proposals only";
}

static void transform_str(const GwTransform *t, char *buf, size_t n)
{
  char b[NAME_BUFSZ];
  const NameTable *names = ike_transform_id_names(t->type);
  const char *id = names ? name_fmt(names, t->id, b) : "?";
  if (t->key_bits)
    g_snprintf(buf, n, "%s %u (%u bits)", id, t->id, t->key_bits);
  else
    g_snprintf(buf, n, "%s %u", id, t->id);
}

/* A row of three named values: a JSON object, or three text columns. */
static void row3(GString *o, bool json, const char *const key[3], const char *const v[3])
{
  if (json) {
    for (int j = 0; j < 3; j++) {
      g_string_append_printf(o, "%s\"%s\":", j ? "," : "{", key[j]);
      json_str(o, v[j]);
    }
    g_string_append_c(o, '}');
  } else {
    g_string_append_printf(o, "%-10s %-10s %s", v[0], v[1], v[2]);
  }
}

static void esp_row(const GwEspProposal *p, GString *o, bool json)
{
  static const char *const key[3] = {"ipsecEncryption", "ipsecIntegrity", "pfsGroup"};
  const char *const v[3] = {gw_policy_value_name(GW_FIELD_IPSEC_ENCRYPTION, p->enc),
                            gw_policy_value_name(GW_FIELD_IPSEC_INTEGRITY, p->integ),
                            gw_policy_value_name(GW_FIELD_PFS_GROUP, p->pfs)};
  row3(o, json, key, v);
}

static void ike_row(const GwIkeProposal *p, GString *o, bool json)
{
  static const char *const key[3] = {"ikeEncryption", "ikeIntegrity", "dhGroup"};
  const char *const v[3] = {gw_policy_value_name(GW_FIELD_IKE_ENCRYPTION, p->enc),
                            gw_policy_value_name(GW_FIELD_IKE_INTEGRITY, p->integ),
                            gw_policy_value_name(GW_FIELD_DH_GROUP, p->dh)};
  row3(o, json, key, v);
}

static int list_policies(bool json)
{
  g_autoptr(GString) o = g_string_new(NULL);
  if (json) {
    g_string_append(o, "{\"customPolicyFields\":[");
    for (int f = 0; f < GW_FIELD_N; f++) {
      const GwPolicyField *fd = &gw_policy_fields[f];
      g_string_append(o, f ? ",\n{" : "\n{");
      json_key(o, "field"), json_str(o, fd->field);
      g_string_append_c(o, ','), json_key(o, "powershell"), json_str(o, fd->ps_name);
      g_string_append_c(o, ','), json_key(o, "source"), json_str(o, fd->source);
      g_string_append(o, ",\"values\":[");
      for (size_t v = 0; v < fd->n; v++) {
        const GwPolicyValue *pv = &fd->values[v];
        g_string_append(o, v ? "," : "");
        g_string_append(o, "{\"name\":"), json_str(o, pv->name);
        g_string_append(o, ",\"transformType\":");
        json_str(o, name_get(&ike_transform_type_names, pv->iana.type));
        g_string_append_printf(o, ",\"ianaId\":%u,\"keyBits\":%u,\"status\":", pv->iana.id,
                               pv->iana.key_bits);
        json_str(o, flags_str(pv->flags));
        if (pv->note)
          g_string_append(o, ",\"note\":"), json_str(o, pv->note);
        g_string_append_c(o, '}');
      }
      g_string_append(o, "]}");
    }
    g_string_append(o, "],\n\"defaultProposals\":[");
    for (size_t l = 0; l < gw_n_default_proposals; l++) {
      const GwProposalList *pl = &gw_default_proposals[l];
      g_string_append(o, l ? ",\n{" : "\n{");
      json_key(o, "id"), json_str(o, pl->id);
      g_string_append_c(o, ','), json_key(o, "title"), json_str(o, pl->title);
      g_string_append_c(o, ','), json_key(o, "source"), json_str(o, pl->source);
      g_string_append(o, ",\"proposals\":[");
      for (size_t i = 0; i < pl->n; i++) {
        g_string_append(o, i ? "," : "");
        if (pl->ike)
          ike_row(&pl->ike[i], o, true);
        else
          esp_row(&pl->esp[i], o, true);
      }
      g_string_append(o, "]}");
    }
    g_string_append(o, "],\n\"defaults\":[");
    for (size_t i = 0; i < gw_n_policy_defaults; i++) {
      const GwPolicyDefault *d = &gw_policy_defaults[i];
      g_string_append(o, i ? ",\n{" : "\n{");
      json_key(o, "id"), json_str(o, d->id);
      g_string_append_c(o, ','), json_key(o, "title"), json_str(o, d->title);
      g_string_append_printf(o, ",\"value\":%" G_GINT64_FORMAT ",", d->value);
      json_key(o, "unit"), json_str(o, d->unit);
      g_string_append_c(o, ','), json_key(o, "source"), json_str(o, d->source);
      g_string_append_c(o, '}');
    }
    g_string_append(o, "]}\n");
    fputs(o->str, stdout);
    return VS_EXIT_PASS;
  }
  g_string_append(o, "Custom IPsec/IKE policy values (azure-vpn-facts.md 3.1, 3.2)\n\n");
  g_string_append_printf(o, "%-16s %-12s %-36s %s\n", "Field", "Value", "IANA transform",
                         "Status");
  for (int f = 0; f < GW_FIELD_N; f++) {
    const GwPolicyField *fd = &gw_policy_fields[f];
    for (size_t v = 0; v < fd->n; v++) {
      char t[64];
      transform_str(&fd->values[v].iana, t, sizeof t);
      g_string_append_printf(o, "%-16s %-12s %-36s %s%s%s\n", v ? "" : fd->field,
                             fd->values[v].name, t, flags_str(fd->values[v].flags),
                             fd->values[v].note ? "; " : "",
                             fd->values[v].note ? fd->values[v].note : "");
    }
  }
  for (size_t l = 0; l < gw_n_default_proposals; l++) {
    const GwProposalList *pl = &gw_default_proposals[l];
    g_string_append_printf(o, "\n%s (%s, %s)\n", pl->title, pl->id, pl->source);
    g_string_append_printf(o, "  %3s %-10s %-10s %s\n", "#", "Encryption",
                           pl->ike ? "Integrity" : "Integrity", pl->ike ? "DH group" : "PFS group");
    for (size_t i = 0; i < pl->n; i++) {
      g_string_append_printf(o, "  %3zu ", i + 1);
      if (pl->ike)
        ike_row(&pl->ike[i], o, false);
      else
        esp_row(&pl->esp[i], o, false);
      g_string_append_c(o, '\n');
    }
  }
  g_string_append(o, "\nDefaults and limits\n");
  for (size_t i = 0; i < gw_n_policy_defaults; i++)
    g_string_append_printf(o, "  %-26s %10" G_GINT64_FORMAT " %-4s %s (%s)\n",
                           gw_policy_defaults[i].id, gw_policy_defaults[i].value,
                           gw_policy_defaults[i].unit, gw_policy_defaults[i].title,
                           gw_policy_defaults[i].source);
  fputs(o->str, stdout);
  return VS_EXIT_PASS;
}

static int list_rules(const char *format)
{
  if (!strcmp(format, "markdown")) {
    g_autofree char *md = gw_rules_markdown();
    fputs(md, stdout);
    return VS_EXIT_PASS;
  }
  if (!strcmp(format, "json")) {
    g_autoptr(GString) o = g_string_new("[");
    for (size_t i = 0; i < gw_n_rules; i++) {
      const GwRule *r = &gw_rules[i];
      g_string_append(o, i ? ",\n{" : "\n{");
      json_key(o, "id"), json_str(o, r->id);
      g_string_append_c(o, ','), json_key(o, "severity"), json_str(o, gw_severity_name(r->severity));
      g_string_append_c(o, ','), json_key(o, "statement"), json_str(o, r->statement);
      g_string_append_c(o, ','), json_key(o, "source"), json_str(o, r->source);
      if (r->option >= 0)
        g_string_append_c(o, ','), json_key(o, "option"), json_str(o, gw_options[r->option].key);
      g_string_append_c(o, '}');
    }
    g_string_append(o, "\n]\n");
    fputs(o->str, stdout);
    return VS_EXIT_PASS;
  }
  for (size_t i = 0; i < gw_n_rules; i++)
    printf("%-11s %-7s %s [%s]\n", gw_rules[i].id, gw_severity_name(gw_rules[i].severity),
           gw_rules[i].statement, gw_rules[i].source);
  return VS_EXIT_PASS;
}

int cmd_list(int argc, char **argv)
{
  g_autofree char *format = NULL;
  GOptionEntry entries[] = {
      {"format", 'f', 0, G_OPTION_ARG_STRING, &format, "text|json (rules, checks also: markdown)", "F"},
      G_OPTION_ENTRY_NULL,
  };
  g_autoptr(GOptionContext) ctx =
      g_option_context_new("skus|policies|rules|checks - print a catalogue");
  g_option_context_add_main_entries(ctx, entries, NULL);
  if (!cli_parse("list", ctx, &argc, &argv))
    return VS_EXIT_INVALID;
  static const char *const formats[] = {"text", "json", "markdown", NULL};
  if (format && !cli_check_format("list", format, formats))
    return VS_EXIT_INVALID;
  if (argc != 2)
    return cli_usage_error("list", "say which catalogue: skus, policies, rules or checks");
  const char *what = argv[1];
  const char *fmt = format ? format : "text";
  if (!strcmp(fmt, "markdown") && strcmp(what, "rules") != 0 && strcmp(what, "checks") != 0)
    return cli_usage_error("list", "--format markdown is for 'list rules' and 'list checks' only");
  if (!strcmp(what, "skus"))
    return list_skus(!strcmp(fmt, "json"));
  if (!strcmp(what, "policies"))
    return list_policies(!strcmp(fmt, "json"));
  if (!strcmp(what, "rules"))
    return list_rules(fmt);
  if (!strcmp(what, "checks")) {
    g_autofree char *text = cli_checks_text(fmt);
    fputs(text, stdout);
    return VS_EXIT_PASS;
  }
  static const char *const cats[] = {"skus", "policies", "rules", "checks"};
  const char *hint = str_nearest(what, cats, G_N_ELEMENTS(cats));
  if (hint)
    return cli_usage_error("list", "unknown catalogue '%s' (did you mean '%s'?)", what, hint);
  return cli_usage_error("list", "unknown catalogue '%s' (skus, policies, rules or checks)", what);
}
