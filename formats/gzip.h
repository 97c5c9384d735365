// gzip transforms: zlib deflates, ISA-L's igzip inflates. `GzipCompressor` writes one gzip
// member per Close(); archives get a member per table by opening one compressor per member over
// a shared file. `GzipDecompressor` reads any number of concatenated members (what `gunzip`
// accepts) and reports a stream that ends mid-member as data loss. Neither library shows in this
// header.
#ifndef PGARK_FORMATS_GZIP_H_
#define PGARK_FORMATS_GZIP_H_

#include <cstddef>
#include <memory>

#include "absl/status/status.h"
#include "formats/sink.h"

namespace pgark::formats {

struct GzipOptions {
  // zlib compression level, 1 (fastest) to 9 (smallest). 6 is zlib's and gzip's default.
  int level = 6;
  // Size of the output buffer pushed downstream, 4 KiB to 16 MiB.
  size_t chunk_bytes = 256 * 1024;
};

// kInvalidArgument when a field is out of its documented range.
absl::Status ValidateGzipOptions(const GzipOptions& options);

// Maps a zlib return code to a Status in exactly one place. `msg` is z_stream.msg (may be null).
// Z_DATA_ERROR and Z_BUF_ERROR at end of input are kDataLoss; Z_MEM_ERROR kResourceExhausted.
absl::Status ZlibStatus(absl::string_view operation, int code, const char* msg);

class GzipCompressor : public ForwardingSink {
 public:
  // REQUIRES: `ValidateGzipOptions(options).ok()`; an invalid level surfaces on first use.
  explicit GzipCompressor(const GzipOptions& options = {});
  ~GzipCompressor() override;

 protected:
  absl::Status Transform(absl::string_view data) override;
  absl::Status Finish() override;

 private:
  absl::Status Init();

  struct State;
  std::unique_ptr<State> state_;
};

class GzipDecompressor : public ForwardingSink {
 public:
  explicit GzipDecompressor(size_t chunk_bytes = 256 * 1024);
  ~GzipDecompressor() override;

  // Number of complete gzip members seen so far.
  int members() const;

 protected:
  // kDataLoss on corrupt input.
  absl::Status Transform(absl::string_view data) override;
  // kDataLoss if the input ended inside a member or held no member at all.
  absl::Status Finish() override;

 private:
  // Inflates the staged input not consumed yet.
  absl::Status Drain();

  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace pgark::formats

#endif  // PGARK_FORMATS_GZIP_H_
