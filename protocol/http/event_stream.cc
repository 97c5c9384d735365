#include "protocol/http/event_stream.h"

#include <chrono>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace pgark::protocol {

std::string EventStream::EventId(uint64_t seq) const { return absl::StrCat(id_, "-", seq); }

std::optional<std::pair<std::string, uint64_t>> EventStream::ParseEventId(
    absl::string_view event_id) {
  const size_t dash = event_id.rfind('-');
  uint64_t seq = 0;
  if (dash == absl::string_view::npos || dash == 0 ||
      !absl::SimpleAtoi(event_id.substr(dash + 1), &seq)) {
    return std::nullopt;
  }
  return std::make_pair(std::string(event_id.substr(0, dash)), seq);
}

void EventStream::Push(const Json& message, bool reply) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (ended_) return;  // nothing follows a reply or a close
    events_.push_back({next_seq_++, Serialize(message)});
    if (reply) {
      reply_ = message;
      ended_ = true;
    }
    // Over the bound: drop the oldest notification (never the reply, which is last).
    if (events_.size() > max_events_) events_.pop_front();
  }
  changed_.notify_all();
}

void EventStream::Close() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    ended_ = true;
  }
  changed_.notify_all();
}

EventStream::Batch EventStream::Next(uint64_t after, absl::Duration timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  auto has_news = [&] { return ended_ || (!events_.empty() && events_.back().seq > after); };
  changed_.wait_for(lock, absl::ToChronoMilliseconds(timeout), has_news);
  Batch batch;
  for (const Event& e : events_) {
    if (e.seq > after) batch.events.push_back(e);
  }
  batch.ended = ended_;
  return batch;
}

std::optional<Json> EventStream::WaitForReply() {
  std::unique_lock<std::mutex> lock(mu_);
  changed_.wait(lock, [&] { return ended_; });
  return reply_;
}

void EventStream::Trim() {
  std::lock_guard<std::mutex> lock(mu_);
  while (events_.size() > 1) events_.pop_front();
}

bool EventStream::ended() {
  std::lock_guard<std::mutex> lock(mu_);
  return ended_;
}

}  // namespace pgark::protocol
