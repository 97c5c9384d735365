// How an archive's members are compressed: gzip (the default: `gunzip | psql` reads it), zstd
// (smaller and faster, for users who do not need gzip) or not at all. Either way each block
// of a member is its own frame, so members stay seekable (formats/member_pipeline.h).
#ifndef PGARK_FORMATS_COMPRESSION_H_
#define PGARK_FORMATS_COMPRESSION_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "formats/sink.h"

namespace pgark::formats {

enum class Codec { kNone, kGzip, kZstd };

// The level a codec gets when none is named: gzip 4 (bench/README.md: about a quarter faster
// than 6 for 1% more bytes, still smaller than pg_dump -Fc), zstd 3 (zstd's own default).
constexpr int DefaultLevel(Codec codec) { return codec == Codec::kZstd ? 3 : 4; }

// The default is pgark's: gzip at its default level.
struct Compression {
  Codec codec = Codec::kGzip;
  // gzip 1-9 (1: ISA-L's fast level; formats/block_gzip.h), zstd 1-19.
  int level = DefaultLevel(Codec::kGzip);
};

// "gzip", "zstd" or "none" (as the manifest's "compression" field spells it).
absl::string_view CodecName(Codec codec);
// kInvalidArgument naming the choices when `name` is none of them.
absl::StatusOr<Codec> CodecFromName(absl::string_view name);
// Parses "gzip", "zstd", "none", "gzip:LEVEL" or "zstd:LEVEL" (case-insensitive).
absl::StatusOr<Compression> ParseCompression(absl::string_view spec);
// kInvalidArgument when the level is outside the codec's range.
absl::Status ValidateCompression(const Compression& compression);
// "zstd:3", "gzip:4", "none".
std::string CompressionSpec(const Compression& compression);

// The archive file's suffix: ".sql.gz", ".sql.zst" or ".sql".
absl::string_view ArchiveSuffix(Codec codec);

// Compresses `in` into one self-contained frame appended to `out`. REQUIRES: codec != kNone.
// Thread-safe.
absl::Status CompressBlock(const Compression& compression, absl::string_view in,
                           std::string& out);

// A filter that decompresses a stream of `codec`'s frames; null for kNone.
std::unique_ptr<ForwardingSink> NewDecompressor(Codec codec);

}  // namespace pgark::formats

#endif  // PGARK_FORMATS_COMPRESSION_H_
