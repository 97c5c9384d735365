#include "formats/manifest_seal.h"

#include "gtest/gtest.h"
#include "tests/status_matchers.h"

namespace pgark::formats {
namespace {

using ::pgark::testing::IsOk;
using ::pgark::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::Not;

std::shared_ptr<const EncryptionKey> Key(const std::string& passphrase) {
  return *EncryptionKey::FromPassphrase(passphrase);
}

Manifest Encrypted() {
  Manifest m;
  m.backup_id = "backup-full-20261207-010000";
  m.backup_file = m.backup_id + ".sql.gz.enc";
  m.timestamp = "2026-12-07T01:00:00.000Z";
  m.database = "shop";
  m.postgres_version = "15.18";
  m.server_version_num = 150018;
  m.format_version = 4;  // what an encrypted full backup records
  m.tables.push_back({"secrets", "public", "secrets", 3});
  m.total_record_count = 3;
  m.size = 999;
  m.checksum = std::string(64, 'a');
  m.cipher = kCipherName;
  m.key_id = "0123456789abcdef";
  MemberEntry data;
  data.section = Section::kData;
  data.kind = MemberKind::kTableData;
  data.schema = "public";
  data.name = "secrets";
  data.table = "secrets";
  data.raw_sha256 = std::string(64, 'c');
  data.stored_sha256 = std::string(64, 'b');
  data.rows = 3;
  data.columns = {"pin_code"};
  m.members.push_back(data);
  return m;
}

TEST(ManifestSealTest, PublicFileHidesPlaintextFactsAndUnsealsToTheWhole) {
  auto key = Key("correct horse");
  absl::StatusOr<Manifest> outer = SealManifest(Encrypted(), key);
  ASSERT_THAT(outer, IsOk());
  const std::string file = EncodeManifest(*outer);
  for (const char* hidden : {"pin_code", "cccccccc", "bbbbbbbb", "recordCount", "rows",
                             "totalRecordCount", "members"}) {
    EXPECT_THAT(file, Not(HasSubstr(hidden))) << hidden;
  }
  EXPECT_THAT(file, HasSubstr("\"sealed\""));
  EXPECT_THAT(file, HasSubstr("\"formatVersion\": 4"));
  absl::StatusOr<Manifest> read = DecodeManifest(file);
  ASSERT_THAT(read, IsOk());
  EXPECT_TRUE(read->facts_sealed());
  EXPECT_TRUE(read->members.empty());
  absl::StatusOr<Manifest> inner = UnsealManifest(*read, key);
  ASSERT_THAT(inner, IsOk());
  ASSERT_EQ(inner->members.size(), 1u);
  EXPECT_EQ(inner->members[0].columns, std::vector<std::string>{"pin_code"});
  EXPECT_EQ(inner->tables[0].record_count, 3);
  EXPECT_FALSE(inner->facts_sealed());
}

TEST(ManifestSealTest, WrongKeyIsUnauthenticated) {
  absl::StatusOr<Manifest> outer = SealManifest(Encrypted(), Key("one"));
  ASSERT_THAT(outer, IsOk());
  EXPECT_THAT(UnsealManifest(*outer, Key("two")),
              StatusIs(absl::StatusCode::kUnauthenticated));
}

TEST(ManifestSealTest, EditedPublicFactsOrSealAreRefused) {
  auto key = Key("k");
  absl::StatusOr<Manifest> outer = SealManifest(Encrypted(), key);
  ASSERT_THAT(outer, IsOk());
  Manifest edited = *outer;
  edited.checksum = std::string(64, 'f');  // an archive swapped, its digest recomputed
  EXPECT_THAT(UnsealManifest(edited, key),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("differ from its sealed copy")));
  Manifest renamed = *outer;
  renamed.backup_file = "backup-full-20261207-020000.sql.gz.enc";
  EXPECT_THAT(UnsealManifest(renamed, key), StatusIs(absl::StatusCode::kDataLoss));
  Manifest flipped = *outer;
  flipped.sealed[flipped.sealed.size() / 2] ^= 1;
  EXPECT_THAT(UnsealManifest(flipped, key), StatusIs(absl::StatusCode::kDataLoss));
  Manifest stripped = Encrypted();  // an encrypted manifest without its seal
  EXPECT_THAT(UnsealManifest(stripped, key),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("no sealed copy")));
}

// The seal of one backup does not vouch for another's public facts.
TEST(ManifestSealTest, SealOfAnotherBackupIsRefused) {
  auto key = Key("k");
  Manifest a = Encrypted();
  Manifest b = Encrypted();
  b.backup_id = "backup-full-20261207-030000";
  b.backup_file = b.backup_id + ".sql.gz.enc";
  absl::StatusOr<Manifest> sealed_a = SealManifest(a, key);
  absl::StatusOr<Manifest> sealed_b = SealManifest(b, key);
  ASSERT_THAT(sealed_a, IsOk());
  ASSERT_THAT(sealed_b, IsOk());
  Manifest mixed = *sealed_b;
  mixed.sealed = sealed_a->sealed;
  EXPECT_THAT(UnsealManifest(mixed, key), StatusIs(absl::StatusCode::kDataLoss));
}

}  // namespace
}  // namespace pgark::formats
