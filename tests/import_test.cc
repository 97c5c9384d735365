// Imports against a real server: export -> import round trips of every awkward type, and the
// hostile files real tools produce (spreadsheet CSV with BOM and CRLF, ragged rows, wrong
// types, duplicate keys, invalid UTF-8, truncation, files that are not JSON at all): right
// counts, right row errors, the good rows in and nothing else changed.
#include <fstream>

#include "engine/transfer/exporter.h"
#include "engine/transfer/importer.h"
#include "formats/archive_layout.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration_util.h"
#include "tests/status_matchers.h"

namespace pgark {
namespace {

using ::pgark::testing::IsOk;
using ::pgark::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

class ImportTest : public testing::IntegrationTest {
 protected:
  void SetUp() override {
    IntegrationTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    db_ = NewDatabase("db");
    Exec(db_, "CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL, qty int DEFAULT 1, "
              "tags text[], meta jsonb)");
    Exec(db_, "INSERT INTO items VALUES (1, 'existing', 9, NULL, NULL)");
  }
  void WriteFile(const std::string& name, const std::string& bytes) {
    std::system(("mkdir -p " + backup_dir_).c_str());
    testing::WriteFile(formats::JoinPath(backup_dir_, name), bytes);
  }
  absl::StatusOr<engine::ImportResult> Run(engine::ImportOptions o) {
    o.backup_dir = backup_dir_;
    if (o.table.empty()) o.table = "items";
    return engine::Import(Connect(db_), o, nullptr);
  }
  std::string Items() { return Query(db_, "SELECT string_agg(id || ':' || name || ':' || coalesce(qty::text, '-'), ' ' ORDER BY id) FROM items"); }
  std::string db_;
};

TEST_F(ImportTest, ExportImportRoundTripOfEveryType) {
  LoadSql(db_, testing::SourcePath("tests/fixtures/awkward.sql"));
  Exec(db_, "CREATE TABLE json_copy (LIKE awkward INCLUDING ALL)");
  Exec(db_, "CREATE TABLE csv_copy (LIKE awkward INCLUDING ALL)");
  for (auto [format, target] : {std::pair{engine::ExportFormat::kJson, "json_copy"},
                                std::pair{engine::ExportFormat::kCsv, "csv_copy"}}) {
    engine::ExportOptions e{.backup_dir = backup_dir_, .table = "awkward", .format = format};
    auto exported = engine::Export(Connect(db_), e, nullptr);
    ASSERT_THAT(exported, IsOk());
    auto imported = Run({.file = exported->export_file, .table = target,
                         .format = format == engine::ExportFormat::kCsv ? engine::ImportFormat::kCsv
                                                                          : engine::ImportFormat::kJson});
    ASSERT_THAT(imported, IsOk());
    EXPECT_EQ(imported->imported_records, 9) << target;
    EXPECT_THAT(imported->errors, ::testing::IsEmpty()) << target;
    EXPECT_EQ(TableDigest(db_, std::string("public.") + target), TableDigest(db_, "public.awkward"))
        << target;
  }
}

TEST_F(ImportTest, SpreadsheetCsv) {
  WriteFile("sheet.csv",
            "\xEF\xBB\xBFid,name,qty\r\n"
            "2,\"Smith, Ann\",3\r\n"
            "3,Bo,abc\r\n"
            "4,\"multi\nline\",\r\n"
            "5\r\n"
            "1,duplicate,5\r\n"
            "6,\xC3\x28 bad utf8,1\r\n"
            "7,last,2\r\n"
            "8,overlong \xC0\xAF and surrogate \xED\xA0\x80,1\n");
  auto r = Run({.file = "sheet.csv", .format = engine::ImportFormat::kCsv});
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->total_records, 8);
  EXPECT_EQ(r->imported_records, 3);
  EXPECT_EQ(r->error_count, 5);
  EXPECT_THAT(r->errors, ElementsAre(StartsWith("Row 2: invalid input syntax for type integer"),
                                     StartsWith("Row 4: has 1 fields, expected 3"),
                                     StartsWith("Row 5: duplicate key value"),
                                     StartsWith("Row 6: column \"name\" is not valid UTF-8"),
                                     StartsWith("Row 8: column \"name\" is not valid UTF-8")));
  EXPECT_EQ(Items(), "1:existing:9 2:Smith, Ann:3 4:multi\nline:- 7:last:2");
}

TEST_F(ImportTest, JsonWithTypesNestingAndATruncatedTail) {
  WriteFile("t.json", "[{\"id\": 2, \"name\": \"a\", \"tags\": [\"x\", null, \"y z\"], "
                      "\"meta\": {\"k\": [1, 2.50]}},\n"
                      " {\"id\": 3, \"name\": \"b\", \"qty\": \"x\"},\n"
                      " {\"id\": \"4\", \"name\": null},\n"
                      " {\"id\": 5, \"name\": \"c\"},\n"
                      " {\"id\": 6, \"na");
  auto r = Run({.file = "t.json"});
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->total_records, 5);
  EXPECT_EQ(r->imported_records, 2);
  EXPECT_THAT(r->errors, ElementsAre(StartsWith("Record 2: invalid input syntax for type integer"),
                                     StartsWith("Record 3: null value in column \"name\""),
                                     HasSubstr("Record 5: the file ends inside this record")));
  EXPECT_EQ(Query(db_, "SELECT tags::text || ' ' || meta::text FROM items WHERE id = 2"),
            "{x,NULL,\"y z\"} {\"k\": [1, 2.50]}");
  EXPECT_EQ(Items(), "1:existing:9 2:a:1 5:c:1");  // qty took its default
}

