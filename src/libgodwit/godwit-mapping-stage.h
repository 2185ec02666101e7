/* godwit-mapping-stage.h
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "godwit-mapping-model.h"
#include "godwit-migration-plan.h"

G_BEGIN_DECLS

GodwitMigrationStage *godwit_mapping_stage_new (GodwitMappingModel  *mapping_model,
                                                GodwitModel         *source,
                                                GodwitModel         *destination,
                                                GError             **error);

G_END_DECLS
