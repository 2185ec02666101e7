/* godwit-stage-report.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* What one migration step does to a store's data, counted on the store:
 * objects per entity before, as the step's mapping predicts them and as
 * the step made them; the data it drops, nulls or cannot convert and the
 * values a new rule forbids; the SQL it runs; the first objects of each
 * changed entity before and after; and what peers of a synced store still
 * on the source version notice of the step (from the schema changes
 * alone, when the report is made). GodwitMigration fills it while
 * planning (step 1, from the store itself) and while running (every step,
 * on the work copy); all of it is read through the read-only VFS.
 *
 * The data impacts are counted on the step's input: an inferred step
 * before it runs (it changes its input in place), a migration-plan step
 * after its will-migrate statements, whose result the entity mappings
 * read. Expressions of a plan are evaluated over the source objects as
 * docs/migration-plan.md describes them: each stored attribute and to-one
 * relationship under its name.
 */

#define G_LOG_DOMAIN "godwit-stage-report"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <inttypes.h>
#include <sqlite3.h>
#include <string.h>

#include "godwit-custom-migration-private.h"
#include "godwit-error.h"
#include "godwit-json-private.h"
#include "godwit-readonly-vfs-private.h"
#include "godwit-sql-private.h"
#include "godwit-stage-report-private.h"
#include "godwit-store-layout.h"
#include "godwit-store-writer-private.h"
#include "godwit-value.h"

/* Objects shown of each changed entity, on each side. */
#define N_SAMPLES 3
/* Samples are for reading: a longer string value is cut, so that a step
 * over values of many megabytes does not keep each one again. */
#define SAMPLE_MAX_CHARS 1000

struct _GodwitStageReport
{
  GObject                  parent_instance;

  guint                    number;
  GodwitMigrationStepKind  kind;
  char                    *source_version;
  char                    *destination_version;
  char                    *stage_path;       /* (nullable) */
  char                    *mapping_model;    /* (nullable) */
  GodwitModelDiff         *diff;
  GPtrArray               *blockers;         /* (element-type utf8) */
  GHashTable              *mapped;           /* (element-type utf8): destinations of the plan's mappings */
  gboolean                 ran;
  GPtrArray               *counts;           /* (element-type GodwitEntityCount) */
  GPtrArray               *impacts;          /* (element-type GodwitDataImpact) (nullable) */
  GPtrArray               *sql;              /* (element-type utf8) (nullable) */
  GPtrArray               *samples;          /* (element-type GodwitObjectSamples) (nullable) */
  GPtrArray               *sync_findings;    /* (element-type GodwitSyncLintFinding) */
};

G_DEFINE_FINAL_TYPE (GodwitStageReport, godwit_stage_report, G_TYPE_OBJECT)

static void
data_impact_free (gpointer data)
{
  GodwitDataImpact *impact = data;

  g_free (impact->entity);
  g_free (impact->property);
  g_free (impact->message);
  g_free (impact);
}

static void
entity_count_free (gpointer data)
{
  GodwitEntityCount *count = data;

  g_free (count->source_entity);
  g_free (count->destination_entity);
  g_free (count);
}

static void
object_samples_free (gpointer data)
{
  GodwitObjectSamples *samples = data;

  g_free (samples->source_entity);
  g_free (samples->destination_entity);
  g_clear_pointer (&samples->before, g_ptr_array_unref);
  g_clear_pointer (&samples->after, g_ptr_array_unref);
  g_free (samples);
}

static void
godwit_stage_report_finalize (GObject *object)
{
  GodwitStageReport *self = (GodwitStageReport *) object;

  g_clear_pointer (&self->source_version, g_free);
  g_clear_pointer (&self->destination_version, g_free);
  g_clear_pointer (&self->stage_path, g_free);
  g_clear_pointer (&self->mapping_model, g_free);
  g_clear_object (&self->diff);
  g_clear_pointer (&self->blockers, g_ptr_array_unref);
  g_clear_pointer (&self->mapped, g_hash_table_unref);
  g_clear_pointer (&self->counts, g_ptr_array_unref);
  g_clear_pointer (&self->impacts, g_ptr_array_unref);
  g_clear_pointer (&self->sql, g_ptr_array_unref);
  g_clear_pointer (&self->samples, g_ptr_array_unref);
  g_clear_pointer (&self->sync_findings, g_ptr_array_unref);

  G_OBJECT_CLASS (godwit_stage_report_parent_class)->finalize (object);
}

static void
godwit_stage_report_class_init (GodwitStageReportClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = godwit_stage_report_finalize;
}

static void
godwit_stage_report_init (GodwitStageReport *self)
{
  self->blockers = g_ptr_array_new_with_free_func (g_free);
  self->mapped = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->counts = g_ptr_array_new_with_free_func (entity_count_free);
}

const char *
godwit_data_impact_kind_to_string (GodwitDataImpactKind kind)
{
  switch (kind)
    {
    case GODWIT_DATA_IMPACT_VALUES_DROPPED:
      return "values-dropped";
    case GODWIT_DATA_IMPACT_VALUES_NULLED:
      return "values-nulled";
    case GODWIT_DATA_IMPACT_NULL_VIOLATION:
      return "null-violation";
    case GODWIT_DATA_IMPACT_UNIQUENESS_VIOLATION:
      return "uniqueness-violation";
    case GODWIT_DATA_IMPACT_FAILED_CONVERSION:
      return "failed-conversion";
    case GODWIT_DATA_IMPACT_OBJECTS_DROPPED:
      return "objects-dropped";
    default:
      return NULL;
    }
}

static gboolean
is_concrete (GodwitEntity *entity)
{
  return entity != NULL && !entity->abstract;
}

/**
 * _godwit_stage_report_new:
 * @number: the step's position, from 1
 *
 * An empty report of @step: its changes, and one count per entity of
 * either side that can hold objects, none of them counted yet.
 */
GodwitStageReport *
_godwit_stage_report_new (guint                      number,
                          const GodwitMigrationStep *step)
{
  GodwitStageReport *self;
  GPtrArray *changes;

  g_return_val_if_fail (step != NULL, NULL);

  self = g_object_new (GODWIT_TYPE_STAGE_REPORT, NULL);
  self->number = number;
  self->source_version = g_strdup (godwit_model_get_version_name (step->source));
  self->destination_version = g_strdup (godwit_model_get_version_name (step->destination));
  self->diff = g_object_ref (step->diff);
  self->sync_findings = godwit_sync_lint_diff (self->diff);
  _godwit_stage_report_update_step (self, step);

  if (step->stage != NULL)
    {
      self->stage_path = g_strdup (step->stage->json_path);
      for (guint i = 0; i < step->stage->entity_mappings->len; i++)
        {
          const GodwitPlanEntityMapping *mapping = g_ptr_array_index (step->stage->entity_mappings, i);

          g_hash_table_add (self->mapped, g_strdup (mapping->destination));
        }
    }
  if (step->mapping_model != NULL)
    self->mapping_model = g_strdup (godwit_mapping_model_get_path (step->mapping_model));

  changes = godwit_model_diff_get_entity_changes (self->diff);
  for (guint i = 0; i < changes->len; i++)
    {
      const GodwitEntityChange *change = g_ptr_array_index (changes, i);
      GodwitEntityCount *count;

      if (!is_concrete (change->source) && !is_concrete (change->destination))
        continue;

      count = g_new0 (GodwitEntityCount, 1);
      count->source_entity = change->source != NULL ? g_strdup (change->source->name) : NULL;
      count->destination_entity = change->destination != NULL ? g_strdup (change->destination->name) : NULL;
      count->before = -1;
      count->predicted = -1;
      count->after = -1;
      g_ptr_array_add (self->counts, count);
    }

  return self;
}

/* The step's kind and blockers, which planning may change once the
 * store's data is counted. A step that cannot run predicts nothing. */
void
_godwit_stage_report_update_step (GodwitStageReport         *self,
                                  const GodwitMigrationStep *step)
{
  g_return_if_fail (GODWIT_IS_STAGE_REPORT (self));

  self->kind = step->kind;
  g_ptr_array_set_size (self->blockers, 0);
  for (guint i = 0; i < step->blockers->len; i++)
    g_ptr_array_add (self->blockers, g_strdup (g_ptr_array_index (step->blockers, i)));

  for (guint i = 0; step->blockers->len > 0 && i < self->counts->len; i++)
    ((GodwitEntityCount *) g_ptr_array_index (self->counts, i))->predicted = -1;
}

/* @sql: (transfer full) (nullable) */
void
_godwit_stage_report_set_sql (GodwitStageReport *self,
                              GPtrArray         *sql)
{
  g_return_if_fail (GODWIT_IS_STAGE_REPORT (self));

  g_clear_pointer (&self->sql, g_ptr_array_unref);
  self->sql = sql;
}

/* ---- objects ---------------------------------------------------------- */

static GodwitStore *
open_store (const char    *path,
            GodwitModel   *model,
            GCancellable  *cancellable,
            GError       **error)
{
  g_autoptr(GodwitStore) store = godwit_store_open (path, cancellable, error);

  if (store == NULL || !godwit_store_set_model (store, model, error))
    return NULL;

  return g_steal_pointer (&store);
}

