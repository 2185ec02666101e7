/* godwit-bench-store.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Writes a store of N objects in the first version of the benchmark's
 * model (bench/Bench.xcdatamodeld/Bench.xcdatamodel), the input of both
 * parts of bench/run: 10 % authors (every other one a Writer, the
 * sub-entity), 50 % books, 30 % chapters and the rest tags. Every book has
 * an author (a to-one whose destination has a sub-entity, so the
 * Z<n>_AUTHOR column is filled) and two tags (a many-to-many: N join rows
 * in all); every fifth book has three chapters (an ordered to-many).
 * Objects are written as they are made, in the writer's one transaction:
 * memory stays the same for any N. Values come from a fixed-seed GRand. */

#define G_LOG_DOMAIN "godwit-bench-store"

#include "config.h"

#include <locale.h>

#include "godwit-error.h"
#include "godwit-model-bundle.h"
#include "godwit-store-writer.h"

#define EXIT_USAGE           2
#define SEED                 1000000
#define MIN_OBJECTS          10
#define MAX_OBJECTS          G_GINT64_CONSTANT (1000000000)
#define CHAPTERS_PER_BOOK    3
#define BOOKS_PER_CHAPTERED  5    /* every fifth book has chapters */

/* 1950-01-01 and 2025-01-01 in seconds since 2001-01-01. */
#define EARLIEST_DATE (-1609459200.0)
#define LATEST_DATE    757382400.0

static const char * const words[] = {
  "river", "winter", "glass", "orchard", "signal", "harbour", "lantern", "atlas",
  "ember", "meadow", "cipher", "tide", "copper", "willow", "north", "echo",
};

typedef struct
{
  GodwitStoreWriter *writer;
  GRand             *rand;
  gint64             n_authors;
  gint64             n_books;
  gint64             n_chapters;
  gint64             n_tags;
} Bench;

static GVariant *
random_date (GRand *rand)
{
  /* Whole seconds, as most stored dates are. */
  return g_variant_new_double ((double) (gint64) g_rand_double_range (rand, EARLIEST_DATE,
                                                                      LATEST_DATE));
}

static GVariant *
random_title (GRand *rand,
              gint64 number)
{
  return g_variant_new_take_string (g_strdup_printf ("The %s of %s %" G_GINT64_FORMAT,
                                                 words[g_rand_int_range (rand, 0, G_N_ELEMENTS (words))],
                                                 words[g_rand_int_range (rand, 0, G_N_ELEMENTS (words))],
                                                 number));
}

static GVariant *
random_uuid (GRand *rand)
{
  guint32 words32[4];
  guint8 *bytes = (guint8 *) words32;

  for (guint i = 0; i < G_N_ELEMENTS (words32); i++)
    words32[i] = g_rand_int (rand);
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;

  return g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, bytes, sizeof words32, 1);
}

/* Authors get Z_PK 1, 2, … in order, Authors at odd ones and Writers at
 * even ones (they share one table and one Z_PK sequence). */
static const char *
author_entity (gint64 index)
{
  return index % 2 == 0 ? "Author" : "Writer";
}

static gboolean
check_pk (const char  *entity,
          gint64       pk,
          gint64       expected,
          GError     **error)
{
  if (pk == expected)
    return TRUE;

  g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_IO,
               "the writer gave a %s Z_PK %" G_GINT64_FORMAT " where %" G_GINT64_FORMAT
               " was expected: the benchmark relates objects by position", entity, pk, expected);
  return FALSE;
}

