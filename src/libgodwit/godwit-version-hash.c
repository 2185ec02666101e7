/* godwit-version-hash.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Core Data's entity version hashes, byte for byte as
 * ../shared/docs/coredata-format.md §3.3 gives them: every integer is
 * little-endian, every string UTF-8 without a terminator, and the order of
 * properties and entities is plain byte order of their names.
 */

#include "config.h"

#include <string.h>

#include "godwit-version-hash-private.h"

static void
update_u16 (GChecksum *checksum,
            guint16    value)
{
  guint8 bytes[2] = { value & 0xff, (value >> 8) & 0xff };

  g_checksum_update (checksum, bytes, sizeof bytes);
}

static void
update_i32 (GChecksum *checksum,
            gint32     value)
{
  guint32 u = (guint32) value;
  guint8 bytes[4] = { u & 0xff, (u >> 8) & 0xff, (u >> 16) & 0xff, (u >> 24) & 0xff };

  g_checksum_update (checksum, bytes, sizeof bytes);
}

static void
update_string (GChecksum  *checksum,
               const char *string)
{
  if (string != NULL)
    g_checksum_update (checksum, (const guchar *) string, strlen (string));
}

static void
finish (GChecksum *checksum,
        guint8     hash[GODWIT_VERSION_HASH_LENGTH])
{
  gsize length = GODWIT_VERSION_HASH_LENGTH;

  g_checksum_get_digest (checksum, hash, &length);
  g_assert (length == GODWIT_VERSION_HASH_LENGTH);
}

static void
property_base_hash (const GodwitProperty *property,
                    guint8                hash[GODWIT_VERSION_HASH_LENGTH])
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint16 flags = (property->optional ? 1 : 0)
                | (property->transient ? 2 : 0)
                | (property->read_only ? 4 : 0);

  update_string (checksum, property->name);
  update_u16 (checksum, flags);
  if (property->version_hash_modifier != NULL && property->version_hash_modifier[0] != '\0')
    update_string (checksum, property->version_hash_modifier);
  finish (checksum, hash);
}

void
_godwit_version_hash_property (const GodwitProperty *property,
                               guint8                hash[GODWIT_VERSION_HASH_LENGTH])
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 base[GODWIT_VERSION_HASH_LENGTH];
  static const guint8 one = 1;

  property_base_hash (property, base);
  g_checksum_update (checksum, base, sizeof base);

  if (property->kind == GODWIT_PROPERTY_KIND_RELATIONSHIP)
    {
      update_string (checksum, property->destination_entity);
      update_string (checksum, property->inverse_name);
      update_i32 (checksum, property->max_count);
      update_i32 (checksum, property->min_count);
      if (property->ordered)
        update_u16 (checksum, 1);
    }
  else
    {
      update_i32 (checksum, (gint32) property->attribute_type);
      if (property->allows_external_binary_data_storage)
        g_checksum_update (checksum, &one, 1);
      if (property->preserves_value_in_history_on_deletion)
        g_checksum_update (checksum, &one, 1);
    }

  finish (checksum, hash);
}

/* The parent's hash must be computed first: the model resolves entities
 * from the roots down.
 */
void
_godwit_version_hash_entity (GodwitEntity *entity)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autoptr(GPtrArray) properties = godwit_entity_dup_all_properties (entity);
  guint8 abstract = entity->abstract ? 1 : 0;

  update_string (checksum, entity->name);
  g_checksum_update (checksum, &abstract, 1);

  if (entity->parent != NULL)
    g_checksum_update (checksum, entity->parent->version_hash, GODWIT_VERSION_HASH_LENGTH);

  for (guint i = 0; i < properties->len; i++)
    {
      const GodwitProperty *property = g_ptr_array_index (properties, i);
      guint8 hash[GODWIT_VERSION_HASH_LENGTH];

      if (!godwit_property_is_stored (property))
        continue;

      _godwit_version_hash_property (property, hash);
      g_checksum_update (checksum, hash, sizeof hash);
    }

  for (guint i = 0; i < entity->uniqueness_constraints->len; i++)
    {
      const char * const *tuple = g_ptr_array_index (entity->uniqueness_constraints, i);
      g_autofree char *joined = g_strjoinv (".", (char **) tuple);

      update_string (checksum, joined);
    }

  if (entity->version_hash_modifier != NULL && entity->version_hash_modifier[0] != '\0')
    update_string (checksum, entity->version_hash_modifier);

  finish (checksum, entity->version_hash);
}

/* @entities must be sorted by name in byte order, as the model keeps them. */
char *
_godwit_version_hashes_digest (GPtrArray *entities)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA512);
  guint8 digest[64];
  gsize length = sizeof digest;

  for (guint i = 0; i < entities->len; i++)
    {
      GodwitEntity *entity = g_ptr_array_index (entities, i);

      update_string (checksum, entity->name);
      g_checksum_update (checksum, entity->version_hash, GODWIT_VERSION_HASH_LENGTH);
    }

  g_checksum_get_digest (checksum, digest, &length);

  return g_base64_encode (digest, length);
}

char *
_godwit_version_checksum (GPtrArray *entities)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[GODWIT_VERSION_HASH_LENGTH];

  for (guint i = 0; i < entities->len; i++)
    {
      GodwitEntity *entity = g_ptr_array_index (entities, i);

      g_checksum_update (checksum, entity->version_hash, GODWIT_VERSION_HASH_LENGTH);
    }

  finish (checksum, digest);

  return g_base64_encode (digest, sizeof digest);
}
