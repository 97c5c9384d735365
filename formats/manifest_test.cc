#include "formats/manifest.h"

#include "gtest/gtest.h"
#include "tests/status_matchers.h"

namespace pgark::formats {
namespace {

using ::pgark::testing::IsOk;
using ::pgark::testing::StatusIs;
using ::testing::HasSubstr;

Manifest Sample() {
  Manifest m;
  m.backup_id = "backup-table-books-20261125-120000";
  m.backup_file = m.backup_id + ".sql.gz";
  m.type = BackupType::kTable;
  m.content = Content::kSchemaAndData;
  m.timestamp = "2026-11-25T12:00:00.000Z";
  m.database = "writing";
  m.postgres_version = "15.18";
  m.server_version_num = 150018;
  m.tool_version = "0.1.0";
  m.tables.push_back({"books", "public", "books", 380});
  m.tables.push_back({"notes", "public", "notes", 0, "", 7});
  m.total_record_count = 380;
  m.size = 1234;
  m.checksum = std::string(64, 'a');
  MemberEntry data;
  data.section = Section::kData;
  data.kind = MemberKind::kTableData;
  data.schema = "public";
  data.name = "books";
  data.offset = 100;
  data.stored_bytes = 1000;
  data.raw_bytes = 5000;
  data.stored_sha256 = std::string(64, 'b');
  data.raw_sha256 = std::string(64, 'c');
  data.rows = 380;
  data.copy_header_bytes = 42;
  m.members.push_back(data);
  return m;
}

TEST(ManifestTest, RoundTrips) {
  Manifest m = Sample();
  std::string json = EncodeManifest(m);
  EXPECT_THAT(json, HasSubstr("\"backupId\": \"backup-table-books-20261125-120000\""));
  EXPECT_THAT(json, HasSubstr("\"recordCount\": 380"));
  auto back = DecodeManifest(json);
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(back->backup_id, m.backup_id);
  ASSERT_EQ(back->tables.size(), 2u);
  EXPECT_EQ(back->tables[0].record_count, 380);
  EXPECT_EQ(back->tables[0].rewrites_seen, -1) << "unknown: left out";
  EXPECT_EQ(back->tables[1].rewrites_seen, 7);
  EXPECT_THAT(json, HasSubstr("\"rewritesSeen\": 7"));
  ASSERT_EQ(back->members.size(), 1u);
  EXPECT_EQ(back->members[0].rows, 380);
  EXPECT_EQ(back->members[0].copy_header_bytes, 42u);
  EXPECT_EQ(EncodeManifest(*back), json);
}

TEST(ManifestTest, CompressionRoundTripsAndMustAgreeWithCompressed) {
  Manifest m = Sample();
  m.compression = Codec::kZstd;
  const std::string json = EncodeManifest(m);
  EXPECT_THAT(json, HasSubstr("\"compression\": \"zstd\""));
  EXPECT_THAT(json, HasSubstr("\"compressed\": true"));
  auto back = DecodeManifest(json);
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(back->compression, Codec::kZstd);
  // Written before "compression" existed: "compressed" alone means gzip or none.
  for (bool compressed : {true, false}) {
    std::string old = json;
    old.replace(old.find("\"compression\": \"zstd\","), 25, "");
    if (!compressed) old.replace(old.find("\"compressed\": true"), 18, "\"compressed\": false");
    auto decoded = DecodeManifest(old);
    ASSERT_THAT(decoded, IsOk());
    EXPECT_EQ(decoded->compression, compressed ? Codec::kGzip : Codec::kNone);
  }
  std::string lie = json;
  lie.replace(lie.find("\"compressed\": true"), 18, "\"compressed\": false");
  EXPECT_THAT(DecodeManifest(lie), StatusIs(absl::StatusCode::kDataLoss, HasSubstr("compression")));
  std::string unknown = json;
  unknown.replace(unknown.find("\"zstd\""), 6, "\"lz4\"");
  EXPECT_THAT(DecodeManifest(unknown), StatusIs(absl::StatusCode::kDataLoss, HasSubstr("lz4")));
}

TEST(ManifestTest, IncrementalFactsRoundTrip) {
  Manifest m = Sample();
  m.type = BackupType::kIncremental;
  m.base_backup = "backup-full-20261125-110000.sql.gz";
  m.dependencies = {m.base_backup};
  m.change_point = {.xmin = (uint64_t{3} << 32) + 7, .xmax = (uint64_t{3} << 32) + 9,
                    .system_identifier = "7716574147748763244", .database_oid = 16384,
                    .enum_labels = "e3b0c442"};
  m.changes.tables_by_key = 1;
  m.changes.hashed_tables = {"log: no key, and rows were deleted or rewritten since the base"};
  MemberEntry deletes;
  deletes.section = Section::kData;
  deletes.kind = MemberKind::kRowDeletes;
  deletes.schema = deletes.name = deletes.table = "books";
  deletes.rows = 2;
  deletes.deletes_by_key = true;
  m.members.push_back(deletes);
  std::string json = EncodeManifest(m);
  EXPECT_THAT(json, HasSubstr("\"deletesBy\": \"key\""));
  absl::StatusOr<Manifest> back = DecodeManifest(json);
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(back->change_point.xmin, m.change_point.xmin);
  EXPECT_EQ(back->change_point.system_identifier, "7716574147748763244");
  EXPECT_TRUE(back->change_point.known());
  EXPECT_EQ(back->changes.hashed_tables, m.changes.hashed_tables);
  EXPECT_TRUE(back->members.back().deletes_by_key);
  EXPECT_FALSE(back->members.front().deletes_by_key);
  EXPECT_EQ(EncodeManifest(*back), json);
  const std::string by_key = "\"deletesBy\": \"key\"";
  std::string unknown = json;
  unknown.replace(unknown.find(by_key), by_key.size(), "\"deletesBy\": \"row\"");
  EXPECT_THAT(DecodeManifest(unknown), StatusIs(absl::StatusCode::kDataLoss, HasSubstr("deletesBy")));
}

TEST(ManifestTest, RejectsDamage) {
  EXPECT_THAT(DecodeManifest("{not json"), StatusIs(absl::StatusCode::kDataLoss));
  EXPECT_THAT(DecodeManifest("[]"), StatusIs(absl::StatusCode::kDataLoss));
  std::string json = EncodeManifest(Sample());
  std::string no_checksum = json;
  no_checksum.replace(no_checksum.find("\"checksum\""), 10, "\"chekcsum\"");
  EXPECT_THAT(DecodeManifest(no_checksum),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("\"checksum\"")));
  std::string wrong_type = json;
  wrong_type.replace(wrong_type.find("\"size\": 1234"), 12, "\"size\": \"1234\"");
  EXPECT_THAT(DecodeManifest(wrong_type),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("wrong type")));
  EXPECT_THAT(DecodeManifest(json.substr(0, json.size() / 2)),
              StatusIs(absl::StatusCode::kDataLoss));
}

// A format this pgark cannot read is an integrity failure (exit 3), naming the fix.
TEST(ManifestTest, NewerFormatIsRefusedAsUnreadable) {
  Manifest m = Sample();
  m.format_version = kManifestFormatVersion + 1;
  EXPECT_THAT(DecodeManifest(EncodeManifest(m)),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("upgrade pgark")));
}

}  // namespace
}  // namespace pgark::formats
