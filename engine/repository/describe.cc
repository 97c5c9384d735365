#include "engine/repository/describe.h"

#include <map>

#include "engine/catalog/catalog.h"
#include "engine/pg/pg_connection.h"
#include "formats/status_macros.h"

namespace pgark::engine {

absl::StatusOr<BackupDescription> DescribeBackup(
    const std::string& backup_dir, const std::string& backup_file,
    std::shared_ptr<const formats::EncryptionKey> key) {
  PGARK_ASSIGN_OR_RETURN(LoadedBackup backup, LoadBackup(backup_dir, backup_file, std::move(key)));
  BackupDescription d;
  d.manifest = std::move(backup.manifest);
  d.facts_known = !d.manifest.facts_sealed();
  d.last_check = ReadCheckRecord(backup_dir, backup_file);
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

absl::StatusOr<std::vector<TableRef>> ListDatabaseTables(const ConnectOptions& connect) {
  PGARK_ASSIGN_OR_RETURN(PgConnection conn, PgConnection::Connect(connect));
  return Catalog(conn).ListTables();
}

}  // namespace pgark::engine
