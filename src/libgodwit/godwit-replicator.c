/* godwit-replicator.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The HTTP side of the CouchDB replication protocol, for one database of
 * a server: peer checks, _local checkpoints, _changes, _revs_diff,
 * _bulk_get (or open_revs where a server lacks it) and _bulk_docs. One
 * SoupSession keeps its connections alive between requests. Transient
 * failures (the connection, 5xx, 408, 429) are retried with exponential
 * back-off; 401 and 403 never are. Credentials go as HTTP Basic on every
 * request, or as the AuthSession cookie of a POST /_session, logged in
 * again once when a request meets a 401 (the cookie expired). HTTPS
 * certificates are verified against the system's authorities, and those
 * of a CA file when one is given. Messages name the database's URL, never
 * the password.
 *
 * Calls block: the sync runs them in a worker thread. Underneath, every
 * request is sent with libsoup's asynchronous API on a main context of
 * the replicator's own, which a blocking call iterates until its answer
 * is read. So a request begun earlier (godwit_replicator_begin_revs_diff(),
 * godwit_replicator_begin_bulk_docs()) goes on while other requests run,
 * on a second kept-alive connection: the server works on one batch while
 * the next one is being prepared.
 */

#define G_LOG_DOMAIN "godwit-replicator"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "godwit-error.h"
#include "godwit-json-private.h"
#include "godwit-replicator.h"
#include "godwit-sync-keyring.h"

/* No answer is read past this: a _bulk_get of a batch of documents with
 * binary attributes stays well below it. */
#define MAX_RESPONSE_SIZE (256 * 1024 * 1024)
#define MAX_RESPONSE_DEPTH 32
#define READ_CHUNK (64 * 1024)
/* Seconds without progress before a request fails (and is retried). */
#define REQUEST_TIMEOUT 120

/* Whether the server must be asked to make writes durable. */
typedef enum
{
  FULL_COMMIT_UNKNOWN,
  FULL_COMMIT_NEEDED,
  FULL_COMMIT_NOT_NEEDED,
} FullCommit;

struct _GodwitReplicator
{
  GObject                   parent_instance;

  SoupSession              *session;
  char                     *endpoint;        /* without credentials or trailing slash */
  char                     *database;
  char                     *url;             /* endpoint/database, escaped */
  GodwitSyncAuthentication  authentication;
  char                     *user;            /* (nullable) */
  char                     *password;        /* (nullable) */
  char                     *authorization;   /* (nullable) the Basic header */
  char                     *cookie;          /* (nullable) "AuthSession=…" once logged in */
  GTlsDatabase             *ca_database;     /* (nullable) trusted besides the system's */
  guint                     retries;
  guint                     first_delay_ms;
  gboolean                  no_bulk_get;     /* the server answered that it has no _bulk_get */
  FullCommit                full_commit;
  guint                     n_requests;
  GMainContext             *context;         /* where requests are sent and answers read */
  GodwitReplicatorWaitFunc  wait_func;       /* (nullable) the caller's work while the server works */
  gpointer                  wait_data;
};

/* One HTTP request and its answer, read whole, as the main context goes. */
typedef struct
{
  gatomicrefcount  ref_count;
  SoupMessage     *message;
  GCancellable    *cancellable;       /* its own: cancelled with the caller's, or when abandoned */
  GCancellable    *caller_cancellable;
  gulong           cancelled_id;
  char            *url;
  GInputStream    *stream;
  GByteArray      *data;
  guint8          *chunk;
  GError          *error;
  gboolean         written;           /* the request is sent whole (or failed) */
  gboolean         done;
} Exchange;

/* A request begun with godwit_replicator_begin_revs_diff() or
 * godwit_replicator_begin_bulk_docs(). */
struct _GodwitReplicatorRequest
{
  GodwitReplicator *replicator;
  char             *path;
  GBytes           *body;
  GCancellable     *cancellable;
  Exchange         *exchange;        /* (nullable) once its answer is taken */
};

G_DEFINE_FINAL_TYPE (GodwitReplicator, godwit_replicator, G_TYPE_OBJECT)

static void
clear_secret_text (char *text)
{
  godwit_sync_clear_password (&text);
}

static void
godwit_replicator_finalize (GObject *object)
{
  GodwitReplicator *self = (GodwitReplicator *) object;

  g_clear_object (&self->session);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_pointer (&self->endpoint, g_free);
  g_clear_pointer (&self->database, g_free);
  g_clear_pointer (&self->url, g_free);
  g_clear_pointer (&self->user, g_free);
  godwit_sync_clear_password (&self->password);
  godwit_sync_clear_password (&self->authorization);
  godwit_sync_clear_password (&self->cookie);
  g_clear_object (&self->ca_database);

  G_OBJECT_CLASS (godwit_replicator_parent_class)->finalize (object);
}

static void
godwit_replicator_class_init (GodwitReplicatorClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = godwit_replicator_finalize;
}

static void
godwit_replicator_init (GodwitReplicator *self)
{
  self->retries = GODWIT_REPLICATOR_DEFAULT_RETRIES;
  self->first_delay_ms = GODWIT_REPLICATOR_DEFAULT_RETRY_DELAY;
}

/**
 * godwit_replicator_dup_endpoint:
 * @endpoint: a server's URL, http or https
 *
 * The form every message, checkpoint and keyring item names a server by:
 * without credentials, query or trailing slash.
 *
 * Returns: (transfer full): the URL, or %NULL with %GODWIT_ERROR_SERVER
 *   when @endpoint is not an http or https URL
 */
char *
godwit_replicator_dup_endpoint (const char  *endpoint,
                                GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GUri) plain = NULL;
  char *text;
  const char *scheme;

  g_return_val_if_fail (endpoint != NULL, NULL);

  uri = g_uri_parse (endpoint, G_URI_FLAGS_ENCODED, NULL);
  scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;
  if (uri == NULL || (g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0) ||
      g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0' ||
      g_uri_get_query (uri) != NULL || g_uri_get_fragment (uri) != NULL)
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_SERVER,
                   _("“%s” is not a server URL (http:// or https://, without a query)"), endpoint);
      return NULL;
    }

  /* Credentials never go into the URL that messages show. */
  plain = g_uri_build (G_URI_FLAGS_ENCODED, g_uri_get_scheme (uri), NULL, g_uri_get_host (uri),
                       g_uri_get_port (uri), g_uri_get_path (uri), NULL, NULL);
  text = g_uri_to_string (plain);
  while (g_str_has_suffix (text, "/"))
    text[strlen (text) - 1] = '\0';

  return text;
}

/**
 * godwit_replicator_new:
 * @endpoint: the server's URL, http or https, e.g. "https://db.example.com:6984"
 * @database: the database's name
 *
 * Nothing is sent yet. Credentials in @endpoint are not used: see
 * godwit_replicator_set_credentials().
 *
 * Returns: (transfer full): the replicator, or %NULL with
 *   %GODWIT_ERROR_SERVER when @endpoint is not an http or https URL or
 *   @database is empty
 */
GodwitReplicator *
godwit_replicator_new (const char  *endpoint,
                       const char  *database,
                       GError     **error)
{
  g_autoptr(GodwitReplicator) self = NULL;
  g_autofree char *text = NULL;
  g_autofree char *escaped = NULL;

  g_return_val_if_fail (endpoint != NULL, NULL);
  g_return_val_if_fail (database != NULL, NULL);

  text = godwit_replicator_dup_endpoint (endpoint, error);
  if (text == NULL)
    return NULL;
  if (*database == '\0')
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_SERVER, _("%s: the database name is empty"), endpoint);
      return NULL;
    }

  self = g_object_new (GODWIT_TYPE_REPLICATOR, NULL);
  self->endpoint = g_steal_pointer (&text);
  self->database = g_strdup (database);
  escaped = g_uri_escape_string (database, NULL, FALSE);
  self->url = g_strconcat (self->endpoint, "/", escaped, NULL);
  /* The session belongs to the context its requests run on. */
  self->context = g_main_context_new ();
  g_main_context_push_thread_default (self->context);
  self->session = soup_session_new_with_options ("timeout", REQUEST_TIMEOUT,
                                                 "idle-timeout", REQUEST_TIMEOUT,
                                                 "user-agent", "Godwit/" PACKAGE_VERSION,
                                                 NULL);
  g_main_context_pop_thread_default (self->context);

  return g_steal_pointer (&self);
}

