// Notifications: one mail and one webhook POST per event that is due.
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "engine/operations/operations.h"
#include "engine/repository/audit_log.h"
#include "formats/archive_layout.h"
#include "formats/bounded_text.h"
#include "formats/notify_transport.h"

namespace pgark::engine {
namespace {

std::string HostName() {
  char name[256] = {0};
  if (::gethostname(name, sizeof(name) - 1) != 0 || name[0] == '\0') return "localhost";
  return name;
}

// Text for one header line: no line breaks (no header injection), bounded.
std::string HeaderText(absl::string_view text) {
  std::string out = formats::BoundedText(text, 300);
  for (char& c : out) {
    if (c == '\r' || c == '\n') c = ' ';
  }
  return out;
}

std::string Headline(const OperationEvent& e) {
  std::string what = e.operation;
  if (!e.database.empty()) absl::StrAppend(&what, " of database \"", e.database, "\"");
  if (!e.outcome.ok()) return absl::StrCat("pgark ", what, " FAILED");
  if (e.drill_passed && !*e.drill_passed) return absl::StrCat("pgark ", what, " FAILED: the copy differs");
  return absl::StrCat("pgark ", what, " succeeded");
}

std::string Details(const OperationEvent& e) {
  std::vector<std::string> lines = {Headline(e), absl::StrCat("host: ", HostName()),
                                    absl::StrCat("time: ", formats::IsoTimestamp(e.at))};
  if (!e.file.empty()) lines.push_back(absl::StrCat("file: ", e.file));
  lines.push_back(absl::StrCat("duration: ", e.duration_ms / 1000.0, " s"));
  if (e.size_bytes > 0) lines.push_back(absl::StrCat("size: ", e.size_bytes, " bytes"));
  if (e.rows > 0) lines.push_back(absl::StrCat("rows: ", e.rows));
  if (e.drill_passed) lines.push_back(absl::StrCat("restore time (RTO): ", e.rto_ms / 1000.0, " s"));
  if (!e.outcome.ok()) {
    lines.push_back(absl::StrCat("error: ", formats::BoundedText(e.outcome.message(),
                                                                 formats::kMaxMessageBytes)));
  }
  return absl::StrJoin(lines, "\n");
}

std::string MailText(const NotifyConfig& config, const std::string& from, const OperationEvent& e) {
  std::string body = Details(e);
  std::string crlf;
  for (char c : body) {
    if (c == '\n') crlf += '\r';
    crlf += c;
  }
  return absl::StrCat(
      "From: ", HeaderText(from), "\r\n", "To: ", HeaderText(absl::StrJoin(config.email_to, ", ")),
      "\r\n", "Subject: ", HeaderText(Headline(e)), "\r\n",
      "Date: ", absl::FormatTime("%a, %d %b %Y %H:%M:%S +0000", e.at, absl::UTCTimeZone()), "\r\n",
      "Content-Type: text/plain; charset=utf-8\r\n", "X-Mailer: pgark\r\n\r\n", crlf, "\r\n");
}

}  // namespace

bool IsFailure(const OperationEvent& e) {
  return !e.outcome.ok() || (e.drill_passed.has_value() && !*e.drill_passed);
}

std::string WebhookJson(const OperationEvent& e) {
  nlohmann::json j = {{"text", Details(e)},
                      {"operation", e.operation},
                      {"via", e.via},
                      {"database", e.database},
                      {"file", e.file},
                      {"outcome", IsFailure(e) ? "failure" : "success"},
                      {"error", e.outcome.ok() ? nlohmann::json(nullptr)
                                               : nlohmann::json(formats::BoundedText(
                                                     e.outcome.message(), formats::kMaxMessageBytes))},
                      {"durationMs", e.duration_ms},
                      {"sizeBytes", e.size_bytes},
                      {"rows", e.rows},
                      {"host", HostName()},
                      {"time", formats::IsoTimestamp(e.at)}};
  if (e.drill_passed) {
    j["drillPassed"] = *e.drill_passed;
    j["rtoSeconds"] = e.rto_ms / 1000.0;
  }
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::vector<std::string> Notify(const NotifyConfig& config, const OperationEvent& event) {
  std::vector<std::string> warnings;
  if (!config.enabled() || (!config.always && !IsFailure(event))) return warnings;
  if (!config.email_to.empty()) {
    const std::string from = config.from.empty() ? absl::StrCat("pgark@", HostName()) : config.from;
    formats::SmtpSettings smtp{config.smtp_url, config.smtp_user, config.smtp_password, from};
    absl::Status s = config.smtp_url.empty()
                         ? absl::InvalidArgumentError(
                               "BACKUP_NOTIFICATION_EMAIL is set but BACKUP_SMTP_URL is not")
                         : formats::SendMail(smtp, config.email_to, MailText(config, from, event));
    if (!s.ok()) warnings.push_back(absl::StrCat("notification mail not sent: ", s.message()));
  }
  if (!config.webhook_url.empty()) {
    absl::Status s = formats::PostJson(config.webhook_url, WebhookJson(event));
    if (!s.ok()) warnings.push_back(absl::StrCat("notification webhook not sent: ", s.message()));
  }
  return warnings;
}

std::vector<std::string> Report(const OperationsConfig& config, const OperationEvent& event,
                                const std::string& backup_dir) {
  std::vector<std::string> warnings = Notify(config.notify, event);
  if (!config.metrics_file.empty()) {
    if (absl::Status s = UpdateMetricsFile(config.metrics_file, event, backup_dir); !s.ok()) {
      warnings.push_back(absl::StrCat("metrics file not written: ", s.message()));
    }
  }
  for (const std::string& w : warnings) {
    (void)AppendAudit(backup_dir, {"notify", event.via,
                                   nlohmann::json{{"about", event.operation}}.dump(),
                                   absl::UnavailableError(w), 0});
  }
  return warnings;
}

}  // namespace pgark::engine
