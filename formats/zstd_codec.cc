#include "formats/zstd_codec.h"

#include <zstd.h>
#include <zstd_errors.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "formats/status_macros.h"

namespace pgark::formats {
namespace {

absl::Status ZstdError(absl::string_view operation, size_t code) {
  const std::string what = absl::StrCat("zstd ", operation, ": ", ZSTD_getErrorName(code));
  if (ZSTD_getErrorCode(code) == ZSTD_error_memory_allocation) {
    return absl::ResourceExhaustedError(what);
  }
  return absl::DataLossError(what);
}

// One compression context per thread (allocating one costs more than a small block).
ZSTD_CCtx* ThreadContext() {
  struct Holder {
    ZSTD_CCtx* cctx = ZSTD_createCCtx();
    ~Holder() { ZSTD_freeCCtx(cctx); }
  };
  thread_local Holder holder;
  return holder.cctx;
}

}  // namespace

absl::Status ZstdBlock(int level, absl::string_view in, std::string& out) {
  if (level < kZstdMinLevel || level > kZstdMaxLevel) {
    return absl::InvalidArgumentError(
        absl::StrCat("zstd level ", level, " is out of range ", kZstdMinLevel, "-", kZstdMaxLevel));
  }
  ZSTD_CCtx* cctx = ThreadContext();
  if (cctx == nullptr) return absl::ResourceExhaustedError("zstd: no memory for a context");
  ZSTD_CCtx_reset(cctx, ZSTD_reset_session_and_parameters);
  size_t rc = ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, level);
  if (!ZSTD_isError(rc)) rc = ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 1);
  if (ZSTD_isError(rc)) return absl::InternalError(ZstdError("parameters", rc).message());
  const size_t at = out.size();
  out.resize(at + ZSTD_compressBound(in.size()));
  rc = ZSTD_compress2(cctx, out.data() + at, out.size() - at, in.data(), in.size());
  if (ZSTD_isError(rc)) {
    out.resize(at);
    return absl::InternalError(ZstdError("compress", rc).message());
  }
  out.resize(at + rc);
  return absl::OkStatus();
}

// pgark's frames hold at most one block (1 MiB), so their window is at most 1 MiB; a hostile
// archive asking for more (zstd's default limit is 128 MiB per stream, and a parallel restore
// opens one stream per connection) is refused as damaged.
constexpr int kMaxWindowLog = 23;

struct ZstdDecompressor::State {
  ZSTD_DCtx* dctx = NewContext();
  std::string out = std::string(ZSTD_DStreamOutSize(), '\0');
  bool in_frame = false;  // between a frame's first byte and its end
  bool any_frame = false;
  ~State() { ZSTD_freeDCtx(dctx); }

  static ZSTD_DCtx* NewContext() {
    ZSTD_DCtx* d = ZSTD_createDCtx();
    if (d != nullptr) ZSTD_DCtx_setParameter(d, ZSTD_d_windowLogMax, kMaxWindowLog);
    return d;
  }
};

ZstdDecompressor::ZstdDecompressor() : state_(std::make_unique<State>()) {}
ZstdDecompressor::~ZstdDecompressor() = default;

absl::Status ZstdDecompressor::Transform(absl::string_view data) {
  State& s = *state_;
  if (s.dctx == nullptr) return absl::ResourceExhaustedError("zstd: no memory for a context");
  ZSTD_inBuffer in{data.data(), data.size(), 0};
  // Until the input is used up and a call leaves room in the output (zstd may be holding more).
  bool output_full = false;
  while (in.pos < in.size || output_full) {
    ZSTD_outBuffer out{s.out.data(), s.out.size(), 0};
    const size_t rc = ZSTD_decompressStream(s.dctx, &out, &in);
    if (ZSTD_isError(rc)) return ZstdError("decompress", rc);
    s.any_frame = true;
    s.in_frame = rc != 0;  // 0: a frame ended and was flushed whole
    if (out.pos > 0) {
      PGARK_RETURN_IF_ERROR(Forward(absl::string_view(s.out.data(), out.pos)));
    }
    output_full = out.pos == out.size;
  }
  return absl::OkStatus();
}

absl::Status ZstdDecompressor::Finish() {
  if (state_->in_frame) {
    return absl::DataLossError("truncated zstd stream: input ended inside a frame");
  }
  if (!state_->any_frame) return absl::DataLossError("not a zstd stream: no frame found");
  return absl::OkStatus();
}

}  // namespace pgark::formats
