#include "engine/repository/backup_files.h"

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "engine/ddl/schema_sql.h"
#include "engine/repository/incremental.h"
#include "formats/archive_layout.h"
#include "formats/file_io.h"
#include "formats/manifest_seal.h"
#include "formats/memory_io.h"
#include "formats/statement_policy.h"
#include "formats/status_macros.h"

namespace pgark::engine {

absl::StatusOr<std::shared_ptr<formats::Storage>> OpenRepository(const std::string& backup_dir) {
  absl::StatusOr<std::shared_ptr<formats::Storage>> storage = formats::OpenStorage(backup_dir);
  if (!storage.ok()) return Annotate(storage.status(), "BACKUP_DIR");
  return storage;
}

absl::StatusOr<LoadedBackup> LoadBackup(const std::string& backup_dir,
                                        const std::string& backup_file,
                                        std::shared_ptr<const formats::EncryptionKey> key) {
  PGARK_ASSIGN_OR_RETURN(std::shared_ptr<formats::Storage> repository,
                         OpenRepository(backup_dir));
  return LoadBackup(repository, backup_file, std::move(key));
}

absl::StatusOr<LoadedBackup> LoadBackup(const std::shared_ptr<formats::Storage>& repository,
                                        const std::string& backup_file,
                                        std::shared_ptr<const formats::EncryptionKey> key) {
  PGARK_RETURN_IF_ERROR(formats::ValidateFileName(backup_file));
  PGARK_ASSIGN_OR_RETURN(std::string manifest_name, formats::ManifestFileName(backup_file));
  LoadedBackup b;
  b.archive = {repository, backup_file};
  b.manifest_file = manifest_name;
  absl::StatusOr<formats::ObjectInfo> archive = repository->Stat(backup_file);
  if (absl::IsNotFound(archive.status())) {
    return absl::NotFoundError(absl::StrCat("backup \"", backup_file, "\" not found in \"",
                                            repository->location(),
                                            "\" (run `pgark list` to see backups)"));
  }
  PGARK_RETURN_IF_ERROR(archive.status());
  absl::StatusOr<std::string> json =
      formats::ReadSmallObject(*repository, manifest_name, 256u << 20);
  if (absl::IsNotFound(json.status())) {
    return absl::DataLossError(
        absl::StrCat("backup \"", backup_file, "\" has no manifest \"", manifest_name,
                     "\": it is incomplete or not a pgark backup"));
  }
  PGARK_RETURN_IF_ERROR(json.status());
  absl::StatusOr<formats::Manifest> manifest = formats::DecodeManifest(*json);
  if (!manifest.ok()) {
    return Annotate(manifest.status(), absl::StrCat("backup \"", backup_file, "\""));
  }
  if (manifest->backup_file != backup_file) {
    return absl::DataLossError(absl::StrCat("manifest \"", manifest_name, "\" describes \"",
                                            manifest->backup_file, "\", not \"", backup_file,
                                            "\""));
  }
  // The manifest says whether the file is encrypted: a key that is set reads only those, and
  // opens their sealed manifests (the public facts beside one are not trusted).
  if (manifest->encrypted() && key != nullptr) {
    manifest = formats::UnsealManifest(*manifest, key);
    if (!manifest.ok()) return manifest.status();
  }
  b.manifest = *std::move(manifest);
  b.offered_key = key;
  b.read = {b.manifest.compression, b.manifest.encrypted() ? std::move(key) : nullptr};
  return b;
}

namespace {

// Whether member `entry` of `backup` holds exactly `expected`.
absl::StatusOr<bool> HoldsExactly(const LoadedBackup& backup, const formats::MemberEntry& entry,
                                  const std::string& expected) {
  if (entry.raw_bytes != expected.size()) return false;
  formats::StringSink text;
  PGARK_RETURN_IF_ERROR(formats::ReadMember(backup.archive, entry, backup.read, text));
  return text.data() == expected;
}

}  // namespace

absl::Status CheckCanonicalMembers(const LoadedBackup& backup) {
  const formats::Manifest& m = backup.manifest;
  const std::string header =
      ArchiveHeaderSql(m.backup_id, {m.postgres_version, m.server_version_num, m.database}, m.type);
  bool canonical = !m.members.empty() && m.members.front().kind == formats::MemberKind::kHeader;
  if (canonical) {
    PGARK_ASSIGN_OR_RETURN(canonical, HoldsExactly(backup, m.members.front(), header));
  }
  if (!canonical) {
    return absl::DataLossError(absl::StrCat(
        "backup \"", m.backup_file, "\" does not start with the header pgark writes: refused (its "
        "first statements would run outside the restore's transaction)"));
  }
  const std::string guard = IncrementalGuardSql(m.backup_file);
  for (const formats::MemberEntry& e : m.members) {
    if (e.kind != formats::MemberKind::kIncrementalGuard) continue;
    PGARK_ASSIGN_OR_RETURN(bool exact, HoldsExactly(backup, e, guard));
    if (!exact) {
      return absl::DataLossError(absl::StrCat("backup \"", m.backup_file,
                                              "\" holds an incremental guard pgark did not write "
                                              "(psql would run it): refused"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> ReadMemberSql(const LoadedBackup& backup,
                                          const formats::MemberEntry& entry) {
  const bool schema = formats::HoldsSchemaStatements(entry.kind);
  if (schema && entry.raw_bytes > formats::kMaxSchemaMemberBytes) {
    return absl::DataLossError(absl::StrCat(formats::DescribeMember(entry), " holds ",
                                            entry.raw_bytes, " bytes, more than a schema member "
                                            "may; refused"));
  }
  formats::StringSink text;  // ReadMember stops past raw_bytes
  PGARK_RETURN_IF_ERROR(formats::ReadMember(backup.archive, entry, backup.read, text));
  if (schema) {
    PGARK_RETURN_IF_ERROR(formats::CheckMemberStatements(entry, text.data(),
                                                         backup.manifest.server_version_num));
  }
  return text.data();
}

absl::Status RequireKey(const LoadedBackup& backup) {
  if (backup.manifest.encrypted() && backup.read.key == nullptr) {
    return absl::UnauthenticatedError(absl::StrCat(
        "backup \"", backup.manifest.backup_file, "\" is encrypted (key id ",
        backup.manifest.key_id, "); set BACKUP_ENCRYPTION_KEY or BACKUP_ENCRYPTION_KEY_FILE"));
  }
  return absl::OkStatus();
}

absl::Status RequireNotOlderServer(const formats::Manifest& m, int server_version_num) {
  if (m.server_version_num / 10000 <= server_version_num / 10000) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(
      "backup \"", m.backup_file, "\" was made with PostgreSQL ", m.postgres_version,
      " and cannot be restored into the older PostgreSQL ", server_version_num / 10000,
      "; restore it into PostgreSQL ", m.server_version_num / 10000, " or newer"));
}

absl::StatusOr<std::vector<LoadedBackup>> LoadChain(LoadedBackup backup) {
  std::vector<LoadedBackup> chain;
  const std::vector<std::string> deps = backup.manifest.dependencies;
  for (size_t i = 0; i < deps.size(); ++i) {
    absl::StatusOr<LoadedBackup> link =
        LoadBackup(backup.archive.storage, deps[i], backup.offered_key);
    if (!link.ok()) {
      return absl::DataLossError(absl::StrCat(
          "backup \"", backup.manifest.backup_file, "\" needs \"", deps[i],
          "\", which is not usable: ", link.status().message()));
    }
    // Each link must itself depend on exactly the links before it.
    const std::vector<std::string> expected(deps.begin(), deps.begin() + static_cast<long>(i));
    if (link->manifest.dependencies != expected ||
        (i == 0 && link->manifest.type != formats::BackupType::kFull) ||
        link->manifest.database != backup.manifest.database) {
      return absl::DataLossError(absl::StrCat("backup \"", deps[i], "\" is not the base that \"",
                                              backup.manifest.backup_file,
                                              "\" was made from"));
    }
    chain.push_back(*std::move(link));
  }
  chain.push_back(std::move(backup));
  return chain;
}

absl::StatusOr<std::string> CheckFileName(const std::string& backup_file) {
  PGARK_ASSIGN_OR_RETURN(std::string manifest, formats::ManifestFileName(backup_file));
  return absl::StrCat(absl::StripSuffix(manifest, "-manifest.json"), "-check.json");
}

absl::Status RecordCheck(formats::Storage& repository, const std::string& backup_file,
                         bool valid) {
  PGARK_ASSIGN_OR_RETURN(std::string name, CheckFileName(backup_file));
  nlohmann::json j = {{"backupFile", backup_file},
                      {"checkedAt", formats::IsoTimestamp(absl::Now())},
                      {"valid", valid}};
  return formats::WriteSmallObject(repository, name, j.dump() + "\n", /*replace=*/true);
}

std::optional<CheckRecord> ReadCheckRecord(formats::Storage& repository,
                                           const std::string& backup_file) {
  absl::StatusOr<std::string> name = CheckFileName(backup_file);
  if (!name.ok()) return std::nullopt;
  absl::StatusOr<std::string> text = formats::ReadSmallObject(repository, *name, 4096);
  if (!text.ok()) return std::nullopt;
  nlohmann::json j = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || !j.value("checkedAt", nlohmann::json()).is_string() ||
      !j.value("valid", nlohmann::json()).is_boolean()) {
    return std::nullopt;
  }
  return CheckRecord{j["checkedAt"].get<std::string>(), j["valid"].get<bool>()};
}

namespace {

absl::StatusOr<std::string> DrillFileName(const std::string& backup_file) {
  PGARK_ASSIGN_OR_RETURN(std::string check, CheckFileName(backup_file));
  return absl::StrCat(absl::StripSuffix(check, "-check.json"), "-drill.json");
}

}  // namespace

absl::Status WriteDrillRecord(formats::Storage& repository, const std::string& backup_file,
                              const DrillRecord& record) {
  PGARK_ASSIGN_OR_RETURN(std::string name, DrillFileName(backup_file));
  nlohmann::json j = {{"backupFile", backup_file}, {"drilledAt", record.drilled_at},
                      {"passed", record.passed},   {"restoreMs", record.restore_ms},
                      {"problems", record.problems}};
  return formats::WriteSmallObject(repository, name, j.dump() + "\n", /*replace=*/true);
}

std::optional<DrillRecord> ReadDrillRecord(formats::Storage& repository,
                                           const std::string& backup_file) {
  absl::StatusOr<std::string> name = DrillFileName(backup_file);
  if (!name.ok()) return std::nullopt;
  absl::StatusOr<std::string> text = formats::ReadSmallObject(repository, *name, 64 << 10);
  if (!text.ok()) return std::nullopt;
  nlohmann::json j = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || !j.value("drilledAt", nlohmann::json()).is_string() ||
      !j.value("passed", nlohmann::json()).is_boolean() ||
      !j.value("restoreMs", nlohmann::json()).is_number_integer()) {
    return std::nullopt;
  }
  return DrillRecord{j["drilledAt"].get<std::string>(), j["passed"].get<bool>(),
                     j["restoreMs"].get<int64_t>(), {}};
}

}  // namespace pgark::engine
