// The twelve db_* tools of the seed tool set, registered over the engine (one definition per
// tool in backup_tools.cc, restore_tools.cc, transfer_tools.cc and repository_tools.cc). Each
// handler turns validated arguments into engine options, runs the engine, and returns the same
// result object the CLI prints with --json; every call goes to the audit log.
#ifndef PGARK_PROTOCOL_TOOLS_ENGINE_TOOLS_H_
#define PGARK_PROTOCOL_TOOLS_ENGINE_TOOLS_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/options.h"
#include "formats/encryption.h"
#include "protocol/mcp/tool_registry.h"
#include "protocol/tools/environment.h"

namespace pgark::protocol {

struct EngineToolsConfig {
  engine::ConnectOptions connect;
  std::string backup_dir;
  formats::Compression compression;  // BACKUP_COMPRESSION(_LEVEL)
  // PGARK_ALLOWED_TABLES: when not empty, tools refuse every other table.
  std::vector<std::string> allowed_tables;
  Encryption encryption;
  // --read-only / PGARK_MCP_READ_ONLY: only the tools that change nothing are registered.
  bool read_only = false;
};

void RegisterEngineTools(ToolRegistry& registry, const EngineToolsConfig& config);

}  // namespace pgark::protocol

#endif  // PGARK_PROTOCOL_TOOLS_ENGINE_TOOLS_H_
