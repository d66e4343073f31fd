/* SPDX-License-Identifier: MIT */
/* The catalogue's self-test (catalogue.h, ConfFault): per active check, the gateway fault
 * under which it must fail and the edit of its scenarios that applies it; a row without an
 * edit is a check that cannot be made to fail yet, and says why. tests/catalogue-selftest.t
 * runs every check once more with its edit and requires the failure. Rows in catalogue
 * order. */
#include "conformance/catalogue.h"

#include <string.h>

/* conf_faults[] is generated from the fault: of each check: block (see catalogue.c);
 * old-format rows here are moved into check files by scripts/convert-checks. */

const ConfFault *conf_check_fault(const ConfCheck *c)
{
  for (size_t i = 0; c && i < conf_n_faults; i++)
    if (!strcmp(conf_faults[i].id, c->id))
      return &conf_faults[i];
  return NULL;
}
