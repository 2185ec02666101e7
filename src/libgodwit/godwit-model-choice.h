/* godwit-model-choice.h
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "godwit-model-bundle.h"
#include "godwit-store.h"
#include "godwit-version-match.h"

G_BEGIN_DECLS

/* Where the model a store's objects are read with comes from. */
typedef enum
{
  GODWIT_MODEL_CHOICE_NONE,               /* the schema-only view */
  GODWIT_MODEL_CHOICE_FROM_BUNDLE,        /* the bundle version the store matches */
  GODWIT_MODEL_CHOICE_FROM_STORE_CACHE,   /* Z_MODELCACHE */
} GodwitModelChoiceSource;

#define GODWIT_TYPE_MODEL_CHOICE (godwit_model_choice_get_type ())

G_DECLARE_FINAL_TYPE (GodwitModelChoice, godwit_model_choice, GODWIT, MODEL_CHOICE, GObject)

GodwitModelChoice       *godwit_model_choice_new                    (GodwitStore       *store,
                                                                     GodwitModelBundle *bundle);
GodwitModel             *godwit_model_choice_get_model              (GodwitModelChoice *self);
GodwitModelChoiceSource  godwit_model_choice_get_source             (GodwitModelChoice *self);
GodwitVersionMatch      *godwit_model_choice_get_bundle_match       (GodwitModelChoice *self);
GodwitModel             *godwit_model_choice_get_cached_model       (GodwitModelChoice *self);
const char              *godwit_model_choice_get_cached_model_error (GodwitModelChoice *self);

G_END_DECLS
