/* fuzz-mapping-model.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "godwit-fuzz"

#include "config.h"

#include "fuzz-target.h"
#include "godwit-mapping-model.h"
#include "temp-file.h"

/* An .xcmappingmodel's xcmapping.xml, with the models and expressions
 * archived inside it; the parser reads a path. */
int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GodwitMappingModel) mapping_model = NULL;
  g_autofree char *path = NULL;

  path = fuzz_write_temp_file (data, size, "xcmapping.xml");
  mapping_model = godwit_mapping_model_new_for_path (path, &error);
  fuzz_remove_temp_file (path);

  return 0;
}
