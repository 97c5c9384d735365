// JSON forms of engine results, with the field names of the seed tool set (SEED-SPEC.md):
// the CLI's --json output and the MCP tools' structuredContent are the same objects.
#ifndef PGARK_PROTOCOL_TOOLS_RESULTS_JSON_H_
#define PGARK_PROTOCOL_TOOLS_RESULTS_JSON_H_

#include <nlohmann/json.hpp>

#include "engine/dump/dumper.h"
#include "engine/transfer/exporter.h"
#include "engine/transfer/importer.h"
#include "engine/repository/repository.h"
#include "engine/restore/globals_restorer.h"
#include "engine/restore/restorer.h"
#include "engine/repository/verifier.h"
#include "engine/drill/drill.h"

namespace pgark::protocol {

using Json = nlohmann::json;

// db_backup_full / db_backup_table: success, backupFile, size, tables, recordCount, duration,
// compressed, checksum (+ table for a table backup, backupId, manifestFile).
Json BackupResultJson(const engine::BackupResult& result);
// db_restore_full / db_restore_table: success, backupFile, restoredTables, recordCount,
// skippedRecords, duration, warnings.
Json RestoreResultJson(const engine::RestoreResult& result);
Json GlobalsRestoreResultJson(const engine::GlobalsRestoreResult& result);
// db_export_json / db_export_csv: success, exportFile, format, recordCount, duration.
Json ExportResultJson(const engine::ExportResult& result);
// db_import_json / db_import_csv: success, importedRecords, skippedRows, totalRecords and
// totalRows (the same number), errors (the first 100), errorCount, duration.
Json ImportResultJson(const engine::ImportResult& result);
// db_list_backups: success, backups[{filename, type, size ("15.00 MB"), sizeBytes, created,
// tables, recordCount}].
// `whole_chains`: an incremental's dependencies are its whole chain, else only its parent.
Json BackupListJson(const std::vector<engine::BackupInfo>& backups, bool whole_chains = true);
// A page of the list (db_list_backups): BackupListJson, the number that match in all
// ("total") and, when more follow, the offset of the next page ("nextOffset").
Json BackupPageJson(const engine::BackupPage& page, int offset, bool whole_chains);
// db_delete_backup: success, deletedFile, deletedFiles (with cascade, dependents first),
// freedSpace.
Json DecryptResultJson(const engine::DecryptResult& result);

Json DeleteResultJson(const engine::DeleteResult& result);
// pgark prune: success, dryRun, deleted, kept, freedSpace.
Json PruneResultJson(const engine::PruneResult& result, bool dry_run);
// db_validate_backup: success, valid, fileSize, fileType, hasManifest, errors, warnings.
Json ValidationJson(const engine::ValidationReport& report);

// A drill's result (db_drill_backup, pgark drill --json).
Json DrillResultJson(const engine::DrillResult& result);

}  // namespace pgark::protocol

#endif  // PGARK_PROTOCOL_TOOLS_RESULTS_JSON_H_