TEST_F(ImportTest, ValuesThatDoNotFitAreRefusedNotTruncated) {
  // As COPY and INSERT do: a string longer than varchar(n)/char(n), a bit string of another
  // length, an array element too long. A cast to the column's type would cut them silently.
  Exec(db_, "CREATE TABLE fits (a varchar(3), b char(2), c bit(3), e varchar(2)[], "
            "n numeric(4,1))");
  WriteFile("fits.csv", "a,b,c,e,n\nabc,xy,101,{ab},1.25\nabcdef,xy,101,{ab},1\n"
                        "abc,xyz,101,{ab},1\nabc,xy,10101,{ab},1\nabc,xy,101,{abc},1\n");
  auto r = Run({.file = "fits.csv", .table = "fits", .format = engine::ImportFormat::kCsv});
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->imported_records, 1);
  EXPECT_THAT(r->errors,
              ElementsAre(StartsWith("Row 2: value too long for type character varying(3)"),
                          StartsWith("Row 3: value too long for type character(2)"),
                          StartsWith("Row 4: bit string length 5 does not match type bit(3)"),
                          StartsWith("Row 5: value too long for type character varying(2)")));
  EXPECT_EQ(Query(db_, "SELECT a || b || c::text || e::text || n::text FROM fits"),
            "abcxy101{ab}1.3");
}

TEST_F(ImportTest, ATableWithRulesGetsInsertsNotCopy) {
  // COPY ignores rules: a clean file into a table with an INSTEAD rule must still follow it.
  Exec(db_, "CREATE TABLE diverted (id int, name text); CREATE TABLE ruled (id int, name text); "
            "CREATE RULE divert AS ON INSERT TO ruled DO INSTEAD "
            "INSERT INTO diverted VALUES (NEW.id, NEW.name)");
  WriteFile("ruled.csv", "id,name\n1,a\n2,b\n");
  auto r = Run({.file = "ruled.csv", .table = "ruled", .format = engine::ImportFormat::kCsv});
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->total_records, 2);
  EXPECT_EQ(Query(db_, "SELECT count(*) FROM ruled"), "0");
  EXPECT_EQ(Query(db_, "SELECT string_agg(id || name, ' ' ORDER BY id) FROM diverted"), "1a 2b");
}

