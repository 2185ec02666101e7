/* godwit-sync-store.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The store's side of a sync: objects read as documents, local changes
 * found, and documents written into the store the way Core Data lays it
 * out (GodwitStoreLayout): new Z_PKs after Z_PRIMARYKEY.Z_MAX, Z_OPT
 * bumped on every row written, Z_ENT for sub-entities, foreign keys with
 * their Z<n>_ entity and Z_FOK_ order columns, join-table rows.
 *
 * Changes by any writer are found by content, not by Z_OPT (which sqlite3
 * or another tool leaves alone): a scan reads every object as its
 * document and compares the digest of its canonical body with the one
 * the sidecar recorded when it last synced; records whose Z_PK is gone
 * are deletions. The scan streams the tables entity by entity, so memory
 * does not grow with the store.
 *
 * A document's relationships name objects by document id; a target that
 * has not arrived yet waits in the sidecar (pending) and is linked when
 * its object is written. Reading an object counts its waiting targets as
 * its own, so that its digest stays the one of the document it came from.
 *
 * Writing an object's relationships changes the objects on their other
 * side too: Core Data keeps both sides in the same rows. Their own
 * revisions come in the same pull, maybe in a later batch; until then
 * their documents differ from their revisions by the sync's doing only,
 * which the sidecar notes (effects), so that neither a scan nor a pull
 * takes that difference for a change of the store's. After a pull that
 * went to the end, objects still noted get a revision of their own.
 *
 * Every write into the store goes into the sidecar's journal too (see
 * godwit-sync-sidecar.c) with what tells whether the store holds it: an
 * inserted or updated object's Z_OPT, which only grows, or a deleted
 * object's absence. Opening the sync store writes again, in their order,
 * the journal's writes that the store lacks.
 */

#define G_LOG_DOMAIN "godwit-sync-store"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <inttypes.h>
#include <string.h>

#include "godwit-error.h"
#include "godwit-sql-private.h"
#include "godwit-store-layout.h"
#include "godwit-sync-document-private.h"
#include "godwit-sync-store-private.h"

/* Text sqlite3_mprintf() made. */
typedef char SqliteText;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SqliteText, sqlite3_free)

/* Scan progress is reported every this many objects. */
#define PROGRESS_STEP 1000

typedef enum
{
  LINK_TO_ONE,             /* the foreign key is in the object's row */
  LINK_TO_MANY_INVERSE,    /* the destination rows' foreign key (the to-one inverse) names the object */
  LINK_MANY_TO_MANY,       /* a join table */
  LINK_TO_MANY_OWNED,      /* no inverse: the destination rows name their owner */
} LinkKind;

typedef struct
{
  GodwitProperty     *relationship;   /* (unowned) */
  LinkKind            kind;
  GodwitEntity       *destination;    /* (unowned) declared destination */
  const char         *target_root;    /* its root entity's name: where target Z_PKs live */
  int                 select_index;   /* LINK_TO_ONE: the target's document id in the select list */
  char               *read_sql;       /* to-many: Z_PKs of the targets, in order */
  char               *ids_sql;        /* to-many: the targets' document ids (NULL for none), in order */
  /* Writing */
  const char         *table;          /* the table whose column links: the object's for
                                       * LINK_TO_ONE, the destination's for the other to-manys */
  const GodwitColumn *key;            /* the foreign key or owner column */
  const GodwitColumn *key_entity;     /* (nullable) its Z<n>_ column */
  const GodwitColumn *key_order;      /* (nullable) its Z_FOK_ column */
  GodwitProperty     *inverse;        /* (nullable) (unowned) stored inverse */
  const GodwitColumn *inverse_key;    /* (nullable) one-to-one: the inverse's foreign key */
  const GodwitColumn *inverse_entity; /* (nullable) and its Z<n>_ column */
  const char         *join;           /* LINK_MANY_TO_MANY */
  const char         *owner_column;
  const char         *member_column;
  const char         *order_column;   /* (nullable) position in the object's relationship */
  const char         *other_order_column; /* (nullable) position in the inverse */
} Link;

typedef struct
{
  GodwitEntity      *entity;         /* (unowned) */
  guint              number;         /* Z_ENT */
  GodwitEntity      *root;           /* (unowned) */
  guint              root_number;
  const GodwitTable *table;
  GPtrArray         *attributes;     /* (element-type GodwitProperty) (unowned): stored, by name */
  GPtrArray         *columns;        /* (element-type utf8) (unowned): their columns */
  GArray            *links;          /* (element-type Link): stored relationships, by name */
  char              *scan_sql;       /* every object, with its record */
  char              *select_sql;     /* one object by Z_PK */
  char              *insert_sql;
  char              *update_sql;
} EntityPlan;

struct _GodwitSyncStore
{
  GObject            parent_instance;

  GodwitSyncSidecar *sidecar;
  GodwitModel       *model;
  GodwitStoreLayout *layout;
  char              *model_digest;
  GHashTable        *plans;          /* (element-type GodwitEntity EntityPlan) */
  GHashTable        *detach_sql;     /* (element-type GodwitEntity GPtrArray): per root, what
                                      * unlinks a deleted object (Detach) */
};

G_DEFINE_FINAL_TYPE (GodwitSyncStore, godwit_sync_store, G_TYPE_OBJECT)

static void
link_clear (gpointer data)
{
  Link *link = data;

  g_free (link->read_sql);
  g_free (link->ids_sql);
}

static void
entity_plan_free (gpointer data)
{
  EntityPlan *plan = data;

  g_ptr_array_unref (plan->attributes);
  g_ptr_array_unref (plan->columns);
  g_array_unref (plan->links);
  g_free (plan->scan_sql);
  g_free (plan->select_sql);
  g_free (plan->insert_sql);
  g_free (plan->update_sql);
  g_free (plan);
}

static void
godwit_sync_store_finalize (GObject *object)
{
  GodwitSyncStore *self = (GodwitSyncStore *) object;

  g_clear_pointer (&self->plans, g_hash_table_unref);
  g_clear_pointer (&self->detach_sql, g_hash_table_unref);
  g_clear_pointer (&self->model_digest, g_free);
  g_clear_object (&self->layout);
  g_clear_object (&self->model);
  g_clear_object (&self->sidecar);

  G_OBJECT_CLASS (godwit_sync_store_parent_class)->finalize (object);
}

static void
godwit_sync_store_class_init (GodwitSyncStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = godwit_sync_store_finalize;
}

static void
godwit_sync_store_init (GodwitSyncStore *self)
{
  self->plans = g_hash_table_new_full (NULL, NULL, NULL, entity_plan_free);
  self->detach_sql = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_ptr_array_unref);
}

static const char *
store_path (GodwitSyncStore *self)
{
  return _godwit_sync_sidecar_get_store_path (self->sidecar);
}

static sqlite3 *
db (GodwitSyncStore *self)
{
  return _godwit_sync_sidecar_get_db (self->sidecar);
}

static gboolean
fail (GodwitSyncStore  *self,
      const char       *doing,
      GError          **error)
{
  return _godwit_sync_sidecar_fail (self->sidecar, doing, error);
}

static sqlite3_stmt *
prepare (GodwitSyncStore  *self,
         const char       *sql,
         GError          **error)
{
  return _godwit_sync_sidecar_prepare (self->sidecar, sql, error);
}

/* Z_PRIMARYKEY must number the entities as the layout does, and every
 * column of the layout must be there: otherwise rows would be misread. */
static gboolean
check_schema (GodwitSyncStore  *self,
              GError          **error)
{
  GPtrArray *tables = godwit_store_layout_get_tables (self->layout);
  sqlite3_stmt *statement;

  statement = prepare (self, "SELECT Z_NAME FROM store.Z_PRIMARYKEY WHERE Z_ENT = ?", error);
  if (statement == NULL)
    return FALSE;
  for (guint number = 1;; number++)
    {
      GodwitEntity *entity = godwit_store_layout_get_entity_for_number (self->layout, number);
      gboolean same;
      int rc;

      if (entity == NULL)
        break;
      sqlite3_bind_int64 (statement, 1, number);
      rc = sqlite3_step (statement);
      same = rc == SQLITE_ROW && g_strcmp0 ((const char *) sqlite3_column_text (statement, 0), entity->name) == 0;
      sqlite3_reset (statement);
      if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return fail (self, _("cannot read Z_PRIMARYKEY"), error);
      if (!same)
        {
          g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_CORRUPT_STORE,
                       _("%s: Z_PRIMARYKEY does not number entity %s %u, as the model “%s” lays it out"),
                       store_path (self), entity->name, number, godwit_model_get_version_name (self->model));
          return FALSE;
        }
    }

  for (guint i = 0; i < tables->len; i++)
    {
      const GodwitTable *table = g_ptr_array_index (tables, i);
      g_autoptr(GHashTable) present = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      g_autofree char *sql = g_strdup_printf ("SELECT name FROM pragma_table_info('%s', 'store')", table->name);
      sqlite3_stmt *info = prepare (self, sql, error);
      int rc;

      if (info == NULL)
        return FALSE;
      while ((rc = sqlite3_step (info)) == SQLITE_ROW)
        g_hash_table_add (present, g_ascii_strup ((const char *) sqlite3_column_text (info, 0), -1));
      sqlite3_reset (info);
      if (rc != SQLITE_DONE)
        return fail (self, _("cannot read the tables of the store"), error);

      for (guint j = 0; j < table->columns->len; j++)
        {
          const GodwitColumn *column = g_ptr_array_index (table->columns, j);
          g_autofree char *upper = g_ascii_strup (column->name, -1);

          if (!g_hash_table_contains (present, upper))
            {
              g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_CORRUPT_STORE,
                           _("%s: table %s lacks the column %s that the model “%s” lays out"), store_path (self),
                           table->name, column->name, godwit_model_get_version_name (self->model));
              return FALSE;
            }
        }
    }

  return TRUE;
}

static gboolean finish_journal (GodwitSyncStore  *self,
                                GError          **error);

/**
 * _godwit_sync_store_new:
 * @model: the store's model version (the one its version hashes match)
 *
 * Returns: (transfer full): the store side of a sync, or %NULL when the
 *   store's tables do not fit the model's layout
 */
GodwitSyncStore *
_godwit_sync_store_new (GodwitSyncSidecar  *sidecar,
                        GodwitModel        *model,
                        GError            **error)
{
  g_autoptr(GodwitSyncStore) self = g_object_new (GODWIT_TYPE_SYNC_STORE, NULL);

  self->sidecar = g_object_ref (sidecar);
  self->model = g_object_ref (model);
  self->model_digest = godwit_model_dup_version_hashes_digest (model);
  self->layout = godwit_store_layout_new (model, FALSE, error);
  if (self->layout == NULL || !check_schema (self, error) || !finish_journal (self, error))
    return NULL;

  return g_steal_pointer (&self);
}

/* The model's NSStoreModelVersionHashesDigest, which documents carry. */
const char *
_godwit_sync_store_get_model_digest (GodwitSyncStore *self)
{
  return self->model_digest;
}

/* ---- plans -------------------------------------------------------------- */

static const GodwitColumn *
find_column (GodwitSyncStore  *self,
             GodwitEntity     *entity,
             const char       *name,
             GodwitColumnRole  role)
{
  return godwit_store_layout_find_column (self->layout, entity, name, role);
}