/**
 * godwit_replicator_set_credentials:
 * @user: (nullable): the user name; %NULL for none
 * @password: (nullable): the password
 *
 * Requests then carry them, as godwit_replicator_set_authentication()
 * says: HTTP Basic by default.
 */
void
godwit_replicator_set_credentials (GodwitReplicator *self,
                                   const char       *user,
                                   const char       *password)
{
  g_autofree char *pair = NULL;
  g_autofree char *encoded = NULL;

  g_return_if_fail (GODWIT_IS_REPLICATOR (self));

  g_clear_pointer (&self->user, g_free);
  godwit_sync_clear_password (&self->password);
  godwit_sync_clear_password (&self->authorization);
  godwit_sync_clear_password (&self->cookie);
  if (user == NULL)
    return;

  self->user = g_strdup (user);
  self->password = g_strdup (password != NULL ? password : "");
  pair = g_strconcat (user, ":", self->password, NULL);
  encoded = g_base64_encode ((const guchar *) pair, strlen (pair));
  self->authorization = g_strconcat ("Basic ", encoded, NULL);
  memset (pair, 0, strlen (pair));
  memset (encoded, 0, strlen (encoded));
}

/**
 * godwit_replicator_set_authentication:
 *
 * How the credentials are sent: HTTP Basic on every request (the
 * default), or a cookie session, logged in with POST /_session before the
 * first request and again, once, when a request meets a 401.
 */
void
godwit_replicator_set_authentication (GodwitReplicator         *self,
                                      GodwitSyncAuthentication  authentication)
{
  g_return_if_fail (GODWIT_IS_REPLICATOR (self));

  self->authentication = authentication;
  godwit_sync_clear_password (&self->cookie);
}

/**
 * godwit_replicator_set_ca_database:
 * @database: (nullable): authorities trusted besides the system's; %NULL
 *   for the system's only
 */
void
godwit_replicator_set_ca_database (GodwitReplicator *self,
                                   GTlsDatabase     *database)
{
  g_return_if_fail (GODWIT_IS_REPLICATOR (self));
  g_return_if_fail (database == NULL || G_IS_TLS_DATABASE (database));

  g_set_object (&self->ca_database, database);
}

/**
 * godwit_replicator_set_retries:
 * @retries: how many times a transient failure is retried
 * @first_delay_ms: the wait before the first retry; each next waits twice
 *   as long
 */
void
godwit_replicator_set_retries (GodwitReplicator *self,
                               guint             retries,
                               guint             first_delay_ms)
{
  g_return_if_fail (GODWIT_IS_REPLICATOR (self));

  self->retries = retries;
  self->first_delay_ms = first_delay_ms;
}

/**
 * godwit_replicator_set_wait_func:
 * @func: (nullable): called whenever the replicator waits for the server
 *   and nothing is ready; returns whether it has more to do
 *
 * Lets the caller's own work go on while the server answers: the
 * replicator runs in the caller's thread, so it would otherwise sit
 * idle. Each call should be short: answers are read between calls.
 */
void
godwit_replicator_set_wait_func (GodwitReplicator         *self,
                                 GodwitReplicatorWaitFunc  func,
                                 gpointer                  user_data)
{
  g_return_if_fail (GODWIT_IS_REPLICATOR (self));

  self->wait_func = func;
  self->wait_data = user_data;
}

/* The database's URL, without credentials. */
const char *
godwit_replicator_get_url (GodwitReplicator *self)
{
  g_return_val_if_fail (GODWIT_IS_REPLICATOR (self), NULL);

  return self->url;
}

/* The server's URL, without credentials or trailing slash. */
const char *
godwit_replicator_get_endpoint (GodwitReplicator *self)
{
  g_return_val_if_fail (GODWIT_IS_REPLICATOR (self), NULL);

  return self->endpoint;
}

const char *
godwit_replicator_get_database (GodwitReplicator *self)
{
  g_return_val_if_fail (GODWIT_IS_REPLICATOR (self), NULL);

  return self->database;
}

/* How many HTTP requests were sent, retries included. */
guint
godwit_replicator_get_n_requests (GodwitReplicator *self)
{
  g_return_val_if_fail (GODWIT_IS_REPLICATOR (self), 0);

  return self->n_requests;
}

/* Runs the replicator's main context until *@flag is set: requests
 * begun earlier go on meanwhile, and so does the caller's wait function,
 * a step whenever nothing else is ready. */
static void
iterate_until (GodwitReplicator *self,
               const gboolean   *flag)
{
  g_main_context_push_thread_default (self->context);
  while (!*flag)
    {
      if (self->wait_func == NULL)
        g_main_context_iteration (self->context, TRUE);
      else if (!g_main_context_iteration (self->context, FALSE) && !self->wait_func (self->wait_data))
        self->wait_func = NULL;
    }
  g_main_context_pop_thread_default (self->context);
}

static gboolean
on_timeout (gpointer data)
{
  *(gboolean *) data = TRUE;

  return G_SOURCE_REMOVE;
}

/* Waits @ms, waking early when cancelled; requests under way go on. */
static gboolean
wait_before_retry (GodwitReplicator  *self,
                   guint              ms,
                   GCancellable      *cancellable,
                   GError           **error)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000;

  for (;;)
    {
      gint64 left = end - g_get_monotonic_time ();
      g_autoptr(GSource) source = NULL;
      gboolean fired = FALSE;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      if (left <= 0)
        return TRUE;
      source = g_timeout_source_new ((guint) MAX (MIN (left / 1000, 10), 1));
      g_source_set_callback (source, on_timeout, &fired, NULL);
      g_source_attach (source, self->context);
      iterate_until (self, &fired);
    }
}

static gboolean
is_transient_status (guint status)
{
  return status >= 500 || status == SOUP_STATUS_REQUEST_TIMEOUT || status == 429;
}

/* "reason" (else "error") of a CouchDB error answer, if it is one. */
static char *
dup_reason (GBytes *body)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  gsize length = 0;
  const char *data = body != NULL ? g_bytes_get_data (body, &length) : NULL;
  JsonNode *root;
  JsonObject *object;

  /* Error answers are small; anything else is not worth parsing. */
  if (data == NULL || length == 0 || length > 64 * 1024 ||
      !json_parser_load_from_data (parser, data, (gssize) length, NULL))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  object = json_node_get_object (root);
  if (json_object_has_member (object, "reason") &&
      JSON_NODE_HOLDS_VALUE (json_object_get_member (object, "reason")))
    return g_utf8_make_valid (json_object_get_string_member (object, "reason"), -1);
  if (json_object_has_member (object, "error") &&
      JSON_NODE_HOLDS_VALUE (json_object_get_member (object, "error")))
    return g_utf8_make_valid (json_object_get_string_member (object, "error"), -1);

  return NULL;
}

static void
set_status_error (GError     **error,
                  GodwitError  code,
                  const char  *url,
                  guint        status,
                  GBytes      *body)
{
  g_autofree char *reason = dup_reason (body);

  if (code == GODWIT_ERROR_AUTHENTICATION)
    /* Translators: the URL, the HTTP status code and the server's reason, if any, after ": " */
    g_set_error (error, GODWIT_ERROR, code, _("%s: the server refuses the credentials (HTTP %u%s%s)"),
                 url, status, reason != NULL ? ": " : "", reason != NULL ? reason : "");
  else
    /* Translators: the URL, the HTTP status code, its standard English phrase and the
     * server's reason, if any, after ": " */
    g_set_error (error, GODWIT_ERROR, code, _("%s: the server answers HTTP %u %s%s%s"), url, status,
                 soup_status_get_phrase (status), reason != NULL ? ": " : "", reason != NULL ? reason : "");
}

