/* SPDX-License-Identifier: MIT */
/* Tests of the ARM expression evaluator: a table of expressions and their values (as
 * compact JSON), and a table of broken expressions with the error kind and the column. */
#include "sim/scenario/arm_expr.h"

#include <glib.h>
#include <string.h>

static JsonNode *parse_json(const char *text)
{
  g_autoptr(JsonParser) p = json_parser_new();
  g_autoptr(GError) err = NULL;
  g_assert_true(json_parser_load_from_data(p, text, -1, &err));
  return json_node_copy(json_parser_get_root(p));
}

/* The environment: parameters and variables are fixed JSON, names without case. */
static JsonNode *lookup(const char *const table[][2], const char *name, const char *what,
                        char **msg)
{
  for (size_t i = 0; table[i][0]; i++)
    if (!g_ascii_strcasecmp(table[i][0], name))
      return parse_json(table[i][1]);
  *msg = g_strdup_printf("no %s '%s'", what, name);
  return NULL;
}

static const char *const params[][2] = {
    {"vnetName", "\"vnet1\""},
    {"asn", "65010"},
    {"enableBgp", "true"},
    {"prefixes", "[\"10.1.0.0/16\", \"10.2.0.0/16\"]"},
    {"site", "{\"name\": \"site1\", \"Address\": \"198.51.100.20\"}"},
    {NULL, NULL},
};
static const char *const vars[][2] = {
    {"gwName", "\"vnet1-gw\""},
    {NULL, NULL},
};

static JsonNode *t_param(void *ud, const char *name, char **msg)
{
  return lookup(params, name, "parameter", msg);
}
static JsonNode *t_var(void *ud, const char *name, char **msg)
{
  return lookup(vars, name, "variable", msg);
}
static JsonNode *t_ref(void *ud, const char *id, char **msg)
{
  if (g_str_has_suffix(id, "/publicIPAddresses/pip1") || !strcmp(id, "pip1"))
    return parse_json("{\"ipAddress\": \"203.0.113.10\", \"publicIPAllocationMethod\": \"Static\"}");
  *msg = g_strdup_printf("no resource '%s' in the template", id);
  return NULL;
}

static const ArmEnv env = {
    .parameter = t_param,
    .variable = t_var,
    .reference = t_ref,
};

#define RG "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/vpnsim-rg"

