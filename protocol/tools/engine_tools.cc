#include "protocol/tools/engine_tools.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "engine/repository/audit_log.h"
#include "protocol/tools/tool_definitions.h"

namespace pgark::protocol {
namespace {

// Wraps a tool's handler so that every call, refused ones included, goes to the audit log.
ToolSpec Audited(ToolSpec spec, const std::string& backup_dir) {
  const bool read_only = spec.annotations.value("readOnlyHint", false);
  spec.handler = [handler = std::move(spec.handler), name = spec.name, backup_dir, read_only](
                     const Json& args, ToolContext& ctx) -> absl::StatusOr<Json> {
    const absl::Time start = absl::Now();
    // A call that changes something is refused when it could not be audited.
    const absl::Status audited =
        read_only ? absl::OkStatus() : engine::CheckAuditWritable(backup_dir);
    absl::StatusOr<Json> result = audited.ok() ? handler(args, ctx) : audited;
    (void)engine::AppendAudit(backup_dir, {name, "mcp", args.dump(), result.status(),
                                           absl::ToInt64Milliseconds(absl::Now() - start)});
    return result;
  };
  return spec;
}

}  // namespace

std::string BackupDirNote(const EngineToolsConfig& config) {
  return absl::StrCat(" Backups live in the backup directory (", config.backup_dir,
                      "); file names are plain names there, as db_list_backups shows them.");
}

void RegisterEngineTools(ToolRegistry& registry, const EngineToolsConfig& config) {
  using Definition = ToolSpec (*)(const EngineToolsConfig&);
  for (Definition define :
       {BackupFullTool, BackupTableTool, BackupIncrementalTool, ExportJsonTool, ExportCsvTool,
        RestoreFullTool, RestoreTableTool, ImportJsonTool, ImportCsvTool, ListBackupsTool,
        DeleteBackupTool, ValidateBackupTool}) {
    registry.Register(Audited(define(config), config.backup_dir));
  }
}

}  // namespace pgark::protocol
