/* godwit-model-page.h
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "godwit-diff-view.h"
#include "godwit-document.h"

G_BEGIN_DECLS

#define GODWIT_TYPE_MODEL_PAGE (godwit_model_page_get_type ())

G_DECLARE_FINAL_TYPE (GodwitModelPage, godwit_model_page, GODWIT, MODEL_PAGE, AdwBin)

void            godwit_model_page_set_document    (GodwitModelPage *self,
                                                   GodwitDocument  *document);
gboolean        godwit_model_page_set_version     (GodwitModelPage *self,
                                                   const char      *name);
const char     *godwit_model_page_get_version     (GodwitModelPage *self);
GtkListBox     *godwit_model_page_get_entity_list (GodwitModelPage *self);
GodwitDiffView *godwit_model_page_get_diff_view   (GodwitModelPage *self);
const char     *godwit_model_page_get_diff_note   (GodwitModelPage *self);

G_END_DECLS
