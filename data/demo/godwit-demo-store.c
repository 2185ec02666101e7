/* godwit-demo-store.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Writes the demo garden store for one version of Garden.xcdatamodeld:
 * beds, gardeners, plants and trees, and in versions with a Note entity a
 * journal of notes. Every value comes from the fixed lists below or from a
 * fixed-seed GRand, so two runs differ only in the store's UUID. A version
 * without some attribute or entity simply gets none of it. */

#define G_LOG_DOMAIN "godwit-demo-store"

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <math.h>
#include <unistd.h>

#include "godwit-error.h"
#include "godwit-model-bundle.h"
#include "godwit-store-writer.h"

#define EXIT_USAGE 2
#define SEED       20230401

/* 2001-01-01T00:00:00Z, Core Data's reference date, as a Unix time. */
#define REFERENCE_DATE_UNIX G_GINT64_CONSTANT (978307200)

typedef enum
{
  BED_HERB_SPIRAL,
  BED_KITCHEN_GARDEN,
  BED_FRUIT_CAGE,
  BED_SUNNY_BORDER,
  BED_SHADE_BORDER,
  BED_ORCHARD,
  BED_WOODLAND,
  N_BEDS
} Bed;

static const struct {
  const char *name;
  gboolean    sunny;
} beds[N_BEDS] = {
  [BED_HERB_SPIRAL]    = { "Herb spiral", TRUE },
  [BED_KITCHEN_GARDEN] = { "Kitchen garden", TRUE },
  [BED_FRUIT_CAGE]     = { "Fruit cage", TRUE },
  [BED_SUNNY_BORDER]   = { "South border", TRUE },
  [BED_SHADE_BORDER]   = { "Shade border under the wall", FALSE },
  [BED_ORCHARD]        = { "Orchard", TRUE },
  [BED_WOODLAND]       = { "Woodland corner", FALSE },
};

static const char * const gardeners[] = {
  "Ada Okafor", "Bram de Vries", "Chiara Rossi", "Dev Patel", "Elif Yılmaz",
  "Finn O’Brien", "Greta Lindqvist", "Hiro Tanaka", "Inés García", "Jonas Weber",
};

typedef struct
{
  const char *common_name;
  const char *species;
  Bed         bed;
  double      max_height;  /* metres; 0 for a plant that is not a tree */
} PlantKind;

