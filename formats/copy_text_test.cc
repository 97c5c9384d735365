#include "formats/copy_text.h"

#include "formats/memory_io.h"
#include "gtest/gtest.h"
#include "tests/status_matchers.h"

namespace pgark::formats {
namespace {

using ::pgark::testing::IsOk;
using ::pgark::testing::StatusIs;

template <typename F>
std::string Filter(const std::string& in, size_t chunk) {
  StringSink out;
  F f;
  f.set_downstream(&out);
  StringSource src(in, chunk);
  EXPECT_THAT(Pump(src, f), IsOk());
  EXPECT_THAT(f.Close(), IsOk());
  return out.data();
}

TEST(CopyTextUnescaperTest, DecodesEveryEscapeAcrossChunkBoundaries) {
  const std::string in = "{\"a\":\"x\\\\ny\"}\\n\\t\\r\\b\\f\\v\\101\\0\\12z\\\\\\\\";
  const std::string want = std::string("{\"a\":\"x\\ny\"}\n\t\r\b\f\vA") + '\0' + "\nz\\\\";
  for (size_t chunk : {1, 2, 3, 5, 1000}) EXPECT_EQ(Filter<CopyTextUnescaper>(in, chunk), want) << chunk;
}

TEST(CopyTextUnescaperTest, DanglingBackslashIsDataLoss) {
  StringSink out;
  CopyTextUnescaper f;
  f.set_downstream(&out);
  ASSERT_THAT(f.Append("abc\\"), IsOk());
  EXPECT_THAT(f.Close(), StatusIs(absl::StatusCode::kDataLoss));
}

TEST(JsonLinesToArrayTest, FramesLines) {
  EXPECT_EQ(Filter<JsonLinesToArray>("", 4), "[]\n");
  EXPECT_EQ(Filter<JsonLinesToArray>("{\"a\":1}\n", 3), "[\n  {\"a\":1}\n]\n");
  EXPECT_EQ(Filter<JsonLinesToArray>("1\n2\n3\n", 1), "[\n  1,\n  2,\n  3\n]\n");
}

}  // namespace
}  // namespace pgark::formats