/* The first objects of exactly @entity_name, by Z_PK. */
static void
cut_long_strings (JsonObject *attributes)
{
  g_autoptr(GList) names = json_object_get_members (attributes);

  for (const GList *l = names; l != NULL; l = l->next)
    {
      JsonNode *node = json_object_get_member (attributes, l->data);
      g_autofree char *name = NULL;
      g_autofree char *cut = NULL;
      const char *text;
      const char *end;

      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
        continue;
      text = end = json_node_get_string (node);
      for (guint n = 0; *end != '\0' && n < SAMPLE_MAX_CHARS; n++)
        end = g_utf8_next_char (end);
      if (*end == '\0')
        continue;

      name = g_strdup (l->data);
      cut = g_strdup_printf ("%.*s…", (int) (end - text), text);
      json_object_set_string_member (attributes, name, cut);
    }
}

static GPtrArray *
dup_samples (GodwitStore   *store,
             const char    *entity_name,
             GodwitModel   *model,
             GCancellable  *cancellable,
             GError       **error)
{
  g_autoptr(GPtrArray) nodes = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  g_autoptr(GPtrArray) objects = NULL;

  if (entity_name == NULL || !is_concrete (godwit_model_get_entity (model, entity_name)))
    return g_steal_pointer (&nodes);

  objects = godwit_store_fetch_objects (store, entity_name, FALSE, 0, N_SAMPLES, cancellable, error);
  if (objects == NULL)
    return NULL;

  for (guint i = 0; i < objects->len; i++)
    {
      GodwitObject *object = g_ptr_array_index (objects, i);

      cut_long_strings (object->attributes);
      g_ptr_array_add (nodes, godwit_object_to_json (object));
    }

  return g_steal_pointer (&nodes);
}

/* Entities whose objects are shown: those the step changes, and the
 * destinations of a plan's entity mappings. */
static gboolean
is_sampled (GodwitStageReport       *self,
            const GodwitEntityCount *count)
{
  const GodwitEntityChange *change;

  if (count->destination_entity != NULL && g_hash_table_contains (self->mapped, count->destination_entity))
    return TRUE;

  change = count->source_entity != NULL
           ? godwit_model_diff_find_source_entity (self->diff, count->source_entity)
           : godwit_model_diff_find_destination_entity (self->diff, count->destination_entity);

  return change != NULL && change->kind != GODWIT_CHANGE_UNCHANGED;
}

static gint64
count_objects (GodwitStore   *store,
               const char    *entity_name,
               GCancellable  *cancellable,
               GError       **error)
{
  if (entity_name == NULL)
    return 0;

  return godwit_store_count_objects (store, entity_name, FALSE, cancellable, error);
}

/**
 * _godwit_stage_report_read_before:
 * @path: the store at the step's source version
 *
 * Counts the objects of every entity, and reads the first ones of each
 * changed entity.
 */
gboolean
_godwit_stage_report_read_before (GodwitStageReport  *self,
                                  const char         *path,
                                  GCancellable       *cancellable,
                                  GError            **error)
{
  GodwitModel *model = godwit_model_diff_get_source (self->diff);
  g_autoptr(GodwitStore) store = open_store (path, model, cancellable, error);

  if (store == NULL)
    return FALSE;

  g_clear_pointer (&self->samples, g_ptr_array_unref);
  self->samples = g_ptr_array_new_with_free_func (object_samples_free);

  for (guint i = 0; i < self->counts->len; i++)
    {
      GodwitEntityCount *count = g_ptr_array_index (self->counts, i);
      GodwitObjectSamples *samples;

      /* An added entity had no objects. */
      count->before = count_objects (store, count->source_entity, cancellable, error);
      if (count->before < 0)
        return FALSE;

      if (!is_sampled (self, count))
        continue;

      samples = g_new0 (GodwitObjectSamples, 1);
      samples->source_entity = g_strdup (count->source_entity);
      samples->destination_entity = g_strdup (count->destination_entity);
      g_ptr_array_add (self->samples, samples);
      samples->before = dup_samples (store, count->source_entity, model, cancellable, error);
      if (samples->before == NULL)
        return FALSE;
    }

  return TRUE;
}

/**
 * _godwit_stage_report_read_after:
 * @path: the store the step made, at its destination version
 */
gboolean
_godwit_stage_report_read_after (GodwitStageReport  *self,
                                 const char         *path,
                                 GCancellable       *cancellable,
                                 GError            **error)
{
  GodwitModel *model = godwit_model_diff_get_destination (self->diff);
  g_autoptr(GodwitStore) store = open_store (path, model, cancellable, error);

  if (store == NULL)
    return FALSE;

  for (guint i = 0; i < self->counts->len; i++)
    {
      GodwitEntityCount *count = g_ptr_array_index (self->counts, i);

      if (count->destination_entity == NULL)
        continue;
      count->after = count_objects (store, count->destination_entity, cancellable, error);
      if (count->after < 0)
        return FALSE;
    }

  for (guint i = 0; self->samples != NULL && i < self->samples->len; i++)
    {
      GodwitObjectSamples *samples = g_ptr_array_index (self->samples, i);

      g_clear_pointer (&samples->after, g_ptr_array_unref);
      samples->after = dup_samples (store, samples->destination_entity, model, cancellable, error);
      if (samples->after == NULL)
        return FALSE;
    }

  self->ran = TRUE;

  return TRUE;
}

/* The number that picks a message's plural form. */
static gulong
plural_count (gint64 n)
{
  return (gulong) CLAMP (n, 0, G_MAXLONG);
}

/**
 * _godwit_stage_report_check_counts:
 * @store_path: the store being migrated, named in the error
 * @n_checked: (out): how many entities were checked
 *
 * Whether the step made, of every destination entity, the objects its
 * mapping predicts.
 */
gboolean
_godwit_stage_report_check_counts (GodwitStageReport  *self,
                                   const char         *store_path,
                                   guint              *n_checked,
                                   GError            **error)
{
  *n_checked = 0;

  for (guint i = 0; i < self->counts->len; i++)
    {
      const GodwitEntityCount *count = g_ptr_array_index (self->counts, i);

      if (count->destination_entity == NULL || count->predicted < 0)
        continue;

      (*n_checked)++;
      if (count->after == count->predicted)
        continue;

      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_CORRUPT_STORE,
                   g_dngettext (GETTEXT_PACKAGE,
                                "%s: step %u (“%s” → “%s”): verification failed: %s: "
                                "%" PRId64 " object expected, %" PRId64 " found",
                                "%s: step %u (“%s” → “%s”): verification failed: %s: "
                                "%" PRId64 " objects expected, %" PRId64 " found",
                                plural_count (count->predicted)),
                   store_path, self->number, self->source_version, self->destination_version,
                   count->destination_entity, count->predicted, count->after);
      return FALSE;
    }

  return TRUE;
}

/**
 * _godwit_stage_report_dup_blocking:
 *
 * Returns: (transfer full) (element-type utf8): the messages of the
 *   counted impacts that make the step fail
 */
GPtrArray *
_godwit_stage_report_dup_blocking (GodwitStageReport *self)
{
  GPtrArray *messages = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; self->impacts != NULL && i < self->impacts->len; i++)
    {
      const GodwitDataImpact *impact = g_ptr_array_index (self->impacts, i);

      if (impact->blocks)
        g_ptr_array_add (messages, g_strdup (impact->message));
    }

  return messages;
}

/* ---- data impacts ----------------------------------------------------- */

typedef struct
{
  GodwitStageReport *self;
  GodwitSqlRun       run;
  GodwitModel       *source;
  GodwitModel       *destination;
  GodwitStoreLayout *layout;        /* of the source */
} Analysis;

/* Only impacts that touch at least one object are kept. */
G_GNUC_PRINTF (8, 9)
static void
add_impact (Analysis             *a,
            GodwitDataImpactKind  kind,
            const char           *entity,
            const char           *property,
            gint64                count,
            gboolean              loses_data,
            gboolean              blocks,
            const char           *format,
            ...)
{
  GodwitDataImpact *impact;
  va_list args;

  if (count <= 0)
    return;

  impact = g_new0 (GodwitDataImpact, 1);
  impact->kind = kind;
  impact->entity = g_strdup (entity);
  impact->property = g_strdup (property);
  impact->count = count;
  impact->loses_data = loses_data;
  impact->blocks = blocks;
  va_start (args, format);
  impact->message = g_strdup_vprintf (format, args);
  va_end (args);
  g_ptr_array_add (a->self->impacts, impact);
}

static gboolean
query_count (Analysis    *a,
             const char  *where,
             const char  *sql,
             gint64      *count,
             GError     **error)
{
  return _godwit_sql_run_query_int (&a->run, where, sql, count, error);
}

/* The source table of @entity, and the condition picking exactly its
 * objects in it. */
static char *
dup_entity_rows (Analysis     *a,
                 GodwitEntity *entity)
{
  const GodwitTable *table = godwit_store_layout_get_table (a->layout, entity);
  g_autofree char *name = _godwit_sql_quote_identifier (table->name);

  return g_strdup_printf ("%s AS t WHERE t.Z_ENT = %u", name,
                          godwit_store_layout_get_entity_number (a->layout, entity));
}

/* The column of @property of @entity's objects, over the alias "t". */
static char *
dup_column (Analysis       *a,
            GodwitEntity   *entity,
            GodwitProperty *property)
{
  const GodwitColumn *column;
  g_autofree char *name = NULL;

  if (property->kind == GODWIT_PROPERTY_KIND_ATTRIBUTE)
    column = godwit_store_layout_find_column (a->layout, entity, property->name, GODWIT_COLUMN_ROLE_ATTRIBUTE);
  else if (property->kind == GODWIT_PROPERTY_KIND_RELATIONSHIP && !property->to_many)
    column = godwit_store_layout_find_column (a->layout, entity, property->name, GODWIT_COLUMN_ROLE_TO_ONE);
  else
    column = NULL;

  if (column == NULL)
    return NULL;

  name = _godwit_sql_quote_identifier (column->name);

  return g_strdup_printf ("t.%s", name);
}

