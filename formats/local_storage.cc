// A local directory as a Storage: files written through FileSink (temporary file, fsync, link
// into place), read through FileSource (never through a symbolic link).
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "absl/strings/str_cat.h"
#include "formats/archive_layout.h"
#include "formats/file_io.h"
#include "formats/memory_io.h"
#include "formats/status_macros.h"
#include "formats/storage.h"

namespace pgark::formats {
namespace {

// A log file opened for appending: never through a symbolic link, and only a regular file (a
// FIFO must not block, a device must not be written).
absl::StatusOr<int> OpenLog(const std::string& path) {
  int fd = ::open(path.c_str(),
                  O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0600);
  if (fd < 0) return ErrnoStatus("open", path, errno);
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return absl::PermissionDeniedError(absl::StrCat("\"", path, "\" is not a regular file"));
  }
  return fd;
}

class DirectoryStorage : public Storage {
 public:
  explicit DirectoryStorage(std::string dir) : dir_(std::move(dir)) {}

  const std::string& location() const override { return dir_; }
  std::string Locate(absl::string_view name) const override { return JoinPath(dir_, name); }
  bool local() const override { return true; }

  absl::Status Prepare() override { return EnsurePrivateDirectory(dir_); }

  absl::StatusOr<std::unique_ptr<Sink>> Create(const std::string& name, bool replace) override {
    PGARK_ASSIGN_OR_RETURN(std::unique_ptr<FileSink> sink, FileSink::Open(Locate(name), replace));
    return std::unique_ptr<Sink>(std::move(sink));
  }

  absl::StatusOr<std::unique_ptr<Source>> Read(const std::string& name, uint64_t offset,
                                               uint64_t length) override {
    PGARK_ASSIGN_OR_RETURN(std::unique_ptr<FileSource> source,
                           FileSource::Open(Locate(name), offset, length));
    return std::unique_ptr<Source>(std::move(source));
  }

  absl::StatusOr<ObjectInfo> Stat(const std::string& name) override {
    const std::string path = Locate(name);
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) return ErrnoStatus("stat", path, errno);
    return ObjectInfo{name, static_cast<uint64_t>(st.st_size), absl::FromTimeT(st.st_mtime)};
  }

  absl::StatusOr<std::vector<ObjectInfo>> List() override {
    DIR* d = ::opendir(dir_.c_str());
    if (d == nullptr) return ErrnoStatus("open directory", dir_, errno);
    std::vector<ObjectInfo> out;
    while (dirent* e = ::readdir(d)) {
      const std::string name = e->d_name;
      struct stat st;
      if (name.empty() || name[0] == '.') continue;
      if (::lstat(Locate(name).c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
      out.push_back({name, static_cast<uint64_t>(st.st_size), absl::FromTimeT(st.st_mtime)});
    }
    ::closedir(d);
    return out;
  }

  absl::Status Delete(const std::string& name) override {
    const std::string path = Locate(name);
    if (::unlink(path.c_str()) != 0) return ErrnoStatus("delete", path, errno);
    return absl::OkStatus();
  }

  absl::Status AppendRecord(const std::string& log, absl::string_view line) override {
    const std::string path = Locate(log);
    PGARK_ASSIGN_OR_RETURN(const int fd, OpenLog(path));
    // One write of one line with O_APPEND: concurrent writers never interleave inside a line.
    ssize_t n = line.empty() ? 0 : ::write(fd, line.data(), line.size());
    int err = errno;
    ::close(fd);
    if (n != static_cast<ssize_t>(line.size())) return ErrnoStatus("append to", path, err);
    return absl::OkStatus();
  }

  absl::StatusOr<std::string> ReadRecords(const std::string& log, uint64_t max_bytes) override {
    absl::StatusOr<ObjectInfo> info = Stat(log);
    if (absl::IsNotFound(info.status())) return std::string();
    PGARK_RETURN_IF_ERROR(info.status());
    const uint64_t start = info->size > max_bytes ? info->size - max_bytes : 0;
    PGARK_ASSIGN_OR_RETURN(std::unique_ptr<Source> source, Read(log, start, kToEnd));
    StringSink all;
    PGARK_RETURN_IF_ERROR(Pump(*source, all).status());
    std::string text(all.data());
    if (start > 0) {  // from the first whole line
      const size_t nl = text.find('\n');
      text.erase(0, nl == std::string::npos ? text.size() : nl + 1);
    }
    return text;
  }

 private:
  std::string dir_;
};

}  // namespace

std::shared_ptr<Storage> LocalStorage(const std::string& directory) {
  return std::make_shared<DirectoryStorage>(directory);
}

StoredObject LocalFile(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return {LocalStorage("."), path};
  return {LocalStorage(slash == 0 ? "/" : path.substr(0, slash)), path.substr(slash + 1)};
}

}  // namespace pgark::formats
