/* godwit-model-archive-private.h
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "godwit-model.h"

G_BEGIN_DECLS

GodwitModel *_godwit_model_new_from_archive     (const guint8       *data,
                                                 gsize               length,
                                                 const char         *version_name,
                                                 GodwitModelSource   source,
                                                 const char         *origin,
                                                 GError            **error);
GodwitModel *_godwit_model_new_from_model_cache (const guint8       *data,
                                                 gsize               length,
                                                 const char         *origin,
                                                 GError            **error);
char        *_godwit_quote_string_literal       (const char         *text);

G_END_DECLS
