#include "formats/block_gzip.h"

#include <cstdio>

#include "formats/gzip.h"
#include "formats/memory_io.h"
#include "gtest/gtest.h"
#include "tests/gunzip_tool.h"
#include "tests/status_matchers.h"

namespace pgark::formats {
namespace {

using ::pgark::testing::IsOk;

std::string Text(size_t n) {
  std::string s;
  for (size_t i = 0; s.size() < n; ++i) s += "row " + std::to_string(i * 7919 % 100003) + "\tsome text\n";
  s.resize(n);
  return s;
}

std::string Compress(const std::string& data, BlockGzipOptions options, CompressionPool* pool,
                     size_t piece) {
  StringSink out;
  BlockGzipCompressor c(options, pool);
  c.set_downstream(&out);
  for (size_t at = 0; at < data.size(); at += piece) {
    EXPECT_THAT(c.Append(absl::string_view(data).substr(at, piece)), IsOk());
  }
  EXPECT_THAT(c.Close(), IsOk());
  return out.data();
}

std::string Inflate(const std::string& gz) {
  StringSink out;
  GzipDecompressor d;
  d.set_downstream(&out);
  EXPECT_THAT(d.Append(gz), IsOk());
  EXPECT_THAT(d.Close(), IsOk());
  return out.data();
}

TEST(BlockGzipTest, RoundTripsWithAndWithoutThreads) {
  CompressionPool pool(3);
  for (GzipEngine engine : {GzipEngine::kLibdeflate, GzipEngine::kZlib, GzipEngine::kIsal}) {
    for (size_t n : {0, 1, 4095, 4096, 4097, 50000}) {
      SCOPED_TRACE(n);
      const std::string data = Text(n);
      BlockGzipOptions o{engine, 6, 4096};
      EXPECT_EQ(Inflate(Compress(data, o, nullptr, 1000)), data);
      EXPECT_EQ(Inflate(Compress(data, o, &pool, 777)), data);
    }
  }
}

TEST(BlockGzipTest, ThreadsDoNotChangeTheBytes) {
  const std::string data = Text(300000);
  BlockGzipOptions o{GzipEngine::kLibdeflate, 6, 16384};
  CompressionPool pool(2);
  EXPECT_EQ(Compress(data, o, &pool, 5000), Compress(data, o, nullptr, 70000));
}

TEST(BlockGzipTest, GunzipReadsIt) {
  const std::string data = Text(200000);
  CompressionPool pool(2);
  const std::string gz = Compress(data, {GzipEngine::kIsal, 1, 8192}, &pool, 3000) +
                         Compress(data, {GzipEngine::kLibdeflate, 6, 8192}, &pool, 3000);
  testing::GunzipOutput out = testing::GunzipWithTool(gz, "block");
  EXPECT_EQ(out.exit_status, 0);
  EXPECT_TRUE(out.data == data + data);
}

TEST(BlockGzipTest, LibdeflateIsNoLargerThanZlib) {
  const std::string data = Text(1 << 20);
  std::string zlib, deflate;
  ASSERT_THAT(GzipBlock(GzipEngine::kZlib, 6, data, zlib), IsOk());
  ASSERT_THAT(GzipBlock(GzipEngine::kLibdeflate, 6, data, deflate), IsOk());
  EXPECT_LE(deflate.size(), zlib.size());
  EXPECT_FALSE(GzipBlock(GzipEngine::kLibdeflate, 13, data, deflate).ok());
}

}  // namespace
}  // namespace pgark::formats
