#include "formats/compression.h"

#include <zstd.h>

#include <string>

#include "formats/memory_io.h"
#include "formats/zstd_codec.h"
#include "gtest/gtest.h"
#include "tests/status_matchers.h"

namespace pgark::formats {
namespace {

using ::pgark::testing::IsOk;
using ::pgark::testing::StatusIs;
using ::testing::HasSubstr;

std::string Text(size_t n) {
  std::string s;
  for (size_t i = 0; s.size() < n; ++i) s += "row " + std::to_string(i * 7919 % 100003) + "\tx\n";
  s.resize(n);
  return s;
}

absl::StatusOr<std::string> Decompress(Codec codec, absl::string_view stored, size_t piece) {
  StringSink out;
  std::unique_ptr<ForwardingSink> d = NewDecompressor(codec);
  d->set_downstream(&out);
  for (size_t at = 0; at < stored.size(); at += piece) {
    if (absl::Status s = d->Append(stored.substr(at, piece)); !s.ok()) return s;
  }
  if (absl::Status s = d->Close(); !s.ok()) return s;
  return out.data();
}

TEST(CompressionTest, ParsesCodecsAndLevels) {
  auto zstd = ParseCompression("zstd");
  ASSERT_THAT(zstd, IsOk());
  EXPECT_EQ(zstd->codec, Codec::kZstd);
  EXPECT_EQ(zstd->level, 3);
  auto zstd19 = ParseCompression("ZSTD:19");
  ASSERT_THAT(zstd19, IsOk());
  EXPECT_EQ(zstd19->level, 19);
  auto gzip = ParseCompression("gzip");
  ASSERT_THAT(gzip, IsOk());
  EXPECT_EQ(gzip->codec, Codec::kGzip);
  EXPECT_EQ(gzip->level, 4);
  EXPECT_EQ(CompressionSpec(*ParseCompression("gzip:9")), "gzip:9");
  EXPECT_EQ(ParseCompression("none")->codec, Codec::kNone);
  for (const char* bad : {"zstd:0", "zstd:20", "gzip:10", "gzip:0", "none:3", "zstd:", "zstd:x",
                          "lz4", "", "zstd:3:4", "gzip:-1"}) {
    EXPECT_THAT(ParseCompression(bad), StatusIs(absl::StatusCode::kInvalidArgument)) << bad;
  }
  EXPECT_THAT(ParseCompression("brotli:5"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("gzip, zstd or none")));
}

TEST(CompressionTest, ConcatenatedFramesInAnyPiecesRoundTrip) {
  for (Codec codec : {Codec::kGzip, Codec::kZstd}) {
    SCOPED_TRACE(CodecName(codec));
    const std::string a = Text(300000), b = Text(1);
    std::string stored;
    ASSERT_THAT(CompressBlock({codec, DefaultLevel(codec)}, a, stored), IsOk());
    ASSERT_THAT(CompressBlock({codec, DefaultLevel(codec)}, "", stored), IsOk());  // empty member
    ASSERT_THAT(CompressBlock({codec, DefaultLevel(codec)}, b, stored), IsOk());
    for (size_t piece : {size_t{1}, size_t{7}, size_t{4096}, stored.size()}) {
      auto out = Decompress(codec, stored, piece);
      ASSERT_THAT(out, IsOk());
      EXPECT_TRUE(*out == a + b) << piece;
    }
  }
}

TEST(CompressionTest, DamagedZstdIsDataLoss) {
  std::string stored;
  ASSERT_THAT(ZstdBlock(3, Text(100000), stored), IsOk());
  EXPECT_THAT(Decompress(Codec::kZstd, stored.substr(0, stored.size() - 1), 1000),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("truncated")));
  EXPECT_THAT(Decompress(Codec::kZstd, "", 1000),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("no frame")));
  EXPECT_THAT(Decompress(Codec::kZstd, "SELECT 1;\n", 1000),
              StatusIs(absl::StatusCode::kDataLoss));
  // A flipped byte in the last bytes (the frame's checksum) or in the middle.
  for (size_t at : {stored.size() - 2, stored.size() / 2}) {
    std::string bad = stored;
    bad[at] = static_cast<char>(bad[at] ^ 0x10);
    EXPECT_THAT(Decompress(Codec::kZstd, bad, 4096), StatusIs(absl::StatusCode::kDataLoss)) << at;
  }
  // Gzip bytes handed to the zstd reader (a manifest that lies about the codec).
  std::string gz;
  ASSERT_THAT(CompressBlock({Codec::kGzip, 4}, "abc", gz), IsOk());
  EXPECT_THAT(Decompress(Codec::kZstd, gz, 4096), StatusIs(absl::StatusCode::kDataLoss));
}

// A frame that asks for a 32 MiB window (pgark's need 1 MiB) is refused, not allocated.
TEST(CompressionTest, ZstdFramesWithHugeWindowsAreRefused) {
  const std::string text = Text(1 << 20);
  ZSTD_CCtx* cctx = ZSTD_createCCtx();
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_windowLog, 25);
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_contentSizeFlag, 0);
  std::string frame(ZSTD_compressBound(text.size()) + 64, '\0');
  ZSTD_outBuffer out{frame.data(), frame.size(), 0};
  // In two calls, so that the size is not known when the window is chosen.
  ZSTD_inBuffer first{text.data(), text.size() / 2, 0};
  ASSERT_FALSE(ZSTD_isError(ZSTD_compressStream2(cctx, &out, &first, ZSTD_e_continue)));
  ZSTD_inBuffer rest{text.data() + text.size() / 2, text.size() - text.size() / 2, 0};
  ASSERT_EQ(ZSTD_compressStream2(cctx, &out, &rest, ZSTD_e_end), 0u);
  ZSTD_freeCCtx(cctx);
  frame.resize(out.pos);
  EXPECT_THAT(Decompress(Codec::kZstd, frame, 4096),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("zstd")));
}

TEST(CompressionTest, ZstdIsSmallerThanGzipAtItsDefault) {
  const std::string text = Text(1 << 20);
  std::string gz, zst;
  ASSERT_THAT(CompressBlock({Codec::kGzip, 4}, text, gz), IsOk());
  ASSERT_THAT(CompressBlock({Codec::kZstd, 3}, text, zst), IsOk());
  EXPECT_LT(zst.size(), gz.size());
}

TEST(CompressionTest, SuffixesAndNames) {
  EXPECT_EQ(ArchiveSuffix(Codec::kZstd), ".sql.zst");
  EXPECT_EQ(ArchiveSuffix(Codec::kGzip), ".sql.gz");
  EXPECT_EQ(ArchiveSuffix(Codec::kNone), ".sql");
  for (Codec c : {Codec::kGzip, Codec::kZstd, Codec::kNone}) {
    EXPECT_EQ(*CodecFromName(CodecName(c)), c);
  }
  EXPECT_EQ(NewDecompressor(Codec::kNone), nullptr);
}

}  // namespace
}  // namespace pgark::formats
