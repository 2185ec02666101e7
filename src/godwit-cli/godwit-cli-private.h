/* godwit-cli-private.h
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "godwit-json-private.h"
#include "godwit-migration.h"
#include "godwit-model-bundle.h"
#include "godwit-model-choice.h"
#include "godwit-store.h"
#include "godwit-store-backup.h"
#include "godwit-version-match.h"

G_BEGIN_DECLS

/* Exit statuses, as docs/cli.md documents them. */
typedef enum
{
  GODWIT_CLI_EXIT_OK       = 0,
  GODWIT_CLI_EXIT_MISMATCH = 1,
  GODWIT_CLI_EXIT_USAGE    = 2,
} GodwitCliExit;

/* Objects or transactions read by one query: each page is printed and
 * freed before the next one is read, so memory does not grow with the
 * store. */
#define GODWIT_CLI_PAGE_SIZE 1000
/* A page of objects ends early once its values take this much memory
 * (godwit_store_fetch_objects_sized()): a thousand large values would
 * take gigabytes. */
#define GODWIT_CLI_PAGE_BYTES (16 * 1024 * 1024)

typedef struct _GodwitCliCommand GodwitCliCommand;

struct _GodwitCliCommand
{
  const char *name;
  const char *parameters;  /* N_(): the positional arguments, e.g. "STORE [ENTITY]" */
  const char *summary;     /* N_() */
  guint       min_args;
  guint       max_args;
  int       (*run)         (const GodwitCliCommand  *command,
                            int                      argc,
                            char                   **argv);
};

/* A store opened for a command, with the model chosen for it. */
typedef struct
{
  GodwitStore       *store;
  GodwitModelBundle *bundle;         /* (nullable) --model */
  GodwitModelChoice *model_choice;
} GodwitCliStore;

/* What plan, migrate and validate take. */
typedef struct
{
  char     *bundle_path;
  char     *target_version;
  char     *plan_path;
  GStrv     mapping_paths;
  gboolean  json;
} GodwitCliMigrationOptions;

#define GODWIT_CLI_MIGRATION_OPTION_ENTRIES(options) \
  { "model", 0, 0, G_OPTION_ARG_FILENAME, &(options).bundle_path, \
    N_("The model bundle whose versions the store migrates through (required)"), N_("BUNDLE") }, \
  { "to", 0, 0, G_OPTION_ARG_STRING, &(options).target_version, \
    N_("The version to reach; the bundle’s current version by default"), N_("VERSION") }, \
  { "plan", 0, 0, G_OPTION_ARG_FILENAME, &(options).plan_path, \
    N_("A Godwit migration plan (.godwit-plan.json): version order and custom stages"), N_("FILE") }, \
  { "mapping", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &(options).mapping_paths, \
    N_("An Xcode mapping model for one step (repeatable)"), N_("XCMAPPINGMODEL") }, \
  { "json", 0, 0, G_OPTION_ARG_NONE, &(options).json, N_("Write JSON (see docs/cli.md)"), NULL }

/* The files GodwitCliMigrationOptions name, read. */
typedef struct
{
  GodwitModelBundle   *bundle;
  GodwitMigrationPlan *plan;            /* (nullable) */
  GPtrArray           *mapping_models;  /* (element-type GodwitMappingModel) */
} GodwitCliMigrationInputs;

/* godwit-cli.c */
int              _godwit_cli_fail                  (const GError            *error);
gboolean         _godwit_cli_parse                 (const GodwitCliCommand  *command,
                                                    const GOptionEntry      *entries,
                                                    int                     *argc,
                                                    char                  ***argv,
                                                    GError                 **error);
gboolean         _godwit_cli_parse_number          (const char              *option,
                                                    const char              *text,
                                                    gint64                   minimum,
                                                    gint64                  *value,
                                                    GError                 **error);
gboolean         _godwit_cli_parse_paging          (const char              *limit_text,
                                                    const char              *after_text,
                                                    gint64                  *limit,
                                                    gint64                  *after_pk,
                                                    GError                 **error);
guint            _godwit_cli_next_page_size        (gint64                   limit,
                                                    gint64                   printed);

/* godwit-cli-store.c */
GodwitCliStore  *_godwit_cli_store_open            (const char              *path,
                                                    const char              *bundle_path,
                                                    GError                 **error);
