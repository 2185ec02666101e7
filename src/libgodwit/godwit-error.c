/* godwit-error.c
 *

 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "godwit-error.h"

G_DEFINE_QUARK (godwit-error-quark, godwit_error)
