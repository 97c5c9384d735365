// db_restore_full and db_restore_table: the same engine call; the table one may name a table.
#include "absl/strings/str_cat.h"
#include "engine/restore/restore_preview.h"
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
    "proceed when roles it names are missing";

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

Json PreviewJson(const engine::RestorePreview& p) {
  Json tables = Json::array();
  for (const engine::PreviewTable& t : p.tables) {
    Json row = {{"name", t.name}, {"rows", t.rows}, {"exists", t.exists}, {"action", t.action}};
    if (t.exists) row["existingRows"] = t.existing_rows;
    tables.push_back(std::move(row));
  }
  // The result of a restore that restored nothing, with the plan beside it.
  return {{"success", true}, {"dryRun", true}, {"backupFile", p.backup_file},
          {"restoredTables", Json::array()}, {"recordCount", 0}, {"duration", 0},
          {"warnings", Json::array()},
          {"plan", {{"targetDatabase", p.target_database}, {"chain", p.chain},
                    {"tables", std::move(tables)}, {"rows", p.rows},
                    {"touchesExistingTables", p.destructive}}}};
}

// Where the client can ask its user: confirmation before writing into existing tables.
absl::Status ConfirmDestructive(const engine::ConnectOptions& connect,
                                const engine::RestoreOptions& o, ToolContext& ctx) {
  if (!ctx.can_confirm) return absl::OkStatus();
  PGARK_ASSIGN_OR_RETURN(engine::RestorePreview plan, engine::PreviewRestore(connect, o));
  if (!plan.destructive) return absl::OkStatus();
  int existing = 0;
  for (const engine::PreviewTable& t : plan.tables) existing += t.exists ? 1 : 0;
  const std::string question = absl::StrCat(
      "Restore ", o.backup_file, " into database \"", plan.target_database, "\"? ", existing,
      " of its ", plan.tables.size(), " tables exist there and would be ",
      o.drop_existing ? "dropped and replaced" : "written into", ".");
  std::optional<bool> yes = ctx.confirm(question);
  if (yes.has_value() && !*yes) {
    return absl::CancelledError("the user declined the restore; nothing was changed");
  }
  return absl::OkStatus();
}

ToolHandler RestoreHandler(const EngineToolsConfig& config) {
  return [config](const Json& args, ToolContext& ctx) -> absl::StatusOr<Json> {
    PGARK_ASSIGN_OR_RETURN(engine::RestoreOptions o, DecodeRestore(args, config));
    engine::ConnectOptions connect = config.connect;
    if (args.contains("targetDb")) connect.dbname = args["targetDb"];
    if (args.value("dryRun", false)) {
      PGARK_ASSIGN_OR_RETURN(engine::RestorePreview plan, engine::PreviewRestore(connect, o));
      return PreviewJson(plan);
    }
    PGARK_RETURN_IF_ERROR(ConfirmDestructive(connect, o, ctx));
    ToolProgress progress(ctx);
    PGARK_ASSIGN_OR_RETURN(engine::RestoreResult result, engine::Restore(connect, o, &progress));
    return RestoreResultJson(result);
  };
}

Json DryRunArg() {
  return Bool("only return the plan; change nothing", false);
}

Json TargetDbArg() {
  return {{"type", "string"}, {"minLength", 1}, {"maxLength", 63},
          {"description", "another database of the server"}};
}

}  // namespace

ToolSpec RestoreFullTool(const EngineToolsConfig& config) {
  return {"db_restore_full", "Restore full backup",
          "DESTRUCTIVE: restores a backup (and its chain) in one transaction, verified first; "
          "on error nothing changes. dropExisting drops and replaces existing objects; rows "
          "follow onConflict.",
          Schema({{"backupFile", FileArg("from db_list_backups")},
                  {"dropExisting", Bool("drop existing objects first", false)},
                  {"onConflict", OnConflictArg()},
                  {"ignoreMissingRoles", Bool(kIgnoreMissingRoles, false)},
                  {"dryRun", DryRunArg()},
                  {"targetDb", TargetDbArg()},
                  {"async", AsyncArg()},
                  {"jobs", {{"type", "integer"}, {"minimum", 1}, {"maximum", engine::kMaxRestoreJobs},
                            {"default", 1},
                            {"description", "parallel connections"}}}},
                 {"backupFile"}),
          RestoreOutput(), Annotations(false, true, true), RestoreHandler(config)};
}

ToolSpec RestoreTableTool(const EngineToolsConfig& config) {
  return {"db_restore_table", "Restore one table",
          "DESTRUCTIVE: restores one table from a table or full backup in one transaction; "
          "on error nothing changes.",
          Schema({{"backupFile", FileArg("from db_list_backups")},
                  {"table", Str("table to restore (default: every table in the file)")},
                  {"onConflict", OnConflictArg()},
                  {"dryRun", DryRunArg()},
                  {"targetDb", TargetDbArg()},
                  {"async", AsyncArg()},
                  {"ignoreMissingRoles", Bool(kIgnoreMissingRoles, false)}},
                 {"backupFile"}),
          RestoreOutput(), Annotations(false, true, true), RestoreHandler(config)};
}

}  // namespace pgark::protocol
