/* godwit-property.h
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* Core Data's NSAttributeType numbers, as archived in compiled models. */
typedef enum
{
  GODWIT_ATTRIBUTE_TYPE_UNDEFINED     = 0,
  GODWIT_ATTRIBUTE_TYPE_INTEGER_16    = 100,
  GODWIT_ATTRIBUTE_TYPE_INTEGER_32    = 200,
  GODWIT_ATTRIBUTE_TYPE_INTEGER_64    = 300,
  GODWIT_ATTRIBUTE_TYPE_DECIMAL       = 400,
  GODWIT_ATTRIBUTE_TYPE_DOUBLE        = 500,
  GODWIT_ATTRIBUTE_TYPE_FLOAT         = 600,
  GODWIT_ATTRIBUTE_TYPE_STRING        = 700,
  GODWIT_ATTRIBUTE_TYPE_BOOLEAN       = 800,
  GODWIT_ATTRIBUTE_TYPE_DATE          = 900,
  GODWIT_ATTRIBUTE_TYPE_BINARY        = 1000,
  GODWIT_ATTRIBUTE_TYPE_UUID          = 1100,
  GODWIT_ATTRIBUTE_TYPE_URI           = 1200,
  GODWIT_ATTRIBUTE_TYPE_TRANSFORMABLE = 1800,
  GODWIT_ATTRIBUTE_TYPE_OBJECT_ID     = 2000,
  GODWIT_ATTRIBUTE_TYPE_COMPOSITE     = 2100,
} GodwitAttributeType;

typedef enum
{
  GODWIT_PROPERTY_KIND_ATTRIBUTE,
  GODWIT_PROPERTY_KIND_RELATIONSHIP,
  GODWIT_PROPERTY_KIND_FETCHED,
} GodwitPropertyKind;

/* NSDeleteRule numbers. */
typedef enum
{
  GODWIT_DELETE_RULE_NO_ACTION = 0,
  GODWIT_DELETE_RULE_NULLIFY   = 1,
  GODWIT_DELETE_RULE_CASCADE   = 2,
  GODWIT_DELETE_RULE_DENY      = 3,
} GodwitDeleteRule;

#define GODWIT_VERSION_HASH_LENGTH 32

#define GODWIT_TYPE_PROPERTY (godwit_property_get_type ())

typedef struct _GodwitProperty GodwitProperty;

/**
 * GodwitProperty:
 *
 * One property of an entity: an attribute, a relationship or a fetched
 * property, as NSPropertyDescription and its subclasses describe it.
 * Fields are filled by the model readers and read-only afterwards.
 */
struct _GodwitProperty
{
  /*< private >*/
  gatomicrefcount     ref_count;

  /*< public >*/
  GodwitPropertyKind  kind;
  char               *name;
  char               *renaming_identifier;
  char               *version_hash_modifier;
  gboolean            optional;
  gboolean            transient;
  gboolean            read_only;
  gboolean            indexed;
  gboolean            indexed_by_spotlight;
  GHashTable         *user_info;             /* (element-type utf8 utf8) */

  /* Attributes */
  GodwitAttributeType attribute_type;
  char               *value_class_name;
  char               *value_transformer_name;
  char               *default_value;         /* as Xcode writes defaultValueString; dates in seconds since 2001 */
  char               *min_value;
  char               *max_value;
  gboolean            allows_external_binary_data_storage;
  gboolean            preserves_value_in_history_on_deletion;
  gboolean            derived;
  char               *derivation_expression;

  /* Relationships */
  char               *destination_entity;
  char               *inverse_name;
  char               *inverse_entity;
  gint32              min_count;
  gint32              max_count;             /* 1 for to-one, 0 for unbounded to-many */
  gboolean            to_many;
  gboolean            ordered;
  GodwitDeleteRule    delete_rule;

  /* Fetched properties */
  char               *fetch_request_entity;
  char               *fetch_request_predicate;
};

GType           godwit_property_get_type               (void) G_GNUC_CONST;
GodwitProperty *godwit_property_new                    (GodwitPropertyKind   kind,
                                                        const char          *name);
GodwitProperty *godwit_property_ref                    (GodwitProperty      *self);
void            godwit_property_unref                  (GodwitProperty      *self);
gboolean        godwit_property_is_stored              (const GodwitProperty *self);
void            godwit_property_compute_version_hash   (const GodwitProperty *self,
                                                        guint8               hash[GODWIT_VERSION_HASH_LENGTH]);

int             godwit_property_compare_by_name        (gconstpointer        a,
                                                        gconstpointer        b);

const char     *godwit_attribute_type_to_string        (GodwitAttributeType  type);
char           *godwit_attribute_type_dup_name         (GodwitAttributeType  type);
gboolean        godwit_attribute_type_from_string      (const char          *string,
                                                        GodwitAttributeType *type);
gboolean        godwit_attribute_type_is_known         (gint64               number);
const char     *godwit_delete_rule_to_string           (GodwitDeleteRule     rule);
gboolean        godwit_delete_rule_from_string         (const char          *string,
                                                        GodwitDeleteRule    *rule);
const char     *godwit_property_kind_to_string         (GodwitPropertyKind   kind);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GodwitProperty, godwit_property_unref)

G_END_DECLS
