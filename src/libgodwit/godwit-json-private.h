/* godwit-json-private.h
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "godwit-error.h"

G_BEGIN_DECLS

void        _godwit_json_set_error           (const char          *origin,
                                              GError             **error,
                                              GodwitError          code,
                                              const char          *path,
                                              const char          *format,
                                              ...) G_GNUC_PRINTF (5, 6);
void        _godwit_json_set_error_valist    (const char          *origin,
                                              GError             **error,
                                              GodwitError          code,
                                              const char          *path,
                                              const char          *format,
                                              va_list              args) G_GNUC_PRINTF (5, 0);
char       *_godwit_json_member_path         (const char          *parent,
                                              const char          *key);
const char *_godwit_json_describe_node       (JsonNode            *node);
char       *_godwit_json_join_quoted         (const char * const  *words);
gboolean    _godwit_json_check_keys          (JsonObject          *object,
                                              const char          *origin,
                                              const char          *path,
                                              const char * const  *allowed,
                                              const char          *what,
                                              GError             **error);
JsonNode   *_godwit_json_load_checked        (const char          *data,
                                              gsize                length,
                                              const char          *origin,
                                              const char          *what,
                                              gsize                max_size,
                                              guint                max_depth,
                                              GError             **error);

void        _godwit_json_add_nullable_string (JsonBuilder         *builder,
                                              const char          *name,
                                              const char          *value);
void        _godwit_json_add_count           (JsonBuilder         *builder,
                                              const char          *name,
                                              gint64               count);
void        _godwit_json_add_string_array    (JsonBuilder         *builder,
                                              GPtrArray           *strings);

G_END_DECLS
