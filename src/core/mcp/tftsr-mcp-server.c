/* tftsr-mcp-server.c: a server's configuration, its checks, and the value types
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n-lib.h>
#include <string.h>

#include "tftsr-mcp-private.h"

/* Environment variables no server may be given. Each makes the dynamic loader, the C
 * library, a toolkit or an interpreter load or run code named by the value, so a value
 * typed into a settings dialog (or planted in the database) would run in every process the
 * server starts, whatever its command. Whole prefixes first, then names. */
static const char *const hijack_prefixes[] = {
  "LD_",   /* glibc's loader: LD_PRELOAD, LD_LIBRARY_PATH, LD_AUDIT, LD_DEBUG_OUTPUT… */
  "DYLD_", /* macOS's loader */
  "MALLOC_", "GLIBC_", /* glibc tunables reach into allocator and hardware-capability code */
};
static const char *const hijack_names[] = {
  "GCONV_PATH", /* iconv loads modules from it */
  "GIO_MODULE_DIR",
  "GIO_EXTRA_MODULES",
  "GTK_MODULES",
  "GTK3_MODULES",
  "GTK_PATH",
  "GST_PLUGIN_PATH",
  "QT_PLUGIN_PATH", /* toolkits load plug-ins from them */
  "PYTHONPATH",
  "PYTHONSTARTUP",
  "PYTHONHOME",
  "PYTHONUSERBASE",
  "PYTHONINSPECT",
  "PYTHONEXECUTABLE",
  "PYTHONWARNINGS", /* a warning filter can import any module */
  "PERL5LIB",
  "PERL5OPT",
  "PERLLIB",
  "PERL5DB",
  "RUBYOPT",
  "RUBYLIB",
  "NODE_OPTIONS",
  "NODE_PATH",
  "NODE_REPL_EXTERNAL_MODULE", /* --require runs code */
  "JAVA_TOOL_OPTIONS",
  "_JAVA_OPTIONS",
  "JDK_JAVA_OPTIONS",
  "CLASSPATH",
  "DOTNET_STARTUP_HOOKS",
  "CORECLR_PROFILER_PATH",
  "BASH_ENV",
  "ENV",
  "PS4",
  "SHELLOPTS",
  "BASHOPTS",
  "IFS",
  "CDPATH", /* shells source or eval */
  "PATH",   /* the command is absolute, but what it starts in turn is looked up here */
  "HOSTALIASES",
  "RESOLV_HOST_CONF",
  "LOCALDOMAIN", /* name resolution redirected */
  "TMPDIR",      /* not code, but a server's scratch files somewhere chosen for it */
};

gboolean
tftsr_mcp_check_env_name (const char *name, GError **error)
{
  g_return_val_if_fail (name != NULL, FALSE);

  gboolean portable = *name != '\0' && !g_ascii_isdigit (*name);
  for (const char *p = name; *p != '\0' && portable; p++)
    portable = g_ascii_isalnum (*p) || *p == '_';
  if (!portable || strlen (name) > 128)
    {
      g_set_error (error, TFTSR_MCP_ERROR, TFTSR_MCP_ERROR_INVALID,
                   _ ("“%s” is not an environment variable name: use letters, digits and “_”, "
                      "not starting with a digit."),
                   name);
      return FALSE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (hijack_prefixes); i++)
    if (g_str_has_prefix (name, hijack_prefixes[i]))
      goto refused;
  for (guint i = 0; i < G_N_ELEMENTS (hijack_names); i++)
    if (strcmp (name, hijack_names[i]) == 0)
      goto refused;
  return TRUE;

refused:
  g_set_error (error, TFTSR_MCP_ERROR, TFTSR_MCP_ERROR_INVALID,
               _ ("The environment variable %s is refused: it can make the server's process "
                  "load or run other code."),
               name);
  return FALSE;
}

gboolean
tftsr_mcp_check_name (const char *name, GError **error)
{
  gboolean ok = name != NULL && *name != '\0' && strlen (name) <= 60 && g_ascii_isalnum (*name);

  for (const char *p = name; ok && *p != '\0'; p++)
    ok = (g_ascii_isalnum (*p) && !g_ascii_isupper (*p)) || strchr ("._-", *p) != NULL;
  if (!ok)
    g_set_error (error, TFTSR_MCP_ERROR, TFTSR_MCP_ERROR_INVALID,
                 _ ("“%s” is not a valid server name: use 1 to 60 lower-case letters, digits, "
                    "“.”, “_” and “-”, starting with a letter or digit."),
                 name != NULL ? name : "");
  return ok;
}

