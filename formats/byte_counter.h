// `ByteCounter` is a tap that counts the bytes passing through it.
#ifndef PGARK_FORMATS_BYTE_COUNTER_H_
#define PGARK_FORMATS_BYTE_COUNTER_H_

#include <cstdint>

#include "formats/sink.h"

namespace pgark::formats {

class ByteCounter : public ForwardingSink {
 public:
  uint64_t bytes() const { return bytes_; }

 protected:
  absl::Status Transform(absl::string_view data) override {
    bytes_ += data.size();
    return Forward(data);
  }

 private:
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
