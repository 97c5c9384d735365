// One MCP session over Streamable HTTP (handshake era): its conversation (an McpServer), the
// principal that opened it, and the event streams of its requests, to which the server's
// messages are routed by the request they belong to. Requests of one session may arrive on
// several connections at once; the session serialises their handling (tool calls still run
// concurrently on their own threads).
#ifndef PGARK_PROTOCOL_HTTP_HTTP_SESSION_H_
#define PGARK_PROTOCOL_HTTP_HTTP_SESSION_H_

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "absl/time/clock.h"
#include "protocol/http/event_stream.h"
#include "protocol/mcp/mcp_server.h"

namespace pgark::protocol {

class HttpSession {
 public:
  static constexpr size_t kMaxEventsPerStream = 256;
  static constexpr size_t kMaxStreams = 64;

  HttpSession(std::string id, std::string principal, const ToolRegistry& tools,
              const ServerIdentity& identity);
  ~HttpSession() { Close(); }

  const std::string& id() const { return id_; }
  const std::string& principal() const { return principal_; }
  // The version `initialize` negotiated ("" before it).
  std::string protocol_version();

  // Handles one POSTed message (or batch) as McpServer::HandleMessage does.
  std::optional<Json> Handle(const Json& message);
  // A stream for the replies to `key` (a request id, or the ids of a batch); nullptr while a
  // request with that key is still under way.
  std::shared_ptr<EventStream> OpenStream(const Json& key);
  // The stream whose events carry `stream_id`, for a client resuming it.
  std::shared_ptr<EventStream> FindStream(const std::string& stream_id);
  // The stream is no longer kept for resumption (its reply went out as JSON).
  void Forget(const std::shared_ptr<EventStream>& stream);

  void Touch();
  // Idle since when, or nullopt while a tool call runs.
  std::optional<absl::Time> IdleSince();
  // Cancels the calls under way, waits for them, and ends every stream.
  void Close();

 private:
  void Route(const Json& message, const Json& related);

  const std::string id_;
  const std::string principal_;
  std::mutex handle_mu_;  // one message handled at a time
  McpServer server_;
  std::mutex mu_;  // guards what follows
  std::map<std::string, std::shared_ptr<EventStream>> streams_;  // by key.dump()
  uint64_t next_stream_ = 1;
  absl::Time last_used_ = absl::Now();
};

}  // namespace pgark::protocol

#endif  // PGARK_PROTOCOL_HTTP_HTTP_SESSION_H_
