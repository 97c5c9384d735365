#include "engine/repository/leftovers.h"

#include <dirent.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/time/clock.h"
#include "engine/repository/backup_files.h"
#include "formats/archive_layout.h"
#include "formats/file_io.h"
#include "formats/storage.h"

namespace pgark::engine {
namespace {

// The PID a temporary name carries after `marker` ("tmp-", "spool-"), or 0.
int PidAfter(absl::string_view name, absl::string_view marker) {
  size_t at = name.rfind(marker);
  if (at == absl::string_view::npos) return 0;
  absl::string_view rest = name.substr(at + marker.size());
  int pid = 0;
  return absl::SimpleAtoi(rest.substr(0, rest.find('-')), &pid) ? pid : 0;
}

// The PID in a reservation file, or 0.
int ReservationPid(const std::string& dir, const std::string& name) {
  absl::StatusOr<std::string> text =
      formats::ReadSmallObject(*formats::LocalStorage(dir), name, 64);
  int pid = 0;
  return text.ok() && absl::SimpleAtoi(absl::StripAsciiWhitespace(*text), &pid) ? pid : 0;
}

bool ProcessGone(int pid) { return pid > 0 && ::kill(pid, 0) != 0 && errno == ESRCH; }

bool Leftover(const std::string& dir, const std::string& name) {
  if (name.empty() || name[0] != '.') return false;
  const std::string path = formats::JoinPath(dir, name);
  int pid = 0;
  if (absl::StartsWith(name, ".pgark-spool-")) {
    pid = PidAfter(name, "spool-");
  } else if (absl::StrContains(name, ".tmp-")) {
    pid = PidAfter(name, ".tmp-");
  } else if (absl::EndsWith(name, ".reserved")) {
    pid = ReservationPid(dir, name);
  }
  if (!ProcessGone(pid)) return false;
  struct stat st;
  return ::lstat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
         absl::FromTimeT(st.st_mtime) < absl::Now() - absl::Minutes(1);
}

}  // namespace

std::vector<std::string> FindLeftovers(const std::string& backup_dir) {
  std::vector<std::string> out;
  if (formats::IsObjectStoreLocation(backup_dir)) return out;
  DIR* d = ::opendir(backup_dir.c_str());
  if (d == nullptr) return out;
  while (dirent* e = ::readdir(d)) {
    if (Leftover(backup_dir, e->d_name)) out.push_back(e->d_name);
  }
  ::closedir(d);
  return out;
}

absl::StatusOr<std::vector<std::string>> RemoveLeftovers(const std::string& backup_dir) {
  std::vector<std::string> removed;
  for (const std::string& name : FindLeftovers(backup_dir)) {
    const std::string path = formats::JoinPath(backup_dir, name);
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
      return formats::ErrnoStatus("remove leftover", path, errno);
    }
    removed.push_back(name);
  }
  return removed;
}

}  // namespace pgark::engine
