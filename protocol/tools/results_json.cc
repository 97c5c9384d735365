#include "protocol/tools/results_json.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "formats/archive_layout.h"
#include "formats/bounded_text.h"

namespace pgark::protocol {

Json BackupResultJson(const engine::BackupResult& result) {
  const formats::Manifest& m = result.manifest;
  Json j = {{"success", true},
            {"backupFile", m.backup_file},
            {"backupId", m.backup_id},
            {"manifestFile", formats::BackupManifestName(m.backup_id)},
            {"type", formats::BackupTypeName(m.type)},
            {"size", m.size},
            {"tables", m.tables.size()},
            {"recordCount", m.total_record_count},
            {"duration", result.duration_ms},
            {"compressed", m.compressed()},
            {"compression", formats::CodecName(m.compression)},
            {"encrypted", m.encrypted()},
            {"checksum", m.checksum},
            {"warnings", formats::BoundedList(result.warnings)}};
  if (m.type == formats::BackupType::kIncremental) {
    j["baseBackup"] = m.base_backup;
    j["dependencies"] = m.dependencies;
    j["changedTables"] = m.changes.changed_tables;
    j["changedRows"] = {{"inserted", m.changes.inserted},
                        {"updated", m.changes.updated},
                        {"deleted", m.changes.deleted}};
    // How they were found: by key from the rows the server named, or by hashing every row.
    j["changeDetection"] = {{"tablesByKey", m.changes.tables_by_key},
                            {"hashedTables", formats::BoundedList(m.changes.hashed_tables)}};
    // Size next to the chain's full backup: what an incremental saves.
    j["sizeRelativeToFull"] =
        result.base_full_size == 0
            ? Json(nullptr)
            : Json(static_cast<double>(m.size) / static_cast<double>(result.base_full_size));
  }
  if (m.type == formats::BackupType::kTable) {
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
          {"restoredTables", formats::BoundedList(result.restored_tables)},
          {"recordCount", result.record_count},
          {"skippedRecords", result.skipped_records},
          {"duration", result.duration_ms},
          {"warnings", formats::BoundedList(result.warnings)}};
}

Json GlobalsRestoreResultJson(const engine::GlobalsRestoreResult& result) {
  return {{"success", true},
          {"backupFile", result.backup_file},
          {"created", formats::BoundedList(result.created)},
          {"updated", formats::BoundedList(result.updated)},
          {"memberships", result.memberships},
          {"duration", result.duration_ms},
          {"warnings", formats::BoundedList(result.warnings)}};
}

Json ExportResultJson(const engine::ExportResult& result) {
  return {{"success", true},
          {"exportFile", result.export_file},
          {"format", result.format},
          {"recordCount", result.record_count},
          {"duration", result.duration_ms}};
}

namespace {

// The seed's size form: 15728640 bytes -> "15.00 MB" (binary units).
std::string SeedSize(uint64_t bytes) {
  double v = static_cast<double>(bytes);
  if (v >= 1 << 30) return absl::StrFormat("%.2f GB", v / (1 << 30));
  if (v >= 1 << 20) return absl::StrFormat("%.2f MB", v / (1 << 20));
  if (v >= 1 << 10) return absl::StrFormat("%.2f KB", v / (1 << 10));
  return absl::StrCat(bytes, " B");
}

}  // namespace

Json BackupListJson(const std::vector<engine::BackupInfo>& backups, bool whole_chains) {
  Json list = Json::array();
  for (const engine::BackupInfo& b : backups) {
    Json entry = {{"filename", b.filename}, {"type", engine::TypeName(b)}, {"size", SeedSize(b.size_bytes)},
                  {"sizeBytes", b.size_bytes}, {"created", b.created}, {"tables", b.tables},
                  {"recordCount", b.record_count ? Json(*b.record_count) : Json(nullptr)},
                  {"encrypted", b.encrypted},
                  {"validAtLastCheck", b.valid_at_last_check.has_value()
                                           ? Json(*b.valid_at_last_check) : Json(nullptr)}};
    if (!b.last_checked.empty()) entry["lastChecked"] = b.last_checked;
    entry["lastDrill"] = nullptr;
    if (b.last_drill) {
      entry["lastDrill"] = {{"drilledAt", b.last_drill->drilled_at},
                            {"passed", b.last_drill->passed},
                            {"rtoSeconds", static_cast<double>(b.last_drill->restore_ms) / 1000}};
    }
    if (!b.base_backup.empty()) {
      entry["baseBackup"] = b.base_backup;
      // The whole chain, oldest first, or only the parent: a long chain would make every
      // entry long.
      entry["dependencies"] = whole_chains || b.dependencies.empty()
                                  ? Json(b.dependencies)
                                  : Json::array({b.dependencies.back()});
    }
    list.push_back(std::move(entry));
  }
  return {{"success", true}, {"backups", list}};
}

Json BackupPageJson(const engine::BackupPage& page, int offset, bool whole_chains) {
  Json j = BackupListJson(page.backups, whole_chains);
  j["total"] = page.total;
  const size_t next = static_cast<size_t>(offset) + page.backups.size();
  if (next < page.total) j["nextOffset"] = next;
  return j;
}

Json DecryptResultJson(const engine::DecryptResult& result) {
  return {{"success", true}, {"outputFile", result.output_file}, {"size", result.bytes}};
}

Json DeleteResultJson(const engine::DeleteResult& result) {
  return {{"success", true},
          {"deletedFile", result.deleted_file},
          {"deletedFiles", result.deleted_files},
          {"freedSpace", result.freed_bytes}};
}

Json ImportResultJson(const engine::ImportResult& r) {
  return {{"success", true},
          {"importedRecords", r.imported_records},
          {"skippedRows", r.skipped_rows},
          {"totalRecords", r.total_records},
          {"totalRows", r.total_records},
          {"errors", r.errors},
          {"errorCount", r.error_count},
          {"duration", r.duration_ms}};
}

Json PruneResultJson(const engine::PruneResult& result, bool dry_run) {
  return {{"success", true},   {"dryRun", dry_run},
          {"deleted", result.deleted}, {"kept", result.kept},
          {"freedSpace", result.freed_bytes}, {"leftovers", formats::BoundedList(result.leftovers)}};
}

Json ValidationJson(const engine::ValidationReport& report) {
  return {{"success", true},
          {"backupFile", report.backup_file},
          {"valid", report.valid},
          {"fileSize", report.file_size},
          {"fileType", report.file_type},
          {"hasManifest", report.has_manifest},
          {"errors", report.errors},
          {"warnings", formats::BoundedList(report.warnings)}};
}

Json DrillResultJson(const engine::DrillResult& r) {
  Json tables = Json::array();
  for (const engine::DrillTable& t : r.tables) {
    tables.push_back({{"name", t.name}, {"expectedRows", t.expected_rows},
                      {"restoredRows", t.restored_rows}, {"digestChecked", t.digest_checked},
                      {"ok", t.ok}});
    if (tables.size() >= formats::kMaxListedItems) break;
  }
  return {{"success", true},
          {"backupFile", r.backup_file},
          {"passed", r.passed},
          {"scratchDatabase", r.scratch_database},
          {"kept", r.kept},
          {"rtoSeconds", static_cast<double>(r.restore_ms) / 1000},
          {"checkSeconds", static_cast<double>(r.check_ms) / 1000},
          {"tables", tables},
          {"tableCount", r.tables.size()},
          {"sequencesChecked", r.sequences_checked},
          {"schemaObjectsChecked", r.schema_objects_checked},
          {"problems", formats::BoundedList(r.problems)},
          {"drilledAt", r.drilled_at}};
}

}  // namespace pgark::protocol
