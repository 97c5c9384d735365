// POST /mcp in both eras, and the SSE writer.
#include "absl/strings/str_cat.h"
#include "protocol/http/http_server_impl.h"

namespace pgark::protocol {
namespace {

constexpr char kSseType[] = "text/event-stream";

// Codes of the stateless revision's transport errors.
constexpr int kHeaderMismatch = -32020;
constexpr int kUnsupportedVersion = -32022;

bool IsCall(const Json& m) {
  return StringMember(m, "method") == "tools/call" && m.contains("id");
}

// The request ids in a message (one, or a batch's), as the key of the stream its replies take.
Json RequestKey(const Json& message) {
  if (!message.is_array()) return message.value("id", Json());
  return RequestIds(message);
}

bool HasRequest(const Json& message) {
  if (!message.is_array()) return Classify(message).kind == Envelope::Kind::kRequest;
  return !RequestKey(message).empty();
}

bool Contains(const Json& message, absl::string_view method) {
  if (!message.is_array()) return StringMember(message, "method") == method;
  for (const Json& m : message) {
    if (Contains(m, method)) return true;
  }
  return false;
}

// The stateless revision's version in a request's _meta, or "" when it has none.
std::string MetaVersion(const Json& message) {
  if (!message.is_object()) return "";
  auto params = message.find("params");
  if (params == message.end() || !params->is_object()) return "";
  auto meta = params->find("_meta");
  if (meta == params->end() || !meta->is_object()) return "";
  auto v = meta->find(kMetaProtocolVersion);
  return v != meta->end() && v->is_string() ? v->get<std::string>() : "";
}

void SetSseHeaders(httplib::Response& res) {
  res.set_header("Cache-Control", "no-cache, no-transform");
  res.set_header("X-Accel-Buffering", "no");
}

// One SSE event for `data` with `id` ("" for none).
std::string SseEvent(const std::string& id, const std::string& data) {
  std::string e;
  if (!id.empty()) absl::StrAppend(&e, "id: ", id, "\n");
  absl::StrAppend(&e, "event: message\ndata: ", data, "\n\n");
  return e;
}

void AnswerJson(httplib::Response& res, const Json& reply, AcceptedTypes accept) {
  if (accept.json) {
    res.set_content(Serialize(reply), "application/json");
  } else {  // an SSE-only client gets the reply as a stream of one event
    SetSseHeaders(res);
    res.set_content(SseEvent("", Serialize(reply)), kSseType);
  }
}

}  // namespace

void StreamEvents(httplib::Response& res, std::shared_ptr<EventStream> stream, uint64_t after,
                  bool priming, absl::Duration keepalive, std::function<void(bool)> on_end) {
  SetSseHeaders(res);
  auto delivered = std::make_shared<bool>(false);
  res.set_chunked_content_provider(
      kSseType,
      [stream, after, priming, keepalive, delivered](size_t, httplib::DataSink& sink) mutable {
        if (priming) {
          priming = false;
          const std::string first = absl::StrCat("id: ", stream->EventId(0), "\nretry: 1000\ndata: \n\n");
          return sink.write(first.data(), first.size());
        }
        EventStream::Batch batch = stream->Next(after, keepalive);
        for (const EventStream::Event& e : batch.events) {
          const std::string text = SseEvent(stream->EventId(e.seq), e.data);
          if (!sink.write(text.data(), text.size())) return false;  // the client went away
          after = e.seq;
        }
        if (batch.ended) {
          *delivered = true;
          sink.done();
          return true;
        }
        if (batch.events.empty()) {
          static constexpr char kKeepalive[] = ": keepalive\n\n";
          return sink.write(kKeepalive, sizeof(kKeepalive) - 1);
        }
        return true;
      },
      [delivered, on_end = std::move(on_end)](bool) { on_end(*delivered); });
}

void McpHttpServer::Impl::Post(const httplib::Request& req, httplib::Response& res) {
  if (!IsJsonMediaType(req.get_header_value("Content-Type"))) {
    return SetRpcError(res, 415, kInvalidRequest, "Unsupported Media Type: send application/json");
  }
  const AcceptedTypes accept = ParseAccept(req.has_header("Accept") ? req.get_header_value("Accept") : "*/*");
  if (!accept.json && !accept.sse) {
    return SetRpcError(res, 406, kInvalidRequest,
                       "Not Acceptable: accept application/json or text/event-stream");
  }
  std::optional<Json> message = ParseMessage(req.body);
  if (!message) return SetRpcError(res, 400, kParseError, "Parse error");
  if (!message->is_object() && !message->is_array()) {
    return SetRpcError(res, 400, kInvalidRequest, "Invalid request: not a JSON-RPC message");
  }
  const std::string header_version = req.get_header_value("MCP-Protocol-Version");
  const bool stateless =
      !req.has_header("Mcp-Session-Id") && !Contains(*message, "initialize") &&
      (!MetaVersion(*message).empty() ||
       (!header_version.empty() && !IsProtocolVersion(header_version)));
  if (stateless) return PostStateless(req, res, *message, accept);
  PostLegacy(req, res, *message, accept);
}

void McpHttpServer::Impl::PostLegacy(const httplib::Request& req, httplib::Response& res,
                                     const Json& message, AcceptedTypes accept) {
  if (message.is_array() && Contains(message, "initialize")) {
    return SetRpcError(res, 400, kInvalidRequest, "Invalid request: initialize cannot be batched");
  }
  if (Contains(message, "initialize")) {
    if (req.has_header("Mcp-Session-Id")) {
      return SetRpcError(res, 400, kInvalidRequest,
                         "Bad Request: initialize starts a session; send it without Mcp-Session-Id");
    }
    std::shared_ptr<HttpSession> session = NewSession(req, res);
    if (!session) return;
    std::optional<Json> reply = session->Handle(message);
    if (!reply) {  // initialize as a notification: nothing to answer, no session
      std::lock_guard<std::mutex> lock(mu_);
      sessions_.erase(session->id());
      res.status = 202;
      return;
    }
    if (reply->contains("result")) {
      res.set_header("Mcp-Session-Id", session->id());
    } else {  // refused: no session comes of it
      std::lock_guard<std::mutex> lock(mu_);
      sessions_.erase(session->id());
    }
    return AnswerJson(res, *reply, accept);
  }
  std::shared_ptr<HttpSession> session = SessionOf(req, res);
  if (!session) return;
  if (message.is_array() && (message.empty() || session->protocol_version() != "2025-03-26")) {
    return SetRpcError(res, 400, kInvalidRequest,
                       "Invalid request: JSON-RPC batches exist only in protocol 2025-03-26");
  }
  const std::string header_version = req.get_header_value("MCP-Protocol-Version");
  if (!header_version.empty() && !IsProtocolVersion(header_version)) {
    return SetRpcError(res, 400, kInvalidRequest,
                       absl::StrCat("Bad Request: unsupported MCP-Protocol-Version ", header_version,
                                    " (supported: 2025-11-25, 2025-06-18, 2025-03-26, 2024-11-05)"));
  }
  Answer(res, session, message, accept);
}

void McpHttpServer::Impl::Answer(httplib::Response& res,
                                 const std::shared_ptr<HttpSession>& session, const Json& message,
                                 AcceptedTypes accept) {
  if (!HasRequest(message)) {  // notifications and responses only, or not JSON-RPC at all
    if (std::optional<Json> refused = session->Handle(message)) {
      res.status = 400;
      res.set_content(Serialize(*refused), "application/json");
      return;
    }
    res.status = 202;
    return;
  }
  const bool calls = message.is_array() ? std::any_of(message.begin(), message.end(), IsCall)
                                        : IsCall(message);
  if (calls) return AnswerCall(res, session, message, RequestKey(message), accept);
  std::optional<Json> reply = session->Handle(message);
  if (!reply) {
    res.status = 202;
    return;
  }
  AnswerJson(res, *reply, accept);
}

void McpHttpServer::Impl::AnswerCall(httplib::Response& res,
                                     const std::shared_ptr<HttpSession>& session,
                                     const Json& message, const Json& key, AcceptedTypes accept) {
  std::shared_ptr<EventStream> stream = session->OpenStream(key);
  if (!stream) {  // the id is in use: the server says so
    return AnswerJson(res, session->Handle(message).value_or(Json()), accept);
  }
  if (std::optional<Json> reply = session->Handle(message)) {
    // Answered before any work began (unknown tool, bad arguments): nothing to stream.
    if (accept.json) {
      session->Forget(stream);
      return AnswerJson(res, *reply, accept);
    }
    stream->Push(*reply, true);
  }
  if (!accept.sse) {  // JSON only: no progress, the reply when it is there
    std::optional<Json> reply = stream->WaitForReply();
    session->Forget(stream);
    if (!reply) return SetRpcError(res, 503, kInvalidRequest, "The session ended first");
    return AnswerJson(res, *reply, accept);
  }
  const bool priming = session->protocol_version() >= "2025-11-25";
  // A dropped connection is not a cancellation: the call finishes, and its events wait for a
  // GET with Last-Event-ID.
  StreamEvents(res, stream, 0, priming, absl::Seconds(15), [stream](bool delivered) {
    if (delivered) stream->Trim();
  });
}

void McpHttpServer::Impl::PostStateless(const httplib::Request& req, httplib::Response& res,
                                        const Json& message, AcceptedTypes accept) {
  const Envelope e = Classify(message);
  const std::string version = MetaVersion(message);
  if (e.kind != Envelope::Kind::kRequest && e.kind != Envelope::Kind::kNotification) {
    return SetRpcError(res, 400, kInvalidRequest, "Invalid request: send one request");
  }
  if (version.empty()) {
    return SetRpcError(res, 400, kInvalidParams,
                       absl::StrCat("Invalid params: _meta[\"", kMetaProtocolVersion, "\"] required"));
  }
  if (version != kStatelessVersion) {
    Json supported = Json::array({kStatelessVersion});
    return SetRpcError(res, 400, kUnsupportedVersion,
                       absl::StrCat("Unsupported protocol version ", version),
                       Json{{"supported", supported}, {"requested", version}});
  }
  const bool headers_match =
      req.get_header_value("MCP-Protocol-Version") == version &&
      req.get_header_value("Mcp-Method") == e.method &&
      (e.method != "tools/call" ||
       req.get_header_value("Mcp-Name") == StringMember(e.params, "name"));
  if (!headers_match) {
    return SetRpcError(res, 400, kHeaderMismatch,
                       "Header mismatch: MCP-Protocol-Version, Mcp-Method and Mcp-Name must "
                       "match the body");
  }
  if (e.kind == Envelope::Kind::kNotification) {
    res.status = 202;
    return;
  }
  if (e.method != "server/discover" && e.method != "tools/list" && e.method != "tools/call") {
    return SetRpcError(res, 404, kMethodNotFound, absl::StrCat("Method not found: ", e.method));
  }
  auto stream = std::make_shared<EventStream>("r", HttpSession::kMaxEventsPerStream);
  auto server = std::make_shared<McpServer>(
      tools_, identity_, [stream](const Json& m, const Json&) {
        if (m.is_null()) return stream->Close();
        stream->Push(m, m.contains("result") || m.contains("error"));
      });
  server->BeginStateless(e.params["_meta"]);
  if (std::optional<Json> reply = server->HandleMessage(message)) stream->Push(*reply, true);
  if (!accept.sse || e.method != "tools/call") {
    std::optional<Json> reply = stream->WaitForReply();
    return AnswerJson(res, reply.value_or(Json()), accept);
  }
  // Here closing the stream is the cancellation: the call stops when the client goes.
  StreamEvents(res, stream, 0, false, absl::Seconds(2), [server](bool delivered) {
    if (!delivered) server->Shutdown();
  });
}

}  // namespace pgark::protocol
