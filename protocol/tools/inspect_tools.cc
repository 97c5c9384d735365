// db_describe_backup and db_list_tables: read-only tools that tell an agent the names it
// needs (tables, backups) instead of leaving it to guess them from error messages; and the
// same facts as MCP resources: pgark://backups/NAME (described), pgark://manifests/NAME,
// pgark://exports/NAME and pgark://audit-log.
#include <cstring>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "engine/repository/audit_log.h"
#include "engine/repository/describe.h"
#include "engine/repository/repository.h"
#include "formats/archive_layout.h"
#include "formats/copy_text.h"
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
              {"compressed", m.compressed()},
              {"compression", formats::CodecName(m.compression)},
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

constexpr char kBackups[] = "pgark://backups/";
constexpr char kManifests[] = "pgark://manifests/";
constexpr char kExports[] = "pgark://exports/";
constexpr char kAuditLog[] = "pgark://audit-log";
constexpr uint64_t kMaxResourceBytes = 4u << 20;  // bigger exports: read the file itself

Json Resource(const std::string& uri, const std::string& name, const std::string& mime,
              const std::string& description) {
  return {{"uri", uri}, {"name", name}, {"mimeType", mime}, {"description", description}};
}

Json ListResources(const EngineToolsConfig& config) {
  Json out = Json::array();
  absl::StatusOr<std::vector<engine::BackupInfo>> backups =
      engine::ListBackups(config.backup_dir, {});
  for (const engine::BackupInfo& b : backups.ok() ? *backups : std::vector<engine::BackupInfo>{}) {
    if (!b.type) continue;  // incomplete: nothing to describe
    const std::string what = absl::StrCat(engine::TypeName(b), " backup of ", b.created);
    out.push_back(Resource(kBackups + b.filename, b.filename, "application/json", what));
    out.push_back(Resource(kManifests + b.filename, b.filename + " manifest", "application/json",
                           "its manifest, as stored"));
  }
  for (const std::string& f : engine::ListExportFiles(config.backup_dir)) {
    out.push_back(Resource(kExports + f, f, absl::EndsWith(f, ".csv") ? "text/csv" : "application/json",
                           "a table export"));
  }
  out.push_back(Resource(kAuditLog, "audit.log", "application/x-ndjson",
                         "every operation, one JSON line each (the last 1 MiB)"));
  return out;
}

absl::StatusOr<Json> ReadResource(const EngineToolsConfig& config, const std::string& uri) {
  std::string text;
  std::string mime = "application/json";
  if (absl::StartsWith(uri, kBackups)) {
    PGARK_ASSIGN_OR_RETURN(engine::BackupDescription d,
                           engine::DescribeBackup(config.backup_dir, uri.substr(strlen(kBackups)),
                                                  config.encryption.key));
    text = Serialize(DescriptionJson(d));
  } else if (absl::StartsWith(uri, kManifests)) {
    PGARK_ASSIGN_OR_RETURN(engine::LoadedBackup b,
                           engine::LoadBackup(config.backup_dir, uri.substr(strlen(kManifests))));
    PGARK_ASSIGN_OR_RETURN(text, engine::ReadRepositoryFile(config.backup_dir, b.manifest_file,
                                                            kMaxResourceBytes));
  } else if (absl::StartsWith(uri, kExports)) {
    const std::string name = uri.substr(strlen(kExports));
    if (!absl::StartsWith(name, "export-")) return absl::NotFoundError("not an export: " + name);
    PGARK_ASSIGN_OR_RETURN(text,
                           engine::ReadRepositoryFile(config.backup_dir, name, kMaxResourceBytes));
    if (absl::EndsWith(name, ".csv")) mime = "text/csv";
  } else if (uri == kAuditLog) {
    PGARK_ASSIGN_OR_RETURN(text, engine::ReadAuditLog(config.backup_dir, 1u << 20));
    mime = "application/x-ndjson";
  } else {
    return absl::NotFoundError(absl::StrCat("no resource ", uri));
  }
  Json item = {{"uri", uri}, {"mimeType", mime}};
  if (formats::IsPostgresUtf8(text)) {
    item["text"] = std::move(text);
  } else {  // an encrypted export
    item["blob"] = absl::Base64Escape(text);
  }
  return Json::array({std::move(item)});
}

// Links to the backup or export a result names.
Json ResultLinks(const Json& result) {
  Json links = Json::array();
  if (auto f = result.find("backupFile"); f != result.end() && f->is_string() &&
                                          result.contains("checksum")) {  // made, not read
    links.push_back({{"type", "resource_link"}, {"uri", kBackups + f->get<std::string>()},
                     {"name", *f}, {"mimeType", "application/json"}});
  }
  if (auto f = result.find("exportFile"); f != result.end() && f->is_string()) {
    links.push_back({{"type", "resource_link"}, {"uri", kExports + f->get<std::string>()},
                     {"name", *f}});
  }
  return links;
}

}  // namespace

ResourceCatalog EngineResources(const EngineToolsConfig& config) {
  ResourceCatalog c;
  c.list = [config] { return ListResources(config); };
  c.read = [config](const std::string& uri) { return ReadResource(config, uri); };
  c.links = ResultLinks;
  c.templates = Json::array(
      {{{"uriTemplate", "pgark://backups/{backupFile}"}, {"name", "backup"},
        {"mimeType", "application/json"}, {"description", "a backup, described"}},
       {{"uriTemplate", "pgark://manifests/{backupFile}"}, {"name", "manifest"},
        {"mimeType", "application/json"}, {"description", "a backup's manifest"}},
       {{"uriTemplate", "pgark://exports/{exportFile}"}, {"name", "export"},
        {"description", "a table export"}}});
  return c;
}

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
          Schema({{"backupFile", FileArg("from db_list_backups")}},
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
