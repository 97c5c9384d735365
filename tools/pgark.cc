// pgark: PostgreSQL backup, restore, export and import through libpq alone.
// All the work is behind protocol::RunCli; this is only the process entry point.
#include <atomic>
#include <unistd.h>

#include <csignal>
#include <iostream>
#include <string>
#include <vector>

#include "protocol/cli/cli.h"

namespace {
std::atomic<bool> interrupted{false};
extern "C" void OnSignal(int) { interrupted.store(true); }
}  // namespace

int main(int argc, char** argv) {
  // A closed pipe on stdout must surface as a write error, not kill the process mid-backup.
  std::signal(SIGPIPE, SIG_IGN);
  // Ctrl-C and SIGTERM stop the command at its next checkpoint; it then removes its partial
  // files and rolls back, instead of dying with a temporary file left behind.
  struct sigaction action = {};
  action.sa_handler = OnSignal;
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  std::vector<std::string> args(argv + 1, argv + argc);
  return pgark::protocol::RunCli(args, std::cout, std::cerr, isatty(STDERR_FILENO) == 1,
                                 &interrupted);
}
