/* SPDX-License-Identifier: MIT */
/* The ARM template expression language ("[concat(parameters('a'), '-gw')]"): parse and
 * evaluate one string value into a JSON value, over an environment the template walker
 * (arm_import.c) supplies for parameters, variables and reference(). */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

/* What an expression can ask of the deployment. Each callback returns a new JsonNode, or
 * NULL with *msg set to a newly allocated message (the evaluator adds the position).
 * A callback left NULL makes its function an error ("... is not available here"). */
typedef struct {
  JsonNode *(*parameter)(void *ud, const char *name, char **msg);
  JsonNode *(*variable)(void *ud, const char *name, char **msg);
  /* reference(ID-or-NAME [, apiVersion [, 'Full']]): the resource's properties as
   * deployed, including the values Azure fills in (public IP addresses, BGP addresses). */
  JsonNode *(*reference)(void *ud, const char *id_or_name, char **msg);
  void *ud;
  const char *subscription_id; /* default: a fixed all-zero-but-one GUID */
  const char *resource_group;  /* default: "vpnsim-rg" */
  const char *location;        /* default: "westeurope" */
  const char *deployment;      /* deployment().name; default: "vpnsim-import" */
} ArmEnv;

#define ARM_EXPR_ERROR (arm_expr_error_quark())
GQuark arm_expr_error_quark(void);
enum {
  ARM_EXPR_ERROR_SYNTAX,   /* the text is not an expression */
  ARM_EXPR_ERROR_FUNCTION, /* unknown function or wrong number of arguments */
  ARM_EXPR_ERROR_TYPE,     /* an argument or operand of the wrong kind */
  ARM_EXPR_ERROR_VALUE,    /* a value out of range, a missing member or index */
  ARM_EXPR_ERROR_LOOKUP,   /* a callback refused (unknown parameter, dangling reference) */
};

/* True when the string is an expression: "[...]" and not the escape "[[...". */
gboolean arm_is_expression(const char *s);

/* Evaluate a template string value: an expression gives its value; "[[x]" gives the
 * literal "[x]"; any other string is returned as is. On failure NULL, *error set (its
 * message names the problem) and *err_col the 1-based column in s where it lies. */
JsonNode *arm_eval_string(const char *s, const ArmEnv *env, unsigned *err_col, GError **error);

/* Evaluate every string of a JSON tree (a new tree; object keys are not evaluated). On
 * failure NULL, *err_path the path below the tree's root (".a.b[2]"), *err_col as above. */
JsonNode *arm_eval_tree(JsonNode *tree, const ArmEnv *env, char **err_path, unsigned *err_col,
                        GError **error);

/* Helpers for the walker and the tests. */
/* The object member named name, any case (ARM names are case-insensitive); NULL if none. */
JsonNode *arm_object_get(JsonObject *o, const char *name);
/* A deep copy (json_node_copy shares arrays and objects). */
JsonNode *arm_value_dup(JsonNode *v);
/* A value as ARM's string() would print it (strings bare, others as compact JSON). */
char *arm_value_to_string(JsonNode *v);
/* uniqueString(): 13 lowercase letters and digits, deterministic in its arguments. */
char *arm_unique_string(const char *const *parts, size_t n);