static gboolean
plan_link (GodwitSyncStore  *self,
           EntityPlan       *plan,
           GodwitProperty   *relationship,
           GString          *select_list,
           int              *n_selected,
           Link             *link,
           GError          **error)
{
  GodwitEntity *entity = plan->entity;
  GodwitEntity *destination = godwit_model_get_entity (self->model, relationship->destination_entity);
  const GodwitTable *destination_table;
  GodwitProperty *inverse = NULL;
  g_autoptr(SqliteText) quoted_root = NULL;

  if (destination == NULL)
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_MODEL, _("%s: %s.%s has no destination entity"),
                   store_path (self), entity->name, relationship->name);
      return FALSE;
    }
  destination_table = godwit_store_layout_get_table (self->layout, destination);

  memset (link, 0, sizeof *link);
  link->relationship = relationship;
  link->destination = destination;
  link->target_root = godwit_entity_get_root (destination)->name;
  /* Reading an object names its targets by their document ids, found in
   * the same statement. */
  quoted_root = sqlite3_mprintf ("%Q", link->target_root);
  if (relationship->inverse_name != NULL)
    inverse = godwit_entity_find_property (destination, relationship->inverse_name);
  if (inverse != NULL && (!godwit_property_is_stored (inverse) ||
                          inverse->kind != GODWIT_PROPERTY_KIND_RELATIONSHIP))
    inverse = NULL;
  link->inverse = inverse;

  if (!relationship->to_many)
    {
      link->kind = LINK_TO_ONE;
      link->table = plan->table->name;
      link->key = find_column (self, entity, relationship->name, GODWIT_COLUMN_ROLE_TO_ONE);
      link->key_entity = find_column (self, entity, relationship->name, GODWIT_COLUMN_ROLE_TO_ONE_ENTITY);
      link->key_order = find_column (self, entity, relationship->name, GODWIT_COLUMN_ROLE_ORDER);
      if (inverse != NULL && !inverse->to_many)
        {
          link->inverse_key = find_column (self, destination, inverse->name, GODWIT_COLUMN_ROLE_TO_ONE);
          link->inverse_entity = find_column (self, destination, inverse->name, GODWIT_COLUMN_ROLE_TO_ONE_ENTITY);
        }
      if (link->key == NULL)
        goto no_column;
      link->select_index = (*n_selected)++;
      g_string_append_printf (select_list, ", (SELECT target.id FROM sync.documents target "
                                           "WHERE target.root = %s AND target.pk = t.%s)",
                              quoted_root, link->key->name);
      return TRUE;
    }

  if (inverse != NULL && !inverse->to_many)
    {
      link->kind = LINK_TO_MANY_INVERSE;
      link->table = destination_table->name;
      link->key = find_column (self, destination, inverse->name, GODWIT_COLUMN_ROLE_TO_ONE);
      link->key_entity = find_column (self, destination, inverse->name, GODWIT_COLUMN_ROLE_TO_ONE_ENTITY);
      link->key_order = find_column (self, destination, inverse->name, GODWIT_COLUMN_ROLE_ORDER);
    }
  else if (inverse != NULL)
    {
      const GodwitJoinTable *join = godwit_store_layout_find_join_table (self->layout, entity,
                                                                         relationship->name);
      gboolean naming_side;

      if (join == NULL)
        goto no_column;
      naming_side = godwit_entity_is_kind_of (entity, join->entity) &&
                    strcmp (relationship->name, join->relationship->name) == 0;
      link->kind = LINK_MANY_TO_MANY;
      link->join = join->name;
      link->owner_column = naming_side ? join->column : join->inverse_column;
      link->member_column = naming_side ? join->inverse_column : join->column;
      link->order_column = naming_side ? join->order_column : join->inverse_order_column;
      link->other_order_column = naming_side ? join->inverse_order_column : join->order_column;
      link->read_sql = g_strdup_printf ("SELECT %s FROM store.%s WHERE %s = ? ORDER BY %s%s%s",
                                        link->member_column, join->name, link->owner_column,
                                        link->order_column != NULL ? link->order_column : "",
                                        link->order_column != NULL ? ", " : "", link->member_column);
      link->ids_sql = g_strdup_printf ("SELECT (SELECT target.id FROM sync.documents target WHERE target.root = %s "
                                       "AND target.pk = j.%s) FROM store.%s j WHERE j.%s = ? ORDER BY %s%s%s%s",
                                       quoted_root, link->member_column, join->name, link->owner_column,
                                       link->order_column != NULL ? "j." : "",
                                       link->order_column != NULL ? link->order_column : "",
                                       link->order_column != NULL ? ", j." : "j.", link->member_column);
      return TRUE;
    }
  else
    {
      link->kind = LINK_TO_MANY_OWNED;
      link->table = destination_table->name;
      link->key = find_column (self, entity, relationship->name, GODWIT_COLUMN_ROLE_TO_MANY_OWNER);
      link->key_order = find_column (self, entity, relationship->name, GODWIT_COLUMN_ROLE_ORDER);
    }

  if (link->key == NULL)
    goto no_column;
  link->read_sql = g_strdup_printf ("SELECT Z_PK FROM store.%s WHERE %s = ? ORDER BY %s%sZ_PK",
                                    link->table, link->key->name,
                                    link->key_order != NULL ? link->key_order->name : "",
                                    link->key_order != NULL ? ", " : "");
  link->ids_sql = g_strdup_printf ("SELECT (SELECT target.id FROM sync.documents target WHERE target.root = %s "
                                   "AND target.pk = t.Z_PK) FROM store.%s t WHERE t.%s = ? ORDER BY %s%s%st.Z_PK",
                                   quoted_root,
                                   link->table, link->key->name, link->key_order != NULL ? "t." : "",
                                   link->key_order != NULL ? link->key_order->name : "",
                                   link->key_order != NULL ? ", " : "");
  return TRUE;

no_column:
  g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_MODEL,
               _("%s: the layout of “%s” has no column for relationship %s.%s"), store_path (self),
               godwit_model_get_version_name (self->model), entity->name, relationship->name);
  return FALSE;
}

static EntityPlan *
get_plan (GodwitSyncStore  *self,
          GodwitEntity     *entity,
          GError          **error)
{
  EntityPlan *plan = g_hash_table_lookup (self->plans, entity);
  g_autoptr(GPtrArray) properties = NULL;
  g_autoptr(GString) select_list = NULL;
  g_autoptr(GString) insert_columns = NULL;
  g_autoptr(GString) insert_values = NULL;
  g_autoptr(GString) update = NULL;
  int n_selected = 1;

  if (plan != NULL)
    return plan;

  plan = g_new0 (EntityPlan, 1);
  plan->entity = entity;
  plan->number = godwit_store_layout_get_entity_number (self->layout, entity);
  plan->root = godwit_entity_get_root (entity);
  plan->root_number = godwit_store_layout_get_entity_number (self->layout, plan->root);
  plan->table = godwit_store_layout_get_table (self->layout, entity);
  plan->attributes = g_ptr_array_new ();
  plan->columns = g_ptr_array_new ();
  plan->links = g_array_new (FALSE, TRUE, sizeof (Link));
  g_array_set_clear_func (plan->links, link_clear);
  g_hash_table_insert (self->plans, entity, plan);

  select_list = g_string_new ("t.Z_PK");
  insert_columns = g_string_new ("Z_PK, Z_ENT, Z_OPT");
  insert_values = g_string_new ("?, ?, 1");
  update = g_string_new (NULL);
  g_string_append_printf (update, "UPDATE store.%s SET Z_OPT = IFNULL(Z_OPT, 0) + 1", plan->table->name);

  properties = godwit_entity_dup_all_properties (entity);
  for (guint i = 0; i < properties->len; i++)
    {
      GodwitProperty *property = g_ptr_array_index (properties, i);
      const GodwitColumn *column;

      if (property->kind != GODWIT_PROPERTY_KIND_ATTRIBUTE || !godwit_property_is_stored (property))
        continue;
      column = find_column (self, entity, property->name, GODWIT_COLUMN_ROLE_ATTRIBUTE);
      /* Types without a column (composite, undefined) have no value to sync. */
      if (column == NULL)
        continue;
      g_ptr_array_add (plan->attributes, property);
      g_ptr_array_add (plan->columns, column->name);
      g_string_append_printf (select_list, ", t.%s", column->name);
      g_string_append_printf (insert_columns, ", %s", column->name);
      g_string_append (insert_values, ", ?");
      g_string_append_printf (update, ", %s = ?", column->name);
      n_selected++;
    }

  for (guint i = 0; i < properties->len; i++)
    {
      GodwitProperty *property = g_ptr_array_index (properties, i);
      Link link;

      if (property->kind != GODWIT_PROPERTY_KIND_RELATIONSHIP || !godwit_property_is_stored (property))
        continue;
      if (!plan_link (self, plan, property, select_list, &n_selected, &link, error))
        {
          link_clear (&link);
          g_hash_table_remove (self->plans, entity);
          return NULL;
        }
      g_array_append_val (plan->links, link);
    }

  plan->scan_sql = g_strdup_printf ("SELECT %s, d.id, d.rev, d.digest FROM store.%s t LEFT JOIN sync.documents d "
                                    "ON d.root = ?2 AND d.pk = t.Z_PK WHERE t.Z_ENT = ?1 ORDER BY t.Z_PK",
                                    select_list->str, plan->table->name);
  plan->select_sql = g_strdup_printf ("SELECT %s FROM store.%s t WHERE t.Z_PK = ?1 AND t.Z_ENT = ?2",
                                      select_list->str, plan->table->name);
  plan->insert_sql = g_strdup_printf ("INSERT INTO store.%s (%s) VALUES (%s)", plan->table->name,
                                      insert_columns->str, insert_values->str);
  g_string_append (update, " WHERE Z_PK = ?");
  plan->update_sql = g_string_free (g_steal_pointer (&update), FALSE);

  return plan;
}

static EntityPlan *
get_plan_by_name (GodwitSyncStore  *self,
                  const char       *name,
                  GError          **error)
{
  GodwitEntity *entity = godwit_model_get_entity (self->model, name);

  if (entity == NULL || entity->abstract)
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_UNKNOWN_ENTITY,
                   entity != NULL ? _("%s: the model “%s” has no concrete entity “%s”") :
                   _("%s: the model “%s” has no entity “%s”"),
                   store_path (self), godwit_model_get_version_name (self->model), name);
      return NULL;
    }

  return get_plan (self, entity, error);
}

/* ---- reading ------------------------------------------------------------ */