static const char *
describe_certificate_errors (GTlsCertificateFlags errors)
{
  if (errors & G_TLS_CERTIFICATE_UNKNOWN_CA)
    return _("issued by an unknown certificate authority");
  if (errors & G_TLS_CERTIFICATE_BAD_IDENTITY)
    return _("made out to another host");
  if (errors & G_TLS_CERTIFICATE_NOT_ACTIVATED)
    return _("not valid yet");
  if (errors & G_TLS_CERTIFICATE_EXPIRED)
    return _("expired");
  if (errors & G_TLS_CERTIFICATE_REVOKED)
    return _("revoked");
  if (errors & G_TLS_CERTIFICATE_INSECURE)
    return _("signed with an insecure algorithm");

  return _("invalid");
}

/* A certificate the system's authorities do not vouch for may still be
 * one of the CA file's: both are trusted. */
static gboolean
on_accept_certificate (SoupMessage          *message,
                       GTlsCertificate      *certificate,
                       GTlsCertificateFlags  errors,
                       gpointer              user_data)
{
  GodwitReplicator *self = user_data;
  GUri *uri = soup_message_get_uri (message);
  g_autoptr(GSocketConnectable) identity = NULL;
  GTlsCertificateFlags flags;

  identity = g_network_address_new (g_uri_get_host (uri), (guint16) MAX (g_uri_get_port (uri), 0));
  flags = g_tls_database_verify_chain (self->ca_database, certificate, G_TLS_DATABASE_PURPOSE_AUTHENTICATE_SERVER,
                                       identity, NULL, G_TLS_DATABASE_VERIFY_NONE, NULL, NULL);

  return flags == 0;
}

/* The AuthSession cookie of an answer: a login's, or the fresh one CouchDB
 * sends as a session nears its end. */
static void
take_session_cookie (GodwitReplicator *self,
                     SoupMessage      *message)
{
  GSList *cookies = soup_cookies_from_response (message);

  for (GSList *l = cookies; l != NULL; l = l->next)
    {
      SoupCookie *cookie = l->data;

      if (g_strcmp0 (soup_cookie_get_name (cookie), "AuthSession") != 0 || *soup_cookie_get_value (cookie) == '\0')
        continue;
      godwit_sync_clear_password (&self->cookie);
      self->cookie = g_strconcat ("AuthSession=", soup_cookie_get_value (cookie), NULL);
    }
  g_slist_free_full (cookies, (GDestroyNotify) soup_cookie_free);
}

/* ---- exchanges ------------------------------------------------------- */

static Exchange *
exchange_ref (Exchange *exchange)
{
  g_atomic_ref_count_inc (&exchange->ref_count);

  return exchange;
}

static void
exchange_unref (Exchange *exchange)
{
  if (!g_atomic_ref_count_dec (&exchange->ref_count))
    return;

  if (exchange->caller_cancellable != NULL)
    g_cancellable_disconnect (exchange->caller_cancellable, exchange->cancelled_id);
  /* libsoup may keep the message a little longer. */
  g_signal_handlers_disconnect_by_data (exchange->message, exchange);
  g_clear_object (&exchange->caller_cancellable);
  g_clear_object (&exchange->cancellable);
  g_clear_object (&exchange->message);
  g_clear_object (&exchange->stream);
  g_clear_pointer (&exchange->data, g_byte_array_unref);
  g_clear_pointer (&exchange->chunk, g_free);
  g_clear_error (&exchange->error);
  g_free (exchange->url);
  g_free (exchange);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Exchange, exchange_unref)

static void
exchange_finish (Exchange *exchange,
                 GError   *error)
{
  if (error != NULL)
    g_clear_pointer (&exchange->data, g_byte_array_unref);
  exchange->error = error;
  g_clear_object (&exchange->stream);
  exchange->written = TRUE;
  exchange->done = TRUE;
}

static void
on_wrote_body (SoupMessage *message,
               Exchange    *exchange)
{
  exchange->written = TRUE;
}

static void on_read (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data);

static void
read_next (Exchange *exchange)
{
  g_input_stream_read_async (exchange->stream, exchange->chunk, READ_CHUNK, G_PRIORITY_DEFAULT,
                             exchange->cancellable, on_read, exchange);
}

static void
on_closed (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(Exchange) exchange = user_data;

  g_input_stream_close_finish (G_INPUT_STREAM (source), result, NULL);
  exchange_finish (exchange, NULL);
}

/* The answer is read whole, up to MAX_RESPONSE_SIZE. */
static void
on_read (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(Exchange) exchange = user_data;
  GError *error = NULL;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);

  if (n < 0)
    exchange_finish (exchange, error);
  else if (n == 0)
    {
      GInputStream *stream = exchange->stream;

      g_input_stream_close_async (stream, G_PRIORITY_DEFAULT, NULL, on_closed, g_steal_pointer (&exchange));
    }
  else if (exchange->data->len + (gsize) n > MAX_RESPONSE_SIZE)
    exchange_finish (exchange, g_error_new (GODWIT_ERROR, GODWIT_ERROR_LIMIT_EXCEEDED,
                                            _("%s: the server’s answer is larger than %d MiB"), exchange->url,
                                            MAX_RESPONSE_SIZE / (1024 * 1024)));
  else
    {
      g_byte_array_append (exchange->data, exchange->chunk, (guint) n);
      read_next (g_steal_pointer (&exchange));
    }
}

static void
on_sent (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(Exchange) exchange = user_data;
  GError *error = NULL;

  exchange->stream = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  if (exchange->stream == NULL)
    {
      exchange_finish (exchange, error);
      return;
    }
  exchange->chunk = g_malloc (READ_CHUNK);
  read_next (g_steal_pointer (&exchange));
}

static void
on_caller_cancelled (GCancellable *caller,
                     GCancellable *own)
{
  g_cancellable_cancel (own);
}

/* The answers of _revs_diff and _bulk_docs name the documents the
 * request sent: they are smaller than the request, which goes as it is,
 * and compressing them takes more of the server's time than it saves. */
static gboolean
wants_compressed_answer (const char *url)
{
  return !g_str_has_suffix (url, "/_revs_diff") && !g_str_has_suffix (url, "/_bulk_docs");
}

/* Sends one request to @url without waiting for its answer: see
 * exchange_wait(). @authenticate: whether the credentials (or the
 * session cookie) go with it. */
static Exchange *
exchange_start (GodwitReplicator  *self,
                const char        *method,
                const char        *url,
                GBytes            *body,
                gboolean           authenticate,
                GCancellable      *cancellable,
                GError           **error)
{
  g_autoptr(SoupMessage) message = soup_message_new (method, url);
  SoupMessageHeaders *headers;
  Exchange *exchange;

  if (message == NULL)
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_SERVER, _("%s: not a valid URL"), url);
      return NULL;
    }
  /* Every request of the protocol can be sent twice: reads, and writes
   * of given revisions (new_edits: false) or of a _local document. So a
   * kept-alive connection serves them all; libsoup opens a new one for
   * each POST otherwise. */
  soup_message_add_flags (message, SOUP_MESSAGE_IDEMPOTENT);
  if (!wants_compressed_answer (url))
    soup_message_disable_feature (message, SOUP_TYPE_CONTENT_DECODER);
  headers = soup_message_get_request_headers (message);
  soup_message_headers_replace (headers, "Accept", "application/json");
  if (authenticate && self->authentication == GODWIT_SYNC_AUTHENTICATION_BASIC && self->authorization != NULL)
    soup_message_headers_replace (headers, "Authorization", self->authorization);
  if (authenticate && self->authentication == GODWIT_SYNC_AUTHENTICATION_COOKIE && self->cookie != NULL)
    soup_message_headers_replace (headers, "Cookie", self->cookie);
  if (body != NULL)
    soup_message_set_request_body_from_bytes (message, "application/json", body);
  if (self->ca_database != NULL)
    g_signal_connect (message, "accept-certificate", G_CALLBACK (on_accept_certificate), self);

  exchange = g_new0 (Exchange, 1);
  g_atomic_ref_count_init (&exchange->ref_count);
  /* The message lives as long as the exchange. */
  g_signal_connect (message, "wrote-body", G_CALLBACK (on_wrote_body), exchange);
  exchange->message = g_steal_pointer (&message);
  exchange->url = g_strdup (url);
  exchange->data = g_byte_array_new ();
  exchange->cancellable = g_cancellable_new ();
  if (cancellable != NULL)
    {
      exchange->caller_cancellable = g_object_ref (cancellable);
      exchange->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (on_caller_cancelled),
                                                      exchange->cancellable, NULL);
    }

  self->n_requests++;
  g_main_context_push_thread_default (self->context);
  soup_session_send_async (self->session, exchange->message, G_PRIORITY_DEFAULT, exchange->cancellable, on_sent,
                           exchange_ref (exchange));
  g_main_context_pop_thread_default (self->context);

  return exchange;
}