char *
tftsr_mcp_vault_id (const char *name)
{
  return g_strconcat ("mcp.", name, NULL);
}

/* ------------------------------------------------------------------------------------------
 * Words
 */

static const char *const transports[] = { "stdio", "http" };
static const char *const auths[] = { "none", "api_key", "bearer", "oauth" };
static const char *const statuses[] = { "pending", "connected", "unreachable", "error" };

static gboolean
word_index (const char *const *words, guint n, const char *text, int *index)
{
  for (guint i = 0; i < n; i++)
    if (g_strcmp0 (words[i], text) == 0)
      return *index = (int) i, TRUE;
  return FALSE;
}

const char *
tftsr_mcp_transport_to_string (TftsrMcpTransport transport)
{
  return transports[transport];
}

gboolean
tftsr_mcp_transport_from_string (const char *text, TftsrMcpTransport *transport)
{
  int i = 0;
  return word_index (transports, G_N_ELEMENTS (transports), text, &i) &&
         (*transport = (TftsrMcpTransport) i, TRUE);
}

const char *
tftsr_mcp_auth_to_string (TftsrMcpAuth auth)
{
  return auths[auth];
}

gboolean
tftsr_mcp_auth_from_string (const char *text, TftsrMcpAuth *auth)
{
  int i = 0;
  return word_index (auths, G_N_ELEMENTS (auths), text, &i) && (*auth = (TftsrMcpAuth) i, TRUE);
}

const char *
tftsr_mcp_status_to_string (TftsrMcpStatus status)
{
  return statuses[status];
}

const char *
tftsr_mcp_status_to_label (TftsrMcpStatus status)
{
  switch (status)
    {
    case TFTSR_MCP_STATUS_PENDING:
      return _ ("Not checked");
    case TFTSR_MCP_STATUS_CONNECTED:
      return _ ("Connected");
    case TFTSR_MCP_STATUS_UNREACHABLE:
      return _ ("Unreachable");
    case TFTSR_MCP_STATUS_ERROR:
    default:
      return _ ("Error");
    }
}

/* ------------------------------------------------------------------------------------------
 * The boxed configuration
 */

TftsrMcpServer *
tftsr_mcp_server_new (void)
{
  TftsrMcpServer *server = g_new0 (TftsrMcpServer, 1);

  server->enabled = TRUE;
  server->n_tools = -1;
  server->n_resources = -1;
  return server;
}

TftsrMcpServer *
tftsr_mcp_server_copy (const TftsrMcpServer *server)
{
  TftsrMcpServer *copy = g_memdup2 (server, sizeof *server);

  copy->name = g_strdup (server->name);
  copy->command = g_strdup (server->command);
  copy->args = g_strdupv (server->args);
  copy->env = g_strdupv (server->env);
  copy->secret_env = g_strdupv (server->secret_env);
  copy->url = g_strdup (server->url);
  copy->headers = g_strdupv (server->headers);
  copy->secret_headers = g_strdupv (server->secret_headers);
  copy->api_key_header = g_strdup (server->api_key_header);
  copy->oauth_authorize_url = g_strdup (server->oauth_authorize_url);
  copy->oauth_token_url = g_strdup (server->oauth_token_url);
  copy->oauth_revoke_url = g_strdup (server->oauth_revoke_url);
  copy->oauth_client_id = g_strdup (server->oauth_client_id);
  copy->oauth_scope = g_strdup (server->oauth_scope);
  copy->created_at = g_strdup (server->created_at);
  copy->updated_at = g_strdup (server->updated_at);
  copy->status_reason = g_strdup (server->status_reason);
  copy->status_at = g_strdup (server->status_at);
  return copy;
}

void
tftsr_mcp_server_free (TftsrMcpServer *server)
{
  if (server == NULL)
    return;
  g_free (server->name);
  g_free (server->command);
  g_strfreev (server->args);
  g_strfreev (server->env);
  g_strfreev (server->secret_env);
  g_free (server->url);
  g_strfreev (server->headers);
  g_strfreev (server->secret_headers);
  g_free (server->api_key_header);
  g_free (server->oauth_authorize_url);
  g_free (server->oauth_token_url);
  g_free (server->oauth_revoke_url);
  g_free (server->oauth_client_id);
  g_free (server->oauth_scope);
  g_free (server->created_at);
  g_free (server->updated_at);
  g_free (server->status_reason);
  g_free (server->status_at);
  g_free (server);
}

