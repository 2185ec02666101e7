/* godwit-sync-document.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Managed objects as CouchDB documents. A document's body has one
 * canonical text (members in a fixed order, attributes and relationships
 * by name, doubles in their shortest form): its SHA-256 is how a sync
 * tells whether an object changed, and its MD5 with the parent revision
 * gives the revision id, so that two peers writing the same body on the
 * same parent make the same revision.
 */

#define G_LOG_DOMAIN "godwit-sync-document"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "godwit-error.h"
#include "godwit-json-private.h"
#include "godwit-plist.h"
#include "godwit-sync-document-private.h"
#include "godwit-value.h"
#include "godwit-value-private.h"

/* Core Data's reference date, 2001-01-01T00:00:00Z, in Unix time. */
#define REFERENCE_DATE_UNIX G_GINT64_CONSTANT (978307200)

/* A stored body is Godwit's own; still, nothing read is unbounded. */
#define MAX_BODY_SIZE  (256 * 1024 * 1024)
#define MAX_BODY_DEPTH 8

GodwitSyncDocument *
godwit_sync_document_new (const char *id,
                          const char *rev,
                          gboolean    deleted)
{
  GodwitSyncDocument *self;

  g_return_val_if_fail (id != NULL, NULL);

  self = g_new0 (GodwitSyncDocument, 1);
  self->id = g_strdup (id);
  self->rev = g_strdup (rev);
  self->deleted = deleted;
  self->entity = godwit_sync_document_dup_id_entity (id);

  return self;
}

void
godwit_sync_document_free (GodwitSyncDocument *self)
{
  if (self == NULL)
    return;

  g_free (self->id);
  g_free (self->rev);
  g_free (self->entity);
  g_free (self->model);
  g_clear_pointer (&self->attributes, json_object_unref);
  g_clear_pointer (&self->relationships, json_object_unref);
  g_clear_pointer (&self->history, g_ptr_array_unref);
  g_free (self);
}

/**
 * godwit_sync_document_new_id:
 *
 * Returns: (transfer full): a new document id for an object of @entity:
 *   the entity name, a colon and a random UUID in upper case
 */
char *
godwit_sync_document_new_id (const char *entity)
{
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *upper = g_ascii_strup (uuid, -1);

  return g_strconcat (entity, ":", upper, NULL);
}

/**
 * godwit_sync_document_dup_id_entity:
 *
 * Returns: (transfer full) (nullable): the entity named by a document id,
 *   or %NULL when @id is not "Entity:rest"
 */
char *
godwit_sync_document_dup_id_entity (const char *id)
{
  const char *colon = strchr (id, ':');

  if (colon == NULL || colon == id || colon[1] == '\0')
    return NULL;

  return g_strndup (id, colon - id);
}

/**
 * godwit_sync_revision_parse:
 * @generation: (out): the N of "N-hash"
 * @hash: (out) (transfer none): the hash, in @rev
 *
 * Returns: whether @rev is a revision id: a generation of at least 1 and
 *   a hash of letters and digits
 */
gboolean
godwit_sync_revision_parse (const char  *rev,
                            gint64      *generation,
                            const char **hash)
{
  const char *dash;
  guint64 number;
  g_autofree char *digits = NULL;

  if (rev == NULL || strlen (rev) > GODWIT_SYNC_DOCUMENT_MAX_REVISION_LENGTH)
    return FALSE;
  dash = strchr (rev, '-');
  if (dash == NULL || dash == rev || dash[1] == '\0')
    return FALSE;
  digits = g_strndup (rev, dash - rev);
  if (!g_ascii_string_to_unsigned (digits, 10, 1, G_MAXINT32, &number, NULL))
    return FALSE;
  for (const char *p = dash + 1; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p))
      return FALSE;

  if (generation != NULL)
    *generation = (gint64) number;
  if (hash != NULL)
    *hash = dash + 1;

  return TRUE;
}

/**
 * godwit_sync_revision_compare:
 *
 * Orders revision ids as CouchDB picks a winner: by generation, then by
 * hash in byte order. Both must parse.
 */
int
godwit_sync_revision_compare (const char *a,
                              const char *b)
{
  gint64 generation_a = 0, generation_b = 0;
  const char *hash_a = "", *hash_b = "";

  godwit_sync_revision_parse (a, &generation_a, &hash_a);
  godwit_sync_revision_parse (b, &generation_b, &hash_b);
  if (generation_a != generation_b)
    return generation_a < generation_b ? -1 : 1;

  return strcmp (hash_a, hash_b);
}

static void
set_error (GError     **error,
           GodwitError  code,
           const char  *origin,
           const char  *id,
           const char  *format,
           ...) G_GNUC_PRINTF (5, 6);

static void
set_error (GError     **error,
           GodwitError  code,
           const char  *origin,
           const char  *id,
           const char  *format,
           ...)
{
  g_autofree char *problem = NULL;
  va_list args;

  va_start (args, format);
  problem = g_strdup_vprintf (format, args);
  va_end (args);

  if (id != NULL)
    g_set_error (error, GODWIT_ERROR, code,
                 /* Translators: where it came from, the document's id and the problem */
                 _("%s: document “%s”: %s"), origin, id, problem);
  else
    g_set_error (error, GODWIT_ERROR, code, "%s: %s", origin, problem);
}