/* A condition over the alias "t": the object has a value for @property
 * (for a to-many relationship, at least one related object). */
static char *
dup_has_value (Analysis       *a,
               GodwitEntity   *entity,
               GodwitProperty *property)
{
  g_autofree char *column = dup_column (a, entity, property);
  const GodwitJoinTable *join;
  GodwitEntity *destination;
  GodwitProperty *inverse;
  const GodwitColumn *key;
  g_autofree char *table = NULL;
  g_autofree char *key_name = NULL;

  if (column != NULL)
    return g_strdup_printf ("%s IS NOT NULL", column);
  if (property->kind != GODWIT_PROPERTY_KIND_RELATIONSHIP || !property->to_many)
    return NULL;

  join = godwit_store_layout_find_join_table (a->layout, entity, property->name);
  if (join != NULL)
    {
      table = _godwit_sql_quote_identifier (join->name);
      key_name = _godwit_sql_quote_identifier (join->relationship == property ? join->column
                                                                              : join->inverse_column);
      return g_strdup_printf ("EXISTS (SELECT 1 FROM %s AS j WHERE j.%s = t.Z_PK)", table, key_name);
    }

  destination = godwit_model_get_entity (a->source, property->destination_entity);
  if (destination == NULL)
    return NULL;
  inverse = godwit_model_find_inverse (a->source, property);
  if (inverse != NULL && !inverse->to_many)
    key = godwit_store_layout_find_column (a->layout, destination, inverse->name, GODWIT_COLUMN_ROLE_TO_ONE);
  else
    key = godwit_store_layout_find_column (a->layout, entity, property->name, GODWIT_COLUMN_ROLE_TO_MANY_OWNER);
  if (key == NULL)
    return NULL;

  table = _godwit_sql_quote_identifier (godwit_store_layout_get_table (a->layout, destination)->name);
  key_name = _godwit_sql_quote_identifier (key->name);

  return g_strdup_printf ("EXISTS (SELECT 1 FROM %s AS d WHERE d.%s = t.Z_PK)", table, key_name);
}

/* A condition: @value, not NULL, is stored as a value of @type would be,
 * or converts to one without loss; NULL when any value will do. */
static char *
dup_converts (const char          *value,
              GodwitAttributeType  type)
{
  const char *range = NULL;

  switch (type)
    {
    case GODWIT_ATTRIBUTE_TYPE_INTEGER_16:
      range = "-32768 AND 32767";
      G_GNUC_FALLTHROUGH;
    case GODWIT_ATTRIBUTE_TYPE_INTEGER_32:
      if (range == NULL)
        range = "-2147483648 AND 2147483647";
      G_GNUC_FALLTHROUGH;
    case GODWIT_ATTRIBUTE_TYPE_INTEGER_64:
      if (range == NULL)
        range = "-9223372036854775807 AND 9223372036854775807";
      /* Whole numbers, as numbers or as their digits. */
      return g_strdup_printf ("((typeof (%s) IN ('integer', 'real') AND %s = CAST (%s AS INTEGER)) OR "
                              "(typeof (%s) = 'text' AND CAST (CAST (%s AS INTEGER) AS TEXT) = trim (%s))) "
                              "AND CAST (%s AS INTEGER) BETWEEN %s",
                              value, value, value, value, value, value, value, range);

    case GODWIT_ATTRIBUTE_TYPE_DECIMAL:
    case GODWIT_ATTRIBUTE_TYPE_DOUBLE:
    case GODWIT_ATTRIBUTE_TYPE_FLOAT:
      return g_strdup_printf ("typeof (%s) IN ('integer', 'real') OR "
                              "(typeof (%s) = 'text' AND trim (%s) <> '' AND "
                              "trim (%s) NOT GLOB '*[^0-9.eE+-]*' AND "
                              "typeof (CAST (trim (%s) AS NUMERIC)) IN ('integer', 'real'))",
                              value, value, value, value, value);

    case GODWIT_ATTRIBUTE_TYPE_BOOLEAN:
      return g_strdup_printf ("(typeof (%s) IN ('integer', 'real') AND %s IN (0, 1)) OR "
                              "(typeof (%s) = 'text' AND lower (trim (%s)) IN "
                              "('0', '1', 'yes', 'no', 'true', 'false'))",
                              value, value, value, value);

    case GODWIT_ATTRIBUTE_TYPE_DATE:
      /* Seconds since 2001, or a date SQLite can read. */
      return g_strdup_printf ("typeof (%s) IN ('integer', 'real') OR "
                              "(typeof (%s) = 'text' AND julianday (%s) IS NOT NULL)",
                              value, value, value);

    case GODWIT_ATTRIBUTE_TYPE_STRING:
    case GODWIT_ATTRIBUTE_TYPE_URI:
      return g_strdup_printf ("typeof (%s) <> 'blob'", value);

    case GODWIT_ATTRIBUTE_TYPE_BINARY:
    case GODWIT_ATTRIBUTE_TYPE_TRANSFORMABLE:
      return g_strdup_printf ("typeof (%s) IN ('blob', 'text')", value);

    case GODWIT_ATTRIBUTE_TYPE_UUID:
      /* 16 bytes, or the 8-4-4-4-12 hex digits. */
      return g_strdup_printf ("(typeof (%s) = 'blob' AND length (%s) = 16) OR "
                              "(typeof (%s) = 'text' AND length (%s) = 36 AND "
                              "instr (%s, '-') = 9 AND substr (%s, 14, 1) = '-' AND "
                              "substr (%s, 19, 1) = '-' AND substr (%s, 24, 1) = '-' AND "
                              "length (replace (upper (%s), '-', '')) = 32 AND "
                              "replace (upper (%s), '-', '') NOT GLOB '*[^0-9A-F]*')",
                              value, value, value, value, value, value, value, value, value, value);

    case GODWIT_ATTRIBUTE_TYPE_UNDEFINED:
    case GODWIT_ATTRIBUTE_TYPE_OBJECT_ID:
    case GODWIT_ATTRIBUTE_TYPE_COMPOSITE:
    default:
      return NULL;
    }
}

static const char *
type_name (GodwitAttributeType type)
{
  const char *name = godwit_attribute_type_to_string (type);

  return name != NULL ? name : _("an unknown type");
}

/* The sentence of @change's blocker that is about the missing value: the
 * model diff gives a change that needs a value that sentence first, before
 * any other obstacle (the words differ from one language to another). */
static char *
dup_value_blocker (const GodwitPropertyChange *change,
                   const char                 *entity)
{
  const char *end;

  if (change->blocker == NULL)
    return g_strdup_printf (_("%s.%s needs a value"), entity, change->destination->name);

  end = strstr (change->blocker, "; ");

  return end != NULL ? g_strndup (change->blocker, end - change->blocker) : g_strdup (change->blocker);
}

/* Objects that lack a value the destination requires. */
static gboolean
count_missing_values (Analysis                    *a,
                      GodwitEntity                *entity,
                      const GodwitPropertyChange  *change,
                      const char                  *rows,
                      GError                     **error)
{
  g_autofree char *column = NULL;
  g_autofree char *sql = NULL;
  g_autofree char *blocker = NULL;
  gint64 count = 0;

  if (change->source != NULL && godwit_property_is_stored (change->source))
    column = dup_column (a, entity, change->source);
  if (column != NULL)
    sql = g_strdup_printf ("SELECT COUNT(*) FROM %s AND %s IS NULL", rows, column);
  else
    sql = g_strdup_printf ("SELECT COUNT(*) FROM %s", rows);
  if (!query_count (a, entity->name, sql, &count, error))
    return FALSE;

  blocker = dup_value_blocker (change, entity->name);
  add_impact (a, GODWIT_DATA_IMPACT_NULL_VIOLATION, entity->name, change->destination->name, count,
              /* Translators: the first %s is why, e.g. “Post.title becomes non-optional
               * without a default value”; the last one the property */
              FALSE, TRUE, g_dngettext (GETTEXT_PACKAGE, "%s: %" PRId64 " object has no %s",
                                        "%s: %" PRId64 " objects have no %s", plural_count (count)),
              blocker, count, change->destination->name);

  return TRUE;
}

