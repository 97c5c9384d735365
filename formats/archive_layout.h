// Names of the files in a backup directory. Archive names are built from the backup type, a
// sanitised label and a UTC timestamp, never from raw identifiers: they only ever contain
// [A-Za-z0-9._-]. File arguments from users and agents are names inside the directory, checked
// here, never paths.
#ifndef PGARK_FORMATS_ARCHIVE_LAYOUT_H_
#define PGARK_FORMATS_ARCHIVE_LAYOUT_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "formats/compression.h"

namespace pgark::formats {

// Replaces every character outside [A-Za-z0-9._-] with '_' (UTF-8 bytes included), collapses
// leading dots, and caps the length at 64 bytes; never returns an empty string.
std::string SanitizeLabel(absl::string_view label);

// "YYYYMMDD-HHMMSS" in UTC.
std::string CompactTimestamp(absl::Time t);
// "YYYY-MM-DDTHH:MM:SS.mmmZ".
std::string IsoTimestamp(absl::Time t);

// "backup-<type>[-<label>]-YYYYMMDD-HHMMSS[-N]"; `sequence` 0 omits the "-N" suffix that keeps
// two backups made in one second apart.
std::string BackupId(absl::string_view type, absl::string_view label, absl::Time t, int sequence);

// The archive file for a backup id: ".sql.gz", ".sql.zst" or ".sql" (formats/compression.h);
// ".enc" appended
// when encrypted.
std::string ArchiveFileName(absl::string_view backup_id, Codec codec, bool encrypted = false);
// "<backup id>-manifest.json".
std::string BackupManifestName(absl::string_view backup_id);
// "<backup id>-manifest.json" for an archive file name (".sql.gz", ".sql.zst", ".sql", any +
// ".enc").
// kInvalidArgument if `archive_file` does not end in one of them.
absl::StatusOr<std::string> ManifestFileName(absl::string_view archive_file);
// True for the name of a backup archive ("backup-" + a name ManifestFileName accepts).
bool IsArchiveFileName(absl::string_view name);

// Accepts a plain file name inside the backup directory: non-empty, at most 255 bytes, only
// [A-Za-z0-9._-], not starting with '.', so "..", "/", absolute paths and hidden temporary
// files are all refused with kInvalidArgument.
absl::Status ValidateFileName(absl::string_view name);

// `dir` + "/" + `name`.
std::string JoinPath(absl::string_view dir, absl::string_view name);

}  // namespace pgark::formats

#endif  // PGARK_FORMATS_ARCHIVE_LAYOUT_H_
