// `ValidateBackup` checks a backup without a database: the name, the manifest, the file size,
// the whole-file and per-member SHA-256 digests, and that every member inflates to its recorded
// size and digest with the COPY framing intact. The result lists every problem found.
#ifndef PGARK_ENGINE_VERIFIER_H_
#define PGARK_ENGINE_VERIFIER_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"

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

// A non-OK status only when the check cannot run (kInvalidArgument file name, kNotFound file,
// kPermissionDenied for a symlink or an unreadable file); damage and unknown formats are
// reported in the report (valid = false), not as a status.
absl::StatusOr<ValidationReport> ValidateBackup(const std::string& backup_dir,
                                                const std::string& backup_file);

}  // namespace pgark::engine

#endif  // PGARK_ENGINE_VERIFIER_H_