/* Stored values of a property the destination does not store. */
static gboolean
count_dropped_values (Analysis                    *a,
                      GodwitEntity                *entity,
                      const GodwitPropertyChange  *change,
                      const char                  *rows,
                      const char                  *reader,
                      GError                     **error)
{
  GodwitProperty *property = change->source;
  g_autofree char *has_value = dup_has_value (a, entity, property);
  g_autofree char *sql = NULL;
  g_autofree char *how = NULL;
  g_autofree char *what = NULL;
  gboolean attribute = property->kind == GODWIT_PROPERTY_KIND_ATTRIBUTE;
  gint64 count = 0;

  if (has_value == NULL)
    return TRUE;

  sql = g_strdup_printf ("SELECT COUNT(*) FROM %s AND %s", rows, has_value);
  if (!query_count (a, entity->name, sql, &count, error))
    return FALSE;

  /* The message is two clauses: what becomes of the property, and of its
   * values. */
  if (change->destination == NULL)
    how = g_strdup_printf (_("%s.%s is removed"), entity->name, property->name);
  else if (change->destination->kind == GODWIT_PROPERTY_KIND_FETCHED)
    how = g_strdup_printf (_("%s.%s becomes a fetched property"), entity->name, property->name);
  else
    how = g_strdup_printf (_("%s.%s becomes transient"), entity->name, property->name);

  if (reader != NULL && attribute)
    what = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "%" PRId64 " stored value is read by entity mapping %s first",
                                         "%" PRId64 " stored values are read by entity mapping %s first",
                                         plural_count (count)),
                            count, reader);
  else if (reader != NULL)
    what = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "the links of %" PRId64 " object are read by entity mapping %s first",
                                         "the links of %" PRId64 " objects are read by entity mapping %s first",
                                         plural_count (count)),
                            count, reader);
  else if (attribute)
    what = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%" PRId64 " stored value is dropped",
                                         "%" PRId64 " stored values are dropped", plural_count (count)),
                            count);
  else
    what = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "the links of %" PRId64 " object are dropped",
                                         "the links of %" PRId64 " objects are dropped", plural_count (count)),
                            count);

  add_impact (a, GODWIT_DATA_IMPACT_VALUES_DROPPED, entity->name, property->name, count, reader == NULL, FALSE,
              /* Translators: what becomes of a property, e.g. “Post.body is removed”, and
               * of its values, e.g. “3 stored values are dropped” */
              _("%s: %s"), how, what);

  return TRUE;
}

/* The condition on a value, @value, that does not convert to
 * @destination's type; NULL when any value converts. */
static char *
dup_fails_conversion (GodwitProperty *destination,
                      const char     *value)
{
  g_autofree char *converts = dup_converts (value, destination->attribute_type);

  if (converts == NULL)
    return NULL;

  return g_strdup_printf ("(%s) IS NOT NULL AND NOT (%s)", value, converts);
}

static void
add_failed_conversions (Analysis       *a,
                        const char     *entity,
                        GodwitProperty *source,
                        GodwitProperty *destination,
                        const char     *mapping,
                        gint64          count)
{
  if (mapping != NULL)
    add_impact (a, GODWIT_DATA_IMPACT_FAILED_CONVERSION, entity, destination->name, count, TRUE, FALSE,
                g_dngettext (GETTEXT_PACKAGE,
                             "%s.%s changes type from %s to %s: "
                             "%" PRId64 " value made by entity mapping %s cannot be converted",
                             "%s.%s changes type from %s to %s: "
                             "%" PRId64 " values made by entity mapping %s cannot be converted",
                             plural_count (count)),
                entity, source->name, type_name (source->attribute_type),
                type_name (destination->attribute_type), count, mapping);
  else
    add_impact (a, GODWIT_DATA_IMPACT_FAILED_CONVERSION, entity, destination->name, count, TRUE, FALSE,
                g_dngettext (GETTEXT_PACKAGE,
                             "%s.%s changes type from %s to %s: %" PRId64 " value cannot be converted",
                             "%s.%s changes type from %s to %s: %" PRId64 " values cannot be converted",
                             plural_count (count)),
                entity, source->name, type_name (source->attribute_type),
                type_name (destination->attribute_type), count);
}

/* Values that do not convert to an attribute's new type. @value is an
 * expression over @from (a FROM … WHERE … text). */
static gboolean
count_failed_conversions (Analysis             *a,
                          const char           *entity,
                          GodwitProperty       *source,
                          GodwitProperty       *destination,
                          const char           *value,
                          const char           *from,
                          const char           *where,
                          GError              **error)
{
  g_autofree char *fails = dup_fails_conversion (destination, value);
  g_autofree char *sql = NULL;
  gint64 count = 0;

  if (fails == NULL)
    return TRUE;

  sql = g_strdup_printf ("SELECT COUNT(*) FROM %s AND %s", from, fails);
  if (!query_count (a, where, sql, &count, error))
    return FALSE;
  add_failed_conversions (a, entity, source, destination, NULL, count);

  return TRUE;
}

/* @entity and every entity below it. */
static void
collect_hierarchy (GodwitEntity *entity,
                   GPtrArray    *entities)
{
  if (entities->len > 4096)
    return;

  g_ptr_array_add (entities, entity);
  for (guint i = 0; entity->subentities != NULL && i < entity->subentities->len; i++)
    collect_hierarchy (g_ptr_array_index (entity->subentities, i), entities);
}

/* A to-one relationship kept by an inferred step whose related objects
 * are dropped with their entity: the link becomes NULL. */
static gboolean
count_dangling_links (Analysis                    *a,
                      GodwitEntity                *entity,
                      const GodwitPropertyChange  *change,
                      const char                  *rows,
                      GError                     **error)
{
  GodwitEntity *target = godwit_model_get_entity (a->source, change->source->destination_entity);
  g_autoptr(GPtrArray) hierarchy = g_ptr_array_new ();
  g_autoptr(GString) numbers = g_string_new (NULL);
  g_autoptr(GString) names = g_string_new (NULL);
  g_autofree char *column = dup_column (a, entity, change->source);
  g_autofree char *table = NULL;
  g_autofree char *sql = NULL;
  gint64 count = 0;

  if (target == NULL || column == NULL)
    return TRUE;

  collect_hierarchy (target, hierarchy);
  for (guint i = 0; i < hierarchy->len; i++)
    {
      GodwitEntity *member = g_ptr_array_index (hierarchy, i);
      const GodwitEntityChange *member_change = godwit_model_diff_find_source_entity (a->self->diff, member->name);

      if (member_change == NULL || member_change->destination != NULL)
        continue;
      g_string_append_printf (numbers, "%s%u", numbers->len > 0 ? ", " : "",
                              godwit_store_layout_get_entity_number (a->layout, member));
      g_string_append_printf (names, "%s%s", names->len > 0 ? ", " : "", member->name);
    }
  if (numbers->len == 0)
    return TRUE;

  table = _godwit_sql_quote_identifier (godwit_store_layout_get_table (a->layout, target)->name);
  sql = g_strdup_printf ("SELECT COUNT(*) FROM %s AND EXISTS (SELECT 1 FROM %s AS d WHERE d.Z_PK = %s "
                         "AND d.Z_ENT IN (%s))", rows, table, column, numbers->str);
  if (!query_count (a, entity->name, sql, &count, error))
    return FALSE;

  add_impact (a, GODWIT_DATA_IMPACT_VALUES_NULLED, entity->name, change->destination->name, count, TRUE, FALSE,
              /* Translators: the last %s lists the entities removed */
              g_dngettext (GETTEXT_PACKAGE,
                           "%s.%s becomes NULL for %" PRId64 " object: the related objects are dropped with %s",
                           "%s.%s becomes NULL for %" PRId64 " objects: the related objects are dropped with %s",
                           plural_count (count)),
              entity->name, change->source->name, count, names->str);

  return TRUE;
}

static gboolean
has_constraint (GodwitEntity        *entity,
                const char * const  *constraint)
{
  for (GodwitEntity *e = entity; e != NULL; e = e->parent)
    for (guint i = 0; i < e->uniqueness_constraints->len; i++)
      if (g_strv_equal (g_ptr_array_index (e->uniqueness_constraints, i), constraint))
        return TRUE;

  return FALSE;
}

/* How many properties @constraint, a uniqueness constraint of @entity,
 * names: none when @entity inherits it, which its parent's objects are
 * counted for. */
static guint
count_own_keys (GodwitEntity        *entity,
                const char * const  *constraint)
{
  if (constraint == NULL || (entity->parent != NULL && has_constraint (entity->parent, constraint)))
    return 0;

  return g_strv_length ((char **) constraint);
}

/* The objects in the groups of more than one that share non-NULL values
 * of the columns k0, k1, … of @values (a SELECT of @constraint's
 * properties), which @constraint forbids. @mapped: whether the entity
 * mappings make the objects. */
