// `pgark mcp --http ADDR:PORT`: MCP Streamable HTTP on one endpoint, /mcp. The handshake era
// (2025-11-25 and older: sessions, SSE per request with event ids and resumption, DELETE) and
// the stateless 2026-07-28 revision (chosen per request by its _meta) share it. One process,
// one tool registry; each session has its own conversation, so calls of different sessions
// run concurrently and a cancel reaches only its own session's call.
//
// Every request passes, in order: Host and Origin (403), the bearer token (401), then method,
// media types, body and session. See README "MCP over HTTP" for the security model.
#ifndef PGARK_PROTOCOL_HTTP_HTTP_SERVER_H_
#define PGARK_PROTOCOL_HTTP_HTTP_SERVER_H_

#include <atomic>
#include <memory>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "protocol/mcp/mcp_server.h"
#include "protocol/mcp/tool_registry.h"

namespace pgark::protocol {

struct HttpOptions {
  std::string host = "127.0.0.1";
  int port = 0;       // 0: any free port
  std::string token;  // bearer token; empty: no authentication (loopback only)
  std::vector<std::string> allowed_hosts;    // beyond the loopback names
  std::vector<std::string> allowed_origins;  // beyond http://localhost:PORT and the like
  std::string tls_cert;                      // PEM files; both or neither
  std::string tls_key;
  // OAuth: the authorization server whose RS256 access tokens (keys in `jwks_file`) are
  // accepted, published in the RFC 9728 metadata. Both or neither.
  std::string authorization_server;
  std::string jwks_file;
  // The canonical URL clients reach (behind a proxy: its public URL); tokens must name it in
  // `aud`. Default: the bound address.
  std::string resource;
  size_t max_sessions = 256;
  absl::Duration session_idle = absl::Hours(1);
  size_t max_body_bytes = 4u << 20;
  int worker_threads = 128;  // concurrent connections served at once
  // Set: GET /metrics answers its Prometheus text (behind the same Host/Origin checks and
  // token as /mcp).
  std::function<std::string()> metrics;
};

// Checks options that need no socket: a non-loopback bind needs a token, TLS needs both files.
absl::Status CheckHttpOptions(const HttpOptions& options);

class McpHttpServer {
 public:
  McpHttpServer(const ToolRegistry& tools, ServerIdentity identity, HttpOptions options);
  ~McpHttpServer();

  // Binds the socket; the endpoint's URL ("http://127.0.0.1:PORT/mcp").
  absl::StatusOr<std::string> Bind();
  // Serves until `*stop` turns true, then ends every session (cancelling their calls).
  void Serve(const std::atomic<bool>* stop);
  // Sessions alive now.
  size_t SessionCount();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace pgark::protocol

#endif  // PGARK_PROTOCOL_HTTP_HTTP_SERVER_H_
