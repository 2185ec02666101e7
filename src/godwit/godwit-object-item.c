/* godwit-object-item.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* One row of a GodwitObjectList: an object of a page read from the store,
 * or a placeholder while its page is being read. A placeholder is filled
 * in place when its page arrives, so that whoever holds it (a row of a
 * list view, the selection) keeps it and sees :loaded change.
 */

#define G_LOG_DOMAIN "godwit-object-item"

#include "config.h"

#include "godwit-object-item.h"
#include "godwit-value.h"

struct _GodwitObjectItem
{
  GObject    parent_instance;

  guint      position;
  gboolean   loaded;
  GPtrArray *page;    /* (nullable) (element-type GodwitObject): shared with the page's other items */
  guint      index;
};

G_DEFINE_FINAL_TYPE (GodwitObjectItem, godwit_object_item, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_POSITION,
  PROP_LOADED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
godwit_object_item_finalize (GObject *object)
{
  GodwitObjectItem *self = (GodwitObjectItem *)object;

  g_clear_pointer (&self->page, g_ptr_array_unref);

  G_OBJECT_CLASS (godwit_object_item_parent_class)->finalize (object);
}

static void
godwit_object_item_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  GodwitObjectItem *self = GODWIT_OBJECT_ITEM (object);

  switch (prop_id)
    {
    case PROP_POSITION:
      g_value_set_uint (value, self->position);
      break;

    case PROP_LOADED:
      g_value_set_boolean (value, self->loaded);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
godwit_object_item_class_init (GodwitObjectItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = godwit_object_item_finalize;
  object_class->get_property = godwit_object_item_get_property;

  properties[PROP_POSITION] =
    g_param_spec_uint ("position", NULL, NULL, 0, G_MAXUINT, 0,
                       (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  /* TRUE once the item's page has been read: the object is there then,
   * unless the store had fewer objects than it counted. */
  properties[PROP_LOADED] =
    g_param_spec_boolean ("loaded", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
godwit_object_item_init (GodwitObjectItem *self)
{
}

/**
 * godwit_object_item_new:
 * @position: the item's position in its list
 * @page: (nullable): the page of objects the item is in, %NULL for a
 *   placeholder; @index past its end makes an item without an object
 *   (the store had fewer objects than it counted)
 * @index: the object's index in @page
 */
GodwitObjectItem *
godwit_object_item_new (guint      position,
                        GPtrArray *page,
                        guint      index)
{
  GodwitObjectItem *self = g_object_new (GODWIT_TYPE_OBJECT_ITEM, NULL);

  self->position = position;
  if (page != NULL)
    godwit_object_item_fill (self, page, index);

  return self;
}

/* Gives a placeholder its object, the @index-th of @page. */
void
godwit_object_item_fill (GodwitObjectItem *self,
                         GPtrArray        *page,
                         guint             index)
{
  g_return_if_fail (GODWIT_IS_OBJECT_ITEM (self));
  g_return_if_fail (page != NULL);
  g_return_if_fail (!self->loaded);

  if (index < page->len)
    {
      self->page = g_ptr_array_ref (page);
      self->index = index;
    }

  self->loaded = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADED]);
}

guint
godwit_object_item_get_position (GodwitObjectItem *self)
{
  g_return_val_if_fail (GODWIT_IS_OBJECT_ITEM (self), 0);

  return self->position;
}

gboolean
godwit_object_item_get_loaded (GodwitObjectItem *self)
{
  g_return_val_if_fail (GODWIT_IS_OBJECT_ITEM (self), FALSE);

  return self->loaded;
}

/**
 * godwit_object_item_get_object:
 *
 * Returns: (nullable): the object, %NULL while its page is being read
 */
const GodwitObject *
godwit_object_item_get_object (GodwitObjectItem *self)
{
  g_return_val_if_fail (GODWIT_IS_OBJECT_ITEM (self), NULL);

  return self->page != NULL ? g_ptr_array_index (self->page, self->index) : NULL;
}

/**
 * godwit_object_item_dup_value_text:
 * @name: an attribute or relationship name
 * @max_chars: cut longer text with “…”; 0 for no limit
 *
 * Returns: (nullable): the value as godwit_value_dup_text() shows it,
 *   %NULL when the object has no such value or is not read yet.
 */
char *
godwit_object_item_dup_value_text (GodwitObjectItem *self,
                                   const char       *name,
                                   guint             max_chars)
{
  const GodwitObject *object;

  g_return_val_if_fail (GODWIT_IS_OBJECT_ITEM (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  object = godwit_object_item_get_object (self);
  if (object == NULL)
    return NULL;

  if (json_object_has_member (object->attributes, name))
    return godwit_value_dup_text (json_object_get_member (object->attributes, name), max_chars);
  if (json_object_has_member (object->relationships, name))
    return godwit_value_dup_text (json_object_get_member (object->relationships, name), max_chars);

  return NULL;
}