static gboolean
count_duplicates (Analysis            *a,
                  GodwitEntity        *entity,
                  const char * const  *constraint,
                  const char          *values,
                  gboolean             mapped,
                  GError             **error)
{
  g_autoptr(GString) not_null = g_string_new (NULL);
  g_autoptr(GString) keys = g_string_new (NULL);
  g_autofree char *sql = NULL;
  g_autofree char *properties = NULL;
  gulong n;
  gint64 count = 0;

  for (guint i = 0; constraint[i] != NULL; i++)
    {
      g_string_append_printf (not_null, "%sk%u IS NOT NULL", i > 0 ? " AND " : "", i);
      g_string_append_printf (keys, "%sk%u", i > 0 ? ", " : "", i);
    }

  sql = g_strdup_printf ("SELECT COALESCE (SUM (n), 0) FROM (SELECT COUNT(*) AS n FROM (%s) WHERE %s "
                         "GROUP BY %s HAVING COUNT(*) > 1)", values, not_null->str, keys->str);
  if (!query_count (a, entity->name, sql, &count, error))
    return FALSE;

  properties = g_strjoinv (", ", (char **) constraint);
  n = plural_count (count);
  if (constraint[1] == NULL && mapped)
    add_impact (a, GODWIT_DATA_IMPACT_UNIQUENESS_VIOLATION, entity->name, properties, count, FALSE, TRUE,
                /* Translators: the entity, the count, the property (one key) and the
                 * constraint's properties */
                g_dngettext (GETTEXT_PACKAGE,
                             "%s: %" PRId64 " object made by the entity mappings share its %s with another "
                             "object, which the uniqueness constraint (%s) forbids",
                             "%s: %" PRId64 " objects made by the entity mappings share their %s with another "
                             "object, which the uniqueness constraint (%s) forbids", n),
                entity->name, count, constraint[0], properties);
  else if (constraint[1] == NULL)
    add_impact (a, GODWIT_DATA_IMPACT_UNIQUENESS_VIOLATION, entity->name, properties, count, FALSE, TRUE,
                g_dngettext (GETTEXT_PACKAGE,
                             "%s: %" PRId64 " object share its %s with another object, which the uniqueness "
                             "constraint (%s) forbids",
                             "%s: %" PRId64 " objects share their %s with another object, which the uniqueness "
                             "constraint (%s) forbids", n),
                entity->name, count, constraint[0], properties);
  else if (mapped)
    add_impact (a, GODWIT_DATA_IMPACT_UNIQUENESS_VIOLATION, entity->name, properties, count, FALSE, TRUE,
                g_dngettext (GETTEXT_PACKAGE,
                             "%s: %" PRId64 " object made by the entity mappings share its values with another "
                             "object, which the uniqueness constraint (%s) forbids",
                             "%s: %" PRId64 " objects made by the entity mappings share their values with "
                             "another object, which the uniqueness constraint (%s) forbids", n),
                entity->name, count, properties);
  else
    add_impact (a, GODWIT_DATA_IMPACT_UNIQUENESS_VIOLATION, entity->name, properties, count, FALSE, TRUE,
                g_dngettext (GETTEXT_PACKAGE,
                             "%s: %" PRId64 " object share its values with another object, which the "
                             "uniqueness constraint (%s) forbids",
                             "%s: %" PRId64 " objects share their values with another object, which the "
                             "uniqueness constraint (%s) forbids", n),
                entity->name, count, properties);

  return TRUE;
}

/* Uniqueness constraints of the destination entity that its source
 * counterpart did not have, over the objects the inferred step keeps. */
static gboolean
count_new_duplicates (Analysis                  *a,
                      const GodwitEntityChange  *change,
                      GError                   **error)
{
  GodwitEntity *entity = change->destination;

  for (guint i = 0; i < entity->uniqueness_constraints->len; i++)
    {
      const char * const *constraint = g_ptr_array_index (entity->uniqueness_constraints, i);
      guint n_keys = count_own_keys (entity, constraint);
      g_autofree const char **source_names = g_new0 (const char *, n_keys + 1);
      g_autoptr(GString) values = g_string_new ("SELECT ");
      g_autoptr(GPtrArray) hierarchy = g_ptr_array_new ();
      g_autoptr(GString) numbers = g_string_new (NULL);
      g_autofree char *table = NULL;
      gboolean possible = TRUE;
      gboolean existed = TRUE;

      if (n_keys == 0)
        continue;

      for (guint k = 0; possible && k < n_keys; k++)
        {
          const GodwitPropertyChange *property = NULL;
          g_autofree char *value = NULL;

          for (guint j = 0; j < change->properties->len && property == NULL; j++)
            {
              const GodwitPropertyChange *candidate = g_ptr_array_index (change->properties, j);

              if (candidate->destination != NULL && strcmp (candidate->destination->name, constraint[k]) == 0)
                property = candidate;
            }
          if (property == NULL)
            {
              possible = FALSE;
              break;
            }

          if (property->source != NULL && godwit_property_is_stored (property->source))
            {
              source_names[k] = property->source->name;
              value = dup_column (a, change->source, property->source);
            }
          else if (property->destination->kind == GODWIT_PROPERTY_KIND_ATTRIBUTE)
            value = _godwit_attribute_dup_default_literal (property->destination);
          if (source_names[k] == NULL)
            existed = FALSE;
          /* NULLs never clash: an empty key makes no duplicates. */
          if (value == NULL)
            possible = FALSE;
          else
            g_string_append_printf (values, "%s%s AS k%u", k > 0 ? ", " : "", value, k);
        }

      /* The source enforced it already. */
      if (!possible || (existed && has_constraint (change->source, source_names)))
        continue;

      /* The objects kept in the destination hierarchy, from the source. */
      collect_hierarchy (entity, hierarchy);
      for (guint j = 0; j < hierarchy->len; j++)
        {
          const GodwitEntityChange *member =
            godwit_model_diff_find_destination_entity (a->self->diff,
                                                      ((GodwitEntity *) g_ptr_array_index (hierarchy, j))->name);

          if (member != NULL && member->source != NULL)
            g_string_append_printf (numbers, "%s%u", numbers->len > 0 ? ", " : "",
                                    godwit_store_layout_get_entity_number (a->layout, member->source));
        }
      if (numbers->len == 0)
        continue;

      table = _godwit_sql_quote_identifier (godwit_store_layout_get_table (a->layout, change->source)->name);
      g_string_append_printf (values, " FROM %s AS t WHERE t.Z_ENT IN (%s)", table, numbers->str);
      if (!count_duplicates (a, entity, constraint, values->str, FALSE, error))
        return FALSE;
    }

  return TRUE;
}

/* Core Data's lightweight rules, as GodwitLightweightMigration applies
 * them; also the view of a step that cannot run yet. */
static gboolean
analyse_inferred (Analysis  *a,
                  GError   **error)
{
  GPtrArray *changes = godwit_model_diff_get_entity_changes (a->self->diff);

  for (guint i = 0; i < changes->len; i++)
    {
      const GodwitEntityChange *change = g_ptr_array_index (changes, i);
      GodwitEntity *entity = change->source;
      g_autofree char *rows = NULL;

      if (!is_concrete (entity))
        continue;

      rows = dup_entity_rows (a, entity);
      if (change->destination == NULL)
        {
          g_autofree char *sql = g_strdup_printf ("SELECT COUNT(*) FROM %s", rows);
          gint64 count = 0;

          if (!query_count (a, entity->name, sql, &count, error))
            return FALSE;
          add_impact (a, GODWIT_DATA_IMPACT_OBJECTS_DROPPED, entity->name, NULL, count, TRUE, FALSE,
                      g_dngettext (GETTEXT_PACKAGE, "%s is removed: its %" PRId64 " object is dropped",
                                   "%s is removed: its %" PRId64 " objects are dropped", plural_count (count)),
                      entity->name, count);
          continue;
        }

      for (guint j = 0; j < change->properties->len; j++)
        {
          const GodwitPropertyChange *property = g_ptr_array_index (change->properties, j);
          gboolean was_stored = property->source != NULL && godwit_property_is_stored (property->source);

          if (was_stored && (property->destination == NULL || !godwit_property_is_stored (property->destination)) &&
              !count_dropped_values (a, entity, property, rows, NULL, error))
            return FALSE;

          if (property->needs_value && !count_missing_values (a, entity, property, rows, error))
            return FALSE;

          if ((property->changes & GODWIT_PROPERTY_CHANGE_TYPE) != 0 && was_stored)
            {
              g_autofree char *column = dup_column (a, entity, property->source);

              if (column != NULL &&
                  !count_failed_conversions (a, entity->name, property->source, property->destination,
                                             column, rows, entity->name, error))
                return FALSE;
            }

          if (was_stored && property->destination != NULL &&
              property->source->kind == GODWIT_PROPERTY_KIND_RELATIONSHIP && !property->source->to_many &&
              property->destination->kind == GODWIT_PROPERTY_KIND_RELATIONSHIP &&
              !count_dangling_links (a, entity, property, rows, error))
            return FALSE;
        }

      if (!count_new_duplicates (a, change, error))
        return FALSE;
    }

  return TRUE;
}

/* Each destination entity has the objects of its source counterpart. */
static void
predict_inferred (GodwitStageReport *self)
{
  for (guint i = 0; i < self->counts->len; i++)
    {
      GodwitEntityCount *count = g_ptr_array_index (self->counts, i);

      if (count->destination_entity != NULL)
        count->predicted = count->before;
    }
}

/* ---- a plan's custom stage --------------------------------------------- */

/* FROM text of the objects @mapping maps, alias "o", ending in a WHERE
 * clause that more conditions can follow with AND. */
static char *
dup_mapped_rows (Analysis                 *a,
                 const GodwitStageMapping *mapping)
{
  g_autofree char *objects = _godwit_custom_migration_dup_source_objects (a->layout, mapping->source, "main");

  if (mapping->plan != NULL && mapping->plan->filter != NULL)
    return g_strdup_printf ("(%s) AS o WHERE (\n%s\n)", objects, mapping->plan->filter);

  return g_strdup_printf ("(%s) AS o WHERE 1", objects);
}

/* The value @mapping gives @attribute of the objects it makes, over "o":
 * its expression, the matching source attribute, or the default value. */
static char *
dup_attribute_value (const GodwitStageMapping *mapping,
                     GodwitProperty           *attribute)
{
  const GodwitPlanValue *value = _godwit_stage_mapping_find_value (mapping, attribute->name);
  GodwitProperty *matching;
  char *literal;

  if (value != NULL)
    return g_strdup_printf ("(\n%s\n)", value->expression);

  matching = godwit_custom_migration_find_source_property (mapping->source, attribute);
  if (matching != NULL)
    {
      g_autofree char *name = _godwit_sql_quote_identifier (matching->name);

      return g_strdup_printf ("o.%s", name);
    }

  literal = _godwit_attribute_dup_default_literal (attribute);

  return literal != NULL ? literal : g_strdup ("NULL");
}

