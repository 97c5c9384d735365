// Damaged archives are refused before the database is touched, and a damage that only shows
// when a member is inflated is caught before COMMIT: either way the target stays as it was.
#include <functional>
#include <fstream>
#include <sstream>

#include "absl/strings/str_join.h"
#include "engine/drill/drill.h"
#include "engine/dump/dumper.h"
#include "engine/repository/repository.h"
#include "engine/restore/restorer.h"
#include "engine/repository/verifier.h"
#include "formats/archive_layout.h"
#include "formats/archive_writer.h"
#include "formats/memory_io.h"
#include "formats/manifest.h"
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

class CorruptionTest : public testing::IntegrationTest {
 protected:
  void SetUp() override {
    IntegrationTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    src_ = NewDatabase("src");
    LoadSql(src_, testing::SourcePath("tools/demo/writing.sql"));
    engine::BackupOptions o;
    o.backup_dir = backup_dir_;
    o.tables = {"chapters", "books"};
    auto r = engine::Backup(Connect(src_), o, engine::BackupType::kTable, nullptr);
    ASSERT_THAT(r, IsOk());
    manifest_ = r->manifest;
    path_ = formats::JoinPath(backup_dir_, manifest_.backup_file);
    manifest_path_ = formats::JoinPath(backup_dir_, manifest_.backup_id + "-manifest.json");
  }

  const formats::MemberEntry& DataMember(const std::string& table) {
    for (const auto& m : manifest_.members) {
      if (m.section == formats::Section::kData && m.name == table) return m;
    }
    ADD_FAILURE() << "no data member for " << table;
    return manifest_.members.front();
  }

  absl::Status RestoreInto(const std::string& db) {
    engine::RestoreOptions o;
    o.backup_dir = backup_dir_;
    o.backup_file = manifest_.backup_file;
    return engine::Restore(Connect(db), o, nullptr).status();
  }

  // The target database must be exactly as before: here, without any table.
  void ExpectUntouched(const std::string& db) {
    EXPECT_EQ(Query(db, "SELECT count(*) FROM pg_class WHERE relnamespace = "
                        "'public'::regnamespace"),
              "0");
  }

  // Rewrites the archive with `edit` applied to each member's text, and a manifest whose
  // digests, sizes and offsets are recomputed for it: a forgery that every checksum agrees
  // with.
  void Forge(const std::function<void(const formats::MemberEntry&, std::string&)>& edit) {
    std::vector<std::string> texts;
    for (const formats::MemberEntry& m : manifest_.members) {
      formats::StringSink text;
      ASSERT_THAT(formats::ReadMember(formats::LocalFile(path_), m, {.codec = manifest_.compression}, text),
                  IsOk());
      texts.push_back(text.data());
      edit(m, texts.back());
    }
    ASSERT_EQ(::unlink(path_.c_str()), 0);
    auto writer = formats::ArchiveWriter::Open(formats::LocalFile(path_), {.compression = {manifest_.compression, 6}});
    ASSERT_THAT(writer, IsOk());
    for (size_t i = 0; i < texts.size(); ++i) {
      auto raw = (*writer)->WriteMember(texts[i]);
      ASSERT_THAT(raw, IsOk());
      manifest_.members[i].raw_bytes = *raw;
    }
    auto summary = (*writer)->Close();
    ASSERT_THAT(summary, IsOk());
    ASSERT_THAT(formats::PlaceMembers(summary->members, manifest_.members), IsOk());
    manifest_.size = summary->size_bytes;
    manifest_.checksum = summary->sha256;
    WriteFile(manifest_path_, formats::EncodeManifest(manifest_));
  }

  std::string src_;
  formats::Manifest manifest_;
  std::string path_;
  std::string manifest_path_;
};

