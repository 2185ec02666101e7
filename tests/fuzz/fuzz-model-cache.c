/* fuzz-model-cache.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "godwit-fuzz"

#include "config.h"

#include "fuzz-target.h"
#include "godwit-model-archive-private.h"

/* A store's Z_MODELCACHE blob: raw DEFLATE of a model's keyed archive. */
int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GodwitModel) model = NULL;

  model = _godwit_model_new_from_model_cache (data, size, "fuzz.sqlite: Z_MODELCACHE", &error);

  return 0;
}
