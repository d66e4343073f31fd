/* SPDX-License-Identifier: MIT */
/* Typed diagnostics: one finding is a record (where, which ID, how bad, what), reported to
 * a sink or kept in a list, and formatted only where it is printed; nobody parses the text
 * back. The YAML tree, the scenario loaders and the gateway's configuration rules all
 * report these records, so the command line prints every problem the same way. */
#pragma once

#include <glib.h>
#include <stdarg.h>
#include <stddef.h>

typedef enum { VS_SEV_WARNING, VS_SEV_ERROR } VsSeverity;

/* A place in a user's file, 1-based. file NULL: built in code, no location is printed;
 * line 0: the file as a whole (it cannot be read), printed as "file: ...". */
typedef struct {
  const char *file;
  unsigned line, col;
} VsLoc;

/* One finding. The strings are borrowed while a record is passed to a sink; a VsDiags list
 * owns its copies of the messages (the file names and IDs stay borrowed: static IDs, file
 * names owned by the document or the caller). */
typedef struct {
  union {
    const char *id;      /* "SCN-FMT-001", "GW-BGP-003": a loader code or a rule ID */
    const char *rule_id; /* the same, by the name sim/run still reads (GwDiag's) */
  };
  VsSeverity severity;
  VsLoc loc;
  char *message;
} VsDiag;

/* Where findings go: fn sees each record once, valid only during the call. */
typedef struct {
  void (*fn)(void *user, const VsDiag *d);
  void *user;
} VsDiagSink;

/* Build a record and pass it to the sink (nothing when sink.fn is NULL). */
void vs_diag_emit(VsDiagSink sink, const char *id, VsSeverity sev, VsLoc loc, const char *fmt,
                  ...) G_GNUC_PRINTF(5, 6);

/* A growable list of records, in the order they were added. */
typedef struct VsDiags VsDiags;
VsDiags *vs_diags_new(void);
void vs_diags_free(VsDiags *d);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VsDiags, vs_diags_free)
void vs_diags_add(VsDiags *d, const char *id, VsSeverity sev, VsLoc loc, const char *fmt, ...)
    G_GNUC_PRINTF(5, 6);
void vs_diags_vadd(VsDiags *d, const char *id, VsSeverity sev, VsLoc loc, const char *fmt,
                   va_list ap) G_GNUC_PRINTF(5, 0);
/* Append a copy of a record (its message is duplicated). */
void vs_diags_append(VsDiags *d, const VsDiag *diag);
/* A sink that appends to d. */
VsDiagSink vs_diags_sink(VsDiags *d);
size_t vs_diags_len(const VsDiags *d);
const VsDiag *vs_diags_get(const VsDiags *d, size_t i);
size_t vs_diags_count(const VsDiags *d, VsSeverity sev);
/* Sort by file, line, column (stable: report order within a location). */
void vs_diags_sort(VsDiags *d);

const char *vs_severity_name(VsSeverity s); /* "error", "warning" */
/* "file:line:col: error ID: message" (no location part when loc.file is NULL). g_free. */
char *vs_diag_format(const VsDiag *diag);
/* "file:line:col: message", without severity and ID: how a file that cannot be read or is
 * not YAML has always been reported ("file: message" for line 0). g_free. */
char *vs_diag_format_brief(const VsDiag *diag);
