/* godwit-stage-report.h
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "godwit-migration.h"
#include "godwit-sync-lint.h"

G_BEGIN_DECLS

/* What one step does to the stored data, counted on the store. */
typedef enum
{
  GODWIT_DATA_IMPACT_VALUES_DROPPED,        /* a removed attribute or relationship had values */
  GODWIT_DATA_IMPACT_VALUES_NULLED,         /* values that become NULL */
  GODWIT_DATA_IMPACT_NULL_VIOLATION,        /* NULLs where a non-optional attribute needs a value */
  GODWIT_DATA_IMPACT_UNIQUENESS_VIOLATION,  /* objects sharing values a uniqueness constraint forbids */
  GODWIT_DATA_IMPACT_FAILED_CONVERSION,     /* values that do not convert to an attribute's new type */
  GODWIT_DATA_IMPACT_OBJECTS_DROPPED,       /* objects of a removed or unmapped entity */
} GodwitDataImpactKind;

typedef struct
{
  GodwitDataImpactKind  kind;
  char                 *entity;
  char                 *property;    /* (nullable): none for dropped objects; the properties
                                      * joined with ", " for a uniqueness constraint */
  gint64                count;       /* objects (values, for dropped values) affected: never 0 */
  char                 *message;     /* in words, with the count */
  gboolean              loses_data;  /* stored data is gone after the step */
  gboolean              blocks;      /* the step fails while count is not 0 */
} GodwitDataImpact;

/* Objects of one entity before and after the step; -1 where not known
 * (not counted yet, or no such entity on that side). */
typedef struct
{
  char   *source_entity;        /* (nullable): NULL for an added entity */
  char   *destination_entity;   /* (nullable): NULL for a removed entity */
  gint64  before;
  gint64  predicted;            /* what the step's mapping makes */
  gint64  after;                /* what the step made: verified equal to @predicted */
} GodwitEntityCount;

/* The first objects by Z_PK of a changed entity, decoded as
 * godwit_object_to_json() does. */
typedef struct
{
  char      *source_entity;       /* (nullable) */
  char      *destination_entity;  /* (nullable) */
  GPtrArray *before;              /* (element-type JsonNode) (nullable): not read yet */
  GPtrArray *after;               /* (element-type JsonNode) (nullable): not read yet */
} GodwitObjectSamples;

#define GODWIT_TYPE_STAGE_REPORT (godwit_stage_report_get_type ())

G_DECLARE_FINAL_TYPE (GodwitStageReport, godwit_stage_report, GODWIT, STAGE_REPORT, GObject)

guint                    godwit_stage_report_get_step                (GodwitStageReport    *self);
GodwitMigrationStepKind  godwit_stage_report_get_kind                (GodwitStageReport    *self);
const char              *godwit_stage_report_get_source_version      (GodwitStageReport    *self);
const char              *godwit_stage_report_get_destination_version (GodwitStageReport    *self);
GodwitModelDiff         *godwit_stage_report_get_diff                (GodwitStageReport    *self);
GPtrArray               *godwit_stage_report_get_blockers            (GodwitStageReport    *self);
gboolean                 godwit_stage_report_get_ran                 (GodwitStageReport    *self);
GPtrArray               *godwit_stage_report_get_counts              (GodwitStageReport    *self);
GPtrArray               *godwit_stage_report_get_impacts             (GodwitStageReport    *self);
GPtrArray               *godwit_stage_report_get_sql                 (GodwitStageReport    *self);
GPtrArray               *godwit_stage_report_get_samples             (GodwitStageReport    *self);
GPtrArray               *godwit_stage_report_get_sync_findings       (GodwitStageReport    *self);
JsonNode                *godwit_stage_report_to_json                 (GodwitStageReport    *self);

const char              *godwit_data_impact_kind_to_string           (GodwitDataImpactKind  kind);

G_END_DECLS
