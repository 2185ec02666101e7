/* godwit-error.h
 *

 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define GODWIT_ERROR (godwit_error_quark ())

/**
 * GodwitError:
 * @GODWIT_ERROR_INVALID_PLIST: a property list could not be parsed
 * @GODWIT_ERROR_INVALID_ARCHIVE: a keyed archive is malformed
 * @GODWIT_ERROR_LIMIT_EXCEEDED: input exceeds a safety limit (depth, size, object count)
 * @GODWIT_ERROR_INVALID_MODEL: a managed object model is malformed or inconsistent
 * @GODWIT_ERROR_LEGACY_MODEL_FORMAT: an Xcode 3 `elements` model
 * @GODWIT_ERROR_NO_VERSIONS: a model bundle holds no model version
 * @GODWIT_ERROR_UNKNOWN_VERSION: a named model version is not in the bundle
 * @GODWIT_ERROR_NOT_SQLITE: the file is not an SQLite database
 * @GODWIT_ERROR_NOT_CORE_DATA_STORE: an SQLite database that is not a Core Data store
 * @GODWIT_ERROR_CORRUPT_STORE: a Core Data store whose content is damaged
 * @GODWIT_ERROR_UNKNOWN_ENTITY: an entity name the model does not have
 * @GODWIT_ERROR_NO_MODEL: no model is available for the store
 * @GODWIT_ERROR_WRONG_FILE_TYPE: a directory where a file is expected, or the reverse
 * @GODWIT_ERROR_IO: reading or writing a file failed
 * @GODWIT_ERROR_SERVER: a sync server cannot be reached, or answers with an error
 * @GODWIT_ERROR_AUTHENTICATION: a sync server refuses the credentials (HTTP 401 or 403)
 * @GODWIT_ERROR_MODEL_MISMATCH: data written for another model version than the store's
 * @GODWIT_ERROR_SYNC_CONFLICT: a sync conflict cannot be resolved as asked: not listed, resolved
 *   already, changed since it was listed, or no such leaf or property
 */
typedef enum
{
  GODWIT_ERROR_INVALID_PLIST,
  GODWIT_ERROR_INVALID_ARCHIVE,
  GODWIT_ERROR_LIMIT_EXCEEDED,
  GODWIT_ERROR_INVALID_MODEL,
  GODWIT_ERROR_LEGACY_MODEL_FORMAT,
  GODWIT_ERROR_NO_VERSIONS,
  GODWIT_ERROR_UNKNOWN_VERSION,
  GODWIT_ERROR_NOT_SQLITE,
  GODWIT_ERROR_NOT_CORE_DATA_STORE,
  GODWIT_ERROR_CORRUPT_STORE,
  GODWIT_ERROR_UNKNOWN_ENTITY,
  GODWIT_ERROR_NO_MODEL,
  GODWIT_ERROR_WRONG_FILE_TYPE,
  GODWIT_ERROR_IO,
  GODWIT_ERROR_SERVER,
  GODWIT_ERROR_AUTHENTICATION,
  GODWIT_ERROR_MODEL_MISMATCH,
  GODWIT_ERROR_SYNC_CONFLICT,
} GodwitError;

GQuark godwit_error_quark (void);

G_END_DECLS
