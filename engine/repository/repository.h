// The backup directory as a collection: listing backups from their manifests and deleting a
// backup with its manifest. (Retention, schedules and the audit log build on this.)
#ifndef PGARK_ENGINE_REPOSITORY_REPOSITORY_H_
#define PGARK_ENGINE_REPOSITORY_REPOSITORY_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/repository/backup_files.h"
#include "formats/encryption.h"
#include "formats/member_kind.h"

namespace pgark::engine {

struct BackupInfo {
  std::string filename;
  // The manifest's type; nullopt for an archive without a (readable) manifest.
  std::optional<formats::BackupType> type;
  uint64_t size_bytes = 0;
  std::string created;  // ISO 8601 from the manifest (file mtime when incomplete)
  int tables = 0;
  // nullopt for an encrypted backup listed without its key: its counts are sealed.
  std::optional<int64_t> record_count;
  formats::Codec compression = formats::Codec::kGzip;
  bool encrypted = false;
  std::vector<std::string> dependencies;
  std::string base_backup;  // incremental: the backup it was diffed against
  // The outcome of the last `validate` (nullopt: never validated) and when it ran.
  std::optional<bool> valid_at_last_check;
  std::string last_checked;
  // The last `pgark drill` of it: when, whether it passed, the restore time.
  std::optional<DrillRecord> last_drill;
};

// "full", "table", "incremental", or "incomplete" (no manifest): as `list` shows it.
std::string TypeName(const BackupInfo& backup);

struct ListOptions {
  std::string type;           // "", "full", "table" or "incremental"
  std::string sort_by = "date";  // "date" (newest first) or "size" (largest first)
  int limit = 0;              // 0: all
  int offset = 0;             // skip this many (after sorting) first
};

// Backups in `backup_dir`. Archives without a manifest are listed with type "incomplete" (only
// when no type filter is given); unreadable manifests likewise. kNotFound if the directory
// does not exist; kInvalidArgument for a bad filter.
absl::StatusOr<std::vector<BackupInfo>> ListBackups(const std::string& backup_dir,
                                                    const ListOptions& options);
// The same page (`limit` from `offset`), with the number of backups that match in all.
struct BackupPage {
  std::vector<BackupInfo> backups;
  size_t total = 0;
};
absl::StatusOr<BackupPage> ListBackupPage(const std::string& backup_dir,
                                          const ListOptions& options);

struct DeleteResult {
  std::string deleted_file;
  std::vector<std::string> deleted_files;  // with cascade: the dependents too, dependents first
  uint64_t freed_bytes = 0;
};

// Removes a backup archive and its manifest. kInvalidArgument for a name that is not a plain
// backup file name; kNotFound if there is no such backup; kFailedPrecondition if another
// backup's manifest lists it as a dependency, unless `cascade`, which deletes those dependents
// (and theirs) first. `deleted_files` then lists every file removed.
absl::StatusOr<DeleteResult> DeleteBackup(const std::string& backup_dir,
                                          const std::string& backup_file, bool cascade = false);

struct PruneOptions {
  int retention_days = 30;  // BACKUP_RETENTION_DAYS: older backups may go; 0 keeps by age none
  int keep_daily = 0;       // BACKUP_KEEP_DAILY: the newest backup of each of the last N days
  int keep_weekly = 0;      // BACKUP_KEEP_WEEKLY: ... of each of the last N ISO weeks
  int keep_monthly = 0;     // BACKUP_KEEP_MONTHLY: ... of each of the last N months
  bool dry_run = false;     // report, delete nothing
  std::string now;          // ISO 8601 "now" for tests; empty: the clock
};

struct PruneResult {
  std::vector<std::string> deleted;  // or, in a dry run, would be deleted
  std::vector<std::string> kept;
  uint64_t freed_bytes = 0;
  // Temporary files that killed processes left (engine/repository/leftovers.h): removed, or
  // in a dry run, would be.
  std::vector<std::string> leftovers;
};

// Deletes the complete backups that no rule keeps. Kept always: the newest full backup, every
// backup younger than `retention_days`, the newest backup of each of the last N days, weeks and
// months, and every backup a kept backup depends on (its whole chain). Incomplete files (no
// manifest) are left alone. kInvalidArgument for negative settings.
absl::StatusOr<PruneResult> PruneBackups(const std::string& backup_dir,
                                         const PruneOptions& options);

struct DecryptResult {
  std::string output_file;
  uint64_t bytes = 0;
};

// Writes the plaintext of the encrypted file `file` (a backup archive or an export, a plain
// name in `backup_dir`) beside it: `output` if given, else the name without ".enc" (for a
// backup archive prefixed "decrypted-", so that it is not mistaken for the backup itself; its
// manifest describes the encrypted file). The whole file is authenticated before the output
// appears. kAlreadyExists if the output exists; kUnauthenticated for a wrong key; kDataLoss for
// a damaged file; kInvalidArgument for a file that is not encrypted.
absl::StatusOr<DecryptResult> DecryptFile(const std::string& backup_dir, const std::string& file,
                                          std::shared_ptr<const formats::EncryptionKey> key,
                                          std::string output = "");

}  // namespace pgark::engine

#endif  // PGARK_ENGINE_REPOSITORY_REPOSITORY_H_
