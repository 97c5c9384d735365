// `pgark drill`: proves that a backup restores. It restores the backup (with its chain) into a
// scratch database, then checks the copy against what the backup recorded when it was made:
// every table's row count and order-independent content digest (formats/row_digest.h), every
// sequence's value, and that the schema's tables, indexes, constraints, triggers and views
// exist. It measures the restore's time (the recovery time actually achieved), drops the
// scratch database unless asked to keep it, and records the outcome beside the backup
// ("<backup id>-drill.json", shown by `list` as lastDrill).
#ifndef PGARK_ENGINE_DRILL_DRILL_H_
#define PGARK_ENGINE_DRILL_DRILL_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/options.h"
#include "engine/progress.h"
#include "formats/encryption.h"
#include "formats/storage.h"

namespace pgark::engine {

struct DrillOptions {
  std::string backup_dir;
  std::string backup_file;  // empty: the newest full or incremental backup
  std::shared_ptr<const formats::EncryptionKey> key;
  // The scratch database: empty: a new "pgark_drill_<time>_<random>" on the server the drill
  // restores into, made and dropped by the drill. Given: it must not exist (it is made and,
  // unless `keep`, dropped).
  std::string target_db;
  // The server to restore into; nullopt: the server of the connection the drill is given.
  std::optional<ConnectOptions> drill_server;
  bool keep = false;
  int jobs = 1;  // restore connections (restore full --jobs)
};

struct DrillTable {
  std::string name;
  int64_t expected_rows = 0;
  int64_t restored_rows = 0;
  bool digest_checked = false;  // false for archives made before digests were recorded
  bool ok = false;
};

struct DrillResult {
  std::string backup_file;
  std::string database;  // the database the backup is of
  std::string scratch_database;
  bool passed = false;
  bool kept = false;
  int64_t restore_ms = 0;  // the measured recovery time
  int64_t check_ms = 0;
  std::vector<DrillTable> tables;
  int sequences_checked = 0;
  int schema_objects_checked = 0;
  std::vector<std::string> problems;  // each names what differs
  std::string drilled_at;             // ISO 8601
};

// Runs the drill. A copy that differs is a result with passed = false (the caller's exit 3),
// not an error; errors are for a drill that could not run (no backup, restore failed, ...).
absl::StatusOr<DrillResult> Drill(const ConnectOptions& connect, const DrillOptions& options,
                                  ProgressListener* listener);

// (Its record, "<backup id>-drill.json": engine/repository/backup_files.h.)

}  // namespace pgark::engine

#endif  // PGARK_ENGINE_DRILL_DRILL_H_
