/* fuzz-model-archive.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "godwit-fuzz"

#include "config.h"

#include "fuzz-target.h"
#include "godwit-model-archive-private.h"

/* A compiled .mom (a keyed archive of the model). */
int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GodwitModel) model = NULL;

  model = _godwit_model_new_from_archive (data, size, "Fuzz", GODWIT_MODEL_SOURCE_COMPILED,
                                          "fuzz.mom", &error);

  return 0;
}
