#include "protocol/tools/jobs.h"

#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"
#include "protocol/mcp/call_slot.h"
#include "protocol/mcp/random_id.h"

namespace pgark::protocol {

JobTable::~JobTable() {
  std::map<std::string, std::shared_ptr<Job>> jobs;
  {
    std::lock_guard<std::mutex> lock(mu_);
    jobs.swap(jobs_);
  }
  for (auto& [id, job] : jobs) job->cancel.store(true);
  for (auto& [id, job] : jobs) {
    if (job->thread.joinable()) job->thread.join();
  }
}

absl::StatusOr<std::string> JobTable::Start(const std::string& tool, Work work) {
  std::lock_guard<std::mutex> lock(mu_);
  size_t running = 0;
  for (auto& [id, job] : jobs_) {
    std::lock_guard<std::mutex> job_lock(job->mu);
    running += job->status == "running" ? 1 : 0;
  }
  if (running >= kMaxRunning) {
    return absl::ResourceExhaustedError(absl::StrCat(
        kMaxRunning, " jobs are running; wait for one (db_job_status) or cancel one"));
  }
  Forget();
  const std::string id = RandomId();
  auto job = std::make_shared<Job>();
  job->tool = tool;
  job->thread = std::thread([job, work = std::move(work)] { Run(job, work); });
  jobs_[id] = job;
  return id;
}

void JobTable::Run(const std::shared_ptr<Job>& job, const Work& work) {
  LowerThreadPriority();
  ToolContext ctx;
  ctx.cancelled = [job] { return job->cancel.load(); };
  ctx.progress = [job](double value, double total, const std::string& message) {
    std::lock_guard<std::mutex> lock(job->mu);
    job->progress = value;
    job->total = total;
    job->message = message;
  };
  absl::StatusOr<Json> result = absl::CancelledError("cancelled before it started");
  if (std::optional<CallSlot> slot = CallSlot::Acquire(false, job->cancel)) result = work(ctx);
  std::lock_guard<std::mutex> lock(job->mu);
  job->finished = absl::Now();
  if (result.ok()) {
    job->status = "succeeded";
    job->result = *std::move(result);
  } else {
    job->status = absl::IsCancelled(result.status()) ? "cancelled" : "failed";
    job->error = std::string(result.status().message());
  }
}

Json JobTable::DescribeJob(const std::string& id, Job& job) {
  std::lock_guard<std::mutex> lock(job.mu);
  Json out = {{"success", true}, {"jobId", id}, {"tool", job.tool}, {"status", job.status},
              {"startedAt", absl::FormatTime(absl::RFC3339_sec, job.started, absl::UTCTimeZone())}};
  Json progress = {{"progress", job.progress}, {"message", job.message}};
  if (job.total > 0) progress["total"] = job.total;
  out["progress"] = std::move(progress);
  if (job.status != "running") {
    out["finishedAt"] = absl::FormatTime(absl::RFC3339_sec, job.finished, absl::UTCTimeZone());
  }
  if (job.status == "succeeded") out["result"] = job.result;
  if (!job.error.empty()) out["error"] = job.error;
  return out;
}

absl::StatusOr<Json> JobTable::Describe(const std::string& id) {
  std::shared_ptr<Job> job;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = jobs_.find(id);
    if (it == jobs_.end()) {
      return absl::NotFoundError(absl::StrCat("no job \"", id.substr(0, 64),
                                              "\" (jobs are forgotten when the server restarts)"));
    }
    job = it->second;
  }
  return DescribeJob(id, *job);
}

absl::StatusOr<Json> JobTable::Cancel(const std::string& id) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = jobs_.find(id);
    if (it != jobs_.end()) it->second->cancel.store(true);
  }
  return Describe(id);
}

void JobTable::Forget() {
  std::vector<std::pair<absl::Time, std::string>> finished;
  for (auto& [id, job] : jobs_) {
    std::lock_guard<std::mutex> lock(job->mu);
    if (job->status != "running") finished.push_back({job->finished, id});
  }
  if (finished.size() < kMaxKept) return;
  std::sort(finished.begin(), finished.end());
  for (size_t i = 0; i + kMaxKept <= finished.size(); ++i) {
    auto it = jobs_.find(finished[i].second);
    if (it->second->thread.joinable()) it->second->thread.join();  // finished: at once
    jobs_.erase(it);
  }
}

}  // namespace pgark::protocol