static gboolean
check_id (const char  *id,
          const char  *origin,
          GError     **error)
{
  g_autofree char *entity = NULL;

  if (strlen (id) > GODWIT_SYNC_DOCUMENT_MAX_ID_LENGTH)
    {
      set_error (error, GODWIT_ERROR_LIMIT_EXCEEDED, origin, NULL,
                 _("a document id longer than %d bytes"), GODWIT_SYNC_DOCUMENT_MAX_ID_LENGTH);
      return FALSE;
    }
  for (const char *p = id; *p != '\0'; p++)
    if ((guchar) *p < 0x20)
      {
        set_error (error, GODWIT_ERROR_MODEL_MISMATCH, origin, NULL,
                   _("a document id with a control character"));
        return FALSE;
      }

  entity = godwit_sync_document_dup_id_entity (id);
  if (entity == NULL)
    {
      set_error (error, GODWIT_ERROR_MODEL_MISMATCH, origin, id,
                 _("not a Godwit document: its id is not “Entity:UUID”"));
      return FALSE;
    }

  return TRUE;
}

/* _revisions: {"start": N, "ids": [hash of N, hash of N-1, …]}. */
static GPtrArray *
parse_history (JsonNode    *node,
               const char  *id,
               const char  *rev,
               const char  *origin,
               GError     **error)
{
  g_autoptr(GPtrArray) history = g_ptr_array_new_with_free_func (g_free);
  JsonObject *revisions;
  JsonArray *ids;
  JsonNode *start_node;
  gint64 start;
  guint length;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    goto bad;
  revisions = json_node_get_object (node);
  start_node = json_object_get_member (revisions, "start");
  if (start_node == NULL || !JSON_NODE_HOLDS_VALUE (start_node) ||
      json_node_get_value_type (start_node) != G_TYPE_INT64 ||
      !json_object_has_member (revisions, "ids") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (revisions, "ids")))
    goto bad;
  start = json_node_get_int (start_node);
  ids = json_object_get_array_member (revisions, "ids");
  length = json_array_get_length (ids);
  if (length == 0 || length > GODWIT_SYNC_DOCUMENT_MAX_HISTORY || start < length || start > G_MAXINT32)
    goto bad;

  for (guint i = 0; i < length; i++)
    {
      JsonNode *hash = json_array_get_element (ids, i);
      g_autofree char *revision = NULL;

      if (!JSON_NODE_HOLDS_VALUE (hash) || json_node_get_value_type (hash) != G_TYPE_STRING)
        goto bad;
      revision = g_strdup_printf ("%" G_GINT64_FORMAT "-%s", start - i, json_node_get_string (hash));
      if (!godwit_sync_revision_parse (revision, NULL, NULL))
        goto bad;
      g_ptr_array_add (history, g_steal_pointer (&revision));
    }

  if (rev != NULL && strcmp (g_ptr_array_index (history, 0), rev) != 0)
    {
      set_error (error, GODWIT_ERROR_SERVER, origin, id,
                 _("its _revisions do not start with its _rev “%s”"), rev);
      return NULL;
    }

  return g_steal_pointer (&history);

bad:
  set_error (error, GODWIT_ERROR_SERVER, origin, id,
             _("_revisions is not {\"start\": N, \"ids\": [at most %d revision hashes]}"),
             GODWIT_SYNC_DOCUMENT_MAX_HISTORY);
  return NULL;
}

