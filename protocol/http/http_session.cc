#include "protocol/http/http_session.h"

#include "absl/strings/str_cat.h"

namespace pgark::protocol {

HttpSession::HttpSession(std::string id, std::string principal, const ToolRegistry& tools,
                         const ServerIdentity& identity)
    : id_(std::move(id)),
      principal_(std::move(principal)),
      server_(tools, identity, [this](const Json& m, const Json& related) { Route(m, related); }) {}

std::string HttpSession::protocol_version() {
  std::lock_guard<std::mutex> lock(handle_mu_);
  return server_.protocol_version();
}

std::optional<Json> HttpSession::Handle(const Json& message) {
  Touch();
  std::lock_guard<std::mutex> lock(handle_mu_);
  return server_.HandleMessage(message);
}

void HttpSession::Route(const Json& message, const Json& related) {
  std::shared_ptr<EventStream> stream;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = streams_.find(related.dump());
    if (it == streams_.end()) return;  // nobody asked (cannot happen for a call's messages)
    stream = it->second;
    last_used_ = absl::Now();
  }
  if (message.is_null()) return stream->Close();  // cancelled: the stream ends without a reply
  const bool reply = message.is_array() || message.contains("result") || message.contains("error");
  stream->Push(message, reply);
}

std::shared_ptr<EventStream> HttpSession::OpenStream(const Json& key) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& slot = streams_[key.dump()];
  if (slot && !slot->ended()) return nullptr;
  // Over the bound, ended streams nobody came back for are dropped first.
  for (auto it = streams_.begin(); streams_.size() > kMaxStreams && it != streams_.end();) {
    it = (it->second && it->second->ended()) ? streams_.erase(it) : std::next(it);
  }
  slot = std::make_shared<EventStream>(absl::StrCat("s", next_stream_++), kMaxEventsPerStream);
  return slot;
}

std::shared_ptr<EventStream> HttpSession::FindStream(const std::string& stream_id) {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& [key, stream] : streams_) {
    if (stream && stream->id() == stream_id) return stream;
  }
  return nullptr;
}

void HttpSession::Forget(const std::shared_ptr<EventStream>& stream) {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto it = streams_.begin(); it != streams_.end(); ++it) {
    if (it->second == stream) {
      streams_.erase(it);
      return;
    }
  }
}

void HttpSession::Touch() {
  std::lock_guard<std::mutex> lock(mu_);
  last_used_ = absl::Now();
}

std::optional<absl::Time> HttpSession::IdleSince() {
  if (server_.RunningCalls() > 0) return std::nullopt;
  std::lock_guard<std::mutex> lock(mu_);
  return last_used_;
}

void HttpSession::Close() {
  server_.Shutdown();
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& [key, stream] : streams_) {
    if (stream) stream->Close();
  }
}

}  // namespace pgark::protocol
