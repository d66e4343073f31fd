/* SPDX-License-Identifier: MIT */
/* libFuzzer target: arbitrary bytes as an ARM template string through the expression
 * parser and evaluator (sim/scenario/arm_expr.c); nothing may crash, leak or overflow. */
#include "sim/scenario/arm_expr.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Any parameter or variable is the same small object; any reference() an IP address. */
static JsonNode *any_value(void *ud, const char *name, char **msg)
{
  g_autoptr(JsonParser) p = json_parser_new();
  if (!json_parser_load_from_data(p, "{\"a\": [1, \"x\", {\"b\": true}], \"s\": \"10.1.0.0/16\"}",
                                  -1, NULL))
    return NULL;
  return arm_value_dup(json_parser_get_root(p));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char *s = g_strndup((const char *)data, size); /* stops at a NUL, as a JSON string would not */
  ArmEnv env = {.parameter = any_value, .variable = any_value, .reference = any_value};
  GError *err = NULL;
  unsigned col = 0;
  JsonNode *v = arm_eval_string(s, &env, &col, &err);
  if (v) {
    g_free(arm_value_to_string(v));
    json_node_unref(v);
  }
  g_clear_error(&err);
  g_free(s);
  return 0;
}
