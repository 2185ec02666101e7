/* godwit-entity.h
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "godwit-property.h"

G_BEGIN_DECLS

#define GODWIT_TYPE_ENTITY (godwit_entity_get_type ())

typedef struct _GodwitEntity GodwitEntity;

typedef struct
{
  char     *property;
  char     *type;        /* "Binary" or "R-Tree" */
  gboolean  ascending;
} GodwitFetchIndexElement;

typedef struct
{
  char      *name;
  GPtrArray *elements;   /* (element-type GodwitFetchIndexElement) */
  char      *partial_index_predicate;
} GodwitFetchIndex;

/**
 * GodwitEntity:
 *
 * An entity as NSEntityDescription describes it. The readers fill the
 * first group of fields; godwit_model_resolve() fills the second.
 */
struct _GodwitEntity
{
  /*< private >*/
  gatomicrefcount  ref_count;

  /*< public >*/
  char            *name;
  char            *class_name;
  char            *parent_name;
  gboolean         abstract;
  char            *renaming_identifier;
  char            *version_hash_modifier;
  GPtrArray       *properties;             /* (element-type GodwitProperty): own properties */
  GPtrArray       *uniqueness_constraints; /* (element-type GStrv) */
  GPtrArray       *fetch_indexes;          /* (element-type GodwitFetchIndex) */
  GHashTable      *user_info;              /* (element-type utf8 utf8) */

  /* Resolved by the model */
  GodwitEntity    *parent;                 /* (nullable) (unowned) */
  GPtrArray       *subentities;            /* (element-type GodwitEntity) (unowned) */
  guint8           version_hash[GODWIT_VERSION_HASH_LENGTH];
};

GType           godwit_entity_get_type             (void) G_GNUC_CONST;
GodwitEntity   *godwit_entity_new                  (const char         *name);
GodwitEntity   *godwit_entity_ref                  (GodwitEntity       *self);
void            godwit_entity_unref                (GodwitEntity       *self);
void            godwit_entity_add_property         (GodwitEntity       *self,
                                                    GodwitProperty     *property);
GodwitProperty *godwit_entity_get_own_property     (GodwitEntity       *self,
                                                    const char         *name);
GodwitProperty *godwit_entity_find_property        (GodwitEntity       *self,
                                                    const char         *name);
GPtrArray      *godwit_entity_dup_all_properties   (GodwitEntity       *self);
GodwitEntity   *godwit_entity_get_root             (GodwitEntity       *self);
gboolean        godwit_entity_is_kind_of           (GodwitEntity       *self,
                                                    GodwitEntity       *ancestor);
char           *godwit_entity_dup_version_hash_hex (GodwitEntity       *self);
int             godwit_entity_compare_by_name      (gconstpointer       a,
                                                    gconstpointer       b);

GodwitFetchIndex *godwit_fetch_index_new           (const char         *name);
void              godwit_fetch_index_free          (GodwitFetchIndex   *index);
void              godwit_fetch_index_add_element   (GodwitFetchIndex   *index,
                                                    const char         *property,
                                                    const char         *type,
                                                    gboolean            ascending);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GodwitEntity, godwit_entity_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GodwitFetchIndex, godwit_fetch_index_free)

G_END_DECLS
