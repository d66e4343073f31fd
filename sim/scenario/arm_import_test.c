/* SPDX-License-Identifier: MIT */
/* Tests of the ARM template walker: a table of small templates, each with the one problem
 * line it must produce (file, JSON path, severity, message), and that a failure inside a
 * parameter is reported there once, not at every use. tests/import-arm.t runs whole
 * templates through the command. */
#include "sim/scenario/arm_import.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#define VNET                                                                                     \
  "{\"type\": \"Microsoft.Network/virtualNetworks\", \"name\": \"v\", \"properties\": "         \
  "{\"addressSpace\": {\"addressPrefixes\": [\"10.1.0.0/16\"]}, \"subnets\": [{\"name\": "     \
  "\"GatewaySubnet\", \"properties\": {\"addressPrefix\": \"10.1.255.0/27\"}}, {\"name\": "     \
  "\"apps\", \"properties\": {\"addressPrefix\": \"10.1.1.0/24\"}}]}}"
#define PIP "{\"type\": \"Microsoft.Network/publicIPAddresses\", \"name\": \"p\"}"
#define GW(subnet)                                                                               \
  "{\"type\": \"Microsoft.Network/virtualNetworkGateways\", \"name\": \"g\", \"properties\": "  \
  "{\"ipConfigurations\": [{\"name\": \"c\", \"properties\": {\"subnet\": {\"id\": "            \
  "\"[resourceId('Microsoft.Network/virtualNetworks/subnets', 'v', '" subnet "')]\"}, "         \
  "\"publicIPAddress\": {\"id\": \"[resourceId('Microsoft.Network/publicIPAddresses', "         \
  "'p')]\"}}}], \"gatewayType\": \"Vpn\", \"vpnType\": \"RouteBased\", \"sku\": {\"name\": "    \
  "\"VpnGw1AZ\"}}}"

static const struct {
  const char *what;
  const char *json;
  const char *want; /* a problem line holds this (after "FILE: ") */
} cases[] = {
    {"a nested child's property",
     "{\"resources\": [{\"type\": \"Microsoft.Network/virtualNetworks\", \"name\": \"v\", "
     "\"properties\": {\"addressSpace\": {\"addressPrefixes\": [\"10.1.0.0/16\"]}}, "
     "\"resources\": [{\"type\": \"subnets\", \"name\": \"s\", \"properties\": "
     "{\"addressPrefix\": \"10.1.1.0/24\", \"serviceEndpoints\": []}}]}]}",
     "resources[0].resources[0].properties.serviceEndpoints: error: not imported: "},
    {"a loop between variables",
     "{\"variables\": {\"a\": \"[variables('b')]\", \"b\": \"[variables('a')]\"}, \"resources\": []}",
     "variables.b: error: column 12: variable 'a' refers to itself"},
    {"a parameter name with a typo",
     "{\"parameters\": {\"vnetName\": {\"type\": \"string\", \"defaultValue\": \"v\"}}, "
     "\"resources\": [{\"type\": \"Microsoft.Network/virtualNetworks\", "
     "\"name\": \"[parameters('vnetNme')]\"}]}",
     "resources[0].name: error: column 13: the template declares no parameter 'vnetNme' (did "
     "you mean 'vnetName'?)"},
    {"reference() to a resource whose condition is false",
     "{\"resources\": [" PIP ", {\"type\": \"Microsoft.Network/publicIPAddresses\", \"name\": "
     "\"q\", \"condition\": \"[equals(1, 2)]\"}], \"outputs\": {\"ip\": {\"type\": \"string\", "
     "\"value\": \"[reference('q').ipAddress]\"}}}",
     "outputs.ip.value: error: column 12: reference() to 'q', whose condition is false"},
    {"reference() to a resource the template does not deploy",
     "{\"resources\": [], \"outputs\": {\"ip\": {\"type\": \"string\", \"value\": "
     "\"[reference(resourceId('Microsoft.Network/publicIPAddresses', 'x')).ipAddress]\"}}}",
     "outputs.ip.value: error: column 12: reference() to '/subscriptions/"},
    {"another resource type",
     "{\"resources\": [{\"type\": \"Microsoft.Network/networkSecurityGroups\", \"name\": \"n\"}]}",
     "resources[0]: error: not imported: the type Microsoft.Network/networkSecurityGroups is not "
     "simulated"},
    {"a gateway outside the GatewaySubnet",
     "{\"resources\": [" VNET ", " PIP ", " GW("apps") "]}",
     "resources[2].properties.ipConfigurations[0].properties.subnet.id: error: a gateway's IP "
     "configuration is in the subnet named GatewaySubnet, not 'apps'"},
    {"a gateway in a subnet that does not exist",
     "{\"resources\": [" VNET ", " PIP ", " GW("nope") "]}",
     "resources[2].properties.ipConfigurations[0].properties.subnet.id: error: "
     "'/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/vpnsim-rg/providers/"
     "Microsoft.Network/virtualNetworks/v/subnets/nope' names a subnet the template does not "
     "deploy (a dangling resourceId)"},
    {"a connection whose gateway is a local network gateway",
     "{\"resources\": [{\"type\": \"Microsoft.Network/localNetworkGateways\", \"name\": \"l\", "
     "\"properties\": {\"gatewayIpAddress\": \"198.51.100.20\"}}, {\"type\": "
     "\"Microsoft.Network/connections\", \"name\": \"c\", \"properties\": {\"connectionType\": "
     "\"IPsec\", \"virtualNetworkGateway1\": {\"id\": "
     "\"[resourceId('Microsoft.Network/localNetworkGateways', 'l')]\"}}}]}",
     "resources[1].properties.virtualNetworkGateway1.id: error: 'l' is a "
     "Microsoft.Network/localNetworkGateways, not a Microsoft.Network/virtualNetworkGateways"},
    {"a boolean that is not one",
     "{\"resources\": [" VNET ", " PIP ", {\"type\": \"Microsoft.Network/virtualNetworkGateways\", "
     "\"name\": \"g\", \"properties\": {\"activeActive\": \"yes\"}}]}",
     "resources[2].properties.activeActive: error: must be a bool (true/false)"},
    {"a resource loop",
     "{\"resources\": [{\"type\": \"Microsoft.Network/publicIPAddresses\", \"name\": \"p\", "
     "\"copy\": {\"name\": \"c\", \"count\": 2}}]}",
     "resources[0].copy: error: not imported: resource loops (copy) are not evaluated"},
    {"user-defined functions",
     "{\"functions\": [], \"resources\": []}",
     "functions: error: not imported: user-defined functions are not evaluated"},
    {"not a template", "[1, 2]", "error: not a JSON object"},
    {"no resources", "{}", "resources: error: a deployment template has a resources array"},
};

