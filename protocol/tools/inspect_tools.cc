// db_describe_backup and db_list_tables: read-only tools that tell an agent the names it
// needs (tables, backups) instead of leaving it to guess them from error messages.
#include "engine/repository/describe.h"
#include "formats/status_macros.h"
#include "protocol/tools/environment.h"
#include "protocol/tools/tool_definitions.h"
#include "protocol/tools/tool_schema.h"

namespace pgark::protocol {
namespace {

Json DescriptionJson(const engine::BackupDescription& d) {
  const formats::Manifest& m = d.manifest;
  Json out = {{"success", true},
              {"backupFile", m.backup_file},
              {"type", formats::BackupTypeName(m.type)},
              {"created", m.timestamp},
              {"database", m.database},
              {"serverVersion", m.postgres_version},
              {"size", m.size},
              {"compressed", m.compressed},
              {"encrypted", m.encrypted()},
              {"factsKnown", d.facts_known},
              {"dependencies", m.dependencies}};
  if (!m.base_backup.empty()) out["baseBackup"] = m.base_backup;
  Json tables = Json::array();
  for (const engine::DescribedTable& t : d.tables) {
    tables.push_back({{"name", t.name}, {"rows", t.rows}, {"storedBytes", t.stored_bytes},
                      {"rawBytes", t.raw_bytes}});
  }
  out["tables"] = std::move(tables);
  if (d.facts_known) out["recordCount"] = m.total_record_count;
  out["lastValidation"] =
      d.last_check ? Json{{"valid", d.last_check->valid}, {"checkedAt", d.last_check->checked_at}}
                   : Json();
  return out;
}

}  // namespace

ToolSpec DescribeBackupTool(const EngineToolsConfig& config) {
  auto handler = [config](const Json& a, ToolContext&) -> absl::StatusOr<Json> {
    PGARK_ASSIGN_OR_RETURN(
        engine::BackupDescription d,
        engine::DescribeBackup(config.backup_dir, a["backupFile"], config.encryption.key));
    return DescriptionJson(d);
  };
  return {"db_describe_backup", "Describe a backup",
          "One backup's tables (rows, sizes), chain, encryption and last validation, from its "
          "manifest. Read-only.",
          Schema({{"backupFile", FileArg("backup file name, from db_list_backups")}},
                 {"backupFile"}),
          Output({{"success", {{"type", "boolean"}}},
                  {"tables", {{"type", "array"}, {"items", {{"type", "object"}}}}},
                  {"encrypted", {{"type", "boolean"}}}},
                 {"success", "tables", "encrypted"}),
          Annotations(true, false, true), handler,
          /*quick=*/true};
}

ToolSpec ListTablesTool(const EngineToolsConfig& config) {
  auto handler = [config](const Json&, ToolContext&) -> absl::StatusOr<Json> {
    PGARK_ASSIGN_OR_RETURN(std::vector<engine::TableRef> tables,
                           engine::ListDatabaseTables(config.connect));
    Json out = Json::array();
    for (const engine::TableRef& t : tables) {
      // PGARK_ALLOWED_TABLES hides what the tools would refuse anyway.
      if (!CheckAllowedTable(config.allowed_tables, t.DisplayName()).ok()) continue;
      out.push_back({{"name", t.DisplayName()},
                     {"kind", t.relkind == 'p' ? "partitioned" : t.relkind == 'f' ? "foreign" : "table"},
                     {"estimatedRows", t.estimated_rows},
                     {"sizeBytes", t.estimated_bytes}});
    }
    return Json{{"success", true}, {"tables", std::move(out)}};
  };
  return {"db_list_tables", "List the database's tables",
          "The live database's tables with estimated rows and sizes (the names the other tools "
          "take). Read-only.",
          Schema(Json::object()),
          Output({{"success", {{"type", "boolean"}}},
                  {"tables", {{"type", "array"}, {"items", {{"type", "object"}}}}}},
                 {"success", "tables"}),
          Annotations(true, false, true), handler,
          /*quick=*/true};
}

}  // namespace pgark::protocol
