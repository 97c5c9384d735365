#include "formats/compression.h"

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "formats/block_gzip.h"
#include "formats/gzip.h"
#include "formats/zstd_codec.h"

namespace pgark::formats {

absl::string_view CodecName(Codec codec) {
  switch (codec) {
    case Codec::kNone: return "none";
    case Codec::kGzip: return "gzip";
    case Codec::kZstd: return "zstd";
  }
  return "none";
}

absl::StatusOr<Codec> CodecFromName(absl::string_view name) {
  for (Codec c : {Codec::kGzip, Codec::kZstd, Codec::kNone}) {
    if (absl::EqualsIgnoreCase(name, CodecName(c))) return c;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "compression \"", absl::CHexEscape(name.substr(0, 40)), "\" is not gzip, zstd or none"));
}

absl::StatusOr<Compression> ParseCompression(absl::string_view spec) {
  const size_t colon = spec.find(':');
  Compression c;
  absl::StatusOr<Codec> codec = CodecFromName(spec.substr(0, colon));
  if (!codec.ok()) return codec.status();
  c.codec = *codec;
  c.level = DefaultLevel(c.codec);
  if (colon == absl::string_view::npos) return c;
  const absl::string_view level = spec.substr(colon + 1);
  if (c.codec == Codec::kNone || !absl::SimpleAtoi(level, &c.level)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "compression \"", absl::CHexEscape(spec.substr(0, 40)),
        "\" is not gzip[:LEVEL], zstd[:LEVEL] or none"));
  }
  if (absl::Status s = ValidateCompression(c); !s.ok()) return s;
  return c;
}

absl::Status ValidateCompression(const Compression& c) {
  const auto [low, high] = c.codec == Codec::kZstd ? std::pair(kZstdMinLevel, kZstdMaxLevel)
                                                   : std::pair(1, 9);
  if (c.codec != Codec::kNone && (c.level < low || c.level > high)) {
    return absl::InvalidArgumentError(absl::StrCat(CodecName(c.codec), " level ", c.level,
                                                   " is out of range ", low, "-", high));
  }
  return absl::OkStatus();
}

std::string CompressionSpec(const Compression& c) {
  if (c.codec == Codec::kNone) return "none";
  return absl::StrCat(CodecName(c.codec), ":", c.level);
}

absl::string_view ArchiveSuffix(Codec codec) {
  switch (codec) {
    case Codec::kNone: return ".sql";
    case Codec::kGzip: return ".sql.gz";
    case Codec::kZstd: return ".sql.zst";
  }
  return ".sql";
}

absl::Status CompressBlock(const Compression& c, absl::string_view in, std::string& out) {
  if (c.codec == Codec::kZstd) return ZstdBlock(c.level, in, out);
  return GzipBlock(EngineForLevel(c.level), c.level, in, out);
}

std::unique_ptr<ForwardingSink> NewDecompressor(Codec codec) {
  if (codec == Codec::kZstd) return std::make_unique<ZstdDecompressor>();
  if (codec == Codec::kGzip) return std::make_unique<GzipDecompressor>();
  return nullptr;
}

}  // namespace pgark::formats