static int
compare_ids (gconstpointer a,
             gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static JsonNode *
string_node (const char *text)
{
  JsonNode *node = json_node_new (JSON_NODE_VALUE);

  json_node_set_string (node, text);

  return node;
}

/* A relationship's value: the targets the store links, and those waiting
 * in the sidecar at their positions. */
static JsonNode *
read_link (GodwitSyncStore  *self,
           const Link       *link,
           sqlite3_stmt     *row,
           gint64            pk,
           const char       *id,
           GError          **error)
{
  g_autoptr(GPtrArray) targets = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) pending = NULL;
  g_autoptr(JsonArray) array = NULL;
  JsonNode *node;

  /* A target without a document is an object Godwit has not numbered
   * yet, or a dangling key: neither is a document. */
  if (link->kind == LINK_TO_ONE)
    {
      const char *target = (const char *) sqlite3_column_text (row, link->select_index);

      if (target != NULL)
        g_ptr_array_add (targets, g_strdup (target));
    }
  else
    {
      sqlite3_stmt *statement = prepare (self, link->ids_sql, error);
      int rc;

      if (statement == NULL)
        return NULL;
      sqlite3_bind_int64 (statement, 1, pk);
      while ((rc = sqlite3_step (statement)) == SQLITE_ROW)
        {
          const char *target = (const char *) sqlite3_column_text (statement, 0);

          if (target != NULL)
            g_ptr_array_add (targets, g_strdup (target));
        }
      sqlite3_reset (statement);
      if (rc != SQLITE_DONE)
        {
          fail (self, _("cannot read a relationship"), error);
          return NULL;
        }
    }

  if (id != NULL)
    {
      pending = _godwit_sync_sidecar_dup_pending (self->sidecar, id, link->relationship->name, error);
      if (pending == NULL)
        return NULL;
      for (guint i = 0; i < pending->len; i++)
        {
          GodwitSyncPending *p = g_ptr_array_index (pending, i);

          if (!link->relationship->to_many)
            {
              if (targets->len == 0)
                g_ptr_array_add (targets, g_strdup (p->target));
              break;
            }
          g_ptr_array_insert (targets, (gint) MIN ((guint64) MAX (p->position, 0), (guint64) targets->len),
                              g_strdup (p->target));
        }
    }

  if (!link->relationship->to_many)
    return targets->len > 0 ? string_node (g_ptr_array_index (targets, 0)) : json_node_new (JSON_NODE_NULL);

  if (!link->relationship->ordered)
    g_ptr_array_sort (targets, compare_ids);
  array = json_array_new ();
  for (guint i = 0; i < targets->len; i++)
    {
      const char *target = g_ptr_array_index (targets, i);

      /* The same target from the store and from the sidecar counts once. */
      if (i > 0 && link->relationship->ordered)
        {
          gboolean seen = FALSE;

          for (guint j = 0; j < i && !seen; j++)
            seen = strcmp (g_ptr_array_index (targets, j), target) == 0;
          if (seen)
            continue;
        }
      else if (i > 0 && strcmp (g_ptr_array_index (targets, i - 1), target) == 0)
        continue;
      json_array_add_string_element (array, target);
    }
  node = json_node_new (JSON_NODE_ARRAY);
  json_node_set_array (node, array);

  return node;
}

/* The document of the object in @row (as the plan selects it). */
static GodwitSyncDocument *
read_row (GodwitSyncStore  *self,
          EntityPlan       *plan,
          sqlite3_stmt     *row,
          const char       *id,
          GError          **error)
{
  g_autoptr(GodwitSyncDocument) document = godwit_sync_document_new (id, NULL, FALSE);
  gint64 pk = sqlite3_column_int64 (row, 0);

  g_free (document->entity);
  document->entity = g_strdup (plan->entity->name);
  document->model = g_strdup (self->model_digest);
  document->attributes = json_object_new ();
  document->relationships = json_object_new ();

  for (guint i = 0; i < plan->attributes->len; i++)
    {
      GodwitProperty *attribute = g_ptr_array_index (plan->attributes, i);

      json_object_set_member (document->attributes, attribute->name,
                              _godwit_sync_value_from_column (attribute->attribute_type, row, (int) i + 1));
    }

  for (guint i = 0; i < plan->links->len; i++)
    {
      const Link *link = &g_array_index (plan->links, Link, i);
      JsonNode *value = read_link (self, link, row, pk, id, error);

      if (value == NULL)
        return NULL;
      json_object_set_member (document->relationships, link->relationship->name, value);
    }

  return g_steal_pointer (&document);
}

/**
 * _godwit_sync_store_read:
 *
 * Returns: (transfer full): the object of @record as the store holds it
 *   now, as a document without revision; a deleted document when the
 *   store does not hold it
 */
GodwitSyncDocument *
_godwit_sync_store_read (GodwitSyncStore         *self,
                         const GodwitSyncRecord  *record,
                         GError                 **error)
{
  g_autoptr(GodwitSyncDocument) document = NULL;
  EntityPlan *plan;
  sqlite3_stmt *statement;
  int rc;

  plan = get_plan_by_name (self, record->entity, error);
  if (plan == NULL)
    return NULL;
  if (record->pk <= 0)
    return godwit_sync_document_new (record->id, NULL, TRUE);

  statement = prepare (self, plan->select_sql, error);
  if (statement == NULL)
    return NULL;
  sqlite3_bind_int64 (statement, 1, record->pk);
  sqlite3_bind_int64 (statement, 2, plan->number);
  rc = sqlite3_step (statement);
  if (rc == SQLITE_ROW)
    document = read_row (self, plan, statement, record->id, error);
  else if (rc == SQLITE_DONE)
    document = godwit_sync_document_new (record->id, NULL, TRUE);
  else
    fail (self, _("cannot read an object"), error);
  sqlite3_reset (statement);

  return g_steal_pointer (&document);
}

/**
 * _godwit_sync_store_add_local_revision:
 * @document: the object as the store holds it (deleted when it does not)
 *
 * Records a change made in the store: a new revision, child of the one
 * the record held, with @document's body.
 */
gboolean
_godwit_sync_store_add_local_revision (GodwitSyncStore     *self,
                                       GodwitSyncRecord    *record,
                                       GodwitSyncDocument  *document,
                                       GError             **error)
{
  g_autofree char *rev = godwit_sync_document_compute_revision (document, record->rev);

  g_free (document->rev);
  document->rev = g_strdup (rev);
  g_clear_pointer (&document->history, g_ptr_array_unref);
  if (!_godwit_sync_sidecar_add_revision (self->sidecar, document, record->rev, error))
    return FALSE;

  g_free (record->rev);
  record->rev = g_steal_pointer (&rev);
  g_free (record->digest);
  record->digest = document->deleted ? NULL : godwit_sync_document_dup_digest (document);
  if (document->deleted)
    record->pk = 0;

  /* The revision holds what effects the object had. */
  return _godwit_sync_sidecar_save (self->sidecar, record, error) &&
         _godwit_sync_sidecar_forget_effect (self->sidecar, record->id, error);
}

/* Whether @document, the object of @record as the store holds it, differs
 * from the revision the record names only in relationships that the sync
 * changed through other objects: not a change of the store's. */
static gboolean
is_effect (GodwitSyncStore           *self,
           const GodwitSyncRecord    *record,
           GodwitSyncDocument        *document,
           gboolean                  *effect,
           GError                   **error)
{
  g_autoptr(GodwitSyncDocument) revision = NULL;
  g_autoptr(GodwitSyncDocument) expected = NULL;
  g_autofree char *digest = NULL;
  gboolean has = FALSE;

  *effect = FALSE;
  if (document->deleted || record->rev == NULL || record->digest == NULL)
    return TRUE;
  if (!_godwit_sync_sidecar_has_effect (self->sidecar, record->id, &has, error))
    return FALSE;
  if (!has)
    return TRUE;

  revision = _godwit_sync_sidecar_load_revision (self->sidecar, record->id, record->rev, 1, error);
  if (revision == NULL)
    return FALSE;
  if (revision->deleted)
    return TRUE;
  expected = godwit_sync_document_new (record->id, NULL, FALSE);
  g_free (expected->entity);
  expected->entity = g_strdup (document->entity);
  expected->model = g_strdup (document->model);
  expected->attributes = json_object_ref (document->attributes);
  expected->relationships = json_object_ref (revision->relationships);
  digest = godwit_sync_document_dup_digest (expected);
  *effect = strcmp (digest, record->digest) == 0;

  return TRUE;
}

/* ---- scanning ----------------------------------------------------------- */

/* Gives every object without a document id one, so that relationships
 * read afterwards can name it. */
static gboolean
number_new_objects (GodwitSyncStore  *self,
                    EntityPlan       *plan,
                    GError          **error)
{
  g_autofree char *sql = g_strdup_printf ("SELECT t.Z_PK FROM store.%s t WHERE t.Z_ENT = ?1 AND NOT EXISTS "
                                          "(SELECT 1 FROM sync.documents d WHERE d.root = ?2 AND d.pk = t.Z_PK)",
                                          plan->table->name);
  g_autoptr(GArray) pks = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3_stmt *statement = prepare (self, sql, error);
  int rc;

  if (statement == NULL)
    return FALSE;
  sqlite3_bind_int64 (statement, 1, plan->number);
  sqlite3_bind_text (statement, 2, plan->root->name, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (statement)) == SQLITE_ROW)
    {
      gint64 pk = sqlite3_column_int64 (statement, 0);

      g_array_append_val (pks, pk);
    }
  sqlite3_reset (statement);
  if (rc != SQLITE_DONE)
    return fail (self, _("cannot read the store’s objects"), error);

  for (guint i = 0; i < pks->len; i++)
    {
      g_autofree char *id = godwit_sync_document_new_id (plan->entity->name);
      GodwitSyncRecord record = { id, plan->entity->name, plan->root->name, g_array_index (pks, gint64, i),
                                  NULL, NULL };

      if (!_godwit_sync_sidecar_save (self->sidecar, &record, error))
        return FALSE;
    }

  return TRUE;
}