/* Waits for the whole answer of @exchange (or its failure). */
static void
exchange_wait (GodwitReplicator *self,
               Exchange         *exchange)
{
  iterate_until (self, &exchange->done);
}

/* Sends one request to @url, retrying transient failures; any status is
 * the caller's to judge. @first: (nullable): the first attempt, begun
 * already. */
static GBytes *
send_with_retries (GodwitReplicator  *self,
                   const char        *method,
                   const char        *url,
                   GBytes            *body,
                   gboolean           authenticate,
                   Exchange          *first,
                   guint             *status,
                   GCancellable      *cancellable,
                   GError           **error)
{
  guint delay = self->first_delay_ms;

  for (guint attempt = 0;; attempt++)
    {
      g_autoptr(Exchange) exchange = NULL;
      g_autoptr(GError) local_error = NULL;
      g_autoptr(GBytes) response = NULL;

      if (attempt == 0 && first != NULL)
        exchange = exchange_ref (first);
      else
        exchange = exchange_start (self, method, url, body, authenticate, cancellable, error);
      if (exchange == NULL)
        return NULL;
      exchange_wait (self, exchange);
      local_error = g_steal_pointer (&exchange->error);
      if (local_error == NULL)
        response = g_byte_array_free_to_bytes (g_steal_pointer (&exchange->data));

      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
          g_error_matches (local_error, GODWIT_ERROR, GODWIT_ERROR_LIMIT_EXCEEDED))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      /* A certificate refused now is refused on every retry. */
      if (g_error_matches (local_error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE))
        {
          g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_SERVER,
                       _("%s: the server’s TLS certificate is not trusted: %s"),
                       url, describe_certificate_errors (soup_message_get_tls_peer_certificate_errors (exchange->message)));
          return NULL;
        }
      if (local_error != NULL && local_error->domain == G_TLS_ERROR)
        {
          g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_SERVER, "%s: TLS: %s", url, local_error->message);
          return NULL;
        }

      if (local_error == NULL)
        {
          *status = soup_message_get_status (exchange->message);
          if (self->authentication == GODWIT_SYNC_AUTHENTICATION_COOKIE)
            take_session_cookie (self, exchange->message);
          if (!is_transient_status (*status))
            return g_steal_pointer (&response);
        }

      if (attempt >= self->retries)
        {
          if (local_error != NULL)
            g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_SERVER,
                         /* Translators: the URL, the network error and the number of attempts */
                         g_dngettext (GETTEXT_PACKAGE, "%s: %s (tried %u time)", "%s: %s (tried %u times)",
                                      attempt + 1),
                         url, local_error->message, attempt + 1);
          else
            set_status_error (error, GODWIT_ERROR_SERVER, url, *status, response);
          return NULL;
        }

      g_debug ("%s: %s; retrying in %u ms", url,
               local_error != NULL ? local_error->message : soup_status_get_phrase (*status), delay);
      if (!wait_before_retry (self, delay, cancellable, error))
        return NULL;
      delay = MIN (delay * 2, 60 * 1000);
    }
}

/* POST /_session: the session cookie for the user and password. */
static gboolean
log_in (GodwitReplicator  *self,
        GCancellable      *cancellable,
        GError           **error)
{
  g_autofree char *url = g_strconcat (self->endpoint, "/_session", NULL);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GBytes) response = NULL;
  char *text;
  gsize length = 0;
  guint status = 0;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, self->user);
  json_builder_set_member_name (builder, "password");
  json_builder_add_string_value (builder, self->password);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, &length);
  /* The request's text, password and all, is wiped once sent. */
  body = g_bytes_new_with_free_func (text, length, (GDestroyNotify) clear_secret_text, text);

  godwit_sync_clear_password (&self->cookie);
  response = send_with_retries (self, "POST", url, body, FALSE, NULL, &status, cancellable, error);
  g_clear_pointer (&body, g_bytes_unref);
  if (response == NULL)
    return FALSE;
  if (status == SOUP_STATUS_UNAUTHORIZED || status == SOUP_STATUS_FORBIDDEN)
    {
      set_status_error (error, GODWIT_ERROR_AUTHENTICATION, url, status, response);
      return FALSE;
    }
  if (status != SOUP_STATUS_OK)
    {
      set_status_error (error, GODWIT_ERROR_SERVER, url, status, response);
      return FALSE;
    }
  if (self->cookie == NULL)
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_SERVER, _("%s: the server answers without an AuthSession cookie"),
                   url);
      return FALSE;
    }

  return TRUE;
}

/* With cookie authentication, logs in unless a session is open. */
static gboolean
ensure_session (GodwitReplicator  *self,
                GCancellable      *cancellable,
                GError           **error)
{
  if (self->authentication != GODWIT_SYNC_AUTHENTICATION_COOKIE || self->user == NULL || self->cookie != NULL)
    return TRUE;

  return log_in (self, cancellable, error);
}

/* Sends one request to the database's URL and @path. A 401 or 403 is an
 * error; with cookie authentication, a 401 first starts a new session
 * (the cookie expired) and the request goes again, once. @first:
 * (nullable): the first attempt, begun already (after ensure_session()). */
static GBytes *
send_request (GodwitReplicator  *self,
              const char        *method,
              const char        *path,
              GBytes            *body,
              Exchange          *first,
              guint             *status,
              GCancellable      *cancellable,
              GError           **error)
{
  g_autofree char *url = g_strconcat (self->url, path, NULL);
  gboolean cookie = self->authentication == GODWIT_SYNC_AUTHENTICATION_COOKIE && self->user != NULL;
  gboolean logged_in_again = FALSE;

  for (;;)
    {
      g_autoptr(GBytes) response = NULL;

      if (first == NULL && !ensure_session (self, cancellable, error))
        return NULL;

      response = send_with_retries (self, method, url, body, TRUE, first, status, cancellable, error);
      first = NULL;
      if (response == NULL)
        return NULL;
      if (cookie && *status == SOUP_STATUS_UNAUTHORIZED && !logged_in_again)
        {
          g_debug ("%s: the session cookie is refused; logging in again", url);
          godwit_sync_clear_password (&self->cookie);
          logged_in_again = TRUE;
          continue;
        }
      if (*status == SOUP_STATUS_UNAUTHORIZED || *status == SOUP_STATUS_FORBIDDEN)
        {
          if (logged_in_again)
            {
              g_autofree char *reason = dup_reason (response);

              g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_AUTHENTICATION,
                           /* Translators: the URL, the HTTP status code and the server's reason, if any,
                            * after ": " */
                           _("%s: the server refuses the credentials even after logging in again (HTTP %u%s%s)"), url,
                           *status, reason != NULL ? ": " : "", reason != NULL ? reason : "");
            }
          else
            set_status_error (error, GODWIT_ERROR_AUTHENTICATION, url, *status, response);
          return NULL;
        }

      return g_steal_pointer (&response);
    }
}

/* An answer's JSON; a top-level array comes back wrapped as
 * {"response": […]} so that the checked parser takes it. */