static const char *
string_member (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

static JsonObject *
object_member (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;

  return json_node_get_object (node);
}

/* entity, model, attributes and relationships of a body. */
static gboolean
read_body (GodwitSyncDocument  *self,
           JsonObject          *json,
           const char          *origin,
           GError             **error)
{
  const char *entity = string_member (json, "entity");
  const char *model = string_member (json, "model");
  JsonObject *attributes = object_member (json, "attributes");
  JsonObject *relationships = object_member (json, "relationships");

  if (entity == NULL || model == NULL || attributes == NULL || relationships == NULL)
    {
      set_error (error, GODWIT_ERROR_MODEL_MISMATCH, origin, self->id,
                 _("not a Godwit document: it lacks one of “entity”, “model”, “attributes” "
                   "and “relationships”, or one of them has the wrong type"));
      return FALSE;
    }
  if (strcmp (entity, self->entity) != 0)
    {
      set_error (error, GODWIT_ERROR_MODEL_MISMATCH, origin, self->id,
                 _("its entity “%s” is not the one its id names"), entity);
      return FALSE;
    }

  self->model = g_strdup (model);
  self->attributes = json_object_ref (attributes);
  self->relationships = json_object_ref (relationships);

  return TRUE;
}

/**
 * godwit_sync_document_new_from_json:
 * @json: a document as a server sends it
 * @origin: where it came from, to start error messages with
 *
 * Reads a document's id, revision, deletion, revision history and body.
 * The body is only checked for its shape here; see
 * godwit_sync_document_check() for its values.
 *
 * Returns: (transfer full): the document, or %NULL with
 *   %GODWIT_ERROR_SERVER for a malformed id, revision or history and
 *   %GODWIT_ERROR_MODEL_MISMATCH for a body that is not Godwit's
 */
GodwitSyncDocument *
godwit_sync_document_new_from_json (JsonObject  *json,
                                    const char  *origin,
                                    GError     **error)
{
  g_autoptr(GodwitSyncDocument) self = NULL;
  const char *id = string_member (json, "_id");
  const char *rev = string_member (json, "_rev");
  JsonNode *deleted = json_object_get_member (json, "_deleted");
  JsonNode *revisions = json_object_get_member (json, "_revisions");

  g_return_val_if_fail (json != NULL, NULL);
  g_return_val_if_fail (origin != NULL, NULL);

  if (id == NULL)
    {
      set_error (error, GODWIT_ERROR_SERVER, origin, NULL, _("a document without a string “_id”"));
      return NULL;
    }
  if (!check_id (id, origin, error))
    return NULL;
  if (json_object_has_member (json, "_rev") && (rev == NULL || !godwit_sync_revision_parse (rev, NULL, NULL)))
    {
      set_error (error, GODWIT_ERROR_SERVER, origin, id, _("its “_rev” is not a revision id “N-hash”"));
      return NULL;
    }
  if (deleted != NULL && (!JSON_NODE_HOLDS_VALUE (deleted) ||
                          json_node_get_value_type (deleted) != G_TYPE_BOOLEAN))
    {
      set_error (error, GODWIT_ERROR_SERVER, origin, id, _("its “_deleted” is not true or false"));
      return NULL;
    }

  self = godwit_sync_document_new (id, rev, deleted != NULL && json_node_get_boolean (deleted));

  if (revisions != NULL)
    {
      self->history = parse_history (revisions, id, rev, origin, error);
      if (self->history == NULL)
        return NULL;
    }

  /* A tombstone's body, if it has one, is not Godwit's business. */
  if (!self->deleted && !read_body (self, json, origin, error))
    return NULL;

  return g_steal_pointer (&self);
}

/**
 * godwit_sync_document_new_from_body:
 * @body: the canonical body, as godwit_sync_document_dup_body() gives it;
 *   the empty string for a deleted document
 *
 * Returns: (transfer full): the document, or %NULL when @body cannot be read
 */
GodwitSyncDocument *
godwit_sync_document_new_from_body (const char  *id,
                                    const char  *rev,
                                    const char  *body,
                                    GError     **error)
{
  g_autoptr(GodwitSyncDocument) self = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *origin = NULL;

  g_return_val_if_fail (id != NULL && body != NULL, NULL);

  self = godwit_sync_document_new (id, rev, body[0] == '\0');
  if (self->entity == NULL)
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_CORRUPT_STORE,
                   _("sync sidecar: “%s” is not a document id"), id);
      return NULL;
    }
  if (self->deleted)
    return g_steal_pointer (&self);

  origin = g_strdup_printf (_("sync sidecar: revision %s of “%s”"), rev != NULL ? rev : "", id);
  root = _godwit_json_load_checked (body, strlen (body), origin, _("a document body"),
                                    MAX_BODY_SIZE, MAX_BODY_DEPTH, error);
  if (root == NULL || !read_body (self, json_node_get_object (root), origin, error))
    return NULL;

  return g_steal_pointer (&self);
}

/* @object's members sorted by name, sharing the values: @object itself
 * when they are in order already, as a scan of the store reads them. */
static JsonNode *
sorted_object (JsonObject *object)
{
  g_autoptr(JsonObject) sorted = NULL;
  g_autoptr(GList) members = json_object_get_members (object);
  gboolean in_order = TRUE;

  for (GList *l = members; in_order && l != NULL && l->next != NULL; l = l->next)
    in_order = strcmp (l->data, l->next->data) < 0;
  if (in_order)
    return json_node_init_object (json_node_alloc (), object);

  sorted = json_object_new ();
  members = g_list_sort (members, (GCompareFunc) strcmp);
  for (GList *l = members; l != NULL; l = l->next)
    json_object_set_member (sorted, l->data, json_node_ref (json_object_get_member (object, l->data)));

  return json_node_init_object (json_node_alloc (), sorted);
}

static JsonObject *
body_object (GodwitSyncDocument *self)
{
  JsonObject *body = json_object_new ();

  json_object_set_string_member (body, "entity", self->entity);
  json_object_set_string_member (body, "model", self->model);
  json_object_set_member (body, "attributes", sorted_object (self->attributes));
  json_object_set_member (body, "relationships", sorted_object (self->relationships));

  return body;
}

/**
 * godwit_sync_document_dup_body:
 *
 * Returns: (transfer full): the canonical text of the body: compact JSON
 *   with entity, model, attributes and relationships in this order, their
 *   members by name; the empty string for a deleted document
 */
char *
godwit_sync_document_dup_body (GodwitSyncDocument *self)
{
  g_autoptr(JsonNode) node = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  if (self->deleted)
    return g_strdup ("");

  g_return_val_if_fail (self->attributes != NULL && self->relationships != NULL, NULL);

  node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, body_object (self));

  return godwit_value_dup_text (node, 0);
}

/**
 * godwit_sync_document_dup_digest:
 *
 * Returns: (transfer full): SHA-256 of the canonical body, in hex
 */
char *
godwit_sync_document_dup_digest (GodwitSyncDocument *self)
{
  g_autofree char *body = godwit_sync_document_dup_body (self);

  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, body, -1);
}

/**
 * godwit_sync_document_compute_revision:
 * @parent_rev: (nullable): the revision this one follows
 *
 * Returns: (transfer full): the id of a new revision with this body:
 *   one generation after @parent_rev, its hash the MD5 of the parent, the
 *   deletion and the canonical body
 */