/* Records whose object is gone from the store become tombstones. */
static gboolean
find_deletions (GodwitSyncStore   *self,
                EntityPlan        *plan,
                GodwitSyncCounts  *counts,
                GError           **error)
{
  g_autofree char *sql = g_strdup_printf ("SELECT id FROM sync.documents d WHERE d.root = ?1 AND d.entity = ?2 "
                                          "AND d.pk IS NOT NULL AND NOT EXISTS (SELECT 1 FROM store.%s t "
                                          "WHERE t.Z_PK = d.pk AND t.Z_ENT = ?3)", plan->table->name);
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *statement = prepare (self, sql, error);
  int rc;

  if (statement == NULL)
    return FALSE;
  sqlite3_bind_text (statement, 1, plan->root->name, -1, SQLITE_STATIC);
  sqlite3_bind_text (statement, 2, plan->entity->name, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (statement, 3, plan->number);
  while ((rc = sqlite3_step (statement)) == SQLITE_ROW)
    g_ptr_array_add (ids, g_strdup ((const char *) sqlite3_column_text (statement, 0)));
  sqlite3_reset (statement);
  if (rc != SQLITE_DONE)
    return fail (self, _("cannot read the sync sidecar"), error);

  for (guint i = 0; i < ids->len; i++)
    {
      g_autoptr(GodwitSyncRecord) record = _godwit_sync_sidecar_get (self->sidecar, g_ptr_array_index (ids, i),
                                                                      error);
      g_autoptr(GodwitSyncDocument) tombstone = NULL;

      if (record == NULL)
        return FALSE;
      record->pk = 0;
      if (record->rev == NULL)
        {
          /* Never synced: there is nothing to tell a server. */
          if (!_godwit_sync_sidecar_save (self->sidecar, record, error))
            return FALSE;
          continue;
        }
      tombstone = godwit_sync_document_new (record->id, NULL, TRUE);
      if (!_godwit_sync_store_add_local_revision (self, record, tombstone, error) ||
          !_godwit_sync_sidecar_forget_target (self->sidecar, record->id, error))
        return FALSE;
      counts->deleted++;
    }

  return TRUE;
}

static gboolean
count_rows (GodwitSyncStore  *self,
            EntityPlan       *plan,
            gint64           *count,
            GError          **error)
{
  g_autofree char *sql = g_strdup_printf ("SELECT COUNT(*) FROM store.%s WHERE Z_ENT = ?", plan->table->name);
  sqlite3_stmt *statement = prepare (self, sql, error);
  int rc;

  if (statement == NULL)
    return FALSE;
  sqlite3_bind_int64 (statement, 1, plan->number);
  rc = sqlite3_step (statement);
  *count = rc == SQLITE_ROW ? sqlite3_column_int64 (statement, 0) : 0;
  sqlite3_reset (statement);
  if (rc != SQLITE_ROW)
    return fail (self, _("cannot count the store’s objects"), error);

  return TRUE;
}

/* A scan under way: see _godwit_sync_store_begin_scan(). */
struct _GodwitSyncScan
{
  GodwitSyncStore            *store;
  GPtrArray                  *plans;        /* (element-type EntityPlan) (unowned) */
  guint                       plan_index;   /* the entity being read */
  sqlite3_stmt               *statement;    /* (nullable) its objects, once begun */
  gint64                      done;
  gint64                      total;
  GodwitSyncCounts           *counts;
  GodwitSyncScanProgressFunc  progress;
  gpointer                    user_data;
  gboolean                    finished;     /* committed */
  GError                     *error;        /* (nullable) the first failure: nothing more is read */
};

/* Records the object of the scan's current row if its body changed since
 * the sidecar last saw it. */
static gboolean
scan_row (GodwitSyncScan  *scan,
          EntityPlan      *plan,
          GError         **error)
{
  GodwitSyncStore *self = scan->store;
  sqlite3_stmt *statement = scan->statement;
  int n_columns = sqlite3_column_count (statement);
  const char *id = (const char *) sqlite3_column_text (statement, n_columns - 3);
  const char *digest = (const char *) sqlite3_column_text (statement, n_columns - 1);
  g_autoptr(GodwitSyncDocument) document = NULL;
  g_autofree char *new_digest = NULL;
  GodwitSyncRecord record = { (char *) id, plan->entity->name, plan->root->name,
                              sqlite3_column_int64 (statement, 0), NULL, NULL };
  gboolean effect = FALSE;
  gboolean ok;

  if (id == NULL)
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_IO,
                   /* Translators: the store's path, the entity and the object's primary key */
                   _("%s: object %s p%" PRId64 " appeared during the scan"), store_path (self), plan->entity->name,
                   (gint64) sqlite3_column_int64 (statement, 0));
      return FALSE;
    }

  document = read_row (self, plan, statement, id, error);
  if (document == NULL)
    return FALSE;
  new_digest = godwit_sync_document_dup_digest (document);
  if (g_strcmp0 (new_digest, digest) == 0)
    return TRUE;

  record.rev = g_strdup ((const char *) sqlite3_column_text (statement, n_columns - 2));
  record.digest = g_strdup (digest);
  ok = is_effect (self, &record, document, &effect, error);
  if (ok && !effect)
    {
      if (record.rev != NULL)
        scan->counts->updated++;
      else
        scan->counts->inserted++;
      ok = _godwit_sync_store_add_local_revision (self, &record, document, error);
    }
  g_free (record.rev);
  g_free (record.digest);

  return ok;
}

/* Reads up to @max_rows objects, entity after entity: FALSE once every
 * object is read, or a failure stopped the scan. */
static gboolean
scan_rows (GodwitSyncScan  *scan,
           gint64           max_rows,
           GError         **error)
{
  GodwitSyncStore *self = scan->store;

  for (gint64 n = 0; n < max_rows && scan->plan_index < scan->plans->len;)
    {
      EntityPlan *plan = g_ptr_array_index (scan->plans, scan->plan_index);
      int rc = SQLITE_DONE;

      if (scan->statement == NULL)
        {
          scan->done = scan->total = 0;
          if (scan->progress != NULL && !count_rows (self, plan, &scan->total, error))
            return FALSE;
          /* This statement is stepped while others run: its own, not the cache's. */
          if (sqlite3_prepare_v2 (db (self), plan->scan_sql, -1, &scan->statement, NULL) != SQLITE_OK)
            return fail (self, _("cannot read the store’s objects"), error);
          sqlite3_bind_int64 (scan->statement, 1, plan->number);
          sqlite3_bind_text (scan->statement, 2, plan->root->name, -1, SQLITE_STATIC);
        }

      for (; n < max_rows && (rc = sqlite3_step (scan->statement)) == SQLITE_ROW; n++)
        {
          if (!scan_row (scan, plan, error))
            return FALSE;
          if (scan->progress != NULL && ++scan->done % PROGRESS_STEP == 0)
            scan->progress (plan->entity->name, scan->done, scan->total, scan->user_data);
        }
      if (n == max_rows)
        break;

      g_clear_pointer (&scan->statement, sqlite3_finalize);
      if (rc != SQLITE_DONE)
        return fail (self, _("cannot read the store’s objects"), error);
      if (scan->progress != NULL)
        scan->progress (plan->entity->name, scan->total, scan->total, scan->user_data);
      scan->plan_index++;
    }

  return scan->plan_index < scan->plans->len;
}

/**
 * _godwit_sync_store_begin_scan:
 * @counts: (out caller-allocates): the objects found inserted, updated and
 *   deleted since the last sync, filled in as the scan goes
 *
 * Begins finding what changed in the store since the sidecar last saw it,
 * whoever changed it: new objects get their ids and deleted ones their
 * tombstones at once; _godwit_sync_scan_step() and
 * _godwit_sync_scan_finish() read the objects and record each change as a
 * new revision. One transaction, committed once the last object is read:
 * the scan sees one state of the store, and the sidecar gets all of its
 * revisions or none.
 */
GodwitSyncScan *
_godwit_sync_store_begin_scan (GodwitSyncStore             *self,
                               GodwitSyncCounts            *counts,
                               GodwitSyncScanProgressFunc   progress,
                               gpointer                     user_data,
                               GError                     **error)
{
  GPtrArray *entities = godwit_model_get_entities (self->model);
  g_autoptr(GodwitSyncScan) scan = g_new0 (GodwitSyncScan, 1);

  memset (counts, 0, sizeof *counts);
  scan->store = g_object_ref (self);
  scan->plans = g_ptr_array_new ();
  scan->counts = counts;
  scan->progress = progress;
  scan->user_data = user_data;

  if (!_godwit_sync_sidecar_begin (self->sidecar, FALSE, error))
    return NULL;

  for (guint i = 0; i < entities->len; i++)
    {
      GodwitEntity *entity = g_ptr_array_index (entities, i);
      EntityPlan *plan;

      if (entity->abstract)
        continue;
      plan = get_plan (self, entity, error);
      if (plan == NULL)
        return NULL;
      g_ptr_array_add (scan->plans, plan);
    }

  /* Numbers first, so that relationships can name every object; then
   * deletions, so that no relationship names an object that is gone. */
  for (guint i = 0; i < scan->plans->len; i++)
    if (!number_new_objects (self, g_ptr_array_index (scan->plans, i), error))
      return NULL;
  for (guint i = 0; i < scan->plans->len; i++)
    if (!find_deletions (self, g_ptr_array_index (scan->plans, i), counts, error))
      return NULL;

  return g_steal_pointer (&scan);
}

/* Reads the objects that are left, up to @max_rows, and commits once
 * every one is read: FALSE once the scan is done, or failed. */
static gboolean
scan_rows_and_commit (GodwitSyncScan  *scan,
                      gint64           max_rows,
                      GError         **error)
{
  if (scan_rows (scan, max_rows, error))
    return TRUE;
  if (*error == NULL && _godwit_sync_sidecar_commit (scan->store->sidecar, error))
    {
      scan->finished = TRUE;
      if (scan->progress != NULL)
        scan->progress (NULL, 0, 0, scan->user_data);
    }

  return FALSE;
}

/**
 * _godwit_sync_scan_step:
 * @max_rows: how many objects to read at most
 *
 * Reads some more of the store's objects, so that other work (a push of
 * what earlier scans recorded) can go on between steps. The scan commits
 * as soon as it read the last object: the store's other writers wait for
 * no more than the scan.
 *
 * Returns: %FALSE once the scan is done, or failed: see
 *   _godwit_sync_scan_finish()
 */
gboolean
_godwit_sync_scan_step (GodwitSyncScan *scan,
                        guint           max_rows)
{
  if (scan->error != NULL || scan->finished)
    return FALSE;

  return scan_rows_and_commit (scan, max_rows, &scan->error);
}

/**
 * _godwit_sync_scan_finish:
 *
 * Reads the objects that are left, if any, and commits what the scan
 * recorded, unless a step did; or tells why a step failed.
 */
gboolean
_godwit_sync_scan_finish (GodwitSyncScan  *scan,
                          GError         **error)
{
  if (scan->error == NULL && !scan->finished)
    scan_rows_and_commit (scan, G_MAXINT64, &scan->error);
  if (scan->error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&scan->error));
      return FALSE;
    }

  return TRUE;
}

/**
 * _godwit_sync_scan_free:
 *
 * Ends a scan: what it recorded is undone unless it was finished.
 */
void
_godwit_sync_scan_free (GodwitSyncScan *scan)
{
  g_clear_pointer (&scan->statement, sqlite3_finalize);
  if (!scan->finished)
    _godwit_sync_sidecar_rollback (scan->store->sidecar);
  g_clear_error (&scan->error);
  g_ptr_array_unref (scan->plans);
  g_object_unref (scan->store);
  g_free (scan);
}

/**
 * _godwit_sync_store_record_late_change:
 *
 * A change the store got since the scan (the app kept writing) to the
 * object of document @id becomes a revision, in the transaction the
 * caller holds, before a pull writes the object: the pull then meets it
 * as a conflict instead of writing over it. What the sync itself changed
 * through other objects is no change.
 */
gboolean
_godwit_sync_store_record_late_change (GodwitSyncStore  *self,
                                       const char       *id,
                                       GError          **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GodwitSyncRecord) record = _godwit_sync_sidecar_find (self->sidecar, id, &local_error);
  g_autoptr(GodwitSyncDocument) current = NULL;
  g_autofree char *digest = NULL;
  gboolean effect = FALSE;

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (record == NULL || record->rev == NULL)
    return TRUE;

  current = _godwit_sync_store_read (self, record, error);
  if (current == NULL)
    return FALSE;
  digest = current->deleted ? NULL : godwit_sync_document_dup_digest (current);
  if (g_strcmp0 (digest, record->digest) == 0)
    return TRUE;
  if (!is_effect (self, record, current, &effect, error))
    return FALSE;

  return effect || _godwit_sync_store_add_local_revision (self, record, current, error);
}

/**
 * _godwit_sync_store_record_effects:
 *
 * After a pull that went to the end: the objects whose relationships it
 * changed through other objects, and whose own revisions did not follow
 * (a conflict's resolution, documents that disagree), get a revision
 * each, so that the server's documents agree with each other again. One
 * transaction.
 */
