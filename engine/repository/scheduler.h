// `pgark schedule`: a long-running loop that takes full and incremental backups on cron
// schedules, validates each one and prunes the directory by the retention policy, drills the
// newest backup on its own schedule, and notifies and updates metrics after each run. Only one
// scheduler runs per backup directory (a lock file). Stops between or inside backups when
// `stop` becomes true; a backup cut short leaves nothing behind.
#ifndef PGARK_ENGINE_REPOSITORY_SCHEDULER_H_
#define PGARK_ENGINE_REPOSITORY_SCHEDULER_H_

#include <atomic>
#include <functional>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "engine/repository/cron.h"
#include "engine/operations/operations.h"
#include "engine/options.h"
#include "engine/repository/repository.h"

namespace pgark::engine {

struct ScheduleOptions {
  std::optional<CronSchedule> full;         // BACKUP_SCHEDULE_FULL
  std::optional<CronSchedule> incremental;  // BACKUP_SCHEDULE_INCREMENTAL
  std::optional<CronSchedule> drill;        // BACKUP_SCHEDULE_DRILL: `pgark drill` of the newest
  OperationsConfig operations;              // notifications and metrics after every run
  BackupOptions backup;                     // backup_dir, compression, keys
  PruneOptions prune;                       // retention; applied after every backup
  absl::TimeZone zone = absl::LocalTimeZone();
};

// One line per event ("full backup backup-full-... : 5 tables, ... valid; pruned 2").
using ScheduleLog = std::function<void(const std::string& line)>;

// Runs until `stop`. kInvalidArgument without any schedule; kFailedPrecondition if another
// scheduler holds the directory. A failed backup is logged and retried at the next tick.
absl::Status RunSchedule(const ConnectOptions& connect, const ScheduleOptions& options,
                         const std::atomic<bool>& stop, const ScheduleLog& log);

}  // namespace pgark::engine

#endif  // PGARK_ENGINE_REPOSITORY_SCHEDULER_H_
