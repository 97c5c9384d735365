// Long calls as jobs (`async: true` on db_backup_full and the restores): the call returns a job
// id at once, the work runs on a thread of its own, and db_job_status / db_job_cancel follow
// it, from any session. For clients that cannot hold a request open for minutes.
#ifndef PGARK_PROTOCOL_TOOLS_JOBS_H_
#define PGARK_PROTOCOL_TOOLS_JOBS_H_

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "protocol/mcp/tool_registry.h"

namespace pgark::protocol {

class JobTable {
 public:
  static constexpr size_t kMaxRunning = 32;
  static constexpr size_t kMaxKept = 100;  // finished jobs remembered, newest first

  JobTable() = default;
  JobTable(const JobTable&) = delete;
  JobTable& operator=(const JobTable&) = delete;
  // Cancels the jobs still running and waits for them to roll back.
  ~JobTable();

  using Work = std::function<absl::StatusOr<Json>(ToolContext& ctx)>;
  // Starts `work` for `tool`; its id (128 random bits). kResourceExhausted when too many run.
  absl::StatusOr<std::string> Start(const std::string& tool, Work work);
  // {jobId, tool, status: running|succeeded|failed|cancelled, progress, result|error, ...};
  // kNotFound for an unknown (or long forgotten) id.
  absl::StatusOr<Json> Describe(const std::string& id);
  // Asks a running job to stop (it rolls back); its description.
  absl::StatusOr<Json> Cancel(const std::string& id);

 private:
  struct Job {
    std::string tool;
    std::atomic<bool> cancel{false};
    std::mutex mu;  // guards what follows
    std::string status = "running";
    double progress = 0;
    double total = 0;
    std::string message;
    Json result;
    std::string error;
    absl::Time started = absl::Now();
    absl::Time finished;
    std::thread thread;
  };
  static void Run(const std::shared_ptr<Job>& job, const Work& work);
  static Json DescribeJob(const std::string& id, Job& job);
  void Forget();  // drops the oldest finished jobs beyond kMaxKept

  std::mutex mu_;
  std::map<std::string, std::shared_ptr<Job>> jobs_;
};

}  // namespace pgark::protocol

#endif  // PGARK_PROTOCOL_TOOLS_JOBS_H_
