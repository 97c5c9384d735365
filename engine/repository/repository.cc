#include "engine/repository/repository.h"

#include <algorithm>
#include <map>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/strip.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "engine/repository/backup_files.h"
#include "engine/repository/leftovers.h"
#include "formats/archive_layout.h"
#include "formats/archive_writer.h"
#include "formats/file_io.h"
#include "formats/status_macros.h"

namespace pgark::engine {
namespace {

// The backup archives in `repository`, by name.
absl::StatusOr<std::vector<formats::ObjectInfo>> Archives(formats::Storage& repository) {
  absl::StatusOr<std::vector<formats::ObjectInfo>> objects = repository.List();
  if (absl::IsNotFound(objects.status())) {
    return absl::NotFoundError(absl::StrCat("backup directory \"", repository.location(),
                                            "\" does not exist"));
  }
  PGARK_RETURN_IF_ERROR(objects.status());
  std::vector<formats::ObjectInfo> archives;
  for (formats::ObjectInfo& o : *objects) {
    if (formats::IsArchiveFileName(o.name)) archives.push_back(std::move(o));
  }
  std::sort(archives.begin(), archives.end(),
            [](const formats::ObjectInfo& a, const formats::ObjectInfo& b) { return a.name < b.name; });
  return archives;
}

// A listed archive as `list` shows it: from its manifest, or as an incomplete file.
BackupInfo Describe(const std::shared_ptr<formats::Storage>& repository,
                    const formats::ObjectInfo& archive) {
  BackupInfo info;
  info.filename = archive.name;
  absl::StatusOr<LoadedBackup> b = LoadBackup(repository, archive.name);
  if (!b.ok()) {
    info.size_bytes = archive.size;
    info.created = formats::IsoTimestamp(archive.modified);
    return info;
  }
  const formats::Manifest& m = b->manifest;
  info.type = m.type;
  info.size_bytes = m.size;
  info.created = m.timestamp;
  info.tables = static_cast<int>(m.tables.size());
  if (!m.facts_sealed()) info.record_count = m.total_record_count;
  info.compression = m.compression;
  info.encrypted = m.encrypted();
  info.dependencies = m.dependencies;
  info.base_backup = m.base_backup;
  if (std::optional<CheckRecord> check = ReadCheckRecord(*repository, archive.name)) {
    info.valid_at_last_check = check->valid;
    info.last_checked = check->checked_at;
  }
  info.last_drill = ReadDrillRecord(*repository, archive.name);
  return info;
}

}  // namespace

std::string TypeName(const BackupInfo& backup) {
  return backup.type ? formats::BackupTypeName(*backup.type) : "incomplete";
}

absl::StatusOr<BackupPage> ListBackupPage(const std::string& backup_dir,
                                                    const ListOptions& options) {
  std::optional<formats::BackupType> only;  // the type asked for, if any
  if (!options.type.empty()) {
    only = formats::ParseBackupType(options.type);
    if (!only) {
      return absl::InvalidArgumentError(absl::StrCat(
          "backup type \"", options.type, "\" is not one of full, table, incremental"));
    }
  }
  if (options.sort_by != "date" && options.sort_by != "size") {
    return absl::InvalidArgumentError(
        absl::StrCat("sort order \"", options.sort_by, "\" is not one of date, size"));
  }
  PGARK_ASSIGN_OR_RETURN(std::shared_ptr<formats::Storage> repository,
                         OpenRepository(backup_dir));
  PGARK_ASSIGN_OR_RETURN(std::vector<formats::ObjectInfo> archives, Archives(*repository));
  std::vector<BackupInfo> out;
  for (const formats::ObjectInfo& archive : archives) {
    BackupInfo info = Describe(repository, archive);
    if (only && info.type != only) continue;
    out.push_back(std::move(info));
  }
  std::stable_sort(out.begin(), out.end(), [&](const BackupInfo& a, const BackupInfo& b) {
    return options.sort_by == "size" ? a.size_bytes > b.size_bytes : a.created > b.created;
  });
  if (options.offset < 0 || options.limit < 0) {
    return absl::InvalidArgumentError("limit and offset must not be negative");
  }
  BackupPage page;
  page.total = out.size();
  out.erase(out.begin(), out.begin() + std::min<long>(options.offset, static_cast<long>(out.size())));
  if (options.limit > 0 && out.size() > static_cast<size_t>(options.limit)) {
    out.resize(static_cast<size_t>(options.limit));
  }
  page.backups = std::move(out);
  return page;
}

absl::StatusOr<std::vector<BackupInfo>> ListBackups(const std::string& backup_dir,
                                                    const ListOptions& options) {
  PGARK_ASSIGN_OR_RETURN(BackupPage page, ListBackupPage(backup_dir, options));
  return std::move(page.backups);
}

absl::StatusOr<DeleteResult> DeleteBackup(const std::string& backup_dir,
                                          const std::string& backup_file, bool cascade) {
  PGARK_RETURN_IF_ERROR(formats::ValidateFileName(backup_file));
  PGARK_ASSIGN_OR_RETURN(std::string manifest_name, formats::ManifestFileName(backup_file));
  PGARK_ASSIGN_OR_RETURN(std::shared_ptr<formats::Storage> repository,
                         OpenRepository(backup_dir));
  absl::StatusOr<formats::ObjectInfo> archive = repository->Stat(backup_file);
  if (absl::IsNotFound(archive.status())) {
    return absl::NotFoundError(absl::StrCat("backup \"", backup_file, "\" not found in \"",
                                            backup_dir, "\" (run `pgark list` to see backups)"));
  }
  PGARK_RETURN_IF_ERROR(archive.status());
  PGARK_ASSIGN_OR_RETURN(std::vector<BackupInfo> all, ListBackups(backup_dir, {}));
  DeleteResult result{backup_file, {}, 0};
  for (const BackupInfo& other : all) {
    if (std::find(other.dependencies.begin(), other.dependencies.end(), backup_file) ==
        other.dependencies.end()) {
      continue;
    }
    if (!cascade) {
      return absl::FailedPreconditionError(absl::StrCat(
          "backup \"", backup_file, "\" is needed by \"", other.filename,
          "\"; delete that first, or delete with --cascade"));
    }
    // A deeper cascade may already have taken this one.
    if (!repository->Stat(other.filename).ok()) continue;
    PGARK_ASSIGN_OR_RETURN(DeleteResult dependent, DeleteBackup(backup_dir, other.filename, true));
    result.deleted_files.insert(result.deleted_files.end(), dependent.deleted_files.begin(),
                                dependent.deleted_files.end());
    result.freed_bytes += dependent.freed_bytes;
  }
  result.freed_bytes += archive->size;
  result.deleted_files.push_back(backup_file);
  absl::StatusOr<formats::ObjectInfo> manifest = repository->Stat(manifest_name);
  // The manifest goes first: without it the archive is merely incomplete, never half-valid.
  if (manifest.ok()) {
    PGARK_RETURN_IF_ERROR(repository->Delete(manifest_name));
    result.freed_bytes += manifest->size;
  }
  PGARK_RETURN_IF_ERROR(repository->Delete(backup_file));
  if (absl::StatusOr<std::string> check = CheckFileName(backup_file); check.ok()) {
    (void)repository->Delete(*check);  // there may be none
  }
  return result;
}

absl::StatusOr<DecryptResult> DecryptFile(const std::string& backup_dir, const std::string& file,
                                          std::shared_ptr<const formats::EncryptionKey> key,
                                          std::string output) {
  PGARK_RETURN_IF_ERROR(formats::ValidateFileName(file));
  if (!absl::EndsWith(file, formats::kEncryptedSuffix)) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", file, "\" is not an encrypted file (its name does not end in .enc)"));
  }
  if (key == nullptr) {
    return absl::UnauthenticatedError(
        "decrypt needs the key: set BACKUP_ENCRYPTION_KEY or BACKUP_ENCRYPTION_KEY_FILE");
  }
  if (output.empty()) {
    output = std::string(absl::StripSuffix(file, formats::kEncryptedSuffix));
    if (formats::IsArchiveFileName(output)) output = "decrypted-" + output;
  }
  PGARK_RETURN_IF_ERROR(formats::ValidateFileName(output));
  PGARK_ASSIGN_OR_RETURN(std::shared_ptr<formats::Storage> repository,
                         OpenRepository(backup_dir));
  absl::StatusOr<std::unique_ptr<formats::Source>> source =
      formats::OpenArchiveRange({repository, file}, key, 0, formats::Storage::kToEnd);
  if (absl::IsNotFound(source.status())) {
    return absl::NotFoundError(absl::StrCat("\"", file, "\" not found in \"", backup_dir, "\""));
  }
  PGARK_RETURN_IF_ERROR(source.status());
  PGARK_ASSIGN_OR_RETURN(std::unique_ptr<formats::Sink> sink, repository->Create(output));
  PGARK_ASSIGN_OR_RETURN(uint64_t bytes, formats::Pump(**source, *sink));
  // Only now, with every chunk authenticated, does the output appear.
  PGARK_RETURN_IF_ERROR(sink->Close());
  return DecryptResult{output, bytes};
}

