/* godwit-store-writer-private.h
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <plist/plist.h>

#include "godwit-store-writer.h"

G_BEGIN_DECLS

/* Real stores carry NSStoreModelVersionHashesDigest from framework 977 on
 * and NSStoreModelVersionChecksumKey from 1345 on. */
#define GODWIT_DIGEST_FRAMEWORK_VERSION   977
#define GODWIT_CHECKSUM_FRAMEWORK_VERSION 1345

void      _godwit_store_metadata_set_version  (plist_t         metadata,
                                               GodwitModel    *model,
                                               gint64          framework_version);
GVariant *_godwit_attribute_dup_default_value (GodwitProperty *attribute);
char     *_godwit_attribute_dup_default_literal (GodwitProperty *attribute);

G_END_DECLS