static char *write_tmp(const char *json)
{
  g_autoptr(GError) err = NULL;
  char *path = NULL;
  int fd = g_file_open_tmp("arm-XXXXXX.json", &path, &err);
  g_assert_no_error(err);
  g_assert_true(write(fd, json, strlen(json)) == (ssize_t)strlen(json));
  close(fd);
  return path;
}

/* Import json; the problems as lines with the file name left out; the YAML or NULL. */
static char *import(const char *json, const char *const *sets, GString *lines)
{
  g_autofree char *path = write_tmp(json);
  ArmImportOptions o = {.template_path = path, .sets = sets};
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func((GDestroyNotify)arm_problem_free);
  char *yaml = arm_import(&o, problems);
  for (guint i = 0; i < problems->len; i++) {
    g_autofree char *l = arm_problem_format(g_ptr_array_index(problems, i));
    g_string_append_printf(lines, "%s\n", g_str_has_prefix(l, path) ? l + strlen(path) + 2 : l);
  }
  g_unlink(path);
  return yaml;
}

static void test_cases(void)
{
  for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autoptr(GString) lines = g_string_new(NULL);
    g_autofree char *yaml = import(cases[i].json, NULL, lines);
    if (yaml || !strstr(lines->str, cases[i].want))
      g_error("%s: %s; want '%s', got:\n%s", cases[i].what, yaml ? "imported" : "failed",
              cases[i].want, lines->str);
  }
}

/* A parameter whose value is refused is reported once, where it was given, and not again
 * at each of its two uses. */
static void test_once(void)
{
  const char *json =
      "{\"parameters\": {\"n\": {\"type\": \"int\", \"defaultValue\": 1}}, \"variables\": "
      "{\"a\": \"[add(parameters('n'), 1)]\", \"b\": \"[parameters('n')]\"}, \"resources\": []}";
  const char *const sets[] = {"n=one", NULL};
  g_autoptr(GString) lines = g_string_new(NULL);
  g_autofree char *yaml = import(json, sets, lines);
  g_assert_null(yaml);
  g_assert_cmpstr(lines->str, ==, "--set: n: error: parameter 'n': 'one' is not a valid int\n");
}

/* A template with nothing but a VNet imports, and its subnets keep their order. */
static void test_minimal(void)
{
  g_autoptr(GString) lines = g_string_new(NULL);
  g_autofree char *yaml = import("{\"resources\": [" VNET "]}", NULL, lines);
  g_assert_nonnull(yaml);
  g_assert_cmpstr(lines->str, ==, "");
  const char *a = strstr(yaml, "{name: GatewaySubnet, addressPrefix: 10.1.255.0/27}");
  const char *b = strstr(yaml, "{name: apps, addressPrefix: 10.1.1.0/24}");
  g_assert_true(a && b && a < b);
}

/* A NAT rule's single-port mapping comes across as ARM's {addressSpace, portRange} object,
 * beside a mapping without a port (a child natRules resource of the gateway). */
static void test_nat_port(void)
{
  g_autoptr(GString) lines = g_string_new(NULL);
  g_autofree char *yaml = import(
      "{\"resources\": [" VNET ", " PIP ", " GW("GatewaySubnet") ", {\"type\": "
      "\"Microsoft.Network/virtualNetworkGateways/natRules\", \"name\": \"g/web\", "
      "\"properties\": {\"type\": \"Static\", \"mode\": \"IngressSnat\", "
      "\"internalMappings\": [{\"addressSpace\": \"192.168.1.10/32\", \"portRange\": "
      "\"5001\"}], \"externalMappings\": [{\"addressSpace\": \"100.64.1.10/32\", "
      "\"portRange\": \"8080\"}]}}]}",
      NULL, lines);
  g_assert_nonnull(yaml);
  g_assert_cmpstr(lines->str, ==, "");
  g_assert_nonnull(strstr(yaml, "internalMappings: [{addressSpace: 192.168.1.10/32, portRange: "
                                "\"5001\"}], externalMappings: [{addressSpace: 100.64.1.10/32, "
                                "portRange: \"8080\"}]"));
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/arm_import/cases", test_cases);
  g_test_add_func("/arm_import/once", test_once);
  g_test_add_func("/arm_import/minimal", test_minimal);
  g_test_add_func("/arm_import/nat_port", test_nat_port);
  return g_test_run();
}
