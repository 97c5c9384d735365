// `StagedDatabase` is how a parallel restore keeps the all-or-nothing promise. Connections
// cannot share a transaction, so the restore does not load the target database: it loads a
// private copy of it (CREATE DATABASE ... TEMPLATE target, so extensions, types and settings
// already there come along), committing as it goes, and once everything is loaded and checked
// swaps the copy in for the target in one transaction (two renames), then drops the old one.
// Until the swap the target is untouched; on any failure, or when stopped, the copy is dropped.
//
// Only a target that holds no data can be replaced this way, so nothing written to it meanwhile
// is lost: no tables, sequences, views or large objects, no other session, and a catalog
// fingerprint (every create, drop, grant or alter in it) that is the same just before the swap
// as when the copy was made. The database's owner, privileges, per-database settings,
// connection limit and comment are carried over to the copy; its OID changes.
#ifndef PGARK_ENGINE_RESTORE_STAGED_DATABASE_H_
#define PGARK_ENGINE_RESTORE_STAGED_DATABASE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/options.h"
#include "engine/pg/pg_connection.h"

namespace pgark::engine {

class StagedDatabase {
 public:
  // Makes the copy. kFailedPrecondition, with the reason, when the target cannot be replaced
  // (it holds data, the role may not create databases or does not own it, another session is
  // connected); nothing has been changed then.
  static absl::StatusOr<std::unique_ptr<StagedDatabase>> Create(const ConnectOptions& target);

  StagedDatabase(const StagedDatabase&) = delete;
  StagedDatabase& operator=(const StagedDatabase&) = delete;
  ~StagedDatabase();  // drops the copy unless it was swapped in

  // Connects to the copy.
  const ConnectOptions& connect() const { return staged_connect_; }

  // Copies that were there already: left by a restore that was killed (or one running now).
  const std::vector<std::string>& others() const { return others_; }

  // Puts the copy in the target's place. REQUIRES: no connection to the copy is open. The old
  // target is dropped afterwards; if that fails, a warning names it.
  absl::Status Swap(std::vector<std::string>& warnings);

 private:
  StagedDatabase(PgConnection admin, ConnectOptions target, std::string target_name,
                 std::string owner, std::string fingerprint);

  absl::Status CopyDatabaseProperties();
  void DropStaged();

  PgConnection admin_;  // to a maintenance database, never the target or the copy
  const ConnectOptions target_connect_;
  const std::string target_name_;
  const std::string owner_;
  const std::string fingerprint_;
  std::string staged_name_;
  ConnectOptions staged_connect_;
  bool exists_ = false;  // the copy exists and is ours to drop
  std::vector<std::string> others_;
};

// A fresh private name for a database a restore loads before it carries the name asked for:
// "pgark_restore_" and 48 random bits.
std::string PrivateRestoreName();
// The databases of such names there are now: left by a parallel restore that was killed (or
// belonging to one running now).
absl::StatusOr<std::vector<std::string>> PrivateRestoreDatabases(PgConnection& admin);

// The swap ends by dropping the replaced database, and DROP DATABASE forces a checkpoint that
// writes every buffer the restore dirtied (0.6-0.8 s after loading 400 MB on 2 cores). Called
// once the rows are in, this checkpoints then, so that the write overlaps the index builds
// (CPU) instead of following them, and the drop's checkpoint finds little left. Does nothing
// without the right to (superuser, or pg_checkpoint from PostgreSQL 15) or when `conn` is in a
// transaction; a failure is only logged: it costs time, never the restore.
void CheckpointBeforeSwap(PgConnection& conn);

}  // namespace pgark::engine

#endif  // PGARK_ENGINE_RESTORE_STAGED_DATABASE_H_
