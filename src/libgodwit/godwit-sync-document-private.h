/* godwit-sync-document-private.h
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <sqlite3.h>

#include "godwit-sync-document.h"

G_BEGIN_DECLS

JsonNode *_godwit_sync_value_from_column       (GodwitAttributeType  type,
                                                sqlite3_stmt        *statement,
                                                int                  column);
gboolean  _godwit_sync_value_bind              (sqlite3_stmt        *statement,
                                                int                  parameter,
                                                GodwitProperty      *attribute,
                                                JsonNode            *value);
gboolean  _godwit_sync_value_get_date          (JsonNode            *value,
                                                double              *seconds_since_2001);
char     *_godwit_sync_document_dup_json_text  (const char          *id,
                                                const char          *rev,
                                                GPtrArray           *history,
                                                const char          *body,
                                                GError             **error);

G_END_DECLS