char *
godwit_sync_document_compute_revision (GodwitSyncDocument *self,
                                       const char         *parent_rev)
{
  g_autofree char *body = godwit_sync_document_dup_body (self);
  g_autofree char *hash = NULL;
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_MD5);
  gint64 generation = 0;

  if (parent_rev != NULL && !godwit_sync_revision_parse (parent_rev, &generation, NULL))
    g_return_val_if_reached (NULL);

  if (parent_rev != NULL)
    g_checksum_update (checksum, (const guchar *) parent_rev, -1);
  g_checksum_update (checksum, (const guchar *) (self->deleted ? "\n1\n" : "\n0\n"), -1);
  g_checksum_update (checksum, (const guchar *) body, -1);

  return g_strdup_printf ("%" G_GINT64_FORMAT "-%s", generation + 1, g_checksum_get_string (checksum));
}

/* The members a server needs besides the body: _id, _rev, _deleted and
 * _revisions from @history (revision ids, newest first), into @json. */
static void
set_revision_members (JsonObject *json,
                      const char *id,
                      const char *rev,
                      gboolean    deleted,
                      GPtrArray  *history)
{
  json_object_set_string_member (json, "_id", id);
  if (rev != NULL)
    json_object_set_string_member (json, "_rev", rev);
  if (deleted)
    json_object_set_boolean_member (json, "_deleted", TRUE);
  if (history != NULL && history->len > 0)
    {
      g_autoptr(JsonObject) revisions = json_object_new ();
      g_autoptr(JsonArray) ids = json_array_new ();
      gint64 start = 0;

      godwit_sync_revision_parse (g_ptr_array_index (history, 0), &start, NULL);
      for (guint i = 0; i < history->len; i++)
        {
          const char *hash = "";

          godwit_sync_revision_parse (g_ptr_array_index (history, i), NULL, &hash);
          json_array_add_string_element (ids, hash);
        }
      json_object_set_int_member (revisions, "start", start);
      json_object_set_array_member (revisions, "ids", g_steal_pointer (&ids));
      json_object_set_object_member (json, "_revisions", g_steal_pointer (&revisions));
    }
}

/**
 * godwit_sync_document_to_json:
 *
 * Returns: (transfer full): the document as a server takes it: _id, _rev,
 *   _deleted, _revisions from the history, and the body
 */
JsonNode *
godwit_sync_document_to_json (GodwitSyncDocument *self)
{
  g_autoptr(JsonObject) json = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  json = self->deleted ? json_object_new () : body_object (self);
  set_revision_members (json, self->id, self->rev, self->deleted, self->history);

  return json_node_init_object (json_node_alloc (), json);
}

/**
 * _godwit_sync_document_dup_json_text:
 * @history: (element-type utf8) (nullable): revision ids, @rev first
 * @body: the canonical body, as godwit_sync_document_dup_body() gave it:
 *   the empty string for a deleted document
 *
 * The document as godwit_sync_document_to_json() would have it, as JSON
 * text, made of its stored body without reading it into a tree: what a
 * push sends.
 *
 * Returns: (transfer full): the text, or %NULL with
 *   %GODWIT_ERROR_CORRUPT_STORE when @body is not a JSON object's text
 */
char *
_godwit_sync_document_dup_json_text (const char  *id,
                                     const char  *rev,
                                     GPtrArray   *history,
                                     const char  *body,
                                     GError     **error)
{
  g_autoptr(JsonObject) json = json_object_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *members = NULL;
  gsize length = strlen (body);
  gboolean deleted = length == 0;

  g_return_val_if_fail (id != NULL && body != NULL, NULL);

  if (!deleted && (length < 2 || body[0] != '{' || body[length - 1] != '}'))
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_CORRUPT_STORE,
                   _("sync sidecar: revision %s of “%s”: the stored body is not a JSON object"), rev != NULL ? rev : "",
                   id);
      return NULL;
    }

  set_revision_members (json, id, rev, deleted, history);
  node = json_node_init_object (json_node_alloc (), json);
  members = godwit_value_dup_text (node, 0);
  if (deleted || length == 2)
    return g_steal_pointer (&members);

  /* {"_id":…,"_revisions":{…}} and {"entity":…} make {"_id":…,"_revisions":{…},"entity":…}. */
  members[strlen (members) - 1] = ',';

  return g_strconcat (members, body + 1, NULL);
}

/* ---- values ------------------------------------------------------------- */

static JsonNode *
double_node (double value)
{
  JsonNode *node;

  /* JSON has no infinity; SQLite keeps no NaN. */
  if (!isfinite (value))
    return json_node_new (JSON_NODE_NULL);

  node = json_node_new (JSON_NODE_VALUE);
  json_node_set_double (node, value);

  return node;
}

static JsonNode *
date_node (double seconds_since_2001)
{
  g_autofree char *iso = godwit_date_to_iso8601 (seconds_since_2001);

  if (iso == NULL)
    return double_node (seconds_since_2001);

  return json_node_init_string (json_node_alloc (), iso);
}

static JsonNode *
base64_node (const guint8 *data,
             gsize         size)
{
  g_autofree char *text = g_base64_encode (data, size);

  return json_node_init_string (json_node_alloc (), text);
}

/* A value whose storage does not fit its attribute type, as it is stored:
 * a document then carries what is there, and a peer refuses it by type. */
static JsonNode *
stored_value (sqlite3_stmt *statement,
              int           column)
{
  JsonNode *node;

  switch (sqlite3_column_type (statement, column))
    {
    case SQLITE_INTEGER:
      node = json_node_new (JSON_NODE_VALUE);
      json_node_set_int (node, sqlite3_column_int64 (statement, column));
      return node;
    case SQLITE_FLOAT:
      return double_node (sqlite3_column_double (statement, column));
    case SQLITE_TEXT:
      {
        g_autofree char *text = g_utf8_make_valid ((const char *) sqlite3_column_text (statement, column),
                                                   sqlite3_column_bytes (statement, column));

        return json_node_init_string (json_node_alloc (), text);
      }
    case SQLITE_BLOB:
      return base64_node (sqlite3_column_blob (statement, column), sqlite3_column_bytes (statement, column));
    case SQLITE_NULL:
    default:
      return json_node_new (JSON_NODE_NULL);
    }
}

