#include "protocol/tools/tool_errors.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"

namespace pgark::protocol {

std::string ForAgents(absl::string_view tool, absl::string_view message) {
  // Longest first: StrReplaceAll takes the first match at each position.
  std::string text = absl::StrReplaceAll(
      message, {{"--ignore-missing-roles; MCP: ignoreMissingRoles", "ignoreMissingRoles: true"},
                {"--ignore-missing-roles", "ignoreMissingRoles: true"},
                {"--on-conflict error", "onConflict \"error\""},
                {"--on-conflict", "onConflict"},
                {"--drop-existing", "dropExisting: true"},
                {"--cascade", "cascade: true"},
                {"--target-db", "targetDb"},
                {"--atomic", "atomic: true"},
                {"--jobs", "jobs"},
                {"--db / DATABASE_URL", "the server's DATABASE_URL (pgark mcp --db)"},
                {"`pgark list`", "db_list_backups"},
                {"`pgark backup full`", "db_backup_full"},
                {"`pgark restore`", "db_restore_full"},
                {"`pgark validate`", "db_validate_backup"}});
  const bool writes_rows = absl::StartsWith(tool, "db_restore") || absl::StartsWith(tool, "db_import");
  if (writes_rows && absl::StrContains(text, "duplicate key value")) {
    absl::StrAppend(&text, absl::StartsWith(tool, "db_restore")
                               ? " (nothing was changed; to keep or overwrite existing rows pass "
                                 "onConflict \"skip\" or \"update\", or dropExisting: true to "
                                 "replace the table)"
                               : " (to keep or overwrite existing rows pass onConflict \"skip\" "
                                 "or \"update\")");
  }
  return text;
}

}  // namespace pgark::protocol
