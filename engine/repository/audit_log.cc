#include "engine/repository/audit_log.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "formats/archive_layout.h"
#include "formats/bounded_text.h"
#include "formats/file_io.h"
#include "formats/status_macros.h"

namespace pgark::engine {
namespace {

// The audit log, opened for appending: never through a symbolic link, and only a regular file
// (a FIFO must not block, a device must not be written).
absl::StatusOr<int> OpenAuditLog(const std::string& path) {
  int fd = ::open(path.c_str(),
                  O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0600);
  if (fd < 0) return formats::ErrnoStatus("open", path, errno);
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return absl::PermissionDeniedError(absl::StrCat("\"", path, "\" is not a regular file"));
  }
  return fd;
}

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
  struct stat dir;
  // No directory yet: the operation makes it; not a directory: the operation says so.
  if (::stat(backup_dir.c_str(), &dir) != 0 || !S_ISDIR(dir.st_mode)) return absl::OkStatus();
  const std::string path = formats::JoinPath(backup_dir, kAuditLogName);
  absl::StatusOr<int> fd = OpenAuditLog(path);
  if (fd.ok()) {
    ::close(*fd);
    return absl::OkStatus();
  }
  return absl::PermissionDeniedError(absl::StrCat(
      "the audit log cannot be written (", fd.status().message(),
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
  const std::string path = formats::JoinPath(backup_dir, kAuditLogName);
  PGARK_ASSIGN_OR_RETURN(const int fd, OpenAuditLog(path));
  // One write of one line with O_APPEND: concurrent writers never interleave inside a line.
  ssize_t n = ::write(fd, text.data(), text.size());
  int err = errno;
  ::close(fd);
  if (n != static_cast<ssize_t>(text.size())) return formats::ErrnoStatus("append to", path, err);
  return absl::OkStatus();
}

}  // namespace pgark::engine
