#include "formats/gzip.h"

#include <isa-l/igzip_lib.h>
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

namespace {

// A gzip member header (RFC 1952, 2.3), read a byte at a time so that it may arrive in any
// chunking: the fixed ten bytes, then the optional extra field, file name, comment and header
// CRC that other writers add. igzip could read it too, but fails on a header CRC split across
// inputs.
class GzipHeaderReader {
 public:
  bool done() const { return field_ == Field::kDone; }

  void Reset() { *this = GzipHeaderReader(); }

  // Consumes header bytes from the front of `data`, stopping when the header is complete.
  absl::Status Consume(absl::string_view& data) {
    while (!data.empty() && !done()) {
      const auto byte = static_cast<uint8_t>(data.front());
      data.remove_prefix(1);
      if (field_ != Field::kCrc) crc_ = crc32(crc_, &byte, 1);
      PGARK_RETURN_IF_ERROR(Take(byte));
    }
    return absl::OkStatus();
  }

 private:
  enum class Field { kFixed, kExtraLength, kExtra, kName, kComment, kCrc, kDone };
  static constexpr uint8_t kHeaderCrc = 2, kExtra = 4, kName = 8, kComment = 16;

  absl::Status Take(uint8_t byte) {
    switch (field_) {
      case Field::kFixed:
        if ((pos_ == 0 && byte != 0x1f) || (pos_ == 1 && byte != 0x8b)) {
          return absl::DataLossError("corrupt gzip data: not a gzip member header");
        }
        if (pos_ == 2 && byte != 8) {
          return absl::DataLossError("corrupt gzip data: compression method is not deflate");
        }
        if (pos_ == 3) {
          if ((byte & 0xe0) != 0) {
            return absl::DataLossError("corrupt gzip data: reserved header flags are set");
          }
          flags_ = byte;
        }
        if (++pos_ == 10) Next(Field::kExtraLength);
        break;
      case Field::kExtraLength:
        extra_left_ |= static_cast<uint32_t>(byte) << (8 * pos_);
        if (++pos_ == 2) Next(extra_left_ > 0 ? Field::kExtra : Field::kName);
        break;
      case Field::kExtra:
        if (--extra_left_ == 0) Next(Field::kName);
        break;
      case Field::kName:
      case Field::kComment:
        if (byte == 0) Next(field_ == Field::kName ? Field::kComment : Field::kCrc);
        break;
      case Field::kCrc:
        stored_crc_ |= static_cast<uint32_t>(byte) << (8 * pos_);
        if (++pos_ == 2) {
          if (stored_crc_ != (crc_ & 0xffff)) {
            return absl::DataLossError("corrupt gzip data: header CRC mismatch");
          }
          field_ = Field::kDone;
        }
        break;
      case Field::kDone:
        break;
    }
    return absl::OkStatus();
  }

  // Moves to `field`, or past it when this header's flags leave it out.
  void Next(Field field) {
    pos_ = 0;
    if (field == Field::kExtraLength && (flags_ & kExtra) == 0) field = Field::kName;
    if (field == Field::kName && (flags_ & kName) == 0) field = Field::kComment;
    if (field == Field::kComment && (flags_ & kComment) == 0) field = Field::kCrc;
    if (field == Field::kCrc && (flags_ & kHeaderCrc) == 0) field = Field::kDone;
    field_ = field;
  }

  Field field_ = Field::kFixed;
  uint8_t flags_ = 0;
  uint32_t pos_ = 0;  // bytes read of the current fixed-size field
  uint32_t extra_left_ = 0;
  uint32_t stored_crc_ = 0;
  uLong crc_ = crc32(0, nullptr, 0);
};

absl::Status IsalInflateStatus(int code) {
  if (code == ISAL_INCORRECT_CHECKSUM) {
    return absl::DataLossError("corrupt gzip data: CRC-32 or length check failed");
  }
  return absl::DataLossError(
      absl::StrCat("corrupt gzip data: invalid deflate stream (igzip error ", code, ")"));
}

}  // namespace

