// The backup directory as a collection: listing backups from their manifests and deleting a
// backup with its manifest. (Retention, schedules and the audit log build on this.)
#ifndef PGARK_ENGINE_REPOSITORY_H_
#define PGARK_ENGINE_REPOSITORY_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace pgark::engine {

struct BackupInfo {
  std::string filename;
  std::string type;     // "full", "table", "incremental"; "incomplete" without a manifest
  uint64_t size_bytes = 0;
  std::string created;  // ISO 8601 from the manifest (file mtime when incomplete)
  int tables = 0;
  int64_t record_count = 0;
  bool compressed = true;
  std::vector<std::string> dependencies;
};

struct ListOptions {
  std::string type;           // "", "full", "table" or "incremental"
  std::string sort_by = "date";  // "date" (newest first) or "size" (largest first)
  int limit = 0;              // 0: all
};

// Backups in `backup_dir`. Archives without a manifest are listed with type "incomplete" (only
// when no type filter is given); unreadable manifests likewise. kNotFound if the directory
// does not exist; kInvalidArgument for a bad filter.
absl::StatusOr<std::vector<BackupInfo>> ListBackups(const std::string& backup_dir,
                                                    const ListOptions& options);

struct DeleteResult {
  std::string deleted_file;
  uint64_t freed_bytes = 0;
};

// Removes a backup archive and its manifest. kInvalidArgument for a name that is not a plain
// backup file name; kNotFound if there is no such backup; kFailedPrecondition if another
// backup's manifest lists it as a dependency.
absl::StatusOr<DeleteResult> DeleteBackup(const std::string& backup_dir,
                                          const std::string& backup_file);

}  // namespace pgark::engine

#endif  // PGARK_ENGINE_REPOSITORY_H_
