// db_job_status and db_job_cancel: following the jobs that `async: true` calls started.
#include "protocol/tools/tool_definitions.h"
#include "protocol/tools/tool_schema.h"

namespace pgark::protocol {
namespace {

Json JobArgs() {
  return Schema({{"jobId", {{"type", "string"}, {"maxLength", 64}, {"pattern", "^[0-9a-f]+$"},
                            {"description", "from the async call"}}}},
                {"jobId"});
}

Json JobOutput() {
  return Output({{"success", {{"type", "boolean"}}}, {"jobId", {{"type", "string"}}},
                 {"status", {{"type", "string"}, {"enum", {"running", "succeeded", "failed", "cancelled"}}}}},
                {"success", "jobId", "status"});
}

}  // namespace

ToolSpec JobStatusTool(std::shared_ptr<JobTable> jobs) {
  auto handler = [jobs](const Json& a, ToolContext&) { return jobs->Describe(a["jobId"]); };
  ToolSpec spec{"db_job_status", "Job status",
                "A job's status (running, succeeded, failed, cancelled), progress, and its "
                "result or error. Read-only.",
                JobArgs(), JobOutput(), Annotations(true, false, true), handler};
  spec.quick = true;
  return spec;
}

ToolSpec JobCancelTool(std::shared_ptr<JobTable> jobs) {
  auto handler = [jobs](const Json& a, ToolContext&) { return jobs->Cancel(a["jobId"]); };
  ToolSpec spec{"db_job_cancel", "Cancel a job",
                "Stops a running job; a cancelled backup leaves no file, a cancelled restore "
                "changes nothing.",
                JobArgs(), JobOutput(), Annotations(false, false, true), handler};
  spec.quick = true;
  return spec;
}

}  // namespace pgark::protocol