gboolean
_godwit_sync_store_record_effects (GodwitSyncStore  *self,
                                   GError          **error)
{
  g_autoptr(GPtrArray) ids = _godwit_sync_sidecar_dup_effect_ids (self->sidecar, error);

  if (ids == NULL)
    return FALSE;
  if (ids->len == 0)
    return TRUE;

  if (!_godwit_sync_sidecar_begin (self->sidecar, FALSE, error))
    return FALSE;
  for (guint i = 0; i < ids->len; i++)
    {
      const char *id = g_ptr_array_index (ids, i);
      g_autoptr(GodwitSyncRecord) record = _godwit_sync_sidecar_get (self->sidecar, id, error);
      g_autoptr(GodwitSyncDocument) current = NULL;
      g_autofree char *digest = NULL;

      if (record == NULL)
        goto failed;
      current = _godwit_sync_store_read (self, record, error);
      if (current == NULL)
        goto failed;
      /* An object deleted since is the next scan's. */
      if (!current->deleted)
        digest = godwit_sync_document_dup_digest (current);
      if (digest == NULL || g_strcmp0 (digest, record->digest) == 0 ?
          !_godwit_sync_sidecar_forget_effect (self->sidecar, id, error) :
          !_godwit_sync_store_add_local_revision (self, record, current, error))
        goto failed;
    }
  if (!_godwit_sync_sidecar_commit (self->sidecar, error))
    goto failed;

  return TRUE;

failed:
  _godwit_sync_sidecar_rollback (self->sidecar);
  return FALSE;
}

/* ---- writing ------------------------------------------------------------ */

/* Runs @sql with 64-bit integer parameters (a NULL one binds SQL NULL). */
static gboolean
run_ints (GodwitSyncStore  *self,
          const char       *sql,
          const char       *doing,
          GError          **error,
          guint             n_parameters,
          ...)
{
  sqlite3_stmt *statement = prepare (self, sql, error);
  va_list args;

  if (statement == NULL)
    return FALSE;
  va_start (args, n_parameters);
  for (guint i = 0; i < n_parameters; i++)
    {
      const gint64 *value = va_arg (args, const gint64 *);

      if (value != NULL)
        sqlite3_bind_int64 (statement, (int) i + 1, *value);
      else
        sqlite3_bind_null (statement, (int) i + 1);
    }
  va_end (args);

  return _godwit_sync_sidecar_step_done (self->sidecar, statement, doing, error);
}

/* The first column of @sql's first row with integer parameters; @found
 * says whether there was a row with a non-NULL value. */
static gboolean
query_int (GodwitSyncStore  *self,
           const char       *sql,
           gint64           *value,
           gboolean         *found,
           GError          **error,
           guint             n_parameters,
           ...)
{
  sqlite3_stmt *statement = prepare (self, sql, error);
  va_list args;
  int rc;

  if (statement == NULL)
    return FALSE;
  va_start (args, n_parameters);
  for (guint i = 0; i < n_parameters; i++)
    sqlite3_bind_int64 (statement, (int) i + 1, va_arg (args, gint64));
  va_end (args);

  rc = sqlite3_step (statement);
  *found = rc == SQLITE_ROW && sqlite3_column_type (statement, 0) != SQLITE_NULL;
  *value = *found ? sqlite3_column_int64 (statement, 0) : 0;
  sqlite3_reset (statement);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return fail (self, _("cannot read the store"), error);

  return TRUE;
}

/* Z_PRIMARYKEY.Z_MAX of @plan's hierarchy counts Z_PK @pk. */
static gboolean
reserve_pk (GodwitSyncStore  *self,
            EntityPlan       *plan,
            gint64            pk,
            GError          **error)
{
  gint64 root_number = plan->root_number;

  return run_ints (self, "UPDATE store.Z_PRIMARYKEY SET Z_MAX = MAX(IFNULL(Z_MAX, 0), ?1) WHERE Z_ENT = ?2",
                   _("cannot record Z_MAX in Z_PRIMARYKEY"), error, 2, &pk, &root_number);
}

/* A new Z_PK for @plan's hierarchy: after Z_PRIMARYKEY.Z_MAX, and after
 * any row a tool inserted without counting it there. */
static gboolean
allocate_pk (GodwitSyncStore  *self,
             EntityPlan       *plan,
             gint64           *pk,
             GError          **error)
{
  g_autofree char *sql = g_strdup_printf ("SELECT MAX(IFNULL((SELECT Z_MAX FROM store.Z_PRIMARYKEY "
                                          "WHERE Z_ENT = ?), 0), IFNULL((SELECT MAX(Z_PK) FROM store.%s), 0))",
                                          plan->table->name);
  gboolean found;
  gint64 max;

  if (!query_int (self, sql, &max, &found, error, 1, (gint64) plan->root_number))
    return FALSE;
  *pk = max + 1;

  return reserve_pk (self, plan, *pk, error);
}

static gboolean
bind_attributes (GodwitSyncStore     *self,
                 EntityPlan          *plan,
                 sqlite3_stmt        *statement,
                 int                  first,
                 GodwitSyncDocument  *document,
                 GError             **error)
{
  for (guint i = 0; i < plan->attributes->len; i++)
    {
      GodwitProperty *attribute = g_ptr_array_index (plan->attributes, i);
      JsonNode *value = json_object_get_member (document->attributes, attribute->name);

      if (!_godwit_sync_value_bind (statement, first + (int) i, attribute, value))
        {
          g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_MODEL_MISMATCH,
                       _("%s: document “%s”: attribute %s.%s holds a value that does not fit its type"),
                       store_path (self), document->id, plan->entity->name, attribute->name);
          sqlite3_reset (statement);
          return FALSE;
        }
    }

  return TRUE;
}

/* A relationship's targets, resolved: those the store holds as (Z_PK,
 * Z_ENT) in order, and those it does not yet as pending. */
typedef struct
{
  gint64 pk;
  gint64 number;
} Target;

static gboolean
resolve_targets (GodwitSyncStore  *self,
                 const Link       *link,
                 JsonNode         *value,
                 GArray           *targets,
                 GPtrArray        *pending,
                 GError          **error)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();

  if (value == NULL || JSON_NODE_HOLDS_NULL (value))
    return TRUE;
  if (JSON_NODE_HOLDS_VALUE (value))
    g_ptr_array_add (ids, (gpointer) json_node_get_string (value));
  else if (JSON_NODE_HOLDS_ARRAY (value))
    for (guint i = 0; i < json_array_get_length (json_node_get_array (value)); i++)
      g_ptr_array_add (ids, (gpointer) json_array_get_string_element (json_node_get_array (value), i));

  for (guint i = 0; i < ids->len; i++)
    {
      const char *id = g_ptr_array_index (ids, i);
      g_autoptr(GError) local_error = NULL;
      g_autoptr(GodwitSyncRecord) record = _godwit_sync_sidecar_find (self->sidecar, id, &local_error);
      GodwitEntity *entity;

      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      entity = record != NULL ? godwit_model_get_entity (self->model, record->entity) : NULL;
      if (record != NULL && record->pk > 0 && entity != NULL &&
          godwit_entity_is_kind_of (entity, link->destination))
        {
          Target target = { record->pk, godwit_store_layout_get_entity_number (self->layout, entity) };

          g_array_append_val (targets, target);
        }
      else
        {
          GodwitSyncPending *p = g_new0 (GodwitSyncPending, 1);

          p->position = i;
          p->target = g_strdup (id);
          g_ptr_array_add (pending, p);
        }
    }

  return TRUE;
}

/* The value of @column in the row @pk of @table, if it is not NULL. */
static gboolean
read_column (GodwitSyncStore  *self,
             const char       *table,
             const char       *column,
             gint64            pk,
             gint64           *value,
             gboolean         *found,
             GError          **error)
{
  g_autofree char *sql = g_strdup_printf ("SELECT %s FROM store.%s WHERE Z_PK = ?", column, table);

  return query_int (self, sql, value, found, error, 1, pk);
}

/* The Z_PKs @sql selects with one or two integer parameters. */
static GArray *
read_pks (GodwitSyncStore  *self,
          const char       *sql,
          gint64            first,
          const gint64     *second,
          GError          **error)
{
  g_autoptr(GArray) pks = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3_stmt *statement = prepare (self, sql, error);
  int rc;

  if (statement == NULL)
    return NULL;
  sqlite3_bind_int64 (statement, 1, first);
  if (second != NULL)
    sqlite3_bind_int64 (statement, 2, *second);
  while ((rc = sqlite3_step (statement)) == SQLITE_ROW)
    {
      gint64 value = sqlite3_column_int64 (statement, 0);

      g_array_append_val (pks, value);
    }
  sqlite3_reset (statement);
  if (rc != SQLITE_DONE)
    {
      fail (self, _("cannot read a relationship"), error);
      return NULL;
    }

  return g_steal_pointer (&pks);
}

/* Points the to-one relationship of object @pk at @target (or nowhere),
 * with the target's Z_ENT and a position at the end of the target's
 * ordered inverse where the layout has columns for them; a one-to-one's
 * other side follows. */
