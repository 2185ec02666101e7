/* godwit-value-private.h
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>
#include <sqlite3.h>

#include "godwit-property.h"

G_BEGIN_DECLS

JsonNode *_godwit_value_to_json                   (GodwitAttributeType  type,
                                                   sqlite3_stmt        *statement,
                                                   int                  column);
JsonNode *_godwit_value_to_json_for_declared_type (const char          *declared_type,
                                                   sqlite3_stmt        *statement,
                                                   int                  column);
JsonNode *_godwit_value_binary_summary            (const guint8        *data,
                                                   gsize                size);
char     *_godwit_value_format_uuid               (const guint8        *bytes);
gsize     _godwit_value_estimate_size             (JsonNode            *value);

G_END_DECLS
