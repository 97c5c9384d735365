// A restore's plan without running it (MCP dryRun): what each table of the backup would do to
// the target database, from the manifest and the target's catalog. Reads, never writes.
#ifndef PGARK_ENGINE_RESTORE_RESTORE_PREVIEW_H_
#define PGARK_ENGINE_RESTORE_RESTORE_PREVIEW_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/options.h"

namespace pgark::engine {

struct PreviewTable {
  std::string name;
  int64_t rows = 0;            // rows the backup holds for it
  bool exists = false;         // in the target database now
  int64_t existing_rows = 0;   // the target's estimate, when it exists
  std::string action;          // "create", "drop and recreate", "add rows (...)"
};

struct RestorePreview {
  std::string backup_file;
  std::vector<std::string> chain;  // the backups it would read, oldest first
  std::string target_database;
  std::vector<PreviewTable> tables;
  int64_t rows = 0;
  bool destructive = false;  // it would drop or overwrite something that exists
};

// Errors as Restore would give them before touching anything: a bad name, a missing backup or
// table, a damaged manifest, an unreachable server.
absl::StatusOr<RestorePreview> PreviewRestore(const ConnectOptions& connect,
                                              const RestoreOptions& options);

}  // namespace pgark::engine

#endif  // PGARK_ENGINE_RESTORE_RESTORE_PREVIEW_H_
