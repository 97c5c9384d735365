// In-memory Sinks and Sources, for tests and small payloads, plus fault-injecting variants
// (leveldb's ErrorEnv idea) that fail after a given number of bytes.
#ifndef PGARK_FORMATS_MEMORY_IO_H_
#define PGARK_FORMATS_MEMORY_IO_H_

#include <algorithm>
#include <string>
#include <utility>

#include "formats/sink.h"
#include "formats/source.h"

namespace pgark::formats {

class StringSink : public Sink {
 public:
  // Appends past `fail_after_bytes` fail with `error` (sticky); the default never fails.
  explicit StringSink(size_t fail_after_bytes = std::string::npos,
                      absl::Status error = absl::ResourceExhaustedError("injected: disk full"))
      : fail_after_bytes_(fail_after_bytes), error_(std::move(error)) {}

  const std::string& data() const { return data_; }
  bool closed() const { return closed_; }

  absl::Status Append(absl::string_view data) override {
    if (!status_.ok()) return status_;
    if (closed_) return status_ = absl::FailedPreconditionError("append after close");
    if (fail_after_bytes_ != std::string::npos && data_.size() + data.size() > fail_after_bytes_) {
      return status_ = error_;
    }
    data_.append(data.data(), data.size());
    return absl::OkStatus();
  }
  absl::Status Close() override {
    closed_ = true;
    return status_;
  }

 private:
  std::string data_;
  size_t fail_after_bytes_;
  absl::Status error_;
  absl::Status status_;
  bool closed_ = false;
};

class StringSource : public Source {
 public:
  // Hands out `data` in chunks of `chunk_bytes`; after `fail_after_bytes` bytes, Read fails
  // with `error`.
  explicit StringSource(std::string data, size_t chunk_bytes = 64 * 1024,
                        size_t fail_after_bytes = std::string::npos,
                        absl::Status error = absl::DataLossError("injected: read error"))
      : data_(std::move(data)),
        chunk_bytes_(std::max<size_t>(chunk_bytes, 1)),
        fail_after_bytes_(fail_after_bytes),
        error_(std::move(error)) {}

  absl::StatusOr<absl::string_view> Read() override {
    if (pos_ >= fail_after_bytes_) return error_;
    size_t n = std::min(chunk_bytes_, data_.size() - pos_);
    if (fail_after_bytes_ != std::string::npos) n = std::min(n, fail_after_bytes_ - pos_);
    absl::string_view chunk(data_.data() + pos_, n);
    pos_ += n;
    return chunk;
  }

 private:
  std::string data_;
  size_t chunk_bytes_;
  size_t fail_after_bytes_;
  absl::Status error_;
  size_t pos_ = 0;
};

}  // namespace pgark::formats

#endif  // PGARK_FORMATS_MEMORY_IO_H_
