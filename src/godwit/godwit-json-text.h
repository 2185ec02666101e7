/* godwit-json-text.h
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

char *godwit_json_dup_text (JsonNode *node,
                            guint     max_chars);

G_END_DECLS
