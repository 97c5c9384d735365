#include "protocol/results_json.h"

#include "formats/archive_layout.h"

namespace pgark::protocol {

Json BackupResultJson(const engine::BackupResult& result) {
  const formats::Manifest& m = result.manifest;
  Json j = {{"success", true},
            {"backupFile", m.backup_file},
            {"backupId", m.backup_id},
            {"manifestFile", m.backup_id + "-manifest.json"},
            {"type", m.type},
            {"size", m.size},
            {"tables", m.tables.size()},
            {"recordCount", m.total_record_count},
            {"duration", result.duration_ms},
            {"compressed", m.compressed},
            {"checksum", m.checksum}};
  if (m.type == "table") {
    Json names = Json::array();
    for (const formats::TableEntry& t : m.tables) names.push_back(t.name);
    // The seed returns the one table's name; several tables come as a list.
    j["table"] = names.size() == 1 ? names[0] : names;
  }
  return j;
}

Json RestoreResultJson(const engine::RestoreResult& result) {
  return {{"success", true},
          {"backupFile", result.backup_file},
          {"restoredTables", result.restored_tables},
          {"recordCount", result.record_count},
          {"skippedRecords", result.skipped_records},
          {"duration", result.duration_ms},
          {"warnings", result.warnings}};
}

Json ExportResultJson(const engine::ExportResult& result) {
  return {{"success", true},
          {"exportFile", result.export_file},
          {"format", result.format},
          {"recordCount", result.record_count},
          {"duration", result.duration_ms}};
}

Json ValidationJson(const engine::ValidationReport& report) {
  return {{"success", true},
          {"backupFile", report.backup_file},
          {"valid", report.valid},
          {"fileSize", report.file_size},
          {"fileType", report.file_type},
          {"hasManifest", report.has_manifest},
          {"errors", report.errors},
          {"warnings", report.warnings}};
}

}  // namespace pgark::protocol
