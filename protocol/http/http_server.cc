#include "protocol/http/http_server.h"

#include <chrono>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "formats/status_macros.h"
#include "protocol/http/http_server_impl.h"
#include "protocol/mcp/random_id.h"

namespace pgark::protocol {
namespace {

constexpr char kEndpoint[] = "/mcp";
constexpr char kMetadataPath[] = "/.well-known/oauth-protected-resource";
constexpr char kAllowedMethods[] = "GET, POST, DELETE";

}  // namespace

absl::Status CheckHttpOptions(const HttpOptions& o) {
  if (o.tls_cert.empty() != o.tls_key.empty()) {
    return absl::InvalidArgumentError("--tls-cert and --tls-key go together");
  }
  if (o.authorization_server.empty() != o.jwks_file.empty()) {
    return absl::InvalidArgumentError(
        "--authorization-server and --jwks-file go together (pgark verifies the server's tokens)");
  }
  if (!IsLoopbackHost(HostName(o.host)) && o.token.empty() && o.jwks_file.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "refusing to serve MCP on ", o.host, " without authentication: set PGARK_MCP_TOKEN or "
        "--token-file (or --authorization-server with --jwks-file), or bind 127.0.0.1"));
  }
  return absl::OkStatus();
}

void SetRpcError(httplib::Response& res, int status, int code, const std::string& message,
                 std::optional<Json> data) {
  res.status = status;
  res.set_content(Serialize(MakeError(std::nullopt, code, message, std::move(data))),
                  "application/json");
}

McpHttpServer::Impl::Impl(const ToolRegistry& tools, ServerIdentity identity, HttpOptions options)
    : tools_(tools), identity_(std::move(identity)), options_(std::move(options)) {
  if (!options_.tls_cert.empty()) {
    http_ = std::make_unique<httplib::SSLServer>(options_.tls_cert.c_str(),
                                                 options_.tls_key.c_str());
  } else {
    http_ = std::make_unique<httplib::Server>();
  }
}

absl::StatusOr<std::string> McpHttpServer::Impl::Bind() {
  if (!http_->is_valid()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "cannot load the TLS certificate ", options_.tls_cert, " or its key ", options_.tls_key));
  }
  int port = options_.port;
  if (port == 0) {
    port = http_->bind_to_any_port(options_.host);
  } else if (!http_->bind_to_port(options_.host, port)) {
    port = -1;
  }
  if (port < 0) {
    return absl::UnavailableError(absl::StrCat("cannot listen on ", options_.host, ":",
                                               options_.port, " (in use, or not an address here)"));
  }
  const bool tls = !options_.tls_cert.empty();
  origins_ = MakeOriginPolicy(options_.host, port, tls, options_.allowed_hosts,
                              options_.allowed_origins);
  // The URL clients are told about: a host name clients use when one was allowed explicitly.
  std::string host = options_.allowed_hosts.empty() ? options_.host : options_.allowed_hosts[0];
  if (host.find(':') != std::string::npos && host.front() != '[') host = absl::StrCat("[", host, "]");
  url_ = options_.resource.empty()
             ? absl::StrCat(tls ? "https://" : "http://", host, ":", port, kEndpoint)
             : options_.resource;
  if (!options_.jwks_file.empty()) {
    PGARK_ASSIGN_OR_RETURN(Json jwks, LoadJwks(options_.jwks_file));
    jwt_ = JwtPolicy{options_.authorization_server, url_, std::move(jwks)};
  }
  Route();
  return url_;
}

void McpHttpServer::Impl::Route() {
  httplib::Server& h = *http_;
  h.set_payload_max_length(options_.max_body_bytes);
  h.set_read_timeout(10, 0);
  h.set_write_timeout(30, 0);
  h.set_keep_alive_timeout(30);
  const int threads = options_.worker_threads;
  h.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  // Never the exception's text in a response (cpp-httplib would put it in a header).
  h.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
    SetRpcError(res, 500, kInternalError, "Internal error");
  });
  h.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    return Gate(req, res);
  });
  h.Post(kEndpoint, [this](const httplib::Request& req, httplib::Response& res) { Post(req, res); });
  h.Get(kEndpoint, [this](const httplib::Request& req, httplib::Response& res) { Get(req, res); });
  h.Delete(kEndpoint,
           [this](const httplib::Request& req, httplib::Response& res) { Delete(req, res); });
  auto not_allowed = [](const httplib::Request&, httplib::Response& res) {
    res.status = 405;
    res.set_header("Allow", kAllowedMethods);
  };
  h.Put(kEndpoint, not_allowed);
  h.Patch(kEndpoint, not_allowed);
  h.Options(kEndpoint, not_allowed);
  auto metadata = [this](const httplib::Request& req, httplib::Response& res) { Metadata(req, res); };
  h.Get(absl::StrCat(kMetadataPath, kEndpoint), metadata);
  h.Get(kMetadataPath, metadata);
  if (options_.metrics) {
    h.Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
      res.set_content(options_.metrics(), "text/plain; version=0.0.4; charset=utf-8");
    });
  }
}

