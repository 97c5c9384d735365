#include "engine/pg/connection_jobs.h"

#include <map>
#include <string>
#include <thread>

#include "absl/synchronization/mutex.h"

namespace pgark::engine {

absl::Status RunConnectionJobs(const std::vector<PgConnection*>& conns,
                               const std::vector<ConnectionJob>& jobs, std::atomic<bool>& stop) {
  enum class State { kWaiting, kRunning, kDone };
  absl::Mutex mu;
  std::vector<State> state(jobs.size(), State::kWaiting);
  size_t unclaimed = jobs.size();
  size_t first_waiting = 0;  // every job before it has been taken
  std::map<std::string, int> busy;  // group -> jobs running
  absl::Status first_error;

  auto work = [&](PgConnection& conn) {
    while (true) {
      size_t pick = jobs.size();
      {
        absl::MutexLock lock(&mu);
        // The first job that may start, or jobs.size(). A condition must not remember what it
        // found (the mutex may evaluate it on another thread, before another claim), so it
        // only says whether to stop waiting, and the pick is made after.
        auto first_ready = [&] {
          size_t first = jobs.size();
          for (size_t i = first_waiting; i < jobs.size(); ++i) {
            if (state[i] != State::kWaiting) continue;
            bool ready = true;
            for (size_t dep : jobs[i].after) ready = ready && state[dep] == State::kDone;
            if (!ready) continue;
            if (first == jobs.size()) first = i;
            if (jobs[i].group.empty() || !busy.count(jobs[i].group)) return i;
          }
          return first;
        };
        auto can_go = [&] {
          return !first_error.ok() || unclaimed == 0 || first_ready() < jobs.size();
        };
        mu.Await(absl::Condition(&can_go));
        if (first_error.ok()) pick = first_ready();
        if (pick == jobs.size()) return;  // all taken, or one failed
        state[pick] = State::kRunning;
        --unclaimed;
        while (first_waiting < jobs.size() && state[first_waiting] != State::kWaiting) {
          ++first_waiting;
        }
        ++busy[jobs[pick].group];
      }
      absl::Status s = jobs[pick].run(conn);
      absl::MutexLock lock(&mu);
      state[pick] = State::kDone;
      if (--busy[jobs[pick].group] == 0) busy.erase(jobs[pick].group);
      if (!s.ok() && first_error.ok()) {
        first_error = s;
        stop.store(true);
      }
    }
  };

  std::vector<std::thread> threads;
  for (size_t i = 1; i < conns.size(); ++i) threads.emplace_back(work, std::ref(*conns[i]));
  work(*conns[0]);
  for (std::thread& t : threads) t.join();
  return first_error;
}

}  // namespace pgark::engine