static const PlantKind plants[] = {
  { "Basil", "Ocimum basilicum", BED_HERB_SPIRAL, 0 },
  { "Rosemary", "Salvia rosmarinus", BED_HERB_SPIRAL, 0 },
  { "Thyme", "Thymus vulgaris", BED_HERB_SPIRAL, 0 },
  { "Sage", "Salvia officinalis", BED_HERB_SPIRAL, 0 },
  { "Chives", "Allium schoenoprasum", BED_HERB_SPIRAL, 0 },
  { "Spearmint", "Mentha spicata", BED_HERB_SPIRAL, 0 },
  { "Parsley", "Petroselinum crispum", BED_HERB_SPIRAL, 0 },
  { "Oregano", "Origanum vulgare", BED_HERB_SPIRAL, 0 },
  { "Lemon balm", "Melissa officinalis", BED_HERB_SPIRAL, 0 },
  { "Tomato ‘Gardener’s Delight’", "Solanum lycopersicum", BED_KITCHEN_GARDEN, 0 },
  { "Tomato ‘San Marzano’", "Solanum lycopersicum", BED_KITCHEN_GARDEN, 0 },
  { "Courgette", "Cucurbita pepo", BED_KITCHEN_GARDEN, 0 },
  { "Runner bean", "Phaseolus coccineus", BED_KITCHEN_GARDEN, 0 },
  { "Broad bean", "Vicia faba", BED_KITCHEN_GARDEN, 0 },
  { "Garlic", "Allium sativum", BED_KITCHEN_GARDEN, 0 },
  { "Red onion", "Allium cepa", BED_KITCHEN_GARDEN, 0 },
  { "Carrot ‘Nantes’", "Daucus carota", BED_KITCHEN_GARDEN, 0 },
  { "Beetroot", "Beta vulgaris", BED_KITCHEN_GARDEN, 0 },
  { "Rainbow chard", "Beta vulgaris subsp. vulgaris", BED_KITCHEN_GARDEN, 0 },
  { "Kale ‘Cavolo Nero’", "Brassica oleracea", BED_KITCHEN_GARDEN, 0 },
  { "Lettuce ‘Little Gem’", "Lactuca sativa", BED_KITCHEN_GARDEN, 0 },
  { "Rocket", "Eruca vesicaria", BED_KITCHEN_GARDEN, 0 },
  { "Pea ‘Kelvedon Wonder’", "Pisum sativum", BED_KITCHEN_GARDEN, 0 },
  { "Potato ‘Charlotte’", "Solanum tuberosum", BED_KITCHEN_GARDEN, 0 },
  { "Pumpkin", "Cucurbita maxima", BED_KITCHEN_GARDEN, 0 },
  { "Strawberry", "Fragaria × ananassa", BED_FRUIT_CAGE, 0 },
  { "Raspberry", "Rubus idaeus", BED_FRUIT_CAGE, 0 },
  { "Gooseberry", "Ribes uva-crispa", BED_FRUIT_CAGE, 0 },
  { "Blackcurrant", "Ribes nigrum", BED_FRUIT_CAGE, 0 },
  { "Blueberry", "Vaccinium corymbosum", BED_FRUIT_CAGE, 0 },
  { "Rhubarb", "Rheum × hybridum", BED_FRUIT_CAGE, 0 },
  { "Sunflower", "Helianthus annuus", BED_SUNNY_BORDER, 0 },
  { "Sweet pea", "Lathyrus odoratus", BED_SUNNY_BORDER, 0 },
  { "Nasturtium", "Tropaeolum majus", BED_SUNNY_BORDER, 0 },
  { "Pot marigold", "Calendula officinalis", BED_SUNNY_BORDER, 0 },
  { "Lavender", "Lavandula angustifolia", BED_SUNNY_BORDER, 0 },
  { "Coneflower", "Echinacea purpurea", BED_SUNNY_BORDER, 0 },
  { "Salvia ‘Caradonna’", "Salvia nemorosa", BED_SUNNY_BORDER, 0 },
  { "Cranesbill ‘Rozanne’", "Geranium wallichianum", BED_SUNNY_BORDER, 0 },
  { "Peony", "Paeonia lactiflora", BED_SUNNY_BORDER, 0 },
  { "Rose ‘Gertrude Jekyll’", "Rosa", BED_SUNNY_BORDER, 0 },
  { "Foxglove", "Digitalis purpurea", BED_SHADE_BORDER, 0 },
  { "Hosta", "Hosta sieboldiana", BED_SHADE_BORDER, 0 },
  { "Male fern", "Dryopteris filix-mas", BED_SHADE_BORDER, 0 },
  { "Bleeding heart", "Lamprocapnos spectabilis", BED_SHADE_BORDER, 0 },
  { "Lily of the valley", "Convallaria majalis", BED_SHADE_BORDER, 0 },
  { "Christmas rose", "Helleborus niger", BED_SHADE_BORDER, 0 },
  { "Wood anemone", "Anemone nemorosa", BED_WOODLAND, 0 },
  { "Bluebell", "Hyacinthoides non-scripta", BED_WOODLAND, 0 },
  { "Snowdrop", "Galanthus nivalis", BED_SHADE_BORDER, 0 },
  { "Apple ‘Bramley’", "Malus domestica", BED_ORCHARD, 4.5 },
  { "Pear ‘Conference’", "Pyrus communis", BED_ORCHARD, 4.0 },
  { "Plum ‘Victoria’", "Prunus domestica", BED_ORCHARD, 3.5 },
  { "Cherry ‘Stella’", "Prunus avium", BED_ORCHARD, 4.0 },
  { "Quince", "Cydonia oblonga", BED_ORCHARD, 3.0 },
  { "Medlar", "Mespilus germanica", BED_ORCHARD, 3.0 },
  { "Fig ‘Brown Turkey’", "Ficus carica", BED_FRUIT_CAGE, 2.5 },
  { "Silver birch", "Betula pendula", BED_WOODLAND, 8.0 },
  { "Rowan", "Sorbus aucuparia", BED_WOODLAND, 6.0 },
  { "Japanese maple", "Acer palmatum", BED_WOODLAND, 2.0 },
};

static const char * const notes[] = {
  "Mulched with leaf mould.",
  "Slugs again after the rain; put down wool pellets.",
  "First harvest, small but sweet.",
  "Moved from a pot, watered in well.",
  "Fed with comfrey tea every fortnight.",
  "Cut back hard after flowering.",
  "Netted against the blackbirds.",
  "Seed saved in the blue tin.",
  "Looked stressed in the heatwave; shade cloth up.",
  "Divided and shared with the neighbours.",
  "Staked before the autumn storms.",
  "Frost damage on the new growth, recovering.",
};

