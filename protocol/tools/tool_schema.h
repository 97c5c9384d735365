// Building blocks of the db_* tool definitions: JSON Schema fragments for their inputs and
// outputs, MCP annotations, and the bridge from engine progress to MCP progress notifications.
#ifndef PGARK_PROTOCOL_TOOLS_TOOL_SCHEMA_H_
#define PGARK_PROTOCOL_TOOLS_TOOL_SCHEMA_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "engine/options.h"
#include "engine/progress.h"
#include "protocol/mcp/tool_registry.h"

namespace pgark::protocol {

Json Str(absl::string_view description);
Json Bool(absl::string_view description, bool fallback);
// A file name in the backup directory (a plain name, never a path).
Json FileArg(absl::string_view description);
Json OnConflictArg();
Json TableArg(absl::string_view description);
// An object schema of `properties` that refuses any other.
Json Schema(Json properties, std::vector<std::string> required = {});
Json Output(Json properties, std::vector<std::string> required);
// `output` of a tool that also answers {success, jobId, status} for `async: true`.
Json AsyncOutput(Json output);
// The `async` argument.
Json AsyncArg();
Json Annotations(bool read_only, bool destructive, bool idempotent);
// An array of strings.
Json Strings();

// Engine progress -> MCP progress notifications, and MCP cancellation -> the engine.
class ToolProgress : public engine::ProgressListener {
 public:
  explicit ToolProgress(ToolContext& ctx) : ctx_(ctx) {}
  void OnStart(int total_tables, uint64_t) override;
  void OnTableEnd(const std::string& table, int64_t rows, uint64_t) override;
  void OnBytes(uint64_t bytes) override;
  bool Cancelled() override { return ctx_.cancelled(); }

 private:
  ToolContext& ctx_;
  int total_tables_ = 0;
  int tables_done_ = 0;
  double total_bytes_ = 0;  // the engine's estimate; 0 when unknown
  uint64_t bytes_ = 0;
};

// A tool's handler from its three steps: `decode` the validated arguments into engine options,
// `run` the engine with MCP progress and cancellation, `encode` its result.
template <typename Options, typename Result>
ToolHandler EngineHandler(
    std::function<absl::StatusOr<Options>(const Json& args)> decode,
    std::function<absl::StatusOr<Result>(const Options&, engine::ProgressListener*)> run,
    Json (*encode)(const Result&)) {
  return [decode = std::move(decode), run = std::move(run), encode](
             const Json& args, ToolContext& ctx) -> absl::StatusOr<Json> {
    absl::StatusOr<Options> options = decode(args);
    if (!options.ok()) return options.status();
    ToolProgress progress(ctx);
    absl::StatusOr<Result> result = run(*options, &progress);
    if (!result.ok()) return result.status();
    return encode(*result);
  };
}

}  // namespace pgark::protocol

#endif  // PGARK_PROTOCOL_TOOLS_TOOL_SCHEMA_H_
