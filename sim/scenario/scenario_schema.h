/* SPDX-License-Identifier: MIT */
/* The JSON Schema (draft 2020-12) of a scenario file, generated from the loader's tables
 * (docs/scenario.schema.json is its output; tests/schema.t keeps them equal). */
#pragma once

/* The schema as pretty-printed JSON with a final newline (g_free). */
char *scn_schema_json(void);
