#include "protocol/tools/tool_errors.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace pgark::protocol {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(ToolErrorsTest, NamesArgumentsAndToolsNotFlags) {
  EXPECT_EQ(ForAgents("db_delete_backup", "x depends on it; delete that first, or delete with --cascade"),
            "x depends on it; delete that first, or delete with cascade: true");
  EXPECT_EQ(ForAgents("db_restore_full",
                      "or restore without them (--ignore-missing-roles; MCP: ignoreMissingRoles)"),
            "or restore without them (ignoreMissingRoles: true)");
  EXPECT_THAT(ForAgents("db_restore_full", "use --on-conflict error or --drop-existing"),
              Not(HasSubstr("--")));
  EXPECT_EQ(ForAgents("db_list_backups", "see `pgark list`"), "see db_list_backups");
}

TEST(ToolErrorsTest, DuplicateKeysSuggestTheArgument) {
  EXPECT_THAT(ForAgents("db_restore_table", "duplicate key value violates unique constraint"),
              HasSubstr("onConflict \"skip\" or \"update\", or dropExisting: true"));
  EXPECT_THAT(ForAgents("db_import_csv", "Row 3: duplicate key value violates"),
              HasSubstr("onConflict \"skip\""));
  EXPECT_EQ(ForAgents("db_backup_full", "duplicate key value"), "duplicate key value");
}

}  // namespace
}  // namespace pgark::protocol