G_DEFINE_BOXED_TYPE (TftsrMcpServer, tftsr_mcp_server, tftsr_mcp_server_copy, tftsr_mcp_server_free)

void
tftsr_mcp_server_get_oauth_config (const TftsrMcpServer *server, TftsrOAuthConfig *config)
{
  memset (config, 0, sizeof *config);
  config->authorize_url = server->oauth_authorize_url;
  config->token_url = server->oauth_token_url;
  config->revoke_url = server->oauth_revoke_url;
  config->client_id = server->oauth_client_id;
  config->scope = server->oauth_scope;
}

/* ------------------------------------------------------------------------------------------
 * Validation
 */

static gboolean
invalid (GError **error, const char *message)
{
  g_set_error_literal (error, TFTSR_MCP_ERROR, TFTSR_MCP_ERROR_INVALID, message);
  return FALSE;
}

static gboolean
check_header_name (const char *name, GError **error)
{
  gboolean ok = *name != '\0' && strlen (name) <= 256;

  /* RFC 9110 token characters. */
  for (const char *p = name; ok && *p != '\0'; p++)
    ok = g_ascii_isalnum (*p) || strchr ("!#$%&'*+-.^_`|~", *p) != NULL;
  if (!ok)
    g_set_error (error, TFTSR_MCP_ERROR, TFTSR_MCP_ERROR_INVALID,
                 _ ("“%s” is not an HTTP header name."), name);
  /* These the client sets itself; a configured one would break the session. */
  else if (g_ascii_strcasecmp (name, "Content-Type") == 0 ||
           g_ascii_strcasecmp (name, "Accept") == 0 ||
           g_ascii_strcasecmp (name, "Mcp-Session-Id") == 0 ||
           g_ascii_strcasecmp (name, "MCP-Protocol-Version") == 0 ||
           g_ascii_strcasecmp (name, "Content-Length") == 0 ||
           g_ascii_strcasecmp (name, "Host") == 0)
    {
      g_set_error (error, TFTSR_MCP_ERROR, TFTSR_MCP_ERROR_INVALID,
                   _ ("The header %s is set by tftsr itself and cannot be configured."), name);
      ok = FALSE;
    }
  return ok;
}

gboolean
tftsr_mcp_split_pair (const char *pair, char sep, char **name, const char **value)
{
  const char *at = strchr (pair, sep);

  if (at == NULL)
    return FALSE;
  *name = g_strstrip (g_strndup (pair, (gsize) (at - pair)));
  *value = at + 1;
  while (sep == ':' && (**value == ' ' || **value == '\t'))
    (*value)++;
  return TRUE;
}

