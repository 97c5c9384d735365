#include "engine/repository/audit_log.h"

#include <sys/stat.h>


#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "formats/archive_layout.h"
#include "formats/bounded_text.h"
#include "formats/storage.h"
#include "formats/status_macros.h"

namespace pgark::engine {
namespace {

// Every string in `value` bounded: the audit log records what was asked, not megabytes of it.
void BoundStrings(nlohmann::json& value) {
  if (value.is_string()) {
    value = formats::BoundedText(value.get<std::string>(), formats::kMaxEchoedBytes);
  } else if (value.is_structured()) {
    for (nlohmann::json& item : value) BoundStrings(item);
  }
}

}  // namespace

absl::Status CheckAuditWritable(const std::string& backup_dir) {
  // In object storage each record is an object of its own: nothing to check ahead.
  if (formats::IsObjectStoreLocation(backup_dir)) return absl::OkStatus();
  struct stat dir;
  // No directory yet: the operation makes it; not a directory: the operation says so.
  if (::stat(backup_dir.c_str(), &dir) != 0 || !S_ISDIR(dir.st_mode)) return absl::OkStatus();
  absl::Status s = formats::LocalStorage(backup_dir)->AppendRecord(kAuditLogName, "");
  if (s.ok()) return s;
  return absl::PermissionDeniedError(absl::StrCat(
      "the audit log cannot be written (", s.message(),
      "); every change is audited, so none is made: fix the backup directory's permissions or "
      "use another one"));
}

absl::Status AppendAudit(const std::string& backup_dir, const AuditEntry& entry) {
  nlohmann::json arguments =
      nlohmann::json::parse(entry.arguments_json, nullptr, /*allow_exceptions=*/false);
  if (arguments.is_discarded()) arguments = nlohmann::json::object();
  BoundStrings(arguments);
  nlohmann::json line = {{"time", formats::IsoTimestamp(absl::Now())},
                         {"operation", entry.operation},
                         {"via", entry.via},
                         {"arguments", arguments},
                         {"outcome", entry.outcome.ok() ? "ok" : "error"},
                         {"durationMs", entry.duration_ms}};
  if (!entry.outcome.ok()) {
    line["error"] = formats::BoundedText(entry.outcome.message(), formats::kMaxMessageBytes);
  }
  std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  PGARK_ASSIGN_OR_RETURN(std::shared_ptr<formats::Storage> repository,
                         formats::OpenStorage(backup_dir));
  return repository->AppendRecord(kAuditLogName, text);
}

absl::StatusOr<std::string> ReadAuditLog(const std::string& backup_dir, uint64_t max_bytes) {
  PGARK_ASSIGN_OR_RETURN(std::shared_ptr<formats::Storage> repository,
                         formats::OpenStorage(backup_dir));
  return repository->ReadRecords(kAuditLogName, max_bytes);
}

}  // namespace pgark::engine