static JsonNode *
parse_response (GodwitReplicator  *self,
                const char        *path,
                GBytes            *body,
                GError           **error)
{
  g_autofree char *url = g_strconcat (self->url, path, NULL);
  g_autoptr(GError) local_error = NULL;
  g_autofree char *wrapped = NULL;
  gsize length = 0;
  const char *data = g_bytes_get_data (body, &length);
  gsize start = 0;
  JsonNode *root;

  while (start < length && g_ascii_isspace (data[start]))
    start++;
  if (start < length && data[start] == '[')
    {
      wrapped = g_malloc (length + 14);
      memcpy (wrapped, "{\"response\":", 12);
      memcpy (wrapped + 12, data, length);
      memcpy (wrapped + 12 + length, "}", 1);
      data = wrapped;
      length += 13;
    }

  root = _godwit_json_load_checked (data, length, url, _("the server’s answer"), MAX_RESPONSE_SIZE + 13,
                                    MAX_RESPONSE_DEPTH + 1, &local_error);
  if (root == NULL)
    {
      g_set_error_literal (error, GODWIT_ERROR,
                           local_error->code == GODWIT_ERROR_LIMIT_EXCEEDED ? GODWIT_ERROR_LIMIT_EXCEEDED
                                                                            : GODWIT_ERROR_SERVER,
                           local_error->message);
      return NULL;
    }

  return root;
}

static GBytes *
json_bytes (JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  gsize length = 0;
  char *text;

  json_generator_set_root (generator, node);
  text = json_generator_to_data (generator, &length);

  return g_bytes_new_take (text, length);
}

static GBytes *
object_bytes (JsonObject *object)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

  json_node_set_object (node, object);

  return json_bytes (node);
}

/* A request whose answer must be a JSON object with one of @expected. */
static JsonObject *
request_object (GodwitReplicator  *self,
                const char        *method,
                const char        *path,
                GBytes            *body,
                Exchange          *first,
                const guint       *expected,
                guint              n_expected,
                guint             *status_out,
                GCancellable      *cancellable,
                GError           **error)
{
  g_autoptr(GBytes) response = NULL;
  g_autoptr(JsonNode) root = NULL;
  gboolean ok = FALSE;
  guint status = 0;

  response = send_request (self, method, path, body, first, &status, cancellable, error);
  if (response == NULL)
    return NULL;
  if (status_out != NULL)
    *status_out = status;

  for (guint i = 0; i < n_expected; i++)
    ok = ok || status == expected[i];
  if (!ok)
    {
      g_autofree char *url = g_strconcat (self->url, path, NULL);

      set_status_error (error, GODWIT_ERROR_SERVER, url, status, response);
      return NULL;
    }

  root = parse_response (self, path, response, error);
  if (root == NULL)
    return NULL;

  return json_object_ref (json_node_get_object (root));
}

/**
 * godwit_replicator_check_database:
 * @create: whether a missing database is created
 *
 * Returns: %TRUE when the database exists (or was created); %FALSE with
 *   %GODWIT_ERROR_SERVER when it does not, or
 *   %GODWIT_ERROR_AUTHENTICATION when the server refuses the credentials
 */
gboolean
godwit_replicator_check_database (GodwitReplicator  *self,
                                  gboolean           create,
                                  GCancellable      *cancellable,
                                  GError           **error)
{
  g_autoptr(GBytes) response = NULL;
  guint status = 0;

  g_return_val_if_fail (GODWIT_IS_REPLICATOR (self), FALSE);

  response = send_request (self, "HEAD", "", NULL, NULL, &status, cancellable, error);
  if (response == NULL)
    return FALSE;
  if (status == SOUP_STATUS_OK)
    return TRUE;
  if (status != SOUP_STATUS_NOT_FOUND)
    {
      set_status_error (error, GODWIT_ERROR_SERVER, self->url, status, response);
      return FALSE;
    }
  if (!create)
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_SERVER, _("%s: database not found"), self->url);
      return FALSE;
    }

  g_clear_pointer (&response, g_bytes_unref);
  response = send_request (self, "PUT", "", NULL, NULL, &status, cancellable, error);
  if (response == NULL)
    return FALSE;
  /* 412: someone else created it meanwhile. */
  if (status != SOUP_STATUS_CREATED && status != SOUP_STATUS_ACCEPTED &&
      status != SOUP_STATUS_PRECONDITION_FAILED)
    {
      set_status_error (error, GODWIT_ERROR_SERVER, self->url, status, response);
      return FALSE;
    }

  return TRUE;
}

/**
 * godwit_replicator_get_info:
 *
 * Returns: (transfer full): GET /db: update_seq, instance_start_time, …
 */
JsonObject *
godwit_replicator_get_info (GodwitReplicator  *self,
                            GCancellable      *cancellable,
                            GError           **error)
{
  static const guint expected[] = { SOUP_STATUS_OK };

  g_return_val_if_fail (GODWIT_IS_REPLICATOR (self), NULL);

  return request_object (self, "GET", "", NULL, NULL, expected, G_N_ELEMENTS (expected), NULL,
                         cancellable, error);
}

static char *
local_path (const char *id)
{
  g_autofree char *escaped = g_uri_escape_string (id, NULL, FALSE);

  return g_strconcat ("/_local/", escaped, NULL);
}

/**
 * godwit_replicator_get_local:
 * @id: the id after "_local/"
 *
 * Returns: (transfer full) (nullable): the _local document, or %NULL
 *   without an error when there is none
 */
JsonObject *
godwit_replicator_get_local (GodwitReplicator  *self,
                             const char        *id,
                             GCancellable      *cancellable,
                             GError           **error)
{
  static const guint expected[] = { SOUP_STATUS_OK, SOUP_STATUS_NOT_FOUND };
  g_autofree char *path = NULL;
  g_autoptr(JsonObject) document = NULL;
  guint status = 0;

  g_return_val_if_fail (GODWIT_IS_REPLICATOR (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  path = local_path (id);
  document = request_object (self, "GET", path, NULL, NULL, expected, G_N_ELEMENTS (expected), &status,
                             cancellable, error);
  if (document == NULL || status == SOUP_STATUS_NOT_FOUND)
    return NULL;

  return g_steal_pointer (&document);
}

/* The "rev" of a write's answer. */
static char *
dup_answer_rev (JsonObject *answer)
{
  JsonNode *rev = json_object_get_member (answer, "rev");

  if (rev == NULL || !JSON_NODE_HOLDS_VALUE (rev) || json_node_get_value_type (rev) != G_TYPE_STRING)
    return NULL;

  return g_strdup (json_node_get_string (rev));
}

/**
 * godwit_replicator_put_local:
 * @document: the content; its _id and _rev are set here
 * @rev: (nullable): the revision of the _local document the server holds,
 *   as the last read or write of it answered; %NULL when there is none or
 *   it is not known
 * @new_rev: (out) (transfer full) (optional) (nullable): the revision
 *   written, to give the next write; %NULL when the answer lacks it
 *
 * Writes the _local document @id over whatever revision the server has.
 * With the right @rev that is one request: only when the server answers
 * that another revision is there (someone wrote it meanwhile, or @rev
 * was not known) is it read, and written again, once.
 */
gboolean
godwit_replicator_put_local (GodwitReplicator  *self,
                             const char        *id,
                             JsonObject        *document,
                             const char        *rev,
                             char             **new_rev,
                             GCancellable      *cancellable,
                             GError           **error)
{
  static const guint expected[] = { SOUP_STATUS_OK, SOUP_STATUS_CREATED, SOUP_STATUS_CONFLICT };
  g_autofree char *path = NULL;
  g_autofree char *full_id = NULL;
  g_autofree char *current_rev = g_strdup (rev);

  g_return_val_if_fail (GODWIT_IS_REPLICATOR (self), FALSE);
  g_return_val_if_fail (id != NULL && document != NULL, FALSE);

  if (new_rev != NULL)
    *new_rev = NULL;
  path = local_path (id);
  full_id = g_strconcat ("_local/", id, NULL);
  json_object_set_string_member (document, "_id", full_id);

  for (guint attempt = 0; attempt < 2; attempt++)
    {
      g_autoptr(JsonObject) answer = NULL;
      g_autoptr(GBytes) body = NULL;
      guint status = 0;

      if (attempt > 0)
        {
          g_autoptr(GError) local_error = NULL;
          g_autoptr(JsonObject) current = godwit_replicator_get_local (self, id, cancellable, &local_error);
          JsonNode *node = current != NULL ? json_object_get_member (current, "_rev") : NULL;

          if (local_error != NULL)
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return FALSE;
            }
          g_clear_pointer (&current_rev, g_free);
          if (node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
            current_rev = g_strdup (json_node_get_string (node));
        }

      if (current_rev != NULL)
        json_object_set_string_member (document, "_rev", current_rev);
      else
        json_object_remove_member (document, "_rev");

      body = object_bytes (document);
      answer = request_object (self, "PUT", path, body, NULL, expected, G_N_ELEMENTS (expected), &status,
                               cancellable, error);
      json_object_remove_member (document, "_rev");
      if (answer == NULL)
        return FALSE;
      if (status != SOUP_STATUS_CONFLICT)
        {
          if (new_rev != NULL)
            *new_rev = dup_answer_rev (answer);
          return TRUE;
        }
      g_debug ("%s%s: revision %s is not the server’s; reading it", self->url, path,
               current_rev != NULL ? current_rev : "(none)");
    }

  g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_SERVER,
               _("%s%s: the checkpoint keeps changing under another writer"), self->url, path);
  return FALSE;
}

/* since= as the server gave it: a string verbatim, a number as digits. */
static char *
dup_since (JsonNode *since)
{
  if (since == NULL || JSON_NODE_HOLDS_NULL (since))
    return g_strdup ("0");
  if (JSON_NODE_HOLDS_VALUE (since) && json_node_get_value_type (since) == G_TYPE_STRING)
    return g_uri_escape_string (json_node_get_string (since), NULL, FALSE);
  if (JSON_NODE_HOLDS_VALUE (since) && json_node_get_value_type (since) == G_TYPE_INT64)
    return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (since));

  return g_strdup ("0");
}