// pgark drill (issue 21): a good backup passes; a backup whose rows were silently changed, with
// every checksum of the file and the manifest recomputed so that validate finds nothing,
// fails, naming the table.
TEST_F(CorruptionTest, DrillPassesAGoodBackupAndNamesASilentlyDamagedTable) {
  engine::BackupOptions o;
  o.backup_dir = backup_dir_;
  auto full = engine::Backup(Connect(src_), o, engine::BackupType::kFull, nullptr);
  ASSERT_THAT(full, IsOk());
  manifest_ = full->manifest;
  path_ = formats::JoinPath(backup_dir_, manifest_.backup_file);
  manifest_path_ = formats::JoinPath(backup_dir_, manifest_.backup_id + "-manifest.json");
  engine::DrillOptions d{.backup_dir = backup_dir_};
  auto good = engine::Drill(Connect(src_), d, nullptr);
  ASSERT_THAT(good, IsOk());
  EXPECT_TRUE(good->passed) << absl::StrJoin(good->problems, "; ");
  EXPECT_GT(good->tables.size(), 2u);
  for (const engine::DrillTable& t : good->tables) EXPECT_TRUE(t.digest_checked) << t.name;
  EXPECT_EQ(Query(src_, "SELECT count(*) FROM pg_database WHERE datname LIKE 'pgark_drill%'"), "0");

  Forge([](const formats::MemberEntry& m, std::string& text) {
    if (m.kind != formats::MemberKind::kTableData || m.name != "chapters") return;
    // The title (4th value) of the first row: still a valid row, only not the same.
    size_t at = text.find('\n');
    for (int i = 0; i < 3; ++i) at = text.find('\t', at + 1);
    text[at + 1] = text[at + 1] == 'X' ? 'Y' : 'X';
  });
  engine::ValidateOptions v;
  auto report = engine::ValidateBackup(backup_dir_, manifest_.backup_file, v);
  ASSERT_THAT(report, IsOk());
  EXPECT_TRUE(report->valid);  // every checksum agrees: only the drill can tell
  auto bad = engine::Drill(Connect(src_), d, nullptr);
  ASSERT_THAT(bad, IsOk());
  EXPECT_FALSE(bad->passed);
  ASSERT_EQ(bad->problems.size(), 1u) << absl::StrJoin(bad->problems, "; ");
  EXPECT_THAT(bad->problems[0], HasSubstr("table \"chapters\": the restored rows differ"));
  auto listed = engine::ListBackups(backup_dir_, {});
  ASSERT_THAT(listed, IsOk());
  ASSERT_TRUE(listed->front().last_drill.has_value());
  EXPECT_FALSE(listed->front().last_drill->passed);
}

TEST_F(CorruptionTest, FlippedByteInADataMemberIsRefusedAndNamed) {
  const auto& member = DataMember("chapters");
  std::string bytes = ReadFile(path_);
  bytes[member.offset + member.stored_bytes / 2] ^= 0x20;
  WriteFile(path_, bytes);
  std::string dst = NewDatabase("dst");
  EXPECT_THAT(RestoreInto(dst), StatusIs(absl::StatusCode::kDataLoss,
                                         HasSubstr("TABLE DATA \"public.chapters\"")));
  ExpectUntouched(dst);
  auto report = engine::ValidateBackup(backup_dir_, manifest_.backup_file);
  ASSERT_THAT(report, IsOk());
  EXPECT_FALSE(report->valid);
  EXPECT_THAT(::testing::PrintToString(report->errors), HasSubstr("public.chapters"));
}

// An archive is input, not code (issue 18, defect 4): a header with SQL of its own is refused
// by restore and by validate even when every digest was recomputed for it, and nothing runs.
TEST_F(CorruptionTest, AForgedHeaderIsRefusedEvenWithRecomputedDigests) {
  Forge([](const formats::MemberEntry& m, std::string& text) {
    if (m.kind == formats::MemberKind::kHeader) text += "CREATE TABLE forged_by_header (a int);\n";
  });
  std::string dst = NewDatabase("dst");
  EXPECT_THAT(RestoreInto(dst), StatusIs(absl::StatusCode::kDataLoss,
                                         HasSubstr("does not start with the header pgark writes")));
  ExpectUntouched(dst);
  auto report = engine::ValidateBackup(backup_dir_, manifest_.backup_file, {.record = false});
  ASSERT_THAT(report, IsOk());
  EXPECT_FALSE(report->valid);
  EXPECT_THAT(report->errors, ::testing::Contains(HasSubstr("header pgark writes")));
}

