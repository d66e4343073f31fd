/* SPDX-License-Identifier: MIT */
/* The `impair:` list of a gateway connection, a device or the faults section: the loader
 * side of models/endpoint/ep_impair.h (docs/scenario-format.md, "Impairments"). */
#pragma once

#include "models/endpoint/ep_impair.h"
#include "sim/scenario/yaccess.h"

/* The keys of one item (for ya_keys and vpnsim schema). */
extern const char *const scn_impair_keys[];
/* Appends the items of the sequence n to out (at most EP_IMPAIR_MAX in all), reporting
 * each problem at its node with the context's ID. */
void scn_impair_load(YaCtx *a, const YtNode *n, EpImpairSet *out);
