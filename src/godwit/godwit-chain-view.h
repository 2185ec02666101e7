/* godwit-chain-view.h
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "godwit-migration.h"

G_BEGIN_DECLS

#define GODWIT_TYPE_CHAIN_VIEW (godwit_chain_view_get_type ())

G_DECLARE_FINAL_TYPE (GodwitChainView, godwit_chain_view, GODWIT, CHAIN_VIEW, GtkWidget)

GtkWidget               *godwit_chain_view_new                 (void);
void                     godwit_chain_view_set_chain           (GodwitChainView    *self,
                                                                const char * const *versions,
                                                                int                 store_index,
                                                                int                 target_index,
                                                                GPtrArray          *steps);
guint                    godwit_chain_view_get_n_versions      (GodwitChainView    *self);
guint                    godwit_chain_view_get_n_steps         (GodwitChainView    *self);
int                      godwit_chain_view_get_store_index     (GodwitChainView    *self);
int                      godwit_chain_view_get_target_index    (GodwitChainView    *self);
GodwitMigrationStepKind  godwit_chain_view_get_step_kind       (GodwitChainView    *self,
                                                                guint               index);
int                      godwit_chain_view_get_selected_step   (GodwitChainView    *self);
void                     godwit_chain_view_set_selected_step   (GodwitChainView    *self,
                                                                int                 index);
GtkWidget               *godwit_chain_view_get_version_widget  (GodwitChainView    *self,
                                                                guint               index);
const char              *godwit_chain_view_get_version_caption (GodwitChainView    *self,
                                                                guint               index);
GtkWidget               *godwit_chain_view_get_step_widget     (GodwitChainView    *self,
                                                                guint               index);

G_END_DECLS
