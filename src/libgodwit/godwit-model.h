/* godwit-model.h
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "godwit-entity.h"

G_BEGIN_DECLS

/* Where a model version was read from. */
typedef enum
{
  GODWIT_MODEL_SOURCE_XML,          /* an .xcdatamodel's contents */
  GODWIT_MODEL_SOURCE_COMPILED,     /* a compiled .mom */
  GODWIT_MODEL_SOURCE_STORE_CACHE,  /* a store's Z_MODELCACHE */
  GODWIT_MODEL_SOURCE_WRITER,       /* built in code */
} GodwitModelSource;

typedef struct
{
  char *name;
  char *entity;
  char *predicate;
} GodwitFetchRequestTemplate;

#define GODWIT_TYPE_MODEL (godwit_model_get_type ())

G_DECLARE_FINAL_TYPE (GodwitModel, godwit_model, GODWIT, MODEL, GObject)

GodwitModel       *godwit_model_new                       (const char         *version_name,
                                                           GodwitModelSource   source);
void               godwit_model_add_entity                (GodwitModel        *self,
                                                           GodwitEntity       *entity);
void               godwit_model_add_version_identifier    (GodwitModel        *self,
                                                           const char         *identifier);
void               godwit_model_add_configuration         (GodwitModel        *self,
                                                           const char         *name,
                                                           const char * const *entity_names);
void               godwit_model_add_fetch_request_template (GodwitModel       *self,
                                                           const char         *name,
                                                           const char         *entity,
                                                           const char         *predicate);
void               godwit_model_set_path                  (GodwitModel        *self,
                                                           const char         *path);
gboolean           godwit_model_resolve                   (GodwitModel        *self,
                                                           GError            **error);

const char        *godwit_model_get_version_name          (GodwitModel        *self);
GodwitModelSource  godwit_model_get_source                (GodwitModel        *self);
const char        *godwit_model_get_source_name           (GodwitModel        *self);
const char        *godwit_model_get_path                  (GodwitModel        *self);
GPtrArray         *godwit_model_get_entities              (GodwitModel        *self);
GodwitEntity      *godwit_model_get_entity                (GodwitModel        *self,
                                                           const char         *name);
GodwitProperty    *godwit_model_find_inverse              (GodwitModel        *self,
                                                           GodwitProperty     *relationship);
GPtrArray         *godwit_model_get_version_identifiers   (GodwitModel        *self);
GHashTable        *godwit_model_get_configurations        (GodwitModel        *self);
GPtrArray         *godwit_model_get_fetch_request_templates (GodwitModel      *self);
GHashTable        *godwit_model_get_user_info             (GodwitModel        *self);
char              *godwit_model_dup_version_hashes_digest (GodwitModel        *self);
char              *godwit_model_dup_version_checksum      (GodwitModel        *self);
gboolean           godwit_model_is_resolved               (GodwitModel        *self);

G_END_DECLS