// Members are inflated by ISA-L's igzip, about four times zlib's speed on pgark's archives
// (what a restore's reader thread spends most of its time on), after the header is read here;
// igzip checks each member's CRC-32 and length. At a member's end igzip hands back the bytes it
// read ahead by stepping its input pointer back, possibly into an earlier input, so its input
// is staged in one buffer that keeps the last kHistory consumed bytes.
struct GzipDecompressor::State {
  static constexpr size_t kHistory = 2 * ISAL_DEF_MAX_HDR_SIZE;  // > its read-ahead buffers
  static constexpr size_t kSlice = 1 << 20;                       // bounds `in`

  inflate_state is{};
  GzipHeaderReader header;
  bool in_member = false;  // true between a member's first byte and its trailer
  int members = 0;
  std::string in;    // consumed history, then bytes not consumed yet
  size_t next = 0;   // offset in `in` of the first byte not consumed
  std::string out;
};

GzipDecompressor::GzipDecompressor(size_t chunk_bytes) : state_(std::make_unique<State>()) {
  state_->out.resize(std::max<size_t>(chunk_bytes, 4096));
  isal_inflate_init(&state_->is);
}

GzipDecompressor::~GzipDecompressor() = default;

int GzipDecompressor::members() const { return state_->members; }

absl::Status GzipDecompressor::Transform(absl::string_view data) {
  State& s = *state_;
  while (!data.empty()) {
    const size_t drop = s.next > State::kHistory ? s.next - State::kHistory : 0;
    s.in.erase(0, drop);
    s.next -= drop;
    const size_t take = std::min(data.size(), State::kSlice);
    s.in.append(data.data(), take);
    data.remove_prefix(take);
    PGARK_RETURN_IF_ERROR(Drain());
  }
  return absl::OkStatus();
}

// Inflates what `in` holds past `next`.
absl::Status GzipDecompressor::Drain() {
  State& s = *state_;
  while (s.next < s.in.size()) {
    if (!s.in_member) {
      // A new member starts here: gzip files are concatenations of members.
      s.header.Reset();
      s.in_member = true;
    }
    if (!s.header.done()) {
      absl::string_view rest(s.in.data() + s.next, s.in.size() - s.next);
      PGARK_RETURN_IF_ERROR(s.header.Consume(rest));
      s.next = s.in.size() - rest.size();
      if (s.header.done()) {
        isal_inflate_reset(&s.is);
        s.is.crc_flag = ISAL_GZIP_NO_HDR_VER;  // deflate data, then the CRC-32 and length
      }
      continue;
    }
    uint8_t* const base = reinterpret_cast<uint8_t*>(s.in.data());
    s.is.next_in = base + s.next;
    s.is.avail_in = static_cast<uint32_t>(s.in.size() - s.next);
    s.is.next_out = reinterpret_cast<uint8_t*>(s.out.data());
    s.is.avail_out = static_cast<uint32_t>(s.out.size());
    const int rc = isal_inflate(&s.is);
    if (rc < 0 || rc == ISAL_NEED_DICT) return IsalInflateStatus(rc);
    if (s.is.next_in < base) return absl::InternalError("igzip stepped back past its input");
    const size_t consumed_to = static_cast<size_t>(s.is.next_in - base);
    const size_t produced = s.out.size() - s.is.avail_out;
    const bool finished = s.is.block_state == ISAL_BLOCK_FINISH;
    if (consumed_to == s.next && produced == 0 && !finished) {
      return absl::InternalError("igzip inflate made no progress");
    }
    s.next = consumed_to;
    if (produced > 0) {
      PGARK_RETURN_IF_ERROR(Forward(absl::string_view(s.out.data(), produced)));
    }
    if (finished) {
      s.in_member = false;
      ++s.members;
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
