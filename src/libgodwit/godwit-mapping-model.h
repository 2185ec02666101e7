/* godwit-mapping-model.h
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Largest xcmapping.xml read, deepest element nesting accepted, and deepest
 * value expression decoded. */
#define GODWIT_MAPPING_MODEL_MAX_SIZE             (64 * 1024 * 1024)
#define GODWIT_MAPPING_MODEL_MAX_DEPTH            64
#define GODWIT_MAPPING_MODEL_MAX_EXPRESSION_DEPTH 32

typedef enum
{
  GODWIT_EXPRESSION_KEY_PATH,               /* $source.a.b */
  GODWIT_EXPRESSION_CONSTANT,               /* YES, 0, "text", nil */
  GODWIT_EXPRESSION_VARIABLE,               /* $manager */
  GODWIT_EXPRESSION_DESTINATION_INSTANCES,  /* FUNCTION($manager, "destinationInstancesForEntityMappingNamed:sourceInstances:", …) */
  GODWIT_EXPRESSION_FUNCTION,               /* any other FUNCTION(): an Objective-C method call */
  GODWIT_EXPRESSION_UNSUPPORTED,            /* an NSExpression class Godwit does not evaluate */
} GodwitExpressionKind;

typedef struct _GodwitExpression GodwitExpression;

/* A value expression of a property mapping (an archived NSExpression). */
struct _GodwitExpression
{
  GodwitExpressionKind  kind;
  char                 *text;          /* as Xcode shows it: "$source.content", "YES";
                                        * "<NSSubqueryExpression>" when unsupported */
  char                 *variable;      /* KEY_PATH, DESTINATION_INSTANCES: the variable the
                                        * key path starts from ("source"); VARIABLE: its name */
  char                 *key_path;      /* KEY_PATH: "content"; DESTINATION_INSTANCES: the source
                                        * key path ("post"), NULL for the source instance itself */
  JsonNode             *constant;      /* CONSTANT: NULL for nil; dates as ISO 8601 strings */
  gboolean              is_date;       /* CONSTANT: an NSDate, exactly @date seconds since
                                        * 2001-01-01 UTC (the ISO string is rounded) */
  double                date;
  char                 *mapping_name;  /* DESTINATION_INSTANCES */
  char                 *selector;      /* FUNCTION */
  GodwitExpression     *operand;       /* FUNCTION: the object the method is called on */
  GPtrArray            *arguments;     /* FUNCTION (element-type GodwitExpression) */
  char                 *class_name;    /* UNSUPPORTED */
};

typedef struct
{
  char             *name;          /* the destination property */
  gboolean          relationship;
  gboolean          is_default;    /* @expression is the one Xcode generates, not one in the file */
  GodwitExpression *expression;    /* (nullable): no value is set */
} GodwitPropertyMapping;

typedef enum
{
  GODWIT_ENTITY_MAPPING_UNDEFINED,
  GODWIT_ENTITY_MAPPING_CUSTOM,
  GODWIT_ENTITY_MAPPING_ADD,
  GODWIT_ENTITY_MAPPING_REMOVE,
  GODWIT_ENTITY_MAPPING_COPY,
  GODWIT_ENTITY_MAPPING_TRANSFORM,
} GodwitEntityMappingType;

typedef struct
{
  char                    *name;
  char                    *source_entity;           /* (nullable): an add mapping */
  char                    *destination_entity;      /* (nullable): a remove mapping */
  gint                     order;
  GodwitEntityMappingType  type;                    /* as recorded: Xcode writes "Undefined" */
  char                    *migration_policy_class;  /* (nullable) */
  JsonNode                *user_info;               /* (nullable) */
  GPtrArray               *attribute_mappings;      /* (element-type GodwitPropertyMapping), by name */
  GPtrArray               *relationship_mappings;   /* (element-type GodwitPropertyMapping), by name */
} GodwitEntityMapping;

#define GODWIT_TYPE_MAPPING_MODEL (godwit_mapping_model_get_type ())

G_DECLARE_FINAL_TYPE (GodwitMappingModel, godwit_mapping_model, GODWIT, MAPPING_MODEL, GObject)

GodwitMappingModel *godwit_mapping_model_new_for_path                 (const char           *path,
                                                                      GError              **error);
const char         *godwit_mapping_model_get_path                     (GodwitMappingModel   *self);
const char         *godwit_mapping_model_get_source_model_path        (GodwitMappingModel   *self);
const char         *godwit_mapping_model_get_destination_model_path   (GodwitMappingModel   *self);
char               *godwit_mapping_model_dup_source_version_name      (GodwitMappingModel   *self);
char               *godwit_mapping_model_dup_destination_version_name (GodwitMappingModel  *self);
GPtrArray          *godwit_mapping_model_get_entity_mappings          (GodwitMappingModel   *self);
gboolean            godwit_mapping_model_needs_policy_classes         (GodwitMappingModel   *self);
GPtrArray          *godwit_mapping_model_dup_unrunnable_reasons       (GodwitMappingModel   *self);

const char         *godwit_expression_kind_to_string                  (GodwitExpressionKind  kind);

G_END_DECLS
