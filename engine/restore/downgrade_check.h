// Restoring into an older PostgreSQL than the backup was made on: before anything is
// restored, every schema member is tried on the target inside a transaction that is rolled
// back (each in a savepoint of its own), so that what the older server cannot take is named,
// all of it, in one error instead of the first failure half-way through a restore.
#ifndef PGARK_ENGINE_RESTORE_DOWNGRADE_CHECK_H_
#define PGARK_ENGINE_RESTORE_DOWNGRADE_CHECK_H_

#include "absl/status/status.h"
#include "engine/options.h"
#include "engine/repository/backup_files.h"

namespace pgark::engine {

// OK when the server at `target` is of the backup's major version or newer, or takes every
// schema member of `backup`; else kFailedPrecondition naming the versions and the objects the
// server refused (with its reason for the first few). Leaves the target as it was.
absl::Status CheckDowngrade(const ConnectOptions& target, const LoadedBackup& backup);

}  // namespace pgark::engine

#endif  // PGARK_ENGINE_RESTORE_DOWNGRADE_CHECK_H_
