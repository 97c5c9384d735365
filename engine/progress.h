// `ProgressListener` receives progress from long engine operations. The CLI draws a bar on
// stderr; the MCP server turns it into notifications/progress. Callbacks run on the thread
// doing the work and must be cheap; the default implementation ignores everything.
#ifndef PGARK_ENGINE_PROGRESS_H_
#define PGARK_ENGINE_PROGRESS_H_

#include <cstdint>
#include <string>

namespace pgark::engine {

class ProgressListener {
 public:
  virtual ~ProgressListener() = default;
  // `total_tables` tables will be processed; `estimated_rows` from the planner's statistics.
  virtual void OnStart(int /*total_tables*/, int64_t /*estimated_rows*/) {}
  virtual void OnTableBegin(const std::string& /*table*/) {}
  virtual void OnTableEnd(const std::string& /*table*/, int64_t /*rows*/,
                          uint64_t /*raw_bytes*/) {}
  // True when the caller asked to stop (MCP cancellation, SIGTERM): the operation then
  // fails with kCancelled at its next checkpoint and leaves nothing behind.
  virtual bool Cancelled() { return false; }
};

}  // namespace pgark::engine

#endif  // PGARK_ENGINE_PROGRESS_H_