/**
 * godwit_replicator_get_changes:
 * @since: (nullable): the sequence to start after, as a previous answer's
 *   last_seq gave it; %NULL for the start
 * @limit: the most changes in the answer
 *
 * Returns: (transfer full): GET /db/_changes?style=all_docs: "results"
 *   (seq, id, changes: [{rev}], deleted) and "last_seq", both checked to
 *   be there
 */
JsonObject *
godwit_replicator_get_changes (GodwitReplicator  *self,
                               JsonNode          *since,
                               guint              limit,
                               GCancellable      *cancellable,
                               GError           **error)
{
  static const guint expected[] = { SOUP_STATUS_OK };
  g_autofree char *since_text = dup_since (since);
  g_autofree char *path = g_strdup_printf ("/_changes?style=all_docs&since=%s&limit=%u", since_text,
                                           MAX (limit, 1));
  g_autoptr(JsonObject) changes = NULL;

  g_return_val_if_fail (GODWIT_IS_REPLICATOR (self), NULL);

  changes = request_object (self, "GET", path, NULL, NULL, expected, G_N_ELEMENTS (expected), NULL,
                            cancellable, error);
  if (changes == NULL)
    return NULL;
  if (!json_object_has_member (changes, "results") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (changes, "results")) ||
      !json_object_has_member (changes, "last_seq"))
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_SERVER,
                   _("%s%s: the answer lacks “results” or “last_seq”"), self->url, path);
      return NULL;
    }

  return g_steal_pointer (&changes);
}

/* Sends a request without waiting for its answer: see end_request(). */
static GodwitReplicatorRequest *
begin_request (GodwitReplicator  *self,
               const char        *method,
               const char        *path,
               GBytes            *body,
               GCancellable      *cancellable,
               GError           **error)
{
  g_autoptr(GodwitReplicatorRequest) request = NULL;
  g_autofree char *url = NULL;

  if (!ensure_session (self, cancellable, error))
    return NULL;

  request = g_new0 (GodwitReplicatorRequest, 1);
  request->replicator = g_object_ref (self);
  request->path = g_strdup (path);
  request->body = g_bytes_ref (body);
  request->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;
  url = g_strconcat (self->url, path, NULL);
  request->exchange = exchange_start (self, method, url, request->body, TRUE, cancellable, error);
  if (request->exchange == NULL)
    return NULL;
  /* Sent whole before the caller goes on, so that the server works on it
   * meanwhile. */
  iterate_until (self, &request->exchange->written);

  return g_steal_pointer (&request);
}

/* The answer of a request of begin_request(), as request_object() takes
 * it: retried as any other after a transient failure. */
static JsonObject *
end_request (GodwitReplicator         *self,
             GodwitReplicatorRequest  *request,
             const guint              *expected,
             guint                     n_expected,
             GError                  **error)
{
  g_autoptr(Exchange) exchange = g_steal_pointer (&request->exchange);

  return request_object (self, "POST", request->path, request->body, exchange, expected, n_expected, NULL,
                         request->cancellable, error);
}

/**
 * godwit_replicator_begin_revs_diff:
 * @revisions: document id → array of revision ids
 *
 * Sends POST /db/_revs_diff and returns once it is sent, without waiting
 * for the answer, as godwit_replicator_begin_bulk_docs() does; take it
 * with godwit_replicator_end_revs_diff().
 *
 * Returns: (transfer full): the request under way, or %NULL when it could
 *   not be sent
 */
GodwitReplicatorRequest *
godwit_replicator_begin_revs_diff (GodwitReplicator  *self,
                                   JsonObject        *revisions,
                                   GCancellable      *cancellable,
                                   GError           **error)
{
  g_autoptr(GBytes) body = NULL;

  g_return_val_if_fail (GODWIT_IS_REPLICATOR (self), NULL);
  g_return_val_if_fail (revisions != NULL, NULL);

  body = object_bytes (revisions);

  return begin_request (self, "POST", "/_revs_diff", body, cancellable, error);
}

/**
 * godwit_replicator_end_revs_diff:
 * @request: a request of godwit_replicator_begin_revs_diff(), whose answer
 *   is not taken yet
 *
 * Returns: (transfer full): id → {"missing": [revisions the server lacks]}
 */
JsonObject *
godwit_replicator_end_revs_diff (GodwitReplicator         *self,
                                 GodwitReplicatorRequest  *request,
                                 GError                  **error)
{
  static const guint expected[] = { SOUP_STATUS_OK };

  g_return_val_if_fail (GODWIT_IS_REPLICATOR (self), NULL);
  g_return_val_if_fail (request != NULL && request->replicator == self, NULL);
  g_return_val_if_fail (request->exchange != NULL && g_str_equal (request->path, "/_revs_diff"), NULL);

  return end_request (self, request, expected, G_N_ELEMENTS (expected), error);
}

/* Member @name of @node, when @node is an object and the member a
 * string. */
static const char *
string_member_of (JsonNode   *node,
                  const char *name)
{
  JsonNode *member;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  member = json_object_get_member (json_node_get_object (node), name);
  if (member == NULL || !JSON_NODE_HOLDS_VALUE (member) || json_node_get_value_type (member) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (member);
}

/* The documents of {ok: doc} entries. {missing: rev} entries, and
 * {error: {error: "not_found"}} ones of _bulk_get, are revisions gone
 * meanwhile (purged; one replaced by a later revision comes as that);
 * any other error is the server's failing to read a document that is
 * there, and the request's. */
static gboolean
collect_ok (JsonArray   *entries,
            GPtrArray   *documents,
            const char  *url,
            GError     **error)
{
  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonNode *entry = json_array_get_element (entries, i);
      JsonNode *ok;
      JsonNode *failure;

      if (!JSON_NODE_HOLDS_OBJECT (entry))
        {
          g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_SERVER,
                       _("%s: an answer entry is %s, not an object"), url, _godwit_json_describe_node (entry));
          return FALSE;
        }
      ok = json_object_get_member (json_node_get_object (entry), "ok");
      failure = json_object_get_member (json_node_get_object (entry), "error");
      if (ok == NULL && failure != NULL && g_strcmp0 (string_member_of (failure, "error"), "not_found") != 0)
        {
          const char *id = string_member_of (failure, "id");
          const char *reason = string_member_of (failure, "reason");
          g_autofree char *text = NULL;

          if (reason == NULL)
            reason = string_member_of (failure, "error");
          if (reason == NULL)
            reason = text = json_to_string (failure, FALSE);
          g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_SERVER,
                       /* Translators: the database's URL, a document's id and the server's reason */
                       _("%s: document “%s” could not be read: %s"), url, id != NULL ? id : "?", reason);
          return FALSE;
        }
      if (ok == NULL)
        continue;
      if (!JSON_NODE_HOLDS_OBJECT (ok))
        {
          g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_SERVER, _("%s: an “ok” entry is not a document"), url);
          return FALSE;
        }
      g_ptr_array_add (documents, json_object_ref (json_node_get_object (ok)));
    }

  return TRUE;
}

