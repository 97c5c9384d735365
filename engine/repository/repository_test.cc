#include "engine/repository/repository.h"

#include <unistd.h>

#include <fstream>
#include <map>

#include "formats/archive_layout.h"
#include "formats/file_io.h"
#include "formats/manifest.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/status_matchers.h"

namespace pgark::engine {
namespace {

using ::pgark::testing::IsOk;
using ::pgark::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;

class RepositoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static int n = 0;
    dir_ = ::testing::TempDir() + "/repo_" + std::to_string(::getpid()) + "_" + std::to_string(n++);
    ASSERT_THAT(formats::EnsurePrivateDirectory(dir_), IsOk());
  }
  // A backup made `days` days before 2026-11-25T12:00:00Z.
  std::string Add(const std::string& type, int days, std::vector<std::string> deps = {}) {
    absl::Time t = absl::FromUnixSeconds(1795608000) - absl::Hours(24) * days;
    formats::Manifest m;
    m.backup_id = formats::BackupId(type, "", t, 0);
    m.backup_file = formats::ArchiveFileName(m.backup_id, formats::Codec::kGzip);
    m.type = *formats::ParseBackupType(type);
    m.content = formats::Content::kSchemaAndData;
    m.timestamp = formats::IsoTimestamp(t);
    m.size = 100;
    m.dependencies = std::move(deps);
    if (!m.dependencies.empty()) m.base_backup = m.dependencies.back();
    std::ofstream(formats::JoinPath(dir_, m.backup_file)) << std::string(100, 'x');
    std::ofstream(formats::JoinPath(dir_, m.backup_id + "-manifest.json")) << formats::EncodeManifest(m);
    return m.backup_file;
  }
  PruneOptions Options() {
    PruneOptions o;
    o.now = "2026-11-25T12:00:00Z";
    return o;
  }
  std::string dir_;
};

TEST_F(RepositoryTest, ListsNewestFirstAndFlagsIncompleteFiles) {
  std::string old_full = Add("full", 10);
  std::string table = Add("table", 2);
  std::ofstream(formats::JoinPath(dir_, "backup-full-20200101-000000.sql.gz")) << "half";
  auto all = ListBackups(dir_, {});
  ASSERT_THAT(all, IsOk());
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ(TypeName((*all)[0]), "incomplete");  // its mtime is now
  EXPECT_EQ((*all)[1].filename, table);
  EXPECT_EQ((*all)[2].filename, old_full);
  auto fulls = ListBackups(dir_, {.type = "full"});
  ASSERT_THAT(fulls, IsOk());
  EXPECT_EQ(fulls->size(), 1u);
  EXPECT_THAT(ListBackups(dir_, {.type = "weekly"}), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_F(RepositoryTest, PruneKeepsNewestFullRecentOnesAndChains) {
  std::string f60 = Add("full", 60);
  std::string f40 = Add("full", 40);
  std::string t50 = Add("table", 50);
  std::string base = Add("full", 70);
  std::string inc = Add("incremental", 5, {base});
  std::string t1 = Add("table", 1);

  PruneOptions dry = Options();
  dry.dry_run = true;
  auto planned = PruneBackups(dir_, dry);
  ASSERT_THAT(planned, IsOk());
  EXPECT_THAT(planned->deleted, UnorderedElementsAre(f60, t50));
  EXPECT_EQ(ListBackups(dir_, {})->size(), 6u);  // a dry run deletes nothing

  auto done = PruneBackups(dir_, Options());
  ASSERT_THAT(done, IsOk());
  EXPECT_THAT(done->deleted, UnorderedElementsAre(f60, t50));
  EXPECT_THAT(done->kept, UnorderedElementsAre(f40, base, inc, t1));
  EXPECT_GT(done->freed_bytes, 200u);
  EXPECT_THAT(DeleteBackup(dir_, base), StatusIs(absl::StatusCode::kFailedPrecondition));
}

TEST_F(RepositoryTest, DeleteCascadeTakesTheChainWithIt) {
  std::string base = Add("full", 3);
  std::string inc1 = Add("incremental", 2, {base});
  std::string inc2 = Add("incremental", 1, {base, inc1});
  std::string other = Add("table", 1);
  EXPECT_THAT(DeleteBackup(dir_, base), StatusIs(absl::StatusCode::kFailedPrecondition));
  auto r = DeleteBackup(dir_, base, /*cascade=*/true);
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->deleted_files.back(), base);
  EXPECT_THAT(r->deleted_files, UnorderedElementsAre(inc2, inc1, base));
  auto left = ListBackups(dir_, {});
  ASSERT_THAT(left, IsOk());
  ASSERT_EQ(left->size(), 1u);
  EXPECT_EQ((*left)[0].filename, other);
}

TEST_F(RepositoryTest, GrandfatherFatherSon) {
  std::map<int, std::string> by_age;
  for (int days : {0, 1, 8, 9, 40, 41, 75}) by_age[days] = Add("table", days);
  PruneOptions o = Options();
  o.retention_days = 0;
  o.keep_daily = 2;    // 2026-11-25 and 11-24
  o.keep_monthly = 3;  // the newest of November (day 0), October (day 40), September (day 75)
  auto r = PruneBackups(dir_, o);
  ASSERT_THAT(r, IsOk());
  EXPECT_THAT(r->kept, UnorderedElementsAre(by_age[0], by_age[1], by_age[40], by_age[75]));
  EXPECT_THAT(r->deleted, UnorderedElementsAre(by_age[8], by_age[9], by_age[41]));
}

}  // namespace
}  // namespace pgark::engine
