// `pgark mcp`: the db_* tools over MCP, on stdin/stdout (the default) or Streamable HTTP
// (--http). Only protocol messages go to stdout; the one line saying where it serves goes to
// stderr, and never a token.
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "engine/version.h"
#include "formats/status_macros.h"
#include "protocol/cli/cli_internal.h"
#include "protocol/http/http_server.h"
#include "protocol/mcp/mcp_server.h"
#include "protocol/tools/environment.h"

namespace pgark::protocol::cli_internal {
namespace {

absl::StatusOr<EngineToolsConfig> ToolsConfig(const Context& c) {
  EngineToolsConfig config;
  config.connect = c.connect;
  config.backup_dir = c.backup_dir;
  PGARK_ASSIGN_OR_RETURN(config.compression, CompressionFromEnvironment());
  config.allowed_tables = AllowedTablesFromEnvironment();
  if (!c.encryption.ok()) return c.encryption.status();
  config.encryption = *c.encryption;
  PGARK_ASSIGN_OR_RETURN(bool read_only_env, BoolFromEnvironment("PGARK_MCP_READ_ONLY", false));
  config.read_only = c.args.Has("read-only") || read_only_env;
  return config;
}

ServerIdentity Identity(const EngineToolsConfig& config) {
  ServerIdentity identity;
  identity.title = "pgark: PostgreSQL backup and restore";
  identity.version = engine::kPgarkVersion;
  identity.instructions = absl::StrCat(
      "Backs up, validates and restores the configured PostgreSQL database. Backups are files in "
      "the backup directory (", config.backup_dir, "); FILE arguments are plain names there, as "
      "db_list_backups shows them. ",
      config.read_only
          ? "This server is read-only: only tools that change nothing are offered. "
          : "db_restore_full, db_restore_table, db_import_* and db_delete_backup are destructive; "
            "a failed restore changes nothing. ",
      "Full backups and restores of large databases can take minutes and report progress.");
  return identity;
}

// "[ADDR:]PORT", "[::1]:PORT".
absl::Status ParseListen(const std::string& text, HttpOptions& o) {
  std::string port = text;
  const size_t colon = text.rfind(':');
  if (colon != std::string::npos) {
    std::string host = text.substr(0, colon);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
      host = host.substr(1, host.size() - 2);
    }
    if (!host.empty()) o.host = host;
    port = text.substr(colon + 1);
  }
  if (!absl::SimpleAtoi(port, &o.port) || o.port < 0 || o.port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("--http \"", text, "\" is not [ADDR:]PORT (e.g. 127.0.0.1:8765)"));
  }
  return absl::OkStatus();
}

// The token from a file only its owner can read, without its trailing newline.
absl::StatusOr<std::string> ReadTokenFile(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
    return absl::NotFoundError(absl::StrCat("--token-file ", path, ": no such regular file"));
  }
  if ((st.st_mode & 077) != 0) {
    return absl::PermissionDeniedError(absl::StrCat(
        "--token-file ", path, " is readable by others: chmod 600 it"));
  }
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return std::string(absl::StripAsciiWhitespace(text.str()));
}

absl::StatusOr<HttpOptions> HttpOptionsOf(const Context& c) {
  HttpOptions o;
  PGARK_RETURN_IF_ERROR(ParseListen(c.args.Value("http"), o));
  o.token = Env("PGARK_MCP_TOKEN");
  if (c.args.values.count("token-file")) {
    PGARK_ASSIGN_OR_RETURN(o.token, ReadTokenFile(c.args.Value("token-file")));
  }
  if (!o.token.empty() && o.token.size() < 16) {
    return absl::InvalidArgumentError("the MCP token must be at least 16 characters");
  }
  auto all = [&c](const char* name) {
    auto it = c.args.values.find(name);
    return it == c.args.values.end() ? std::vector<std::string>{} : it->second;
  };
  o.allowed_hosts = all("allowed-host");
  o.allowed_origins = all("allowed-origin");
  o.tls_cert = c.args.Value("tls-cert");
  o.tls_key = c.args.Value("tls-key");
  o.authorization_server = c.args.Value("authorization-server");
  o.jwks_file = c.args.Value("jwks-file");
  o.resource = c.args.Value("resource");
  PGARK_ASSIGN_OR_RETURN(std::optional<int64_t> sessions, PositiveFlag(c.args, "max-sessions"));
  if (sessions) o.max_sessions = static_cast<size_t>(*sessions);
  PGARK_ASSIGN_OR_RETURN(std::optional<int64_t> idle, PositiveFlag(c.args, "session-idle"));
  if (idle) o.session_idle = absl::Seconds(*idle);
  PGARK_RETURN_IF_ERROR(CheckHttpOptions(o));
  o.metrics = [file = Env("BACKUP_METRICS_FILE"), dir = c.backup_dir] {
    return engine::MetricsText(file, dir);
  };
  return o;
}

absl::Status ServeHttp(Context& c, const ToolRegistry& registry, ServerIdentity identity) {
  PGARK_ASSIGN_OR_RETURN(HttpOptions options, HttpOptionsOf(c));
  const bool auth = !options.token.empty() || !options.jwks_file.empty();
  McpHttpServer server(registry, std::move(identity), std::move(options));
  PGARK_ASSIGN_OR_RETURN(std::string url, server.Bind());
  c.err << "pgark mcp " << engine::kPgarkVersion << ": serving MCP on " << url
        << (auth ? " (bearer token required)" : " (no token: loopback only)") << ", backups in "
        << c.backup_dir << "\n" << std::flush;
  server.Serve(c.interrupted);
  return absl::OkStatus();
}

}  // namespace

absl::Status RunMcpCommand(Context& c) {
  PGARK_ASSIGN_OR_RETURN(EngineToolsConfig config, ToolsConfig(c));
  ToolRegistry registry;
  RegisterEngineTools(registry, config);
  ServerIdentity identity = Identity(config);
  if (c.args.values.count("http")) return ServeHttp(c, registry, std::move(identity));
  LineWriter writer(STDOUT_FILENO);
  McpServer server(registry, identity, [&writer](const Json& m, const Json&) {
    if (!m.is_null()) writer.Write(m);
  });
  c.err << "pgark mcp " << engine::kPgarkVersion << ": serving MCP on stdin/stdout, backups in "
        << c.backup_dir << "\n" << std::flush;
  server.Serve(STDIN_FILENO, c.interrupted);
  return absl::OkStatus();
}

}  // namespace pgark::protocol::cli_internal