static gboolean
fetch_with_open_revs (GodwitReplicator  *self,
                      const char        *id,
                      JsonArray         *revs,
                      GPtrArray         *documents,
                      GCancellable      *cancellable,
                      GError           **error)
{
  g_autoptr(JsonNode) revs_node = json_node_new (JSON_NODE_ARRAY);
  g_autoptr(GBytes) revs_json = NULL;
  g_autoptr(GBytes) response = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *escaped_id = g_uri_escape_string (id, NULL, FALSE);
  g_autofree char *escaped_revs = NULL;
  g_autofree char *revs_text = NULL;
  g_autofree char *path = NULL;
  JsonNode *entries;
  guint status = 0;

  json_node_set_array (revs_node, revs);
  revs_json = json_bytes (revs_node);
  revs_text = g_strndup (g_bytes_get_data (revs_json, NULL), g_bytes_get_size (revs_json));
  escaped_revs = g_uri_escape_string (revs_text, NULL, FALSE);
  path = g_strdup_printf ("/%s?revs=true&latest=true&open_revs=%s", escaped_id, escaped_revs);

  response = send_request (self, "GET", path, NULL, NULL, &status, cancellable, error);
  if (response == NULL)
    return FALSE;
  /* A revision gone comes as a {missing} entry of a 200: a 404 tells
   * nothing of the document (the database is gone, or a proxy answered),
   * and taking it for "nothing to fetch" would let the pull checkpoint
   * past a document it never read. */
  if (status != SOUP_STATUS_OK)
    {
      g_autofree char *url = g_strconcat (self->url, path, NULL);

      set_status_error (error, GODWIT_ERROR_SERVER, url, status, response);
      return FALSE;
    }
  root = parse_response (self, path, response, error);
  if (root == NULL)
    return FALSE;
  entries = json_object_get_member (json_node_get_object (root), "response");
  if (entries == NULL || !JSON_NODE_HOLDS_ARRAY (entries))
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_SERVER, _("%s%s: the answer is not an array"),
                   self->url, path);
      return FALSE;
    }

  return collect_ok (json_node_get_array (entries), documents, self->url, error);
}

static gboolean
is_string_array (JsonNode *node)
{
  JsonArray *array;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    return FALSE;
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);

      if (!JSON_NODE_HOLDS_VALUE (element) || json_node_get_value_type (element) != G_TYPE_STRING)
        return FALSE;
    }

  return TRUE;
}

/**
 * godwit_replicator_fetch_revisions:
 * @revisions: document id → array of revision ids to fetch
 *
 * Fetches revisions with their history (revs=true), or the latest
 * revisions that replaced them (latest=true), with one _bulk_get; from a
 * server without _bulk_get, with one open_revs request per document.
 *
 * Returns: (transfer full) (element-type JsonObject): the documents
 */
GPtrArray *
godwit_replicator_fetch_revisions (GodwitReplicator  *self,
                                   JsonObject        *revisions,
                                   GCancellable      *cancellable,
                                   GError           **error)
{
  static const guint expected[] = { SOUP_STATUS_OK, SOUP_STATUS_NOT_FOUND,
                                    SOUP_STATUS_METHOD_NOT_ALLOWED, SOUP_STATUS_BAD_REQUEST,
                                    SOUP_STATUS_NOT_IMPLEMENTED };
  g_autoptr(GPtrArray) documents = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_autoptr(GList) ids = NULL;

  g_return_val_if_fail (GODWIT_IS_REPLICATOR (self), NULL);
  g_return_val_if_fail (revisions != NULL, NULL);

  ids = json_object_get_members (revisions);
  for (GList *l = ids; l != NULL; l = l->next)
    if (!is_string_array (json_object_get_member (revisions, l->data)))
      g_return_val_if_reached (NULL);

  if (!self->no_bulk_get)
    {
      g_autoptr(JsonObject) request = json_object_new ();
      g_autoptr(JsonArray) docs = json_array_new ();
      g_autoptr(JsonObject) answer = NULL;
      g_autoptr(GBytes) body = NULL;
      JsonNode *results;
      guint status = 0;

      for (GList *l = ids; l != NULL; l = l->next)
        {
          JsonArray *revs = json_object_get_array_member (revisions, l->data);

          for (guint i = 0; i < json_array_get_length (revs); i++)
            {
              JsonObject *doc = json_object_new ();

              json_object_set_string_member (doc, "id", l->data);
              json_object_set_string_member (doc, "rev", json_array_get_string_element (revs, i));
              json_array_add_object_element (docs, doc);
            }
        }
      json_object_set_array_member (request, "docs", g_steal_pointer (&docs));
      body = object_bytes (request);

      answer = request_object (self, "POST", "/_bulk_get?revs=true&latest=true", body, NULL, expected,
                               G_N_ELEMENTS (expected), &status, cancellable, error);
      if (answer == NULL)
        return NULL;

      if (status == SOUP_STATUS_OK)
        {
          results = json_object_get_member (answer, "results");
          if (results == NULL || !JSON_NODE_HOLDS_ARRAY (results))
            {
              g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_SERVER,
                           _("%s/_bulk_get: the answer lacks “results”"), self->url);
              return NULL;
            }
          for (guint i = 0; i < json_array_get_length (json_node_get_array (results)); i++)
            {
              JsonNode *result = json_array_get_element (json_node_get_array (results), i);
              JsonNode *docs_node = JSON_NODE_HOLDS_OBJECT (result) ?
                                    json_object_get_member (json_node_get_object (result), "docs") : NULL;

              if (docs_node == NULL || !JSON_NODE_HOLDS_ARRAY (docs_node))
                {
                  g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_SERVER,
                               _("%s/_bulk_get: a result lacks “docs”"), self->url);
                  return NULL;
                }
              if (!collect_ok (json_node_get_array (docs_node), documents, self->url, error))
                return NULL;
            }
          return g_steal_pointer (&documents);
        }

      /* Servers before CouchDB 2.0 have no _bulk_get. */
      g_debug ("%s: no _bulk_get (HTTP %u); fetching with open_revs", self->url, status);
      self->no_bulk_get = TRUE;
    }

  for (GList *l = ids; l != NULL; l = l->next)
    {
      JsonArray *revs = json_object_get_array_member (revisions, l->data);

      if (!fetch_with_open_revs (self, l->data, revs, documents, cancellable, error))
        return NULL;
    }

  return g_steal_pointer (&documents);
}

/* {"docs": [the documents' texts], "new_edits": false} */
static GBytes *
bulk_docs_body (GPtrArray *documents)
{
  g_autoptr(GString) body = NULL;
  gsize length = 64;

  for (guint i = 0; i < documents->len; i++)
    length += strlen (g_ptr_array_index (documents, i)) + 1;
  body = g_string_sized_new (length);
  g_string_append (body, "{\"docs\":[");
  for (guint i = 0; i < documents->len; i++)
    {
      if (i > 0)
        g_string_append_c (body, ',');
      g_string_append (body, g_ptr_array_index (documents, i));
    }
  g_string_append (body, "],\"new_edits\":false}");

  return g_string_free_to_bytes (g_steal_pointer (&body));
}

