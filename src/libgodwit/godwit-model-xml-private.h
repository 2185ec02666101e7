/* godwit-model-xml-private.h
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "godwit-model.h"

G_BEGIN_DECLS

/* Largest `contents` file read, and deepest element nesting accepted. */
#define GODWIT_MODEL_XML_MAX_SIZE  (64 * 1024 * 1024)
#define GODWIT_MODEL_XML_MAX_DEPTH 64

GodwitModel *_godwit_model_new_from_xml (const char  *contents_path,
                                         const char  *version_name,
                                         GError     **error);

G_END_DECLS
