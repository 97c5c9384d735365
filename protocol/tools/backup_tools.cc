// db_backup_full, db_backup_table, db_backup_incremental.
#include "absl/strings/str_cat.h"
#include "engine/dump/dumper.h"
#include "formats/status_macros.h"
#include "protocol/tools/requests.h"
#include "protocol/tools/results_json.h"
#include "protocol/tools/tool_definitions.h"
#include "protocol/tools/tool_schema.h"

namespace pgark::protocol {
namespace {

Json CompressionArg() {
  return {{"type", "string"},
          {"maxLength", 7},
          {"pattern", "^(gzip|zstd|none)(:[0-9]{1,2})?$"},
          {"description", "codec[:level]: gzip (default; gunzip | psql reads it; 1-9), zstd "
                          "(smaller and faster; 1-19, default 3) or none"}};
}

constexpr char kStatisticsNote[] =
    "also planner statistics (PostgreSQL 18+ applies them on restore)";

Json BackupOutput(engine::BackupType type) {
  const Json count = {{"type", "integer"}, {"minimum", 0}};
  Json p = {{"success", {{"type", "boolean"}}},     {"backupFile", {{"type", "string"}}},
            {"backupId", {{"type", "string"}}},     {"manifestFile", {{"type", "string"}}},
            {"type", {{"type", "string"}}},         {"size", count},
            {"tables", {{"type", "integer"}}},      {"recordCount", {{"type", "integer"}}},
            {"duration", {{"type", "integer"}}},    {"compressed", {{"type", "boolean"}}},
            {"compression", {{"type", "string"}}},  {"encrypted", {{"type", "boolean"}}},
            {"checksum", {{"type", "string"}}},
            {"warnings", Strings()}};
  if (type == engine::BackupType::kTable) p["table"] = {{"type", "string"}};
  if (type == engine::BackupType::kIncremental) {
    p["baseBackup"] = {{"type", "string"}};
    p["dependencies"] = Strings();
    p["changedTables"] = count;
    p["changedRows"] = {{"type", "object"},
                        {"properties", {{"inserted", count}, {"updated", count}, {"deleted", count}}}};
    p["changeDetection"] = {
        {"type", "object"},
        {"properties", {{"tablesByKey", count}, {"hashedTables", Strings()}}}};
    p["sizeRelativeToFull"] = {{"type", {"number", "null"}}};
  }
  return Output(p, {"success", "backupFile", "size", "recordCount", "duration", "compressed",
                    "checksum"});
}

absl::StatusOr<engine::BackupOptions> DecodeBackup(engine::BackupType type, const Json& args,
                                                   const EngineToolsConfig& config) {
  engine::BackupOptions o;
  o.backup_dir = config.backup_dir;
  std::optional<bool> enabled;
  if (auto it = args.find("compress"); it != args.end() && it->is_boolean()) {
    enabled = it->get<bool>();
  }
  PGARK_ASSIGN_OR_RETURN(o.compression, ChooseCompression(enabled, args.value("compression", ""),
                                                          config.compression));
  o.key = config.encryption.ForWriting();
  o.read_key = config.encryption.key;
  if (type == engine::BackupType::kIncremental) o.base_file = args.value("baseBackup", "");
  PGARK_ASSIGN_OR_RETURN(
      o.content, DecodeContent(args.value("schemaOnly", false),
                               args.value("dataOnly", false) || !args.value("includeSchema", true),
                               kToolSpelling));
  o.label = args.value("label", "");
  o.statistics = args.value("statistics", false);
  if (type == engine::BackupType::kTable) {
    std::string table = args["table"];
    PGARK_RETURN_IF_ERROR(CheckAllowedTable(config.allowed_tables, table));
    o.tables = {table};
  } else {
    PGARK_RETURN_IF_ERROR(CheckWholeDatabaseAllowed(
        config.allowed_tables,
        type == engine::BackupType::kFull ? "db_backup_full" : "db_backup_incremental"));
  }
  return o;
}

ToolHandler BackupHandler(engine::BackupType type, const EngineToolsConfig& config) {
  return EngineHandler<engine::BackupOptions, engine::BackupResult>(
      [type, config](const Json& args) { return DecodeBackup(type, args, config); },
      [type, config](const engine::BackupOptions& o, engine::ProgressListener* progress) {
        return engine::Backup(config.connect, o, type, progress);
      },
      BackupResultJson);
}

}  // namespace

ToolSpec BackupFullTool(const EngineToolsConfig& config) {
  return {"db_backup_full", "Full database backup",
          "Back up the whole database (one consistent snapshot) to a new file with a SHA-256 "
          "manifest. Changes nothing in the database. Reports progress.",
          Schema({{"compress", Bool("compress the backup", true)},
                  {"compression", CompressionArg()},
                  {"includeSchema", Bool("include the schema (false: data only)", true)},
                  {"schemaOnly", Bool("only the schema, no rows", false)},
                  {"dataOnly", Bool("only the rows, no schema", false)},
                  {"statistics", Bool(kStatisticsNote, false)},
                  {"async", AsyncArg()},
                  {"label", {{"type", "string"}, {"maxLength", 64}, {"pattern", "^[A-Za-z0-9_.-]*$"},
                             {"description", "optional label put into the file name"}}}}),
          BackupOutput(engine::BackupType::kFull), Annotations(false, false, false),
          BackupHandler(engine::BackupType::kFull, config)};
}

ToolSpec BackupTableTool(const EngineToolsConfig& config) {
  return {"db_backup_table", "Table backup",
          "Back up one table (definition, indexes, triggers, rows) to a new file. Changes "
          "nothing in the database.",
          Schema({{"table", TableArg("table name, e.g. books or app.\"Order Lines\"")},
                  {"compress", Bool("compress the backup", true)},
                  {"compression", CompressionArg()},
                  {"schemaOnly", Bool("only the definition", false)},
                  {"dataOnly", Bool("only the rows", false)},
                  {"statistics", Bool(kStatisticsNote, false)}},
                 {"table"}),
          BackupOutput(engine::BackupType::kTable), Annotations(false, false, false),
          BackupHandler(engine::BackupType::kTable, config)};
}

ToolSpec BackupIncrementalTool(const EngineToolsConfig& config) {
  return {"db_backup_incremental", "Incremental backup",
          "Back up only the rows changed since a base backup (plus the schema) to a new file "
          "that depends on its chain; db_restore_full applies the chain. Changes nothing in "
          "the database.",
          Schema({{"baseBackup", FileArg("parent backup (full or incremental); default: the "
                                         "newest one of this database")},
                  {"compress", Bool("compress the backup", true)},
                  {"compression", CompressionArg()}}),
          BackupOutput(engine::BackupType::kIncremental), Annotations(false, false, false),
          BackupHandler(engine::BackupType::kIncremental, config)};
}

}  // namespace pgark::protocol
