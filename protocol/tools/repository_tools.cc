// db_list_backups, db_delete_backup, db_validate_backup: the backup directory, no database
// (validate only asks the server's version, to warn about a backup from a newer one);
// db_drill_backup, which restores into a scratch database of its own.
#include "engine/repository/repository.h"
#include "engine/drill/drill.h"
#include "engine/repository/verifier.h"
#include "formats/status_macros.h"
#include "protocol/tools/results_json.h"
#include "protocol/tools/tool_definitions.h"
#include "protocol/tools/tool_schema.h"

namespace pgark::protocol {
namespace {

constexpr int kDefaultListLimit = 50;  // a page of db_list_backups unless `limit` says

}  // namespace

ToolSpec ListBackupsTool(const EngineToolsConfig& config) {
  auto handler = [config](const Json& a, ToolContext&) -> absl::StatusOr<Json> {
    engine::ListOptions o;
    o.type = a.value("type", "");
    o.sort_by = a.value("sortBy", "date");
    o.limit = a.value("limit", kDefaultListLimit);
    o.offset = a.value("offset", 0);
    absl::StatusOr<engine::BackupPage> page = engine::ListBackupPage(config.backup_dir, o);
    if (absl::IsNotFound(page.status())) page = engine::BackupPage{};
    PGARK_RETURN_IF_ERROR(page.status());
    return BackupPageJson(*page, o.offset, a.value("includeChain", false));
  };
  return {"db_list_backups", "List backups",
          "List backups (type, size, time, tables, rows), newest first, 50 at a time (total "
          "and nextOffset page on); an incremental names its parent. Read-only.",
          Schema({{"type", {{"type", "string"}, {"enum", {"full", "table", "incremental", "globals"}}}},
                  {"sortBy", {{"type", "string"}, {"enum", {"date", "size"}}, {"default", "date"}}},
                  {"limit", {{"type", "integer"}, {"minimum", 1}, {"maximum", 1000}}},
                  {"offset", {{"type", "integer"}, {"minimum", 0},
                              {"description", "skip this many (after sorting), for paging"}}},
                  {"includeChain", Bool("list each incremental's whole chain, not only its "
                                        "parent", false)}}),
          Output({{"success", {{"type", "boolean"}}},
                  {"backups", {{"type", "array"}, {"items", {{"type", "object"}}}}},
                  {"total", {{"type", "integer"}}}, {"nextOffset", {{"type", "integer"}}}},
                 {"success", "backups", "total"}),
          Annotations(true, false, true), handler,
          /*quick=*/true};
}

ToolSpec DeleteBackupTool(const EngineToolsConfig& config) {
  auto handler = [config](const Json& a, ToolContext&) -> absl::StatusOr<Json> {
    PGARK_ASSIGN_OR_RETURN(
        engine::DeleteResult deleted,
        engine::DeleteBackup(config.backup_dir, a["backupFile"], a.value("cascade", false)));
    return DeleteResultJson(deleted);
  };
  return {"db_delete_backup", "Delete a backup",
          "DESTRUCTIVE, permanent: deletes a backup file and its manifest. Refused when "
          "another backup depends on it, unless cascade (which deletes those too).",
          Schema({{"backupFile", FileArg("from db_list_backups")},
                  {"cascade", Bool("also delete the backups that depend on it", false)}},
                 {"backupFile"}),
          Output({{"success", {{"type", "boolean"}}}, {"deletedFile", {{"type", "string"}}},
                  {"deletedFiles", Strings()}, {"freedSpace", {{"type", "integer"}}}},
                 {"success", "deletedFile", "freedSpace"}),
          Annotations(false, true, true), handler};
}

ToolSpec ValidateBackupTool(const EngineToolsConfig& config) {
  auto handler = [config](const Json& a, ToolContext&) -> absl::StatusOr<Json> {
    PGARK_ASSIGN_OR_RETURN(
        engine::ValidationReport report,
        engine::ValidateBackup(
            config.backup_dir, a["backupFile"],
            {.key = config.encryption.key,
             .target_server_version_num = engine::ProbeServerVersionNum(config.connect)}));
    return ValidationJson(report);
  };
  return {"db_validate_backup", "Validate a backup",
          "Check a backup file (manifest, size, SHA-256 of the file and of every member, "
          "every member decompressed). Read-only.",
          Schema({{"backupFile", FileArg("from db_list_backups")}},
                 {"backupFile"}),
          Output({{"success", {{"type", "boolean"}}}, {"backupFile", {{"type", "string"}}},
                  {"valid", {{"type", "boolean"}}}, {"fileSize", {{"type", "integer"}}},
                  {"fileType", {{"type", "string"}}}, {"hasManifest", {{"type", "boolean"}}},
                  {"errors", Strings()}, {"warnings", Strings()}},
                 {"success", "valid", "fileSize", "hasManifest", "errors", "warnings"}),
          Annotations(true, false, true), handler};
}

ToolSpec DrillBackupTool(const EngineToolsConfig& config) {
  auto handler = [config](const Json& a, ToolContext& context) -> absl::StatusOr<Json> {
    engine::DrillOptions o{.backup_dir = config.backup_dir,
                           .backup_file = a.value("backupFile", ""),
                           .key = config.encryption.key,
                           .target_db = a.value("targetDb", ""),
                           .keep = a.value("keep", false)};
    ToolProgress progress(context);
    PGARK_ASSIGN_OR_RETURN(engine::DrillResult r, engine::Drill(config.connect, o, &progress));
    return DrillResultJson(r);
  };
  return {"db_drill_backup", "Drill a backup (prove it restores)",
          "Restore a backup (default: the newest full or incremental, with its chain) into a "
          "new scratch database, check every table's rows and content digest, sequences and "
          "schema against what the backup recorded, report the restore time (RTO), then drop "
          "the scratch database (keep: leave it). Never touches the source database; creates "
          "and drops only its scratch database. passed: false names what differs.",
          Schema({{"backupFile", FileArg("from db_list_backups; default the newest")},
                  {"targetDb", {{"type", "string"}, {"minLength", 1}, {"maxLength", 63},
                                {"description", "the scratch database to create (must not "
                                                "exist); default pgark_drill_<time>"}}},
                  {"keep", Bool("leave the scratch database for inspection", false)}}),
          Output({{"success", {{"type", "boolean"}}}, {"backupFile", {{"type", "string"}}},
                  {"passed", {{"type", "boolean"}}}, {"rtoSeconds", {{"type", "number"}}},
                  {"problems", Strings()}},
                 {"success", "backupFile", "passed", "rtoSeconds", "problems"}),
          Annotations(false, false, false), handler};
}

}  // namespace pgark::protocol
