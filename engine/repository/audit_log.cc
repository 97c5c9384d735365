#include "engine/repository/audit_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include <nlohmann/json.hpp>

#include "absl/time/clock.h"
#include "formats/archive_layout.h"
#include "formats/file_io.h"

namespace pgark::engine {

absl::Status AppendAudit(const std::string& backup_dir, const AuditEntry& entry) {
  nlohmann::json arguments =
      nlohmann::json::parse(entry.arguments_json, nullptr, /*allow_exceptions=*/false);
  if (arguments.is_discarded()) arguments = nlohmann::json::object();
  nlohmann::json line = {{"time", formats::IsoTimestamp(absl::Now())},
                         {"operation", entry.operation},
                         {"via", entry.via},
                         {"arguments", arguments},
                         {"outcome", entry.outcome.ok() ? "ok" : "error"},
                         {"durationMs", entry.duration_ms}};
  if (!entry.outcome.ok()) line["error"] = std::string(entry.outcome.message());
  std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  const std::string path = formats::JoinPath(backup_dir, kAuditLogName);
  int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return formats::ErrnoStatus("open", path, errno);
  // One write of one line with O_APPEND: concurrent writers never interleave inside a line.
  ssize_t n = ::write(fd, text.data(), text.size());
  int err = errno;
  ::close(fd);
  if (n != static_cast<ssize_t>(text.size())) return formats::ErrnoStatus("append to", path, err);
  return absl::OkStatus();
}

}  // namespace pgark::engine
