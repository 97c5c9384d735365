// What the CLI and the MCP server read from the environment (SEED-SPEC.md's variables and
// PGARK_*): encryption, the table allowlist, the compression default.
#ifndef PGARK_PROTOCOL_TOOLS_ENVIRONMENT_H_
#define PGARK_PROTOCOL_TOOLS_ENVIRONMENT_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/operations/operations.h"
#include "formats/compression.h"
#include "formats/encryption.h"

namespace pgark::protocol {

// The environment variable, or `fallback` when it is unset or empty.
std::string Env(const char* name, std::string fallback = "");

// A boolean variable: true/false, 1/0, yes/no or on/off in any case; `fallback` when unset or
// empty; kInvalidArgument for anything else.
absl::StatusOr<bool> BoolFromEnvironment(const char* name, bool fallback);

// BACKUP_COMPRESSION: true (the default: gzip), false (none), or a codec as --compress takes
// it (gzip, zstd, none, with an optional ":LEVEL"); BACKUP_COMPRESSION_LEVEL (1-9, zstd 1-19,
// or "fast") sets the level when the codec names none.
absl::StatusOr<formats::Compression> CompressionFromEnvironment();

// A level as --compress-level and BACKUP_COMPRESSION_LEVEL take it: a number, or "fast" (1).
// kInvalidArgument naming `what` otherwise.
absl::StatusOr<int> ParseCompressionLevel(absl::string_view text, absl::string_view what);

// The compression one backup asks for: `spec` (--compress / the tool's "compression"; empty:
// not given) over `fallback` (the environment's); `enabled` false (--no-compress, "compress":
// false) means none, true a codec even when the fallback is none. kInvalidArgument when they
// contradict each other or `spec` is not a codec.
absl::StatusOr<formats::Compression> ChooseCompression(std::optional<bool> enabled,
                                                       absl::string_view spec,
                                                       const formats::Compression& fallback);

// BACKUP_ENCRYPT, BACKUP_ENCRYPTION_KEY and BACKUP_ENCRYPTION_KEY_FILE.
struct Encryption {
  std::shared_ptr<const formats::EncryptionKey> key;  // reads encrypted files when set
  bool encrypt = false;  // new backups and exports are encrypted (BACKUP_ENCRYPT=true)

  std::shared_ptr<const formats::EncryptionKey> ForWriting() const {
    return encrypt ? key : nullptr;
  }
};

// The key is BACKUP_ENCRYPTION_KEY, else the first line of the file BACKUP_ENCRYPTION_KEY_FILE
// names. kInvalidArgument if BACKUP_ENCRYPT is not a boolean, or true without a key, or for an
// unreadable key file (the message names the file, never the key).
absl::StatusOr<Encryption> EncryptionFromEnvironment();

// The tables of PGARK_ALLOWED_TABLES ("books, app.orders"); empty when it is not set.
std::vector<std::string> AllowedTablesFromEnvironment();

// Notifications and metrics: BACKUP_NOTIFICATION_EMAIL (comma-separated), BACKUP_SMTP_URL
// (credentials also in BACKUP_SMTP_USER / BACKUP_SMTP_PASSWORD), BACKUP_NOTIFICATION_FROM,
// BACKUP_NOTIFICATION_WEBHOOK, BACKUP_NOTIFY_ON (failure, the default, or always),
// BACKUP_METRICS_FILE. kInvalidArgument for a BACKUP_NOTIFY_ON that is neither.
absl::StatusOr<engine::OperationsConfig> OperationsFromEnvironment();

// Diagnostic logging (engine/log.h) from `verbose` (--verbose: debug), PGARK_LOG
// (debug|info|warn), the seed's DEBUG (backup:* or * means debug) and PGARK_LOG_FORMAT
// (text|json). kInvalidArgument for a value that is none of those.
absl::Status ConfigureLogging(bool verbose);
// kPermissionDenied, before anything runs, for an operation on every table (`operation`: "backup
// full", ...) when `allowed` is not empty.
absl::Status CheckWholeDatabaseAllowed(const std::vector<std::string>& allowed,
                                       absl::string_view operation);
// kPermissionDenied unless `allowed` is empty or holds `table` ("books" and "public.books"
// are the same table).
absl::Status CheckAllowedTable(const std::vector<std::string>& allowed, const std::string& table);

}  // namespace pgark::protocol

#endif  // PGARK_PROTOCOL_TOOLS_ENVIRONMENT_H_