static const struct {
  const char *expr, *want; /* want: compact JSON */
} good[] = {
    /* not expressions, and the "[[" escape */
    {"plain", "\"plain\""},
    {"[[notAnExpression]", "\"[notAnExpression]\""},
    {"[]x", "\"[]x\""},
    /* literals */
    {"['it''s']", "\"it's\""},
    {"[42]", "42"},
    {"[-7]", "-7"},
    {"[true()]", "true"},
    {"[ false ]", "false"},
    {"[null()]", "null"},
    /* parameters and variables, names without case */
    {"[parameters('vnetName')]", "\"vnet1\""},
    {"[PARAMETERS('VNETNAME')]", "\"vnet1\""},
    {"[variables('gwname')]", "\"vnet1-gw\""},
    {"[parameters('asn')]", "65010"},
    /* concat: strings (ints printed), arrays */
    {"[concat(parameters('vnetName'), '-', 'gw', 1)]", "\"vnet1-gw1\""},
    {"[concat(parameters('prefixes'), createArray('10.3.0.0/16'))]",
     "[\"10.1.0.0/16\",\"10.2.0.0/16\",\"10.3.0.0/16\"]"},
    /* format */
    {"[format('{0}-{1}-{0}', 'a', 2)]", "\"a-2-a\""},
    {"[format('{{literal}} {0}', 'x')]", "\"{literal} x\""},
    /* resourceId, resourceGroup(), subscription() */
    {"[resourceId('Microsoft.Network/publicIPAddresses', 'pip1')]",
     "\"" RG "/providers/Microsoft.Network/publicIPAddresses/pip1\""},
    {"[resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet1', 'GatewaySubnet')]",
     "\"" RG "/providers/Microsoft.Network/virtualNetworks/vnet1/subnets/GatewaySubnet\""},
    {"[resourceId('other-rg', 'Microsoft.Network/localNetworkGateways', 'site1')]",
     "\"/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/other-rg/providers/"
     "Microsoft.Network/localNetworkGateways/site1\""},
    {"[resourceId('sub2', 'rg2', 'Microsoft.Network/connections', 'c1')]",
     "\"/subscriptions/sub2/resourceGroups/rg2/providers/Microsoft.Network/connections/c1\""},
    {"[resourceGroup().name]", "\"vpnsim-rg\""},
    {"[resourceGroup().location]", "\"westeurope\""},
    {"[subscription().subscriptionId]", "\"00000000-0000-0000-0000-000000000001\""},
    /* uniqueString: 13 characters, deterministic */
    {"[length(uniqueString(resourceGroup().id))]", "13"},
    {"[equals(uniqueString('a', 'b'), uniqueString('a', 'b'))]", "true"},
    {"[equals(uniqueString('a', 'b'), uniqueString('ab'))]", "false"},
    /* case */
    {"[toLower('VpnGw2AZ')]", "\"vpngw2az\""},
    {"[toUpper('ikev2')]", "\"IKEV2\""},
    /* if, equals, logic; if takes only the branch it needs */
    {"[if(parameters('enableBgp'), 'yes', 'no')]", "\"yes\""},
    {"[if(equals(parameters('asn'), 65010), 1, parameters('nope'))]", "1"},
    {"[equals('a', 'A')]", "false"},
    {"[equals(json('[1,2]'), createArray(1, 2))]", "true"},
    {"[and(true(), not(false()), or(false(), true()))]", "true"},
    /* json */
    {"[json('{\"a\": {\"b\": [1, 2]}}').a.b[1]]", "2"},
    {"[json('null')]", "null"},
    /* first / last / split */
    {"[first(parameters('prefixes'))]", "\"10.1.0.0/16\""},
    {"[last(split('10.1.255.0/27', '/'))]", "\"27\""},
    {"[first('abc')]", "\"a\""},
    {"[split('a,b;c', createArray(',', ';'))]", "[\"a\",\"b\",\"c\"]"},
    {"[split('a', ',')]", "[\"a\"]"},
    /* property access and indexing, names without case */
    {"[parameters('site').name]", "\"site1\""},
    {"[parameters('site').address]", "\"198.51.100.20\""},
    {"[parameters('site')['NAME']]", "\"site1\""},
    {"[parameters('prefixes')[1]]", "\"10.2.0.0/16\""},
    /* reference() to what Azure fills in */
    {"[reference(resourceId('Microsoft.Network/publicIPAddresses', 'pip1')).ipAddress]",
     "\"203.0.113.10\""},
    {"[reference('pip1', '2023-05-01').ipAddress]", "\"203.0.113.10\""},
    /* the rest of the table */
    {"[string(parameters('asn'))]", "\"65010\""},
    {"[int('65515')]", "65515"},
    {"[bool('True')]", "true"},
    {"[add(mul(2, 3), sub(10, div(9, 3)))]", "13"},
    {"[mod(7, 3)]", "1"},
    {"[length(parameters('prefixes'))]", "2"},
    {"[empty('')]", "true"},
    {"[contains(parameters('site'), 'ADDRESS')]", "true"},
    {"[contains('GatewaySubnet', 'Subnet')]", "true"},
    {"[createObject('a', 1).a]", "1"},
    {"[replace('vnet1-gw', '-gw', '')]", "\"vnet1\""},
    {"[substring('VpnGw2AZ', 0, 6)]", "\"VpnGw2\""},
    {"[trim('  x ')]", "\"x\""},
    {"[startsWith('VpnGw2AZ', 'vpngw')]", "true"},
    {"[endsWith('VpnGw2AZ', 'az')]", "true"},
    {"[coalesce(null(), 'x')]", "\"x\""},
    {"[greater(2, 1)]", "true"},
    {"[lessOrEquals('a', 'b')]", "true"},
    {"[deployment().name]", "\"vpnsim-import\""},
};

