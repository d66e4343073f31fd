/* SPDX-License-Identifier: MIT */
/* On-premises device configuration: generic defaults, consistency checks, name tables. */
#include "models/device/dev_config.h"

#include <glib.h>
#include <string.h>

NAME_TABLE(dev_id_type_names, "identity type", {DEV_ID_IPV4_ADDR, "ipv4"}, {DEV_ID_FQDN, "fqdn"},
           {DEV_ID_RFC822_ADDR, "email"}, {DEV_ID_KEY_ID, "keyid"});
NAME_TABLE(dev_ts_mode_names, "traffic selector mode", {DEV_TS_ANY, "any"},
           {DEV_TS_PREFIXES, "prefixes"});
NAME_TABLE(dev_dpd_action_names, "DPD action", {DEV_DPD_CLEAR, "clear"}, {DEV_DPD_HOLD, "hold"},
           {DEV_DPD_RESTART, "restart"});
NAME_TABLE(dev_start_action_names, "start action", {DEV_START_INITIATE, "initiate"},
           {DEV_START_RESPOND, "respond"}, {DEV_START_ON_TRAFFIC, "on-traffic"});

void dev_config_init(DevConfig *cfg)
{
  memset(cfg, 0, sizeof *cfg);
  cfg->ike_version = 2;
  cfg->ike_lifetime_s = 8 * 3600;
  cfg->ike_rekey_margin_s = 9 * 60;
  cfg->child_lifetime_s = 3600;
  cfg->child_rekey_margin_s = 9 * 60;
  cfg->rekey_fuzz_percent = 100;
  cfg->ts_mode = DEV_TS_ANY;
  cfg->dpd_action = DEV_DPD_RESTART;
  cfg->start_action = DEV_START_RESPOND;
  cfg->nat_traversal = true;
  cfg->nat_keepalive_s = 20;
}

bool dev_encr_is_aead(uint16_t id)
{
  switch (id) {
  case ENCR_AES_CCM_8:
  case ENCR_AES_CCM_12:
  case ENCR_AES_CCM_16:
  case ENCR_AES_GCM_8:
  case ENCR_AES_GCM_12:
  case ENCR_AES_GCM_16:
  case ENCR_NULL_AUTH_AES_GMAC:
  case ENCR_CHACHA20_POLY1305:
    return true;
  default:
    return false;
  }
}

typedef struct {
  DevProblem *out;
  size_t max, n;
} Problems;

static void problem(Problems *p, const char *field, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
static void problem(Problems *p, const char *field, const char *fmt, ...)
{
  if (p->n < p->max) {
    DevProblem *d = &p->out[p->n];
    d->field = field;
    va_list ap;
    va_start(ap, fmt);
    g_vsnprintf(d->message, sizeof d->message, fmt, ap);
    va_end(ap);
  }
  p->n++;
}

static void check_proposal(Problems *p, const DevProposal *pr, unsigned i, bool ike)
{
  const char *field = ike ? "ikeProposals" : "espProposals";
  unsigned n_aead = 0;
  for (unsigned j = 0; j < pr->n_encr; j++)
    n_aead += dev_encr_is_aead(pr->encr[j].id);
  if (pr->n_encr == 0)
    problem(p, field, "proposal %u has no encryption algorithm", i + 1);
  /* RFC 7296 3.3: combined-mode (AEAD) ciphers and classic ones are not mixed in one
   * proposal, and a proposal with an AEAD cipher carries no integrity transform */
  if (n_aead && n_aead != pr->n_encr)
    problem(p, field, "proposal %u mixes AEAD and non-AEAD ciphers (RFC 7296 3.3)", i + 1);
  if (n_aead && pr->n_integ)
    problem(p, field, "proposal %u has an AEAD cipher and an integrity algorithm (RFC 7296 3.3)",
            i + 1);
  if (pr->n_encr && !n_aead && pr->n_integ == 0)
    problem(p, field, "proposal %u has no integrity algorithm", i + 1);
  if (ike && pr->n_prf == 0)
    problem(p, field, "proposal %u has no PRF (RFC 7296 3.3.3: mandatory for IKE)", i + 1);
  if (ike && pr->n_dh == 0)
    problem(p, field, "proposal %u has no Diffie-Hellman group (RFC 7296 3.3.3)", i + 1);
  if (!ike && pr->n_prf)
    problem(p, field, "proposal %u has a PRF, which ESP does not negotiate", i + 1);
  if (ike && pr->n_esn)
    problem(p, field, "proposal %u has an ESN transform, which IKE does not negotiate", i + 1);
}

size_t dev_config_check(const DevConfig *cfg, DevProblem *out, size_t max)
{
  Problems p = {out, max, 0};
  if (cfg->ike_version != 1 && cfg->ike_version != 2)
    problem(&p, "ikeVersion", "IKE version %u is not 1 or 2", cfg->ike_version);
  if (cfg->n_ike_proposals == 0)
    problem(&p, "ikeProposals", "no IKE proposals (give a profile or ikeProposals)");
  if (cfg->n_esp_proposals == 0)
    problem(&p, "espProposals", "no ESP proposals (give a profile or espProposals)");
  for (unsigned i = 0; i < cfg->n_ike_proposals; i++)
    check_proposal(&p, &cfg->ike_proposals[i], i, true);
  for (unsigned i = 0; i < cfg->n_esp_proposals; i++)
    check_proposal(&p, &cfg->esp_proposals[i], i, false);
  if (cfg->ike_lifetime_s == 0)
    problem(&p, "ikeLifetime", "the IKE SA lifetime is zero");
  else if (cfg->ike_rekey_margin_s >= cfg->ike_lifetime_s)
    problem(&p, "ikeRekeyMargin", "the IKE rekey margin (%us) is not below the lifetime (%us)",
            cfg->ike_rekey_margin_s, cfg->ike_lifetime_s);
  if (cfg->child_lifetime_s == 0)
    problem(&p, "childLifetime", "the child SA lifetime is zero");
  else if (cfg->child_rekey_margin_s >= cfg->child_lifetime_s)
    problem(&p, "childRekeyMargin",
            "the child rekey margin (%us) is not below the lifetime (%us)",
            cfg->child_rekey_margin_s, cfg->child_lifetime_s);
  if (cfg->rekey_fuzz_percent > 100)
    problem(&p, "rekeyFuzz", "rekey fuzz %u%% is above 100%%", cfg->rekey_fuzz_percent);
  if (cfg->dpd_interval_s && cfg->dpd_timeout_s && cfg->dpd_timeout_s <= cfg->dpd_interval_s)
    problem(&p, "dpd", "the DPD timeout (%us) is not above the interval (%us)",
            cfg->dpd_timeout_s, cfg->dpd_interval_s);
  if (cfg->ts_mode == DEV_TS_PREFIXES && (cfg->n_ts_local == 0 || cfg->n_ts_remote == 0))
    problem(&p, "trafficSelectors", "prefix traffic selectors need local and remote prefixes");
  if ((cfg->local_id.type != DEV_ID_DEFAULT && !(cfg->local_id.value && *cfg->local_id.value)))
    problem(&p, "localId", "the local identity has a type and no value");
  if ((cfg->remote_id.type != DEV_ID_DEFAULT && !(cfg->remote_id.value && *cfg->remote_id.value)))
    problem(&p, "remoteId", "the remote identity has a type and no value");
  return p.n;
}
