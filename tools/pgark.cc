// pgark: PostgreSQL backup, restore, export and import through libpq alone.
// All the work is behind protocol::RunCli; this is only the process entry point.
#include <csignal>
#include <iostream>
#include <string>
#include <vector>

#include "protocol/cli.h"

int main(int argc, char** argv) {
  // A closed pipe on stdout must surface as a write error, not kill the process mid-backup.
  std::signal(SIGPIPE, SIG_IGN);
  std::vector<std::string> args(argv + 1, argv + argc);
  return pgark::protocol::RunCli(args, std::cout, std::cerr);
}
