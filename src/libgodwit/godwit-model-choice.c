/* godwit-model-choice.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The model a store's objects are read with, chosen as docs/cli.md
 * describes it: the bundle's version the store matches, else the model
 * the store cached, else none (the schema-only view). Which bundle, if
 * any, is the caller's part: the one the user named, or the one beside
 * the store (godwit_model_bundle_find_for_store()).
 */

#define G_LOG_DOMAIN "godwit-model-choice"

#include "config.h"

#include "godwit-model-choice.h"

struct _GodwitModelChoice
{
  GObject                  parent_instance;

  GodwitModel             *model;               /* (nullable) */
  GodwitModelChoiceSource  source;
  GodwitVersionMatch      *bundle_match;        /* (nullable) */
  GodwitModel             *cached_model;        /* (nullable) */
  char                    *cached_model_error;  /* (nullable) */
};

G_DEFINE_FINAL_TYPE (GodwitModelChoice, godwit_model_choice, G_TYPE_OBJECT)

static void
godwit_model_choice_finalize (GObject *object)
{
  GodwitModelChoice *self = (GodwitModelChoice *)object;

  g_clear_object (&self->model);
  g_clear_object (&self->bundle_match);
  g_clear_object (&self->cached_model);
  g_clear_pointer (&self->cached_model_error, g_free);

  G_OBJECT_CLASS (godwit_model_choice_parent_class)->finalize (object);
}

static void
godwit_model_choice_class_init (GodwitModelChoiceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = godwit_model_choice_finalize;
}

static void
godwit_model_choice_init (GodwitModelChoice *self)
{
  self->source = GODWIT_MODEL_CHOICE_NONE;
}

/**
 * godwit_model_choice_new:
 * @store: an open store
 * @bundle: (nullable): the bundle to read @store with
 *
 * Chooses the model for @store: the version of @bundle whose entity
 * version hashes all equal the store's metadata, else the store's cached
 * model, else none. A cached model that cannot be decoded is no failure:
 * why is kept, to be shown, and the choice moves on.
 *
 * The choice does not touch @store: pass godwit_model_choice_get_model()
 * to godwit_store_set_model().
 *
 * Returns: (transfer full): the choice
 */
GodwitModelChoice *
godwit_model_choice_new (GodwitStore       *store,
                         GodwitModelBundle *bundle)
{
  GodwitModelChoice *self;
  GodwitModel *matched = NULL;

  g_return_val_if_fail (GODWIT_IS_STORE (store), NULL);
  g_return_val_if_fail (bundle == NULL || GODWIT_IS_MODEL_BUNDLE (bundle), NULL);

  self = g_object_new (GODWIT_TYPE_MODEL_CHOICE, NULL);

  if (godwit_store_has_model_cache (store))
    {
      g_autoptr(GError) error = NULL;

      self->cached_model = godwit_store_load_cached_model (store, &error);
      if (self->cached_model == NULL)
        self->cached_model_error = g_strdup (error->message);
    }

  /* The cached model, when there is one, explains the differences. */
  if (bundle != NULL)
    {
      self->bundle_match = godwit_version_match_new (godwit_store_get_version_hashes (store),
                                                     self->cached_model, bundle);
      matched = godwit_version_match_get_matched_version (self->bundle_match);
    }

  if (matched != NULL)
    {
      self->model = g_object_ref (matched);
      self->source = GODWIT_MODEL_CHOICE_FROM_BUNDLE;
    }
  else if (self->cached_model != NULL)
    {
      self->model = g_object_ref (self->cached_model);
      self->source = GODWIT_MODEL_CHOICE_FROM_STORE_CACHE;
    }

  return self;
}

/**
 * godwit_model_choice_get_model:
 *
 * Returns: (nullable) (transfer none): the model chosen, %NULL for the
 *   schema-only view
 */
GodwitModel *
godwit_model_choice_get_model (GodwitModelChoice *self)
{
  g_return_val_if_fail (GODWIT_IS_MODEL_CHOICE (self), NULL);

  return self->model;
}

GodwitModelChoiceSource
godwit_model_choice_get_source (GodwitModelChoice *self)
{
  g_return_val_if_fail (GODWIT_IS_MODEL_CHOICE (self), GODWIT_MODEL_CHOICE_NONE);

  return self->source;
}

/**
 * godwit_model_choice_get_bundle_match:
 *
 * Returns: (nullable) (transfer none): the store against the bundle;
 *   %NULL without a bundle
 */
GodwitVersionMatch *
godwit_model_choice_get_bundle_match (GodwitModelChoice *self)
{
  g_return_val_if_fail (GODWIT_IS_MODEL_CHOICE (self), NULL);

  return self->bundle_match;
}

/**
 * godwit_model_choice_get_cached_model:
 *
 * Returns: (nullable) (transfer none): the store's Z_MODELCACHE decoded;
 *   %NULL when the store has none or it could not be decoded
 */
GodwitModel *
godwit_model_choice_get_cached_model (GodwitModelChoice *self)
{
  g_return_val_if_fail (GODWIT_IS_MODEL_CHOICE (self), NULL);

  return self->cached_model;
}

/**
 * godwit_model_choice_get_cached_model_error:
 *
 * Returns: (nullable): why the store's cached model could not be decoded
 */
const char *
godwit_model_choice_get_cached_model_error (GodwitModelChoice *self)
{
  g_return_val_if_fail (GODWIT_IS_MODEL_CHOICE (self), NULL);

  return self->cached_model_error;
}
