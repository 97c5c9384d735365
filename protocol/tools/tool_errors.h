// Error texts for agents: the engine words its errors for the command line ("--drop-existing",
// "`pgark list`"); through MCP they name the tools and arguments instead, and a duplicate key
// says which argument avoids it.
#ifndef PGARK_PROTOCOL_TOOLS_TOOL_ERRORS_H_
#define PGARK_PROTOCOL_TOOLS_TOOL_ERRORS_H_

#include <string>

#include "absl/strings/string_view.h"

namespace pgark::protocol {

std::string ForAgents(absl::string_view tool, absl::string_view message);

}  // namespace pgark::protocol

#endif  // PGARK_PROTOCOL_TOOLS_TOOL_ERRORS_H_
