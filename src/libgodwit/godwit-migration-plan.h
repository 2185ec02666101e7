/* godwit-migration-plan.h
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "godwit-model-bundle.h"

G_BEGIN_DECLS

/* The "godwit-migration-plan" number this Godwit reads. */
#define GODWIT_MIGRATION_PLAN_FORMAT_VERSION 1
#define GODWIT_MIGRATION_PLAN_MAX_SIZE       (16 * 1024 * 1024)
/* Arrays and objects nested deeper are refused before json-glib, whose
 * recursive parser would overflow the stack. */
#define GODWIT_MIGRATION_PLAN_MAX_DEPTH      32

typedef enum
{
  GODWIT_MIGRATION_STAGE_LIGHTWEIGHT,  /* like NSLightweightMigrationStage */
  GODWIT_MIGRATION_STAGE_CUSTOM,       /* like NSCustomMigrationStage */
} GodwitMigrationStageKind;

/* One destination attribute and the SQL expression over the source object
 * that gives its value. */
typedef struct
{
  char *attribute;
  char *expression;
} GodwitPlanValue;

/* One destination to-one relationship: it links to the object that the
 * entity mapping @mapping made from the source object whose Z_PK
 * @source_key (an SQL expression over the source object) gives. */
typedef struct
{
  char *relationship;
  char *mapping;
  char *source_key;
} GodwitPlanLink;

typedef struct
{
  char      *name;
  char      *source;          /* source entity */
  char      *destination;     /* destination entity */
  char      *filter;          /* (nullable) SQL condition on the source object */
  GPtrArray *attributes;      /* (element-type GodwitPlanValue) in the plan's order */
  GPtrArray *relationships;   /* (element-type GodwitPlanLink) in the plan's order */
  char      *json_path;       /* "stages[1].entity-mappings[0]", for messages */
} GodwitPlanEntityMapping;

typedef struct
{
  GodwitMigrationStageKind  kind;
  GStrv                     versions;         /* the versions passed through, in order: at least 2;
                                               * a custom stage has exactly 2 (from, to) */
  GStrv                     will_migrate;     /* custom: SQL statements, source schema; else empty */
  GStrv                     did_migrate;      /* custom: SQL statements, destination schema; else empty */
  GPtrArray                *entity_mappings;  /* (element-type GodwitPlanEntityMapping); empty
                                               * for a lightweight stage */
  char                     *json_path;        /* "stages[1]", for messages */
} GodwitMigrationStage;

#define GODWIT_TYPE_MIGRATION_PLAN (godwit_migration_plan_get_type ())

G_DECLARE_FINAL_TYPE (GodwitMigrationPlan, godwit_migration_plan, GODWIT, MIGRATION_PLAN, GObject)

GodwitMigrationPlan        *godwit_migration_plan_new_for_path (const char          *path,
                                                                GError             **error);
GodwitMigrationPlan        *godwit_migration_plan_new_for_data (const char          *data,
                                                                gsize                length,
                                                                const char          *origin,
                                                                GError             **error);
const char                 *godwit_migration_plan_get_path     (GodwitMigrationPlan *self);
const char * const         *godwit_migration_plan_get_order    (GodwitMigrationPlan *self);
GPtrArray                  *godwit_migration_plan_get_stages   (GodwitMigrationPlan *self);
const GodwitMigrationStage *godwit_migration_plan_find_stage   (GodwitMigrationPlan *self,
                                                                const char          *from,
                                                                const char          *to);
gboolean                    godwit_migration_plan_validate     (GodwitMigrationPlan *self,
                                                                GodwitModelBundle   *bundle,
                                                                GError             **error);

/* Stages no plan owns, such as one made from an Xcode mapping model. */
GodwitMigrationStage    *godwit_migration_stage_new_custom         (const char                  *from,
                                                                    const char                  *to,
                                                                    const char                  *json_path);
GodwitPlanEntityMapping *godwit_migration_stage_add_entity_mapping (GodwitMigrationStage        *self,
                                                                    const char                  *name,
                                                                    const char                  *source,
                                                                    const char                  *destination,
                                                                    const char                  *json_path);
void                     godwit_plan_entity_mapping_add_value      (GodwitPlanEntityMapping     *self,
                                                                    const char                  *attribute,
                                                                    const char                  *expression);
void                     godwit_plan_entity_mapping_add_link       (GodwitPlanEntityMapping     *self,
                                                                    const char                  *relationship,
                                                                    const char                  *mapping,
                                                                    const char                  *source_key);
gboolean                 godwit_migration_stage_validate           (const GodwitMigrationStage  *stage,
                                                                    GodwitModel                 *source,
                                                                    GodwitModel                 *destination,
                                                                    const char                  *origin,
                                                                    GError                     **error);
void                     godwit_migration_stage_free               (GodwitMigrationStage        *stage);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GodwitMigrationStage, godwit_migration_stage_free)

G_END_DECLS
