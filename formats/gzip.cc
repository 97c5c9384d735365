#include "formats/gzip.h"

#include <zlib.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "formats/status_macros.h"

namespace pgark::formats {
namespace {

// windowBits 15 plus 16 selects the gzip wrapper (header and CRC-32 trailer).
constexpr int kGzipWindowBits = 15 + 16;
constexpr int kMemLevel = 8;

// zlib counts in uInt; feed it at most this much at a time.
constexpr size_t kMaxZlibInput = 1u << 30;

Bytef* MutableBytes(absl::string_view data) {
  // zlib's next_in is not const-qualified but never written through.
  return reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));  // NOLINT
}

}  // namespace

absl::Status ValidateGzipOptions(const GzipOptions& options) {
  if (options.level < 1 || options.level > 9) {
    return absl::InvalidArgumentError(
        absl::StrCat("gzip level ", options.level, " is out of range 1-9"));
  }
  if (options.chunk_bytes < 4096 || options.chunk_bytes > (16u << 20)) {
    return absl::InvalidArgumentError(
        absl::StrCat("gzip chunk size ", options.chunk_bytes, " is out of range 4 KiB-16 MiB"));
  }
  return absl::OkStatus();
}

absl::Status ZlibStatus(absl::string_view operation, int code, const char* msg) {
  std::string text = absl::StrCat("zlib ", operation, " failed (", code, ")");
  if (msg != nullptr) absl::StrAppend(&text, ": ", msg);
  switch (code) {
    case Z_OK:
    case Z_STREAM_END:
      return absl::OkStatus();
    case Z_DATA_ERROR:
    case Z_NEED_DICT:
      return absl::DataLossError(absl::StrCat("corrupt gzip data: ", text));
    case Z_MEM_ERROR:
      return absl::ResourceExhaustedError(text);
    case Z_STREAM_ERROR:
    case Z_VERSION_ERROR:
    default:
      return absl::InternalError(text);
  }
}

struct GzipCompressor::State {
  GzipOptions options;
  z_stream zs{};
  bool initialised = false;
  std::string out;
};

GzipCompressor::GzipCompressor(const GzipOptions& options) : state_(std::make_unique<State>()) {
  state_->options = options;
}

GzipCompressor::~GzipCompressor() {
  if (state_->initialised) deflateEnd(&state_->zs);
}

absl::Status GzipCompressor::Init() {
  State& s = *state_;
  if (s.initialised) return absl::OkStatus();
  PGARK_RETURN_IF_ERROR(ValidateGzipOptions(s.options));
  int rc = deflateInit2(&s.zs, s.options.level, Z_DEFLATED, kGzipWindowBits, kMemLevel,
                        Z_DEFAULT_STRATEGY);
  if (rc != Z_OK) return ZlibStatus("deflateInit2", rc, s.zs.msg);
  s.initialised = true;
  s.out.resize(s.options.chunk_bytes);
  return absl::OkStatus();
}

absl::Status GzipCompressor::Transform(absl::string_view data) {
  State& s = *state_;
  PGARK_RETURN_IF_ERROR(Init());
  while (!data.empty()) {
    size_t take = std::min(data.size(), kMaxZlibInput);
    s.zs.next_in = MutableBytes(data);
    s.zs.avail_in = static_cast<uInt>(take);
    data.remove_prefix(take);
    do {
      s.zs.next_out = reinterpret_cast<Bytef*>(s.out.data());
      s.zs.avail_out = static_cast<uInt>(s.out.size());
      int rc = deflate(&s.zs, Z_NO_FLUSH);
      if (rc != Z_OK && rc != Z_BUF_ERROR) return ZlibStatus("deflate", rc, s.zs.msg);
      size_t produced = s.out.size() - s.zs.avail_out;
      if (produced > 0) PGARK_RETURN_IF_ERROR(Forward(absl::string_view(s.out.data(), produced)));
    } while (s.zs.avail_in > 0 || s.zs.avail_out == 0);
  }
  return absl::OkStatus();
}

absl::Status GzipCompressor::Finish() {
  State& s = *state_;
  // An empty member is still a valid gzip member (header plus empty deflate block).
  PGARK_RETURN_IF_ERROR(Init());
  s.zs.next_in = nullptr;
  s.zs.avail_in = 0;
  for (;;) {
    s.zs.next_out = reinterpret_cast<Bytef*>(s.out.data());
    s.zs.avail_out = static_cast<uInt>(s.out.size());
    int rc = deflate(&s.zs, Z_FINISH);
    if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) {
      return ZlibStatus("deflate", rc, s.zs.msg);
    }
    size_t produced = s.out.size() - s.zs.avail_out;
    if (produced > 0) PGARK_RETURN_IF_ERROR(Forward(absl::string_view(s.out.data(), produced)));
    if (rc == Z_STREAM_END) break;
  }
  return absl::OkStatus();
}

struct GzipDecompressor::State {
  z_stream zs{};
  bool initialised = false;
  bool in_member = false;  // true between a member's first byte and its trailer
  int members = 0;
  std::string out;
};

GzipDecompressor::GzipDecompressor(size_t chunk_bytes) : state_(std::make_unique<State>()) {
  state_->out.resize(std::max<size_t>(chunk_bytes, 4096));
}

GzipDecompressor::~GzipDecompressor() {
  if (state_->initialised) inflateEnd(&state_->zs);
}

int GzipDecompressor::members() const { return state_->members; }

absl::Status GzipDecompressor::Transform(absl::string_view data) {
  State& s = *state_;
  if (!s.initialised) {
    int rc = inflateInit2(&s.zs, kGzipWindowBits);
    if (rc != Z_OK) return ZlibStatus("inflateInit2", rc, s.zs.msg);
    s.initialised = true;
  }
  while (!data.empty()) {
    size_t take = std::min(data.size(), kMaxZlibInput);
    s.zs.next_in = MutableBytes(data);
    s.zs.avail_in = static_cast<uInt>(take);
    data.remove_prefix(take);
    while (s.zs.avail_in > 0) {
      if (!s.in_member) {
        // A new member starts here: gzip files are concatenations of members.
        int rc = inflateReset(&s.zs);
        if (rc != Z_OK) return ZlibStatus("inflateReset", rc, s.zs.msg);
        s.in_member = true;
      }
      s.zs.next_out = reinterpret_cast<Bytef*>(s.out.data());
      s.zs.avail_out = static_cast<uInt>(s.out.size());
      uInt before_in = s.zs.avail_in;
      int rc = inflate(&s.zs, Z_NO_FLUSH);
      if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) {
        return ZlibStatus("inflate", rc, s.zs.msg);
      }
      size_t produced = s.out.size() - s.zs.avail_out;
      if (rc == Z_BUF_ERROR && produced == 0 && s.zs.avail_in == before_in) {
        return absl::InternalError("zlib inflate made no progress");
      }
      if (produced > 0) PGARK_RETURN_IF_ERROR(Forward(absl::string_view(s.out.data(), produced)));
      if (rc == Z_STREAM_END) {
        s.in_member = false;
        ++s.members;
      }
    }
  }
  return absl::OkStatus();
}

absl::Status GzipDecompressor::Finish() {
  State& s = *state_;
  if (s.in_member) {
    return absl::DataLossError("truncated gzip stream: input ended inside a member");
  }
  if (s.members == 0) return absl::DataLossError("not a gzip stream: no member found");
  return absl::OkStatus();
}

}  // namespace pgark::formats
