// Work spread over several database connections: a list of jobs in priority order, some of
// which must wait for others (a table's indexes for its rows). Each connection, on its own
// thread, takes the first job that may start.
#ifndef PGARK_ENGINE_PG_CONNECTION_JOBS_H_
#define PGARK_ENGINE_PG_CONNECTION_JOBS_H_

#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "engine/pg/pg_connection.h"

namespace pgark::engine {

struct ConnectionJob {
  std::function<absl::Status(PgConnection&)> run;
  std::vector<size_t> after;  // jobs that must have finished first
  // Jobs of one group (the parts of one table) contend with each other (the table's extension
  // lock): a connection takes a job of a group no other connection is working on if it can.
  std::string group;
};

// Runs `jobs` over `conns`: the calling thread works conns[0], one more thread each of the
// others. Returns the first failure; from then on no job starts and `stop` is true, so running
// jobs can give up early.
absl::Status RunConnectionJobs(const std::vector<PgConnection*>& conns,
                               const std::vector<ConnectionJob>& jobs, std::atomic<bool>& stop);

}  // namespace pgark::engine

#endif  // PGARK_ENGINE_PG_CONNECTION_JOBS_H_
