/* godwit-value.h
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>
#include <stdio.h>
#include <json-glib/json-glib.h>

#include "godwit-store.h"

G_BEGIN_DECLS

char     *godwit_hex_encode     (const guint8       *data,
                                 gsize               size);
JsonNode *godwit_object_to_json (const GodwitObject *object);
char     *godwit_value_dup_text (JsonNode           *value,
                                 guint               max_chars);
void      godwit_value_write    (JsonNode           *value,
                                 FILE               *stream);

G_END_DECLS
