/* godwit-version-hash-private.h
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "godwit-entity.h"

G_BEGIN_DECLS

void  _godwit_version_hash_property (const GodwitProperty *property,
                                     guint8                hash[GODWIT_VERSION_HASH_LENGTH]);
void  _godwit_version_hash_entity   (GodwitEntity         *entity);
char *_godwit_version_hashes_digest (GPtrArray            *entities);
char *_godwit_version_checksum      (GPtrArray            *entities);

G_END_DECLS
