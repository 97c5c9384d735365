// Internals of McpHttpServer (http_server.cc: listener, gate, sessions, GET and DELETE;
// http_post.cc: POST in both eras and the SSE writer). Not an API.
#ifndef PGARK_PROTOCOL_HTTP_HTTP_SERVER_IMPL_H_
#define PGARK_PROTOCOL_HTTP_HTTP_SERVER_IMPL_H_

#include <httplib.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "protocol/http/event_stream.h"
#include "protocol/http/http_gate.h"
#include "protocol/http/http_server.h"
#include "protocol/http/http_session.h"
#include "protocol/http/jwt.h"

namespace pgark::protocol {

// A transport-level error body: JSON-RPC without an id.
void SetRpcError(httplib::Response& res, int status, int code, const std::string& message,
                 std::optional<Json> data = std::nullopt);
// Streams `stream`'s events after `after` as SSE; `priming` first sends an event with an id and
// no data, so that even a call that has said nothing yet can be resumed. `on_end(delivered)`
// runs when the response is over: delivered means every event up to the end was written.
void StreamEvents(httplib::Response& res, std::shared_ptr<EventStream> stream, uint64_t after,
                  bool priming, absl::Duration keepalive, std::function<void(bool)> on_end);

class McpHttpServer::Impl {
 public:
  Impl(const ToolRegistry& tools, ServerIdentity identity, HttpOptions options);

  absl::StatusOr<std::string> Bind();
  void Serve(const std::atomic<bool>* stop);
  size_t SessionCount();

 private:
  // http_server.cc
  void Route();
  httplib::Server::HandlerResponse Gate(const httplib::Request& req, httplib::Response& res);
  void Unauthorized(httplib::Response& res, bool token_given);
  void Metadata(const httplib::Request& req, httplib::Response& res);
  void Get(const httplib::Request& req, httplib::Response& res);
  void Delete(const httplib::Request& req, httplib::Response& res);
  // The caller's session; answers 400 (no header) or 404 (unknown) itself when there is none.
  std::shared_ptr<HttpSession> SessionOf(const httplib::Request& req, httplib::Response& res);
  std::shared_ptr<HttpSession> NewSession(const httplib::Request& req, httplib::Response& res);
  void ReapIdleSessions();
  void CloseAllSessions();
  // Who sent `req`: "" without authentication, "bearer" for the static token, "jwt:<sub>" for
  // an access token; kUnauthenticated when it carries none that is valid.
  absl::StatusOr<std::string> Authenticate(const httplib::Request& req) const;
  std::string Principal(const httplib::Request& req) const { return Authenticate(req).value_or(""); }
  bool AuthRequired() const { return !options_.token.empty() || jwt_.has_value(); }

  // http_post.cc
  void Post(const httplib::Request& req, httplib::Response& res);
  void PostLegacy(const httplib::Request& req, httplib::Response& res, const Json& message,
                  AcceptedTypes accept);
  void PostStateless(const httplib::Request& req, httplib::Response& res, const Json& message,
                     AcceptedTypes accept);
  void Answer(httplib::Response& res, const std::shared_ptr<HttpSession>& session,
              const Json& message, AcceptedTypes accept);
  void AnswerCall(httplib::Response& res, const std::shared_ptr<HttpSession>& session,
                  const Json& message, const Json& key, AcceptedTypes accept);

  const ToolRegistry& tools_;
  const ServerIdentity identity_;
  const HttpOptions options_;
  std::unique_ptr<httplib::Server> http_;
  OriginPolicy origins_;
  std::string url_;  // the endpoint's canonical URL
  std::optional<JwtPolicy> jwt_;  // access tokens of the authorization server
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<HttpSession>> sessions_;
};

}  // namespace pgark::protocol

#endif  // PGARK_PROTOCOL_HTTP_HTTP_SERVER_IMPL_H_
