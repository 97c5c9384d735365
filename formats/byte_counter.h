// `ByteCounter` is a tap that counts the bytes passing through it, and fails (kDataLoss) once
// more than `limit` pass: what a manifest says a member decompresses to bounds what a reader
// takes in, so a small member that inflates without end is stopped early.
#ifndef PGARK_FORMATS_BYTE_COUNTER_H_
#define PGARK_FORMATS_BYTE_COUNTER_H_

#include <cstdint>

#include "absl/strings/str_cat.h"

#include "formats/sink.h"

namespace pgark::formats {

class ByteCounter : public ForwardingSink {
 public:
  explicit ByteCounter(uint64_t limit = UINT64_MAX) : limit_(limit) {}
  uint64_t bytes() const { return bytes_; }

 protected:
  absl::Status Transform(absl::string_view data) override {
    if (data.size() > limit_ - bytes_) {
      return absl::DataLossError(
          absl::StrCat("decompresses to more than the ", limit_, " bytes expected"));
    }
    bytes_ += data.size();
    return Forward(data);
  }

 private:
  uint64_t limit_;
  uint64_t bytes_ = 0;
};

// A terminal Sink that discards everything (for verification passes that only need taps).
class NullSink : public Sink {
 public:
  absl::Status Append(absl::string_view) override { return absl::OkStatus(); }
  absl::Status Close() override { return absl::OkStatus(); }
};

}  // namespace pgark::formats

#endif  // PGARK_FORMATS_BYTE_COUNTER_H_
