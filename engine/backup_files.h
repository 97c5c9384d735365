// Locating a backup in the backup directory: validating the file name a user or agent gave,
// and loading its manifest. Shared by restore and validate.
#ifndef PGARK_ENGINE_BACKUP_FILES_H_
#define PGARK_ENGINE_BACKUP_FILES_H_

#include <string>

#include "absl/status/statusor.h"
#include "formats/manifest.h"

namespace pgark::engine {

struct LoadedBackup {
  std::string archive_path;
  std::string manifest_path;
  formats::Manifest manifest;
};

// kInvalidArgument for a name that is not a plain backup file name; kNotFound if the archive
// does not exist; kDataLoss if its manifest is missing ("incomplete or not a pgark backup"),
// unreadable as JSON, or describes another file; kUnimplemented for a newer format.
absl::StatusOr<LoadedBackup> LoadBackup(const std::string& backup_dir,
                                        const std::string& backup_file);

// Reads a whole small file (a manifest) into memory. kNotFound if missing; kFailedPrecondition
// past `max_bytes`.
absl::StatusOr<std::string> ReadSmallFile(const std::string& path, uint64_t max_bytes);

}  // namespace pgark::engine

#endif  // PGARK_ENGINE_BACKUP_FILES_H_
