/* fuzz-model-xml.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "godwit-fuzz"

#include "config.h"

#include "fuzz-target.h"
#include "godwit-model-xml-private.h"
#include "temp-file.h"

/* An .xcdatamodel's `contents` XML; the parser reads a path. */
int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GodwitModel) model = NULL;
  g_autofree char *path = NULL;

  path = fuzz_write_temp_file (data, size, "contents");
  model = _godwit_model_new_from_xml (path, "Fuzz", &error);
  fuzz_remove_temp_file (path);

  return 0;
}
