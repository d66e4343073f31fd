/* SPDX-License-Identifier: MIT */
/* The loader of a scenario's cloud: and options: sections into the gateway resource model
 * (models/gateway/gw_config.h), with every value located for diagnostics. */
#pragma once

#include "models/common/diag.h"
#include "models/gateway/gw_config.h"
#include "models/gateway/gw_rules.h"
#include "sim/scenario/yaccess.h"
#include "sim/scenario/ytree.h"

/* Read doc's top-level "cloud" and "options" mappings into a new model. Problems of shape
 * (unknown keys with a "did you mean" hint, wrong kinds, misspelt enum values, bad
 * addresses and prefixes, capacities) are appended to diags as GW-SCN-001 errors; what
 * could be read is still returned, never NULL. The model borrows strings and the file name
 * from doc: free it (gw_config_free) before doc. Other top-level sections are ignored. */
GwConfig *scn_cloud_load(const YtDoc *doc, VsDiags *diags);

/* One ipsecPolicies entry (a mapping with the cloud's property names), for the timeline's
 * policy changes. Problems go to diags as GW-SCN-001; returns true when there were none. */
bool scn_cloud_load_policy(const YtDoc *doc, const YtNode *map, GwIpsecPolicy *out,
                           VsDiags *diags);

/* Load and judge: the loader's problems plus every configuration rule, sorted by
 * location. Returns the number of errors. */
size_t scn_cloud_validate(const YtDoc *doc, VsDiags *diags);

/* The key tables of the cloud section (paths from "cloud"), the arrays the loader checks
 * keys with; the options: section's keys are gw_options (gw_rules.h). */
extern const YaKeyTable scn_cloud_key_tables[];
