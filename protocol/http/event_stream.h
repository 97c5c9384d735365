// One request's server-sent event stream over MCP Streamable HTTP: the messages that belong to a
// request (progress, log lines, then its reply), numbered so that a client whose connection
// broke can resume with Last-Event-ID and receive the rest. A bounded buffer keeps what was
// pushed; when it overflows, the oldest notifications go first and the reply is never dropped.
// Writers (tool threads) push; readers (HTTP connection threads) wait for what follows an event.
#ifndef PGARK_PROTOCOL_HTTP_EVENT_STREAM_H_
#define PGARK_PROTOCOL_HTTP_EVENT_STREAM_H_

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "protocol/mcp/json_rpc.h"

namespace pgark::protocol {

class EventStream {
 public:
  struct Event {
    uint64_t seq = 0;
    std::string data;  // one compact JSON message
  };
  // What a reader got: the events after the one it had, and whether the stream is over.
  struct Batch {
    std::vector<Event> events;
    bool ended = false;
  };

  // `id` is unique within the session (event ids are "<id>-<seq>").
  EventStream(std::string id, size_t max_events) : id_(std::move(id)), max_events_(max_events) {}

  const std::string& id() const { return id_; }
  std::string EventId(uint64_t seq) const;
  // "<id>-<seq>" -> {id, seq}; nullopt when `event_id` is not of that form.
  static std::optional<std::pair<std::string, uint64_t>> ParseEventId(absl::string_view event_id);

  // Adds a message; a `reply` ends the stream.
  void Push(const Json& message, bool reply);
  // Ends the stream without a reply (cancelled, session deleted).
  void Close();
  // Waits up to `timeout` for events after `after` (0: from the start).
  Batch Next(uint64_t after, absl::Duration timeout);
  // Waits until the stream has ended; its reply, if any.
  std::optional<Json> WaitForReply();
  bool ended();
  // The stream was delivered to its end: keeps only its last event, so that a client resuming
  // from it learns that nothing follows, at little cost.
  void Trim();

 private:
  const std::string id_;
  const size_t max_events_;
  std::mutex mu_;
  std::condition_variable changed_;
  std::deque<Event> events_;
  uint64_t next_seq_ = 1;
  bool ended_ = false;
  std::optional<Json> reply_;
};

}  // namespace pgark::protocol

#endif  // PGARK_PROTOCOL_HTTP_EVENT_STREAM_H_
