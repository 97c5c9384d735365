// `McpServer` is one MCP conversation: a stdio connection, an HTTP session, or one stateless
// request. It speaks the handshake era (2025-11-25, 2025-06-18, 2025-03-26, 2024-11-05) and,
// after `BeginStateless`, the stateless 2026-07-28 revision. Its core, `HandleMessage`, is
// request-in, reply-out; `tools/call` runs on a thread of its own so that messages keep being
// read while a tool works (ping is answered, notifications/cancelled stops the call) and the
// reply is sent later through the `send` callback, tagged with the request it belongs to (so
// that HTTP can route it to that request's stream). `Serve` is the stdio loop around it: it
// reads until EOF (or a signal), then cancels running calls and waits for them to unwind.
// Nothing but protocol messages is ever written through `send`.
#ifndef PGARK_PROTOCOL_MCP_MCP_SERVER_H_
#define PGARK_PROTOCOL_MCP_MCP_SERVER_H_

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "protocol/mcp/json_rpc.h"
#include "protocol/mcp/tool_registry.h"

namespace pgark::protocol {

struct ServerIdentity {
  std::string name = "pgark";
  std::string title;
  std::string version;
  std::string instructions;
};

// The protocol versions this server speaks, newest first.
inline constexpr const char* kProtocolVersions[] = {"2025-11-25", "2025-06-18", "2025-03-26",
                                                    "2024-11-05"};
// The stateless revision, served over HTTP beside the handshake era.
inline constexpr char kStatelessVersion[] = "2026-07-28";
// Where a stateless request's _meta carries its protocol version and log level.
inline constexpr char kMetaProtocolVersion[] = "io.modelcontextprotocol/protocolVersion";
inline constexpr char kMetaLogLevel[] = "io.modelcontextprotocol/logLevel";

bool IsProtocolVersion(absl::string_view version);

class McpServer {
 public:
  // `related` is the id of the request a message belongs to (progress, log lines, the reply of
  // a tools/call), a JSON array of ids for a batch's replies, or null. A null `message` says
  // that the call `related` ended without a reply (it was cancelled): nothing is to be sent.
  using Send = std::function<void(const Json& message, const Json& related)>;

  // `tools` must outlive the server. `send` is called from several threads, one message at a
  // time per call.
  McpServer(const ToolRegistry& tools, ServerIdentity identity, Send send);
  // Cancels running calls and waits for them.
  ~McpServer();

  // Handles one message (or, under 2025-03-26, a batch). Returns the reply to send now, if
  // any. Notifications get none; a tools/call replies later through `send`, unless inline
  // calls are on (tests), when the reply is returned here.
  std::optional<Json> HandleMessage(const Json& message);

  // Serves the stateless revision from now on: no handshake, one request per server; `meta` is
  // the request's _meta (its log level, if any, applies).
  void BeginStateless(const Json& meta);

  // Tool calls under way.
  size_t RunningCalls();

  // Reads messages from `in_fd` until EOF or until `*stop` turns true, replying through `send`.
  void Serve(int in_fd, const std::atomic<bool>* stop);

  // Cancels every running call and waits for all of them to finish.
  void Shutdown();
  // Joins the calls under way, letting them finish and answer.
  void WaitForCalls();

  void set_inline_calls(bool inline_calls) { inline_calls_ = inline_calls; }
  const std::string& protocol_version() const { return protocol_version_; }

  static constexpr size_t kMaxLineBytes = 10u << 20;

 private:
  struct Call {
    std::thread thread;
    std::shared_ptr<std::atomic<bool>> cancelled;
    std::shared_ptr<std::atomic<bool>> done;
  };
  // A 2025-03-26 batch whose tool calls run on workers like single ones (so that ping and
  // cancellation are served meanwhile): its replies are sent as one array when the last is in.
  struct Batch {
    std::mutex mu;
    Json key;  // the ids of its requests, in order: the `related` of its replies
    Json replies = Json::array();
    int pending = 0;      // calls still running
    bool closed = false;  // every member has been handled
  };
  // A call of `batch` ended (with `reply`, or none when cancelled): sends the array once the
  // batch is complete.
  void FinishBatchCall(Batch& batch, std::optional<Json> reply);

  std::optional<Json> HandleOne(const Json& message);
  Json Initialize(const Json& id, const Json& params);
  Json ListTools(const Json& id, const Json& params) const;
  std::optional<Json> CallTool(const Json& id, const Json& params);
  Json ToolSpecJson(const ToolSpec& tool) const;
  Json ToolResult(const absl::StatusOr<Json>& result) const;
  void Cancel(const Json& request_id);
  void ReapFinishedCalls();
  // The MCP log notification for `message`, if `level` is at or above the client's.
  std::optional<Json> LogMessage(absl::string_view level, const std::string& message) const;
  ToolContext CallContext(const Json& id, const std::optional<Json>& token,
                          std::shared_ptr<std::atomic<bool>> cancelled);
  // Sends an elicitation/create request on the stream of call `related` and waits for the
  // client's answer (or cancellation, or a timeout).
  std::optional<bool> Confirm(const Json& related, const std::string& message,
                              const std::atomic<bool>& cancelled);
  Json Discover(const Json& id) const;
  Json Capabilities() const;
  Json Resources(const Json& id, const std::string& method, const Json& params) const;
  // Adds what the stateless revision wants on every result.
  Json Finish(Json reply) const;
  bool AtLeast(absl::string_view version) const { return protocol_version_ >= version; }
  bool Stateless() const { return protocol_version_ == kStatelessVersion; }

  const ToolRegistry& tools_;
  ServerIdentity identity_;
  Send send_;
  bool inline_calls_ = false;
  std::shared_ptr<Batch> batch_;  // the batch being handled, if any
  bool initialized_ = false;
  std::string protocol_version_;
  std::atomic<int> log_rank_{1};  // "info"; -1 logs nothing
  bool client_elicits_ = false;  // the client declared the elicitation capability
  std::mutex mu_;
  std::map<std::string, Call> calls_;  // by id.dump()
  // Our requests awaiting the client's response, by id: the response once it is in.
  std::map<std::string, std::optional<Json>> pending_;
  std::condition_variable answered_;
  uint64_t next_request_ = 1;
};

// Writes each message as one line to a file descriptor, one writer at a time; after EPIPE it
// drops messages (the client is gone).
class LineWriter {
 public:
  explicit LineWriter(int fd) : fd_(fd) {}
  void Write(const Json& message);

 private:
  std::mutex mu_;
  int fd_;
  bool broken_ = false;
};

}  // namespace pgark::protocol

#endif  // PGARK_PROTOCOL_MCP_MCP_SERVER_H_
