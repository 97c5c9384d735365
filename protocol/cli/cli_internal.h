// Internals of the command line (protocol/cli.cc), shared with the repository commands in
// protocol/cli_repository.cc. Not an API.
#ifndef PGARK_PROTOCOL_CLI_CLI_INTERNAL_H_
#define PGARK_PROTOCOL_CLI_CLI_INTERNAL_H_

#include <atomic>
#include <cstdint>
#include <map>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/dump/dumper.h"
#include "engine/options.h"
#include "protocol/tools/engine_tools.h"
#include "engine/operations/operations.h"
#include "protocol/cli/progress_bar.h"

namespace pgark::protocol::cli_internal {

struct ParsedArgs {
  std::vector<std::string> positional;
  std::map<std::string, std::vector<std::string>> values;
  std::set<std::string> bools;

  std::string Value(const std::string& name, std::string fallback = "") const {
    auto it = values.find(name);
    return it == values.end() ? fallback : it->second.back();
  }
  bool Has(const std::string& name) const { return bools.count(name) > 0; }
};

struct Context {
  ParsedArgs args;
  engine::ConnectOptions connect;
  std::string backup_dir;
  bool json = false;
  std::ostream& out;
  std::ostream& err;
  ProgressBar& progress;
  const std::atomic<bool>* interrupted;
  absl::StatusOr<Encryption> encryption = Encryption{};
  // What the command did, for notifications and metrics (filled in by backup, restore and
  // drill; the rest is added when the command ends).
  engine::OperationEvent event;
};

// --NAME as a positive integer; nullopt when the flag is absent.
absl::StatusOr<std::optional<int64_t>> PositiveFlag(const ParsedArgs& a, const std::string& name);
// "1.5 MiB".
std::string HumanBytes(uint64_t bytes);
// Backup settings from flags and the environment (BACKUP_COMPRESSION, encryption).
absl::StatusOr<engine::BackupOptions> BackupOptionsOf(const Context& c, engine::BackupType type,
                                                      std::vector<std::string> tables);

// The commands that work on the backup directory (protocol/cli_repository.cc).
absl::Status RunList(Context& c);
absl::Status RunDelete(Context& c, const std::string& file);
absl::Status RunPrune(Context& c);
absl::Status RunValidate(Context& c, const std::string& file);
// pgark drill [FILE] [--target-db DB] [--drill-db CONNINFO] [--keep] [--jobs N]
absl::Status RunDrill(Context& c, const std::string& file);
absl::Status RunDecrypt(Context& c, const std::string& file);
absl::Status RunScheduleCommand(Context& c);
// `pgark mcp`, on stdio or HTTP (protocol/cli_mcp.cc).
absl::Status RunMcpCommand(Context& c);

}  // namespace pgark::protocol::cli_internal

#endif  // PGARK_PROTOCOL_CLI_CLI_INTERNAL_H_