namespace {

// The backups the retention rules keep (`backups` complete, newest first, created at
// `created`): the newest full backup, every backup younger than the retention, the newest of
// each of the last N days, weeks and months, and the whole chain of each of those.
std::set<std::string> KeptBackups(const std::vector<BackupInfo>& backups,
                                  const std::map<std::string, absl::Time>& created,
                                  const PruneOptions& options, absl::Time now) {
  std::set<std::string> keep;
  for (const BackupInfo& b : backups) {
    if (b.type == formats::BackupType::kFull) {
      keep.insert(b.filename);  // the newest full backup, whatever its age
      break;
    }
  }
  for (const BackupInfo& b : backups) {
    if (options.retention_days > 0 &&
        now - created.at(b.filename) < absl::Hours(24) * options.retention_days) {
      keep.insert(b.filename);
    }
  }
  // Grandfather-father-son: the newest backup of each of the last N periods.
  auto keep_periods = [&](int count, const char* format) {
    std::set<std::string> periods;
    for (const BackupInfo& b : backups) {
      if (static_cast<int>(periods.size()) >= count) break;
      std::string period =
          absl::FormatTime(format, created.at(b.filename), absl::UTCTimeZone());
      if (periods.insert(period).second) keep.insert(b.filename);
    }
  };
  keep_periods(options.keep_daily, "%Y-%m-%d");
  keep_periods(options.keep_weekly, "%G-W%V");
  keep_periods(options.keep_monthly, "%Y-%m");
  // Never orphan a kept backup: keep its whole dependency chain.
  std::map<std::string, const BackupInfo*> by_name;
  for (const BackupInfo& b : backups) by_name[b.filename] = &b;
  std::vector<std::string> work(keep.begin(), keep.end());
  while (!work.empty()) {
    std::string name = work.back();
    work.pop_back();
    auto it = by_name.find(name);
    if (it == by_name.end()) continue;
    for (const std::string& dep : it->second->dependencies) {
      if (keep.insert(dep).second) work.push_back(dep);
    }
  }
  return keep;
}

}  // namespace

