#include "engine/repository/describe.h"

#include <algorithm>
#include <map>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

#include "engine/catalog/catalog.h"
#include "engine/pg/pg_connection.h"
#include "formats/archive_layout.h"
#include "formats/file_io.h"
#include "formats/status_macros.h"

namespace pgark::engine {

absl::StatusOr<BackupDescription> DescribeBackup(
    const std::string& backup_dir, const std::string& backup_file,
    std::shared_ptr<const formats::EncryptionKey> key) {
  PGARK_ASSIGN_OR_RETURN(LoadedBackup backup, LoadBackup(backup_dir, backup_file, std::move(key)));
  BackupDescription d;
  d.manifest = std::move(backup.manifest);
  d.facts_known = !d.manifest.facts_sealed();
  d.last_check = ReadCheckRecord(*backup.archive.storage, backup_file);
  // A big table's rows are in several members: sizes add up per table.
  std::map<std::pair<std::string, std::string>, DescribedTable*> by_name;
  for (const formats::TableEntry& t : d.manifest.tables) {
    d.tables.push_back({t.name, t.record_count, 0, 0});
  }
  for (size_t i = 0; i < d.manifest.tables.size(); ++i) {
    const formats::TableEntry& t = d.manifest.tables[i];
    by_name[{t.schema, t.table}] = &d.tables[i];
  }
  for (const formats::MemberEntry& m : d.manifest.members) {
    if (m.kind != formats::MemberKind::kTableData) continue;
    auto it = by_name.find({m.schema, m.table.empty() ? m.name : m.table});
    if (it == by_name.end()) continue;
    it->second->stored_bytes += m.stored_bytes;
    it->second->raw_bytes += m.raw_bytes;
  }
  return d;
}

std::vector<std::string> ListExportFiles(const std::string& backup_dir) {
  std::vector<std::string> out;
  absl::StatusOr<std::shared_ptr<formats::Storage>> repository = OpenRepository(backup_dir);
  if (!repository.ok()) return out;
  absl::StatusOr<std::vector<formats::ObjectInfo>> objects = (*repository)->List();
  if (!objects.ok()) return out;
  for (const formats::ObjectInfo& o : *objects) {
    if (absl::StartsWith(o.name, "export-") && formats::ValidateFileName(o.name).ok()) {
      out.push_back(o.name);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

absl::StatusOr<std::string> ReadRepositoryFile(const std::string& backup_dir,
                                               const std::string& name, uint64_t max_bytes) {
  PGARK_RETURN_IF_ERROR(formats::ValidateFileName(name));
  PGARK_ASSIGN_OR_RETURN(std::shared_ptr<formats::Storage> repository,
                         OpenRepository(backup_dir));
  return formats::ReadSmallObject(*repository, name, max_bytes);
}

absl::StatusOr<std::vector<TableRef>> ListDatabaseTables(const ConnectOptions& connect) {
  PGARK_ASSIGN_OR_RETURN(PgConnection conn, PgConnection::Connect(connect));
  return Catalog(conn).ListTables();
}

}  // namespace pgark::engine