typedef struct
{
  GodwitStoreWriter *writer;
  GodwitModel       *model;
  GRand             *rand;
  gint64             bed_pks[N_BEDS];
  gint64             gardener_pks[G_N_ELEMENTS (gardeners)];
} Garden;

/* The attributes of one object to insert; those the version lacks are
 * dropped. */
typedef struct
{
  GodwitEntity *entity;
  GPtrArray    *names;   /* (element-type utf8) (unowned) */
  GPtrArray    *values;  /* (element-type GVariant) */
} Values;

static void
values_init (Values       *values,
             GodwitEntity *entity)
{
  values->entity = entity;
  values->names = g_ptr_array_new ();
  values->values = g_ptr_array_new_with_free_func ((GDestroyNotify) g_variant_unref);
}

static void
values_clear (Values *values)
{
  g_clear_pointer (&values->names, g_ptr_array_unref);
  g_clear_pointer (&values->values, g_ptr_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Values, values_clear)

static void
values_add (Values     *values,
            const char *name,
            GVariant   *value)
{
  GodwitProperty *property = godwit_entity_find_property (values->entity, name);
  g_autoptr(GVariant) sunk = g_variant_ref_sink (value);

  if (property != NULL && property->kind == GODWIT_PROPERTY_KIND_ATTRIBUTE)
    {
      g_ptr_array_add (values->names, (gpointer) name);
      g_ptr_array_add (values->values, g_steal_pointer (&sunk));
    }
}

static gint64
insert (Garden  *garden,
        Values  *values,
        GError **error)
{
  return godwit_store_writer_insert (garden->writer, values->entity->name,
                                     (const char * const *) values->names->pdata,
                                     (GVariant * const *) values->values->pdata,
                                     values->names->len, error);
}

static GodwitEntity *
require_entity (Garden      *garden,
                const char  *name,
                GError     **error)
{
  GodwitEntity *entity = godwit_model_get_entity (garden->model, name);

  if (entity == NULL)
    g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_UNKNOWN_ENTITY,
                 "%s: version “%s” has no entity “%s”: not a Garden model",
                 godwit_model_get_path (garden->model),
                 godwit_model_get_version_name (garden->model), name);

  return entity;
}

/* Seconds since 2001-01-01 of a random moment between 07:00 and 19:00 UTC
 * on a day from @first_day (days since 2001-01-01) on, within @n_days. */
static double
random_daytime (GRand  *rand,
                gint64  first_day,
                gint32  n_days)
{
  gint64 day = first_day + g_rand_int_range (rand, 0, n_days);
  gint64 minute = g_rand_int_range (rand, 7 * 60, 19 * 60);

  return (double) (day * 86400 + minute * 60);
}

static gint64
days_since_reference (int year,
                      int month,
                      int day)
{
  g_autoptr(GDateTime) date = g_date_time_new_utc (year, month, day, 0, 0, 0);

  return (g_date_time_to_unix (date) - REFERENCE_DATE_UNIX) / 86400;
}

static GVariant *
random_uuid (GRand *rand)
{
  guint8 bytes[16];

  for (guint i = 0; i < G_N_ELEMENTS (bytes); i++)
    bytes[i] = (guint8) g_rand_int_range (rand, 0, 256);
  /* RFC 4122 version 4, variant 1: a UUID like any Foundation makes. */
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;

  return g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, bytes, sizeof bytes, 1);
}

static gboolean
write_beds_and_gardeners (Garden  *garden,
                          GError **error)
{
  GodwitEntity *bed = require_entity (garden, "Bed", error);
  GodwitEntity *gardener;

  if (bed == NULL)
    return FALSE;
  gardener = require_entity (garden, "Gardener", error);
  if (gardener == NULL)
    return FALSE;

  for (guint i = 0; i < N_BEDS; i++)
    {
      g_auto(Values) values = { 0 };

      values_init (&values, bed);
      values_add (&values, "name", g_variant_new_string (beds[i].name));
      values_add (&values, "sunny", g_variant_new_boolean (beds[i].sunny));
      garden->bed_pks[i] = insert (garden, &values, error);
      if (garden->bed_pks[i] == 0)
        return FALSE;
    }

  for (guint i = 0; i < G_N_ELEMENTS (gardeners); i++)
    {
      g_auto(Values) values = { 0 };

      values_init (&values, gardener);
      values_add (&values, "identifier", random_uuid (garden->rand));
      values_add (&values, "name", g_variant_new_string (gardeners[i]));
      garden->gardener_pks[i] = insert (garden, &values, error);
      if (garden->gardener_pks[i] == 0)
        return FALSE;
    }

  return TRUE;
}