/**
 * _godwit_sync_value_from_column:
 *
 * Returns: (transfer full): a stored attribute value as a document holds it
 */
JsonNode *
_godwit_sync_value_from_column (GodwitAttributeType  type,
                                sqlite3_stmt        *statement,
                                int                  column)
{
  int storage = sqlite3_column_type (statement, column);
  JsonNode *node;

  if (storage == SQLITE_NULL)
    return json_node_new (JSON_NODE_NULL);

  switch (type)
    {
    case GODWIT_ATTRIBUTE_TYPE_BOOLEAN:
      if (storage != SQLITE_INTEGER)
        break;
      node = json_node_new (JSON_NODE_VALUE);
      json_node_set_boolean (node, sqlite3_column_int64 (statement, column) != 0);
      return node;
    case GODWIT_ATTRIBUTE_TYPE_DOUBLE:
    case GODWIT_ATTRIBUTE_TYPE_FLOAT:
      if (storage != SQLITE_INTEGER && storage != SQLITE_FLOAT)
        break;
      return double_node (sqlite3_column_double (statement, column));
    case GODWIT_ATTRIBUTE_TYPE_DATE:
      if (storage != SQLITE_INTEGER && storage != SQLITE_FLOAT)
        break;
      return date_node (sqlite3_column_double (statement, column));
    case GODWIT_ATTRIBUTE_TYPE_DECIMAL:
      /* The column's text, whatever its storage, so no digit is lost. */
      return json_node_init_string (json_node_alloc (), (const char *) sqlite3_column_text (statement, column));
    case GODWIT_ATTRIBUTE_TYPE_UUID:
      if (storage == SQLITE_BLOB && sqlite3_column_bytes (statement, column) == 16)
        {
          g_autofree char *uuid = _godwit_value_format_uuid (sqlite3_column_blob (statement, column));

          return json_node_init_string (json_node_alloc (), uuid);
        }
      break;
    case GODWIT_ATTRIBUTE_TYPE_STRING:
    case GODWIT_ATTRIBUTE_TYPE_URI:
      if (storage != SQLITE_TEXT)
        break;
      return stored_value (statement, column);
    case GODWIT_ATTRIBUTE_TYPE_BINARY:
    case GODWIT_ATTRIBUTE_TYPE_TRANSFORMABLE:
      if (storage != SQLITE_BLOB)
        break;
      return stored_value (statement, column);
    case GODWIT_ATTRIBUTE_TYPE_INTEGER_16:
    case GODWIT_ATTRIBUTE_TYPE_INTEGER_32:
    case GODWIT_ATTRIBUTE_TYPE_INTEGER_64:
    case GODWIT_ATTRIBUTE_TYPE_UNDEFINED:
    case GODWIT_ATTRIBUTE_TYPE_OBJECT_ID:
    case GODWIT_ATTRIBUTE_TYPE_COMPOSITE:
    default:
      break;
    }

  return stored_value (statement, column);
}

static gboolean
parse_iso8601 (const char *text,
               double     *seconds_since_2001)
{
  g_autoptr(GDateTime) date_time = g_date_time_new_from_iso8601 (text, NULL);

  if (date_time == NULL)
    return FALSE;

  *seconds_since_2001 = (double) (g_date_time_to_unix (date_time) - REFERENCE_DATE_UNIX) +
                        g_date_time_get_microsecond (date_time) / 1e6;

  return TRUE;
}

/**
 * _godwit_sync_value_get_date:
 *
 * Returns: whether @value is a date as documents hold them (an ISO 8601
 *   string with its time zone, or seconds since 2001-01-01)
 */
gboolean
_godwit_sync_value_get_date (JsonNode *value,
                             double   *seconds_since_2001)
{
  GType type;

  if (!JSON_NODE_HOLDS_VALUE (value))
    return FALSE;

  type = json_node_get_value_type (value);
  if (type == G_TYPE_STRING)
    return parse_iso8601 (json_node_get_string (value), seconds_since_2001);
  if (type == G_TYPE_INT64 || type == G_TYPE_DOUBLE)
    {
      *seconds_since_2001 = json_node_get_double (value);
      return isfinite (*seconds_since_2001);
    }

  return FALSE;
}

static gboolean
parse_uuid (const char *text,
            guint8      bytes[16])
{
  guint n = 0;

  if (!g_uuid_string_is_valid (text))
    return FALSE;

  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '-')
        continue;
      if (n % 2 == 0)
        bytes[n / 2] = g_ascii_xdigit_value (*p) << 4;
      else
        bytes[n / 2] |= g_ascii_xdigit_value (*p);
      n++;
    }

  return n == 32;
}

/* Strict base64: g_base64_decode() skips what is not in the alphabet. */
static gboolean
is_base64 (const char *text)
{
  gsize length = strlen (text);
  gsize padding = 0;

  if (length % 4 != 0)
    return FALSE;
  for (gsize i = 0; i < length; i++)
    {
      char c = text[i];

      if (c == '=')
        {
          padding++;
          continue;
        }
      if (padding > 0 || !(g_ascii_isalnum (c) || c == '+' || c == '/'))
        return FALSE;
    }

  return padding <= 2;
}

