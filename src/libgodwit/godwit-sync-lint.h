/* godwit-sync-lint.h
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "godwit-model-diff.h"

G_BEGIN_DECLS

typedef enum
{
  GODWIT_SYNC_LINT_WARNING,      /* some values or links may not get across */
  GODWIT_SYNC_LINT_BREAKS_SYNC,  /* documents change shape: values or objects are lost */
} GodwitSyncLintSeverity;

typedef enum
{
  GODWIT_SYNC_LINT_ENTITY_REMOVED,
  GODWIT_SYNC_LINT_ENTITY_RENAMED,
  GODWIT_SYNC_LINT_ENTITY_BECOMES_ABSTRACT,
  GODWIT_SYNC_LINT_PROPERTY_REMOVED,              /* or no longer stored */
  GODWIT_SYNC_LINT_PROPERTY_RENAMED,
  GODWIT_SYNC_LINT_KIND_CHANGED,                  /* attribute ↔ relationship */
  GODWIT_SYNC_LINT_TYPE_CHANGED,
  GODWIT_SYNC_LINT_TO_MANY_CHANGED,
  GODWIT_SYNC_LINT_DESTINATION_CHANGED,
  GODWIT_SYNC_LINT_REQUIRED_VALUE_ADDED,          /* non-optional, no default, on an existing entity */
  GODWIT_SYNC_LINT_BECOMES_REQUIRED,              /* optional → non-optional without a default */
  GODWIT_SYNC_LINT_BECOMES_REQUIRED_WITH_DEFAULT,
  GODWIT_SYNC_LINT_BECOMES_OPTIONAL,
  GODWIT_SYNC_LINT_ORDERING_CHANGED,
  GODWIT_SYNC_LINT_INVERSE_CHANGED,
  GODWIT_SYNC_LINT_HIERARCHY_CHANGED,             /* a relationship's destination gains or loses a sub-entity */
  GODWIT_SYNC_LINT_UNIQUENESS_CONSTRAINT_ADDED,
} GodwitSyncLintRule;

/* One change that older peers of a synced store, still on the step's
 * source version, notice. Names are theirs: the source version's. */
typedef struct
{
  GodwitSyncLintRule      rule;
  GodwitSyncLintSeverity  severity;
  char                   *entity;
  char                   *property;   /* (nullable): none for an entity's own change; a
                                       * uniqueness constraint's properties joined with ", " */
  char                   *message;    /* why, in words */
} GodwitSyncLintFinding;

GPtrArray  *godwit_sync_lint_diff                  (GodwitModelDiff              *diff);
gboolean    godwit_sync_lint_breaks_sync           (GPtrArray                    *findings);
char       *godwit_sync_lint_finding_dup_element   (const GodwitSyncLintFinding  *finding);
void        godwit_sync_lint_finding_free          (GodwitSyncLintFinding        *finding);
const char *godwit_sync_lint_rule_to_string        (GodwitSyncLintRule            rule);
const char *godwit_sync_lint_severity_to_string    (GodwitSyncLintSeverity        severity);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GodwitSyncLintFinding, godwit_sync_lint_finding_free)

G_END_DECLS
