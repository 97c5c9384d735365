#include "protocol/mcp/mcp_server.h"

#include <algorithm>
#include <chrono>
#include <iterator>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "formats/bounded_text.h"
#include "protocol/mcp/call_slot.h"

namespace pgark::protocol {
namespace {

const Json kCapabilities = {{"tools", {{"listChanged", false}}}, {"logging", Json::object()}};

constexpr const char* kLogLevels[] = {"debug",    "info",  "notice", "warning",
                                      "error",    "critical", "alert", "emergency"};

bool Known(absl::string_view method) {
  return method == "initialize" || method == "ping" || method == "tools/list" ||
         method == "tools/call" || method == "logging/setLevel";
}

// The rank of an MCP log level; -1 when unknown.
int LevelRank(absl::string_view level) {
  for (int i = 0; i < static_cast<int>(std::size(kLogLevels)); ++i) {
    if (level == kLogLevels[i]) return i;
  }
  return -1;
}

}  // namespace

bool IsProtocolVersion(absl::string_view version) {
  for (const char* v : kProtocolVersions) {
    if (version == v) return true;
  }
  return false;
}

McpServer::McpServer(const ToolRegistry& tools, ServerIdentity identity, Send send)
    : tools_(tools), identity_(std::move(identity)), send_(std::move(send)) {}

McpServer::~McpServer() { Shutdown(); }

void McpServer::Shutdown() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& [id, call] : calls_) call.cancelled->store(true);
  }
  WaitForCalls();
}

