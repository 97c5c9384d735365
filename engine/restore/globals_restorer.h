// `RestoreGlobals` brings a cluster's roles, memberships, tablespaces, role settings and
// databases from a globals backup (or a full backup made --with-globals) into the target
// cluster: what is missing is created; with `update_existing` what exists is given the
// backup's attributes, settings, memberships, owners and ACLs too. Nothing is ever dropped, and
// the restoring role itself is left as it is. Statements run one by one outside a transaction
// (CREATE DATABASE and CREATE TABLESPACE cannot run in one): one that fails (a role this role
// may not create, a tablespace directory in use) is a warning naming its object, and the rest
// goes on.
#ifndef PGARK_ENGINE_RESTORE_GLOBALS_RESTORER_H_
#define PGARK_ENGINE_RESTORE_GLOBALS_RESTORER_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/options.h"

namespace pgark::engine {

struct GlobalsRestoreResult {
  std::string backup_file;
  std::vector<std::string> created;  // "role app", "tablespace fast", "database shop", ...
  std::vector<std::string> updated;  // existing objects brought in line (update_existing)
  int64_t memberships = 0;           // GRANTs of a role run
  std::vector<std::string> warnings;
  int64_t duration_ms = 0;
};

// kInvalidArgument for a bad file name or a backup without globals; kNotFound, kDataLoss as
// Restore; connection errors. Statement failures are warnings (see above).
absl::StatusOr<GlobalsRestoreResult> RestoreGlobals(const ConnectOptions& connect,
                                                    const GlobalsRestoreOptions& options);

}  // namespace pgark::engine

#endif  // PGARK_ENGINE_RESTORE_GLOBALS_RESTORER_H_
