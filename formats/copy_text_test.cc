#include "formats/copy_text.h"

#include "formats/memory_io.h"
#include "formats/status_macros.h"
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

// AppendRecordAsRow of `field` (record_out's text under COPY's escapes) for `columns` columns.
absl::StatusOr<std::string> RecordRow(absl::string_view field, size_t columns) {
  std::string row = "k\t";  // appended to, not replaced
  PGARK_RETURN_IF_ERROR(AppendRecordAsRow(field, columns, row));
  return row;
}

TEST(RecordAsRowTest, GivesEachColumnAsCopyWritesIt) {
  EXPECT_EQ(*RecordRow("(1,plain,)", 3), "k\t1\tplain\t\\N");       // NULL: nothing
  EXPECT_EQ(*RecordRow("(\"\",x)", 2), "k\t\tx");                    // empty string: ""
  EXPECT_EQ(*RecordRow("(\"say \"\"hi\"\"\")", 1), "k\tsay \"hi\"");  // "" is one quote
  EXPECT_EQ(*RecordRow("(\"(a, b)\")", 1), "k\t(a, b)");
  // A backslash: doubled by record_out, then each of the two escaped by COPY.
  EXPECT_EQ(*RecordRow("(\"a\\\\\\\\b\")", 1), "k\ta\\\\b");
  // A newline and a tab in a value: quoted by record_out, escaped by COPY as in any field.
  EXPECT_EQ(*RecordRow("(\"a\\nb\",\"c\\td\")", 2), "k\ta\\nb\tc\\td");
  // An array and a composite inside: record_out's quoting of their own quotes undone.
  EXPECT_EQ(*RecordRow("(\"{\"\"x y\"\",z}\",\"(1,\"\"\"\")\")", 2),
            "k\t{\"x y\",z}\t(1,\"\")");
  // The text "\N" is not NULL: its backslash stays escaped.
  EXPECT_EQ(*RecordRow("(\"\\\\\\\\N\")", 1), "k\t\\\\N");
}

TEST(RecordAsRowTest, RefusesWhatIsNotARecordOfTheColumns) {
  for (absl::string_view bad : {"1,2", "(1,2", "(1,2,3)", "(1)", "(1,\"ab)", "(1,a\"b)",
                                "(1,2)x", "(1,a\\", "(1,\"a\\\\", "", "()"}) {
    EXPECT_THAT(RecordRow(bad, 2).status(), StatusIs(absl::StatusCode::kDataLoss)) << bad;
  }
  EXPECT_THAT(RecordRow("()", 0).status(), StatusIs(absl::StatusCode::kDataLoss));
}

}  // namespace
}  // namespace pgark::formats
