/* godwit-metadata-page.h
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "godwit-document.h"

G_BEGIN_DECLS

#define GODWIT_TYPE_METADATA_PAGE (godwit_metadata_page_get_type ())

G_DECLARE_FINAL_TYPE (GodwitMetadataPage, godwit_metadata_page, GODWIT, METADATA_PAGE, AdwBin)

void        godwit_metadata_page_set_document     (GodwitMetadataPage *self,
                                                   GodwitDocument     *document);
const char *godwit_metadata_page_get_banner_text  (GodwitMetadataPage *self);
const char *godwit_metadata_page_get_value_text   (GodwitMetadataPage *self,
                                                   const char         *name);
GtkGrid    *godwit_metadata_page_get_hash_grid    (GodwitMetadataPage *self);

G_END_DECLS
