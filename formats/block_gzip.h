// Parallel gzip for archives. `BlockGzipCompressor` cuts its stream into blocks (1 MiB by
// default) and compresses each into its own gzip member on the threads of a `CompressionPool`,
// pigz-style, writing the members downstream in order. The output is plain gzip: `gunzip`, zlib
// and `GzipDecompressor` read concatenated members as one stream. Memory is bounded by the
// blocks in flight (two per thread). The block engine is libdeflate (about twice zlib's speed
// at the same level, with slightly smaller output; bench/README.md), ISA-L or zlib.
#ifndef PGARK_FORMATS_BLOCK_GZIP_H_
#define PGARK_FORMATS_BLOCK_GZIP_H_

#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "formats/sink.h"

namespace pgark::formats {

// libdeflate for levels 2-9; ISA-L's igzip (level 1, several times faster, larger output) for
// the "fast" level; zlib as the reference.
enum class GzipEngine { kLibdeflate, kZlib, kIsal };

// The engine pgark uses for a gzip level (bench/README.md has the measurements).
GzipEngine EngineForLevel(int level);

// Compresses `in` into one complete gzip member appended to `out`. `level` 1-9 (libdeflate
// also takes 10-12; ISA-L uses its level 1 whatever is asked). Thread-safe.
absl::Status GzipBlock(GzipEngine engine, int level, absl::string_view in, std::string& out);

// Worker threads shared by every member of an archive. Tasks run in submission order.
class CompressionPool {
 public:
  explicit CompressionPool(int threads);
  ~CompressionPool();  // finishes queued tasks, then joins
  CompressionPool(const CompressionPool&) = delete;
  CompressionPool& operator=(const CompressionPool&) = delete;

  int threads() const { return static_cast<int>(workers_.size()); }
  void Submit(std::function<void()> task);

 private:
  void Work();

  absl::Mutex mu_;
  std::deque<std::function<void()>> tasks_;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

struct BlockGzipOptions {
  GzipEngine engine = GzipEngine::kLibdeflate;
  int level = 6;
  size_t block_bytes = 1 << 20;
};

class BlockGzipCompressor : public ForwardingSink {
 public:
  // `pool` may be null: blocks are then compressed on the calling thread.
  BlockGzipCompressor(const BlockGzipOptions& options, CompressionPool* pool);
  ~BlockGzipCompressor() override;

 protected:
  absl::Status Transform(absl::string_view data) override;
  // Compresses the last block (an empty member if the stream was empty) and drains.
  absl::Status Finish() override;

 private:
  struct Job;
  absl::Status Dispatch();
  absl::Status WriteOldest();

  BlockGzipOptions options_;
  CompressionPool* pool_;
  std::string block_;
  std::deque<std::shared_ptr<Job>> in_flight_;
  bool emitted_ = false;
};

}  // namespace pgark::formats

#endif  // PGARK_FORMATS_BLOCK_GZIP_H_