static gboolean
is_identifier_char (char c)
{
  return g_ascii_isalnum (c) || c == '_' || c == '$' || (guchar) c >= 0x80;
}

/* Whether @expression names @name (SQL names ignore case); a name in a
 * string literal counts too. */
static gboolean
expression_reads (const char *expression,
                  const char *name)
{
  gsize length = strlen (name);

  if (expression == NULL || length == 0)
    return FALSE;

  for (const char *c = expression; *c != '\0'; c++)
    if (g_ascii_strncasecmp (c, name, length) == 0 &&
        (c == expression || !is_identifier_char (c[-1])) &&
        !is_identifier_char (c[length]))
      return TRUE;

  return FALSE;
}

/* The first entity mapping from @entity whose expressions read @name. */
static const char *
find_reader (GPtrArray    *mappings,
             GodwitEntity *entity,
             const char   *name)
{
  for (guint i = 0; i < mappings->len; i++)
    {
      const GodwitStageMapping *mapping = g_ptr_array_index (mappings, i);

      if (mapping->source != entity || mapping->plan == NULL)
        continue;
      if (expression_reads (mapping->plan->filter, name))
        return mapping->name;
      for (guint j = 0; j < mapping->plan->attributes->len; j++)
        if (expression_reads (((const GodwitPlanValue *) g_ptr_array_index (mapping->plan->attributes, j))->expression,
                              name))
          return mapping->name;
      for (guint j = 0; j < mapping->plan->relationships->len; j++)
        if (expression_reads (((const GodwitPlanLink *) g_ptr_array_index (mapping->plan->relationships, j))->source_key,
                              name))
          return mapping->name;
    }

  return NULL;
}

static GodwitEntityCount *
find_count (GodwitStageReport *self,
            const char        *destination)
{
  for (guint i = 0; i < self->counts->len; i++)
    {
      GodwitEntityCount *count = g_ptr_array_index (self->counts, i);

      if (g_strcmp0 (count->destination_entity, destination) == 0)
        return count;
    }

  return NULL;
}

typedef enum
{
  MAPPED_MISSING,
  MAPPED_FAILED_CONVERSION,
  MAPPED_NULLED,
} MappedCheck;

typedef struct
{
  MappedCheck     check;
  GodwitProperty *attribute;
  GodwitProperty *matching;
} MappedCount;

/* What @mapping makes: how many objects, and the attribute values that
 * are missing, do not convert or become NULL, all counted in one pass
 * over the source rows: a mapping's expressions may be costly. */
static gboolean
analyse_mapping (Analysis                  *a,
                 const GodwitStageMapping  *mapping,
                 GError                   **error)
{
  g_autofree char *rows = dup_mapped_rows (a, mapping);
  g_autoptr(GPtrArray) properties = godwit_entity_dup_all_properties (mapping->destination);
  g_autoptr(GString) sql = g_string_new ("SELECT COUNT(*)");
  g_autoptr(GArray) checks = g_array_new (FALSE, FALSE, sizeof (MappedCount));
  g_autofree gint64 *counts = NULL;
  GodwitEntityCount *count = find_count (a->self, mapping->destination->name);

  for (guint i = 0; is_concrete (mapping->destination) && i < properties->len; i++)
    {
      GodwitProperty *attribute = g_ptr_array_index (properties, i);
      MappedCount check = { MAPPED_MISSING, attribute, NULL };
      g_autofree char *value = NULL;

      if (attribute->kind != GODWIT_PROPERTY_KIND_ATTRIBUTE || !godwit_property_is_stored (attribute))
        continue;

      value = dup_attribute_value (mapping, attribute);
      check.matching = godwit_custom_migration_find_source_property (mapping->source, attribute);

      if (!attribute->optional && attribute->default_value == NULL)
        {
          g_string_append_printf (sql, ",\n COUNT(*) FILTER (WHERE (%s) IS NULL)", value);
          g_array_append_val (checks, check);
        }

      if (check.matching != NULL && check.matching->attribute_type != attribute->attribute_type)
        {
          g_autofree char *fails = dup_fails_conversion (attribute, value);

          if (fails != NULL)
            {
              check.check = MAPPED_FAILED_CONVERSION;
              g_string_append_printf (sql, ",\n COUNT(*) FILTER (WHERE %s)", fails);
              g_array_append_val (checks, check);
            }
        }

      if (check.matching != NULL && _godwit_stage_mapping_find_value (mapping, attribute->name) != NULL)
        {
          g_autofree char *name = _godwit_sql_quote_identifier (check.matching->name);

          check.check = MAPPED_NULLED;
          g_string_append_printf (sql, ",\n COUNT(*) FILTER (WHERE o.%s IS NOT NULL AND (%s) IS NULL)",
                                  name, value);
          g_array_append_val (checks, check);
        }
    }

  g_string_append_printf (sql, "\nFROM %s", rows);
  counts = g_new0 (gint64, checks->len + 1);
  if (!_godwit_sql_run_query_ints (&a->run, mapping->where, sql->str, counts, checks->len + 1, error))
    return FALSE;
  if (count != NULL)
    count->predicted += counts[0];

  for (guint i = 0; i < checks->len; i++)
    {
      const MappedCount *check = &g_array_index (checks, MappedCount, i);
      const char *entity = mapping->destination->name;
      const char *attribute = check->attribute->name;
      gint64 n = counts[i + 1];

      switch (check->check)
        {
        case MAPPED_MISSING:
          add_impact (a, GODWIT_DATA_IMPACT_NULL_VIOLATION, entity, attribute, n, FALSE, FALSE,
                      g_dngettext (GETTEXT_PACKAGE,
                                   "%s.%s is non-optional without a default value: "
                                   "%" PRId64 " object made by entity mapping %s has no %s",
                                   "%s.%s is non-optional without a default value: "
                                   "%" PRId64 " objects made by entity mapping %s have no %s",
                                   plural_count (n)),
                      entity, attribute, n, mapping->name, attribute);
          break;

        case MAPPED_FAILED_CONVERSION:
          add_failed_conversions (a, entity, check->matching, check->attribute, mapping->name, n);
          break;

        case MAPPED_NULLED:
          add_impact (a, GODWIT_DATA_IMPACT_VALUES_NULLED, entity, attribute, n, TRUE, FALSE,
                      g_dngettext (GETTEXT_PACKAGE, "%s.%s: entity mapping %s makes %" PRId64 " stored value NULL",
                                   "%s.%s: entity mapping %s makes %" PRId64 " stored values NULL",
                                   plural_count (n)),
                      entity, attribute, mapping->name, n);
          break;

        default:
          g_assert_not_reached ();
        }
    }

  return TRUE;
}

/* Source objects no entity mapping selects are not carried over. */
static gboolean
count_unmapped_objects (Analysis                    *a,
                        GPtrArray                   *mappings,
                        GodwitEntity                *entity,
                        const GodwitMigrationStage  *stage,
                        GError                     **error)
{
  g_autoptr(GString) conditions = g_string_new (NULL);
  g_autofree char *rows = dup_entity_rows (a, entity);
  g_autofree char *sql = NULL;
  const GodwitEntityChange *change = godwit_model_diff_find_source_entity (a->self->diff, entity->name);
  guint n_mappings = 0;
  gint64 count = 0;

  for (guint i = 0; i < mappings->len; i++)
    {
      const GodwitStageMapping *mapping = g_ptr_array_index (mappings, i);

      if (mapping->source != entity)
        continue;
      n_mappings++;
      if (mapping->plan == NULL || mapping->plan->filter == NULL)
        return TRUE;
      g_string_append_printf (conditions, " AND (\n%s\n) IS NOT TRUE", mapping->plan->filter);
    }

  if (n_mappings == 0)
    sql = g_strdup_printf ("SELECT COUNT(*) FROM %s", rows);
  else
    {
      g_autofree char *objects_select = _godwit_custom_migration_dup_source_objects (a->layout, entity, "main");

      sql = g_strdup_printf ("SELECT COUNT(*) FROM (%s) AS o WHERE 1%s", objects_select, conditions->str);
    }
  if (!query_count (a, stage->json_path, sql, &count, error))
    return FALSE;

  if (n_mappings > 0)
    add_impact (a, GODWIT_DATA_IMPACT_OBJECTS_DROPPED, entity->name, NULL, count, TRUE, FALSE,
                g_dngettext (GETTEXT_PACKAGE,
                             "%s: %" PRId64 " object is selected by no entity mapping’s filter and is dropped",
                             "%s: %" PRId64 " objects are selected by no entity mapping’s filter and are dropped",
                             plural_count (count)),
                entity->name, count);
  else if (change != NULL && change->destination == NULL)
    add_impact (a, GODWIT_DATA_IMPACT_OBJECTS_DROPPED, entity->name, NULL, count, TRUE, FALSE,
                /* Translators: the entity, the stage file and the count */
                g_dngettext (GETTEXT_PACKAGE,
                             "%s is removed and no entity mapping of %s reads it: its %" PRId64 " object is dropped",
                             "%s is removed and no entity mapping of %s reads it: its %" PRId64 " objects are "
                             "dropped",
                             plural_count (count)),
                entity->name, stage->json_path, count);
  else
    add_impact (a, GODWIT_DATA_IMPACT_OBJECTS_DROPPED, entity->name, NULL, count, TRUE, FALSE,
                /* Translators: the entity, the stage file and the count */
                g_dngettext (GETTEXT_PACKAGE,
                             "%s: no entity mapping of %s reads its objects: %" PRId64 " object is dropped",
                             "%s: no entity mapping of %s reads its objects: %" PRId64 " objects are dropped",
                             plural_count (count)),
                entity->name, stage->json_path, count);

  return TRUE;
}

