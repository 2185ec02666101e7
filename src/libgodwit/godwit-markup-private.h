/* godwit-markup-private.h
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "godwit-error.h"

G_BEGIN_DECLS

void        _godwit_markup_set_error   (GMarkupParseContext  *context,
                                        const char           *path,
                                        GError              **error,
                                        GodwitError           code,
                                        const char           *format,
                                        ...) G_GNUC_PRINTF (5, 6);
const char *_godwit_markup_lookup      (const char          **names,
                                        const char          **values,
                                        const char           *name);
const char *_godwit_markup_require     (GMarkupParseContext  *context,
                                        const char           *path,
                                        const char           *element_name,
                                        const char          **names,
                                        const char          **values,
                                        const char           *name,
                                        GError              **error);
gboolean    _godwit_markup_check_depth (GMarkupParseContext  *context,
                                        const char           *path,
                                        guint                 depth,
                                        guint                 max_depth,
                                        GError              **error);
gboolean    _godwit_markup_parse_file  (const char           *path,
                                        const char           *file_kind,
                                        gsize                 max_size,
                                        const GMarkupParser  *parser,
                                        gpointer              user_data,
                                        GError              **error);

G_END_DECLS
