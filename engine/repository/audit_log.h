// The audit log: one JSON line per operation, appended to `audit.log` (mode 0600) in the
// backup directory (in object storage, one object per line under `audit.log.d/`), from the CLI and the MCP server alike, refused operations included. It
// records what was asked and how it ended, never connection strings or passwords.
#ifndef PGARK_ENGINE_REPOSITORY_AUDIT_LOG_H_
#define PGARK_ENGINE_REPOSITORY_AUDIT_LOG_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"

namespace pgark::engine {

inline constexpr char kAuditLogName[] = "audit.log";

struct AuditEntry {
  std::string operation;       // "backup full", "db_restore_table", ...
  std::string via;             // "cli" or "mcp"
  std::string arguments_json;  // a JSON object of the arguments, secrets already removed
  absl::Status outcome;
  int64_t duration_ms = 0;
};

// Appends `entry` with the current time. Best effort by design: when the backup directory
// does not exist (or is the reason the operation failed) nothing is written, and the returned
// status is only for tests; an audit failure never changes an operation's result.
absl::Status AppendAudit(const std::string& backup_dir, const AuditEntry& entry);

// Before an operation that changes something: kPermissionDenied, saying why, when the audit log
// of an existing backup directory cannot be written (a read-only directory, a symbolic link or
// a FIFO in its place); such an operation is then refused. OK when the directory does not
// exist yet (the operation makes it) or is not a directory (the operation refuses it).
absl::Status CheckAuditWritable(const std::string& backup_dir);

// The newest records of the audit log (about `max_bytes`, whole lines, oldest first); "" when
// there are none.
absl::StatusOr<std::string> ReadAuditLog(const std::string& backup_dir, uint64_t max_bytes);

}  // namespace pgark::engine

#endif  // PGARK_ENGINE_REPOSITORY_AUDIT_LOG_H_