// A data member is COPY data only: its own COPY line and rows up to one "\\." at the end. SQL
// after an inner end-of-data line (which gunzip | psql would run) and another COPY line are
// refused by restore and validate, digests recomputed or not.
TEST_F(CorruptionTest, ForgedDataMembersAreRefused) {
  const std::vector<std::pair<std::string, std::string>> forgeries = {
      {"", "\\.\nDROP TABLE books;\n"},                      // rows, then SQL
      {"COPY public.books TO PROGRAM 'true';\n", ""}};         // another COPY line
  for (const auto& [header, tail] : forgeries) {
    SetUp();
    Forge([&](const formats::MemberEntry& m, std::string& text) {
      if (m.kind != formats::MemberKind::kTableData || m.name != "books") return;
      if (!header.empty()) text = header + text.substr(m.copy_header_bytes);
      if (!tail.empty()) text.insert(text.size() - 3, tail);  // before the final "\\.\n"
    });
    std::string dst = NewDatabase("dst");
    EXPECT_THAT(RestoreInto(dst), StatusIs(absl::StatusCode::kDataLoss)) << header << tail;
    ExpectUntouched(dst);
    auto report = engine::ValidateBackup(backup_dir_, manifest_.backup_file, {.record = false});
    ASSERT_THAT(report, IsOk());
    EXPECT_FALSE(report->valid) << header << tail;
  }
}

// Schema members hold only the statements pgark writes for their kind (issue 18, defect 4):
// a DROP DATABASE, transaction control, COPY ... PROGRAM, a role change, a psql meta-command
// or a query disguised as DDL is refused by restore and validate, digests recomputed, and
// nothing runs: the victim database survives and the target is untouched.
TEST_F(CorruptionTest, ForgedSchemaMembersAreRefused) {
  const std::string victim = NewDatabase("victim");
  const std::vector<std::string> forgeries = {
      absl::StrCat("DROP DATABASE \"", victim, "\";\n"),
      "COMMIT; BEGIN;\n",
      "COPY public.books TO PROGRAM 'true';\n",
      "SET ROLE NONE;\n",
      "\\! touch /tmp/pgark-forged\n",
      "GRANT pg_read_server_files TO CURRENT_USER;\n",
      "CREATE TABLE leak AS SELECT 1;\n",
      "SELECT pg_catalog.pg_sleep(0);\n",
      "CREATE FUNCTION public.f() RETURNS int LANGUAGE sql AS 'SELECT 1';\n",
      "ALTER ROLE CURRENT_USER NOSUPERUSER;\n"};
  for (const std::string& forgery : forgeries) {
    SetUp();
    Forge([&](const formats::MemberEntry& m, std::string& text) {
      if (m.kind == formats::MemberKind::kTable && m.name == "books") text += forgery;
    });
    std::string dst = NewDatabase("dst");
    EXPECT_THAT(RestoreInto(dst), StatusIs(absl::StatusCode::kDataLoss,
                                           HasSubstr("pgark does not write")))
        << forgery;
    ExpectUntouched(dst);
    EXPECT_EQ(Query("postgres", absl::StrCat("SELECT count(*) FROM pg_database WHERE datname = '",
                                             victim, "'")),
              "1");
    auto report = engine::ValidateBackup(backup_dir_, manifest_.backup_file, {.record = false});
    ASSERT_THAT(report, IsOk());
    EXPECT_FALSE(report->valid) << forgery;
    EXPECT_THAT(report->errors, ::testing::Contains(HasSubstr("TABLE"))) << forgery;
  }
}

TEST_F(CorruptionTest, TruncatedFileIsRefused) {
  std::string bytes = ReadFile(path_);
  WriteFile(path_, bytes.substr(0, bytes.size() - 100));
  std::string dst = NewDatabase("dst");
  EXPECT_THAT(RestoreInto(dst), StatusIs(absl::StatusCode::kDataLoss, HasSubstr("truncated")));
  ExpectUntouched(dst);
}

