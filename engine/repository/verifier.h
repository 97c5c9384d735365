// `ValidateBackup` checks a backup without a database: the name, the manifest, the file size,
// the whole-file and per-member SHA-256 digests, and that every member inflates to its recorded
// size and digest with the COPY framing intact. The result lists every problem found.
#ifndef PGARK_ENGINE_REPOSITORY_VERIFIER_H_
#define PGARK_ENGINE_REPOSITORY_VERIFIER_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/options.h"
#include "formats/encryption.h"

namespace pgark::engine {

struct ValidationReport {
  std::string backup_file;
  bool valid = false;
  uint64_t file_size = 0;
  std::string file_type;  // "full", "table", "incremental"; empty if unknown
  bool has_manifest = false;
  std::vector<std::string> errors;
  std::vector<std::string> warnings;
};

struct ValidateOptions {
  // Decrypts an encrypted backup's members; without it only the file digest is checked (and
  // a warning says so).
  std::shared_ptr<const formats::EncryptionKey> key;
  // The server the backup would be restored into (e.g. 140010), 0 if unknown: a warning when
  // the backup was made with a newer major version.
  int target_server_version_num = 0;
  // Record the outcome beside the backup for `pgark list` ("valid at last check").
  bool record = true;
};

// A non-OK status only when the check cannot run (kInvalidArgument file name, kNotFound file,
// kPermissionDenied for a symlink or an unreadable file, kUnauthenticated for a wrong key);
// damage and unknown formats are reported in the report (valid = false), not as a status.
// An incremental backup is valid only if every backup of its chain is.
absl::StatusOr<ValidationReport> ValidateBackup(const std::string& backup_dir,
                                                const std::string& backup_file,
                                                const ValidateOptions& options = {});

// The server_version_num of the database `connect` names (e.g. 150018), or 0 when it cannot
// be reached within a few seconds: validation works without a database.
int ProbeServerVersionNum(ConnectOptions connect);

}  // namespace pgark::engine

#endif  // PGARK_ENGINE_REPOSITORY_VERIFIER_H_
