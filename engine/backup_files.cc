#include "engine/backup_files.h"

#include "absl/strings/str_cat.h"
#include "formats/archive_layout.h"
#include "formats/file_io.h"
#include "formats/memory_io.h"
#include "formats/status_macros.h"

namespace pgark::engine {

absl::StatusOr<std::string> ReadSmallFile(const std::string& path, uint64_t max_bytes) {
  PGARK_ASSIGN_OR_RETURN(uint64_t size, formats::FileSize(path));
  if (size > max_bytes) {
    return absl::FailedPreconditionError(
        absl::StrCat("\"", path, "\" is ", size, " bytes, more than the ", max_bytes, " allowed"));
  }
  PGARK_ASSIGN_OR_RETURN(std::unique_ptr<formats::FileSource> source,
                         formats::FileSource::Open(path));
  formats::StringSink sink;
  PGARK_RETURN_IF_ERROR(formats::Pump(*source, sink));
  return sink.data();
}

absl::StatusOr<LoadedBackup> LoadBackup(const std::string& backup_dir,
                                        const std::string& backup_file) {
  PGARK_RETURN_IF_ERROR(formats::ValidateFileName(backup_file));
  PGARK_ASSIGN_OR_RETURN(std::string manifest_name, formats::ManifestFileName(backup_file));
  LoadedBackup b;
  b.archive_path = formats::JoinPath(backup_dir, backup_file);
  b.manifest_path = formats::JoinPath(backup_dir, manifest_name);
  absl::StatusOr<uint64_t> size = formats::FileSize(b.archive_path);
  if (absl::IsNotFound(size.status())) {
    return absl::NotFoundError(absl::StrCat("backup \"", backup_file, "\" not found in \"",
                                            backup_dir, "\" (run `pgark list` to see backups)"));
  }
  PGARK_RETURN_IF_ERROR(size.status());
  absl::StatusOr<std::string> json = ReadSmallFile(b.manifest_path, 256u << 20);
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
  b.manifest = *std::move(manifest);
  return b;
}

}  // namespace pgark::engine
