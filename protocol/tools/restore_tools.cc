// db_restore_full and db_restore_table: the same engine call; the table one may name a table.
#include "engine/restore/restorer.h"
#include "formats/status_macros.h"
#include "protocol/tools/requests.h"
#include "protocol/tools/results_json.h"
#include "protocol/tools/tool_definitions.h"
#include "protocol/tools/tool_schema.h"

namespace pgark::protocol {
namespace {

Json RestoreOutput() {
  return Output({{"success", {{"type", "boolean"}}}, {"backupFile", {{"type", "string"}}},
                 {"restoredTables", Strings()}, {"recordCount", {{"type", "integer"}}},
                 {"skippedRecords", {{"type", "integer"}}}, {"duration", {{"type", "integer"}}},
                 {"warnings", Strings()}},
                {"success", "restoredTables", "recordCount", "duration", "warnings"});
}

constexpr char kIgnoreMissingRoles[] =
    "restore even when roles the backup's owners and grants name are missing here (their "
    "ownership and grants become warnings); otherwise such a restore is refused up front";

absl::StatusOr<engine::RestoreOptions> DecodeRestore(const Json& args,
                                                     const EngineToolsConfig& config) {
  engine::RestoreOptions o;
  o.backup_dir = config.backup_dir;
  o.key = config.encryption.key;
  o.backup_file = args["backupFile"];
  o.drop_existing = args.value("dropExisting", false);
  o.ignore_missing_roles = args.value("ignoreMissingRoles", false);
  PGARK_ASSIGN_OR_RETURN(o.on_conflict,
                         DecodeOnConflict(args.value("onConflict", "error"), kToolSpelling));
  o.jobs = args.value("jobs", 1);
  if (args.contains("table")) {
    std::string table = args["table"];
    PGARK_RETURN_IF_ERROR(CheckAllowedTable(config.allowed_tables, table));
    o.tables = {table};
  } else {  // every table of the backup
    PGARK_RETURN_IF_ERROR(
        CheckWholeDatabaseAllowed(config.allowed_tables, "a restore without a table"));
  }
  return o;
}

ToolHandler RestoreHandler(const EngineToolsConfig& config) {
  return EngineHandler<engine::RestoreOptions, engine::RestoreResult>(
      [config](const Json& args) { return DecodeRestore(args, config); },
      [config](const engine::RestoreOptions& o, engine::ProgressListener* progress) {
        return engine::Restore(config.connect, o, progress);
      },
      RestoreResultJson);
}

}  // namespace

ToolSpec RestoreFullTool(const EngineToolsConfig& config) {
  return {"db_restore_full", "Restore full backup",
          "DESTRUCTIVE: restore a backup file into the database in one transaction. The file "
          "is verified first; on any error nothing changes. Existing objects are kept (and "
          "reported as warnings) unless dropExisting is true, which drops and replaces "
          "them. With jobs above 1 an empty database is restored over several connections "
          "into a private copy that replaces it at the end (needs CREATEDB and ownership; "
          "otherwise one transaction is used and a warning says why)." + BackupDirNote(config),
          Schema({{"backupFile", FileArg("backup file name, from db_list_backups")},
                  {"dropExisting", Bool("drop the backup's objects that exist first", false)},
                  {"onConflict", OnConflictArg()},
                  {"ignoreMissingRoles", Bool(kIgnoreMissingRoles, false)},
                  {"jobs", {{"type", "integer"}, {"minimum", 1}, {"maximum", engine::kMaxRestoreJobs},
                            {"default", 1},
                            {"description", "connections loading data and building indexes"}}}},
                 {"backupFile"}),
          RestoreOutput(), Annotations(false, true, true), RestoreHandler(config)};
}

ToolSpec RestoreTableTool(const EngineToolsConfig& config) {
  return {"db_restore_table", "Restore one table",
          "DESTRUCTIVE: restore one table from a table or full backup in one transaction, "
          "seeking straight to its data. The file is verified first; on any error nothing "
          "changes." + BackupDirNote(config),
          Schema({{"backupFile", FileArg("backup file name, from db_list_backups")},
                  {"table", Str("table to restore (default: every table in the file)")},
                  {"onConflict", OnConflictArg()},
                  {"ignoreMissingRoles", Bool(kIgnoreMissingRoles, false)}},
                 {"backupFile"}),
          RestoreOutput(), Annotations(false, true, true), RestoreHandler(config)};
}

}  // namespace pgark::protocol
