// Exports against a real server: every awkward value keeps its type in JSON, CSV is
// byte-identical to PostgreSQL's own (psql \copy as the oracle), filters are values never SQL,
// and a failed export leaves no file.
#include <sys/stat.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "absl/strings/escaping.h"
#include "engine/transfer/exporter.h"
#include "formats/archive_layout.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration_util.h"
#include "tests/status_matchers.h"

namespace pgark {
namespace {

using ::pgark::testing::ReadFile;
using ::pgark::testing::WriteFile;

using ::pgark::testing::IsOk;
using ::pgark::testing::StatusIs;
using ::testing::HasSubstr;
using Json = nlohmann::json;

class ExportTest : public testing::IntegrationTest {
 protected:
  void SetUp() override {
    IntegrationTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    db_ = NewDatabase("src");
    LoadSql(db_, testing::SourcePath("tests/fixtures/awkward.sql"));
  }
  absl::StatusOr<engine::ExportResult> Run(engine::ExportOptions o) {
    o.backup_dir = backup_dir_;
    return engine::Export(Connect(db_), o, nullptr);
  }
  std::string db_;
};

TEST_F(ExportTest, JsonKeepsTypes) {
  auto r = Run({.table = "awkward"});
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->record_count, 9);
  EXPECT_EQ(r->format, "json");
  std::string path = formats::JoinPath(backup_dir_, r->export_file);
  struct stat st;
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  Json rows = Json::parse(ReadFile(path));
  ASSERT_TRUE(rows.is_array());
  ASSERT_EQ(rows.size(), 9u);
  std::map<std::string, Json> by;
  for (const Json& row : rows) by[row["label"]] = row;
  EXPECT_TRUE(by["nulls"]["t"].is_null());
  EXPECT_EQ(by["empty"]["t"], "");
  EXPECT_EQ(by["backslash-N"]["t"], "\\N");
  EXPECT_EQ(by["end-marker"]["t"], "\\.");
  EXPECT_EQ(by["whitespace"]["t"], "tab\there\nnewline\rcarriage\r\nboth\\backslash");
  EXPECT_EQ(by["whitespace"]["ia"], Json::parse("[1, null, 3]"));
  EXPECT_EQ(by["whitespace"]["j"]["n"], Json::parse("[1, 2.5, null, true]"));  // jsonb embedded
  EXPECT_TRUE(by["whitespace"]["n"].is_number());
  EXPECT_EQ(by["whitespace"]["ok"], true);
  EXPECT_EQ(by["whitespace"]["ts"], "2026-11-25T06:30:00.123456+00:00");
  EXPECT_EQ(by["unicode"]["t"], "séance — 数据 🐘 ﷽");
  std::string bytes;
  ASSERT_TRUE(absl::Base64Unescape(by["all-bytes"]["b"].get<std::string>(), &bytes));
  ASSERT_EQ(bytes.size(), 256u);
  for (int i = 0; i < 256; ++i) EXPECT_EQ(static_cast<unsigned char>(bytes[i]), i);
  EXPECT_EQ(by["toast"]["t"].get<std::string>().size(), 20000u * 33 - 1);
  EXPECT_EQ(rows[0]["id"], 1);  // primary key order
  EXPECT_EQ(rows[8]["id"], 9);
}

TEST_F(ExportTest, CsvMatchesPostgresOwnCsv) {
  auto r = Run({.table = "awkward", .format = engine::ExportFormat::kCsv});
  ASSERT_THAT(r, IsOk());
  std::string oracle;
  ASSERT_EQ(cluster().Shell("psql -X -d " + db_ +
                                " -c \"\\copy (SELECT * FROM public.awkward ORDER BY id) TO STDOUT "
                                "WITH (FORMAT csv, HEADER true)\"",
                            &oracle),
            0);
  EXPECT_TRUE(ReadFile(formats::JoinPath(backup_dir_, r->export_file)) == oracle);
}

TEST_F(ExportTest, FiltersAreValuesNeverSql) {
  auto r = Run({.table = "awkward", .ndjson = true,
                .where = {{"label", {std::string("nulls"), std::string("empty"), std::nullopt}}},
                .columns = {"id", "label"}});
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->record_count, 2);
  EXPECT_EQ(ReadFile(formats::JoinPath(backup_dir_, r->export_file)),
            "{\"id\":1,\"label\":\"nulls\"}\n{\"id\":2,\"label\":\"empty\"}\n");
  auto hostile = Run({.table = "awkward",
                      .where = {{"label", {std::string("x' OR '1'='1")}}}, .limit = 1});
  ASSERT_THAT(hostile, IsOk());
  EXPECT_EQ(hostile->record_count, 0);
  EXPECT_THAT(Run({.table = "awkward", .where = {{"label; DROP TABLE awkward", {std::string("x")}}}}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("has no column")));
  EXPECT_THAT(Run({.table = "awkward", .where = {{"id", {std::string("not a number")}}}}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("invalid input syntax for type bigint")));
  EXPECT_THAT(Run({.table = "no_such_table"}), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_EQ(Query(db_, "SELECT count(*) FROM awkward"), "9");
  // Failed exports left nothing behind: only the two files above exist.
  std::string listing;
  cluster().Shell("ls -A " + backup_dir_ + " | wc -l", &listing);
  EXPECT_EQ(listing, "2\n");
}

TEST_F(ExportTest, PartitionedTablesExportTheirPartitions) {
  Exec(db_, "CREATE TABLE m (k int, v text) PARTITION BY RANGE (k); "
            "CREATE TABLE m1 PARTITION OF m FOR VALUES FROM (0) TO (10); "
            "CREATE TABLE m2 PARTITION OF m FOR VALUES FROM (10) TO (20); "
            "INSERT INTO m SELECT g, 'v' || g FROM generate_series(0, 19) g");
  auto r = Run({.table = "m", .format = engine::ExportFormat::kCsv});
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->record_count, 20);
}

}  // namespace
}  // namespace pgark
