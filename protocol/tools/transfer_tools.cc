// db_export_json, db_export_csv, db_import_json, db_import_csv.
#include "absl/strings/str_cat.h"
#include "engine/transfer/exporter.h"
#include "engine/transfer/importer.h"
#include "formats/status_macros.h"
#include "protocol/tools/requests.h"
#include "protocol/tools/results_json.h"
#include "protocol/tools/tool_definitions.h"
#include "protocol/tools/tool_schema.h"

namespace pgark::protocol {
namespace {

Json ExportInput() {
  return Schema(
      {{"table", TableArg("table to export")},
       {"where", {{"type", "object"},
                  {"description", "ANDed filters: {\"col\": value|null|[values]}"}}},
       {"limit", {{"type", "integer"}, {"minimum", 1}, {"description", "at most this many rows"}}},
       {"columns", {{"type", "array"}, {"items", {{"type", "string"}}},
                    {"description", "only these columns, in this order"}}}},
      {"table"});
}

Json ExportOutput() {
  return Output({{"success", {{"type", "boolean"}}}, {"exportFile", {{"type", "string"}}},
                 {"format", {{"type", "string"}}}, {"recordCount", {{"type", "integer"}}},
                 {"duration", {{"type", "integer"}}}},
                {"success", "exportFile", "format", "recordCount", "duration"});
}

// {"col": value | null | [values]} -> filters; values are strings, numbers or booleans.
absl::StatusOr<std::vector<engine::WhereFilter>> DecodeWhere(const Json& where) {
  std::vector<engine::WhereFilter> out;
  for (auto it = where.begin(); it != where.end(); ++it) {
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
    out.push_back(std::move(f));
  }
  return out;
}

absl::StatusOr<engine::ExportOptions> DecodeExport(engine::ExportFormat format, const Json& a,
                                                   const EngineToolsConfig& config) {
  engine::ExportOptions o;
  o.backup_dir = config.backup_dir;
  o.key = config.encryption.ForWriting();
  o.table = a["table"];
  PGARK_RETURN_IF_ERROR(CheckAllowedTable(config.allowed_tables, o.table));
  o.format = format;
  o.limit = a.value("limit", int64_t{0});
  for (const Json& c : a.value("columns", Json::array())) {
    if (!c.is_string()) return absl::InvalidArgumentError("columns must be strings");
    o.columns.push_back(c);
  }
  if (a.contains("where")) {
    PGARK_ASSIGN_OR_RETURN(o.where, DecodeWhere(a["where"]));
  }
  return o;
}

ToolHandler ExportHandler(engine::ExportFormat format, const EngineToolsConfig& config) {
  return EngineHandler<engine::ExportOptions, engine::ExportResult>(
      [format, config](const Json& args) { return DecodeExport(format, args, config); },
      [config](const engine::ExportOptions& o, engine::ProgressListener* progress) {
        return engine::Export(config.connect, o, progress);
      },
      ExportResultJson);
}

Json ImportOutput() {
  return Output({{"success", {{"type", "boolean"}}}, {"importedRecords", {{"type", "integer"}}},
                 {"skippedRows", {{"type", "integer"}}}, {"totalRecords", {{"type", "integer"}}},
                 {"totalRows", {{"type", "integer"}}}, {"errors", Strings()},
                 {"errorCount", {{"type", "integer"}}}, {"duration", {{"type", "integer"}}}},
                {"success", "importedRecords", "errors", "duration"});
}

absl::StatusOr<engine::ImportOptions> DecodeImport(engine::ImportFormat format, const Json& a,
                                                   const EngineToolsConfig& config) {
  engine::ImportOptions o;
  o.backup_dir = config.backup_dir;
  o.key = config.encryption.key;
  o.table = a["table"];
  PGARK_RETURN_IF_ERROR(CheckAllowedTable(config.allowed_tables, o.table));
  o.format = format;
  o.file = a[format == engine::ImportFormat::kCsv ? "csvFile" : "jsonFile"];
  PGARK_ASSIGN_OR_RETURN(o.on_conflict,
                         DecodeOnConflict(a.value("onConflict", "error"), kToolSpelling));
  if (a.contains("hasHeaders")) o.has_headers = a["hasHeaders"].get<bool>();
  o.atomic = a.value("atomic", false);
  return o;
}

ToolHandler ImportHandler(engine::ImportFormat format, const EngineToolsConfig& config) {
  return EngineHandler<engine::ImportOptions, engine::ImportResult>(
      [format, config](const Json& args) { return DecodeImport(format, args, config); },
      [config](const engine::ImportOptions& o, engine::ProgressListener* progress) {
        return engine::Import(config.connect, o, progress);
      },
      ImportResultJson);
}

constexpr char kImportRules[] =
    " One transaction; bad rows are reported (\"Row N: reason\") and skipped, unless atomic.";

}  // namespace

ToolSpec ExportJsonTool(const EngineToolsConfig& config) {
  return {"db_export_json", "Export table as JSON",
          "Export a table's rows (filtered, in key order) to a JSON file of objects; values "
          "keep their types, bytea as base64. Changes nothing in the database.",
          ExportInput(), ExportOutput(), Annotations(false, false, false),
          ExportHandler(engine::ExportFormat::kJson, config)};
}

ToolSpec ExportCsvTool(const EngineToolsConfig& config) {
  return {"db_export_csv", "Export table as CSV",
          "Export a table's rows (filtered, in key order) to a CSV file with a header row. "
          "Changes nothing in the database.",
          ExportInput(), ExportOutput(), Annotations(false, false, false),
          ExportHandler(engine::ExportFormat::kCsv, config)};
}

ToolSpec ImportJsonTool(const EngineToolsConfig& config) {
  return {"db_import_json", "Import JSON into a table",
          absl::StrCat("DESTRUCTIVE: writes rows from a JSON file (array or JSON Lines) into a "
                       "table.", kImportRules),
          Schema({{"table", TableArg("target table")},
                  {"jsonFile", FileArg("JSON file name in the backup directory")},
                  {"onConflict", OnConflictArg()},
                  {"atomic", Bool("import nothing if any row is bad", false)}},
                 {"table", "jsonFile"}),
          ImportOutput(), Annotations(false, true, false),
          ImportHandler(engine::ImportFormat::kJson, config)};
}

ToolSpec ImportCsvTool(const EngineToolsConfig& config) {
  return {"db_import_csv", "Import CSV into a table",
          absl::StrCat("DESTRUCTIVE: writes rows from a CSV file into a table.", kImportRules),
          Schema({{"table", TableArg("target table")},
                  {"csvFile", FileArg("CSV file name in the backup directory")},
                  {"hasHeaders", {{"type", "boolean"},
                                  {"description", "first row holds column names (default: "
                                                  "detected)"}}},
                  {"onConflict", OnConflictArg()},
                  {"atomic", Bool("import nothing if any row is bad", false)}},
                 {"table", "csvFile"}),
          ImportOutput(), Annotations(false, true, false),
          ImportHandler(engine::ImportFormat::kCsv, config)};
}

}  // namespace pgark::protocol
