/* godwit-custom-migration-private.h
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "godwit-custom-migration.h"
#include "godwit-store-layout.h"

G_BEGIN_DECLS

/* An entity mapping of a custom stage as it runs: one the stage gives, or
 * the implicit copy of a destination entity that none makes. The stage
 * report reads the objects it maps as the migration does. */
typedef struct
{
  char                          *name;
  char                          *where;        /* "stages[1].entity-mappings[0] (PostToSection)", for messages */
  GodwitEntity                  *source;       /* (unowned) */
  GodwitEntity                  *destination;  /* (unowned) */
  const GodwitPlanEntityMapping *plan;         /* (nullable) (unowned): NULL for an implicit mapping */
  /* Set by the migration when it plans its statements: */
  gboolean                       keeps_pk;     /* the copy of a source entity: objects keep Z_PK and Z_OPT */
  gboolean                       identity;     /* keeps_pk without filter: every source object, by its Z_PK */
  guint                          index;        /* its table is temp.godwit_map_<index>, unless identity */
  guint                          view;         /* its source objects are temp.godwit_source_<view> */
} GodwitStageMapping;

GPtrArray             *_godwit_custom_migration_collect_mappings   (GodwitModel                 *source,
                                                                    GodwitModel                 *destination,
                                                                    const GodwitMigrationStage  *stage,
                                                                    GodwitModelDiff             *diff,
                                                                    GError                     **error);
char                  *_godwit_custom_migration_dup_source_objects (GodwitStoreLayout           *layout,
                                                                    GodwitEntity                *entity,
                                                                    const char                  *schema);
const GodwitPlanValue *_godwit_stage_mapping_find_value            (const GodwitStageMapping    *mapping,
                                                                    const char                  *attribute);

G_END_DECLS
