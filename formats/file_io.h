// Files as Sinks and Sources. `FileSink` writes to a temporary file beside its destination and
// only on a successful `Close()` fsyncs it, links it into place (never replacing an existing
// file) and fsyncs the directory; on failure or destruction before Close the temporary file is
// removed, so no partial file is ever visible under the final name. Files are created 0600.
#ifndef PGARK_FORMATS_FILE_IO_H_
#define PGARK_FORMATS_FILE_IO_H_

#include <cstdint>
#include <limits>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "formats/sink.h"
#include "formats/source.h"

namespace pgark::formats {

// Maps an errno value to a Status ("<operation> \"<path>\": <strerror>"): ENOSPC/EDQUOT are
// kResourceExhausted, EACCES/EPERM/EROFS kPermissionDenied, ENOENT kNotFound, EEXIST
// kAlreadyExists, ELOOP (a symlink refused) kPermissionDenied, anything else kInternal.
absl::Status ErrnoStatus(absl::string_view operation, absl::string_view path, int err);

// Creates `path` (one level) with mode 0700 if missing. kFailedPrecondition if it exists but is
// not a directory; kPermissionDenied if it is not writable.
absl::Status EnsurePrivateDirectory(const std::string& path);

// A warning when the existing directory `path` lets other users read or enter it (pgark makes
// it 0700 and its files 0600, but does not change a directory it did not make); empty if not.
std::string OpenDirectoryWarning(const std::string& path);

// A file created exclusively (O_EXCL) to claim a name among concurrent processes, holding the
// claiming process's PID, and removed again when this is destroyed.
class NameReservation {
 public:
  // nullptr when `path` exists already (another process holds it).
  static absl::StatusOr<std::unique_ptr<NameReservation>> Take(const std::string& path);
  ~NameReservation();
  NameReservation(const NameReservation&) = delete;
  NameReservation& operator=(const NameReservation&) = delete;

 private:
  explicit NameReservation(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

// Writes a small file whole through a FileSink: nothing at `path` unless every byte is there.
absl::Status WriteFileAtomically(const std::string& path, absl::string_view contents,
                                 bool replace = false);

class FileSink : public Sink {
 public:
  // Creates the temporary file. kAlreadyExists if `path` already exists, unless `replace`
  // (small state files), in which case Close() atomically replaces it.
  static absl::StatusOr<std::unique_ptr<FileSink>> Open(const std::string& path,
                                                        bool replace = false);
  ~FileSink() override;

  const std::string& path() const { return path_; }
  uint64_t bytes_written() const { return bytes_written_; }

  // kResourceExhausted on a full disk, kInternal on other I/O errors. Sticky.
  absl::Status Append(absl::string_view data) override;
  // Flush, fsync, link into place, fsync the directory. kAlreadyExists if the destination
  // appeared meanwhile. Idempotent.
  absl::Status Close() override;

 private:
  FileSink(std::string path, std::string temp_path, int fd);
  absl::Status WriteAll(absl::string_view data);
  absl::Status Flush();
  absl::Status Fail(absl::Status status);
  void Discard();

  std::string path_;
  std::string temp_path_;
  int fd_;
  std::string buffer_;
  uint64_t bytes_written_ = 0;
  absl::Status status_;
  bool closed_ = false;
  bool replace_ = false;
};

class FileSource : public Source {
 public:
  static constexpr uint64_t kToEnd = std::numeric_limits<uint64_t>::max();

  // Opens `path` for reading `length` bytes from `offset` (the whole file by default).
  // kNotFound if it does not exist; kPermissionDenied if it is a symbolic link.
  static absl::StatusOr<std::unique_ptr<FileSource>> Open(const std::string& path,
                                                          uint64_t offset = 0,
                                                          uint64_t length = kToEnd,
                                                          size_t buffer_bytes = 1 << 20);
  ~FileSource() override;

  // kDataLoss if the file ends before the requested range does.
  absl::StatusOr<absl::string_view> Read() override;

 private:
  FileSource(std::string path, int fd, uint64_t length, size_t buffer_bytes);

  std::string path_;
  int fd_;
  uint64_t remaining_;
  bool bounded_;
  std::string buffer_;
  absl::Status status_;
};

// Size of the file at `path`, kNotFound if missing.
absl::StatusOr<uint64_t> FileSize(const std::string& path);

}  // namespace pgark::formats

#endif  // PGARK_FORMATS_FILE_IO_H_
