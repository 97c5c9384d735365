// The twelve db_* tools of the seed tool set, registered over the engine: the only protocol/
// file that calls engine entry points for MCP. Each handler turns validated arguments into
// engine options, runs the engine, and returns the same result object the CLI prints with
// --json. Tools whose engine part is not built yet say so in a tool error.
#ifndef PGARK_PROTOCOL_TOOLS_ENGINE_TOOLS_H_
#define PGARK_PROTOCOL_TOOLS_ENGINE_TOOLS_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/options.h"
#include "formats/encryption.h"
#include "protocol/mcp/tool_registry.h"

namespace pgark::protocol {

// The environment variable, or `fallback` when it is unset or empty.
std::string Env(const char* name, std::string fallback = "");

// BACKUP_ENCRYPT, BACKUP_ENCRYPTION_KEY and BACKUP_ENCRYPTION_KEY_FILE.
struct Encryption {
  std::shared_ptr<const formats::EncryptionKey> key;  // reads encrypted files when set
  bool encrypt = false;  // new backups and exports are encrypted (BACKUP_ENCRYPT=true)

  std::shared_ptr<const formats::EncryptionKey> ForWriting() const {
    return encrypt ? key : nullptr;
  }
};

// The key is BACKUP_ENCRYPTION_KEY, else the first line of the file BACKUP_ENCRYPTION_KEY_FILE
// names. kInvalidArgument if BACKUP_ENCRYPT=true without a key, or for an unreadable key file
// (the message names the file, never the key).
absl::StatusOr<Encryption> EncryptionFromEnvironment();

struct EngineToolsConfig {
  engine::ConnectOptions connect;
  std::string backup_dir;
  bool compress_by_default = true;
  // PGARK_ALLOWED_TABLES: when not empty, tools refuse every other table.
  std::vector<std::string> allowed_tables;
  Encryption encryption;
};

void RegisterEngineTools(ToolRegistry& registry, const EngineToolsConfig& config);

// The tables of PGARK_ALLOWED_TABLES ("books, app.orders"); empty when it is not set.
std::vector<std::string> AllowedTablesFromEnvironment();
// kPermissionDenied unless `allowed` is empty or holds `table` ("books" and "public.books"
// are the same table).
absl::Status CheckAllowedTable(const std::vector<std::string>& allowed, const std::string& table);

}  // namespace pgark::protocol

#endif  // PGARK_PROTOCOL_TOOLS_ENGINE_TOOLS_H_
