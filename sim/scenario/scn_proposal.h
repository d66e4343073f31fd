/* SPDX-License-Identifier: MIT */
/* Algorithm proposals as users write them in scenarios and device profiles, in the
 * strongSwan keyword syntax ("aes256-sha256-modp2048", "aes256gcm16-prfsha384-ecp384"),
 * read into IANA transform IDs (models/device/dev_config.h). */
#pragma once

#include "models/device/dev_config.h"

#include <glib.h>

#include <stdbool.h>
#include <stddef.h>

/* Parse one proposal for IKE (ike true) or ESP. Keywords are separated by '-'; several of
 * one kind list alternatives in preference order. For IKE without an explicit prf*
 * keyword, each integrity keyword also gives its PRF (strongSwan's rule). For ESP without
 * esn/noesn, ESN is off. On failure false with the offending keyword and why in *error
 * (SCN_ERROR_INVALID). */
bool scn_proposal_parse(const char *text, bool ike, DevProposal *out, GError **error);

/* The keyword nearest to an unknown one, or NULL (for "did you mean"). */
const char *scn_proposal_nearest(const char *keyword);

/* Format a proposal in the same syntax (for --dry-run and reports). g_free the result. */
char *scn_proposal_format(const DevProposal *p, bool ike);
