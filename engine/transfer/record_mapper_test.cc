#include "engine/transfer/record_mapper.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace pgark::engine {
namespace {

using ::testing::HasSubstr;

class RecordMapperTest : public ::testing::Test {
 protected:
  RecordMapperTest() {
    table_.ref = {1, "public", "books", 'r', 0};
    table_.columns = {{.attnum = 1, .name = "id", .type = "integer", .not_null = true},
                      {.attnum = 2, .name = "Title", .type = "text"},
                      {.attnum = 3, .name = "tags", .type = "text[]"},
                      {.attnum = 4, .name = "doubled", .type = "integer", .generated = 's'}};
  }
  TableDef table_;
  ImportOptions options_;
};

TEST_F(RecordMapperTest, CsvHeaderNamesColumnsWithoutCaseAndSkipsGenerated) {
  options_.format = ImportFormat::kCsv;
  RecordMapper m(table_, options_);
  auto header = m.Csv({"ID", "title", "doubled"}, 1);
  ASSERT_TRUE(header.ok());
  EXPECT_EQ(header->what, Mapped::What::kHeader);
  auto row = m.Csv({"7", std::nullopt, "99"}, 2);
  ASSERT_TRUE(row.ok());
  ASSERT_EQ(row->what, Mapped::What::kRow);
  EXPECT_EQ(row->row.n, 1u);          // the first row after the header
  EXPECT_EQ(row->row.keys, "110");    // id and Title; tags not named; doubled is generated
  EXPECT_EQ(row->row.values[0], "7");
  EXPECT_EQ(row->row.values[1], std::nullopt);
  auto short_row = m.Csv({"8"}, 3);
  ASSERT_TRUE(short_row.ok());
  EXPECT_EQ(short_row->what, Mapped::What::kRowError);
  EXPECT_EQ(short_row->message, "Row 2: has 1 fields, expected 3");
}

TEST_F(RecordMapperTest, CsvWithoutHeaderTakesTableOrderAndUnknownHeaderStops) {
  options_.format = ImportFormat::kCsv;
  RecordMapper plain(table_, options_);
  auto first = plain.Csv({"1", "a", "{x}"}, 1);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->what, Mapped::What::kRow);
  EXPECT_EQ(first->row.keys, "111");
  options_.has_headers = true;
  RecordMapper strict(table_, options_);
  auto bad = strict.Csv({"id", "nope"}, 1);
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.status().message(), HasSubstr("\"nope\""));
}

TEST_F(RecordMapperTest, JsonValuesBecomeServerText) {
  RecordMapper m(table_, options_);
  auto row = m.Json(R"({"id": 5, "Title": "it's \"q\"", "tags": ["a", null, "b\"c"]})", 1);
  ASSERT_TRUE(row.ok());
  ASSERT_EQ(row->what, Mapped::What::kRow);
  EXPECT_EQ(row->row.values[0], "5");
  EXPECT_EQ(row->row.values[1], "it's \"q\"");
  EXPECT_EQ(row->row.values[2], R"({"a",NULL,"b\"c"})");
  // A missing required column stops the import; an unknown key too.
  EXPECT_EQ(m.Json(R"({"Title": "x"})", 2).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(m.Json(R"({"id": 1, "x": 2})", 3).status().code(), absl::StatusCode::kInvalidArgument);
  // A key twice is a bad record, not "the last one wins" (issue 18, defect 21).
  auto twice = m.Json(R"({"id": 1, "Title": "a", "Title": "b"})", 4);
  ASSERT_TRUE(twice.ok());
  EXPECT_EQ(twice->what, Mapped::What::kRowError);
  EXPECT_THAT(twice->message, HasSubstr("twice"));
}

TEST_F(RecordMapperTest, InvalidUtf8IsOneBadRow) {
  options_.format = ImportFormat::kCsv;
  options_.has_headers = false;
  RecordMapper m(table_, options_);
  auto row = m.Csv({"1", std::string("\xc0\xaf"), "{}"}, 4);
  ASSERT_TRUE(row.ok());
  EXPECT_EQ(row->what, Mapped::What::kRowError);
  EXPECT_EQ(row->row.n, 4u);
  EXPECT_THAT(row->message, HasSubstr("\"Title\" is not valid UTF-8"));
}

}  // namespace
}  // namespace pgark::engine
