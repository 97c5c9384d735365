// The MCP server's JSON-RPC framing and dispatch: any line is parsed (bounded depth) and, if
// it is JSON, handled by a server with no tools, answering or ignoring it without crashing.
#include "protocol/mcp/json_rpc.h"
#include "protocol/mcp/mcp_server.h"
#include "protocol/mcp/tool_registry.h"
#include "tests/fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::optional<pgark::protocol::Json> message =
      pgark::protocol::ParseMessage(pgark::fuzz::AsText(data, size));
  if (!message) return 0;
  static const pgark::protocol::ToolRegistry* tools = new pgark::protocol::ToolRegistry();
  pgark::protocol::ServerIdentity identity;
  identity.version = "0";
  pgark::protocol::McpServer server(*tools, identity, [](const pgark::protocol::Json& reply, const pgark::protocol::Json&) {
                                      (void)pgark::protocol::Serialize(reply);
                                    });
  server.set_inline_calls(true);
  if (std::optional<pgark::protocol::Json> reply = server.HandleMessage(*message)) {
    (void)pgark::protocol::Serialize(*reply);
  }
  return 0;
}