httplib::Server::HandlerResponse McpHttpServer::Impl::Gate(const httplib::Request& req,
                                                           httplib::Response& res) {
  using R = httplib::Server::HandlerResponse;
  if (!HostAllowed(origins_, req.get_header_value("Host")) ||
      !OriginAllowed(origins_, req.get_header_value("Origin"), req.has_header("Origin"))) {
    SetRpcError(res, 403, kInvalidRequest, "Forbidden: Host or Origin not allowed");
    return R::Handled;
  }
  const bool metadata = req.path.rfind(kMetadataPath, 0) == 0;
  if (!metadata && !Authenticate(req).ok()) {
    Unauthorized(res, req.has_header("Authorization"));
    return R::Handled;
  }
  return R::Unhandled;
}

absl::StatusOr<std::string> McpHttpServer::Impl::Authenticate(const httplib::Request& req) const {
  if (!AuthRequired()) return std::string();
  const std::string header = req.get_header_value("Authorization");
  if (!options_.token.empty() && BearerMatches(header, options_.token)) return std::string("bearer");
  if (jwt_ && header.size() > 7 && absl::EqualsIgnoreCase(header.substr(0, 7), "bearer ")) {
    absl::StatusOr<Json> claims = VerifyJwt(absl::StripAsciiWhitespace(header.substr(7)), *jwt_, absl::Now());
    if (!claims.ok()) return claims.status();
    auto sub = claims->find("sub");
    return absl::StrCat("jwt:", sub != claims->end() && sub->is_string() ? sub->get<std::string>() : "");
  }
  return absl::UnauthenticatedError("no valid bearer token");
}

void McpHttpServer::Impl::Unauthorized(httplib::Response& res, bool token_given) {
  std::string challenge = "Bearer realm=\"pgark\"";
  if (jwt_) {
    const std::string origin = url_.substr(0, url_.size() - std::strlen(kEndpoint));
    absl::StrAppend(&challenge, ", resource_metadata=\"", origin, kMetadataPath, kEndpoint, "\"");
  }
  if (token_given) absl::StrAppend(&challenge, ", error=\"invalid_token\"");
  res.set_header("WWW-Authenticate", challenge);
  SetRpcError(res, 401, kInvalidRequest,
              token_given ? "Unauthorized: the bearer token is not valid"
                          : "Unauthorized: send Authorization: Bearer <token>");
}

void McpHttpServer::Impl::Metadata(const httplib::Request&, httplib::Response& res) {
  if (!jwt_) {
    res.status = 404;
    return;
  }
  Json doc = {{"resource", url_},
              {"authorization_servers", {options_.authorization_server}},
              {"bearer_methods_supported", {"header"}},
              {"resource_name", "pgark"}};
  res.set_content(Serialize(doc), "application/json");
}

std::shared_ptr<HttpSession> McpHttpServer::Impl::SessionOf(const httplib::Request& req,
                                                            httplib::Response& res) {
  if (!req.has_header("Mcp-Session-Id")) {
    SetRpcError(res, 400, kInvalidRequest, "Bad Request: Mcp-Session-Id header required");
    return nullptr;
  }
  const std::string id = req.get_header_value("Mcp-Session-Id");
  std::lock_guard<std::mutex> lock(mu_);
  auto it = sessions_.find(id);
  // Another principal's session is as unknown as an expired one.
  if (it == sessions_.end() || it->second->principal() != Principal(req)) {
    SetRpcError(res, 404, kInvalidRequest, "Session not found: initialize a new session");
    return nullptr;
  }
  it->second->Touch();
  return it->second;
}

