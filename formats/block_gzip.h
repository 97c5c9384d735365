// Block gzip for archives: each block (1 MiB) of a stream becomes its own gzip member,
// pigz-style, compressed on the threads of a `CompressionPool` (formats/member_pipeline.h puts
// them in order). The output is plain gzip: `gunzip`, zlib and `GzipDecompressor` read
// concatenated members as one stream. The block engine is libdeflate (about twice zlib's speed
// at the same level, with slightly smaller output; bench/README.md), ISA-L or zlib.
#ifndef PGARK_FORMATS_BLOCK_GZIP_H_
#define PGARK_FORMATS_BLOCK_GZIP_H_

#include <deque>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"

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

}  // namespace pgark::formats

#endif  // PGARK_FORMATS_BLOCK_GZIP_H_