gboolean         _godwit_cli_store_require_match   (GodwitCliStore          *cli_store,
                                                    GError                 **error);
void             _godwit_cli_store_free            (GodwitCliStore          *cli_store);

/* godwit-cli-migration-options.c */
void                      _godwit_cli_migration_options_clear    (GodwitCliMigrationOptions        *options);
void                      _godwit_cli_migration_options_add_json (const GodwitCliMigrationOptions  *options,
                                                                  JsonBuilder                      *builder);
GodwitCliMigrationInputs *_godwit_cli_migration_inputs_load      (const GodwitCliMigrationOptions  *options,
                                                                  const char                       *store_path,
                                                                  GError                          **error);
void                      _godwit_cli_migration_inputs_free      (GodwitCliMigrationInputs         *inputs);

/* The commands, one file each */
int              _godwit_cli_model                 (const GodwitCliCommand  *command,
                                                    int                      argc,
                                                    char                   **argv);
int              _godwit_cli_inspect               (const GodwitCliCommand  *command,
                                                    int                      argc,
                                                    char                   **argv);
int              _godwit_cli_dump                  (const GodwitCliCommand  *command,
                                                    int                      argc,
                                                    char                   **argv);
int              _godwit_cli_history               (const GodwitCliCommand  *command,
                                                    int                      argc,
                                                    char                   **argv);
int              _godwit_cli_plan                  (const GodwitCliCommand  *command,
                                                    int                      argc,
                                                    char                   **argv);
int              _godwit_cli_migrate               (const GodwitCliCommand  *command,
                                                    int                      argc,
                                                    char                   **argv);
int              _godwit_cli_rollback              (const GodwitCliCommand  *command,
                                                    int                      argc,
                                                    char                   **argv);
int              _godwit_cli_backups               (const GodwitCliCommand  *command,
                                                    int                      argc,
                                                    char                   **argv);
int              _godwit_cli_validate              (const GodwitCliCommand  *command,
                                                    int                      argc,
                                                    char                   **argv);
int              _godwit_cli_sync                  (const GodwitCliCommand  *command,
                                                    int                      argc,
                                                    char                   **argv);

/* godwit-cli-json.c: output shared by the commands */
typedef struct _GodwitCliTable GodwitCliTable;

GodwitCliTable  *_godwit_cli_table_new             (guint                    n_columns);
void             _godwit_cli_table_set_headers     (GodwitCliTable          *table,
                                                    ...) G_GNUC_NULL_TERMINATED;
void             _godwit_cli_table_align_right     (GodwitCliTable          *table,
                                                    guint                    column);
void             _godwit_cli_table_add_row         (GodwitCliTable          *table,
                                                    ...);
void             _godwit_cli_table_print           (GodwitCliTable          *table,
                                                    guint                    indent);
void             _godwit_cli_table_free            (GodwitCliTable          *table);

void             _godwit_cli_print_heading         (const char              *heading);
char            *_godwit_cli_dup_short_hash        (const char              *hex);
const char      *_godwit_cli_model_source_to_string (GodwitModelChoiceSource source);
void             _godwit_cli_add_entity            (JsonBuilder             *builder,
                                                    const char              *name,
                                                    const char              *parent_name,
                                                    gboolean                 abstract,
                                                    const char              *version_hash_hex);
void             _godwit_cli_add_differences       (JsonBuilder             *builder,
                                                    GPtrArray               *differences);
void             _godwit_cli_print_differences     (GPtrArray               *differences);
void             _godwit_cli_add_backup            (JsonBuilder             *builder,
                                                    const GodwitStoreBackup *backup);
void             _godwit_cli_add_backup_row        (GodwitCliTable          *table,
                                                    const GodwitStoreBackup *backup);
JsonGenerator   *_godwit_cli_json_generator_new    (gboolean                 pretty);
void             _godwit_cli_write_json            (JsonGenerator           *generator,
                                                    JsonNode                *root);
gboolean         _godwit_cli_flush_output          (GError                 **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GodwitCliTable, _godwit_cli_table_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GodwitCliStore, _godwit_cli_store_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GodwitCliMigrationInputs, _godwit_cli_migration_inputs_free)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (GodwitCliMigrationOptions, _godwit_cli_migration_options_clear)

G_END_DECLS