std::shared_ptr<HttpSession> McpHttpServer::Impl::NewSession(const httplib::Request& req,
                                                             httplib::Response& res) {
  std::shared_ptr<HttpSession> evicted;
  std::lock_guard<std::mutex> lock(mu_);
  if (sessions_.size() >= options_.max_sessions) {
    // Full: the longest-idle session with nothing running makes room.
    auto oldest = sessions_.end();
    std::optional<absl::Time> oldest_time;
    for (auto it = sessions_.begin(); it != sessions_.end(); ++it) {
      std::optional<absl::Time> idle = it->second->IdleSince();
      if (idle && (!oldest_time || *idle < *oldest_time)) {
        oldest = it;
        oldest_time = idle;
      }
    }
    if (oldest == sessions_.end()) {
      res.set_header("Retry-After", "30");
      SetRpcError(res, 503, kInvalidRequest, "Too many sessions with calls under way; retry later");
      return nullptr;
    }
    evicted = oldest->second;
    sessions_.erase(oldest);
  }
  std::string id = RandomId();
  auto session = std::make_shared<HttpSession>(id, Principal(req), tools_, identity_);
  sessions_[id] = session;
  return session;
}

void McpHttpServer::Impl::Get(const httplib::Request& req, httplib::Response& res) {
  // No standalone server-to-client stream: pgark sends nothing outside a request.
  if (!req.has_header("Last-Event-ID")) {
    res.status = 405;
    res.set_header("Allow", kAllowedMethods);
    return;
  }
  std::shared_ptr<HttpSession> session = SessionOf(req, res);
  if (!session) return;
  auto event = EventStream::ParseEventId(req.get_header_value("Last-Event-ID"));
  std::shared_ptr<EventStream> stream = event ? session->FindStream(event->first) : nullptr;
  if (!stream) {
    SetRpcError(res, 404, kInvalidRequest, "No stream with that Last-Event-ID in this session");
    return;
  }
  StreamEvents(res, stream, event->second, false, absl::Seconds(15),
               [stream](bool delivered) {
                 if (delivered) stream->Trim();
               });
}

void McpHttpServer::Impl::Delete(const httplib::Request& req, httplib::Response& res) {
  std::shared_ptr<HttpSession> session = SessionOf(req, res);
  if (!session) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    sessions_.erase(session->id());
  }
  session->Close();  // its calls are cancelled and rolled back, as notifications/cancelled would
  res.status = 204;
}

void McpHttpServer::Impl::ReapIdleSessions() {
  std::vector<std::shared_ptr<HttpSession>> expired;
  {
    std::lock_guard<std::mutex> lock(mu_);
    const absl::Time now = absl::Now();
    for (auto it = sessions_.begin(); it != sessions_.end();) {
      std::optional<absl::Time> idle = it->second->IdleSince();
      if (idle && now - *idle > options_.session_idle) {
        expired.push_back(it->second);
        it = sessions_.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (auto& s : expired) s->Close();
}

void McpHttpServer::Impl::CloseAllSessions() {
  std::map<std::string, std::shared_ptr<HttpSession>> all;
  {
    std::lock_guard<std::mutex> lock(mu_);
    all.swap(sessions_);
  }
  for (auto& [id, s] : all) s->Close();
}

size_t McpHttpServer::Impl::SessionCount() {
  std::lock_guard<std::mutex> lock(mu_);
  return sessions_.size();
}

void McpHttpServer::Impl::Serve(const std::atomic<bool>* stop) {
  std::thread listener([this] { http_->listen_after_bind(); });
  int ticks = 0;
  while (stop == nullptr || !stop->load()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    if (++ticks % 50 == 0) ReapIdleSessions();  // every 10 s
  }
  CloseAllSessions();  // ends the streams first, so that their connections can finish
  http_->stop();
  listener.join();
}

McpHttpServer::McpHttpServer(const ToolRegistry& tools, ServerIdentity identity,
                             HttpOptions options)
    : impl_(std::make_unique<Impl>(tools, std::move(identity), std::move(options))) {}
McpHttpServer::~McpHttpServer() = default;
absl::StatusOr<std::string> McpHttpServer::Bind() { return impl_->Bind(); }
void McpHttpServer::Serve(const std::atomic<bool>* stop) { impl_->Serve(stop); }
size_t McpHttpServer::SessionCount() { return impl_->SessionCount(); }

}  // namespace pgark::protocol