static gboolean
is_decimal (const char *text)
{
  char *end;
  double number;

  if (*text == '\0' || g_ascii_isspace (*text))
    return FALSE;
  number = g_ascii_strtod (text, &end);

  return *end == '\0' && isfinite (number);
}

static GType
value_type (JsonNode *value)
{
  return JSON_NODE_HOLDS_VALUE (value) ? json_node_get_value_type (value) : G_TYPE_INVALID;
}

/* @value in its canonical form for @attribute, or NULL when it does not
 * fit the attribute's type. */
static JsonNode *
normalize_value (GodwitProperty *attribute,
                 JsonNode       *value)
{
  GType type = value_type (value);
  double seconds;
  gint64 integer;
  guint8 uuid[16];

  if (JSON_NODE_HOLDS_NULL (value))
    return json_node_new (JSON_NODE_NULL);

  switch (attribute->attribute_type)
    {
    case GODWIT_ATTRIBUTE_TYPE_INTEGER_16:
    case GODWIT_ATTRIBUTE_TYPE_INTEGER_32:
    case GODWIT_ATTRIBUTE_TYPE_INTEGER_64:
      if (type != G_TYPE_INT64)
        return NULL;
      integer = json_node_get_int (value);
      if ((attribute->attribute_type == GODWIT_ATTRIBUTE_TYPE_INTEGER_16 &&
           (integer < G_MININT16 || integer > G_MAXINT16)) ||
          (attribute->attribute_type == GODWIT_ATTRIBUTE_TYPE_INTEGER_32 &&
           (integer < G_MININT32 || integer > G_MAXINT32)))
        return NULL;
      return json_node_copy (value);
    case GODWIT_ATTRIBUTE_TYPE_BOOLEAN:
      return type == G_TYPE_BOOLEAN ? json_node_copy (value) : NULL;
    case GODWIT_ATTRIBUTE_TYPE_DOUBLE:
    case GODWIT_ATTRIBUTE_TYPE_FLOAT:
      if (type != G_TYPE_INT64 && type != G_TYPE_DOUBLE)
        return NULL;
      return double_node (json_node_get_double (value));
    case GODWIT_ATTRIBUTE_TYPE_DATE:
      if (!_godwit_sync_value_get_date (value, &seconds))
        return NULL;
      return date_node (seconds);
    case GODWIT_ATTRIBUTE_TYPE_DECIMAL:
      if (type != G_TYPE_STRING || !is_decimal (json_node_get_string (value)))
        return NULL;
      return json_node_copy (value);
    case GODWIT_ATTRIBUTE_TYPE_STRING:
    case GODWIT_ATTRIBUTE_TYPE_URI:
      return type == G_TYPE_STRING ? json_node_copy (value) : NULL;
    case GODWIT_ATTRIBUTE_TYPE_UUID:
      if (type != G_TYPE_STRING || !parse_uuid (json_node_get_string (value), uuid))
        return NULL;
      {
        g_autofree char *text = _godwit_value_format_uuid (uuid);

        return json_node_init_string (json_node_alloc (), text);
      }
    case GODWIT_ATTRIBUTE_TYPE_BINARY:
    case GODWIT_ATTRIBUTE_TYPE_TRANSFORMABLE:
      if (type != G_TYPE_STRING || !is_base64 (json_node_get_string (value)))
        return NULL;
      return json_node_copy (value);
    case GODWIT_ATTRIBUTE_TYPE_UNDEFINED:
    case GODWIT_ATTRIBUTE_TYPE_OBJECT_ID:
    case GODWIT_ATTRIBUTE_TYPE_COMPOSITE:
    default:
      return NULL;
    }
}

static const char *
expected_json (GodwitAttributeType type)
{
  switch (type)
    {
    case GODWIT_ATTRIBUTE_TYPE_INTEGER_16:
    case GODWIT_ATTRIBUTE_TYPE_INTEGER_32:
    case GODWIT_ATTRIBUTE_TYPE_INTEGER_64:
      return _("a whole number in the attribute type’s range");
    case GODWIT_ATTRIBUTE_TYPE_BOOLEAN:
      return _("true or false");
    case GODWIT_ATTRIBUTE_TYPE_DOUBLE:
    case GODWIT_ATTRIBUTE_TYPE_FLOAT:
      return _("a number");
    case GODWIT_ATTRIBUTE_TYPE_DATE:
      return _("an ISO 8601 date with its time zone, or seconds since 2001-01-01");
    case GODWIT_ATTRIBUTE_TYPE_DECIMAL:
      return _("a decimal number as a string");
    case GODWIT_ATTRIBUTE_TYPE_STRING:
    case GODWIT_ATTRIBUTE_TYPE_URI:
      return _("a string");
    case GODWIT_ATTRIBUTE_TYPE_UUID:
      return _("a UUID string");
    case GODWIT_ATTRIBUTE_TYPE_BINARY:
    case GODWIT_ATTRIBUTE_TYPE_TRANSFORMABLE:
      return _("a base64 string");
    case GODWIT_ATTRIBUTE_TYPE_UNDEFINED:
    case GODWIT_ATTRIBUTE_TYPE_OBJECT_ID:
    case GODWIT_ATTRIBUTE_TYPE_COMPOSITE:
    default:
      return _("nothing: the attribute has no stored value");
    }
}

