// The storage seam under the repository: a flat namespace of named objects (backup archives,
// manifests, exports, check records, the audit log) in a local directory or an S3 bucket.
// Everything the repository does goes through these few calls, so both places behave alike:
//
//   - Create writes a new object as a stream; it appears under its name only when Close()
//     succeeds (a temporary file renamed into place; a multipart upload completed), never
//     half-written, and destroying the sink before that discards it (file removed, upload
//     aborted).
//   - Read streams a byte range, so that a restore of one table fetches only its members.
//   - List, Stat and Delete do what they say on the top level of the repository.
//   - AppendRecord / ReadRecords keep an append-only log (the audit log): one file appended
//     line by line locally, one object per record in object storage (S3 cannot append).
//
// Names are plain file names (formats/archive_layout.h checks them); a Storage never sees a
// path from a user. Implementations are thread-safe: restores read several ranges at once.
#ifndef PGARK_FORMATS_STORAGE_H_
#define PGARK_FORMATS_STORAGE_H_

#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "formats/sink.h"
#include "formats/source.h"

namespace pgark::formats {

struct ObjectInfo {
  std::string name;
  uint64_t size = 0;
  absl::Time modified;
};

class Storage {
 public:
  static constexpr uint64_t kToEnd = std::numeric_limits<uint64_t>::max();

  virtual ~Storage() = default;

  // The repository as the user named it: a directory, or "s3://bucket/prefix".
  virtual const std::string& location() const = 0;
  // Where object `name` is, for messages ("/backups/x.sql.gz", "s3://bucket/prefix/x.sql.gz").
  virtual std::string Locate(absl::string_view name) const = 0;
  // True for a directory on this machine (temporary files, locks and leftovers live there).
  virtual bool local() const = 0;

  // Makes the repository ready to be written: creates a missing directory (0700); checks that
  // a bucket exists and the credentials are accepted.
  virtual absl::Status Prepare() = 0;

  // A new object `name`, written through the returned Sink. kAlreadyExists if it exists,
  // unless `replace` (small state files, replaced whole on Close()).
  virtual absl::StatusOr<std::unique_ptr<Sink>> Create(const std::string& name,
                                                       bool replace = false) = 0;
  // Bytes [offset, offset + length) of `name`. kNotFound if it does not exist; kDataLoss when
  // the object ends before the range does.
  virtual absl::StatusOr<std::unique_ptr<Source>> Read(const std::string& name,
                                                       uint64_t offset = 0,
                                                       uint64_t length = kToEnd) = 0;
  // kNotFound if `name` does not exist.
  virtual absl::StatusOr<ObjectInfo> Stat(const std::string& name) = 0;
  // The objects at the top level of the repository (regular files; no hidden ones), in no
  // particular order. kNotFound if the repository itself does not exist.
  virtual absl::StatusOr<std::vector<ObjectInfo>> List() = 0;
  // kNotFound if `name` does not exist.
  virtual absl::Status Delete(const std::string& name) = 0;

  // Appends `line` (ending in '\n') to the log `log`.
  virtual absl::Status AppendRecord(const std::string& log, absl::string_view line) = 0;
  // The last lines of `log`, at most about `max_bytes` of them, oldest first; "" when empty.
  virtual absl::StatusOr<std::string> ReadRecords(const std::string& log, uint64_t max_bytes) = 0;
};

// An object of a storage, as archives are handed around: shared, since readers on several
// threads use the same storage.
struct StoredObject {
  std::shared_ptr<Storage> storage;
  std::string name;

  std::string Where() const { return storage->Locate(name); }
};

// Opens the repository at `location`: "s3://BUCKET[/PREFIX]" for S3 (formats/s3_storage.h,
// configured from the AWS_* environment), anything else a local directory. kInvalidArgument
// for a malformed S3 location or configuration. Opening does no I/O.
absl::StatusOr<std::shared_ptr<Storage>> OpenStorage(const std::string& location);

// True for "s3://..." locations.
bool IsObjectStoreLocation(absl::string_view location);

// A local directory as a Storage.
std::shared_ptr<Storage> LocalStorage(const std::string& directory);

// The file at `path` as an object of its directory's LocalStorage (tests and tools).
StoredObject LocalFile(const std::string& path);

// Reads a whole small object (a manifest). kNotFound if missing; kFailedPrecondition past
// `max_bytes`.
absl::StatusOr<std::string> ReadSmallObject(Storage& storage, const std::string& name,
                                            uint64_t max_bytes);
// Writes a small object whole: nothing under `name` unless every byte is there.
absl::Status WriteSmallObject(Storage& storage, const std::string& name,
                              absl::string_view contents, bool replace = false);

}  // namespace pgark::formats

#endif  // PGARK_FORMATS_STORAGE_H_
