// `Sink` is the push end of every byte pipeline: COPY data, gzip members and files all flow
// through `Append` calls. Filters (`Sha256Tap`, `GzipCompressor`, ...) are Sinks that forward to
// a downstream Sink. A Sink is used by one thread at a time.
//
// Contract, shared by every implementation:
//  - The status is sticky: after the first failure every call returns that same status.
//  - `Close()` flushes trailers (gzip footer, fsync + rename) and is idempotent.
//  - Destroying a Sink that was not closed discards its output (a `FileSink` removes its
//    temporary file), so an error path never leaves a file that looks complete.
#ifndef PGARK_FORMATS_SINK_H_
#define PGARK_FORMATS_SINK_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace pgark::formats {

class Sink {
 public:
  virtual ~Sink() = default;

  // Consumes `data`; the view need not outlive the call.
  virtual absl::Status Append(absl::string_view data) = 0;

  // Flushes and finalises. After it returns OK, no more `Append` calls are allowed
  // (they return kFailedPrecondition).
  virtual absl::Status Close() = 0;
};

// A Sink that forwards to a downstream Sink it does not own. Holds the sticky status and the
// closed flag so that filters only implement `Transform` and `Finish`.
class ForwardingSink : public Sink {
 public:
  // REQUIRES: `downstream` outlives this object, or `set_downstream` is called before use.
  explicit ForwardingSink(Sink* downstream = nullptr) : downstream_(downstream) {}

  void set_downstream(Sink* downstream) { downstream_ = downstream; }
  Sink* downstream() const { return downstream_; }
  const absl::Status& status() const { return status_; }

  absl::Status Append(absl::string_view data) final;
  // Calls `Finish()` and then, when `close_downstream` was set, closes the downstream.
  absl::Status Close() final;

  // When true (the default), `Close()` also closes the downstream sink. Archive members set it
  // to false so that many members share one file.
  void set_close_downstream(bool close) { close_downstream_ = close; }

 protected:
  // Processes `data`, forwarding any output with `Forward`.
  virtual absl::Status Transform(absl::string_view data) = 0;
  // Flushes trailers downstream. Called once, by `Close()`.
  virtual absl::Status Finish() { return absl::OkStatus(); }
  absl::Status Forward(absl::string_view data) { return downstream_->Append(data); }

 private:
  absl::Status Fail(absl::Status status);

  Sink* downstream_;
  absl::Status status_;
  bool closed_ = false;
  bool close_downstream_ = true;
};

}  // namespace pgark::formats

#endif  // PGARK_FORMATS_SINK_H_
