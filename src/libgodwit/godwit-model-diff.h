/* godwit-model-diff.h
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "godwit-model.h"

G_BEGIN_DECLS

typedef enum
{
  GODWIT_CHANGE_UNCHANGED,
  GODWIT_CHANGE_ADDED,
  GODWIT_CHANGE_REMOVED,
  GODWIT_CHANGE_RENAMED,
  GODWIT_CHANGE_MODIFIED,
} GodwitChangeKind;

typedef enum /*< flags >*/
{
  GODWIT_PROPERTY_CHANGE_NONE                    = 0,
  GODWIT_PROPERTY_CHANGE_KIND                    = 1 << 0,  /* attribute ↔ relationship */
  GODWIT_PROPERTY_CHANGE_TYPE                    = 1 << 1,  /* attribute type */
  GODWIT_PROPERTY_CHANGE_OPTIONAL                = 1 << 2,
  GODWIT_PROPERTY_CHANGE_DEFAULT_VALUE           = 1 << 3,
  GODWIT_PROPERTY_CHANGE_TRANSIENT               = 1 << 4,
  GODWIT_PROPERTY_CHANGE_DESTINATION             = 1 << 5,
  GODWIT_PROPERTY_CHANGE_INVERSE                 = 1 << 6,
  GODWIT_PROPERTY_CHANGE_TO_MANY                 = 1 << 7,
  GODWIT_PROPERTY_CHANGE_ORDERED                 = 1 << 8,
  GODWIT_PROPERTY_CHANGE_COUNT                   = 1 << 9,  /* minimum or maximum count */
  GODWIT_PROPERTY_CHANGE_DELETE_RULE             = 1 << 10,
  GODWIT_PROPERTY_CHANGE_EXTERNAL_STORAGE        = 1 << 11,
  GODWIT_PROPERTY_CHANGE_PRESERVE_AFTER_DELETION = 1 << 12,
  GODWIT_PROPERTY_CHANGE_VERSION_HASH_MODIFIER   = 1 << 13,
  GODWIT_PROPERTY_CHANGE_VALIDATION              = 1 << 14, /* minimum or maximum value */
  GODWIT_PROPERTY_CHANGE_INDEXED                 = 1 << 15,
  GODWIT_PROPERTY_CHANGE_RENAMED                 = 1 << 16, /* the name changed */
} GodwitPropertyChangeFlags;

typedef struct
{
  GodwitChangeKind  kind;
  GodwitProperty   *source;        /* (nullable) (unowned) */
  GodwitProperty   *destination;   /* (nullable) (unowned) */
  guint             changes;       /* GodwitPropertyChangeFlags */
  gboolean          inferable;
  gboolean          needs_value;   /* becomes non-optional without a default: inferable only if
                                    * no stored object lacks a value */
  char             *explanation;
  char             *blocker;       /* (nullable) why it cannot be inferred */
} GodwitPropertyChange;

typedef struct
{
  GodwitChangeKind  kind;
  GodwitEntity     *source;        /* (nullable) (unowned) */
  GodwitEntity     *destination;   /* (nullable) (unowned) */
  gboolean          parent_changed;
  gboolean          hash_changed;  /* version hashes differ */
  GPtrArray        *properties;    /* (element-type GodwitPropertyChange): every stored property
                                    * of either side, matched */
  gboolean          inferable;
  char             *explanation;
  char             *blocker;       /* (nullable) */
} GodwitEntityChange;

#define GODWIT_TYPE_MODEL_DIFF (godwit_model_diff_get_type ())

G_DECLARE_FINAL_TYPE (GodwitModelDiff, godwit_model_diff, GODWIT, MODEL_DIFF, GObject)

GodwitModelDiff          *godwit_model_diff_new                     (GodwitModel      *source,
                                                                     GodwitModel      *destination);
GodwitModel              *godwit_model_diff_get_source              (GodwitModelDiff  *self);
GodwitModel              *godwit_model_diff_get_destination         (GodwitModelDiff  *self);
GPtrArray                *godwit_model_diff_get_entity_changes      (GodwitModelDiff  *self);
const GodwitEntityChange *godwit_model_diff_find_source_entity      (GodwitModelDiff  *self,
                                                                     const char       *name);
const GodwitEntityChange *godwit_model_diff_find_destination_entity (GodwitModelDiff  *self,
                                                                     const char       *name);
gboolean                  godwit_model_diff_is_empty                (GodwitModelDiff  *self);
gboolean                  godwit_model_diff_is_inferable            (GodwitModelDiff  *self);
GPtrArray                *godwit_model_diff_dup_blockers            (GodwitModelDiff  *self);
const char               *godwit_change_kind_to_string              (GodwitChangeKind  kind);

G_END_DECLS