TEST_F(CorruptionTest, DamageSeenOnlyAtAMembersEndIsCaughtBeforeCommit) {
  // Make the manifest's decompressed size of a member disagree: the up-front checks (file
  // size and digests) pass, the data streams into COPY, and the restore must still roll back.
  formats::Manifest m = manifest_;
  for (auto& e : m.members) {
    if (e.section == formats::Section::kData && e.name == "chapters") e.raw_bytes += 1;
  }
  std::remove(manifest_path_.c_str());
  WriteFile(manifest_path_, formats::EncodeManifest(m));
  std::string dst = NewDatabase("dst");
  EXPECT_THAT(RestoreInto(dst),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("decompressed to")));
  ExpectUntouched(dst);
  // A member digest at odds with an intact file is caught as the member streams.
  m = manifest_;
  for (auto& e : m.members) {
    if (e.section == formats::Section::kData && e.name == "chapters") e.stored_sha256 = std::string(64, '0');
  }
  std::remove(manifest_path_.c_str());
  WriteFile(manifest_path_, formats::EncodeManifest(m));
  EXPECT_THAT(RestoreInto(dst), StatusIs(absl::StatusCode::kDataLoss,
                                         HasSubstr("TABLE DATA \"public.chapters\" at offset")));
  ExpectUntouched(dst);
}

TEST_F(CorruptionTest, VerifyChecksTheDecompressedDigestToo) {
  // A restore relies on the stored digest and gzip's own checks; `verify` also holds the
  // decompressed bytes to the manifest's rawSha256, so a manifest at odds with itself is named.
  ASSERT_THAT(engine::ValidateBackup(backup_dir_, manifest_.backup_file), IsOk());
  EXPECT_TRUE(engine::ValidateBackup(backup_dir_, manifest_.backup_file)->valid);
  formats::Manifest m = manifest_;
  for (auto& e : m.members) {
    if (e.section == formats::Section::kData && e.name == "chapters") e.raw_sha256 = std::string(64, '0');
  }
  std::remove(manifest_path_.c_str());
  WriteFile(manifest_path_, formats::EncodeManifest(m));
  auto report = engine::ValidateBackup(backup_dir_, manifest_.backup_file);
  ASSERT_THAT(report, IsOk());
  EXPECT_FALSE(report->valid);
  EXPECT_THAT(::testing::PrintToString(report->errors),
              HasSubstr("sha256 of decompressed data"));
}

TEST_F(CorruptionTest, MissingOrBrokenManifestIsRefused) {
  std::string json = ReadFile(manifest_path_);
  std::string dst = NewDatabase("dst");
  std::remove(manifest_path_.c_str());
  EXPECT_THAT(RestoreInto(dst), StatusIs(absl::StatusCode::kDataLoss, HasSubstr("no manifest")));
  WriteFile(manifest_path_, json.substr(0, json.size() / 2));
  EXPECT_THAT(RestoreInto(dst), StatusIs(absl::StatusCode::kDataLoss, HasSubstr("JSON")));
  ExpectUntouched(dst);
}

TEST_F(CorruptionTest, AFileThatIsNotAPgarkBackupIsRefused) {
  std::string fake = formats::JoinPath(backup_dir_, "notes.sql.gz");
  WriteFile(fake, "this is not gzip\n");
  engine::RestoreOptions o;
  o.backup_dir = backup_dir_;
  o.backup_file = "notes.sql.gz";
  std::string dst = NewDatabase("dst");
  EXPECT_THAT(engine::Restore(Connect(dst), o, nullptr),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("not a pgark backup")));
  ExpectUntouched(dst);
}

TEST_F(CorruptionTest, FailedRestoreLeavesExistingDataAsItWas) {
  // A restore into a database that already holds the tables, damaged halfway through the
  // second table: the first table's rows must not stay behind.
  std::string dst = NewDatabase("dst");
  LoadSql(dst, testing::SourcePath("tools/demo/writing.sql"));
  Exec(dst, "DELETE FROM chapters WHERE id % 2 = 0");
  const std::string before = DatabaseDigest(dst);
  formats::Manifest m = manifest_;
  for (auto& e : m.members) {
    if (e.section == formats::Section::kData && e.name == "books") e.raw_bytes += 1;
  }
  std::remove(manifest_path_.c_str());
  WriteFile(manifest_path_, formats::EncodeManifest(m));
  engine::RestoreOptions o;
  o.backup_dir = backup_dir_;
  o.backup_file = manifest_.backup_file;
  o.on_conflict = engine::OnConflict::kSkip;
  EXPECT_THAT(engine::Restore(Connect(dst), o, nullptr),
              StatusIs(absl::StatusCode::kDataLoss));
  EXPECT_EQ(DatabaseDigest(dst), before);
}

}  // namespace
}  // namespace pgark