absl::StatusOr<PruneResult> PruneBackups(const std::string& backup_dir,
                                         const PruneOptions& options) {
  if (options.retention_days < 0 || options.keep_daily < 0 || options.keep_weekly < 0 ||
      options.keep_monthly < 0) {
    return absl::InvalidArgumentError("retention settings must not be negative");
  }
  absl::Time now = absl::Now();
  std::string error;
  if (!options.now.empty() && !absl::ParseTime(absl::RFC3339_full, options.now, &now, &error)) {
    return absl::InvalidArgumentError(absl::StrCat("bad time \"", options.now, "\": ", error));
  }
  PGARK_ASSIGN_OR_RETURN(std::vector<BackupInfo> all, ListBackups(backup_dir, {}));
  std::vector<BackupInfo> backups;  // complete ones, newest first (ListBackups' order)
  std::map<std::string, absl::Time> created;
  for (BackupInfo& b : all) {
    absl::Time t;
    if (!b.type || !absl::ParseTime(absl::RFC3339_full, b.created, &t, &error)) {
      continue;
    }
    created[b.filename] = t;
    backups.push_back(std::move(b));
  }
  const std::set<std::string> keep = KeptBackups(backups, created, options, now);
  PruneResult result;
  // Newest first: a dependent is newer than its base, so it always goes first.
  for (auto it = backups.begin(); it != backups.end(); ++it) {
    if (keep.count(it->filename)) {
      result.kept.push_back(it->filename);
      continue;
    }
    if (options.dry_run) {
      result.deleted.push_back(it->filename);
      result.freed_bytes += it->size_bytes;
      continue;
    }
    PGARK_ASSIGN_OR_RETURN(DeleteResult d, DeleteBackup(backup_dir, it->filename));
    result.deleted.push_back(d.deleted_file);
    result.freed_bytes += d.freed_bytes;
  }
  // And what killed processes left behind.
  if (options.dry_run) {
    result.leftovers = FindLeftovers(backup_dir);
  } else {
    PGARK_ASSIGN_OR_RETURN(result.leftovers, RemoveLeftovers(backup_dir));
  }
  return result;
}

}  // namespace pgark::engine
