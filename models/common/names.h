/* SPDX-License-Identifier: MIT */
/* Name tables for enums: value <-> name, used by logs, reports and printers; unknown
 * values print as "<42>". Also the nearest-name hint for user input ("did you mean"). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
  int64_t value;
  const char *name;
} NameEntry;

typedef struct {
  const char *what; /* what the values are, e.g. "IKEv2 exchange type" */
  const NameEntry *entries;
  size_t n;
} NameTable;

/* Define a const table: NAME_TABLE(ike_exchange_names, "IKEv2 exchange type",
 *   {34, "IKE_SA_INIT"}, {35, "IKE_AUTH"}); */
#define NAME_TABLE(id, what_, ...)                                                          \
  static const NameEntry id##_entries_[] = {__VA_ARGS__};                                   \
  const NameTable id = {what_, id##_entries_, sizeof(id##_entries_) / sizeof(NameEntry)}

#define NAME_BUFSZ 24 /* enough for "<-9223372036854775808>" */

/* The name of v, or NULL when the table has none. */
const char *name_get(const NameTable *t, int64_t v);
/* The name of v, or "<v>" formatted into buf. Never NULL. */
const char *name_fmt(const NameTable *t, int64_t v, char buf[NAME_BUFSZ]);
/* Value of an exact name; false when none. */
bool name_parse(const NameTable *t, const char *name, int64_t *v);
/* Value of a name compared without case; false when none. */
bool name_parse_nocase(const NameTable *t, const char *name, int64_t *v);
/* The table's name closest to 'name' (edit distance at most a third of its length, at
 * least 2), or NULL: for "unknown value 'IKE_AUHT', did you mean 'IKE_AUTH'?". */
const char *name_nearest(const NameTable *t, const char *name);

/* Edit distance (Levenshtein, case-insensitive ASCII) between two strings. */
size_t str_edit_distance(const char *a, const char *b);
/* The candidate nearest to s under the same rule as name_nearest; NULL when none. */
const char *str_nearest(const char *s, const char *const *candidates, size_t n);
