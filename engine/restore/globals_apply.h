// The globals step of a restore on an open connection (engine/restore/globals_restorer.h),
// shared by `restore globals` and `restore full --with-globals`.
#ifndef PGARK_ENGINE_RESTORE_GLOBALS_APPLY_H_
#define PGARK_ENGINE_RESTORE_GLOBALS_APPLY_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/pg/pg_connection.h"
#include "engine/repository/backup_files.h"
#include "engine/restore/globals_restorer.h"

namespace pgark::engine {

// Runs the cluster-wide members of `backup` (loaded and verified by the caller) as
// RestoreGlobals describes. kInvalidArgument when it holds none.
absl::Status ApplyGlobals(PgConnection& conn, const LoadedBackup& backup,
                          const GlobalsRestoreOptions& options, GlobalsRestoreResult& result);

// The roles of `manifest` ("roles") that the cluster at `conn` lacks.
absl::StatusOr<std::vector<std::string>> MissingRoles(PgConnection& conn,
                                                      const formats::Manifest& manifest);
// Its tablespaces ("tablespaces") that the cluster lacks.
absl::StatusOr<std::vector<std::string>> MissingTablespaces(PgConnection& conn,
                                                            const formats::Manifest& manifest);

}  // namespace pgark::engine

#endif  // PGARK_ENGINE_RESTORE_GLOBALS_APPLY_H_