static void test_values(void)
{
  for (size_t i = 0; i < G_N_ELEMENTS(good); i++) {
    g_autoptr(GError) err = NULL;
    unsigned col = 0;
    g_autoptr(JsonNode) v = arm_eval_string(good[i].expr, &env, &col, &err);
    if (!v)
      g_error("%s: %s (column %u)", good[i].expr, err->message, col);
    g_autofree char *got = json_to_string(v, FALSE);
    if (strcmp(got, good[i].want))
      g_error("%s: got %s, want %s", good[i].expr, got, good[i].want);
  }
}

static const struct {
  const char *expr;
  int code;
  unsigned col; /* 1-based, in the whole string */
  const char *text;
} bad[] = {
    /* syntax */
    {"[concat('a', ]", ARM_EXPR_ERROR_SYNTAX, 14, "where a value was expected"},
    {"[concat('a'", ARM_EXPR_ERROR_SYNTAX, 0, NULL}, /* no ']': a plain string, see below */
    {"['open]", ARM_EXPR_ERROR_SYNTAX, 2, "not closed"},
    {"[parameters]", ARM_EXPR_ERROR_SYNTAX, 12, "expected '('"},
    {"[concat('a') 'b']", ARM_EXPR_ERROR_SYNTAX, 14, "after the expression"},
    {"[parameters('a').]", ARM_EXPR_ERROR_SYNTAX, 18, "property name"},
    {"[1.5]", ARM_EXPR_ERROR_SYNTAX, 2, "whole numbers"},
    {"[a(a(a(a(a(a(a(a(a(a(a(a(a(a(a(a(a(a(a(a(a(a(a(a(a(a(a(a(a(a(a(a(a(a(a(a(a(a(a(a(a(a(a(a("
     "a(a(a(a(a(a(a(a(a(a(a(a(a(a(a(a(a(a(a(a(a(a(1)))]",
     ARM_EXPR_ERROR_SYNTAX, 130, "nested deeper than 64"},
    /* functions */
    {"[concat('a', frobnicate('b'))]", ARM_EXPR_ERROR_FUNCTION, 14, "unknown function 'frobnicate'"},
    {"[toLowr('A')]", ARM_EXPR_ERROR_FUNCTION, 2, "did you mean 'toLower'"},
    {"[toLower('a', 'b')]", ARM_EXPR_ERROR_FUNCTION, 2, "toLower takes 1 argument, 2 given"},
    {"[if(true())]", ARM_EXPR_ERROR_FUNCTION, 2, "if takes 3 arguments"},
    /* types and values */
    {"[toLower(1)]", ARM_EXPR_ERROR_TYPE, 10, "argument 1 must be a string, not int"},
    {"[if('yes', 1, 2)]", ARM_EXPR_ERROR_TYPE, 5, "condition must be a bool"},
    {"[concat(createArray(1), 'x')]", ARM_EXPR_ERROR_TYPE, 25, "argument 2 must be an array"},
    {"[parameters('site').nme]", ARM_EXPR_ERROR_VALUE, 20, "no property 'nme' (it has: name, Address)"},
    {"[parameters('prefixes')[2]]", ARM_EXPR_ERROR_VALUE, 25, "index 2 out of range"},
    {"[parameters('asn').x]", ARM_EXPR_ERROR_TYPE, 19, "on int"},
    {"[format('{0}-{1}', 'a')]", ARM_EXPR_ERROR_VALUE, 9, "item {1} but only 1 value"},
    {"[format('{0:D3}', 1)]", ARM_EXPR_ERROR_VALUE, 9, "not supported"},
    {"[resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet1')]", ARM_EXPR_ERROR_VALUE,
     2, "takes 2 names, 1 given"},
    {"[div(1, 0)]", ARM_EXPR_ERROR_VALUE, 9, "division by zero"},
    {"[json('{')]", ARM_EXPR_ERROR_VALUE, 7, "json:"},
    {"[int('12x')]", ARM_EXPR_ERROR_VALUE, 6, "cannot read 12x"},
    /* lookups */
    {"[parameters('nope')]", ARM_EXPR_ERROR_LOOKUP, 13, "no parameter 'nope'"},
    {"[variables('x')]", ARM_EXPR_ERROR_LOOKUP, 12, "no variable 'x'"},
    {"[reference(resourceId('Microsoft.Network/publicIPAddresses', 'pip9')).ipAddress]",
     ARM_EXPR_ERROR_LOOKUP, 12, "no resource"},
    {"[reference('pip1', '2023-05-01', 'Full')]", ARM_EXPR_ERROR_VALUE, 34, "'Full') is not supported"},
};

