// zstd transforms for archives made with `--compress zstd[:LEVEL]`. Like block gzip, each block
// of a member is its own zstd frame (with its content checksum), so members stay seekable and
// the whole file is an ordinary .zst stream: `zstd -dc` reads concatenated frames as one.
// libzstd does not show in this header.
#ifndef PGARK_FORMATS_ZSTD_CODEC_H_
#define PGARK_FORMATS_ZSTD_CODEC_H_

#include <memory>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "formats/sink.h"

namespace pgark::formats {

// The levels pgark accepts: zstd's 1 (fastest) to 19 (smallest); 3 is zstd's default.
inline constexpr int kZstdMinLevel = 1;
inline constexpr int kZstdMaxLevel = 19;

// Compresses `in` into one complete zstd frame (content size and checksum recorded) appended
// to `out`. Thread-safe: each thread keeps its own compression context.
absl::Status ZstdBlock(int level, absl::string_view in, std::string& out);

// Decompresses any number of concatenated zstd frames. kDataLoss on a corrupt frame, a
// checksum that does not match, or (on Close) input that ends inside a frame or held none.
class ZstdDecompressor : public ForwardingSink {
 public:
  ZstdDecompressor();
  ~ZstdDecompressor() override;

 protected:
  absl::Status Transform(absl::string_view data) override;
  absl::Status Finish() override;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace pgark::formats

#endif  // PGARK_FORMATS_ZSTD_CODEC_H_
