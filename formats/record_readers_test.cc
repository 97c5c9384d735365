#include "formats/record_readers.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/status_matchers.h"

namespace pgark::formats {
namespace {

using ::pgark::testing::IsOk;
using ::pgark::testing::StatusIs;
using ::testing::HasSubstr;
using Fields = CsvReader::Fields;

// Reads `input` in chunks of `chunk` bytes; returns the records or the first error.
absl::StatusOr<std::vector<Fields>> Csv(const std::string& input, size_t chunk) {
  std::vector<Fields> records;
  CsvReader reader([&](const Fields& f, uint64_t n) {
    EXPECT_EQ(n, records.size() + 1);
    records.push_back(f);
    return absl::OkStatus();
  });
  for (size_t i = 0; i < input.size(); i += chunk) {
    if (absl::Status s = reader.Append(input.substr(i, chunk)); !s.ok()) return s;
  }
  if (absl::Status s = reader.Finish(); !s.ok()) return s;
  return records;
}

absl::StatusOr<std::vector<std::string>> Json(const std::string& input, size_t chunk) {
  std::vector<std::string> records;
  JsonRecordSplitter splitter([&](absl::string_view raw, uint64_t) {
    records.emplace_back(raw);
    return absl::OkStatus();
  });
  for (size_t i = 0; i < input.size(); i += chunk) {
    if (absl::Status s = splitter.Append(input.substr(i, chunk)); !s.ok()) return s;
  }
  if (absl::Status s = splitter.Finish(); !s.ok()) return s;
  return records;
}

TEST(CsvReaderTest, SpreadsheetCsvAcrossChunkSizes) {
  const std::string in =
      "\xEF\xBB\xBFid,name,note\r\n"
      "1,\"Smith, Ann\",\"she said \"\"hi\"\"\"\r\n"
      "2,,\"\"\r\n"
      "3,\"multi\nline\",x\r"
      "4,\xC3\xA9t\xC3\xA9,\r\n";
  for (size_t chunk : {1, 2, 3, 7, 1000}) {
    auto r = Csv(in, chunk);
    ASSERT_THAT(r, IsOk()) << chunk;
    ASSERT_EQ(r->size(), 5u) << chunk;
    EXPECT_EQ((*r)[0], (Fields{"id", "name", "note"}));  // BOM gone
    EXPECT_EQ((*r)[1], (Fields{"1", "Smith, Ann", "she said \"hi\""}));
    EXPECT_EQ((*r)[2], (Fields{"2", std::nullopt, ""}));  // empty is NULL, "" is empty
    EXPECT_EQ((*r)[3], (Fields{"3", "multi\nline", "x"}));
    EXPECT_EQ((*r)[4], (Fields{"4", "\xC3\xA9t\xC3\xA9", std::nullopt}));
  }
}

TEST(CsvReaderTest, RaggedRowsLastLineWithoutNewlineAndBlankLines) {
  auto r = Csv("a,b\n\n1\n1,2,3\nx,y", 4);
  ASSERT_THAT(r, IsOk());
  ASSERT_EQ(r->size(), 4u);
  EXPECT_EQ((*r)[1].size(), 1u);
  EXPECT_EQ((*r)[2].size(), 3u);
  EXPECT_EQ((*r)[3], (Fields{"x", "y"}));
}

TEST(CsvReaderTest, TruncatedQuotedFieldIsAnError) {
  EXPECT_THAT(Csv("a,b\n1,\"unterminated\n", 5),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("Row 2")));
}

TEST(CsvReaderTest, CallbackErrorStopsTheReader) {
  CsvReader reader([](const Fields&, uint64_t n) {
    return n == 2 ? absl::CancelledError("stop") : absl::OkStatus();
  });
  EXPECT_THAT(reader.Append("1\n2\n3\n"), StatusIs(absl::StatusCode::kCancelled));
  EXPECT_THAT(reader.Append("4\n"), StatusIs(absl::StatusCode::kCancelled));
}

TEST(JsonRecordSplitterTest, ArraysAndLinesAcrossChunkSizes) {
  const std::string array =
      "\xEF\xBB\xBF [ {\"a\": \"x,]}\\\"\", \"n\": {\"deep\": [1, {\"b\": null}]}} ,\n"
      "  {\"b\": 2}, 42, \"s\", null, [1,2] ]  \n";
  const std::string lines = "{\"a\":1}\n{\"a\":\"\\n\"}\r\n\n{\"a\":[3]}";
  for (size_t chunk : {1, 2, 5, 1000}) {
    auto a = Json(array, chunk);
    ASSERT_THAT(a, IsOk()) << chunk;
    EXPECT_EQ(*a, (std::vector<std::string>{
                      "{\"a\": \"x,]}\\\"\", \"n\": {\"deep\": [1, {\"b\": null}]}}",
                      "{\"b\": 2}", "42", "\"s\"", "null", "[1,2]"}))
        << chunk;
    auto l = Json(lines, chunk);
    ASSERT_THAT(l, IsOk()) << chunk;
    EXPECT_EQ(*l, (std::vector<std::string>{"{\"a\":1}", "{\"a\":\"\\n\"}", "{\"a\":[3]}"}));
  }
  EXPECT_THAT(Json("[]", 1), IsOk());
}

TEST(JsonRecordSplitterTest, DamagedInputIsNamed) {
  EXPECT_THAT(Json("[{\"a\":1},{\"a\":2", 3),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("Record 2")));
  EXPECT_THAT(Json("[{\"a\":1},{\"a\":2}", 3),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("not closed")));
  EXPECT_THAT(Json("[{\"a\":1},]", 3), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(Json("[{\"a\":1} {\"a\":2}]", 3), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(Json("[1] x", 3), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(Json("  \n", 3), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("no JSON")));
  EXPECT_THAT(Json("this is not json", 4),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("is not a JSON value")));
  EXPECT_THAT(Json("id,name\n1,x\n", 3),  // a CSV file handed in as JSON
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("not a JSON array")));
}

TEST(JsonObjectMembersTest, KeepsEachValuesExactText) {
  auto m = JsonObjectMembers(
      R"( {"id": 12345678901234567890.50, "t": "a \"}, [x]", "j": {"k": [1, {"z": null}]},)"
      R"( "arr" : [ "x", "y" ], "n": null, "b": true} )");
  ASSERT_TRUE(m.ok()) << m.status();
  using P = std::pair<std::string, std::string>;
  EXPECT_EQ(*m, (std::vector<P>{{"id", "12345678901234567890.50"},
                                {"t", R"("a \"}, [x]")"},
                                {"j", R"({"k": [1, {"z": null}]})"},
                                {"arr", R"([ "x", "y" ])"},
                                {"n", "null"},
                                {"b", "true"}}));
  EXPECT_TRUE(JsonObjectMembers("{}").ok());
  EXPECT_TRUE(JsonObjectMembers("{}")->empty());
  for (const char* bad : {"[1]", "42", R"({"a" 1})", R"({"a": })", R"({"a": "x)", R"({a: 1})"}) {
    EXPECT_FALSE(JsonObjectMembers(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace pgark::formats
