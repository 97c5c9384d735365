#include "engine/verifier.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "engine/backup_files.h"
#include "engine/schema_sql.h"
#include "formats/archive_layout.h"
#include "formats/archive_verify.h"
#include "formats/archive_writer.h"
#include "formats/byte_counter.h"
#include "formats/file_io.h"
#include "formats/status_macros.h"

namespace pgark::engine {

absl::StatusOr<ValidationReport> ValidateBackup(const std::string& backup_dir,
                                                const std::string& backup_file) {
  ValidationReport report;
  report.backup_file = backup_file;
  absl::StatusOr<LoadedBackup> backup = LoadBackup(backup_dir, backup_file);
  // Damage and unknown formats are findings; anything else (a bad name, a missing file, a
  // refused symlink, no permission) means the check could not run.
  if (!backup.ok() && !absl::IsDataLoss(backup.status()) &&
      !absl::IsUnimplemented(backup.status())) {
    return backup.status();
  }
  PGARK_ASSIGN_OR_RETURN(report.file_size,
                         formats::FileSize(formats::JoinPath(backup_dir, backup_file)));
  if (!backup.ok()) {
    report.has_manifest = !absl::StrContains(backup.status().message(), "has no manifest");
    report.errors.push_back(std::string(backup.status().message()));
    return report;
  }
  report.has_manifest = true;
  const formats::Manifest& m = backup->manifest;
  report.file_type = m.type;
  PGARK_ASSIGN_OR_RETURN(report.errors,
                         formats::CheckArchive(backup->archive_path, m, {.inflate = true}));
  // The COPY framing of every data member: header of the recorded length, "\." at the end.
  if (report.errors.empty()) {
    for (const formats::MemberEntry& e : m.members) {
      if (e.section != "data") continue;
      formats::NullSink null;
      formats::TrimSink trim(e.copy_header_bytes, kCopyTrailer);
      trim.set_downstream(&null);
      absl::Status s = formats::ReadMember(backup->archive_path, e, m.compressed, trim);
      if (s.ok()) s = trim.Close();
      if (!s.ok()) {
        report.errors.push_back(absl::StrCat(formats::DescribeMember(e), ": ", s.message()));
      }
    }
  }
  if (m.members.empty() || m.members.front().kind != "HEADER") {
    report.errors.push_back("the archive does not start with a pgark header");
  }
  report.valid = report.errors.empty();
  return report;
}

}  // namespace pgark::engine
