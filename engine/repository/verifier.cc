#include "engine/repository/verifier.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "engine/repository/backup_files.h"
#include "engine/pg/pg_connection.h"
#include "engine/ddl/schema_sql.h"
#include "formats/archive_layout.h"
#include "formats/archive_verify.h"
#include "formats/archive_writer.h"
#include "formats/byte_counter.h"
#include "formats/file_io.h"
#include "formats/statement_policy.h"
#include "formats/status_macros.h"

namespace pgark::engine {
namespace {

// Every integrity check of one archive; findings are appended to `errors`, prefixed with
// `prefix` (used for the links of a chain).
absl::Status CheckOne(const LoadedBackup& b, const std::string& prefix,
                      std::vector<std::string>& errors) {
  const formats::Manifest& m = b.manifest;
  // One pass: every member inflated and digest-checked, the data members' COPY framing
  // (header of the recorded length, "\." at the end) and the schema members' statements
  // (formats/statement_policy.h) checked on the way.
  formats::VerifyOptions verify{.inflate = true, .key = b.read.key};
  verify.inspect = [&m](const formats::MemberEntry& e) -> std::unique_ptr<formats::ForwardingSink> {
    if (formats::HoldsSchemaStatements(e.kind)) {
      return std::make_unique<formats::StatementCheckSink>(e, m.server_version_num);
    }
    if (e.kind != formats::MemberKind::kTableData) return nullptr;
    return std::make_unique<formats::CopyFramingSink>(
        CopyFromStdinLine(e.schema, e.name, e.columns), kCopyTrailer);
  };
  PGARK_ASSIGN_OR_RETURN(std::vector<std::string> found,
                         formats::CheckArchive(b.archive, m, verify));
  // A sealed manifest read without its key lists no member: only the file's size and SHA-256
  // could be checked above.
  const bool listed = !m.facts_sealed();
  if (listed && (m.members.empty() || m.members.front().kind != formats::MemberKind::kHeader)) {
    found.push_back("the archive does not start with a pgark header");
  } else if (found.empty() && (!m.encrypted() || b.read.key != nullptr)) {
    // Intact and readable: its header must be pgark's own, byte for byte.
    if (absl::Status header = CheckCanonicalMembers(b); !header.ok()) {
      found.push_back(std::string(header.message()));
    }
  }
  // Sections in order: pre-data, then data, then post-data.
  for (size_t i = 1; i < m.members.size(); ++i) {
    if (m.members[i].section < m.members[i - 1].section) {
      found.push_back(absl::StrCat(formats::DescribeMember(m.members[i]), " (",
                                   formats::SectionName(m.members[i].section), ") comes after ",
                                   formats::SectionName(m.members[i - 1].section),
                                   ": the sections are out of order"));
      break;
    }
  }
  for (std::string& f : found) errors.push_back(prefix + f);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<ValidationReport> ValidateBackup(const std::string& backup_dir,
                                                const std::string& backup_file,
                                                const ValidateOptions& options) {
  ValidationReport report;
  report.backup_file = backup_file;
  PGARK_ASSIGN_OR_RETURN(std::shared_ptr<formats::Storage> repository,
                         OpenRepository(backup_dir));
  absl::StatusOr<LoadedBackup> backup = LoadBackup(repository, backup_file, options.key);
  // Damage and unknown formats are findings; anything else (a bad name, a missing file, a
  // refused symlink, no permission) means the check could not run.
  if (!backup.ok() && !absl::IsDataLoss(backup.status()) &&
      !absl::IsUnimplemented(backup.status())) {
    return backup.status();
  }
  PGARK_ASSIGN_OR_RETURN(formats::ObjectInfo archive, repository->Stat(backup_file));
  report.file_size = archive.size;
  if (!backup.ok()) {
    report.has_manifest = !absl::StrContains(backup.status().message(), "has no manifest");
    report.errors.push_back(std::string(backup.status().message()));
  } else {
    report.has_manifest = true;
    const formats::Manifest& m = backup->manifest;
    report.file_type = formats::BackupTypeName(m.type);
    absl::StatusOr<std::vector<LoadedBackup>> chain = LoadChain(*backup);
    if (!chain.ok()) {
      PGARK_RETURN_IF_ERROR(chain.status().code() == absl::StatusCode::kDataLoss
                                ? absl::OkStatus()
                                : chain.status());
      report.errors.push_back(std::string(chain.status().message()));
    } else {
      for (const LoadedBackup& link : *chain) {
        const bool self = &link == &chain->back();
        PGARK_RETURN_IF_ERROR(CheckOne(
            link, self ? "" : absl::StrCat("base \"", link.manifest.backup_file, "\": "),
            report.errors));
        if (link.manifest.encrypted() && options.key == nullptr) {
          report.warnings.push_back(absl::StrCat(
              "\"", link.manifest.backup_file, "\" is encrypted (key id ", link.manifest.key_id,
              "): only its size and SHA-256 were checked; set BACKUP_ENCRYPTION_KEY to check "
              "its contents"));
        }
      }
    }
    const int made = m.server_version_num / 10000;
    const int target = options.target_server_version_num / 10000;
    if (target > 0 && made > target) {
      report.warnings.push_back(absl::StrCat("made with PostgreSQL ", m.postgres_version,
                                             ", target is ", target,
                                             ".x: restore needs PostgreSQL ", made,
                                             " or newer"));
    }
  }
  report.valid = report.errors.empty();
  if (options.record && report.has_manifest) {
    // Best effort: a read-only directory must not turn a finished check into a failure.
    (void)RecordCheck(*repository, backup_file, report.valid);
  }
  return report;
}

int ProbeServerVersionNum(ConnectOptions connect) {
  connect.connect_timeout_seconds = 3;
  absl::StatusOr<PgConnection> conn = PgConnection::Connect(connect);
  return conn.ok() ? conn->server_version_num() : 0;
}

}  // namespace pgark::engine