static gboolean
write_authors (Bench   *bench,
               GError **error)
{
  for (gint64 i = 0; i < bench->n_authors; i++)
    {
      g_autofree char *name = g_strdup_printf ("%s %" G_GINT64_FORMAT,
                                               words[i % G_N_ELEMENTS (words)], i + 1);
      const char * const names[] = { "name", "born", "identifier", "active", "penName", "awards" };
      GVariant *values[G_N_ELEMENTS (names)];
      const char *entity = author_entity (i);
      gboolean writer = g_str_equal (entity, "Writer");
      gint64 pk;

      values[0] = g_variant_new_string (name);
      values[1] = random_date (bench->rand);
      values[2] = random_uuid (bench->rand);
      values[3] = g_variant_new_boolean (g_rand_int_range (bench->rand, 0, 10) != 0);
      values[4] = writer ? random_title (bench->rand, i + 1) : NULL;
      values[5] = writer ? g_variant_new_int64 (g_rand_int_range (bench->rand, 0, 12)) : NULL;

      pk = godwit_store_writer_insert (bench->writer, entity, names, values,
                                       writer ? 6 : 4, error);
      if (pk == 0 || !check_pk (entity, pk, i + 1, error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
write_tags (Bench   *bench,
            GError **error)
{
  for (gint64 i = 0; i < bench->n_tags; i++)
    {
      const char * const names[] = { "name", "created" };
      GVariant *values[G_N_ELEMENTS (names)];
      gint64 pk;

      values[0] = g_variant_new_take_string (g_strdup_printf ("%s-%" G_GINT64_FORMAT,
                                                          words[i % G_N_ELEMENTS (words)], i + 1));
      values[1] = random_date (bench->rand);

      pk = godwit_store_writer_insert (bench->writer, "Tag", names, values, G_N_ELEMENTS (names),
                                       error);
      if (pk == 0 || !check_pk ("Tag", pk, i + 1, error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
write_books (Bench   *bench,
             GError **error)
{
  for (gint64 i = 0; i < bench->n_books; i++)
    {
      const char * const names[] = { "title", "published", "pages", "price", "inPrint", "isbn" };
      GVariant *values[G_N_ELEMENTS (names)];
      gint64 author = i % bench->n_authors;
      gint64 tag = (i * 7) % bench->n_tags;
      gint64 other_tag = (tag + 1 + i % 5) % bench->n_tags;
      gint64 pk;

      values[0] = random_title (bench->rand, i + 1);
      values[1] = random_date (bench->rand);
      values[2] = g_variant_new_int64 (g_rand_int_range (bench->rand, 48, 1200));
      values[3] = g_variant_new_double (g_rand_int_range (bench->rand, 499, 4999) / 100.0);
      values[4] = g_variant_new_boolean (g_rand_boolean (bench->rand));
      values[5] = g_variant_new_int64 (G_GINT64_CONSTANT (9780000000000) + i);

      pk = godwit_store_writer_insert (bench->writer, "Book", names, values, G_N_ELEMENTS (names),
                                       error);
      if (pk == 0 || !check_pk ("Book", pk, i + 1, error))
        return FALSE;

      if (!godwit_store_writer_relate (bench->writer, "Book", pk, "author",
                                       author_entity (author), author + 1, error) ||
          !godwit_store_writer_relate (bench->writer, "Book", pk, "tags", "Tag", tag + 1, error) ||
          (other_tag != tag &&
           !godwit_store_writer_relate (bench->writer, "Book", pk, "tags", "Tag", other_tag + 1,
                                        error)))
        return FALSE;
    }

  return TRUE;
}

static gboolean
write_chapters (Bench   *bench,
                GError **error)
{
  for (gint64 i = 0; i < bench->n_chapters; i++)
    {
      const char * const names[] = { "number", "title", "words" };
      GVariant *values[G_N_ELEMENTS (names)];
      gint64 book = (i / CHAPTERS_PER_BOOK) * BOOKS_PER_CHAPTERED % bench->n_books;
      gint64 pk;

      values[0] = g_variant_new_int64 (i % CHAPTERS_PER_BOOK + 1);
      values[1] = random_title (bench->rand, i % CHAPTERS_PER_BOOK + 1);
      values[2] = g_variant_new_int64 (g_rand_int_range (bench->rand, 800, 12000));

      pk = godwit_store_writer_insert (bench->writer, "Chapter", names, values,
                                       G_N_ELEMENTS (names), error);
      if (pk == 0 || !check_pk ("Chapter", pk, i + 1, error))
        return FALSE;

      /* Consecutive chapters of one book: the writer finds the next
       * position of an ordered relationship without a query. */
      if (!godwit_store_writer_relate (bench->writer, "Chapter", pk, "book", "Book", book + 1,
                                       error))
        return FALSE;
    }

  return TRUE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GodwitModelBundle) bundle = NULL;
  g_autoptr(GodwitStoreWriter) writer = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (SEED);
  g_autoptr(GError) error = NULL;
  g_autoptr(GTimer) timer = g_timer_new ();
  Bench bench = { 0 };
  gint64 n;

  setlocale (LC_ALL, "");

  if (argc != 3)
    {
      g_printerr ("Usage: godwit-bench-store OUTPUT.sqlite N\n"
                  "Write a store of N objects (%d to %" G_GINT64_FORMAT ") for %s.\n",
                  MIN_OBJECTS, MAX_OBJECTS, GODWIT_BENCH_MODEL);
      return EXIT_USAGE;
    }
  if (!g_ascii_string_to_signed (argv[2], 10, MIN_OBJECTS, MAX_OBJECTS, &n, &error))
    {
      g_printerr ("godwit-bench-store: N: %s\n", error->message);
      return EXIT_USAGE;
    }

  bundle = godwit_model_bundle_new_for_path (GODWIT_BENCH_MODEL, &error);
  if (bundle == NULL)
    {
      g_printerr ("godwit-bench-store: %s\n", error->message);
      return EXIT_FAILURE;
    }

  writer = godwit_store_writer_new (godwit_model_bundle_get_current_version (bundle), argv[1],
                                    &error);
  if (writer == NULL)
    {
      g_printerr ("godwit-bench-store: %s\n", error->message);
      return EXIT_USAGE;
    }

  bench.writer = writer;
  bench.rand = rand;
  bench.n_authors = n / 10;
  bench.n_books = n / 2;
  bench.n_chapters = n * 3 / 10;
  bench.n_tags = n - bench.n_authors - bench.n_books - bench.n_chapters;

  /* On failure the writer removes what it wrote. */
  if (!godwit_store_writer_begin (writer, &error) ||
      !write_authors (&bench, &error) ||
      !write_tags (&bench, &error) ||
      !write_books (&bench, &error) ||
      !write_chapters (&bench, &error) ||
      !godwit_store_writer_commit (writer, &error))
    {
      g_printerr ("godwit-bench-store: %s\n", error->message);
      return EXIT_FAILURE;
    }

  g_print ("%s: %" G_GINT64_FORMAT " objects (%" G_GINT64_FORMAT " authors, %" G_GINT64_FORMAT
           " books, %" G_GINT64_FORMAT " chapters, %" G_GINT64_FORMAT " tags) in %.1f s\n",
           argv[1], n, bench.n_authors, bench.n_books, bench.n_chapters, bench.n_tags,
           g_timer_elapsed (timer, NULL));

  return EXIT_SUCCESS;
}
