/* SPDX-License-Identifier: MIT */
/* Import an ARM deployment template: evaluate it (arm_expr.h) and map its
 * Microsoft.Network resources to a scenario's cloud section, with an on-premises device
 * per local network gateway and a minimal underlay (docs/import-arm.md). */
#pragma once

#include <glib.h>

typedef struct {
  const char *template_path;
  const char *parameters_path;  /* a deployment parameters file, or NULL */
  const char *const *sets;      /* "NAME=VALUE" overrides, NULL-terminated, or NULL */
  const char *profile;          /* the devices' profile; NULL: strongswan-5.9 */
  const char *name;             /* the scenario's name; NULL: the template's file name */
  gboolean allow_unmapped;      /* what cannot be mapped is a warning, not an error */
} ArmImportOptions;

typedef enum { ARM_SEV_ERROR, ARM_SEV_WARNING, ARM_SEV_NOTE } ArmSeverity;

typedef struct {
  ArmSeverity severity;
  char *file; /* the template, the parameters file, or "--set" */
  char *path; /* JSON path in it: "resources[3].properties.foo"; "" for the whole file */
  char *message;
} ArmProblem;

/* "FILE: PATH: error: MESSAGE" */
char *arm_problem_format(const ArmProblem *p);
void arm_problem_free(ArmProblem *p);

/* The scenario as YAML text, or NULL when any error was found. Every problem (errors,
 * warnings, notes) is appended to problems (ArmProblem *, owned by the array, which must
 * free them with arm_problem_free). */
char *arm_import(const ArmImportOptions *o, GPtrArray *problems);
