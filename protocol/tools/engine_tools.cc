#include "protocol/tools/engine_tools.h"

#include <fstream>

#include <algorithm>
#include <cstdlib>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "engine/repository/audit_log.h"
#include "engine/dump/dumper.h"
#include "engine/repository/repository.h"
#include "engine/restore/restorer.h"
#include "engine/repository/verifier.h"
#include "engine/version.h"
#include "formats/status_macros.h"
#include "protocol/tools/results_json.h"

namespace pgark::protocol {
namespace {

Json Str(absl::string_view description) { return {{"type", "string"}, {"description", description}}; }
Json Bool(absl::string_view description, bool fallback) {
  return {{"type", "boolean"}, {"description", description}, {"default", fallback}};
}
Json FileArg(absl::string_view description) {
  return {{"type", "string"}, {"minLength", 1}, {"maxLength", 255},
          {"pattern", "^[A-Za-z0-9_][A-Za-z0-9._-]*$"}, {"description", description}};
}
Json OnConflictArg() {
  return {{"type", "string"}, {"enum", {"error", "skip", "update"}}, {"default", "error"},
          {"description", "rows whose primary key exists: error (stop, change nothing), skip "
                          "(keep the existing row) or update (overwrite it)"}};
}

Json Schema(Json properties, std::vector<std::string> required = {}) {
  Json s = {{"type", "object"}, {"properties", std::move(properties)}, {"additionalProperties", false}};
  if (!required.empty()) s["required"] = required;
  return s;
}

Json Output(Json properties, std::vector<std::string> required) {
  return {{"type", "object"}, {"properties", std::move(properties)}, {"required", required}};
}

Json Annotations(bool read_only, bool destructive, bool idempotent) {
  Json a = {{"readOnlyHint", read_only}, {"openWorldHint", false}};
  if (!read_only) {
    a["destructiveHint"] = destructive;
    a["idempotentHint"] = idempotent;
  }
  return a;
}

const Json kStrings = {{"type", "array"}, {"items", {{"type", "string"}}}};

Json BackupOutput(engine::BackupType type) {
  Json p = {{"success", {{"type", "boolean"}}},     {"backupFile", {{"type", "string"}}},
            {"backupId", {{"type", "string"}}},     {"manifestFile", {{"type", "string"}}},
            {"type", {{"type", "string"}}},         {"size", {{"type", "integer"}, {"minimum", 0}}},
            {"tables", {{"type", "integer"}}},      {"recordCount", {{"type", "integer"}}},
            {"duration", {{"type", "integer"}}},    {"compressed", {{"type", "boolean"}}},
            {"encrypted", {{"type", "boolean"}}},   {"checksum", {{"type", "string"}}},
            {"warnings", kStrings}};
  if (type == engine::BackupType::kTable) p["table"] = {{"type", {"string", "array"}}};
  if (type == engine::BackupType::kIncremental) {
    const Json count = {{"type", "integer"}, {"minimum", 0}};
    p["baseBackup"] = {{"type", "string"}};
    p["dependencies"] = kStrings;
    p["changedTables"] = count;
    p["changedRows"] = {{"type", "object"},
                        {"properties", {{"inserted", count}, {"updated", count}, {"deleted", count}}}};
    p["sizeRelativeToFull"] = {{"type", {"number", "null"}}};
  }
  return Output(p, {"success", "backupFile", "size", "recordCount", "duration", "compressed",
                    "checksum"});
}

Json RestoreOutput() {
  return Output({{"success", {{"type", "boolean"}}}, {"backupFile", {{"type", "string"}}},
                 {"restoredTables", kStrings}, {"recordCount", {{"type", "integer"}}},
                 {"skippedRecords", {{"type", "integer"}}}, {"duration", {{"type", "integer"}}},
                 {"warnings", kStrings}},
                {"success", "restoredTables", "recordCount", "duration", "warnings"});
}

// Engine progress -> MCP progress notifications, and MCP cancellation -> the engine.
class ToolProgress : public engine::ProgressListener {
 public:
  explicit ToolProgress(ToolContext& ctx) : ctx_(ctx) {}
  void OnStart(int total_tables, uint64_t) override {
    total_tables_ = total_tables;
    ctx_.progress(0.5, absl::StrCat("starting: ", total_tables, " tables"));
  }
  void OnTableEnd(const std::string& table, int64_t rows, uint64_t) override {
    ++tables_done_;
    ctx_.progress(static_cast<double>(bytes_ + 1), absl::StrCat("table ", table, " done (", tables_done_, "/",
                                                  total_tables_, ", ", rows, " rows)"));
  }
  void OnBytes(uint64_t bytes) override {
    bytes_ += bytes;
    ctx_.progress(static_cast<double>(bytes_),
                  absl::StrFormat("%.1f MB of table data", static_cast<double>(bytes_) / 1e6));
  }
  bool Cancelled() override { return ctx_.cancelled(); }