static gboolean
write_to_one (GodwitSyncStore  *self,
              EntityPlan       *plan,
              const Link       *link,
              const char       *id,
              gint64            pk,
              const Target     *target,
              GError          **error)
{
  g_autoptr(GString) sql = g_string_new (NULL);
  gint64 current = 0;
  gboolean has_current = FALSE;
  gint64 number = plan->number;

  if (!read_column (self, link->table, link->key->name, pk, &current, &has_current, error))
    return FALSE;
  if ((target == NULL && !has_current) || (target != NULL && has_current && current == target->pk))
    return TRUE;

  g_string_append_printf (sql, "UPDATE store.%s SET Z_OPT = IFNULL(Z_OPT, 0) + 1, %s = ?1", link->table,
                          link->key->name);
  if (link->key_entity != NULL)
    g_string_append_printf (sql, ", %s = ?2", link->key_entity->name);
  if (link->key_order != NULL)
    g_string_append_printf (sql, ", %s = CASE WHEN ?1 IS NULL THEN NULL ELSE "
                            "(SELECT IFNULL(MAX(%s), 0) + 1 FROM store.%s WHERE %s = ?1) END",
                            link->key_order->name, link->key_order->name, link->table, link->key->name);
  g_string_append (sql, " WHERE Z_PK = ?3");
  if (!run_ints (self, sql->str, _("cannot set a to-one relationship"), error, 3,
                 target != NULL ? &target->pk : NULL, target != NULL ? &target->number : NULL, &pk))
    return FALSE;
  if (link->inverse != NULL &&
      ((has_current &&
        !_godwit_sync_sidecar_note_effect (self->sidecar, link->target_root, current, NULL, NULL, error)) ||
       (target != NULL &&
        !_godwit_sync_sidecar_note_effect (self->sidecar, link->target_root, target->pk, link->inverse->name, id,
                                           error))))
    return FALSE;

  if (link->inverse_key == NULL)
    return TRUE;

  /* One-to-one: the old target no longer points back; the new one does,
   * and whatever pointed at it before no longer does. */
  {
    const char *inverse_table = godwit_store_layout_get_table (self->layout, link->destination)->name;
    g_autofree char *clear_back = g_strdup_printf ("UPDATE store.%s SET Z_OPT = IFNULL(Z_OPT, 0) + 1, %s = NULL%s%s%s "
                                                   "WHERE Z_PK = ?1 AND %s = ?2", inverse_table,
                                                   link->inverse_key->name,
                                                   link->inverse_entity != NULL ? ", " : "",
                                                   link->inverse_entity != NULL ? link->inverse_entity->name : "",
                                                   link->inverse_entity != NULL ? " = NULL" : "",
                                                   link->inverse_key->name);
    g_autofree char *others = NULL;
    g_autofree char *clear_others = NULL;
    g_autofree char *point_back = NULL;
    g_autoptr(GArray) displaced = NULL;

    if (has_current && !run_ints (self, clear_back, _("cannot set a one-to-one relationship"), error, 2,
                                  &current, &pk))
      return FALSE;
    if (target == NULL)
      return TRUE;

    others = g_strdup_printf ("SELECT Z_PK FROM store.%s WHERE %s = ?1 AND Z_PK != ?2", link->table,
                              link->key->name);
    displaced = read_pks (self, others, target->pk, &pk, error);
    if (displaced == NULL)
      return FALSE;
    for (guint i = 0; i < displaced->len; i++)
      if (!_godwit_sync_sidecar_note_effect (self->sidecar, plan->root->name, g_array_index (displaced, gint64, i),
                                             NULL, NULL, error))
        return FALSE;

    clear_others = g_strdup_printf ("UPDATE store.%s SET Z_OPT = IFNULL(Z_OPT, 0) + 1, %s = NULL%s%s%s "
                                    "WHERE %s = ?1 AND Z_PK != ?2", link->table, link->key->name,
                                    link->key_entity != NULL ? ", " : "",
                                    link->key_entity != NULL ? link->key_entity->name : "",
                                    link->key_entity != NULL ? " = NULL" : "", link->key->name);
    point_back = g_strdup_printf ("UPDATE store.%s SET Z_OPT = IFNULL(Z_OPT, 0) + 1, %s = ?1%s%s%s WHERE Z_PK = ?3",
                                  inverse_table, link->inverse_key->name,
                                  link->inverse_entity != NULL ? ", " : "",
                                  link->inverse_entity != NULL ? link->inverse_entity->name : "",
                                  link->inverse_entity != NULL ? " = ?2" : "");
    return run_ints (self, clear_others, _("cannot set a one-to-one relationship"), error, 2, &target->pk, &pk) &&
           run_ints (self, point_back, _("cannot set a one-to-one relationship"), error, 3, &pk, &number,
                     &target->pk);
  }
}

static gboolean
contains_pk (GArray *targets,
             gint64  pk)
{
  for (guint i = 0; i < targets->len; i++)
    if (g_array_index (targets, Target, i).pk == pk)
      return TRUE;

  return FALSE;
}

/* ", COLUMN = value" for an optional column. */
static void
append_set (GString            *sql,
            const GodwitColumn *column,
            const char         *value)
{
  if (column != NULL)
    g_string_append_printf (sql, ", %s = %s", column->name, value);
}

static gboolean
same_order (GArray *current,
            GArray *targets)
{
  if (current->len != targets->len)
    return FALSE;
  for (guint i = 0; i < current->len; i++)
    if (g_array_index (current, gint64, i) != g_array_index (targets, Target, i).pk)
      return FALSE;

  return TRUE;
}

static gboolean
contains (GArray *pks,
          gint64  pk)
{
  for (guint i = 0; i < pks->len; i++)
    if (g_array_index (pks, gint64, i) == pk)
      return TRUE;

  return FALSE;
}

/* A to-many whose destination rows hold the key: exactly @targets point
 * at object @pk, at positions 1, 2, … when ordered. */
static gboolean
write_keyed_to_many (GodwitSyncStore  *self,
                     EntityPlan       *plan,
                     const Link       *link,
                     const char       *id,
                     gint64            pk,
                     GArray           *targets,
                     GError          **error)
{
  g_autoptr(GArray) current = read_pks (self, link->read_sql, pk, NULL, error);
  g_autoptr(GString) clear = NULL;
  g_autoptr(GString) set = NULL;
  gboolean reorder;
  gint64 number = plan->number;

  if (current == NULL)
    return FALSE;

  clear = g_string_new (NULL);
  g_string_append_printf (clear, "UPDATE store.%s SET Z_OPT = IFNULL(Z_OPT, 0) + 1, %s = NULL", link->table,
                          link->key->name);
  append_set (clear, link->key_entity, "NULL");
  append_set (clear, link->key_order, "NULL");
  g_string_append (clear, " WHERE Z_PK = ?1");
  for (guint i = 0; i < current->len; i++)
    {
      gint64 row = g_array_index (current, gint64, i);

      if (contains_pk (targets, row))
        continue;
      if (!run_ints (self, clear->str, _("cannot update a to-many relationship"), error, 1, &row) ||
          (link->inverse != NULL &&
           !_godwit_sync_sidecar_note_effect (self->sidecar, link->target_root, row, NULL, NULL, error)))
        return FALSE;
    }

  set = g_string_new (NULL);
  g_string_append_printf (set, "UPDATE store.%s SET Z_OPT = IFNULL(Z_OPT, 0) + 1, %s = ?1", link->table,
                          link->key->name);
  append_set (set, link->key_entity, "?2");
  append_set (set, link->key_order, "?3");
  g_string_append (set, " WHERE Z_PK = ?4");
  /* An ordered relationship out of order is numbered again from 1. */
  reorder = link->key_order != NULL && !same_order (current, targets);
  for (guint i = 0; i < targets->len; i++)
    {
      const Target *target = &g_array_index (targets, Target, i);
      gint64 position = (gint64) i + 1;
      gboolean moved = !contains (current, target->pk);
      gint64 owner = 0;
      gboolean owned = FALSE;

      if (!moved && !reorder)
        continue;
      /* A row taken from another owner changes that owner's document. */
      if (moved && !read_column (self, link->table, link->key->name, target->pk, &owner, &owned, error))
        return FALSE;
      if (!run_ints (self, set->str, _("cannot update a to-many relationship"), error, 4, &pk, &number,
                     link->key_order != NULL ? &position : NULL, &target->pk))
        return FALSE;
      if (owned && owner != pk &&
          !_godwit_sync_sidecar_note_effect (self->sidecar, plan->root->name, owner, NULL, NULL, error))
        return FALSE;
      if (moved && link->inverse != NULL &&
          !_godwit_sync_sidecar_note_effect (self->sidecar, link->target_root, target->pk, link->inverse->name, id,
                                             error))
        return FALSE;
    }

  return TRUE;
}

/* A many-to-many: exactly @targets are in the join table with object @pk,
 * at positions 1, 2, … when ordered; a new row goes last in the other
 * side's ordered inverse. */
static gboolean
write_many_to_many (GodwitSyncStore  *self,
                    const Link       *link,
                    const char       *id,
                    gint64            pk,
                    GArray           *targets,
                    GError          **error)
{
  g_autoptr(GArray) current = read_pks (self, link->read_sql, pk, NULL, error);
  g_autofree char *remove = NULL;
  g_autofree char *position_sql = NULL;
  g_autoptr(GString) insert = NULL;
  gboolean reorder;

  if (current == NULL)
    return FALSE;

  remove = g_strdup_printf ("DELETE FROM store.%s WHERE %s = ?1 AND %s = ?2", link->join, link->owner_column,
                            link->member_column);
  for (guint i = 0; i < current->len; i++)
    {
      gint64 member = g_array_index (current, gint64, i);

      if (contains_pk (targets, member))
        continue;
      if (!run_ints (self, remove, _("cannot update a many-to-many relationship"), error, 2, &pk, &member) ||
          !_godwit_sync_sidecar_note_effect (self->sidecar, link->target_root, member, NULL, NULL, error))
        return FALSE;
    }

  insert = g_string_new (NULL);
  g_string_append_printf (insert, "INSERT INTO store.%s (%s, %s", link->join, link->owner_column,
                          link->member_column);
  if (link->order_column != NULL)
    g_string_append_printf (insert, ", %s", link->order_column);
  if (link->other_order_column != NULL)
    g_string_append_printf (insert, ", %s", link->other_order_column);
  g_string_append (insert, ") VALUES (?1, ?2");
  if (link->order_column != NULL)
    g_string_append (insert, ", ?3");
  if (link->other_order_column != NULL)
    g_string_append_printf (insert, ", (SELECT IFNULL(MAX(%s), 0) + 1 FROM store.%s WHERE %s = ?2)",
                            link->other_order_column, link->join, link->member_column);
  g_string_append (insert, ")");
  if (link->order_column != NULL)
    position_sql = g_strdup_printf ("UPDATE store.%s SET %s = ?3 WHERE %s = ?1 AND %s = ?2", link->join,
                                    link->order_column, link->owner_column, link->member_column);

  reorder = link->order_column != NULL && !same_order (current, targets);
  for (guint i = 0; i < targets->len; i++)
    {
      const Target *target = &g_array_index (targets, Target, i);
      gint64 position = (gint64) i + 1;

      if (!contains (current, target->pk))
        {
          if (!run_ints (self, insert->str, _("cannot update a many-to-many relationship"), error,
                         link->order_column != NULL ? 3 : 2, &pk, &target->pk, &position) ||
              !_godwit_sync_sidecar_note_effect (self->sidecar, link->target_root, target->pk,
                                                 link->inverse->name, id, error))
            return FALSE;
        }
      else if (reorder &&
               !run_ints (self, position_sql, _("cannot update a many-to-many relationship"), error, 3, &pk,
                          &target->pk, &position))
        return FALSE;
    }

  return TRUE;
}

/* Sets relationship @link of object @pk as @value names its targets;
 * those the store does not hold yet wait in the sidecar. */
static gboolean
write_link (GodwitSyncStore  *self,
            EntityPlan       *plan,
            const Link       *link,
            const char       *id,
            gint64            pk,
            JsonNode         *value,
            GError          **error)
{
  g_autoptr(GArray) targets = g_array_new (FALSE, FALSE, sizeof (Target));
  g_autoptr(GPtrArray) pending = g_ptr_array_new_with_free_func ((GDestroyNotify) _godwit_sync_pending_free);
  gboolean ok;

  if (!resolve_targets (self, link, value, targets, pending, error))
    return FALSE;

  switch (link->kind)
    {
    case LINK_TO_ONE:
      ok = write_to_one (self, plan, link, id, pk,
                         targets->len > 0 ? &g_array_index (targets, Target, 0) : NULL, error);
      break;
    case LINK_TO_MANY_INVERSE:
    case LINK_TO_MANY_OWNED:
      ok = write_keyed_to_many (self, plan, link, id, pk, targets, error);
      break;
    case LINK_MANY_TO_MANY:
    default:
      ok = write_many_to_many (self, link, id, pk, targets, error);
      break;
    }

  return ok && _godwit_sync_sidecar_set_pending (self->sidecar, id, link->relationship->name, pending, error);
}

/* What unlinks a deleted object from rows or join tables that name it,
 * and which objects' documents that changes. */
typedef struct
{
  char       *sql;
  char       *affected_sql;   /* (nullable) the Z_PKs of the objects whose documents name it */
  const char *affected_root;  /* their root entity */
} Detach;

static void
detach_free (gpointer data)
{
  Detach *detach = data;

  g_free (detach->sql);
  g_free (detach->affected_sql);
  g_free (detach);
}

