// Locating a backup in the repository (a backup directory or bucket, formats/storage.h):
// validating the file name a user or agent gave, and loading its manifest. Shared by restore
// and validate.
#ifndef PGARK_ENGINE_REPOSITORY_BACKUP_FILES_H_
#define PGARK_ENGINE_REPOSITORY_BACKUP_FILES_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "formats/archive_writer.h"
#include "formats/manifest.h"
#include "formats/storage.h"

namespace pgark::engine {

struct LoadedBackup {
  formats::StoredObject archive;
  std::string manifest_file;  // the manifest's name beside it
  formats::Manifest manifest;
  formats::ArchiveReadOptions read;  // how to read its members (compression, key)
  // The key the caller offered (also when this backup is not encrypted): its chain's
  // encrypted links are read with it.
  std::shared_ptr<const formats::EncryptionKey> offered_key;
};

// kInvalidArgument for a name that is not a plain backup file name; kNotFound if the archive
// does not exist; kDataLoss if its manifest is missing ("incomplete or not a pgark backup"),
// unreadable as JSON, or describes another file; kUnimplemented for a newer format. `key` is
// kept for reading an encrypted archive (it is not checked here).
absl::StatusOr<LoadedBackup> LoadBackup(const std::shared_ptr<formats::Storage>& repository,
                                        const std::string& backup_file,
                                        std::shared_ptr<const formats::EncryptionKey> key = nullptr);
// The same in the repository at `backup_dir` (a directory or an s3:// location).
absl::StatusOr<LoadedBackup> LoadBackup(const std::string& backup_dir,
                                        const std::string& backup_file,
                                        std::shared_ptr<const formats::EncryptionKey> key = nullptr);

// kUnauthenticated if `backup` is encrypted and no key was given.
absl::Status RequireKey(const LoadedBackup& backup);

// kFailedPrecondition when `manifest`'s server is of a newer major version than the server a
// restore would write into (`server_version_num`), naming both.
absl::Status RequireNotOlderServer(const formats::Manifest& manifest, int server_version_num);

// kDataLoss unless the archive's first member is exactly the header pgark writes for its
// manifest (it runs before the restore's transaction and on every connection, so an archive
// cannot bring SQL of its own there), and every INCREMENTAL GUARD member is exactly the guard
// pgark writes for this file (psql runs its meta-commands). REQUIRES: the archive can be read
// (its key).
absl::Status CheckCanonicalMembers(const LoadedBackup& backup);

// The SQL of member `entry` of `backup`, to run. Archives are input, not code: a schema member
// is refused (kDataLoss) past formats::kMaxSchemaMemberBytes, before it is read, and unless
// every statement is one pgark writes for its kind (formats/statement_policy.h).
absl::StatusOr<std::string> ReadMemberSql(const LoadedBackup& backup,
                                          const formats::MemberEntry& entry);

// The chain an incremental backup needs: its dependencies (oldest, the full base, first) and
// then `backup` itself; for a full or table backup, just `backup`. kDataLoss if a link is
// missing, incomplete, or does not belong to this chain (e.g. a base replaced by another file
// of the same name).
// (Its links are read from the repository `backup` is in.)
absl::StatusOr<std::vector<LoadedBackup>> LoadChain(LoadedBackup backup);

// "Valid at last check": the outcome of the last `validate`, kept beside the backup in
// "<backup id>-check.json".
struct CheckRecord {
  std::string checked_at;  // ISO 8601
  bool valid = false;
};
absl::Status RecordCheck(formats::Storage& repository, const std::string& backup_file,
                         bool valid);
// nullopt when the backup was never validated (or the record is unreadable).
std::optional<CheckRecord> ReadCheckRecord(formats::Storage& repository,
                                           const std::string& backup_file);
// "<backup id>-check.json" for an archive name.
absl::StatusOr<std::string> CheckFileName(const std::string& backup_file);

// The last `pgark drill` of a backup (engine/drill/drill.h), kept beside it in
// "<backup id>-drill.json".
struct DrillRecord {
  std::string drilled_at;  // ISO 8601
  bool passed = false;
  int64_t restore_ms = 0;  // the measured recovery time
  std::vector<std::string> problems;
};
absl::Status WriteDrillRecord(formats::Storage& repository, const std::string& backup_file,
                              const DrillRecord& record);
// nullopt when the backup was never drilled (or the record is unreadable).
std::optional<DrillRecord> ReadDrillRecord(formats::Storage& repository,
                                           const std::string& backup_file);

// The repository at `backup_dir`: formats::OpenStorage, with errors that say it is BACKUP_DIR.
absl::StatusOr<std::shared_ptr<formats::Storage>> OpenRepository(const std::string& backup_dir);

}  // namespace pgark::engine

#endif  // PGARK_ENGINE_REPOSITORY_BACKUP_FILES_H_
