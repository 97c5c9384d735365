// `ProgressListener` receives progress from long engine operations. The CLI draws a bar on
// stderr; the MCP server turns it into notifications/progress. Callbacks run on the thread
// doing the work and must be cheap; the default implementation ignores everything.
#ifndef PGARK_ENGINE_PROGRESS_H_
#define PGARK_ENGINE_PROGRESS_H_

#include <atomic>
#include <cstdint>
#include <string>

#include "absl/synchronization/mutex.h"
#include "formats/sink.h"

namespace pgark::engine {

class ProgressListener {
 public:
  virtual ~ProgressListener() = default;
  // `total_tables` tables will be processed, about `estimated_bytes` of table data (the
  // catalog's size estimate for a backup, the exact size for a restore).
  virtual void OnStart(int /*total_tables*/, uint64_t /*estimated_bytes*/) {}
  virtual void OnTableBegin(const std::string& /*table*/) {}
  virtual void OnTableEnd(const std::string& /*table*/, int64_t /*rows*/,
                          uint64_t /*raw_bytes*/) {}
  // `raw_bytes` more bytes of table data were moved (called about once per MiB).
  virtual void OnBytes(uint64_t /*raw_bytes*/) {}
  // True when the caller asked to stop (MCP cancellation, SIGTERM): the operation then
  // fails with kCancelled at its next checkpoint and leaves nothing behind.
  virtual bool Cancelled() { return false; }
};

// `listener`, or a listener that ignores everything when it is null (the engine entry points
// take an optional listener).
inline ProgressListener& ListenerOr(ProgressListener* listener) {
  static ProgressListener ignore_all;  // stateless: safe to share between threads
  return listener != nullptr ? *listener : ignore_all;
}

// Lets several threads report to one listener: calls are serialised, and `Cancelled` is also
// true once `stop` is (another thread's work failed).
class SharedListener : public ProgressListener {
 public:
  SharedListener(ProgressListener& inner, const std::atomic<bool>& stop)
      : inner_(inner), stop_(stop) {}
  void OnStart(int tables, uint64_t bytes) override {
    absl::MutexLock lock(&mu_);
    inner_.OnStart(tables, bytes);
  }
  void OnTableBegin(const std::string& table) override {
    absl::MutexLock lock(&mu_);
    inner_.OnTableBegin(table);
  }
  void OnTableEnd(const std::string& table, int64_t rows, uint64_t raw_bytes) override {
    absl::MutexLock lock(&mu_);
    inner_.OnTableEnd(table, rows, raw_bytes);
  }
  void OnBytes(uint64_t raw_bytes) override {
    absl::MutexLock lock(&mu_);
    inner_.OnBytes(raw_bytes);
  }
  bool Cancelled() override {
    if (stop_.load()) return true;
    absl::MutexLock lock(&mu_);
    return inner_.Cancelled();
  }

 private:
  ProgressListener& inner_;
  const std::atomic<bool>& stop_;
  absl::Mutex mu_;
};

// A tap on a table's data stream that reports bytes to `listener` and fails the stream with
// kCancelled once the listener asks to stop, both every `check_every_bytes`, so a long COPY
// stops promptly and the caller unwinds (temporary files removed, transaction rolled back).
class ProgressTap : public formats::ForwardingSink {
 public:
  explicit ProgressTap(ProgressListener& listener, uint64_t check_every_bytes = 1 << 20)
      : listener_(listener), check_every_bytes_(check_every_bytes) {}

 protected:
  absl::Status Transform(absl::string_view data) override {
    since_check_ += data.size();
    if (since_check_ >= check_every_bytes_) {
      listener_.OnBytes(since_check_);
      since_check_ = 0;
      if (listener_.Cancelled()) return absl::CancelledError("cancelled");
    }
    return Forward(data);
  }
  absl::Status Finish() override {
    if (since_check_ > 0) listener_.OnBytes(since_check_);
    since_check_ = 0;
    return absl::OkStatus();
  }

 private:
  ProgressListener& listener_;
  uint64_t check_every_bytes_;
  uint64_t since_check_ = 0;
};

}  // namespace pgark::engine

#endif  // PGARK_ENGINE_PROGRESS_H_