static void
add_detach (GPtrArray   *statements,
            char        *sql,
            char        *affected_sql,
            const char  *affected_root)
{
  Detach *detach = g_new0 (Detach, 1);

  detach->sql = sql;
  detach->affected_sql = affected_sql;
  detach->affected_root = affected_root;
  g_ptr_array_add (statements, detach);
}

/* What unlinks a deleted object of @root's hierarchy from every row and
 * join table that can name it. */
static GPtrArray *
get_detach_sql (GodwitSyncStore *self,
                GodwitEntity    *root)
{
  GPtrArray *statements = g_hash_table_lookup (self->detach_sql, root);
  GPtrArray *tables = godwit_store_layout_get_tables (self->layout);
  GPtrArray *joins = godwit_store_layout_get_join_tables (self->layout);

  if (statements != NULL)
    return statements;

  statements = g_ptr_array_new_with_free_func (detach_free);
  g_hash_table_insert (self->detach_sql, root, statements);

  for (guint i = 0; i < tables->len; i++)
    {
      const GodwitTable *table = g_ptr_array_index (tables, i);

      for (guint j = 0; j < table->columns->len; j++)
        {
          const GodwitColumn *column = g_ptr_array_index (table->columns, j);
          GodwitEntity *pointed_at;
          g_autoptr(GString) sql = NULL;

          if (column->role == GODWIT_COLUMN_ROLE_TO_ONE)
            pointed_at = godwit_model_get_entity (self->model, column->property->destination_entity);
          else if (column->role == GODWIT_COLUMN_ROLE_TO_MANY_OWNER)
            pointed_at = column->entity;
          else
            continue;
          if (pointed_at == NULL || godwit_entity_get_root (pointed_at) != root)
            continue;

          sql = g_string_new (NULL);
          g_string_append_printf (sql, "UPDATE store.%s SET Z_OPT = IFNULL(Z_OPT, 0) + 1, %s = NULL", table->name,
                                  column->name);
          if (column->role == GODWIT_COLUMN_ROLE_TO_ONE)
            append_set (sql, find_column (self, column->entity, column->property->name,
                                          GODWIT_COLUMN_ROLE_TO_ONE_ENTITY), "NULL");
          append_set (sql, find_column (self, column->entity, column->property->name, GODWIT_COLUMN_ROLE_ORDER),
                      "NULL");
          g_string_append_printf (sql, " WHERE %s = ?1", column->name);
          /* The rows of an owned to-many without inverse do not name
           * their owner in their documents. */
          add_detach (statements, g_string_free (g_steal_pointer (&sql), FALSE),
                      column->role == GODWIT_COLUMN_ROLE_TO_ONE ?
                      g_strdup_printf ("SELECT Z_PK FROM store.%s WHERE %s = ?1", table->name, column->name) : NULL,
                      table->root->name);
        }
    }

  for (guint i = 0; i < joins->len; i++)
    {
      const GodwitJoinTable *join = g_ptr_array_index (joins, i);

      if (godwit_entity_get_root (join->entity) == root)
        add_detach (statements, g_strdup_printf ("DELETE FROM store.%s WHERE %s = ?1", join->name, join->column),
                    g_strdup_printf ("SELECT %s FROM store.%s WHERE %s = ?1", join->inverse_column, join->name,
                                     join->column),
                    godwit_entity_get_root (join->inverse_entity)->name);
      if (godwit_entity_get_root (join->inverse_entity) == root)
        add_detach (statements, g_strdup_printf ("DELETE FROM store.%s WHERE %s = ?1", join->name,
                                                 join->inverse_column),
                    g_strdup_printf ("SELECT %s FROM store.%s WHERE %s = ?1", join->column, join->name,
                                     join->inverse_column),
                    godwit_entity_get_root (join->entity)->name);
    }

  return statements;
}

static gboolean
delete_object (GodwitSyncStore  *self,
               EntityPlan       *plan,
               gint64            pk,
               GError          **error)
{
  GPtrArray *detach = get_detach_sql (self, plan->root);
  g_autofree char *sql = g_strdup_printf ("DELETE FROM store.%s WHERE Z_PK = ?1", plan->table->name);

  /* The targets of its to-one relationships lose it from their inverses
   * with its row. */
  for (guint i = 0; i < plan->links->len; i++)
    {
      const Link *link = &g_array_index (plan->links, Link, i);
      gboolean found = FALSE;
      gint64 target;

      if (link->kind != LINK_TO_ONE || link->inverse == NULL)
        continue;
      if (!read_column (self, link->table, link->key->name, pk, &target, &found, error) ||
          (found && !_godwit_sync_sidecar_note_effect (self->sidecar, link->target_root, target, NULL, NULL, error)))
        return FALSE;
    }

  for (guint i = 0; i < detach->len; i++)
    {
      Detach *d = g_ptr_array_index (detach, i);
      g_autoptr(GArray) affected = NULL;

      if (d->affected_sql != NULL)
        {
          affected = read_pks (self, d->affected_sql, pk, NULL, error);
          if (affected == NULL)
            return FALSE;
        }
      if (!run_ints (self, d->sql, _("cannot unlink a deleted object"), error, 1, &pk))
        return FALSE;
      for (guint j = 0; affected != NULL && j < affected->len; j++)
        if (!_godwit_sync_sidecar_note_effect (self->sidecar, d->affected_root, g_array_index (affected, gint64, j),
                                               NULL, NULL, error))
          return FALSE;
    }

  return run_ints (self, sql, _("cannot delete an object"), error, 1, &pk);
}

/* Whether object @pk of @plan's entity is in the store, and its Z_OPT
 * (0 when NULL). */
static gboolean
row_exists (GodwitSyncStore  *self,
            EntityPlan       *plan,
            gint64            pk,
            gboolean         *exists,
            gint64           *z_opt,
            GError          **error)
{
  g_autofree char *sql = g_strdup_printf ("SELECT IFNULL(Z_OPT, 0) FROM store.%s WHERE Z_PK = ?1 AND Z_ENT = ?2",
                                          plan->table->name);
  gint64 value;

  if (!query_int (self, sql, &value, exists, error, 2, pk, (gint64) plan->number))
    return FALSE;
  if (z_opt != NULL)
    *z_opt = value;

  return TRUE;
}

/* Inserts object @pk of @plan's entity with @document's attributes; its
 * relationships are written afterwards. */
static gboolean
insert_object (GodwitSyncStore     *self,
               EntityPlan          *plan,
               gint64               pk,
               GodwitSyncDocument  *document,
               GError             **error)
{
  sqlite3_stmt *statement = prepare (self, plan->insert_sql, error);

  if (statement == NULL)
    return FALSE;
  sqlite3_bind_int64 (statement, 1, pk);
  sqlite3_bind_int64 (statement, 2, plan->number);

  return bind_attributes (self, plan, statement, 3, document, error) &&
         _godwit_sync_sidecar_step_done (self->sidecar, statement, _("cannot insert an object"), error);
}

static gboolean
update_object (GodwitSyncStore     *self,
               EntityPlan          *plan,
               gint64               pk,
               GodwitSyncDocument  *document,
               GError             **error)
{
  sqlite3_stmt *statement = prepare (self, plan->update_sql, error);

  if (statement == NULL || !bind_attributes (self, plan, statement, 1, document, error))
    return FALSE;
  sqlite3_bind_int64 (statement, (int) plan->attributes->len + 1, pk);

  return _godwit_sync_sidecar_step_done (self->sidecar, statement, _("cannot update an object"), error);
}

static gboolean
write_links (GodwitSyncStore     *self,
             EntityPlan          *plan,
             const char          *id,
             gint64               pk,
             GodwitSyncDocument  *document,
             GError             **error)
{
  for (guint i = 0; i < plan->links->len; i++)
    {
      const Link *link = &g_array_index (plan->links, Link, i);

      if (!write_link (self, plan, link, id, pk, json_object_get_member (document->relationships,
                                                                         link->relationship->name), error))
        return FALSE;
    }

  return TRUE;
}

/* Writes relationship @relationship of document @id again from the body
 * of the revision the store holds, if the store holds its object;
 * @written says whether it did. */
static gboolean
relink (GodwitSyncStore  *self,
        const char       *id,
        const char       *relationship,
        gboolean         *written,
        GError          **error)
{
  g_autoptr(GodwitSyncRecord) record = _godwit_sync_sidecar_get (self->sidecar, id, error);
  g_autoptr(GodwitSyncDocument) body = NULL;
  EntityPlan *plan;
  gboolean exists = FALSE;

  *written = FALSE;
  if (record == NULL)
    return FALSE;
  if (record->pk <= 0 || record->rev == NULL)
    return TRUE;
  plan = get_plan_by_name (self, record->entity, error);
  if (plan == NULL || !row_exists (self, plan, record->pk, &exists, NULL, error))
    return FALSE;
  if (!exists)
    return TRUE;
  body = _godwit_sync_sidecar_load_revision (self->sidecar, record->id, record->rev, 1, error);
  if (body == NULL)
    return FALSE;
  if (body->deleted)
    return TRUE;

  for (guint i = 0; i < plan->links->len; i++)
    {
      const Link *link = &g_array_index (plan->links, Link, i);

      if (strcmp (link->relationship->name, relationship) != 0)
        continue;
      if (!write_link (self, plan, link, record->id, record->pk,
                       json_object_get_member (body->relationships, relationship), error))
        return FALSE;
      *written = TRUE;
    }

  return TRUE;
}

/* Relationships that waited for document @id, now that its object is in
 * the store: each is written again from its owner's body. */
static gboolean
link_waiting (GodwitSyncStore  *self,
              const char       *id,
              GError          **error)
{
  g_autoptr(GPtrArray) owners = _godwit_sync_sidecar_dup_pending_owners (self->sidecar, id, error);
  const char *last_owner = NULL;
  const char *last_relationship = NULL;

  if (owners == NULL)
    return FALSE;

  for (guint i = 0; i < owners->len; i++)
    {
      GodwitSyncPending *p = g_ptr_array_index (owners, i);
      GodwitSyncJournalEntry entry = { 0, GODWIT_SYNC_JOURNAL_LINK, p->id, NULL, p->relationship, (char *) id, 0, 0 };
      gboolean written = FALSE;

      if (g_strcmp0 (p->id, last_owner) == 0 && g_strcmp0 (p->relationship, last_relationship) == 0)
        continue;
      last_owner = p->id;
      last_relationship = p->relationship;

      if (!relink (self, p->id, p->relationship, &written, error) ||
          (written && !_godwit_sync_sidecar_add_journal_entry (self->sidecar, &entry, error)))
        return FALSE;
    }

  return TRUE;
}

/* Journals a write of object @pk: the store holds it once its Z_OPT is
 * at least the one it has now. */
static gboolean
journal_object (GodwitSyncStore        *self,
                EntityPlan             *plan,
                GodwitSyncJournalKind   kind,
                const char             *id,
                const char             *rev,
                gint64                  pk,
                GError                **error)
{
  GodwitSyncJournalEntry entry = { 0, kind, (char *) id, (char *) rev, NULL, NULL, pk, 0 };
  gboolean exists = FALSE;

  if (kind != GODWIT_SYNC_JOURNAL_DELETE && !row_exists (self, plan, pk, &exists, &entry.z_opt, error))
    return FALSE;

  return _godwit_sync_sidecar_add_journal_entry (self->sidecar, &entry, error);
}

