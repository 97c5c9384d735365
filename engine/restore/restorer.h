// `Restore` loads a pgark archive back into a database: the whole archive or some of its
// tables. It verifies the file against its manifest before touching the database, then does
// everything in one transaction, checking each member's decompressed SHA-256 and row count
// before COMMIT: the database ends up restored, or exactly as it was. With `jobs` above 1 an
// empty database is instead restored over several connections into a staged copy that
// replaces it at the end (staged_database.h), with the same outcome on failure.
#ifndef PGARK_ENGINE_RESTORE_RESTORER_H_
#define PGARK_ENGINE_RESTORE_RESTORER_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/options.h"
#include "engine/progress.h"

namespace pgark::engine {

struct RestoreResult {
  std::string backup_file;
  std::vector<std::string> restored_tables;  // display names
  int64_t record_count = 0;                  // rows inserted or updated
  int64_t skipped_records = 0;               // rows left out by --on-conflict skip
  std::vector<std::string> warnings;
  int64_t duration_ms = 0;
};

// kInvalidArgument for a bad file name or option; kNotFound if the backup or a requested table
// is missing; kDataLoss if the archive or manifest is damaged (nothing touched); kUnimplemented
// for a newer archive format; server errors with their SQLSTATE (e.g. kAlreadyExists for a
// duplicate key under --on-conflict error), after which the transaction has been rolled back.
absl::StatusOr<RestoreResult> Restore(const ConnectOptions& connect,
                                      const RestoreOptions& options,
                                      ProgressListener* listener);

}  // namespace pgark::engine

#endif  // PGARK_ENGINE_RESTORE_RESTORER_H_
