// Operating pgark unattended: what happened (an OperationEvent, from the CLI, the scheduler or
// a drill), told to people (a mail, a webhook) and to monitoring (a Prometheus textfile).
// Telling is never the operation: a notification or metrics file that cannot be written is a
// warning, returned for the log and the audit trail, and never fails what was done.
#ifndef PGARK_ENGINE_OPERATIONS_OPERATIONS_H_
#define PGARK_ENGINE_OPERATIONS_OPERATIONS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace pgark::engine {

struct OperationEvent {
  std::string operation;  // "backup full", "restore table", "drill", ...
  std::string via;        // "cli", "schedule", "mcp"
  std::string database;
  std::string file;       // the backup or export file, when there is one
  absl::Status outcome;
  int64_t duration_ms = 0;
  uint64_t size_bytes = 0;
  int64_t rows = 0;
  std::optional<bool> drill_passed;  // drills: whether the copy matched
  int64_t rto_ms = 0;                // drills: the restore's time
  absl::Time at = absl::Now();
};

// Who hears of what (from BACKUP_NOTIFICATION_EMAIL, BACKUP_SMTP_URL, BACKUP_SMTP_USER,
// BACKUP_SMTP_PASSWORD, BACKUP_NOTIFICATION_FROM, BACKUP_NOTIFICATION_WEBHOOK, BACKUP_NOTIFY_ON).
struct NotifyConfig {
  std::vector<std::string> email_to;
  std::string smtp_url;
  std::string smtp_user;
  std::string smtp_password;
  std::string from;  // default pgark@<host name>
  std::string webhook_url;
  bool always = false;  // BACKUP_NOTIFY_ON=always; default: failures only

  bool enabled() const { return !email_to.empty() || !webhook_url.empty(); }
};

// A failure: an operation that ended in error, or a drill whose copy differed.
bool IsFailure(const OperationEvent& event);

// Sends what `config` asks for about `event`; returns a warning per notification that could
// not be sent (none: all went, or none was due).
std::vector<std::string> Notify(const NotifyConfig& config, const OperationEvent& event);

// The Slack-compatible JSON the webhook receives: `text`, and the structured fields
// operation, database, file, outcome, error, durationMs, sizeBytes, rows, host, time.
std::string WebhookJson(const OperationEvent& event);

// Updates the Prometheus text exposition at `path` (atomically: a temporary file renamed over
// it, for node_exporter's textfile collector) with `event` and the state of the repository at
// `backup_dir` (backups, bytes, oldest and newest restore point, last drill). Samples of other
// operations and databases written before are kept.
absl::Status UpdateMetricsFile(const std::string& path, const OperationEvent& event,
                               const std::string& backup_dir);

struct OperationsConfig {
  NotifyConfig notify;
  std::string metrics_file;  // BACKUP_METRICS_FILE; empty: none
};

// Notify and UpdateMetricsFile for `event`; each warning (a notification not sent, a metrics
// file not written) is also appended to the audit log of `backup_dir`, and returned for the
// caller's log.
std::vector<std::string> Report(const OperationsConfig& config, const OperationEvent& event,
                                const std::string& backup_dir);

// What /metrics serves: the metrics file with the repository's gauges brought up to date, or
// the repository's gauges alone when there is no file.
std::string MetricsText(const std::string& metrics_file, const std::string& backup_dir);

}  // namespace pgark::engine

#endif  // PGARK_ENGINE_OPERATIONS_OPERATIONS_H_