/**
 * _godwit_sync_store_apply:
 * @document: a revision checked against the model
 *   (godwit_sync_document_check())
 * @counts: the objects inserted, updated and deleted are added to it
 *
 * Writes @document into the store, in the transaction the caller holds
 * (with the store's write lock): a deleted document deletes the object
 * and unlinks it; another one updates the object, or inserts it with a
 * new Z_PK, and sets its relationships. @record then holds the object's
 * Z_PK; the caller records the revision. What was written goes into the
 * sidecar's journal.
 */
gboolean
_godwit_sync_store_apply (GodwitSyncStore     *self,
                          GodwitSyncRecord    *record,
                          GodwitSyncDocument  *document,
                          GodwitSyncCounts    *counts,
                          GError             **error)
{
  EntityPlan *plan = get_plan_by_name (self, record->entity, error);
  gboolean exists = FALSE;
  gint64 pk;

  g_return_val_if_fail (document->rev != NULL, FALSE);

  if (plan == NULL)
    return FALSE;
  if (record->pk > 0 && !row_exists (self, plan, record->pk, &exists, NULL, error))
    return FALSE;

  if (document->deleted)
    {
      if (exists)
        {
          if (!delete_object (self, plan, record->pk, error) ||
              !journal_object (self, plan, GODWIT_SYNC_JOURNAL_DELETE, record->id, document->rev, record->pk, error))
            return FALSE;
          counts->deleted++;
        }
      record->pk = 0;
      return _godwit_sync_sidecar_forget_target (self->sidecar, record->id, error) &&
             _godwit_sync_sidecar_forget_effect (self->sidecar, record->id, error);
    }

  /* The object holds @document's relationships now, whatever other
   * objects' writes did to them. */
  if (exists)
    {
      if (!update_object (self, plan, record->pk, document, error) ||
          !write_links (self, plan, record->id, record->pk, document, error) ||
          !_godwit_sync_sidecar_forget_effect (self->sidecar, record->id, error) ||
          !journal_object (self, plan, GODWIT_SYNC_JOURNAL_UPDATE, record->id, document->rev, record->pk, error))
        return FALSE;
      counts->updated++;
      return TRUE;
    }

  if (!allocate_pk (self, plan, &pk, error) || !insert_object (self, plan, pk, document, error))
    return FALSE;
  record->pk = pk;
  counts->inserted++;

  /* The record must name the object before relationships look it up. */
  return _godwit_sync_sidecar_save (self->sidecar, record, error) &&
         write_links (self, plan, record->id, record->pk, document, error) &&
         _godwit_sync_sidecar_forget_effect (self->sidecar, record->id, error) &&
         journal_object (self, plan, GODWIT_SYNC_JOURNAL_INSERT, record->id, document->rev, record->pk, error) &&
         link_waiting (self, record->id, error);
}

/* ---- finishing a transaction the store did not commit ------------------- */

/* An entry of the journal with what finishing it needs. */
typedef struct
{
  GodwitSyncJournalEntry *entry;   /* (unowned) */
  EntityPlan             *plan;    /* (nullable) for a link */
  GodwitSyncDocument     *body;    /* (nullable) the revision to write again */
  gboolean                exists;  /* whether the store has an object at the entry's Z_PK */
  gboolean                missing; /* whether the store lacks the write */
} Unfinished;

static void
unfinished_clear (gpointer data)
{
  Unfinished *unfinished = data;

  g_clear_pointer (&unfinished->body, godwit_sync_document_free);
}

/* Whether the store holds the write of @unfinished's entry: the Z_OPT of
 * an inserted or updated object only grows, and the Z_PK of a deleted one
 * is never given again. */
static gboolean
check_entry (GodwitSyncStore  *self,
             Unfinished       *unfinished,
             GError          **error)
{
  GodwitSyncJournalEntry *entry = unfinished->entry;
  g_autoptr(GodwitSyncRecord) record = _godwit_sync_sidecar_get (self->sidecar, entry->id, error);
  gint64 z_opt = 0;

  if (record == NULL)
    return FALSE;
  unfinished->plan = get_plan_by_name (self, record->entity, error);
  if (unfinished->plan == NULL ||
      !row_exists (self, unfinished->plan, entry->pk, &unfinished->exists, &z_opt, error))
    return FALSE;
  if (entry->kind == GODWIT_SYNC_JOURNAL_DELETE)
    {
      unfinished->missing = unfinished->exists;
      return TRUE;
    }

  unfinished->missing = !unfinished->exists || z_opt < entry->z_opt;
  if (!unfinished->missing)
    return TRUE;
  if (entry->rev == NULL || entry->pk <= 0)
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_CORRUPT_STORE,
                   _("%s: the sync sidecar’s journal names no revision or object of “%s”"),
                   _godwit_sync_sidecar_get_path (self->sidecar), entry->id);
      return FALSE;
    }
  unfinished->body = _godwit_sync_sidecar_load_revision (self->sidecar, entry->id, entry->rev, 1, error);

  return unfinished->body != NULL;
}

/* An inserted object the store lacks goes in at the Z_PK the sidecar gave
 * it, unless another object took that Z_PK since. */
static gboolean
insert_again (GodwitSyncStore  *self,
              Unfinished       *unfinished,
              GError          **error)
{
  GodwitSyncJournalEntry *entry = unfinished->entry;
  EntityPlan *plan = unfinished->plan;
  g_autoptr(GodwitSyncRecord) record = NULL;
  gboolean taken = FALSE;
  gint64 other;

  if (!read_column (self, plan->table->name, "Z_PK", entry->pk, &other, &taken, error))
    return FALSE;
  if (!taken)
    return reserve_pk (self, plan, entry->pk, error) && insert_object (self, plan, entry->pk, unfinished->body, error);

  record = _godwit_sync_sidecar_get (self->sidecar, entry->id, error);
  if (record == NULL || !allocate_pk (self, plan, &entry->pk, error))
    return FALSE;
  record->pk = entry->pk;

  return _godwit_sync_sidecar_save (self->sidecar, record, error) &&
         insert_object (self, plan, entry->pk, unfinished->body, error);
}

/* Writes again, in their order, the entries of @unfinished that the store
 * lacks; the objects to insert go in first, so that relationships find
 * them. */
static gboolean
write_again (GodwitSyncStore  *self,
             GArray           *unfinished,
             GError          **error)
{
  g_autoptr(GHashTable) written = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < unfinished->len; i++)
    {
      Unfinished *u = &g_array_index (unfinished, Unfinished, i);

      if (u->missing && u->entry->kind == GODWIT_SYNC_JOURNAL_INSERT && !insert_again (self, u, error))
        return FALSE;
    }

  for (guint i = 0; i < unfinished->len; i++)
    {
      Unfinished *u = &g_array_index (unfinished, Unfinished, i);
      GodwitSyncJournalEntry *entry = u->entry;
      gboolean exists, relinked;

      if (entry->kind == GODWIT_SYNC_JOURNAL_LINK)
        {
          if (entry->cause != NULL && entry->relationship != NULL && g_hash_table_contains (written, entry->cause) &&
              !relink (self, entry->id, entry->relationship, &relinked, error))
            return FALSE;
          continue;
        }
      if (!u->missing)
        continue;
      g_hash_table_add (written, entry->id);

      switch (entry->kind)
        {
        case GODWIT_SYNC_JOURNAL_DELETE:
          if (!delete_object (self, u->plan, entry->pk, error))
            return FALSE;
          continue;
        case GODWIT_SYNC_JOURNAL_UPDATE:
          /* Gone: deleted since, as the next scan finds. */
          if (!u->exists)
            continue;
          if (!update_object (self, u->plan, entry->pk, u->body, error))
            return FALSE;
          break;
        case GODWIT_SYNC_JOURNAL_INSERT:
        case GODWIT_SYNC_JOURNAL_LINK:
        default:
          break;
        }

      /* Its Z_OPT now, in case this transaction is cut short too. */
      if (!write_links (self, u->plan, entry->id, entry->pk, u->body, error) ||
          !_godwit_sync_sidecar_forget_effect (self->sidecar, entry->id, error) ||
          !row_exists (self, u->plan, entry->pk, &exists, &entry->z_opt, error) ||
          !_godwit_sync_sidecar_update_journal_entry (self->sidecar, entry, error))
        return FALSE;
    }

  return TRUE;
}

/* Finishes the store's part of the transaction that the sidecar's journal
 * lists, if the store did not commit it (see godwit-sync-sidecar.c), and
 * empties the journal; nothing is written into the store when it holds it
 * all. The sync whose transaction it was took a backup of the store
 * before it wrote into it. */
static gboolean
finish_journal (GodwitSyncStore  *self,
                GError          **error)
{
  g_autoptr(GPtrArray) entries = _godwit_sync_sidecar_dup_journal (self->sidecar, error);
  g_autoptr(GArray) unfinished = NULL;
  guint n_missing = 0;

  if (entries == NULL)
    return FALSE;
  if (entries->len == 0)
    return TRUE;

  unfinished = g_array_sized_new (FALSE, TRUE, sizeof (Unfinished), entries->len);
  g_array_set_clear_func (unfinished, unfinished_clear);
  g_array_set_size (unfinished, entries->len);
  if (!_godwit_sync_sidecar_begin (self->sidecar, TRUE, error))
    return FALSE;
  for (guint i = 0; i < entries->len; i++)
    {
      Unfinished *u = &g_array_index (unfinished, Unfinished, i);

      u->entry = g_ptr_array_index (entries, i);
      if (u->entry->kind == GODWIT_SYNC_JOURNAL_LINK)
        continue;
      if (!check_entry (self, u, error))
        goto failed;
      if (u->missing)
        n_missing++;
    }

  g_debug ("%s: the store lacks %u of the %u writes the sync sidecar’s journal lists", store_path (self), n_missing,
           entries->len);
  if ((n_missing > 0 && !write_again (self, unfinished, error)) ||
      !_godwit_sync_sidecar_commit (self->sidecar, error))
    goto failed;

  return n_missing == 0 || _godwit_sync_store_check_integrity (self, error);

failed:
  _godwit_sync_sidecar_rollback (self->sidecar);
  return FALSE;
}

/**
 * _godwit_sync_store_check_integrity:
 *
 * Runs SQLite's integrity check on the store.
 */
gboolean
_godwit_sync_store_check_integrity (GodwitSyncStore  *self,
                                    GError          **error)
{
  sqlite3_stmt *statement = prepare (self, "PRAGMA store.integrity_check", error);
  g_autofree char *result = NULL;
  int rc;

  if (statement == NULL)
    return FALSE;
  rc = sqlite3_step (statement);
  if (rc == SQLITE_ROW)
    result = g_strdup ((const char *) sqlite3_column_text (statement, 0));
  sqlite3_reset (statement);
  if (rc != SQLITE_ROW)
    return fail (self, _("cannot check the store’s integrity"), error);
  if (g_strcmp0 (result, "ok") != 0)
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_CORRUPT_STORE, _("%s: the integrity check fails: %s"),
                   store_path (self), result);
      return FALSE;
    }

  return TRUE;
}
