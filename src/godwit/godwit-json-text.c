/* godwit-json-text.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "godwit-json-text"

#include "config.h"

#include "godwit-json-text.h"

/**
 * godwit_json_dup_text:
 * @max_chars: cut longer text with “…”; 0 for no limit
 *
 * A decoded value as `godwit-cli dump` shows it: JSON text, so that the
 * string “null” and a null value look different.
 *
 * Returns: (transfer full): the text
 */
char *
godwit_json_dup_text (JsonNode *node,
                      guint     max_chars)
{
  g_autofree char *text = NULL;
  g_autofree char *start = NULL;

  g_return_val_if_fail (node != NULL, NULL);

  text = json_to_string (node, FALSE);
  if (max_chars == 0 || g_utf8_strlen (text, -1) <= max_chars)
    return g_steal_pointer (&text);

  start = g_utf8_substring (text, 0, max_chars - 1);

  return g_strconcat (start, "…", NULL);
}
