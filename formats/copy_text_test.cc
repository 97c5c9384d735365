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

namespace pgark::formats {
namespace {

TEST(CopyTextFieldTest, EscapesWhatCopyTextMust) {
  std::string line;
  AppendCopyTextField(line, std::string("a\\b\tc\nd\re"));
  line.push_back('\t');
  AppendCopyTextField(line, std::nullopt);
  line.push_back('\t');
  AppendCopyTextField(line, std::string("\\N"));  // the text, not NULL
  line.push_back('\t');
  AppendCopyTextField(line, std::string());
  EXPECT_EQ(line, "a\\\\b\\tc\\nd\\re\t\\N\t\\\\N\t");
}

TEST(CopyTextFieldTest, PostgresUtf8) {
  EXPECT_TRUE(IsPostgresUtf8("plain ascii"));
  EXPECT_TRUE(IsPostgresUtf8("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"));  // é € 😀
  EXPECT_FALSE(IsPostgresUtf8(std::string("a\0b", 3)));                 // NUL
  EXPECT_FALSE(IsPostgresUtf8("\xc0\xaf"));                              // overlong
  EXPECT_FALSE(IsPostgresUtf8("\xed\xa0\x80"));                          // surrogate
  EXPECT_FALSE(IsPostgresUtf8("\xf4\x90\x80\x80"));                      // past U+10FFFF
  EXPECT_FALSE(IsPostgresUtf8("\xe2\x82"));                              // cut short
  EXPECT_FALSE(IsPostgresUtf8("\xff"));
}

}  // namespace
}  // namespace pgark::formats
