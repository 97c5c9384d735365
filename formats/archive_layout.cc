#include "formats/archive_layout.h"

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace pgark::formats {
namespace {

bool IsNameChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
         c == '.' || c == '_' || c == '-';
}

}  // namespace

std::string SanitizeLabel(absl::string_view label) {
  std::string out;
  for (char c : label) {
    if (out.size() >= 64) break;
    if (out.empty() && c == '.') continue;
    out.push_back(IsNameChar(c) ? c : '_');
  }
  if (out.empty()) out.push_back('_');  // (not `= "_"`: g++ 12 -Wrestrict false positive)
  return out;
}

std::string CompactTimestamp(absl::Time t) {
  return absl::FormatTime("%Y%m%d-%H%M%S", t, absl::UTCTimeZone());
}

std::string IsoTimestamp(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", t, absl::UTCTimeZone());
}

std::string BackupId(absl::string_view type, absl::string_view label, absl::Time t,
                     int sequence) {
  std::string id = absl::StrCat("backup-", type);
  if (!label.empty()) absl::StrAppend(&id, "-", SanitizeLabel(label));
  absl::StrAppend(&id, "-", CompactTimestamp(t));
  if (sequence > 0) absl::StrAppend(&id, "-", sequence);
  return id;
}

std::string ArchiveFileName(absl::string_view backup_id, Codec codec, bool encrypted) {
  return absl::StrCat(backup_id, ArchiveSuffix(codec), encrypted ? ".enc" : "");
}

std::string BackupManifestName(absl::string_view backup_id) {
  return absl::StrCat(backup_id, "-manifest.json");
}

absl::StatusOr<std::string> ManifestFileName(absl::string_view archive_file) {
  for (bool encrypted : {true, false}) {
    for (Codec codec : {Codec::kGzip, Codec::kZstd, Codec::kNone}) {
      const std::string suffix = absl::StrCat(ArchiveSuffix(codec), encrypted ? ".enc" : "");
      if (absl::EndsWith(archive_file, suffix) && archive_file.size() > suffix.size()) {
        archive_file.remove_suffix(suffix.size());
        return BackupManifestName(archive_file);
      }
    }
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "\"", archive_file,
      "\" is not a backup file name (expected a .sql.gz, .sql.zst or .sql file)"));
}

bool IsArchiveFileName(absl::string_view name) {
  return absl::StartsWith(name, "backup-") && ManifestFileName(name).ok();
}

absl::Status ValidateFileName(absl::string_view name) {
  bool ok = !name.empty() && name.size() <= 255 && name[0] != '.';
  for (char c : name) ok = ok && IsNameChar(c);
  if (!ok) {
    return absl::InvalidArgumentError(absl::StrCat(
        "file \"", absl::CHexEscape(name.substr(0, 100)),
        "\" is not a plain file name inside the backup directory (allowed: letters, digits, "
        "'.', '_', '-'; no paths)"));
  }
  return absl::OkStatus();
}

std::string JoinPath(absl::string_view dir, absl::string_view name) {
  if (dir.empty()) return std::string(name);
  if (absl::EndsWith(dir, "/")) return absl::StrCat(dir, name);
  return absl::StrCat(dir, "/", name);
}

}  // namespace pgark::formats
