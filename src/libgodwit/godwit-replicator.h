/* godwit-replicator.h
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "godwit-sync.h"
#include "godwit-sync-document.h"

G_BEGIN_DECLS

/* CouchDB's replicator defaults: retries_per_request 5, the first after
 * 0.25 s, each next one twice as late. */
#define GODWIT_REPLICATOR_DEFAULT_RETRIES     5
#define GODWIT_REPLICATOR_DEFAULT_RETRY_DELAY 250

#define GODWIT_TYPE_REPLICATOR (godwit_replicator_get_type ())

G_DECLARE_FINAL_TYPE (GodwitReplicator, godwit_replicator, GODWIT, REPLICATOR, GObject)

typedef struct _GodwitReplicatorRequest GodwitReplicatorRequest;

typedef gboolean (*GodwitReplicatorWaitFunc) (gpointer user_data);

char             *godwit_replicator_dup_endpoint        (const char     *endpoint,
                                                         GError        **error);
GodwitReplicator *godwit_replicator_new                 (const char     *endpoint,
                                                         const char     *database,
                                                         GError        **error);
void              godwit_replicator_set_credentials     (GodwitReplicator *self,
                                                         const char     *user,
                                                         const char     *password);
void              godwit_replicator_set_authentication  (GodwitReplicator *self,
                                                         GodwitSyncAuthentication authentication);
void              godwit_replicator_set_ca_database     (GodwitReplicator *self,
                                                         GTlsDatabase   *database);
void              godwit_replicator_set_retries         (GodwitReplicator *self,
                                                         guint           retries,
                                                         guint           first_delay_ms);
void              godwit_replicator_set_wait_func       (GodwitReplicator *self,
                                                         GodwitReplicatorWaitFunc func,
                                                         gpointer        user_data);
const char       *godwit_replicator_get_url             (GodwitReplicator *self);
const char       *godwit_replicator_get_endpoint        (GodwitReplicator *self);
const char       *godwit_replicator_get_database        (GodwitReplicator *self);
guint             godwit_replicator_get_n_requests      (GodwitReplicator *self);

gboolean          godwit_replicator_check_database      (GodwitReplicator *self,
                                                         gboolean        create,
                                                         GCancellable   *cancellable,
                                                         GError        **error);
JsonObject       *godwit_replicator_get_info            (GodwitReplicator *self,
                                                         GCancellable   *cancellable,
                                                         GError        **error);
JsonObject       *godwit_replicator_get_local           (GodwitReplicator *self,
                                                         const char     *id,
                                                         GCancellable   *cancellable,
                                                         GError        **error);
gboolean          godwit_replicator_put_local           (GodwitReplicator *self,
                                                         const char     *id,
                                                         JsonObject     *document,
                                                         const char     *rev,
                                                         char          **new_rev,
                                                         GCancellable   *cancellable,
                                                         GError        **error);
JsonObject       *godwit_replicator_get_changes         (GodwitReplicator *self,
                                                         JsonNode       *since,
                                                         guint           limit,
                                                         GCancellable   *cancellable,
                                                         GError        **error);
GodwitReplicatorRequest *
                  godwit_replicator_begin_revs_diff     (GodwitReplicator *self,
                                                         JsonObject     *revisions,
                                                         GCancellable   *cancellable,
                                                         GError        **error);
JsonObject       *godwit_replicator_end_revs_diff       (GodwitReplicator *self,
                                                         GodwitReplicatorRequest *request,
                                                         GError        **error);
GPtrArray        *godwit_replicator_fetch_revisions     (GodwitReplicator *self,
                                                         JsonObject     *revisions,
                                                         GCancellable   *cancellable,
                                                         GError        **error);
GodwitReplicatorRequest *
                  godwit_replicator_begin_bulk_docs     (GodwitReplicator *self,
                                                         GPtrArray      *documents,
                                                         GCancellable   *cancellable,
                                                         GError        **error);
GPtrArray        *godwit_replicator_end_bulk_docs       (GodwitReplicator *self,
                                                         GodwitReplicatorRequest *request,
                                                         GError        **error);
void              godwit_replicator_request_free        (GodwitReplicatorRequest *request);
gboolean          godwit_replicator_ensure_full_commit  (GodwitReplicator *self,
                                                         GCancellable   *cancellable,
                                                         GError        **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GodwitReplicatorRequest, godwit_replicator_request_free)

G_END_DECLS
