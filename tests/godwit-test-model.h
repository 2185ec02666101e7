/* godwit-test-model.h
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "godwit-model.h"

G_BEGIN_DECLS

/* Models built in code. Properties are optional, as Xcode makes them; a
 * test that wants another value sets the returned property's fields. */

/* A new entity of @model, with @parent (nullable) as its parent entity. */
GodwitEntity   *godwit_test_add_entity                (GodwitModel         *model,
                                                       const char          *name,
                                                       const char          *parent);
GodwitProperty *godwit_test_add_attribute             (GodwitEntity        *entity,
                                                       const char          *name,
                                                       GodwitAttributeType  type);
/* A relationship to @destination; @inverse (nullable) is the name of its
 * inverse, which Xcode records with the destination as inverse entity. */
GodwitProperty *godwit_test_add_relationship          (GodwitEntity        *entity,
                                                       const char          *name,
                                                       const char          *destination,
                                                       const char          *inverse,
                                                       gboolean             to_many,
                                                       gboolean             ordered);
/* A uniqueness constraint over the NULL-terminated @properties. */
void            godwit_test_add_uniqueness_constraint (GodwitEntity        *entity,
                                                       const char * const  *properties);
/* Resolves @model; aborts the test on an error. */
void            godwit_test_resolve_model             (GodwitModel         *model);
/* The property @name that entity @entity_name declares itself (not one it
 * inherits); aborts the test when either is missing. */
GodwitProperty *godwit_test_get_own_property          (GodwitModel         *model,
                                                       const char          *entity_name,
                                                       const char          *name);

G_END_DECLS
