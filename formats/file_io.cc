#include "formats/file_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "formats/status_macros.h"

namespace pgark::formats {
namespace {

constexpr size_t kWriteBufferBytes = 1 << 20;

std::string DirName(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::string BaseName(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

absl::Status FsyncDirectory(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus("open directory", dir, errno);
  int rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  if (rc != 0) return ErrnoStatus("fsync directory", dir, err);
  return absl::OkStatus();
}

}  // namespace

absl::Status ErrnoStatus(absl::string_view operation, absl::string_view path, int err) {
  std::string text = absl::StrFormat("%s \"%s\": %s", operation, path, std::strerror(err));
  switch (err) {
    case ENOSPC:
    case EDQUOT:
      return absl::ResourceExhaustedError(text);
    case EACCES:
    case EPERM:
    case EROFS:
      return absl::PermissionDeniedError(text);
    case ENOENT:
    case ENOTDIR:
      return absl::NotFoundError(text);
    case EEXIST:
      return absl::AlreadyExistsError(text);
    case ELOOP:  // a bad name, not a storage failure
      return absl::InvalidArgumentError(
          absl::StrCat(text, " (a symbolic link; pgark only opens plain files here)"));
    default:
      return absl::InternalError(text);
  }
}

absl::Status EnsurePrivateDirectory(const std::string& path) {
  if (::mkdir(path.c_str(), 0700) != 0 && errno != EEXIST) {
    return ErrnoStatus("create directory", path, errno);
  }
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return ErrnoStatus("stat", path, errno);
  if (!S_ISDIR(st.st_mode)) {
    return absl::PermissionDeniedError(
        absl::StrCat("backup directory \"", path, "\" is not a directory"));
  }
  if (::access(path.c_str(), W_OK | X_OK) != 0) {
    return ErrnoStatus("backup directory is not writable:", path, errno);
  }
  return absl::OkStatus();
}

std::string OpenDirectoryWarning(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || (st.st_mode & 0077) == 0) {
    return "";
  }
  return absl::StrFormat(
      "backup directory \"%s\" is open to other users (mode %04o): its files are 0600, but "
      "their names and sizes show; chmod 700 it",
      path, st.st_mode & 07777);
}

absl::StatusOr<std::unique_ptr<NameReservation>> NameReservation::Take(const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return nullptr;
    return ErrnoStatus("create", path, errno);
  }
  // Its holder, so that a reservation a killed process left can be told apart.
  const std::string pid = absl::StrCat(::getpid(), "\n");
  const bool written = ::write(fd, pid.data(), pid.size()) == static_cast<ssize_t>(pid.size());
  ::close(fd);
  if (!written) {
    ::unlink(path.c_str());
    return ErrnoStatus("write", path, errno);
  }
  return std::unique_ptr<NameReservation>(new NameReservation(path));
}

NameReservation::~NameReservation() { ::unlink(path_.c_str()); }

absl::StatusOr<std::unique_ptr<FileSink>> FileSink::Open(const std::string& path,
                                                         bool replace) {
  if (!replace && ::access(path.c_str(), F_OK) == 0) return ErrnoStatus("create", path, EEXIST);
  std::random_device rd;
  std::string temp = absl::StrFormat("%s/.%s.tmp-%d-%08x", DirName(path), BaseName(path),
                                     static_cast<int>(::getpid()), rd());
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return ErrnoStatus("create", temp, errno);
  std::unique_ptr<FileSink> sink(new FileSink(path, std::move(temp), fd));
  sink->replace_ = replace;
  return sink;
}

FileSink::FileSink(std::string path, std::string temp_path, int fd)
    : path_(std::move(path)), temp_path_(std::move(temp_path)), fd_(fd) {
  buffer_.reserve(kWriteBufferBytes);
}

FileSink::~FileSink() {
  if (!closed_ || !status_.ok()) Discard();
}

void FileSink::Discard() {
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
  if (!temp_path_.empty()) {
    ::unlink(temp_path_.c_str());
    temp_path_.clear();
  }
}

absl::Status FileSink::Fail(absl::Status status) {
  if (status_.ok()) status_ = std::move(status);
  Discard();
  return status_;
}

absl::Status FileSink::WriteAll(absl::string_view data) {
  const char* p = data.data();
  size_t left = data.size();
  while (left > 0) {
    ssize_t n = ::write(fd_, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus("write", path_, errno);
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
  return absl::OkStatus();
}

absl::Status FileSink::Flush() {
  absl::Status s = WriteAll(buffer_);
  buffer_.clear();
  return s;
}

absl::Status FileSink::Append(absl::string_view data) {
  if (!status_.ok()) return status_;
  if (closed_) return Fail(absl::FailedPreconditionError("append after close"));
  bytes_written_ += data.size();
  if (buffer_.size() + data.size() > kWriteBufferBytes) {
    absl::Status s = Flush();
    if (!s.ok()) return Fail(std::move(s));
  }
  if (data.size() >= kWriteBufferBytes) {
    // Large appends bypass the buffer: written straight from the caller's memory.
    absl::Status s = WriteAll(data);
    if (!s.ok()) return Fail(std::move(s));
    return absl::OkStatus();
  }
  buffer_.append(data.data(), data.size());
  return absl::OkStatus();
}

absl::Status WriteFileAtomically(const std::string& path, absl::string_view contents,
                                 bool replace) {
  PGARK_ASSIGN_OR_RETURN(std::unique_ptr<FileSink> sink, FileSink::Open(path, replace));
  PGARK_RETURN_IF_ERROR(sink->Append(contents));
  return sink->Close();
}

absl::Status FileSink::Close() {
  if (closed_ || !status_.ok()) return status_;
  closed_ = true;
  absl::Status s = Flush();
  if (s.ok() && ::fsync(fd_) != 0) s = ErrnoStatus("fsync", path_, errno);
  if (s.ok()) {
    int rc = ::close(fd_);
    fd_ = -1;
    if (rc != 0) s = ErrnoStatus("close", path_, errno);
  }
  // link() fails with EEXIST instead of replacing: two writers never clobber each other.
  if (s.ok() && (replace_ ? ::rename(temp_path_.c_str(), path_.c_str())
                          : ::link(temp_path_.c_str(), path_.c_str())) != 0) {
    s = ErrnoStatus("rename into place", path_, errno);
  }
  if (!s.ok()) return Fail(std::move(s));
  if (!replace_) ::unlink(temp_path_.c_str());
  temp_path_.clear();
  s = FsyncDirectory(DirName(path_));
  if (!s.ok()) status_ = s;
  return s;
}

absl::StatusOr<std::unique_ptr<FileSource>> FileSource::Open(const std::string& path,
                                                             uint64_t offset, uint64_t length,
                                                             size_t buffer_bytes) {
  // O_NOFOLLOW: a name in the backup directory must not lead out of it through a symlink.
  // O_NONBLOCK: a FIFO must not block the open; only regular files are read.
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  if (fd < 0) return ErrnoStatus("open", path, errno);
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return absl::InvalidArgumentError(
        absl::StrCat("\"", path, "\" is not a regular file (a FIFO, device or directory)"));
  }
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  if (offset > 0 && ::lseek(fd, static_cast<off_t>(offset), SEEK_SET) < 0) {
    int err = errno;
    ::close(fd);
    return ErrnoStatus("seek", path, err);
  }
  ::posix_fadvise(fd, static_cast<off_t>(offset), 0, POSIX_FADV_SEQUENTIAL);
  return std::unique_ptr<FileSource>(new FileSource(path, fd, length, buffer_bytes));
}

FileSource::FileSource(std::string path, int fd, uint64_t length, size_t buffer_bytes)
    : path_(std::move(path)), fd_(fd), remaining_(length), bounded_(length != kToEnd) {
  buffer_.resize(std::max<size_t>(buffer_bytes, 4096));
}

FileSource::~FileSource() {
  if (fd_ >= 0) ::close(fd_);
}

absl::StatusOr<absl::string_view> FileSource::Read() {
  if (!status_.ok()) return status_;
  if (remaining_ == 0) return absl::string_view();
  size_t want = static_cast<size_t>(std::min<uint64_t>(buffer_.size(), remaining_));
  for (;;) {
    ssize_t n = ::read(fd_, buffer_.data(), want);
    if (n < 0) {
      if (errno == EINTR) continue;
      status_ = ErrnoStatus("read", path_, errno);
      return status_;
    }
    if (n == 0) {
      if (bounded_) {
        status_ = absl::DataLossError(absl::StrFormat(
            "file \"%s\" is truncated: %d bytes missing", path_, remaining_));
        return status_;
      }
      remaining_ = 0;
      return absl::string_view();
    }
    if (bounded_) remaining_ -= static_cast<uint64_t>(n);
    return absl::string_view(buffer_.data(), static_cast<size_t>(n));
  }
}

absl::StatusOr<uint64_t> FileSize(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return ErrnoStatus("stat", path, errno);
  return static_cast<uint64_t>(st.st_size);
}

}  // namespace pgark::formats
