#include "formats/gzip.h"

#include <zlib.h>

#include <cstdio>
#include <random>
#include <string>

#include "formats/filter_chain.h"
#include "formats/memory_io.h"
#include "gtest/gtest.h"
#include "tests/gunzip_tool.h"
#include "tests/status_matchers.h"

namespace pgark::formats {
namespace {

using ::pgark::testing::IsOk;
using ::pgark::testing::StatusIs;
using ::testing::HasSubstr;

// Text-like data that compresses moderately, plus some incompressible bytes.
std::string TestData(size_t n) {
  std::mt19937 rng(42);
  const char* words[] = {"chapter ", "the ", "book\t", "\\N", "séance ", "\n", "\\.", "\0x"};
  std::string s;
  while (s.size() < n) {
    if (rng() % 10 == 0) {
      s.push_back(static_cast<char>(rng()));
    } else {
      s += words[rng() % 8];
    }
  }
  s.resize(n);
  return s;
}

template <typename Filter, typename... Args>
absl::StatusOr<std::string> Run(const std::string& in, size_t chunk, Args&&... args) {
  FilterChain chain;
  chain.Add<Filter>(std::forward<Args>(args)...);
  auto sink = std::make_unique<StringSink>();
  StringSink* out = sink.get();
  if (auto s = chain.Open(std::move(sink)); !s.ok()) return s;
  StringSource source(in, chunk);
  if (auto s = Pump(source, chain); !s.ok()) return s.status();
  if (auto s = chain.Close(); !s.ok()) return s;
  return out->data();
}

absl::StatusOr<std::string> Compress(const std::string& in, size_t chunk, int level = 6) {
  return Run<GzipCompressor>(in, chunk, GzipOptions{.level = level});
}
absl::StatusOr<std::string> Decompress(const std::string& in, size_t chunk) {
  return Run<GzipDecompressor>(in, chunk);
}

TEST(GzipTest, RoundTripAcrossChunkSizesAndLevels) {
  const std::string data = TestData(1500000);
  for (size_t chunk : {size_t{1} << 20, size_t{4096}, size_t{7}}) {
    for (int level : {1, 6, 9}) {
      if (chunk == 7 && level != 6) continue;  // keeps the 1-7 byte cases quick
      auto gz = Compress(data, chunk, level);
      ASSERT_THAT(gz, IsOk());
      EXPECT_LT(gz->size(), data.size());
      auto back = Decompress(*gz, chunk);
      ASSERT_THAT(back, IsOk());
      EXPECT_TRUE(*back == data) << "chunk " << chunk << " level " << level;
    }
  }
  // One-byte chunks on a smaller input, in both directions.
  const std::string small = TestData(20000);
  auto gz = Compress(small, 1);
  ASSERT_THAT(gz, IsOk());
  auto back = Decompress(*gz, 1);
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(*back, small);
}

TEST(GzipTest, HighlyCompressibleInputExpandsInBoundedChunks) {
  std::string zeros(64 << 20, '\0');
  auto gz = Compress(zeros, 1 << 20, 1);
  ASSERT_THAT(gz, IsOk());
  EXPECT_LT(gz->size(), 1u << 20);
  auto back = Decompress(*gz, 1 << 20);
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(back->size(), zeros.size());
}

TEST(GzipTest, ConcatenatedMembersDecompressAsOneStream) {
  auto a = Compress("first member\n", 1024);
  auto b = Compress("", 1024);
  auto c = Compress("third member\n", 1024);
  ASSERT_THAT(a, IsOk());
  ASSERT_THAT(b, IsOk());
  ASSERT_THAT(c, IsOk());
  auto all = Decompress(*a + *b + *c, 5);
  ASSERT_THAT(all, IsOk());
  EXPECT_EQ(*all, "first member\nthird member\n");
}

// Other writers fill the optional header fields (extra field, file name, comment, header CRC);
// each must be skipped, in any chunking, and a wrong header CRC caught.
TEST(GzipTest, ReadsOptionalHeaderFields) {
  const std::string data = TestData(50000);
  auto plain = Compress(data, 4096);
  ASSERT_THAT(plain, IsOk());
  std::string header = plain->substr(0, 10);
  header[3] = 2 | 4 | 8 | 16;  // FHCRC, FEXTRA, FNAME, FCOMMENT
  header += std::string("\x06\x00" "BC" "\x02\x00" "xy", 8) + "chapters.copy" + '\0' + "a comment" + '\0';
  uLong crc = crc32(0, reinterpret_cast<const Bytef*>(header.data()), header.size());
  header += static_cast<char>(crc & 0xff);
  header += static_cast<char>((crc >> 8) & 0xff);
  const std::string member = header + plain->substr(10);
  for (size_t chunk : {size_t{1}, size_t{3}, size_t{4096}}) {
    auto back = Decompress(member + *plain, chunk);
    ASSERT_THAT(back, IsOk()) << "chunk " << chunk;
    EXPECT_TRUE(*back == data + data) << "chunk " << chunk;
  }
  std::string bad = member;
  bad[header.size() - 1] = static_cast<char>(bad[header.size() - 1] ^ 1);
  EXPECT_THAT(Decompress(bad, 4096), StatusIs(absl::StatusCode::kDataLoss));
}

TEST(GzipTest, OutputIsReadBySystemGzip) {
  const std::string data = TestData(300000);
  auto gz = Compress(data, 4096);
  ASSERT_THAT(gz, IsOk());
  auto second = Compress("tail\n", 4096);
  ASSERT_THAT(second, IsOk());
  testing::GunzipOutput out = testing::GunzipWithTool(*gz + *second, "interop");
  EXPECT_EQ(out.exit_status, 0);
  EXPECT_TRUE(out.data == data + "tail\n");
}

TEST(GzipTest, TruncationIsDataLoss) {
  auto gz = Compress(TestData(100000), 4096);
  ASSERT_THAT(gz, IsOk());
  for (size_t cut : {size_t{0}, size_t{5}, gz->size() / 2, gz->size() - 1}) {
    EXPECT_THAT(Decompress(gz->substr(0, cut), 4096), StatusIs(absl::StatusCode::kDataLoss))
        << "cut at " << cut;
  }
}

TEST(GzipTest, BitFlipIsDataLoss) {
  const std::string data = TestData(100000);
  auto gz = Compress(data, 4096);
  ASSERT_THAT(gz, IsOk());
  // Flip bits in the header, the body and the CRC/length trailer.
  for (size_t pos : {size_t{1}, gz->size() / 3, gz->size() / 2, gz->size() - 6, gz->size() - 2}) {
    std::string bad = *gz;
    bad[pos] = static_cast<char>(bad[pos] ^ 0x10);
    auto out = Decompress(bad, 4096);
    EXPECT_THAT(out, StatusIs(absl::StatusCode::kDataLoss)) << "flip at " << pos;
  }
}

TEST(GzipTest, GarbageIsDataLoss) {
  EXPECT_THAT(Decompress("this is not gzip at all", 64),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("corrupt gzip data")));
}

TEST(GzipTest, InvalidOptionsAreRejected) {
  EXPECT_THAT(ValidateGzipOptions({.level = 0}), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ValidateGzipOptions({.level = 10}), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ValidateGzipOptions({.level = 6, .chunk_bytes = 10}),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(Compress("x", 1, 11), StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace pgark::formats