/* Versions with a Note entity keep a plant's notes as its journal, an
 * ordered to-many; older ones in the plant's notes attribute. */
static gboolean
write_journal (Garden        *garden,
               GodwitEntity  *note,
               const char    *plant_entity,
               gint64         plant_pk,
               double         planted,
               GError       **error)
{
  guint n_notes = g_rand_int_range (garden->rand, 0, 4);
  double written = planted;

  for (guint i = 0; i < n_notes; i++)
    {
      g_auto(Values) values = { 0 };
      gint64 pk;

      /* Days later, at another time of day. */
      written += 86400.0 * g_rand_int_range (garden->rand, 3, 120) +
                 60.0 * g_rand_int_range (garden->rand, -180, 180);
      values_init (&values, note);
      values_add (&values, "text",
                  g_variant_new_string (notes[g_rand_int_range (garden->rand, 0,
                                                                G_N_ELEMENTS (notes))]));
      values_add (&values, "written", g_variant_new_double (written));
      pk = insert (garden, &values, error);
      if (pk == 0 ||
          !godwit_store_writer_relate (garden->writer, plant_entity, plant_pk, "journal",
                                       note->name, pk, error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
write_plants (Garden  *garden,
              GError **error)
{
  GodwitEntity *plant = require_entity (garden, "Plant", error);
  GodwitEntity *tree;
  GodwitEntity *note = godwit_model_get_entity (garden->model, "Note");
  gint64 first_day = days_since_reference (2023, 1, 1);
  gint32 n_days = (gint32) (days_since_reference (2026, 1, 1) - first_day);
  const char *name_attribute;

  if (plant == NULL)
    return FALSE;
  tree = require_entity (garden, "Tree", error);
  if (tree == NULL)
    return FALSE;
  if (note != NULL && godwit_entity_find_property (plant, "journal") == NULL)
    note = NULL;

  /* Garden 2 renamed the first version's Plant.name to commonName. */
  name_attribute = godwit_entity_find_property (plant, "commonName") != NULL ? "commonName" : "name";

  for (guint i = 0; i < G_N_ELEMENTS (plants); i++)
    {
      const PlantKind *kind = &plants[i];
      GodwitEntity *entity = kind->max_height > 0 ? tree : plant;
      g_auto(Values) values = { 0 };
      double planted = random_daytime (garden->rand, first_day, n_days);
      guint n_gardeners = g_rand_int_range (garden->rand, 1, 4);
      guint first_gardener = g_rand_int_range (garden->rand, 0, G_N_ELEMENTS (gardeners));
      gint64 pk;

      values_init (&values, entity);
      values_add (&values, name_attribute, g_variant_new_string (kind->common_name));
      values_add (&values, "species", g_variant_new_string (kind->species));
      values_add (&values, "planted", g_variant_new_double (planted));
      if (note == NULL && g_rand_int_range (garden->rand, 0, 3) != 0)
        values_add (&values, "notes",
                    g_variant_new_string (notes[g_rand_int_range (garden->rand, 0,
                                                                  G_N_ELEMENTS (notes))]));
      if (kind->max_height > 0)
        {
          /* Metres to one decimal, as someone would measure it. */
          double height = kind->max_height * g_rand_double_range (garden->rand, 0.2, 1.0);

          values_add (&values, "height", g_variant_new_double (round (height * 10) / 10));
        }

      pk = insert (garden, &values, error);
      if (pk == 0)
        return FALSE;

      if (!godwit_store_writer_relate (garden->writer, entity->name, pk, "bed",
                                       "Bed", garden->bed_pks[kind->bed], error))
        return FALSE;

      /* Distinct gardeners: consecutive ones from a random start. */
      for (guint g = 0; g < n_gardeners; g++)
        {
          guint which = (first_gardener + g) % G_N_ELEMENTS (gardeners);

          if (!godwit_store_writer_relate (garden->writer, entity->name, pk, "gardeners",
                                           "Gardener", garden->gardener_pks[which], error))
            return FALSE;
        }

      if (note != NULL && !write_journal (garden, note, entity->name, pk, planted, error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
write_garden (GodwitStoreWriter  *writer,
              GodwitModel        *model,
              GError            **error)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (SEED);
  Garden garden = { writer, model, rand, { 0 }, { 0 } };

  /* On failure the writer removes what it wrote. */
  return godwit_store_writer_begin (writer, error) &&
         write_beds_and_gardeners (&garden, error) &&
         write_plants (&garden, error) &&
         godwit_store_writer_commit (writer, error);
}

/* Puts the complete store at @temporary in place of @output in one
 * rename. @output's -wal and -shm go first: SQLite would replay an old
 * -wal into the new file. */
static gboolean
replace_store (const char  *temporary,
               const char  *output,
               GError     **error)
{
  static const char * const companions[] = { "-wal", "-shm", "-journal" };

  for (guint i = 0; i < G_N_ELEMENTS (companions); i++)
    {
      g_autofree char *file = g_strconcat (output, companions[i], NULL);

      if (g_unlink (file) != 0 && errno != ENOENT)
        {
          int saved_errno = errno;

          g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_IO, "%s: cannot remove: %s",
                       file, g_strerror (saved_errno));
          return FALSE;
        }
    }

  if (g_rename (temporary, output) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_IO, "%s: cannot rename to %s: %s",
                   temporary, output, g_strerror (saved_errno));
      return FALSE;
    }

  return TRUE;
}

/* “Garden”, “Garden 2”, …: what VERSION may be. */
static char *
dup_version_list (GodwitModelBundle *bundle)
{
  g_autoptr(GString) list = g_string_new (NULL);

  for (guint i = 0; i < godwit_model_bundle_get_n_versions (bundle); i++)
    g_string_append_printf (list, "%s“%s”", i > 0 ? ", " : "",
                            godwit_model_get_version_name (godwit_model_bundle_get_version (bundle, i)));

  return g_string_free (g_steal_pointer (&list), FALSE);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GodwitModelBundle) bundle = NULL;
  g_autoptr(GodwitStoreWriter) writer = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *temporary = NULL;
  gboolean replace = FALSE;
  const GOptionEntry entries[] = {
    { "replace", 0, 0, G_OPTION_ARG_NONE, &replace,
      "Replace OUTPUT if it exists: write beside it, then rename", NULL },
    { NULL }
  };
  const char *output, *bundle_path, *version_name;
  GodwitModel *model;

  setlocale (LC_ALL, "");

  context = g_option_context_new ("OUTPUT.sqlite BUNDLE VERSION");
  g_option_context_set_summary (context,
                                "Write the demo garden store for version VERSION of the model "
                                "bundle BUNDLE\n(data/demo/Garden.xcdatamodeld). OUTPUT must not "
                                "exist unless --replace is given.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("godwit-demo-store: %s\n", error->message);
      return EXIT_USAGE;
    }
  if (argc != 4)
    {
      g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);

      g_printerr ("godwit-demo-store: expected 3 arguments, got %d\n\n%s", argc - 1, help);
      return EXIT_USAGE;
    }
  output = argv[1];
  bundle_path = argv[2];
  version_name = argv[3];

  bundle = godwit_model_bundle_new_for_path (bundle_path, &error);
  if (bundle == NULL)
    {
      g_printerr ("godwit-demo-store: %s\n", error->message);
      return EXIT_USAGE;
    }

  model = godwit_model_bundle_find_version (bundle, version_name);
  if (model == NULL)
    {
      g_autofree char *versions = dup_version_list (bundle);

      g_printerr ("godwit-demo-store: %s: no version named “%s” (it has %s)\n",
                  bundle_path, version_name, versions);
      return EXIT_USAGE;
    }

  /* The writer refuses an existing path: that is a usage error. */
  if (replace)
    temporary = g_strdup_printf ("%s.%d.tmp", output, (int) getpid ());
  writer = godwit_store_writer_new (model, replace ? temporary : output, &error);
  if (writer == NULL)
    {
      g_printerr ("godwit-demo-store: %s\n", error->message);
      return EXIT_USAGE;
    }

  if (!write_garden (writer, model, &error) ||
      (replace && !replace_store (temporary, output, &error)))
    {
      g_printerr ("godwit-demo-store: %s\n", error->message);
      /* Disposing the writer removes a half-written store; a complete one
       * left by a failed rename goes here. */
      g_clear_object (&writer);
      if (temporary != NULL)
        g_unlink (temporary);
      return EXIT_FAILURE;
    }

  return EXIT_SUCCESS;
}
