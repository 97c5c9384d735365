// The MCP tools: their specs (name, description, JSON Schemas, annotations) and handlers, and
// the validation of call arguments against the input schema before a handler runs.
#ifndef PGARK_PROTOCOL_MCP_TOOL_REGISTRY_H_
#define PGARK_PROTOCOL_MCP_TOOL_REGISTRY_H_

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "protocol/mcp/json_rpc.h"

namespace pgark::protocol {

// What a running tool can do besides computing its result. Both callbacks are thread-safe.
struct ToolContext {
  // Reports progress (monotonic counter, e.g. bytes) out of `total` (0: unknown) with a short
  // human message.
  std::function<void(double progress, double total, const std::string& message)> progress =
      [](double, double, const std::string&) {};
  // Logs a line for the client at an MCP level ("debug", "info", "warning", "error").
  std::function<void(absl::string_view level, const std::string& message)> log =
      [](absl::string_view, const std::string&) {};
  // True once the call was cancelled (notifications/cancelled, stdin closed).
  std::function<bool()> cancelled = [] { return false; };
  // Asks the user to confirm `message` through the client (MCP elicitation): true when they
  // accepted, false when they declined or did not answer, nullopt when the client cannot ask.
  bool can_confirm = false;
  std::function<std::optional<bool>(const std::string& message)> confirm =
      [](const std::string&) -> std::optional<bool> { return std::nullopt; };
};

using ToolHandler = std::function<absl::StatusOr<Json>(const Json& arguments, ToolContext& ctx)>;

struct ToolSpec {
  std::string name;
  std::string title;
  std::string description;
  Json input_schema;   // JSON Schema subset: type object, properties, required, enum, ...
  Json output_schema;  // the structuredContent of a successful call
  Json annotations;    // readOnlyHint, destructiveHint, idempotentHint, openWorldHint
  ToolHandler handler;
  // Answers from metadata in milliseconds (listing, describing). Other calls run their threads
  // at a lower CPU priority, so that quick ones stay quick while backups compress.
  bool quick = false;
};

// The MCP resources a server offers beside its tools (files it made, its logs).
struct ResourceCatalog {
  std::function<Json()> list;  // the resources/list items
  Json templates = Json::array();  // the resources/templates/list items
  // The "contents" of a resources/read; kNotFound for an unknown URI.
  std::function<absl::StatusOr<Json>(const std::string& uri)> read;
  // resource_link content items for the files a tool result names.
  std::function<Json(const Json& structured)> links;
};

class ToolRegistry {
 public:
  void SetResources(ResourceCatalog catalog) { resources_ = std::move(catalog); }
  const ResourceCatalog* resources() const { return resources_.list ? &resources_ : nullptr; }
  void Register(ToolSpec spec) { tools_.push_back(std::move(spec)); }
  // In registration order, which is the order tools/list reports.
  const std::vector<ToolSpec>& tools() const { return tools_; }
  const ToolSpec* Find(absl::string_view name) const;

 private:
  std::vector<ToolSpec> tools_;
  ResourceCatalog resources_;
};

// Checks `arguments` against `schema` (the subset our tools use: object properties of type
// string, boolean, integer, object and array; enum; minimum/maximum; minLength/maxLength;
// required; additionalProperties false) and returns them with defaults filled in and integers
// given as numeric strings ("20") converted. kInvalidArgument naming the field otherwise.
absl::StatusOr<Json> ValidateArguments(const Json& schema, const Json& arguments);

}  // namespace pgark::protocol

#endif  // PGARK_PROTOCOL_MCP_TOOL_REGISTRY_H_
