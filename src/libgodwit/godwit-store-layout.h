/* godwit-store-layout.h
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "godwit-model.h"

G_BEGIN_DECLS

/* Z_ENT numbers of the persistent-history entities CHANGE, TRANSACTION and
 * TRANSACTIONSTRING; model entities are numbered below them. */
#define GODWIT_STORE_LAYOUT_CHANGE_ENTITY_NUMBER             16001
#define GODWIT_STORE_LAYOUT_TRANSACTION_ENTITY_NUMBER        16002
#define GODWIT_STORE_LAYOUT_TRANSACTION_STRING_ENTITY_NUMBER 16003

typedef enum
{
  GODWIT_COLUMN_ROLE_PRIMARY_KEY,   /* Z_PK */
  GODWIT_COLUMN_ROLE_ENTITY,        /* Z_ENT */
  GODWIT_COLUMN_ROLE_OPT,           /* Z_OPT */
  GODWIT_COLUMN_ROLE_ATTRIBUTE,
  GODWIT_COLUMN_ROLE_TO_ONE,        /* Z_PK of the destination object */
  GODWIT_COLUMN_ROLE_TO_ONE_ENTITY, /* Z<n>_<REL>: Z_ENT of the destination object */
  GODWIT_COLUMN_ROLE_ORDER,         /* Z_FOK_<REL>: position in the inverse ordered to-many */
  GODWIT_COLUMN_ROLE_TO_MANY_OWNER, /* Z<n><REL>, in the destination's table: Z_PK of the object
                                     * whose to-many relationship without inverse holds the row */
} GodwitColumnRole;

typedef struct
{
  char             *name;
  const char       *declared_type;  /* "INTEGER", "FLOAT", "TIMESTAMP", "VARCHAR", "BLOB", … */
  GodwitColumnRole  role;
  GodwitEntity     *entity;         /* (unowned) entity declaring the property; NULL for Z_PK,
                                     * Z_ENT and Z_OPT */
  GodwitProperty   *property;       /* (unowned) (nullable) */
} GodwitColumn;

typedef struct
{
  char         *name;               /* ZPOST */
  GodwitEntity *root;               /* (unowned) */
  GPtrArray    *columns;            /* (element-type GodwitColumn) in Core Data's column order */
} GodwitTable;

typedef struct
{
  char           *name;                 /* Z_2USERS */
  GodwitEntity   *entity;               /* (unowned) the side that names the table … */
  GodwitProperty *relationship;         /* … and its to-many relationship */
  char           *column;               /* holds Z_PKs of @entity's objects */
  GodwitEntity   *inverse_entity;       /* (unowned) */
  GodwitProperty *inverse;              /* (unowned) (nullable) */
  char           *inverse_column;       /* holds Z_PKs of the destination objects */
  char           *order_column;         /* (nullable) Z_FOK_…: order in @relationship */
  char           *inverse_order_column; /* (nullable) order in @inverse */
} GodwitJoinTable;

typedef struct
{
  char     *name;
  char     *table;
  gboolean  unique;
  char     *sql;
} GodwitIndex;

#define GODWIT_TYPE_STORE_LAYOUT (godwit_store_layout_get_type ())

G_DECLARE_FINAL_TYPE (GodwitStoreLayout, godwit_store_layout, GODWIT, STORE_LAYOUT, GObject)

GodwitStoreLayout     *godwit_store_layout_new                    (GodwitModel        *model,
                                                                   gboolean            persistent_history,
                                                                   GError            **error);
GodwitModel           *godwit_store_layout_get_model              (GodwitStoreLayout  *self);
gboolean               godwit_store_layout_get_persistent_history (GodwitStoreLayout  *self);
guint                  godwit_store_layout_get_entity_number      (GodwitStoreLayout  *self,
                                                                   GodwitEntity       *entity);
GodwitEntity          *godwit_store_layout_get_entity_for_number  (GodwitStoreLayout  *self,
                                                                   guint               number);
GPtrArray             *godwit_store_layout_get_tables             (GodwitStoreLayout  *self);
const GodwitTable     *godwit_store_layout_get_table              (GodwitStoreLayout  *self,
                                                                   GodwitEntity       *entity);
const GodwitColumn    *godwit_store_layout_find_column            (GodwitStoreLayout  *self,
                                                                   GodwitEntity       *entity,
                                                                   const char         *property_name,
                                                                   GodwitColumnRole    role);
GPtrArray             *godwit_store_layout_get_join_tables        (GodwitStoreLayout  *self);
const GodwitJoinTable *godwit_store_layout_find_join_table        (GodwitStoreLayout  *self,
                                                                   GodwitEntity       *entity,
                                                                   const char         *relationship_name);
GPtrArray             *godwit_store_layout_get_indexes            (GodwitStoreLayout  *self);
guint                  godwit_store_layout_get_n_tombstones       (GodwitStoreLayout  *self);
char                 **godwit_store_layout_dup_schema_sql         (GodwitStoreLayout  *self);

G_END_DECLS
