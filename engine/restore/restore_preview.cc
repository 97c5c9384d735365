#include "engine/restore/restore_preview.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "engine/catalog/catalog.h"
#include "engine/pg/pg_connection.h"
#include "engine/repository/backup_files.h"
#include "engine/restore/restore_plan.h"
#include "formats/status_macros.h"

namespace pgark::engine {
namespace {

std::string ActionFor(const PreviewTable& t, const RestoreOptions& o) {
  if (!t.exists) return "create";
  if (o.drop_existing) return "drop and recreate (its rows are replaced)";
  switch (o.on_conflict) {
    case OnConflict::kSkip:
      return "add rows (existing keys kept)";
    case OnConflict::kUpdate:
      return "add rows (existing keys overwritten)";
    default:
      return "add rows (a duplicate key fails the restore; nothing changes)";
  }
}

}  // namespace

absl::StatusOr<RestorePreview> PreviewRestore(const ConnectOptions& connect,
                                              const RestoreOptions& options) {
  PGARK_ASSIGN_OR_RETURN(LoadedBackup backup,
                         LoadBackup(options.backup_dir, options.backup_file, options.key));
  PGARK_RETURN_IF_ERROR(RequireKey(backup));
  PGARK_ASSIGN_OR_RETURN(std::vector<LoadedBackup> chain,
                         LoadChain(std::move(backup)));
  const formats::Manifest& manifest = chain.back().manifest;
  PGARK_ASSIGN_OR_RETURN(std::vector<formats::TableEntry> selected,
                         SelectTables(manifest, options.tables));
  PGARK_ASSIGN_OR_RETURN(PgConnection conn, PgConnection::Connect(connect));
  PGARK_ASSIGN_OR_RETURN(std::vector<TableRef> live, Catalog(conn).ListTables());
  std::map<std::pair<std::string, std::string>, const TableRef*> existing;
  for (const TableRef& t : live) existing[{t.schema, t.name}] = &t;
  RestorePreview p;
  p.backup_file = options.backup_file;
  for (const LoadedBackup& link : chain) p.chain.push_back(link.manifest.backup_file);
  p.target_database = conn.database();
  for (const formats::TableEntry& t : selected) {
    PreviewTable row{t.name, t.record_count};
    if (auto it = existing.find({t.schema, t.table}); it != existing.end()) {
      row.exists = true;
      row.existing_rows = it->second->estimated_rows;
      p.destructive = true;
    }
    row.action = ActionFor(row, options);
    p.rows += row.rows;
    p.tables.push_back(std::move(row));
  }
  return p;
}

}  // namespace pgark::engine
