#include "protocol/tools/engine_tools.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "engine/repository/audit_log.h"
#include "protocol/tools/tool_definitions.h"
#include "protocol/tools/jobs.h"
#include "protocol/tools/tool_errors.h"
#include "protocol/tools/tool_schema.h"

namespace pgark::protocol {
namespace {

// The end of a call as log lines for the client: its warnings, then how it ended.
void LogOutcome(ToolContext& ctx, const std::string& name, const absl::StatusOr<Json>& result,
                int64_t ms) {
  if (!result.ok()) {
    ctx.log("error", absl::StrCat(name, ": failed after ", ms, " ms: ", result.status().message()));
    return;
  }
  if (auto w = result->find("warnings"); w != result->end() && w->is_array()) {
    for (const Json& line : *w) {
      if (line.is_string()) ctx.log("warning", absl::StrCat(name, ": ", line.get<std::string>()));
    }
  }
  ctx.log("info", absl::StrCat(name, ": done in ", ms, " ms"));
}

// Wraps a tool's handler so that every call, refused ones included, goes to the audit log.
ToolSpec Audited(ToolSpec spec, const std::string& backup_dir) {
  const bool read_only = spec.annotations.value("readOnlyHint", false);
  spec.handler = [handler = std::move(spec.handler), name = spec.name, backup_dir, read_only](
                     const Json& args, ToolContext& ctx) -> absl::StatusOr<Json> {
    const absl::Time start = absl::Now();
    ctx.log("info", absl::StrCat(name, ": started"));
    // A call that changes something is refused when it could not be audited.
    const absl::Status audited =
        read_only ? absl::OkStatus() : engine::CheckAuditWritable(backup_dir);
    absl::StatusOr<Json> result = audited.ok() ? handler(args, ctx) : audited;
    const int64_t ms = absl::ToInt64Milliseconds(absl::Now() - start);
    (void)engine::AppendAudit(backup_dir, {name, "mcp", args.dump(), result.status(), ms});
    if (!result.ok()) {
      result = absl::Status(result.status().code(), ForAgents(name, result.status().message()));
    }
    LogOutcome(ctx, name, result, ms);
    return result;
  };
  return spec;
}

// The tools that take `async: true`: their calls can run as jobs.
bool TakesAsync(const ToolSpec& spec) {
  return spec.input_schema["properties"].contains("async");
}

// `async: true` starts the (audited) call as a job and answers with its id at once.
ToolSpec Asynchronous(ToolSpec spec, std::shared_ptr<JobTable> jobs) {
  spec.output_schema = AsyncOutput(std::move(spec.output_schema));
  spec.handler = [handler = std::move(spec.handler), name = spec.name, jobs](
                     const Json& args, ToolContext& ctx) -> absl::StatusOr<Json> {
    if (!args.value("async", false)) return handler(args, ctx);
    Json sync_args = args;
    sync_args.erase("async");
    absl::StatusOr<std::string> id = jobs->Start(
        name, [handler, sync_args](ToolContext& job_ctx) { return handler(sync_args, job_ctx); });
    if (!id.ok()) return id.status();
    ctx.log("info", absl::StrCat(name, ": started as job ", *id));
    return Json{{"success", true}, {"jobId", *id}, {"tool", name}, {"status", "running"}};
  };
  return spec;
}

}  // namespace

void RegisterEngineTools(ToolRegistry& registry, const EngineToolsConfig& config) {
  auto jobs = std::make_shared<JobTable>();
  using Definition = ToolSpec (*)(const EngineToolsConfig&);
  for (Definition define :
       {BackupFullTool, BackupTableTool, BackupIncrementalTool, ExportJsonTool, ExportCsvTool,
        RestoreFullTool, RestoreTableTool, ImportJsonTool, ImportCsvTool, ListBackupsTool,
        DeleteBackupTool, ValidateBackupTool, DrillBackupTool, DescribeBackupTool,
        ListTablesTool}) {
    ToolSpec spec = define(config);
    if (config.read_only && !spec.annotations.value("readOnlyHint", false)) continue;
    const bool takes_async = TakesAsync(spec);
    spec = Audited(std::move(spec), config.backup_dir);
    registry.Register(takes_async ? Asynchronous(std::move(spec), jobs) : std::move(spec));
  }
  if (!config.read_only) {
    registry.Register(Audited(JobStatusTool(jobs), config.backup_dir));
    registry.Register(Audited(JobCancelTool(jobs), config.backup_dir));
  }
  registry.SetResources(EngineResources(config));
}

}  // namespace pgark::protocol
