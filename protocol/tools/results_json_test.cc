#include "protocol/tools/results_json.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace pgark::protocol {
namespace {

// db_list_backups is paged and short (issue 18, defect 13): the total, the next page's offset
// while there is one, and an incremental's parent only unless the whole chain is asked for.
TEST(BackupPageJsonTest, PagesAndShortChains) {
  engine::BackupPage page;
  page.total = 3;
  engine::BackupInfo inc;
  inc.filename = "backup-incremental-2.sql.gz";
  inc.base_backup = "backup-incremental-1.sql.gz";
  inc.dependencies = {"backup-full-0.sql.gz", "backup-incremental-1.sql.gz"};
  engine::BackupInfo full;
  full.filename = "backup-full-0.sql.gz";
  page.backups = {inc, full};
  Json first = BackupPageJson(page, 0, /*whole_chains=*/false);
  EXPECT_EQ(first["total"], 3);
  EXPECT_EQ(first["nextOffset"], 2);
  EXPECT_EQ(first["backups"][0]["dependencies"], Json::array({"backup-incremental-1.sql.gz"}));
  EXPECT_FALSE(first["backups"][1].contains("dependencies"));
  Json last = BackupPageJson(page, 1, /*whole_chains=*/true);
  EXPECT_FALSE(last.contains("nextOffset"));
  EXPECT_EQ(last["backups"][0]["dependencies"].size(), 2u);
}

}  // namespace
}  // namespace pgark::protocol
