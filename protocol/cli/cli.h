// The `pgark` command line: parses arguments into engine options, runs the command, and prints
// a one-line summary (or, with --json, the same result object the MCP tool returns) on stdout
// and errors as one line on stderr. tools/pgark.cc is only a main() around `RunCli`.
//
// Exit codes (README "Exit codes"): 0 ok, 1 failed, 2 usage, 3 integrity (checksum, truncated
// or damaged file, invalid backup), 4 cannot connect or log in, 5 not found (table, backup),
// 6 conflict (object exists, duplicate key, precondition), 7 backup directory not writable or
// disk full, 130 interrupted (SIGINT/SIGTERM; nothing left behind).
#ifndef PGARK_PROTOCOL_CLI_CLI_H_
#define PGARK_PROTOCOL_CLI_CLI_H_

#include <atomic>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"

namespace pgark::protocol {

enum ExitCode : int {
  kExitOk = 0,
  kExitFailed = 1,
  kExitUsage = 2,
  kExitIntegrity = 3,
  kExitConnection = 4,
  kExitNotFound = 5,
  kExitConflict = 6,
  kExitStorage = 7,
  kExitInterrupted = 130,
};

// The exit code for a failed status (kExitOk for OK).
int ExitCodeFor(const absl::Status& status);

// Runs `pgark <args...>` (args excludes the program name). Reads DATABASE_URL, BACKUP_DIR and
// BACKUP_COMPRESSION from the environment; flags take precedence. A progress bar is drawn on
// `err` when `stderr_is_terminal` and --quiet is not given. When `*interrupted` becomes true
// (a signal handler sets it), the running command stops, cleans up and exits 130.
int RunCli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
           bool stderr_is_terminal = false, const std::atomic<bool>* interrupted = nullptr);

}  // namespace pgark::protocol

#endif  // PGARK_PROTOCOL_CLI_CLI_H_
