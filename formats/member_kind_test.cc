#include "formats/member_kind.h"

#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "gtest/gtest.h"

namespace pgark::formats {
namespace {

TEST(MemberKindTest, WireNamesRoundTrip) {
  for (const MemberKindTraits& t : kMemberKinds) {
    EXPECT_EQ(ParseMemberKind(t.wire), t.kind) << t.wire;
    EXPECT_EQ(&Traits(t.kind), &t);
  }
  EXPECT_FALSE(ParseMemberKind("TABLE  DATA").has_value());
  EXPECT_FALSE(ParseMemberKind("table data").has_value());
  EXPECT_FALSE(ParseMemberKind("").has_value());
}

TEST(MemberKindTest, EnumNamesRoundTrip) {
  for (Section s : {Section::kPreData, Section::kData, Section::kPostData}) {
    EXPECT_EQ(ParseSection(SectionName(s)), s);
  }
  for (BackupType t : {BackupType::kFull, BackupType::kTable, BackupType::kIncremental}) {
    EXPECT_EQ(ParseBackupType(BackupTypeName(t)), t);
  }
  for (Content c : {Content::kSchemaAndData, Content::kSchemaOnly, Content::kDataOnly}) {
    EXPECT_EQ(ParseContent(ContentName(c)), c);
  }
  EXPECT_EQ(ParseDelta("changes"), Delta::kChanges);
  EXPECT_FALSE(ParseBackupType("weekly").has_value());
  EXPECT_FALSE(ParseSection("predata").has_value());
}

TEST(MemberKindTest, RestoreRulesHoldTogether) {
  for (const MemberKindTraits& t : kMemberKinds) {
    // Only objects a restore creates can be dropped, and only pre-data ones have a priority.
    if (t.drop != DropBy::kNever) {
      EXPECT_TRUE(t.creates_object) << t.wire;
    }
    if (t.creates_object) {
      EXPECT_EQ(t.section, Section::kPreData) << t.wire;
    }
    if (t.section != Section::kPreData) {
      EXPECT_EQ(t.priority, 0) << t.wire;
    }
    if (t.with_table_data) {
      EXPECT_EQ(t.section, Section::kPostData) << t.wire;
    }
    // Only objects made in pre-data may be postponed to post-data.
    if (t.postponable) {
      EXPECT_TRUE(t.creates_object) << t.wire;
    }
  }
  EXPECT_TRUE(AllowedIn(MemberKind::kMaterializedView, Section::kPostData));
  EXPECT_FALSE(AllowedIn(MemberKind::kTable, Section::kPostData));
  EXPECT_FALSE(AllowedIn(MemberKind::kFunction, Section::kData));
}

// formats/README.md lists every kind with its section, in a table "| KIND | section | ... |".
TEST(MemberKindTest, ReadmeListsExactlyTheseKinds) {
  std::ifstream in(PGARK_FORMATS_README);
  ASSERT_TRUE(in) << "cannot read " << PGARK_FORMATS_README;
  std::map<std::string, std::string> documented;
  for (std::string line; std::getline(in, line);) {
    std::vector<std::string> cells = absl::StrSplit(line, '|');
    if (cells.size() < 4) continue;
    std::string kind(absl::StripAsciiWhitespace(cells[1]));
    std::string section(absl::StripAsciiWhitespace(cells[2]));
    if (ParseSection(section)) documented[kind] = section;
  }
  std::map<std::string, std::string> table;
  for (const MemberKindTraits& t : kMemberKinds) table[t.wire] = SectionName(t.section);
  EXPECT_EQ(documented, table);
}

}  // namespace
}  // namespace pgark::formats