/**
 * godwit_replicator_begin_bulk_docs:
 * @documents: (element-type utf8): each document as JSON text, with its
 *   _rev and _revisions
 *
 * Sends POST /db/_bulk_docs with new_edits: false, so that the server
 * keeps exactly the revisions given, and returns without waiting for the
 * answer, once the request is sent: other requests can be made meanwhile,
 * from the same thread, and the answer is read as they run. Take it with
 * godwit_replicator_end_bulk_docs().
 *
 * Returns: (transfer full): the request under way, or %NULL when it could
 *   not be sent (a cookie session could not be opened)
 */
GodwitReplicatorRequest *
godwit_replicator_begin_bulk_docs (GodwitReplicator  *self,
                                   GPtrArray         *documents,
                                   GCancellable      *cancellable,
                                   GError           **error)
{
  g_autoptr(GBytes) body = NULL;

  g_return_val_if_fail (GODWIT_IS_REPLICATOR (self), NULL);
  g_return_val_if_fail (documents != NULL, NULL);

  body = bulk_docs_body (documents);

  return begin_request (self, "POST", "/_bulk_docs", body, cancellable, error);
}

/**
 * godwit_replicator_end_bulk_docs:
 * @request: a request of godwit_replicator_begin_bulk_docs(), whose
 *   answer is not taken yet
 *
 * Waits for the answer, retrying the request as any other after a
 * transient failure.
 *
 * Returns: (transfer full) (element-type utf8): one message per document
 *   the server refused (the request as a whole succeeded), empty when it
 *   took every one; %NULL with @error set when the request failed
 */
GPtrArray *
godwit_replicator_end_bulk_docs (GodwitReplicator         *self,
                                 GodwitReplicatorRequest  *request,
                                 GError                  **error)
{
  static const guint expected[] = { SOUP_STATUS_OK, SOUP_STATUS_CREATED, SOUP_STATUS_ACCEPTED };
  g_autoptr(GPtrArray) failures = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(JsonObject) answer = NULL;
  JsonNode *entries;

  g_return_val_if_fail (GODWIT_IS_REPLICATOR (self), NULL);
  g_return_val_if_fail (request != NULL && request->replicator == self, NULL);
  g_return_val_if_fail (request->exchange != NULL && g_str_equal (request->path, "/_bulk_docs"), NULL);

  answer = end_request (self, request, expected, G_N_ELEMENTS (expected), error);
  if (answer == NULL)
    return NULL;

  /* A 201 does not mean that every document was written: errors come per
   * document in the answer. */
  entries = json_object_get_member (answer, "response");
  if (entries == NULL || !JSON_NODE_HOLDS_ARRAY (entries))
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_SERVER, _("%s/_bulk_docs: the answer is not an array"),
                   self->url);
      return NULL;
    }
  for (guint i = 0; i < json_array_get_length (json_node_get_array (entries)); i++)
    {
      JsonNode *entry = json_array_get_element (json_node_get_array (entries), i);
      JsonObject *object;
      g_autofree char *reason = NULL;
      const char *id = "?";

      if (!JSON_NODE_HOLDS_OBJECT (entry))
        continue;
      object = json_node_get_object (entry);
      if (!json_object_has_member (object, "error"))
        continue;
      if (json_object_has_member (object, "id") && JSON_NODE_HOLDS_VALUE (json_object_get_member (object, "id")))
        id = json_object_get_string_member (object, "id");
      if (json_object_has_member (object, "reason") &&
          JSON_NODE_HOLDS_VALUE (json_object_get_member (object, "reason")))
        reason = g_strdup (json_object_get_string_member (object, "reason"));
      else if (JSON_NODE_HOLDS_VALUE (json_object_get_member (object, "error")))
        reason = g_strdup (json_object_get_string_member (object, "error"));
      g_ptr_array_add (failures, g_strdup_printf (_("%s: document “%s” refused: %s"), self->url, id,
                                                  reason != NULL ? reason : _("no reason given")));
    }

  return g_steal_pointer (&failures);
}

/**
 * godwit_replicator_request_free:
 *
 * Frees a request; one whose answer was not taken is cancelled first.
 */
void
godwit_replicator_request_free (GodwitReplicatorRequest *request)
{
  if (request == NULL)
    return;

  if (request->exchange != NULL)
    {
      g_cancellable_cancel (request->exchange->cancellable);
      exchange_wait (request->replicator, request->exchange);
      exchange_unref (request->exchange);
    }
  g_object_unref (request->replicator);
  g_free (request->path);
  g_bytes_unref (request->body);
  g_clear_object (&request->cancellable);
  g_free (request);
}

/* Whether the server behind @welcome, the answer of GET /, may hold
 * writes in memory until asked to commit them: Apache CouchDB before 2.0
 * (delayed_commits). Later CouchDB answers _ensure_full_commit without
 * doing anything, and other servers (PouchDB Server, Cloudant, …) write
 * at once; a CouchDB whose version cannot be read is asked. */
static gboolean
needs_full_commit (JsonObject *welcome)
{
  JsonNode *version = json_object_get_member (welcome, "version");
  guint64 major = 0;
  g_autofree char *digits = NULL;
  const char *text;

  if (!json_object_has_member (welcome, "couchdb"))
    return FALSE;
  if (version == NULL || !JSON_NODE_HOLDS_VALUE (version) || json_node_get_value_type (version) != G_TYPE_STRING)
    return TRUE;
  text = json_node_get_string (version);
  digits = g_strndup (text, strspn (text, "0123456789"));
  if (!g_ascii_string_to_unsigned (digits, 10, 0, G_MAXUINT32, &major, NULL))
    return TRUE;

  return major < 2;
}

/* Asks the server's root, once, whether it needs _ensure_full_commit; an
 * answer that does not tell (an error status, a proxy's page) means yes. */
static gboolean
find_full_commit (GodwitReplicator  *self,
                  GCancellable      *cancellable,
                  GError           **error)
{
  g_autofree char *url = g_strconcat (self->endpoint, "/", NULL);
  g_autoptr(GBytes) response = NULL;
  g_autoptr(JsonNode) root = NULL;
  guint status = 0;

  if (!ensure_session (self, cancellable, error))
    return FALSE;
  response = send_with_retries (self, "GET", url, NULL, TRUE, NULL, &status, cancellable, error);
  if (response == NULL)
    return FALSE;
  if (status == SOUP_STATUS_OK && g_bytes_get_size (response) <= 64 * 1024)
    root = _godwit_json_load_checked (g_bytes_get_data (response, NULL), g_bytes_get_size (response), url,
                                      "the server’s welcome", 64 * 1024, MAX_RESPONSE_DEPTH, NULL);
  self->full_commit = root != NULL && JSON_NODE_HOLDS_OBJECT (root) &&
                      !needs_full_commit (json_node_get_object (root)) ? FULL_COMMIT_NOT_NEEDED : FULL_COMMIT_NEEDED;
  g_debug ("%s: %s _ensure_full_commit", self->endpoint,
           self->full_commit == FULL_COMMIT_NEEDED ? "needs" : "does not need");

  return TRUE;
}

/**
 * godwit_replicator_ensure_full_commit:
 *
 * Makes what the server took durable before a checkpoint says so: POST
 * /db/_ensure_full_commit where the server may delay commits (CouchDB
 * before 2.0; the first call reads the server's root, GET /, to find
 * out); nothing is sent to the others, for which it is a no-op. Servers
 * without it are not an error.
 */
gboolean
godwit_replicator_ensure_full_commit (GodwitReplicator  *self,
                                      GCancellable      *cancellable,
                                      GError           **error)
{
  g_autoptr(GBytes) body = g_bytes_new_static ("{}", 2);
  g_autoptr(GBytes) response = NULL;
  guint status = 0;

  g_return_val_if_fail (GODWIT_IS_REPLICATOR (self), FALSE);

  if (self->full_commit == FULL_COMMIT_UNKNOWN && !find_full_commit (self, cancellable, error))
    return FALSE;
  if (self->full_commit == FULL_COMMIT_NOT_NEEDED)
    return TRUE;

  response = send_request (self, "POST", "/_ensure_full_commit", body, NULL, &status, cancellable, error);

  return response != NULL;
}
