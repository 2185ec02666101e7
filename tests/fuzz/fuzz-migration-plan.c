/* fuzz-migration-plan.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "godwit-fuzz"

#include "config.h"

#include "fuzz-target.h"
#include "godwit-migration-plan.h"

/* A migration plan's JSON (docs/migration-plan.md). */
int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GodwitMigrationPlan) plan = NULL;

  plan = godwit_migration_plan_new_for_data ((const char *) data, size, "fuzz.godwit-plan.json", &error);

  return 0;
}