/* Every uniqueness constraint over the objects the stage's mappings make:
 * several mappings may feed one entity. Constraints naming a relationship
 * are not counted here. */
static gboolean
count_mapped_duplicates (Analysis      *a,
                         GPtrArray     *mappings,
                         GodwitEntity  *entity,
                         GError       **error)
{
  for (guint i = 0; i < entity->uniqueness_constraints->len; i++)
    {
      const char * const *constraint = g_ptr_array_index (entity->uniqueness_constraints, i);
      guint n_keys = count_own_keys (entity, constraint);
      g_autoptr(GString) values = g_string_new (NULL);
      gboolean possible = TRUE;

      if (n_keys == 0)
        continue;

      for (guint m = 0; possible && m < mappings->len; m++)
        {
          const GodwitStageMapping *mapping = g_ptr_array_index (mappings, m);
          g_autofree char *rows = NULL;

          if (!godwit_entity_is_kind_of (mapping->destination, entity))
            continue;

          g_string_append_printf (values, "%sSELECT ", values->len > 0 ? " UNION ALL " : "");
          for (guint k = 0; possible && k < n_keys; k++)
            {
              GodwitProperty *attribute = godwit_entity_find_property (mapping->destination, constraint[k]);
              g_autofree char *value = NULL;

              if (attribute == NULL || attribute->kind != GODWIT_PROPERTY_KIND_ATTRIBUTE)
                {
                  possible = FALSE;
                  break;
                }
              value = dup_attribute_value (mapping, attribute);
              g_string_append_printf (values, "%s%s AS k%u", k > 0 ? ", " : "", value, k);
            }
          rows = dup_mapped_rows (a, mapping);
          g_string_append_printf (values, " FROM %s", rows);
        }

      if (!possible || values->len == 0)
        continue;

      if (!count_duplicates (a, entity, constraint, values->str, TRUE, error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
analyse_plan (Analysis                    *a,
              const GodwitMigrationStage  *stage,
              GError                     **error)
{
  g_autoptr(GPtrArray) mappings = NULL;
  GPtrArray *changes = godwit_model_diff_get_entity_changes (a->self->diff);
  GPtrArray *sources = godwit_model_get_entities (a->source);
  GPtrArray *destinations = godwit_model_get_entities (a->destination);

  mappings = _godwit_custom_migration_collect_mappings (a->source, a->destination, stage, a->self->diff, error);
  if (mappings == NULL)
    return FALSE;

  for (guint i = 0; i < a->self->counts->len; i++)
    {
      GodwitEntityCount *count = g_ptr_array_index (a->self->counts, i);

      if (count->destination_entity != NULL)
        count->predicted = 0;
    }

  for (guint i = 0; i < mappings->len; i++)
    if (!analyse_mapping (a, g_ptr_array_index (mappings, i), error))
      return FALSE;

  for (guint i = 0; i < sources->len; i++)
    {
      GodwitEntity *entity = g_ptr_array_index (sources, i);

      if (is_concrete (entity) && !count_unmapped_objects (a, mappings, entity, stage, error))
        return FALSE;
    }

  for (guint i = 0; i < changes->len; i++)
    {
      const GodwitEntityChange *change = g_ptr_array_index (changes, i);
      g_autofree char *rows = NULL;

      if (!is_concrete (change->source) || change->destination == NULL)
        continue;

      rows = dup_entity_rows (a, change->source);
      for (guint j = 0; j < change->properties->len; j++)
        {
          const GodwitPropertyChange *property = g_ptr_array_index (change->properties, j);

          if (property->source == NULL || !godwit_property_is_stored (property->source) ||
              (property->destination != NULL && godwit_property_is_stored (property->destination)))
            continue;

          if (!count_dropped_values (a, change->source, property, rows,
                                     find_reader (mappings, change->source, property->source->name), error))
            return FALSE;
        }
    }

  for (guint i = 0; i < destinations->len; i++)
    if (!count_mapped_duplicates (a, mappings, g_ptr_array_index (destinations, i), error))
      return FALSE;

  return TRUE;
}

static gboolean
analyse (Analysis                    *a,
         const GodwitMigrationStage  *stage,
         GError                     **error)
{
  g_autoptr(GodwitStoreLayout) layout = NULL;
  GodwitStageReport *self = a->self;

  a->source = godwit_model_diff_get_source (self->diff);
  a->destination = godwit_model_diff_get_destination (self->diff);
  layout = godwit_store_layout_new (a->source, FALSE, error);
  if (layout == NULL)
    return FALSE;
  a->layout = layout;

  g_clear_pointer (&self->impacts, g_ptr_array_unref);
  self->impacts = g_ptr_array_new_with_free_func (data_impact_free);

  if (stage != NULL && stage->kind == GODWIT_MIGRATION_STAGE_CUSTOM)
    return analyse_plan (a, stage, error);

  if (!analyse_inferred (a, error))
    return FALSE;
  if (self->kind == GODWIT_MIGRATION_STEP_INFERRED)
    predict_inferred (self);

  return TRUE;
}

/**
 * _godwit_stage_report_count_impacts:
 * @path: the step's input: the store at its source version
 * @stage: (nullable): the plan's custom stage of a migration-plan step
 *
 * Counts what the step does to the data, and how many objects of each
 * destination entity it will make: for an inferred step those of the
 * counterpart (read_before() must have counted them), for a plan's stage
 * those its entity mappings select.
 */
gboolean
_godwit_stage_report_count_impacts (GodwitStageReport           *self,
                                    const char                  *path,
                                    const GodwitMigrationStage  *stage,
                                    GCancellable                *cancellable,
                                    GError                     **error)
{
  Analysis a = { self, { NULL, path, cancellable, GODWIT_ERROR_CORRUPT_STORE, TRUE }, NULL, NULL, NULL };
  gboolean ok;

  g_return_val_if_fail (GODWIT_IS_STAGE_REPORT (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  _godwit_readonly_vfs_register ();
  if (!_godwit_sql_run_open (&a.run, SQLITE_OPEN_READONLY, GODWIT_READONLY_VFS_NAME, error))
    return FALSE;

  ok = analyse (&a, stage, error);
  _godwit_sql_run_unwatch_cancellable (&a.run);
  sqlite3_close (a.run.db);

  return ok;
}

/**
 * _godwit_stage_report_count_impacts_on:
 * @db: a connection to @path, which the counts only read: within a read
 *   transaction, they count the store as it was when it began
 *
 * As _godwit_stage_report_count_impacts(), on @db. It may run in another
 * thread than the migration's, as long as nothing else touches the
 * report meanwhile.
 */
gboolean
_godwit_stage_report_count_impacts_on (GodwitStageReport           *self,
                                       sqlite3                     *db,
                                       const char                  *path,
                                       const GodwitMigrationStage  *stage,
                                       GCancellable                *cancellable,
                                       GError                     **error)
{
  Analysis a = { self, { db, path, cancellable, GODWIT_ERROR_CORRUPT_STORE, TRUE }, NULL, NULL, NULL };
  gboolean ok;

  g_return_val_if_fail (GODWIT_IS_STAGE_REPORT (self), FALSE);
  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  _godwit_sql_run_watch_cancellable (&a.run);
  ok = analyse (&a, stage, error);
  _godwit_sql_run_unwatch_cancellable (&a.run);

  return ok;
}

/* ---- getters ---------------------------------------------------------- */

/**
 * godwit_stage_report_get_step:
 *
 * Returns: the step's position in the migration, from 1
 */
guint
godwit_stage_report_get_step (GodwitStageReport *self)
{
  g_return_val_if_fail (GODWIT_IS_STAGE_REPORT (self), 0);

  return self->number;
}

GodwitMigrationStepKind
godwit_stage_report_get_kind (GodwitStageReport *self)
{
  g_return_val_if_fail (GODWIT_IS_STAGE_REPORT (self), GODWIT_MIGRATION_STEP_NOT_MIGRATABLE);

  return self->kind;
}

const char *
godwit_stage_report_get_source_version (GodwitStageReport *self)
{
  g_return_val_if_fail (GODWIT_IS_STAGE_REPORT (self), NULL);

  return self->source_version;
}

const char *
godwit_stage_report_get_destination_version (GodwitStageReport *self)
{
  g_return_val_if_fail (GODWIT_IS_STAGE_REPORT (self), NULL);

  return self->destination_version;
}

/**
 * godwit_stage_report_get_diff:
 *
 * Returns: (transfer none): the schema changes of the step
 */
GodwitModelDiff *
godwit_stage_report_get_diff (GodwitStageReport *self)
{
  g_return_val_if_fail (GODWIT_IS_STAGE_REPORT (self), NULL);

  return self->diff;
}

/**
 * godwit_stage_report_get_blockers:
 *
 * Returns: (transfer none) (element-type utf8): why the step cannot run;
 *   empty when it can
 */
GPtrArray *
godwit_stage_report_get_blockers (GodwitStageReport *self)
{
  g_return_val_if_fail (GODWIT_IS_STAGE_REPORT (self), NULL);

  return self->blockers;
}

/**
 * godwit_stage_report_get_ran:
 *
 * Whether the step ran (in a dry run or for real): the counts after and
 * the samples after are then known.
 */
gboolean
godwit_stage_report_get_ran (GodwitStageReport *self)
{
  g_return_val_if_fail (GODWIT_IS_STAGE_REPORT (self), FALSE);

  return self->ran;
}

/**
 * godwit_stage_report_get_counts:
 *
 * Returns: (transfer none) (element-type GodwitEntityCount): per entity
 *   of either side that can hold objects, in the diff's order
 */
GPtrArray *
godwit_stage_report_get_counts (GodwitStageReport *self)
{
  g_return_val_if_fail (GODWIT_IS_STAGE_REPORT (self), NULL);

  return self->counts;
}

/**
 * godwit_stage_report_get_impacts:
 *
 * Returns: (transfer none) (element-type GodwitDataImpact) (nullable):
 *   what the step does to the data, or %NULL when it was not counted yet
 */
GPtrArray *
godwit_stage_report_get_impacts (GodwitStageReport *self)
{
  g_return_val_if_fail (GODWIT_IS_STAGE_REPORT (self), NULL);

  return self->impacts;
}

/**
 * godwit_stage_report_get_sql:
 *
 * Returns: (transfer none) (element-type utf8) (nullable): the statements
 *   the step runs, or %NULL for a step that cannot run
 */
GPtrArray *
godwit_stage_report_get_sql (GodwitStageReport *self)
{
  g_return_val_if_fail (GODWIT_IS_STAGE_REPORT (self), NULL);

  return self->sql;
}

/**
 * godwit_stage_report_get_samples:
 *
 * Returns: (transfer none) (element-type GodwitObjectSamples) (nullable):
 *   the first objects of each changed entity, or %NULL before they were
 *   read
 */
GPtrArray *
godwit_stage_report_get_samples (GodwitStageReport *self)
{
  g_return_val_if_fail (GODWIT_IS_STAGE_REPORT (self), NULL);

  return self->samples;
}

/**
 * godwit_stage_report_get_sync_findings:
 *
 * Returns: (transfer none) (element-type GodwitSyncLintFinding): what
 *   peers of a synced store still on the step's source version lose or
 *   cannot read after it (godwit_sync_lint_diff()); empty when nothing
 */
GPtrArray *
godwit_stage_report_get_sync_findings (GodwitStageReport *self)
{
  g_return_val_if_fail (GODWIT_IS_STAGE_REPORT (self), NULL);

  return self->sync_findings;
}

/* ---- JSON ------------------------------------------------------------- */

typedef void (*AddElementFunc) (JsonBuilder   *builder,
                                gconstpointer  element);

/* The member @name: an array of @elements, each added by @add_element,
 * or null when @elements is NULL. */
static void
add_array (JsonBuilder    *builder,
           const char     *name,
           GPtrArray      *elements,
           AddElementFunc  add_element)
{
  json_builder_set_member_name (builder, name);
  if (elements == NULL)
    {
      json_builder_add_null_value (builder);
      return;
    }
  json_builder_begin_array (builder);
  for (guint i = 0; i < elements->len; i++)
    add_element (builder, g_ptr_array_index (elements, i));
  json_builder_end_array (builder);
}

static void
add_string_element (JsonBuilder   *builder,
                    gconstpointer  element)
{
  json_builder_add_string_value (builder, element);
}

static void
add_node_element (JsonBuilder   *builder,
                  gconstpointer  element)
{
  json_builder_add_value (builder, json_node_copy ((JsonNode *) element));
}

/* The members an entity's change and a property's change share; @key
 * names what changes: "entity" or "property". */
static void
add_change_members (JsonBuilder      *builder,
                    const char       *key,
                    const char       *name,
                    GodwitChangeKind  kind,
                    const char       *explanation,
                    const char       *blocker)
{
  json_builder_set_member_name (builder, key);
  json_builder_add_string_value (builder, name);
  json_builder_set_member_name (builder, "change");
  json_builder_add_string_value (builder, godwit_change_kind_to_string (kind));
  json_builder_set_member_name (builder, "explanation");
  json_builder_add_string_value (builder, explanation);
  _godwit_json_add_nullable_string (builder, "blocker", blocker);
}

/* The entities the step changes, each with the properties it changes. */
static void
add_entity_changes (JsonBuilder     *builder,
                    GodwitModelDiff *diff)
{
  GPtrArray *changes = godwit_model_diff_get_entity_changes (diff);

  json_builder_begin_array (builder);
  for (guint i = 0; i < changes->len; i++)
    {
      const GodwitEntityChange *change = g_ptr_array_index (changes, i);
      GodwitEntity *entity = change->destination != NULL ? change->destination : change->source;

      if (change->kind == GODWIT_CHANGE_UNCHANGED)
        continue;

      json_builder_begin_object (builder);
      add_change_members (builder, "entity", entity->name, change->kind, change->explanation, change->blocker);
      json_builder_set_member_name (builder, "properties");
      json_builder_begin_array (builder);
      for (guint j = 0; change->properties != NULL && j < change->properties->len; j++)
        {
          const GodwitPropertyChange *property_change = g_ptr_array_index (change->properties, j);
          GodwitProperty *property = property_change->destination != NULL ? property_change->destination
                                                                          : property_change->source;

          if (property_change->kind == GODWIT_CHANGE_UNCHANGED)
            continue;

          json_builder_begin_object (builder);
          add_change_members (builder, "property", property->name, property_change->kind,
                              property_change->explanation, property_change->blocker);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

static void
add_count_element (JsonBuilder   *builder,
                   gconstpointer  element)
{
  const GodwitEntityCount *count = element;

  json_builder_begin_object (builder);
  _godwit_json_add_nullable_string (builder, "source_entity", count->source_entity);
  _godwit_json_add_nullable_string (builder, "destination_entity", count->destination_entity);
  _godwit_json_add_count (builder, "before", count->before);
  _godwit_json_add_count (builder, "predicted", count->predicted);
  _godwit_json_add_count (builder, "after", count->after);
  json_builder_end_object (builder);
}

static void
add_impact_element (JsonBuilder   *builder,
                    gconstpointer  element)
{
  const GodwitDataImpact *impact = element;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "kind");
  json_builder_add_string_value (builder, godwit_data_impact_kind_to_string (impact->kind));
  json_builder_set_member_name (builder, "entity");
  json_builder_add_string_value (builder, impact->entity);
  _godwit_json_add_nullable_string (builder, "property", impact->property);
  json_builder_set_member_name (builder, "count");
  json_builder_add_int_value (builder, impact->count);
  json_builder_set_member_name (builder, "loses_data");
  json_builder_add_boolean_value (builder, impact->loses_data);
  json_builder_set_member_name (builder, "blocks");
  json_builder_add_boolean_value (builder, impact->blocks);
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, impact->message);
  json_builder_end_object (builder);
}

static void
add_samples_element (JsonBuilder   *builder,
                     gconstpointer  element)
{
  const GodwitObjectSamples *samples = element;

  json_builder_begin_object (builder);
  _godwit_json_add_nullable_string (builder, "source_entity", samples->source_entity);
  _godwit_json_add_nullable_string (builder, "destination_entity", samples->destination_entity);
  add_array (builder, "before", samples->before, add_node_element);
  add_array (builder, "after", samples->after, add_node_element);
  json_builder_end_object (builder);
}

static void
add_sync_finding_element (JsonBuilder   *builder,
                          gconstpointer  element)
{
  const GodwitSyncLintFinding *finding = element;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "severity");
  json_builder_add_string_value (builder, godwit_sync_lint_severity_to_string (finding->severity));
  json_builder_set_member_name (builder, "rule");
  json_builder_add_string_value (builder, godwit_sync_lint_rule_to_string (finding->rule));
  json_builder_set_member_name (builder, "entity");
  json_builder_add_string_value (builder, finding->entity);
  _godwit_json_add_nullable_string (builder, "property", finding->property);
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, finding->message);
  json_builder_end_object (builder);
}

/**
 * godwit_stage_report_to_json:
 *
 * The report as the `stage report` object of docs/cli.md, which
 * `godwit-cli plan` and `godwit-cli migrate` write.
 *
 * Returns: (transfer full): a JSON object node
 */
JsonNode *
godwit_stage_report_to_json (GodwitStageReport *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (GODWIT_IS_STAGE_REPORT (self), NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "step");
  json_builder_add_int_value (builder, self->number);
  json_builder_set_member_name (builder, "from");
  json_builder_add_string_value (builder, self->source_version);
  json_builder_set_member_name (builder, "to");
  json_builder_add_string_value (builder, self->destination_version);
  json_builder_set_member_name (builder, "kind");
  json_builder_add_string_value (builder, godwit_migration_step_kind_to_string (self->kind));
  _godwit_json_add_nullable_string (builder, "stage", self->stage_path);
  _godwit_json_add_nullable_string (builder, "mapping_model", self->mapping_model);
  json_builder_set_member_name (builder, "changes");
  add_entity_changes (builder, self->diff);
  add_array (builder, "blockers", self->blockers, add_string_element);
  json_builder_set_member_name (builder, "breaks_sync");
  json_builder_add_boolean_value (builder, godwit_sync_lint_breaks_sync (self->sync_findings));
  add_array (builder, "sync", self->sync_findings, add_sync_finding_element);
  json_builder_set_member_name (builder, "ran");
  json_builder_add_boolean_value (builder, self->ran);
  add_array (builder, "counts", self->counts, add_count_element);
  add_array (builder, "impacts", self->impacts, add_impact_element);
  add_array (builder, "sql", self->sql, add_string_element);
  add_array (builder, "samples", self->samples, add_samples_element);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}
