#include "formats/thread_pump.h"

#include <deque>
#include <string>
#include <thread>

#include "absl/synchronization/mutex.h"

namespace pgark::formats {
namespace {

class Channel : public Sink {
 public:
  explicit Channel(size_t max_chunks) : max_chunks_(max_chunks) {}

  absl::Status Append(absl::string_view data) override {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(this, &Channel::HasRoom));
    if (cancelled_) return absl::CancelledError("the consumer stopped");
    chunks_.emplace_back(data);
    return absl::OkStatus();
  }
  absl::Status Close() override { return absl::OkStatus(); }

  void Finish(absl::Status status) {
    absl::MutexLock lock(&mu_);
    done_ = true;
    status_ = std::move(status);
  }
  void Cancel() {
    absl::MutexLock lock(&mu_);
    cancelled_ = true;
  }
  // The next chunk into `out`; false at the end of the stream.
  bool Pop(std::string& out) {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(this, &Channel::Readable));
    if (chunks_.empty()) return false;
    out = std::move(chunks_.front());
    chunks_.pop_front();
    return true;
  }
  absl::Status status() {
    absl::MutexLock lock(&mu_);
    return status_;
  }

 private:
  bool HasRoom() const { return cancelled_ || chunks_.size() < max_chunks_; }
  bool Readable() const { return done_ || !chunks_.empty(); }

  const size_t max_chunks_;
  absl::Mutex mu_;
  std::deque<std::string> chunks_;
  bool done_ = false;
  bool cancelled_ = false;
  absl::Status status_;
};

}  // namespace

absl::Status PumpThroughThread(const std::function<absl::Status(Sink&)>& produce, Sink& consume,
                               size_t max_chunks) {
  Channel channel(max_chunks);
  std::thread producer([&] { channel.Finish(produce(channel)); });
  absl::Status consumed;
  std::string chunk;
  while (channel.Pop(chunk)) {
    consumed = consume.Append(chunk);
    if (!consumed.ok()) {
      channel.Cancel();
      while (channel.Pop(chunk)) {
      }
      break;
    }
  }
  producer.join();
  if (!consumed.ok()) return consumed;
  return channel.status();
}

}  // namespace pgark::formats