TEST_F(ImportTest, RefusedFilesImportNothing) {
  WriteFile("unknown.json", "[{\"id\": 9, \"name\": \"x\"}, {\"id\": 10, \"name\": \"y\", \"nope\": 1}]");
  EXPECT_THAT(Run({.file = "unknown.json"}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("\"nope\", which is not a column")));
  WriteFile("missing.json", "{\"id\": 9}\n");
  EXPECT_THAT(Run({.file = "missing.json"}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("NOT NULL without a default")));
  WriteFile("text.json", "this is not json at all");
  EXPECT_THAT(Run({.file = "text.json"}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("not a JSON array")));
  WriteFile("header.csv", "id,name,colour\n9,x,red\n");
  EXPECT_THAT(Run({.file = "header.csv", .format = engine::ImportFormat::kCsv, .has_headers = true}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("\"colour\"")));
  WriteFile("atomic.json", "{\"id\": 9, \"name\": \"ok\"}\n{\"id\": 1, \"name\": \"dup\"}\n");
  EXPECT_THAT(Run({.file = "atomic.json", .atomic = true}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("Record 2: duplicate key")));
  EXPECT_THAT(Run({.file = "../etc/passwd"}), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(Run({.file = "absent.json"}), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_EQ(Items(), "1:existing:9");
}

TEST_F(ImportTest, MapAndConflictColumns) {
  Exec(db_, "CREATE UNIQUE INDEX items_name ON items (name)");
  WriteFile("mapped.csv", "item_id,label,QTY\n20,existing,1\n21,fresh,\n");
  auto r = Run({.file = "mapped.csv", .format = engine::ImportFormat::kCsv,
                .on_conflict = engine::OnConflict::kSkip,
                .map = {{"item_id", "id"}, {"label", "name"}}, .conflict_columns = {"name"}});
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->imported_records, 1);
  EXPECT_EQ(r->skipped_rows, 1);
  EXPECT_EQ(Items(), "1:existing:9 21:fresh:-");  // "QTY" matched qty; empty is NULL
}

TEST_F(ImportTest, ConflictModes) {
  WriteFile("up.json", "{\"id\": 1, \"name\": \"renamed\"}\n{\"id\": 2, \"name\": \"new\"}\n");
  auto skip = Run({.file = "up.json", .on_conflict = engine::OnConflict::kSkip});
  ASSERT_THAT(skip, IsOk());
  EXPECT_EQ(skip->imported_records, 1);
  EXPECT_EQ(skip->skipped_rows, 1);
  EXPECT_EQ(Items(), "1:existing:9 2:new:1");
  auto update = Run({.file = "up.json", .on_conflict = engine::OnConflict::kUpdate});
  ASSERT_THAT(update, IsOk());
  EXPECT_EQ(update->imported_records, 2);
  EXPECT_EQ(Items(), "1:renamed:9 2:new:1");  // only the columns in the file change
  // Every record failing is a failure, not a success that imported nothing (issue 18, 18).
  auto error = Run({.file = "up.json"});
  EXPECT_THAT(error, StatusIs(absl::StatusCode::kInvalidArgument,
                              HasSubstr("every one of the 2 records failed")));
  EXPECT_EQ(Items(), "1:renamed:9 2:new:1");
}

// A header row is found by its names: one that names an unknown column (or one twice) is
// refused as a header, not read as data (issue 18, defects 18 and 21).
TEST_F(ImportTest, CsvHeadersAreFoundByTheirNames) {
  WriteFile("unknown.csv", "id,name,colour\n30,x,red\n");
  EXPECT_THAT(Run({.file = "unknown.csv", .format = engine::ImportFormat::kCsv}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("\"colour\"")));
  WriteFile("twice.csv", "id,name,id\n31,y,32\n");
  EXPECT_THAT(Run({.file = "twice.csv", .format = engine::ImportFormat::kCsv}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("twice")));
  EXPECT_EQ(Query(db_, "SELECT count(*) FROM items WHERE id >= 30"), "0");
}

}  // namespace
}  // namespace pgark
