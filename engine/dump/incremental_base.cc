#include "engine/dump/incremental_base.h"

#include "absl/strings/str_cat.h"
#include "engine/repository/incremental.h"
#include "engine/repository/repository.h"
#include "engine/options.h"
#include "formats/status_macros.h"

namespace pgark::engine {
namespace {

bool CanBase(const formats::Manifest& m) {
  return (m.type == BackupType::kFull || m.type == BackupType::kIncremental) &&
         m.content == Content::kSchemaAndData;
}

// The newest full or incremental backup of `database` with schema and data.
absl::StatusOr<std::string> NewestBase(const std::string& backup_dir,
                                       const std::string& database) {
  PGARK_ASSIGN_OR_RETURN(std::vector<BackupInfo> all, ListBackups(backup_dir, {}));
  for (const BackupInfo& b : all) {  // newest first
    if (b.type != BackupType::kFull && b.type != BackupType::kIncremental) continue;
    absl::StatusOr<LoadedBackup> candidate = LoadBackup(backup_dir, b.filename);
    if (candidate.ok() && candidate->manifest.database == database &&
        CanBase(candidate->manifest)) {
      return b.filename;
    }
  }
  return absl::FailedPreconditionError(absl::StrCat(
      "no full backup of database \"", database, "\" in \"", backup_dir,
      "\" to base an incremental on; run `pgark backup full` first"));
}

}  // namespace

absl::StatusOr<IncrementalBase> IncrementalBase::Load(
    const std::string& backup_dir, const std::string& base_file,
    std::shared_ptr<const formats::EncryptionKey> key, const std::string& database) {
  std::string parent = base_file;
  if (parent.empty()) {
    PGARK_ASSIGN_OR_RETURN(parent, NewestBase(backup_dir, database));
  }
  PGARK_ASSIGN_OR_RETURN(LoadedBackup base, LoadBackup(backup_dir, parent, std::move(key)));
  const formats::Manifest& m = base.manifest;
  if (!CanBase(m)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "\"", parent, "\" is a ", formats::BackupTypeName(m.type), " (",
        formats::ContentName(m.content),
        ") backup; an incremental needs a full or incremental backup with schema and data"));
  }
  if (m.database != database) {
    return absl::FailedPreconditionError(absl::StrCat("\"", parent, "\" is a backup of database \"",
                                                      m.database, "\", not \"", database, "\""));
  }
  PGARK_RETURN_IF_ERROR(RequireKey(base));
  PGARK_ASSIGN_OR_RETURN(std::vector<LoadedBackup> chain, LoadChain(std::move(base)));
  PGARK_RETURN_IF_ERROR(VerifyChain(chain));
  return IncrementalBase(std::move(chain));
}

const formats::MemberEntry* IncrementalBase::DiffableParent(const TableDef& t) const {
  const formats::MemberEntry* p =
      FindTableMember(parent(), MemberKind::kTableData, t.ref.schema, t.ref.name);
  if (p == nullptr || p->columns != t.CopyColumns() || p->column_types != t.CopyColumnTypes() ||
      p->key_columns != t.key_columns || p->column_types.empty()) {
    return nullptr;  // new, renamed or altered: stored whole
  }
  return p;
}

const formats::TableEntry* IncrementalBase::ParentTable(const TableDef& t) const {
  for (const formats::TableEntry& e : parent().tables) {
    if (e.schema == t.ref.schema && e.table == t.ref.name) return &e;
  }
  return nullptr;
}

absl::Status IncrementalBase::ReplayParentRows(const TableDef& t,
                                               formats::RowConsumer& rows) const {
  return Annotate(ReplayTableRows(chain_, chain_.size() - 1, t.ref.schema, t.ref.name, rows),
                  absl::StrCat("reading the rows of table \"", t.ref.DisplayName(),
                               "\" from the base backups"));
}

void IncrementalBase::DescribeIn(formats::Manifest& manifest) const {
  manifest.dependencies = parent().dependencies;
  manifest.dependencies.push_back(parent().backup_file);
  manifest.base_backup = parent().backup_file;
}

}  // namespace pgark::engine