static gboolean
check_value (const char *what, const char *name, const char *value, GError **error)
{
  if (!g_utf8_validate (value, -1, NULL) || strpbrk (value, "\r\n") != NULL ||
      strlen (value) > 8192)
    {
      g_set_error (error, TFTSR_MCP_ERROR, TFTSR_MCP_ERROR_INVALID,
                   _ ("The value of %s %s must be one line of text (at most 8 KiB)."), what, name);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_pairs (GStrv pairs, char sep, GError **error)
{
  for (guint i = 0; pairs != NULL && pairs[i] != NULL; i++)
    {
      g_autofree char *name = NULL;
      const char *value = NULL;

      if (!tftsr_mcp_split_pair (pairs[i], sep, &name, &value))
        {
          g_set_error (error, TFTSR_MCP_ERROR, TFTSR_MCP_ERROR_INVALID,
                       sep == '=' ? _ ("“%s” is not NAME=value.") : _ ("“%s” is not Name: value."),
                       pairs[i]);
          return FALSE;
        }
      if (sep == '=' ? !tftsr_mcp_check_env_name (name, error) ||
                           !check_value (_ ("the variable"), name, value, error)
                     : !check_header_name (name, error) ||
                           !check_value (_ ("the header"), name, value, error))
        return FALSE;
    }
  return TRUE;
}

/* Whether @name is in @pairs (by name) or @names, case-insensitively for headers. */
static gboolean
listed (GStrv pairs, GStrv names, char sep, const char *name, gsize skip_names_index)
{
  for (guint i = 0; pairs != NULL && pairs[i] != NULL; i++)
    {
      g_autofree char *other = NULL;
      const char *value = NULL;
      if (tftsr_mcp_split_pair (pairs[i], sep, &other, &value) &&
          (sep == '=' ? strcmp (other, name) == 0 : g_ascii_strcasecmp (other, name) == 0))
        return TRUE;
    }
  for (guint i = 0; names != NULL && names[i] != NULL; i++)
    if (i != skip_names_index &&
        (sep == '=' ? strcmp (names[i], name) == 0 : g_ascii_strcasecmp (names[i], name) == 0))
      return TRUE;
  return FALSE;
}

static gboolean
check_secret_names (GStrv names, GStrv pairs, char sep, GError **error)
{
  for (guint i = 0; names != NULL && names[i] != NULL; i++)
    {
      if (sep == '=' ? !tftsr_mcp_check_env_name (names[i], error)
                     : !check_header_name (names[i], error))
        return FALSE;
      if (listed (pairs, names, sep, names[i], i))
        {
          g_set_error (error, TFTSR_MCP_ERROR, TFTSR_MCP_ERROR_INVALID,
                       _ ("%s is given twice; give each name once, plain or secret."), names[i]);
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
check_stdio (const TftsrMcpServer *server, GError **error)
{
  if (server->command == NULL || !g_path_is_absolute (server->command))
    return invalid (error, _ ("The command must be an absolute path to a program."));
  if (server->url != NULL || server->headers != NULL || server->secret_headers != NULL ||
      server->auth != TFTSR_MCP_AUTH_NONE)
    return invalid (error, _ ("A server started as a command has no URL, headers or sign-in."));
  for (guint i = 0; server->args != NULL && server->args[i] != NULL; i++)
    if (!g_utf8_validate (server->args[i], -1, NULL))
      return invalid (error, _ ("The arguments must be text (UTF-8)."));
  return check_pairs (server->env, '=', error) &&
         check_secret_names (server->secret_env, server->env, '=', error);
}

static gboolean
check_auth (const TftsrMcpServer *server, GError **error)
{
  const char *header = server->api_key_header;

  if (server->auth == TFTSR_MCP_AUTH_API_KEY && header != NULL &&
      !check_header_name (header, error))
    return FALSE;
  if (server->auth == TFTSR_MCP_AUTH_OAUTH &&
      (server->oauth_authorize_url == NULL || server->oauth_token_url == NULL ||
       server->oauth_client_id == NULL))
    return invalid (error, _ ("Signing in with OAuth needs the authorization URL, the token URL "
                              "and the client id."));
  return TRUE;
}

static gboolean
check_http (const TftsrMcpServer *server, GError **error)
{
  g_autoptr (GUri) uri = NULL;

  if (server->url == NULL || (uri = g_uri_parse (server->url, G_URI_FLAGS_NONE, NULL)) == NULL ||
      (g_strcmp0 (g_uri_get_scheme (uri), "http") != 0 &&
       g_strcmp0 (g_uri_get_scheme (uri), "https") != 0) ||
      g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    return invalid (error, _ ("The URL must be an http:// or https:// address."));
  if (g_uri_get_userinfo (uri) != NULL)
    return invalid (error, _ ("The URL must not hold a user name or password; use the sign-in "
                              "settings or a secret header."));
  if (server->command != NULL || server->args != NULL || server->env != NULL ||
      server->secret_env != NULL)
    return invalid (error, _ ("A server reached by URL has no command or environment."));
  return check_pairs (server->headers, ':', error) &&
         check_secret_names (server->secret_headers, server->headers, ':', error) &&
         check_auth (server, error);
}

gboolean
tftsr_mcp_server_validate (const TftsrMcpServer *server, GError **error)
{
  g_return_val_if_fail (server != NULL, FALSE);

  if (!tftsr_mcp_check_name (server->name, error))
    return FALSE;
  if (server->timeout_ms > 3600 * 1000)
    return invalid (error, _ ("The timeout can be at most an hour."));
  return server->transport == TFTSR_MCP_TRANSPORT_STDIO ? check_stdio (server, error)
                                                        : check_http (server, error);
}

/* ------------------------------------------------------------------------------------------
 * Value types
 */

void
tftsr_mcp_tool_free (TftsrMcpTool *tool)
{
  if (tool == NULL)
    return;
  g_free (tool->name);
  g_free (tool->title);
  g_free (tool->description);
  g_free (tool->input_schema);
  g_free (tool->output_schema);
  g_free (tool->annotations);
  g_free (tool->json);
  g_free (tool);
}

void
tftsr_mcp_resource_free (TftsrMcpResource *resource)
{
  if (resource == NULL)
    return;
  g_free (resource->uri);
  g_free (resource->name);
  g_free (resource->title);
  g_free (resource->description);
  g_free (resource->mime_type);
  g_free (resource->json);
  g_free (resource);
}

void
tftsr_mcp_content_free (TftsrMcpContent *content)
{
  if (content == NULL)
    return;
  g_free (content->text);
  g_clear_pointer (&content->data, g_bytes_unref);
  g_free (content->mime_type);
  g_free (content->uri);
  g_free (content->name);
  g_free (content->json);
  g_free (content);
}

void
tftsr_mcp_tool_result_free (TftsrMcpToolResult *result)
{
  if (result == NULL)
    return;
  g_clear_pointer (&result->content, g_ptr_array_unref);
  g_free (result->structured_content);
  g_free (result->json);
  g_free (result);
}

/* "[image/png, 12.3 kB, not shown]": binary content is described, never passed on. The PII
 * scan reads text only, so bytes it cannot read must not reach a model; and base64 would
 * cost a model's context for nothing it can use. */
static void
append_binary (GString *out, const char *mime_type, GBytes *data)
{
  g_autofree char *formatted = g_format_size (data != NULL ? g_bytes_get_size (data) : 0);
  /* g_format_size() puts a no-break space before the unit; a plain one reads the same to a
   * model and to a terminal. */
  g_auto (GStrv) pieces = g_strsplit (formatted, "\u00a0", -1);
  g_autofree char *size = g_strjoinv (" ", pieces);

  g_string_append_printf (out, _ ("[%s, %s, not shown]"),
                          mime_type != NULL ? mime_type : "application/octet-stream", size);
}

/* The type a block of an unknown kind says it is. */
static char *
dup_block_type (const TftsrMcpContent *block)
{
  g_autoptr (json_object) object = json_tokener_parse (block->json);
  const char *type = object != NULL ? tftsr_mcp_json_string (object, "type") : NULL;

  return g_strdup (type != NULL ? type : "?");
}

/* One block as text; TRUE when it carried text of its own (not a description). */
static gboolean
append_block (GString *out, const TftsrMcpContent *block)
{
  g_autofree char *type = NULL;

  switch (block->kind)
    {
    case TFTSR_MCP_CONTENT_TEXT:
      g_string_append (out, block->text);
      return TRUE;
    case TFTSR_MCP_CONTENT_RESOURCE:
      g_string_append_printf (out, _ ("[resource %s]"), block->uri);
      g_string_append_c (out, block->text != NULL ? '\n' : ' ');
      if (block->text == NULL)
        append_binary (out, block->mime_type, block->data);
      else
        g_string_append (out, block->text);
      return block->text != NULL;
    case TFTSR_MCP_CONTENT_IMAGE:
    case TFTSR_MCP_CONTENT_AUDIO:
      append_binary (out, block->mime_type, block->data);
      return FALSE;
    case TFTSR_MCP_CONTENT_RESOURCE_LINK:
      g_string_append_printf (out, _ ("[resource link “%s”: %s]"),
                              block->name != NULL ? block->name : block->uri, block->uri);
      return FALSE;
    case TFTSR_MCP_CONTENT_OTHER:
    default:
      type = dup_block_type (block);
      g_string_append_printf (out, _ ("[content of type “%s”, not shown]"), type);
      return FALSE;
    }
}

char *
tftsr_mcp_tool_result_dup_text (const TftsrMcpToolResult *result)
{
  GString *text = g_string_new (NULL);
  gboolean has_text = FALSE;

  g_return_val_if_fail (result != NULL, NULL);
  for (guint i = 0; i < result->content->len; i++)
    {
      if (text->len > 0)
        g_string_append_c (text, '\n');
      has_text |= append_block (text, g_ptr_array_index (result->content, i));
    }
  if (!has_text && result->structured_content != NULL)
    {
      if (text->len > 0)
        g_string_append_c (text, '\n');
      g_string_append (text, result->structured_content);
    }
  return g_string_free (text, FALSE);
}

void
tftsr_mcp_discovery_free (TftsrMcpDiscovery *discovery)
{
  if (discovery == NULL)
    return;
  g_free (discovery->protocol_version);
  g_free (discovery->server_name);
  g_free (discovery->server_version);
  g_free (discovery->instructions);
  g_clear_pointer (&discovery->tools, g_ptr_array_unref);
  g_clear_pointer (&discovery->resources, g_ptr_array_unref);
  g_free (discovery);
}

void
tftsr_mcp_wipe_free (gpointer text)
{
  if (text != NULL)
    explicit_bzero (text, strlen (text));
  g_free (text);
}
