#include "formats/member_kind.h"

namespace pgark::formats {
namespace {

// Finds `name` among the names `name_of` gives the enum values 0..count-1.
template <typename Enum, typename NameOf>
std::optional<Enum> ParseName(absl::string_view name, size_t count, NameOf name_of) {
  for (size_t i = 0; i < count; ++i) {
    if (name == name_of(static_cast<Enum>(i))) return static_cast<Enum>(i);
  }
  return std::nullopt;
}

}  // namespace

std::optional<MemberKind> ParseMemberKind(absl::string_view wire) {
  return ParseName<MemberKind>(wire, std::size(kMemberKinds), WireName);
}

const char* SectionName(Section section) {
  switch (section) {
    case Section::kPreData: return "pre-data";
    case Section::kData: return "data";
    case Section::kPostData: return "post-data";
  }
  return "";
}
std::optional<Section> ParseSection(absl::string_view name) {
  return ParseName<Section>(name, 3, SectionName);
}

const char* BackupTypeName(BackupType type) {
  switch (type) {
    case BackupType::kFull: return "full";
    case BackupType::kTable: return "table";
    case BackupType::kIncremental: return "incremental";
    case BackupType::kGlobals: return "globals";
  }
  return "";
}
std::optional<BackupType> ParseBackupType(absl::string_view name) {
  return ParseName<BackupType>(name, 4, BackupTypeName);
}

const char* ContentName(Content content) {
  switch (content) {
    case Content::kSchemaAndData: return "schema+data";
    case Content::kSchemaOnly: return "schema-only";
    case Content::kDataOnly: return "data-only";
  }
  return "";
}
std::optional<Content> ParseContent(absl::string_view name) {
  return ParseName<Content>(name, 3, ContentName);
}

const char* DeltaName(Delta delta) {
  switch (delta) {
    case Delta::kNone: return "";
    case Delta::kFull: return "full";
    case Delta::kChanges: return "changes";
  }
  return "";
}
std::optional<Delta> ParseDelta(absl::string_view name) {
  return ParseName<Delta>(name, 3, DeltaName);
}

}  // namespace pgark::formats