static int
compare_ids (gconstpointer a,
             gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* The id must name an entity that is a kind of @destination. */
static gboolean
check_reference (GodwitModel   *model,
                 GodwitEntity  *destination,
                 JsonNode      *node,
                 const char   **id)
{
  g_autofree char *entity_name = NULL;
  GodwitEntity *entity;

  if (value_type (node) != G_TYPE_STRING)
    return FALSE;
  *id = json_node_get_string (node);
  if (strlen (*id) > GODWIT_SYNC_DOCUMENT_MAX_ID_LENGTH)
    return FALSE;
  entity_name = godwit_sync_document_dup_id_entity (*id);
  if (entity_name == NULL)
    return FALSE;
  entity = godwit_model_get_entity (model, entity_name);

  return entity != NULL && !entity->abstract && godwit_entity_is_kind_of (entity, destination);
}

static JsonNode *
normalize_relationship (GodwitModel    *model,
                        GodwitProperty *relationship,
                        JsonNode       *value)
{
  GodwitEntity *destination = godwit_model_get_entity (model, relationship->destination_entity);
  g_autoptr(GPtrArray) ids = NULL;
  g_autoptr(GHashTable) seen = NULL;
  g_autoptr(JsonArray) array = NULL;
  JsonArray *given;
  JsonNode *node;
  const char *id;

  if (destination == NULL)
    return NULL;

  if (!relationship->to_many)
    {
      if (value == NULL || JSON_NODE_HOLDS_NULL (value))
        return json_node_new (JSON_NODE_NULL);
      return check_reference (model, destination, value, &id) ? json_node_init_string (json_node_alloc (), id) : NULL;
    }

  array = json_array_new ();
  node = json_node_new (JSON_NODE_ARRAY);
  if (value == NULL)
    {
      json_node_set_array (node, array);
      return node;
    }
  if (!JSON_NODE_HOLDS_ARRAY (value))
    {
      json_node_unref (node);
      return NULL;
    }

  given = json_node_get_array (value);
  ids = g_ptr_array_new ();
  seen = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < json_array_get_length (given); i++)
    {
      if (!check_reference (model, destination, json_array_get_element (given, i), &id) ||
          !g_hash_table_add (seen, (gpointer) id))
        {
          json_node_unref (node);
          return NULL;
        }
      g_ptr_array_add (ids, (gpointer) id);
    }

  /* Only an ordered relationship's order means something. */
  if (!relationship->ordered)
    g_ptr_array_sort (ids, compare_ids);
  for (guint i = 0; i < ids->len; i++)
    json_array_add_string_element (array, g_ptr_array_index (ids, i));
  json_node_set_array (node, array);

  return node;
}

/**
 * godwit_sync_document_check:
 * @model: the store's model version
 * @model_digest: its version hashes digest
 * @origin: where the document came from, to start error messages with
 *
 * Checks a document against the model and puts its body in canonical form:
 * every stored attribute and relationship of the entity present (null or
 * an empty array when the document leaves one out), values in the form
 * the store's own documents have, unordered relationships sorted. A
 * deleted document only needs a well-formed id.
 *
 * Returns: %FALSE with %GODWIT_ERROR_MODEL_MISMATCH when the document was
 *   written for another model version, names an entity, attribute or
 *   relationship the model lacks, or holds a value that does not fit
 */
gboolean
godwit_sync_document_check (GodwitSyncDocument  *self,
                            GodwitModel         *model,
                            const char          *model_digest,
                            const char          *origin,
                            GError             **error)
{
  g_autoptr(JsonObject) attributes = NULL;
  g_autoptr(JsonObject) relationships = NULL;
  g_autoptr(GPtrArray) properties = NULL;
  g_autoptr(GList) members = NULL;
  GodwitEntity *entity;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (GODWIT_IS_MODEL (model), FALSE);

  if (self->deleted)
    return TRUE;

  if (g_strcmp0 (self->model, model_digest) != 0)
    {
      set_error (error, GODWIT_ERROR_MODEL_MISMATCH, origin, self->id,
                 _("written for another model version (version hashes digest %s), not for the "
                   "store’s “%s” (%s)"), self->model, godwit_model_get_version_name (model), model_digest);
      return FALSE;
    }

  entity = godwit_model_get_entity (model, self->entity);
  if (entity == NULL || entity->abstract)
    {
      set_error (error, GODWIT_ERROR_MODEL_MISMATCH, origin, self->id,
                 entity == NULL ? _("the model has no entity “%s”") : _("“%s” is an abstract entity"),
                 self->entity);
      return FALSE;
    }

  attributes = json_object_new ();
  relationships = json_object_new ();
  properties = godwit_entity_dup_all_properties (entity);
  for (guint i = 0; i < properties->len; i++)
    {
      GodwitProperty *property = g_ptr_array_index (properties, i);
      JsonNode *value;
      JsonNode *normalized;

      if (!godwit_property_is_stored (property))
        continue;

      if (property->kind == GODWIT_PROPERTY_KIND_ATTRIBUTE)
        {
          value = json_object_get_member (self->attributes, property->name);
          normalized = value != NULL ? normalize_value (property, value) : json_node_new (JSON_NODE_NULL);
          if (normalized == NULL)
            {
              set_error (error, GODWIT_ERROR_MODEL_MISMATCH, origin, self->id,
                         _("attribute %s.%s holds %s, not %s"), self->entity, property->name,
                         _godwit_json_describe_node (value), expected_json (property->attribute_type));
              return FALSE;
            }
          json_object_set_member (attributes, property->name, normalized);
        }
      else
        {
          value = json_object_get_member (self->relationships, property->name);
          normalized = normalize_relationship (model, property, value);
          if (normalized == NULL)
            {
              if (property->to_many)
                set_error (error, GODWIT_ERROR_MODEL_MISMATCH, origin, self->id,
                           _("relationship %s.%s is not an array of ids of %s objects (“Entity:UUID”), "
                             "each once"), self->entity, property->name, property->destination_entity);
              else
                set_error (error, GODWIT_ERROR_MODEL_MISMATCH, origin, self->id,
                           _("relationship %s.%s is not null or the id of a %s object (“Entity:UUID”)"),
                           self->entity, property->name, property->destination_entity);
              return FALSE;
            }
          json_object_set_member (relationships, property->name, normalized);
        }
    }

  members = json_object_get_members (self->attributes);
  for (GList *l = members; l != NULL; l = l->next)
    if (!json_object_has_member (attributes, l->data))
      {
        set_error (error, GODWIT_ERROR_MODEL_MISMATCH, origin, self->id,
                   _("%s has no stored attribute “%s”"), self->entity, (const char *) l->data);
        return FALSE;
      }
  g_clear_pointer (&members, g_list_free);
  members = json_object_get_members (self->relationships);
  for (GList *l = members; l != NULL; l = l->next)
    if (!json_object_has_member (relationships, l->data))
      {
        set_error (error, GODWIT_ERROR_MODEL_MISMATCH, origin, self->id,
                   _("%s has no stored relationship “%s”"), self->entity, (const char *) l->data);
        return FALSE;
      }

  json_object_unref (self->attributes);
  self->attributes = g_steal_pointer (&attributes);
  json_object_unref (self->relationships);
  self->relationships = g_steal_pointer (&relationships);

  return TRUE;
}

