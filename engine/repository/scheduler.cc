#include "engine/repository/scheduler.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "engine/drill/drill.h"
#include "engine/repository/audit_log.h"
#include "engine/dump/dumper.h"
#include "engine/repository/verifier.h"
#include "formats/archive_layout.h"
#include "engine/repository/backup_files.h"
#include "formats/file_io.h"
#include "formats/sha256.h"
#include "formats/storage.h"
#include "formats/status_macros.h"

namespace pgark::engine {
namespace {

class StopListener : public ProgressListener {
 public:
  explicit StopListener(const std::atomic<bool>& stop) : stop_(stop) {}
  bool Cancelled() override { return stop_.load(); }

 private:
  const std::atomic<bool>& stop_;
};

// Where the lock of the schedule on `repository` lives: in the backup directory, or for
// object storage (where nothing can be locked) in this machine's runtime directory, named
// after the location.
absl::StatusOr<std::string> LockPath(const formats::Storage& repository) {
  if (repository.local()) return repository.Locate(".schedule.lock");
  const char* runtime = std::getenv("XDG_RUNTIME_DIR");
  const char* tmp = std::getenv("TMPDIR");
  const std::string dir = runtime != nullptr && *runtime ? runtime : tmp != nullptr && *tmp ? tmp : "/tmp";
  PGARK_ASSIGN_OR_RETURN(std::string digest, formats::Sha256Hex(repository.location()));
  return formats::JoinPath(dir, absl::StrCat("pgark-schedule-", digest.substr(0, 16), ".lock"));
}

// Holds an exclusive lock for the scheduler's lifetime: one schedule per repository (per
// machine, for object storage).
class DirectoryLock {
 public:
  static absl::StatusOr<std::unique_ptr<DirectoryLock>> Acquire(const formats::Storage& repository) {
    PGARK_ASSIGN_OR_RETURN(const std::string path, LockPath(repository));
    const std::string& dir = repository.location();
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) return formats::ErrnoStatus("open", path, errno);
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      ::close(fd);
      return absl::FailedPreconditionError(absl::StrCat(
          "another pgark schedule is already running on \"", dir, "\""));
    }
    return std::unique_ptr<DirectoryLock>(new DirectoryLock(fd));
  }
  ~DirectoryLock() { ::close(fd_); }

 private:
  explicit DirectoryLock(int fd) : fd_(fd) {}
  int fd_;
};

std::string Describe(const absl::Status& s) { return std::string(s.message()); }

// One scheduled backup, then its validation and a prune. Errors are logged, not returned:
// the schedule goes on.
void RunOnce(const ConnectOptions& connect, const ScheduleOptions& options, BackupType type,
             const std::atomic<bool>& stop, const ScheduleLog& log) {
  StopListener listener(stop);
  const absl::Time start = absl::Now();
  absl::StatusOr<BackupResult> r = Backup(connect, options.backup, type, &listener);
  if (type == BackupType::kIncremental && absl::IsFailedPrecondition(r.status()) &&
      !stop.load()) {
    log(absl::StrCat("incremental backup not possible (", Describe(r.status()),
                     "); taking a full backup instead"));
    type = BackupType::kFull;
    r = Backup(connect, options.backup, type, &listener);
  }
  const char* kind = type == BackupType::kFull ? "full" : "incremental";
  (void)AppendAudit(options.backup.backup_dir,
                    {absl::StrCat("backup ", kind), "schedule",
                     r.ok() ? absl::StrCat("{\"backupFile\":\"", r->manifest.backup_file, "\"}")
                            : "{}",
                     r.status(), absl::ToInt64Milliseconds(absl::Now() - start)});
  OperationEvent event{.operation = absl::StrCat("backup ", kind), .via = "schedule",
                       .database = r.ok() ? r->manifest.database : DatabaseNameOf(connect),
                       .outcome = r.status(),
                       .duration_ms = absl::ToInt64Milliseconds(absl::Now() - start)};
  if (r.ok()) {
    event.file = r->manifest.backup_file;
    event.size_bytes = r->manifest.size;
    event.rows = r->manifest.total_record_count;
  }
  for (const std::string& w : Report(options.operations, event, options.backup.backup_dir)) {
    log(absl::StrCat("warning: ", w));
  }
  if (!r.ok()) {
    log(absl::StrCat(kind, " backup failed: ", Describe(r.status())));
    return;
  }
  const formats::Manifest& m = r->manifest;
  std::string line = absl::StrCat(kind, " backup ", m.backup_file, ": ", m.tables.size(),
                                   " tables, ", m.total_record_count, " rows, ", m.size,
                                   " bytes in ", r->duration_ms, " ms");
  absl::StatusOr<ValidationReport> v = ValidateBackup(
      options.backup.backup_dir, m.backup_file, {.key = options.backup.read_key});
  if (!v.ok()) {
    absl::StrAppend(&line, "; validation could not run: ", Describe(v.status()));
  } else if (v->valid) {
    absl::StrAppend(&line, "; valid");
  } else {
    absl::StrAppend(&line, "; INVALID: ", v->errors.front());
  }
  absl::StatusOr<PruneResult> p = PruneBackups(options.backup.backup_dir, options.prune);
  if (!p.ok()) {
    absl::StrAppend(&line, "; prune failed: ", Describe(p.status()));
  } else {
    absl::StrAppend(&line, "; pruned ", p->deleted.size());
  }
  log(line);
}

