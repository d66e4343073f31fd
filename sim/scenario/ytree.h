/* SPDX-License-Identifier: MIT */
/* A YAML document as a tree of scalars, mappings and sequences, every node carrying its
 * line and column, so that scenario and profile loaders report "file:line:col: message". */
#pragma once

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
};

typedef struct {
  char *name; /* the file name used in messages */
  YtNode *root;
} YtDoc;

#define SCN_ERROR (scn_error_quark())
GQuark scn_error_quark(void);
typedef enum {
  SCN_ERROR_IO,      /* cannot read the file */
  SCN_ERROR_SYNTAX,  /* not YAML, or YAML we refuse (aliases, several documents) */
  SCN_ERROR_INVALID, /* YAML, but not a valid scenario */
} ScnError;

/* Parse a file (or a string, named 'name' in messages). Errors: "file:line:col: message". */
YtDoc *yt_load_file(const char *path, GError **error);
YtDoc *yt_load_string(const char *name, const char *text, size_t len, GError **error);
void yt_doc_free(YtDoc *doc);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(YtDoc, yt_doc_free)

const char *yt_kind_name(YtKind k); /* "scalar", "mapping", "sequence" */
/* The value under key in a mapping, or NULL (also when node is not a mapping). */
YtNode *yt_map_get(const YtNode *map, const char *key);
/* Number of entries of a mapping or items of a sequence; 0 for a scalar. */
size_t yt_len(const YtNode *node);
/* True for a plain (unquoted) "", "~", "null" or "Null" scalar. */
bool yt_is_null(const YtNode *node);

/* "file:line:col" of a node (g_free). */
char *yt_where(const YtDoc *doc, const YtNode *node);
/* Append "file:line:col: message" to errors (a GPtrArray of g_free'd strings). */
void yt_error(GPtrArray *errors, const YtDoc *doc, const YtNode *node, const char *fmt, ...)
    G_GNUC_PRINTF(4, 5);

/* Checks that report into 'errors' and return false when they fail. */
bool yt_expect_kind(GPtrArray *errors, const YtDoc *doc, const YtNode *node, YtKind kind,
                    const char *what);
/* Every key of a mapping must be one of 'allowed' (NULL-terminated); an unknown key is
 * reported with the nearest allowed one as a hint ("did you mean 'vpnType'?"). */
bool yt_check_keys(GPtrArray *errors, const YtDoc *doc, const YtNode *map,
                   const char *const *allowed);
/* Scalar conversions; 'what' names the field in the message. */
bool yt_get_string(GPtrArray *errors, const YtDoc *doc, const YtNode *node, const char *what,
                   const char **out);
bool yt_get_int(GPtrArray *errors, const YtDoc *doc, const YtNode *node, const char *what,
                int64_t min, int64_t max, int64_t *out);
bool yt_get_bool(GPtrArray *errors, const YtDoc *doc, const YtNode *node, const char *what,
                 bool *out);
