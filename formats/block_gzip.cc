#include "formats/block_gzip.h"

#include <isa-l/igzip_lib.h>
#include <libdeflate.h>
#include <zlib.h>

#include <map>

#include "absl/strings/str_cat.h"
#include "formats/gzip.h"
#include "formats/status_macros.h"

namespace pgark::formats {
namespace {

// One libdeflate compressor per thread and level (allocating one costs more than a block).
libdeflate_compressor* ThreadCompressor(int level) {
  struct Cache {
    std::map<int, libdeflate_compressor*> by_level;
    ~Cache() {
      for (auto& [level, c] : by_level) libdeflate_free_compressor(c);
    }
  };
  thread_local Cache cache;
  libdeflate_compressor*& c = cache.by_level[level];
  if (c == nullptr) c = libdeflate_alloc_compressor(level);
  return c;
}

absl::Status ZlibBlock(int level, absl::string_view in, std::string& out) {
  z_stream z = {};
  int rc = deflateInit2(&z, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  if (rc != Z_OK) return ZlibStatus("deflateInit2", rc, z.msg);
  const size_t at = out.size();
  out.resize(at + deflateBound(&z, in.size()) + 32);
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data() + at);
  z.avail_out = static_cast<uInt>(out.size() - at);
  rc = deflate(&z, Z_FINISH);
  out.resize(at + z.total_out);
  deflateEnd(&z);
  return rc == Z_STREAM_END ? absl::OkStatus() : ZlibStatus("deflate", rc, z.msg);
}

absl::Status IsalBlock(absl::string_view in, std::string& out) {
  thread_local std::string level_buf(ISAL_DEF_LVL1_DEFAULT, '\0');
  isal_zstream z;
  isal_deflate_stateless_init(&z);
  z.level = 1;
  z.level_buf = reinterpret_cast<uint8_t*>(level_buf.data());
  z.level_buf_size = static_cast<uint32_t>(level_buf.size());
  z.gzip_flag = IGZIP_GZIP;
  z.end_of_stream = 1;
  z.flush = NO_FLUSH;
  const size_t at = out.size();
  // Stored blocks bound the output: 5 bytes per 64 KiB plus header and trailer.
  out.resize(at + in.size() + in.size() / 16 + 1024);
  z.next_in = reinterpret_cast<uint8_t*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uint32_t>(in.size());
  z.next_out = reinterpret_cast<uint8_t*>(out.data() + at);
  z.avail_out = static_cast<uint32_t>(out.size() - at);
  int rc = isal_deflate_stateless(&z);
  if (rc != COMP_OK) return absl::InternalError(absl::StrCat("ISA-L igzip failed (", rc, ")"));
  out.resize(at + z.total_out);
  return absl::OkStatus();
}

}  // namespace

GzipEngine EngineForLevel(int level) {
  return level <= 1 ? GzipEngine::kIsal : GzipEngine::kLibdeflate;
}

absl::Status GzipBlock(GzipEngine engine, int level, absl::string_view in, std::string& out) {
  if (engine == GzipEngine::kZlib) return ZlibBlock(level, in, out);
  if (engine == GzipEngine::kIsal) return IsalBlock(in, out);
  libdeflate_compressor* c = ThreadCompressor(level);
  if (c == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("compression level ", level, " is not valid"));
  }
  const size_t at = out.size();
  out.resize(at + libdeflate_gzip_compress_bound(c, in.size()));
  size_t n = libdeflate_gzip_compress(c, in.data(), in.size(), out.data() + at, out.size() - at);
  if (n == 0) return absl::InternalError("libdeflate: output larger than its own bound");
  out.resize(at + n);
  return absl::OkStatus();
}

CompressionPool::CompressionPool(int threads) {
  for (int i = 0; i < threads; ++i) workers_.emplace_back([this] { Work(); });
}

CompressionPool::~CompressionPool() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  for (std::thread& t : workers_) t.join();
}

void CompressionPool::Submit(std::function<void()> task) {
  absl::MutexLock lock(&mu_);
  tasks_.push_back(std::move(task));
}

void CompressionPool::Work() {
  while (true) {
    std::function<void()> task;
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(
          +[](CompressionPool* p) { return p->stopping_ || !p->tasks_.empty(); }, this));
      if (tasks_.empty()) return;  // stopping, and nothing left to do
      task = std::move(tasks_.front());
      tasks_.pop_front();
    }
    task();
  }
}

}  // namespace pgark::formats