/**
 * _godwit_sync_value_bind:
 * @value: a value godwit_sync_document_check() put in canonical form
 *
 * Binds @value as Core Data stores @attribute's type.
 *
 * Returns: %FALSE when @value does not fit the type
 */
gboolean
_godwit_sync_value_bind (sqlite3_stmt   *statement,
                         int             parameter,
                         GodwitProperty *attribute,
                         JsonNode       *value)
{
  GType type = value_type (value);
  double seconds;
  guint8 uuid[16];

  if (value == NULL || JSON_NODE_HOLDS_NULL (value))
    return sqlite3_bind_null (statement, parameter) == SQLITE_OK;

  switch (attribute->attribute_type)
    {
    case GODWIT_ATTRIBUTE_TYPE_INTEGER_16:
    case GODWIT_ATTRIBUTE_TYPE_INTEGER_32:
    case GODWIT_ATTRIBUTE_TYPE_INTEGER_64:
      return type == G_TYPE_INT64 &&
             sqlite3_bind_int64 (statement, parameter, json_node_get_int (value)) == SQLITE_OK;
    case GODWIT_ATTRIBUTE_TYPE_BOOLEAN:
      return type == G_TYPE_BOOLEAN &&
             sqlite3_bind_int64 (statement, parameter, json_node_get_boolean (value) ? 1 : 0) == SQLITE_OK;
    case GODWIT_ATTRIBUTE_TYPE_DOUBLE:
    case GODWIT_ATTRIBUTE_TYPE_FLOAT:
      return (type == G_TYPE_DOUBLE || type == G_TYPE_INT64) &&
             sqlite3_bind_double (statement, parameter, json_node_get_double (value)) == SQLITE_OK;
    case GODWIT_ATTRIBUTE_TYPE_DATE:
      return _godwit_sync_value_get_date (value, &seconds) &&
             sqlite3_bind_double (statement, parameter, seconds) == SQLITE_OK;
    case GODWIT_ATTRIBUTE_TYPE_DECIMAL:
    case GODWIT_ATTRIBUTE_TYPE_STRING:
    case GODWIT_ATTRIBUTE_TYPE_URI:
      return type == G_TYPE_STRING &&
             sqlite3_bind_text (statement, parameter, json_node_get_string (value), -1,
                                SQLITE_TRANSIENT) == SQLITE_OK;
    case GODWIT_ATTRIBUTE_TYPE_UUID:
      return type == G_TYPE_STRING && parse_uuid (json_node_get_string (value), uuid) &&
             sqlite3_bind_blob (statement, parameter, uuid, sizeof uuid, SQLITE_TRANSIENT) == SQLITE_OK;
    case GODWIT_ATTRIBUTE_TYPE_BINARY:
    case GODWIT_ATTRIBUTE_TYPE_TRANSFORMABLE:
      if (type != G_TYPE_STRING || !is_base64 (json_node_get_string (value)))
        return FALSE;
      {
        gsize length = 0;
        g_autofree guint8 *data = g_base64_decode (json_node_get_string (value), &length);

        if (length > G_MAXINT)
          return FALSE;
        /* An empty value is an empty blob, not NULL. */
        if (length == 0)
          return sqlite3_bind_zeroblob (statement, parameter, 0) == SQLITE_OK;
        return sqlite3_bind_blob (statement, parameter, data, (int) length, SQLITE_TRANSIENT) == SQLITE_OK;
      }
    case GODWIT_ATTRIBUTE_TYPE_UNDEFINED:
    case GODWIT_ATTRIBUTE_TYPE_OBJECT_ID:
    case GODWIT_ATTRIBUTE_TYPE_COMPOSITE:
    default:
      return FALSE;
    }
}
