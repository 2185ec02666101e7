/* godwit-test-model.h
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "godwit-migration-plan.h"
#include "godwit-model-bundle.h"
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

/* Bundles and plans read from files. */

#define GODWIT_TEST_WIBOSCO_BUNDLE "wibosco-revised/CoreDataMigration_Example.xcdatamodeld"
#define GODWIT_TEST_BERGIER_BUNDLE "bergier/Model.xcdatamodeld"

/* The fixtures' model versions, oldest first, NULL-terminated. */
extern const char * const godwit_test_wibosco_versions[];
extern const char * const godwit_test_bergier_versions[];

/* The bundle at @relative_path under the fixtures, or NULL (after marking
 * the test skipped) when they are absent; aborts the test on an error. */
GodwitModelBundle   *godwit_test_load_bundle              (const char          *relative_path);
/* The demo Garden.xcdatamodeld of data/demo. */
GodwitModelBundle   *godwit_test_load_garden              (void);
/* The version @name of @bundle, which must be there. */
GodwitModel         *godwit_test_find_version             (GodwitModelBundle   *bundle,
                                                           const char          *name);
/* tests/plans/@name, read without validation. */
GodwitMigrationPlan *godwit_test_load_plan                (const char          *name);
/* Writes the model bundle @path (a .xcdatamodeld folder) with the
 * versions given as pairs of a version name and the XML of its entities
 * (the elements inside <model>), then %NULL, and reads it; aborts the test
 * on an error. */
GodwitModelBundle   *godwit_test_write_bundle             (const char          *path,
                                                           const char          *first_version,
                                                           ...) G_GNUC_NULL_TERMINATED;

G_END_DECLS