void McpServer::ReapFinishedCalls() {
  std::vector<std::thread> finished;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto it = calls_.begin(); it != calls_.end();) {
      if (it->second.done->load()) {
        finished.push_back(std::move(it->second.thread));
        it = calls_.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (std::thread& t : finished) t.join();
}

std::optional<Json> McpServer::HandleMessage(const Json& message) {
  ReapFinishedCalls();
  if (!message.is_array()) return HandleOne(message);
  // Batches exist only in 2025-03-26; elsewhere an array is an invalid request.
  if (protocol_version_ != "2025-03-26" || message.empty()) {
    return MakeError(std::nullopt, kInvalidRequest,
                     "JSON-RPC batches are not supported in this protocol version");
  }
  auto batch = std::make_shared<Batch>();
  batch->key = RequestIds(message);
  batch_ = batch;
  for (const Json& m : message) {
    if (std::optional<Json> reply = HandleOne(m)) {
      std::lock_guard<std::mutex> lock(batch->mu);
      batch->replies.push_back(*std::move(reply));
    }
  }
  batch_.reset();
  std::lock_guard<std::mutex> lock(batch->mu);
  batch->closed = true;
  // Calls still running send the array when the last one ends.
  if (batch->pending > 0 || batch->replies.empty()) return std::nullopt;
  return batch->replies;
}

void McpServer::FinishBatchCall(Batch& batch, std::optional<Json> reply) {
  std::lock_guard<std::mutex> lock(batch.mu);
  if (reply) batch.replies.push_back(*std::move(reply));
  --batch.pending;
  if (batch.closed && batch.pending == 0 && !batch.replies.empty()) send_(batch.replies, batch.key);
}

std::optional<Json> McpServer::HandleOne(const Json& message) {
  Envelope e = Classify(message);
  switch (e.kind) {
    case Envelope::Kind::kInvalid:
      // A notification is never answered, a malformed one neither (it has no id to answer).
      if (message.is_object() && !message.contains("id") && message.contains("method")) {
        return std::nullopt;
      }
      return MakeError(e.id, kInvalidRequest, absl::StrCat("Invalid request: ", e.problem));
    case Envelope::Kind::kResponse: {  // the answer to one of our requests, or ignored
      std::lock_guard<std::mutex> lock(mu_);
      if (auto it = pending_.find(message.value("id", Json()).dump()); it != pending_.end()) {
        it->second = message;
        answered_.notify_all();
      }
      return std::nullopt;
    }
    case Envelope::Kind::kNotification:
      if (e.method == "notifications/cancelled" && e.params.contains("requestId")) {
        Cancel(e.params["requestId"]);
      }
      return std::nullopt;  // known or not, notifications are never answered
    case Envelope::Kind::kRequest:
      break;
  }
  const Json& id = *e.id;
  if (Stateless()) {
    if (e.method == "server/discover") return Discover(id);
    if (e.method == "tools/list") return Finish(ListTools(id, e.params));
    if (absl::StartsWith(e.method, "resources/")) return Finish(Resources(id, e.method, e.params));
    if (e.method == "tools/call") return CallTool(id, e.params);
    return MakeError(id, kMethodNotFound, absl::StrCat("Method not found: ", e.method));
  }
  if (e.method == "ping") return MakeResult(id, Json::object());
  if (e.method == "initialize") return Initialize(id, e.params);
  if (!initialized_) {
    if (!Known(e.method)) {
      return MakeError(id, kMethodNotFound, absl::StrCat("Method not found: ", e.method));
    }
    return MakeError(id, kInvalidRequest, "Server not initialized: send initialize first");
  }
  if (e.method == "tools/list") return ListTools(id, e.params);
  if (absl::StartsWith(e.method, "resources/")) return Resources(id, e.method, e.params);
  if (e.method == "tools/call") return CallTool(id, e.params);
  if (e.method == "logging/setLevel") {
    auto level = e.params.find("level");
    if (level != e.params.end() && level->is_string() && LevelRank(level->get<std::string>()) >= 0) {
      log_rank_ = LevelRank(level->get<std::string>());
      return MakeResult(id, Json::object());
    }
    return MakeError(id, kInvalidParams,
                     "Invalid params: level must be one of debug, info, notice, warning, error, "
                     "critical, alert, emergency");
  }
  return MakeError(id, kMethodNotFound, absl::StrCat("Method not found: ", e.method));
}

Json McpServer::Initialize(const Json& id, const Json& params) {
  if (initialized_) return MakeError(id, kInvalidRequest, "Server already initialized");
  auto requested = params.find("protocolVersion");
  if (requested == params.end() || !requested->is_string()) {
    return MakeError(id, kInvalidParams, "Unsupported protocol version",
                     Json{{"supported", kProtocolVersions},
                          {"requested", requested == params.end() ? Json() : *requested}});
  }
  protocol_version_ = kProtocolVersions[0];  // the newest, unless the client's is one of ours
  for (const char* v : kProtocolVersions) {
    if (*requested == v) protocol_version_ = v;
  }
  initialized_ = true;
  if (auto caps = params.find("capabilities"); caps != params.end() && caps->is_object()) {
    client_elicits_ = caps->contains("elicitation");
  }
  Json server_info = {{"name", identity_.name}, {"version", identity_.version}};
  if (AtLeast("2025-06-18") && !identity_.title.empty()) server_info["title"] = identity_.title;
  Json result = {{"protocolVersion", protocol_version_},
                 {"capabilities", Capabilities()},
                 {"serverInfo", server_info}};
  if (!identity_.instructions.empty()) result["instructions"] = identity_.instructions;
  return MakeResult(id, std::move(result));
}

Json McpServer::ToolSpecJson(const ToolSpec& t) const {
  Json j = {{"name", t.name}, {"description", t.description}, {"inputSchema", t.input_schema}};
  if (AtLeast("2025-03-26")) j["annotations"] = t.annotations;
  if (AtLeast("2025-06-18")) {
    j["title"] = t.title;
    j["outputSchema"] = t.output_schema;
  }
  return j;
}

Json McpServer::ListTools(const Json& id, const Json& params) const {
  // Everything fits on one page, so no cursor is ever valid.
  if (params.contains("cursor") && !params["cursor"].is_null()) {
    return MakeError(id, kInvalidParams, "Invalid params: unknown cursor");
  }
  Json tools = Json::array();
  for (const ToolSpec& t : tools_.tools()) tools.push_back(ToolSpecJson(t));
  Json result = {{"tools", std::move(tools)}};
  if (Stateless()) {
    result["ttlMs"] = 3600000;  // the list never changes while the server runs
    result["cacheScope"] = "public";
  }
  return MakeResult(id, std::move(result));
}

void McpServer::BeginStateless(const Json& meta) {
  protocol_version_ = kStatelessVersion;
  initialized_ = true;
  log_rank_ = -1;  // without a level in _meta, nothing is logged
  if (auto level = meta.find(kMetaLogLevel); level != meta.end() && level->is_string()) {
    log_rank_ = LevelRank(level->get<std::string>());
  }
}

Json McpServer::Discover(const Json& id) const {
  Json supported = Json::array({kStatelessVersion});
  for (const char* v : kProtocolVersions) supported.push_back(v);
  Json result = {{"supportedVersions", std::move(supported)},
                 {"capabilities", Capabilities()},
                 {"serverInfo", {{"name", identity_.name}, {"version", identity_.version}}},
                 {"ttlMs", 3600000},
                 {"cacheScope", "public"}};
  if (!identity_.title.empty()) result["serverInfo"]["title"] = identity_.title;
  if (!identity_.instructions.empty()) result["instructions"] = identity_.instructions;
  return Finish(MakeResult(id, std::move(result)));
}

Json McpServer::Capabilities() const {
  Json caps = kCapabilities;
  if (tools_.resources() != nullptr) caps["resources"] = {{"listChanged", false}, {"subscribe", false}};
  return caps;
}

Json McpServer::Resources(const Json& id, const std::string& method, const Json& params) const {
  const ResourceCatalog* catalog = tools_.resources();
  if (catalog == nullptr) {
    return MakeError(id, kMethodNotFound, absl::StrCat("Method not found: ", method));
  }
  if (method == "resources/list") return MakeResult(id, {{"resources", catalog->list()}});
  if (method == "resources/templates/list") {
    return MakeResult(id, {{"resourceTemplates", catalog->templates}});
  }
  if (method != "resources/read") {
    return MakeError(id, kMethodNotFound, absl::StrCat("Method not found: ", method));
  }
  auto uri = params.find("uri");
  if (uri == params.end() || !uri->is_string()) {
    return MakeError(id, kInvalidParams, "Invalid params: \"uri\" must be a string");
  }
  absl::StatusOr<Json> contents = catalog->read(uri->get<std::string>());
  if (!contents.ok()) {
    // -32002: the resource-not-found code of the MCP specification.
    const int code = absl::IsNotFound(contents.status()) ? -32002 : kInvalidParams;
    return MakeError(id, code, formats::BoundedText(contents.status().message(), formats::kMaxMessageBytes),
                     Json{{"uri", *uri}});
  }
  return MakeResult(id, {{"contents", *std::move(contents)}});
}

Json McpServer::Finish(Json reply) const {
  if (Stateless() && reply.contains("result")) reply["result"]["resultType"] = "complete";
  return reply;
}

std::optional<Json> McpServer::LogMessage(absl::string_view level,
                                          const std::string& message) const {
  const int wanted = log_rank_.load();
  if (wanted < 0 || LevelRank(level) < wanted) return std::nullopt;
  return MakeNotification("notifications/message",
                          {{"level", std::string(level)}, {"logger", "pgark"}, {"data", message}});
}

size_t McpServer::RunningCalls() {
  ReapFinishedCalls();
  std::lock_guard<std::mutex> lock(mu_);
  return calls_.size();
}

Json McpServer::ToolResult(const absl::StatusOr<Json>& result) const {
  if (!result.ok()) {
    const std::string text = formats::BoundedText(result.status().message(), formats::kMaxMessageBytes);
    return {{"content", Json::array({{{"type", "text"}, {"text", text}}})}, {"isError", true}};
  }
  Json out = {{"content", Json::array({{{"type", "text"}, {"text", Serialize(*result)}}})}};
  // Links to the files the call made (resource links exist since 2025-06-18).
  if (const ResourceCatalog* catalog = tools_.resources(); catalog != nullptr && AtLeast("2025-06-18")) {
    for (Json& link : catalog->links(*result)) out["content"].push_back(std::move(link));
  }
  if (AtLeast("2025-06-18")) out["structuredContent"] = *result;
  return out;
}

std::optional<Json> McpServer::CallTool(const Json& id, const Json& params) {
  auto name = params.find("name");
  if (name == params.end() || !name->is_string()) {
    return MakeError(id, kInvalidParams, "Invalid params: \"name\" must be a string");
  }
  const ToolSpec* tool = tools_.Find(name->get<std::string>());
  if (tool == nullptr) {
    return MakeError(id, kInvalidParams, absl::StrCat("Unknown tool: ", name->get<std::string>()));
  }
  auto args_it = params.find("arguments");
  Json arguments = Json::object();
  if (args_it != params.end() && !args_it->is_null()) {
    if (!args_it->is_object()) {
      return MakeError(id, kInvalidParams, "Invalid params: \"arguments\" must be an object");
    }
    arguments = *args_it;
  }
  // Bad arguments are a tool error the model can read and correct, not a protocol error.
  absl::StatusOr<Json> validated = ValidateArguments(tool->input_schema, arguments);
  if (!validated.ok()) {
    return MakeResult(id, ToolResult(absl::InvalidArgumentError(absl::StrCat(
                              tool->name, ": ", validated.status().message()))));
  }
  std::optional<Json> token;
  if (auto meta = params.find("_meta"); meta != params.end() && meta->is_object() &&
                                        meta->contains("progressToken")) {
    token = (*meta)["progressToken"];
  }
  auto cancelled = std::make_shared<std::atomic<bool>>(false);
  auto done = std::make_shared<std::atomic<bool>>(false);
  // `async: true` only starts a job (protocol/tools/jobs.h), which finds its own slot.
  const bool quick = tool->quick || validated->value("async", false);
  auto run = [this, id, tool, args = *std::move(validated), token, cancelled, done, quick]() {
    ToolContext ctx = CallContext(id, token, cancelled);
    absl::StatusOr<Json> result = absl::CancelledError("cancelled before it started");
    if (std::optional<CallSlot> slot = CallSlot::Acquire(quick, *cancelled)) {
      result = tool->handler(args, ctx);
    }
    std::optional<Json> reply;
    if (!cancelled->load()) reply = Finish(MakeResult(id, ToolResult(result)));  // cancelled: none
    done->store(true);
    return reply;
  };
  if (inline_calls_) return run();
  std::lock_guard<std::mutex> lock(mu_);
  std::string key = id.dump();
  if (calls_.count(key)) {
    return MakeError(id, kInvalidRequest, "Invalid request: this id is already in use");
  }
  Call& call = calls_[key];
  call.cancelled = cancelled;
  call.done = done;
  std::shared_ptr<Batch> batch = batch_;
  if (batch) {
    std::lock_guard<std::mutex> batch_lock(batch->mu);
    ++batch->pending;
  }
  call.thread = std::thread([this, run, batch, id, quick]() mutable {
    if (!quick) LowerThreadPriority();
    std::optional<Json> reply = run();
    if (batch) {
      FinishBatchCall(*batch, std::move(reply));
    } else {
      send_(reply.value_or(Json()), id);  // null: cancelled, the request gets no reply
    }
  });
  return std::nullopt;
}

ToolContext McpServer::CallContext(const Json& id, const std::optional<Json>& token,
                                   std::shared_ptr<std::atomic<bool>> cancelled) {
  ToolContext ctx;
  ctx.cancelled = [cancelled] { return cancelled->load(); };
  ctx.log = [this, id, cancelled](absl::string_view level, const std::string& message) {
    if (cancelled->load()) return;
    if (std::optional<Json> note = LogMessage(level, message)) send_(*note, id);
  };
  ctx.can_confirm = client_elicits_ && AtLeast("2025-06-18") && !Stateless();
  ctx.confirm = [this, id, cancelled](const std::string& message) {
    return Confirm(id, message, *cancelled);
  };
  struct Throttle {
    std::mutex mu;
    double last_value = -1;
    absl::Time last_time = absl::InfinitePast();
  };
  auto throttle = std::make_shared<Throttle>();
  ctx.progress = [this, id, token, cancelled, throttle](double value, double total,
                                                        const std::string& message) {
    if (!token || cancelled->load()) return;
    std::lock_guard<std::mutex> lock(throttle->mu);
    absl::Time now = absl::Now();
    // Strictly increasing, at most ten a second.
    if (value <= throttle->last_value || now - throttle->last_time < absl::Milliseconds(100)) {
      return;
    }
    throttle->last_value = value;
    throttle->last_time = now;
    Json params = {{"progressToken", *token}, {"progress", value}, {"message", message}};
    if (total > 0) params["total"] = std::max(total, value);  // an estimate can fall short
    send_(MakeNotification("notifications/progress", std::move(params)), id);
  };
  return ctx;
}

std::optional<bool> McpServer::Confirm(const Json& related, const std::string& message,
                                       const std::atomic<bool>& cancelled) {
  if (!client_elicits_ || !AtLeast("2025-06-18") || Stateless()) return std::nullopt;  // can't ask
  std::string id;
  {
    std::lock_guard<std::mutex> lock(mu_);
    id = absl::StrCat("pgark-confirm-", next_request_++);
    pending_[Json(id).dump()];
  }
  Json schema = {{"type", "object"},
                 {"properties", {{"confirm", {{"type", "boolean"}, {"title", "Proceed"}}}}},
                 {"required", {"confirm"}}};
  send_({{"jsonrpc", "2.0"}, {"id", id}, {"method", "elicitation/create"},
         {"params", {{"message", message}, {"requestedSchema", schema}}}},
        related);
  std::unique_lock<std::mutex> lock(mu_);
  const std::string key = Json(id).dump();
  const absl::Time deadline = absl::Now() + absl::Minutes(10);
  while (!pending_[key] && !cancelled.load() && absl::Now() < deadline) {
    answered_.wait_for(lock, std::chrono::milliseconds(200));
  }
  std::optional<Json> answer = pending_[key];
  pending_.erase(key);
  if (!answer || !answer->contains("result")) return false;  // no answer, or an error
  const Json r = (*answer)["result"];
  auto content = r.find("content");
  return StringMember(r, "action") == "accept" && content != r.end() && content->is_object() &&
         content->contains("confirm") && (*content)["confirm"] == true;
}

void McpServer::Cancel(const Json& request_id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = calls_.find(request_id.dump());
  if (it != calls_.end()) it->second.cancelled->store(true);
}

void McpServer::WaitForCalls() {
  std::map<std::string, Call> calls;
  {
    std::lock_guard<std::mutex> lock(mu_);
    calls.swap(calls_);
  }
  for (auto& [id, call] : calls) {
    if (call.thread.joinable()) call.thread.join();
  }
}

}  // namespace pgark::protocol
