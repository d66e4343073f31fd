/* SPDX-License-Identifier: MIT */
/* The located accessors both loaders read the YAML tree through (the scenario, with its
 * profiles, and the cloud section): kinds, keys, scalars, numbers, names, addresses and
 * units, each reporting a typed finding at the node when the value does not fit. */
#pragma once

#include "models/common/diag.h"
#include "models/common/ipv4.h"
#include "models/common/names.h"
#include "sim/scenario/ytree.h"

#include <stdbool.h>
#include <stdint.h>

/* What a loader is reading and where its findings go. */
typedef struct {
  const YtDoc *doc; /* the document being read: findings are located in it */
  const char *id;   /* the ID of shape problems: SCN-FMT-001, GW-SCN-001 */
  VsDiags *diags;
} YaCtx;

/* The keys a mapping may have at a place of a file, the same array the loader checks them
 * with (ya_keys), for tools that describe the format (vpnsim schema). path: the mapping's
 * place, keys joined by '.', "[]" for the items of a sequence ("onPremises.devices[]",
 * "" for the top level). A table of them ends with a row whose path is NULL. */
typedef struct {
  const char *path;
  const char *const *keys;
  const char *description;
} YaKeyTable;

/* Where a node is (line 1, column 1 for NULL). */
VsLoc ya_loc(const YaCtx *a, const YtNode *n);
/* An error with that ID at the node. */
void ya_report(YaCtx *a, const char *id, const YtNode *n, const char *fmt, ...)
    G_GNUC_PRINTF(4, 5);
/* An error with the context's ID at the node. */
#define ya_err(a, n, ...) ya_report((a), (a)->id, (n), __VA_ARGS__)

/* Each check reports with the context's ID and returns false when the value does not fit;
 * 'what' names the field in the message. */

/* The node is of that kind ("what must be a mapping, not a scalar"). */
bool ya_kind(YaCtx *a, const YtNode *n, YtKind kind, const char *what);
/* Every key of a mapping is one of 'allowed' (NULL-terminated); an unknown key is
 * reported with the nearest allowed one as a hint ("did you mean 'vpnType'?"). True for a
 * node that is not a mapping. */
bool ya_keys(YaCtx *a, const YtNode *map, const char *const *allowed);
/* The value of a required key, or NULL after reporting it missing at the mapping. */
const YtNode *ya_need(YaCtx *a, const YtNode *map, const char *key, const char *what);

/* A scalar, possibly empty. */
bool ya_scalar(YaCtx *a, const YtNode *n, const char *what, const char **out);
/* A scalar that is not empty. */
bool ya_str(YaCtx *a, const YtNode *n, const char *what, const char **out);
/* A plain (unquoted) decimal integer within [min, max]. */
bool ya_int(YaCtx *a, const YtNode *n, const char *what, int64_t min, int64_t max,
            int64_t *out);
/* A plain true/false (True, TRUE, False, FALSE). */
bool ya_bool(YaCtx *a, const YtNode *n, const char *what, bool *out);
/* One of a name table's names (all listed, with the nearest as a hint). */
bool ya_enum(YaCtx *a, const YtNode *n, const char *what, const NameTable *t, int *out);
bool ya_ip(YaCtx *a, const YtNode *n, const char *what, Ipv4Addr *out);
/* A prefix without host bits (the hint gives the prefix meant). */
bool ya_prefix(YaCtx *a, const YtNode *n, const char *what, Ipv4Prefix *out);
/* A prefix list: a sequence, or one scalar as a list of one. Replaces what *count held;
 * locs (optional) gets each prefix's place. */
void ya_prefixes(YaCtx *a, const YtNode *n, const char *what, Ipv4Prefix *arr, VsLoc *locs,
                 unsigned *count, unsigned cap);

/* Units (models/common/units.h). */
bool ya_duration(YaCtx *a, const YtNode *n, const char *what, int64_t *out_ns);
/* A duration of whole seconds. */
bool ya_seconds(YaCtx *a, const YtNode *n, const char *what, uint32_t *out);
/* A rate above zero, in bits per second. */
bool ya_rate(YaCtx *a, const YtNode *n, const char *what, uint64_t *out_bps);
/* A fraction 0..1, also written as a percentage ("5%"). */
bool ya_ratio(YaCtx *a, const YtNode *n, const char *what, double *out);
