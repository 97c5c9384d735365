// Temporary files a killed pgark process left in the backup directory: archives being written
// (".NAME.tmp-PID-XXXXXXXX"), a parallel backup's spools (".pgark-spool-PID-N...") and name
// reservations (".ID.reserved", holding the PID). A file is a leftover once its process is gone
// and it has not changed for a minute (a live process in another PID namespace keeps writing).
#ifndef PGARK_ENGINE_REPOSITORY_LEFTOVERS_H_
#define PGARK_ENGINE_REPOSITORY_LEFTOVERS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace pgark::engine {

// The leftovers in `backup_dir`, by name; none when it does not exist, and none in object
// storage (a failed upload is aborted there; one whose process was killed is left to the
// bucket's AbortIncompleteMultipartUpload lifecycle rule).
std::vector<std::string> FindLeftovers(const std::string& backup_dir);

// Removes them; returns the names removed.
absl::StatusOr<std::vector<std::string>> RemoveLeftovers(const std::string& backup_dir);

}  // namespace pgark::engine

#endif  // PGARK_ENGINE_REPOSITORY_LEFTOVERS_H_
