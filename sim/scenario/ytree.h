/* SPDX-License-Identifier: MIT */
/* A YAML document as a tree of scalars, mappings and sequences, every node carrying its
 * line and column, so that scenario and profile loaders report every problem at its place
 * (the located accessors over the tree are sim/scenario/yaccess.h). */
#pragma once

#include "models/common/diag.h"

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

typedef enum {
  YT_SCALAR,
  YT_MAP,
  YT_SEQ,
} YtKind;

typedef struct YtNode YtNode;
struct YtNode {
  YtKind kind;
  unsigned line, col; /* 1-based, where the node starts */
  char *str;          /* scalar text (YT_SCALAR) */
  bool quoted;        /* the scalar was quoted: always a string, never null/number */
  GPtrArray *keys;    /* YT_MAP: the key nodes (scalars), in file order */
  GPtrArray *items;   /* YT_MAP: the values, parallel to keys; YT_SEQ: the items */
  const char *file;   /* the file the node was read from when not the document's own (a
                       * base merged in by extends:, yt_resolve_extends); owned by the doc */
};

typedef struct {
  char *name; /* the file name used in messages */
  YtNode *root;
  GPtrArray *bases; /* the files merged in by extends: (nearest first; interned), or NULL */
} YtDoc;

#define SCN_ERROR (scn_error_quark())
GQuark scn_error_quark(void);
typedef enum {
  SCN_ERROR_IO,      /* cannot read the file */
  SCN_ERROR_SYNTAX,  /* not YAML, or YAML we refuse (aliases, several documents) */
  SCN_ERROR_INVALID, /* YAML, but not a valid scenario */
} ScnError;

/* The IDs of the records a load that fails reports. They print in the brief form
 * "file:line:col: message" (vs_diag_format_brief), as they always have. */
#define SCN_DIAG_IO "SCN-IO-001"    /* the file cannot be read (located at the file: line 0) */
#define SCN_DIAG_YAML "SCN-YML-001" /* not YAML, or YAML we refuse */

/* Parse a file (or a string, named 'name' in messages: the records borrow it). On failure
 * reports exactly one error record to sink and returns NULL. */
YtDoc *yt_load_file(const char *path, VsDiagSink sink);
YtDoc *yt_load_string(const char *name, const char *text, size_t len, VsDiagSink sink);
void yt_doc_free(YtDoc *doc);

/* Scenario inheritance (docs/scenario-format.md, "Building on a base scenario"): when the
 * document's top-level mapping has `extends: PATH` (relative to the document's folder), the
 * base file is read (and its own extends: resolved, a cycle refused), and the document is
 * merged on top of it: mappings key by key (recursively), sequences whose items are all
 * mappings with a `name` item by item (by name), anything else replaced; `KEY: $delete`
 * removes a key of the base, `{name: N, $delete: true}` an item, `$replace: true` in a
 * mapping replaces the base's mapping instead of merging. Every node keeps the file it was
 * read from (yt_loc). On failure reports one error record to sink (located at the extends:
 * value, or in the base) and returns false; the document is then unchanged or partly
 * merged and must not be used. A document without extends: is left as it is. */
bool yt_resolve_extends(YtDoc *doc, VsDiagSink sink);
/* yt_load_file, then yt_resolve_extends. */
YtDoc *yt_load_file_extends(const char *path, VsDiagSink sink);
/* The tree as YAML in block style that reads back as the same tree (--dry-run shows a
 * merged scenario so; the device matrix rewrites it). redact: the values of keys that hold
 * secrets (sharedKey) are shown as <redacted>. g_free. */
char *yt_emit(const YtNode *node, bool redact);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(YtDoc, yt_doc_free)
/* A sink for callers whose boundary is a GError: the first record sets *error (SCN_ERROR,
 * SCN_ERROR_IO or SCN_ERROR_SYNTAX from its ID, its brief form as the message). */
VsDiagSink yt_error_sink(GError **error);

const char *yt_kind_name(YtKind k); /* "scalar", "mapping", "sequence" */
/* The value under key in a mapping, or NULL (also when node is not a mapping). */
YtNode *yt_map_get(const YtNode *map, const char *key);
/* Number of entries of a mapping or items of a sequence; 0 for a scalar. */
size_t yt_len(const YtNode *node);
/* True for a plain (unquoted) "", "~", "null" or "Null" scalar. */
bool yt_is_null(const YtNode *node);

/* Where a node is (line 1, column 1 for NULL), as diagnostics locate it. */
VsLoc yt_loc(const YtDoc *doc, const YtNode *node);
/* "file:line:col" of a node (g_free), for messages built at a boundary. */
char *yt_where(const YtDoc *doc, const YtNode *node);