// A drill of the newest backup, logged, notified and measured like a backup.
void DrillOnce(const ConnectOptions& connect, const ScheduleOptions& options,
               const ScheduleLog& log) {
  const absl::Time start = absl::Now();
  absl::StatusOr<DrillResult> r = Drill(
      connect, {.backup_dir = options.backup.backup_dir, .key = options.backup.read_key}, nullptr);
  OperationEvent event{.operation = "drill", .via = "schedule",
                       .database = r.ok() ? r->database : DatabaseNameOf(connect),
                       .outcome = r.status(),
                       .duration_ms = absl::ToInt64Milliseconds(absl::Now() - start)};
  if (r.ok()) {
    event.file = r->backup_file;
    event.drill_passed = r->passed;
    event.rto_ms = r->restore_ms;
  }
  (void)AppendAudit(options.backup.backup_dir,
                    {"drill", "schedule", "{}", r.status(), event.duration_ms});
  for (const std::string& w : Report(options.operations, event, options.backup.backup_dir)) {
    log(absl::StrCat("warning: ", w));
  }
  if (!r.ok()) {
    log(absl::StrCat("drill could not run: ", Describe(r.status())));
  } else if (r->passed) {
    log(absl::StrCat("drill of ", r->backup_file, ": passed, restored in ", r->restore_ms, " ms"));
  } else {
    log(absl::StrCat("drill of ", r->backup_file, ": FAILED: ", r->problems.front()));
  }
}

}  // namespace

absl::Status RunSchedule(const ConnectOptions& connect, const ScheduleOptions& options,
                         const std::atomic<bool>& stop, const ScheduleLog& log) {
  if (!options.full && !options.incremental) {
    return absl::InvalidArgumentError("no schedule: set BACKUP_SCHEDULE_FULL and/or "
                                      "BACKUP_SCHEDULE_INCREMENTAL");
  }
  PGARK_ASSIGN_OR_RETURN(std::shared_ptr<formats::Storage> repository,
                         OpenRepository(options.backup.backup_dir));
  PGARK_RETURN_IF_ERROR(repository->Prepare());
  PGARK_ASSIGN_OR_RETURN(std::unique_ptr<DirectoryLock> lock, DirectoryLock::Acquire(*repository));
  auto next_of = [&](const std::optional<CronSchedule>& s, absl::Time after) {
    return s ? s->Next(after, options.zone) : absl::InfiniteFuture();
  };
  absl::Time now = absl::Now();
  absl::Time next_full = next_of(options.full, now);
  absl::Time next_incremental = next_of(options.incremental, now);
  absl::Time next_drill = next_of(options.drill, now);
  log(absl::StrCat("scheduling", options.full ? absl::StrCat(" full \"", options.full->expression(), "\"") : "",
                   options.incremental
                       ? absl::StrCat(" incremental \"", options.incremental->expression(), "\"")
                       : "",
                   options.drill ? absl::StrCat(" drill \"", options.drill->expression(), "\"") : "",
                   "; next at ", absl::FormatTime("%Y-%m-%d %H:%M %Z", std::min({next_full, next_incremental, next_drill}), options.zone)));
  while (!stop.load()) {
    const absl::Time due = std::min({next_full, next_incremental, next_drill});
    now = absl::Now();
    if (now < due) {
      // Short sleeps: a stop request is noticed within a quarter of a second.
      absl::SleepFor(std::min(due - now, absl::Milliseconds(250)));
      continue;
    }
    if (due == next_drill && due < std::min(next_full, next_incremental)) {
      DrillOnce(connect, options, log);
      next_drill = next_of(options.drill, std::max(absl::Now(), next_drill));
      continue;
    }
    // When both are due, the full backup wins and the incremental waits for its next slot.
    const BackupType type = due == next_full ? BackupType::kFull : BackupType::kIncremental;
    RunOnce(connect, options, type, stop, log);
    now = absl::Now();
    next_full = next_of(options.full, std::max(now, next_full));
    next_incremental = next_of(options.incremental, std::max(now, next_incremental));
    // A drill due with a backup runs after it, on the backup just taken.
    if (next_drill <= now) {
      DrillOnce(connect, options, log);
      next_drill = next_of(options.drill, std::max(absl::Now(), next_drill));
    }
  }
  log("stopped");
  return absl::OkStatus();
}

}  // namespace pgark::engine