static void test_errors(void)
{
  for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
    g_autoptr(GError) err = NULL;
    unsigned col = 0;
    g_autoptr(JsonNode) v = arm_eval_string(bad[i].expr, &env, &col, &err);
    if (!bad[i].text) {
      /* not an expression at all: a string as written */
      g_assert_nonnull(v);
      g_assert_cmpstr(json_node_get_string(v), ==, bad[i].expr);
      continue;
    }
    if (v)
      g_error("%s: evaluated, want an error", bad[i].expr);
    g_assert_error(err, ARM_EXPR_ERROR, bad[i].code);
    if (!strstr(err->message, bad[i].text) || col != bad[i].col)
      g_error("%s: got '%s' at column %u, want '%s' at column %u", bad[i].expr, err->message, col,
              bad[i].text, bad[i].col);
  }
}

/* A tree: every string evaluated, keys kept; an error names its path. */
static void test_tree(void)
{
  g_autoptr(JsonNode) t = parse_json(
      "{\"name\": \"[variables('gwName')]\", \"p\": {\"asn\": \"[parameters('asn')]\", "
      "\"list\": [\"x\", \"[toUpper('y')]\", 3]}}");
  g_autoptr(GError) err = NULL;
  g_autoptr(JsonNode) v = arm_eval_tree(t, &env, NULL, NULL, &err);
  g_assert_no_error(err);
  g_autofree char *got = json_to_string(v, FALSE);
  g_assert_cmpstr(got, ==, "{\"name\":\"vnet1-gw\",\"p\":{\"asn\":65010,\"list\":[\"x\",\"Y\",3]}}");

  g_autoptr(JsonNode) t2 = parse_json("{\"a\": [1, {\"b\": \"[nope()]\"}]}");
  g_autofree char *path = NULL;
  unsigned col = 0;
  g_autoptr(GError) err2 = NULL;
  g_assert_null(arm_eval_tree(t2, &env, &path, &col, &err2));
  g_assert_cmpstr(path, ==, ".a[1].b");
  g_assert_cmpuint(col, ==, 2);
  g_assert_error(err2, ARM_EXPR_ERROR, ARM_EXPR_ERROR_FUNCTION);
}

static void test_unique_string(void)
{
  const char *parts[] = {"rg-id"};
  g_autofree char *a = arm_unique_string(parts, 1);
  g_autofree char *b = arm_unique_string(parts, 1);
  g_assert_cmpstr(a, ==, b);
  g_assert_cmpuint(strlen(a), ==, 13);
  for (const char *c = a; *c; c++)
    g_assert_true(g_ascii_islower(*c) || (*c >= '2' && *c <= '7'));
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/arm_expr/values", test_values);
  g_test_add_func("/arm_expr/errors", test_errors);
  g_test_add_func("/arm_expr/tree", test_tree);
  g_test_add_func("/arm_expr/unique_string", test_unique_string);
  return g_test_run();
}
