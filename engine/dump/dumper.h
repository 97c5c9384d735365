// `Backup` writes a table or full backup: an archive of gzip members plus its manifest in the
// backup directory (DESIGN.md, "The archive"). All tables are read in one REPEATABLE READ READ
// ONLY snapshot after taking ACCESS SHARE locks, so the backup is consistent and no table can
// be dropped under it. On any failure nothing is left in the directory.
#ifndef PGARK_ENGINE_DUMP_DUMPER_H_
#define PGARK_ENGINE_DUMP_DUMPER_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/options.h"
#include "engine/progress.h"
#include "formats/manifest.h"

namespace pgark::engine {

struct BackupResult {
  formats::Manifest manifest;
  int64_t duration_ms = 0;
  uint64_t base_full_size = 0;  // incremental: size of the chain's full backup
  // Full and incremental backups: one message per kind of object in the database that pgark
  // does not back up yet (engine/catalog.h, ListUncarried).
  std::vector<std::string> warnings;
};

// An incremental backup (engine/incremental.h) stores every table's changes since its parent;
// kFailedPrecondition when there is no full backup of the database to start from, kDataLoss
// when a link of the parent's chain is missing or damaged.
// kInvalidArgument for bad options, kNotFound for an unknown table, kUnavailable /
// kUnauthenticated for connection problems, kPermissionDenied / kResourceExhausted for an
// unwritable or full backup directory, kCancelled if `listener` asked to stop.
absl::StatusOr<BackupResult> Backup(const ConnectOptions& connect, const BackupOptions& options,
                                    BackupType type, ProgressListener* listener);

}  // namespace pgark::engine

#endif  // PGARK_ENGINE_DUMP_DUMPER_H_