 private:
  ToolContext& ctx_;
  int total_tables_ = 0;
  int tables_done_ = 0;
  uint64_t bytes_ = 0;
};

// The input schema has already limited onConflict to error, skip and update.
engine::OnConflict OnConflict(const Json& args) {
  std::string v = args.value("onConflict", "error");
  if (v == "skip") return engine::OnConflict::kSkip;
  if (v == "update") return engine::OnConflict::kUpdate;
  return engine::OnConflict::kError;
}

absl::Status CheckAllowed(const EngineToolsConfig& config, const std::string& table) {
  return CheckAllowedTable(config.allowed_tables, table);
}

}  // namespace

std::string Env(const char* name, std::string fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::string(v) : fallback;
}

absl::StatusOr<Encryption> EncryptionFromEnvironment() {
  Encryption e;
  const std::string flag = absl::AsciiStrToLower(Env("BACKUP_ENCRYPT"));
  e.encrypt = flag == "true" || flag == "1" || flag == "yes";
  std::string secret = Env("BACKUP_ENCRYPTION_KEY");
  if (secret.empty()) {
    if (std::string file = Env("BACKUP_ENCRYPTION_KEY_FILE"); !file.empty()) {
      std::ifstream in(file, std::ios::binary);
      if (!in || !std::getline(in, secret) || secret.empty()) {
        return absl::InvalidArgumentError(absl::StrCat(
            "BACKUP_ENCRYPTION_KEY_FILE \"", file, "\" cannot be read or its first line is empty"));
      }
      if (!secret.empty() && secret.back() == '\r') secret.pop_back();
    }
  }
  if (secret.empty()) {
    if (e.encrypt) {
      return absl::InvalidArgumentError(
          "BACKUP_ENCRYPT=true needs BACKUP_ENCRYPTION_KEY or BACKUP_ENCRYPTION_KEY_FILE");
    }
    return e;
  }
  PGARK_ASSIGN_OR_RETURN(e.key, formats::EncryptionKey::FromPassphrase(std::move(secret)));
  return e;
}

std::vector<std::string> AllowedTablesFromEnvironment() {
  std::vector<std::string> tables;
  const std::string env = Env("PGARK_ALLOWED_TABLES");
  for (absl::string_view t : absl::StrSplit(env, ',', absl::SkipWhitespace())) {
    tables.push_back(std::string(absl::StripAsciiWhitespace(t)));
  }
  return tables;
}

absl::Status CheckAllowedTable(const std::vector<std::string>& allowed, const std::string& table) {
  if (allowed.empty()) return absl::OkStatus();
  for (const std::string& a : allowed) {
    if (a == table || absl::StrCat("public.", table) == a || absl::StrCat("public.", a) == table) {
      return absl::OkStatus();
    }
  }
  return absl::PermissionDeniedError(absl::StrCat("table \"", table,
                                                  "\" is not in PGARK_ALLOWED_TABLES (allowed: ",
                                                  absl::StrJoin(allowed, ", "), ")"));
}

void RegisterEngineTools(ToolRegistry& registry, const EngineToolsConfig& config) {
  // Every tool call, refused ones included, goes to the audit log.
  struct Adder {
    ToolRegistry& registry;
    const EngineToolsConfig& config;
    void Register(ToolSpec spec) {
      spec.handler = [handler = spec.handler, name = spec.name, dir = config.backup_dir](
                         const Json& args, ToolContext& ctx) -> absl::StatusOr<Json> {
        const absl::Time start = absl::Now();
        absl::StatusOr<Json> result = handler(args, ctx);
        (void)engine::AppendAudit(dir, {name, "mcp", args.dump(), result.status(),
                                        absl::ToInt64Milliseconds(absl::Now() - start)});
        return result;
      };
      registry.Register(std::move(spec));
    }
  } r{registry, config};
  const std::string where = absl::StrCat(" Backups live in the backup directory (",
                                         config.backup_dir, "); file names are plain names "
                                         "there, as db_list_backups shows them.");

  auto backup = [config](engine::BackupType type, const Json& args,
                         ToolContext& ctx) -> absl::StatusOr<Json> {
    engine::BackupOptions o;
    o.backup_dir = config.backup_dir;
    o.compress = args.value("compress", config.compress_by_default);
    o.key = config.encryption.ForWriting();
    o.read_key = config.encryption.key;
    if (type == engine::BackupType::kIncremental) o.base_file = args.value("baseBackup", "");
    if (args.value("schemaOnly", false) && args.value("dataOnly", false)) {
      return absl::InvalidArgumentError("schemaOnly and dataOnly exclude each other");
    }
    if (args.value("schemaOnly", false)) o.content = engine::Content::kSchemaOnly;
    if (args.value("dataOnly", false) || !args.value("includeSchema", true)) {
      o.content = engine::Content::kDataOnly;
    }
    o.label = args.value("label", "");
    if (type == engine::BackupType::kTable) {
      std::string table = args["table"];
      if (absl::Status s = CheckAllowed(config, table); !s.ok()) return s;
      o.tables = {table};
    }
    ToolProgress progress(ctx);
    absl::StatusOr<engine::BackupResult> result = engine::Backup(config.connect, o, type, &progress);
    if (!result.ok()) return result.status();
    return BackupResultJson(*result);
  };

  r.Register({"db_backup_full", "Full database backup",
              "Back up the whole database (schema and data, one consistent snapshot) into a new "
              "file in the backup directory, with a SHA-256 manifest. Does not modify the "
              "database. Can take minutes on large databases; reports progress." + where,
              Schema({{"compress", Bool("gzip the backup", true)},
                      {"includeSchema", Bool("include the schema (false: data only)", true)},
                      {"schemaOnly", Bool("only the schema, no rows", false)},
                      {"dataOnly", Bool("only the rows, no schema", false)},
                      {"label", {{"type", "string"}, {"maxLength", 64}, {"pattern", "^[A-Za-z0-9_.-]*$"},
                                 {"description", "optional label put into the file name"}}}}),
              BackupOutput(engine::BackupType::kFull), Annotations(false, false, false),
              [backup](const Json& a, ToolContext& c) { return backup(engine::BackupType::kFull, a, c); }});
  r.Register({"db_backup_table", "Table backup",
              "Back up one table (its definition, keys, indexes, triggers and rows) into a new "
              "file in the backup directory. Does not modify the database." + where,
              Schema({{"table", {{"type", "string"}, {"minLength", 1},
                                 {"description", "table name, e.g. books or app.\"Order Lines\""}}},
                      {"compress", Bool("gzip the backup", true)},
                      {"schemaOnly", Bool("only the definition", false)},
                      {"dataOnly", Bool("only the rows", false)}},
                     {"table"}),
              BackupOutput(engine::BackupType::kTable), Annotations(false, false, false),
              [backup](const Json& a, ToolContext& c) { return backup(engine::BackupType::kTable, a, c); }});
  r.Register({"db_backup_incremental", "Incremental backup",
              "Back up only the rows inserted, updated and deleted since a base backup (plus the "
              "whole schema), into a new file that depends on the base and its chain. Needs a "
              "full backup to start from; restore it with db_restore_full, which applies the "
              "chain. Does not modify the database." + where,
              Schema({{"baseBackup", FileArg("parent backup (full or incremental); default: the "
                                             "newest one of this database")},
                      {"compress", Bool("gzip the backup", true)}}),
              BackupOutput(engine::BackupType::kIncremental), Annotations(false, false, false),
              [backup](const Json& a, ToolContext& c) {
                return backup(engine::BackupType::kIncremental, a, c);
              }});
  Json export_input = Schema(
      {{"table", {{"type", "string"}, {"minLength", 1}, {"description", "table to export"}}},
       {"where", {{"type", "object"},
                  {"description", "filters, ANDed: {\"status\": \"published\"} is status = "
                                  "'published'; null means IS NULL; an array means IN (...). "
                                  "Column names are checked against the table."}}},
       {"limit", {{"type", "integer"}, {"minimum", 1}, {"description", "at most this many rows"}}},
       {"columns", {{"type", "array"}, {"items", {{"type", "string"}}},
                    {"description", "only these columns, in this order"}}}},
      {"table"});
  Json export_output = Output({{"success", {{"type", "boolean"}}}, {"exportFile", {{"type", "string"}}},
                               {"format", {{"type", "string"}}}, {"recordCount", {{"type", "integer"}}},
                               {"duration", {{"type", "integer"}}}},
                              {"success", "exportFile", "format", "recordCount", "duration"});
  auto exporter = [config](engine::ExportFormat format, const Json& a,
                           ToolContext& ctx) -> absl::StatusOr<Json> {
    engine::ExportOptions o;
    o.backup_dir = config.backup_dir;
    o.key = config.encryption.ForWriting();
    o.table = a["table"];
    if (absl::Status s = CheckAllowed(config, o.table); !s.ok()) return s;
    o.format = format;
    o.limit = a.value("limit", int64_t{0});
    if (a.contains("columns")) {
      for (const Json& c : a["columns"]) {
        if (!c.is_string()) return absl::InvalidArgumentError("columns must be strings");
        o.columns.push_back(c);
      }
    }
    if (a.contains("where")) {
      for (auto it = a["where"].begin(); it != a["where"].end(); ++it) {
        engine::WhereFilter f{it.key(), {}};
        for (const Json& v : it->is_array() ? *it : Json::array({*it})) {
          if (v.is_null()) {
            f.values.push_back(std::nullopt);
          } else if (v.is_string()) {
            f.values.push_back(v.get<std::string>());
          } else if (v.is_number() || v.is_boolean()) {
            f.values.push_back(v.dump());
          } else {
            return absl::InvalidArgumentError(absl::StrCat(
                "where \"", it.key(), "\": values must be strings, numbers, booleans or null"));
          }
        }
        o.where.push_back(std::move(f));
      }
    }
    ToolProgress progress(ctx);
    absl::StatusOr<engine::ExportResult> result = engine::Export(config.connect, o, &progress);
    if (!result.ok()) return result.status();
    return ExportResultJson(*result);
  };
  r.Register({"db_export_json", "Export table as JSON",
              "Export a table's rows, optionally filtered, to a JSON file (an array of objects) "
              "in the backup directory, in primary key order. Values keep their types: numbers, "
              "booleans, null, embedded json, arrays; timestamps in ISO 8601; bytea as base64. "
              "Does not modify the database.",
              export_input, export_output, Annotations(false, false, false),
              [exporter](const Json& a, ToolContext& c) { return exporter(engine::ExportFormat::kJson, a, c); }});
  r.Register({"db_export_csv", "Export table as CSV",
              "Export a table's rows, optionally filtered, to a CSV file (RFC 4180, header row, "
              "UTF-8; NULL is an empty field, the empty string is \"\") in the backup directory, "
              "in primary key order. Does not modify the database.",
              export_input, export_output, Annotations(false, false, false),
              [exporter](const Json& a, ToolContext& c) { return exporter(engine::ExportFormat::kCsv, a, c); }});
  // db_restore_full and db_restore_table: the same engine call; the table one may name a table.
  auto restore = [config](const Json& a, ToolContext& ctx) -> absl::StatusOr<Json> {
    engine::RestoreOptions o;
    o.backup_dir = config.backup_dir;
    o.key = config.encryption.key;
    o.backup_file = a["backupFile"];
    o.drop_existing = a.value("dropExisting", false);
    o.on_conflict = OnConflict(a);
    o.jobs = a.value("jobs", 1);
    if (a.contains("table")) {
      std::string table = a["table"];
      if (absl::Status s = CheckAllowed(config, table); !s.ok()) return s;
      o.tables = {table};
    }
    ToolProgress progress(ctx);
    absl::StatusOr<engine::RestoreResult> result = engine::Restore(config.connect, o, &progress);
    if (!result.ok()) return result.status();
    return RestoreResultJson(*result);
  };
  r.Register({"db_restore_full", "Restore full backup",
              "DESTRUCTIVE: restore a backup file into the database in one transaction. The file "
              "is verified first; on any error nothing changes. Existing objects are kept (and "
              "reported as warnings) unless dropExisting is true, which drops and replaces "
              "them. With jobs above 1 an empty database is restored over several connections "
              "into a private copy that replaces it at the end (needs CREATEDB and ownership; "
              "otherwise one transaction is used and a warning says why)." + where,
              Schema({{"backupFile", FileArg("backup file name, from db_list_backups")},
                      {"dropExisting", Bool("drop the backup's objects that exist first", false)},
                      {"onConflict", OnConflictArg()},
                      {"jobs", {{"type", "integer"}, {"minimum", 1}, {"maximum", engine::kMaxRestoreJobs},
                                {"default", 1},
                                {"description", "connections loading data and building indexes"}}}},
                     {"backupFile"}),
              RestoreOutput(), Annotations(false, true, true),
              restore});
  r.Register({"db_restore_table", "Restore one table",
              "DESTRUCTIVE: restore one table from a table or full backup in one transaction, "
              "seeking straight to its data. The file is verified first; on any error nothing "
              "changes." + where,
              Schema({{"backupFile", FileArg("backup file name, from db_list_backups")},
                      {"table", Str("table to restore (default: every table in the file)")},
                      {"onConflict", OnConflictArg()}},
                     {"backupFile"}),
              RestoreOutput(), Annotations(false, true, true),
              restore});
  Json import_output = Output({{"success", {{"type", "boolean"}}}, {"importedRecords", {{"type", "integer"}}},
                               {"skippedRows", {{"type", "integer"}}}, {"totalRecords", {{"type", "integer"}}},
                               {"totalRows", {{"type", "integer"}}}, {"errors", kStrings},
                               {"errorCount", {{"type", "integer"}}}, {"duration", {{"type", "integer"}}}},
                              {"success", "importedRecords", "errors", "duration"});
  auto importer = [config](engine::ImportFormat format, const Json& a,
                           ToolContext& ctx) -> absl::StatusOr<Json> {
    engine::ImportOptions o;
    o.backup_dir = config.backup_dir;
    o.key = config.encryption.key;
    o.table = a["table"];
    if (absl::Status s = CheckAllowed(config, o.table); !s.ok()) return s;
    o.format = format;
    o.file = a[format == engine::ImportFormat::kCsv ? "csvFile" : "jsonFile"];
    o.on_conflict = OnConflict(a);
    if (a.contains("hasHeaders")) o.has_headers = a["hasHeaders"].get<bool>();
    o.atomic = a.value("atomic", false);
    ToolProgress progress(ctx);
    absl::StatusOr<engine::ImportResult> result = engine::Import(config.connect, o, &progress);
    if (!result.ok()) return result.status();
    return ImportResultJson(*result);
  };
  const std::string import_rules =
      " Runs in one transaction. A bad row (wrong type, duplicate key under onConflict error) is "
      "reported as \"Row N: reason\" / \"Record N: reason\" and the other rows go in, unless "
      "atomic is true, when any bad row imports nothing. Unknown columns import nothing.";
  r.Register({"db_import_json", "Import JSON into a table",
              "DESTRUCTIVE: import rows from a JSON file in the backup directory (an array of "
              "objects, or JSON Lines, as db_export_json writes) into an existing table." + import_rules,
              Schema({{"table", {{"type", "string"}, {"minLength", 1}, {"description", "target table"}}},
                      {"jsonFile", FileArg("JSON file name in the backup directory")},
                      {"onConflict", OnConflictArg()},
                      {"atomic", Bool("import nothing if any row is bad", false)}},
                     {"table", "jsonFile"}),
              import_output, Annotations(false, true, false),
              [importer](const Json& a, ToolContext& c) { return importer(engine::ImportFormat::kJson, a, c); }});
  r.Register({"db_import_csv", "Import CSV into a table",
              "DESTRUCTIVE: import rows from a CSV file in the backup directory (RFC 4180; a "
              "header row names the columns) into an existing table." + import_rules,
              Schema({{"table", {{"type", "string"}, {"minLength", 1}, {"description", "target table"}}},
                      {"csvFile", FileArg("CSV file name in the backup directory")},
                      {"hasHeaders", {{"type", "boolean"},
                                      {"description", "first row holds column names (default: "
                                                      "detected)"}}},
                      {"onConflict", OnConflictArg()},
                      {"atomic", Bool("import nothing if any row is bad", false)}},
                     {"table", "csvFile"}),
              import_output, Annotations(false, true, false),
              [importer](const Json& a, ToolContext& c) { return importer(engine::ImportFormat::kCsv, a, c); }});
  r.Register({"db_list_backups", "List backups",
              "List the backups in the backup directory with their type, size, creation time, "
              "tables and row counts, newest first. Read-only.",
              Schema({{"type", {{"type", "string"}, {"enum", {"full", "table", "incremental"}}}},
                      {"sortBy", {{"type", "string"}, {"enum", {"date", "size"}}, {"default", "date"}}},
                      {"limit", {{"type", "integer"}, {"minimum", 1}, {"maximum", 1000}}},
                      {"offset", {{"type", "integer"}, {"minimum", 0},
                                  {"description", "skip this many (after sorting), for paging"}}}}),
              Output({{"success", {{"type", "boolean"}}},
                      {"backups", {{"type", "array"}, {"items", {{"type", "object"}}}}}},
                     {"success", "backups"}),
              Annotations(true, false, true),
              [config](const Json& a, ToolContext&) -> absl::StatusOr<Json> {
                engine::ListOptions o;
                o.type = a.value("type", "");
                o.sort_by = a.value("sortBy", "date");
                o.limit = a.value("limit", 0);
                o.offset = a.value("offset", 0);
                absl::StatusOr<std::vector<engine::BackupInfo>> list =
                    engine::ListBackups(config.backup_dir, o);
                if (absl::IsNotFound(list.status())) list = std::vector<engine::BackupInfo>{};
                if (!list.ok()) return list.status();
                return BackupListJson(*list);
              }});
  r.Register({"db_delete_backup", "Delete a backup",
              "DESTRUCTIVE and permanent: delete a backup file and its manifest from the backup "
              "directory. Refused for a backup that another backup depends on, unless cascade "
              "is true, which deletes those too." + where,
              Schema({{"backupFile", FileArg("backup file name, from db_list_backups")},
                      {"cascade", Bool("also delete the backups that depend on it", false)}},
                     {"backupFile"}),
              Output({{"success", {{"type", "boolean"}}}, {"deletedFile", {{"type", "string"}}},
                      {"deletedFiles", kStrings}, {"freedSpace", {{"type", "integer"}}}},
                     {"success", "deletedFile", "freedSpace"}),
              Annotations(false, true, true),
              [config](const Json& a, ToolContext&) -> absl::StatusOr<Json> {
                absl::StatusOr<engine::DeleteResult> d =
                    engine::DeleteBackup(config.backup_dir, a["backupFile"], a.value("cascade", false));
                if (!d.ok()) return d.status();
                return DeleteResultJson(*d);
              }});
  r.Register({"db_validate_backup", "Validate a backup",
              "Check a backup file without touching the database: manifest, size, SHA-256 of the "
              "whole file and of every member, every member decompressed and its framing checked. "
              "Read-only." + where,
              Schema({{"backupFile", FileArg("backup file name, from db_list_backups")}}, {"backupFile"}),
              Output({{"success", {{"type", "boolean"}}}, {"backupFile", {{"type", "string"}}},
                      {"valid", {{"type", "boolean"}}}, {"fileSize", {{"type", "integer"}}},
                      {"fileType", {{"type", "string"}}}, {"hasManifest", {{"type", "boolean"}}},
                      {"errors", kStrings}, {"warnings", kStrings}},
                     {"success", "valid", "fileSize", "hasManifest", "errors", "warnings"}),
              Annotations(true, false, true),
              [config](const Json& a, ToolContext&) -> absl::StatusOr<Json> {
                absl::StatusOr<engine::ValidationReport> v =
                    engine::ValidateBackup(
                        config.backup_dir, a["backupFile"],
                        {.key = config.encryption.key,
                         .target_server_version_num = engine::ProbeServerVersionNum(config.connect)});
                if (!v.ok()) return v.status();
                return ValidationJson(*v);
              }});
}

}  // namespace pgark::protocol
