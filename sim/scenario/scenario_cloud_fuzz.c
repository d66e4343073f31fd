/* SPDX-License-Identifier: MIT */
/* libFuzzer target: arbitrary bytes as a scenario through the YAML tree, the cloud-section
 * loader and every configuration rule; nothing may crash, leak or overflow. */
#include "sim/scenario/scenario_cloud.h"

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  GError *error = NULL;
  YtDoc *doc = yt_load_string("fuzz.yaml", (const char *)data, size, yt_error_sink(&error));
  if (!doc) {
    g_clear_error(&error);
    return 0;
  }
  GwDiags *d = gw_diags_new();
  scn_cloud_validate(doc, d);
  for (size_t i = 0; i < gw_diags_len(d); i++)
    g_free(gw_diag_format(gw_diags_get(d, i)));
  gw_diags_free(d);
  yt_doc_free(doc);
  return 0;
}
