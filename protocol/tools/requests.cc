#include "protocol/tools/requests.h"

#include "absl/strings/str_cat.h"

namespace pgark::protocol {

absl::StatusOr<engine::Content> DecodeContent(bool schema_only, bool data_only,
                                              const Spelling& spelling) {
  if (schema_only && data_only) {
    return absl::InvalidArgumentError(absl::StrCat(spelling.schema_only, " and ",
                                                   spelling.data_only, " exclude each other"));
  }
  if (schema_only) return engine::Content::kSchemaOnly;
  if (data_only) return engine::Content::kDataOnly;
  return engine::Content::kSchemaAndData;
}

absl::StatusOr<engine::OnConflict> DecodeOnConflict(absl::string_view value,
                                                    const Spelling& spelling) {
  if (value == "error") return engine::OnConflict::kError;
  if (value == "skip") return engine::OnConflict::kSkip;
  if (value == "update") return engine::OnConflict::kUpdate;
  return absl::InvalidArgumentError(absl::StrCat(spelling.on_conflict,
                                                 " must be error, skip or update, not \"", value,
                                                 "\""));
}

}  // namespace pgark::protocol
