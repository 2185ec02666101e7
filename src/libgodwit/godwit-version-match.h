/* godwit-version-match.h
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "godwit-model-bundle.h"
#include "godwit-store.h"

G_BEGIN_DECLS

typedef enum
{
  GODWIT_ENTITY_MATCH_EQUAL,
  GODWIT_ENTITY_MATCH_HASH_DIFFERS,
  GODWIT_ENTITY_MATCH_ONLY_IN_STORE,
  GODWIT_ENTITY_MATCH_ONLY_IN_MODEL,
} GodwitEntityMatchState;

typedef struct
{
  char                   *entity;
  GodwitEntityMatchState  state;
  GPtrArray              *details;   /* (element-type utf8) what differs, property by property, when known */
} GodwitEntityDifference;

#define GODWIT_TYPE_VERSION_MATCH (godwit_version_match_get_type ())

G_DECLARE_FINAL_TYPE (GodwitVersionMatch, godwit_version_match, GODWIT, VERSION_MATCH, GObject)

GodwitVersionMatch *godwit_version_match_new                 (GHashTable          *store_hashes,
                                                              GodwitModel         *store_model,
                                                              GodwitModelBundle   *bundle);
GodwitModel        *godwit_version_match_get_matched_version (GodwitVersionMatch  *self);
GPtrArray          *godwit_version_match_get_matching_versions (GodwitVersionMatch *self);
GodwitModel        *godwit_version_match_get_nearest_version (GodwitVersionMatch  *self);
GPtrArray          *godwit_version_match_get_differences     (GodwitVersionMatch  *self);
guint               godwit_version_match_count_equal_entities (GodwitVersionMatch *self,
                                                              GodwitModel         *version);
const char         *godwit_entity_match_state_to_string      (GodwitEntityMatchState state);

G_END_DECLS
