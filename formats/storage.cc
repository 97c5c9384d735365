#include "formats/storage.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "formats/memory_io.h"
#include "formats/s3_storage.h"
#include "formats/status_macros.h"

namespace pgark::formats {

bool IsObjectStoreLocation(absl::string_view location) {
  return absl::StartsWith(location, "s3://");
}

absl::StatusOr<std::shared_ptr<Storage>> OpenStorage(const std::string& location) {
  if (!IsObjectStoreLocation(location)) return LocalStorage(location);
  PGARK_ASSIGN_OR_RETURN(S3Config config, S3ConfigFromEnvironment(location));
  return S3Storage(std::move(config));
}

absl::StatusOr<std::string> ReadSmallObject(Storage& storage, const std::string& name,
                                            uint64_t max_bytes) {
  PGARK_ASSIGN_OR_RETURN(ObjectInfo info, storage.Stat(name));
  if (info.size > max_bytes) {
    return absl::FailedPreconditionError(absl::StrCat(
        "\"", name, "\" is ", info.size, " bytes, more than the ", max_bytes, " allowed"));
  }
  PGARK_ASSIGN_OR_RETURN(std::unique_ptr<Source> source, storage.Read(name, 0, info.size));
  StringSink sink;
  PGARK_RETURN_IF_ERROR(Pump(*source, sink).status());
  return sink.data();
}

absl::Status WriteSmallObject(Storage& storage, const std::string& name,
                              absl::string_view contents, bool replace) {
  PGARK_ASSIGN_OR_RETURN(std::unique_ptr<Sink> sink, storage.Create(name, replace));
  PGARK_RETURN_IF_ERROR(sink->Append(contents));
  return sink->Close();
}

}  // namespace pgark::formats
