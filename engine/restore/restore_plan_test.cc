#include "engine/restore/restore_plan.h"

#include "gtest/gtest.h"

namespace pgark::engine {
namespace {

using formats::MemberEntry;
using formats::MemberKind;

MemberEntry Member(MemberKind kind, const char* schema, const char* name, const char* table,
                   const char* identity = "") {
  MemberEntry m;
  m.kind = kind;
  m.section = formats::SectionOf(kind);
  m.schema = schema;
  m.name = name;
  m.table = table;
  m.identity = identity;
  return m;
}

TEST(RestorePlanTest, SelectionOfSomeTablesTakesTheirPartsOnly) {
  const RestoreSelection some({{"books", "public", "books", 3}}, /*whole=*/false);
  EXPECT_TRUE(some.Selected(Member(MemberKind::kTable, "public", "books", "books")));
  EXPECT_TRUE(some.Selected(Member(MemberKind::kIndex, "public", "books_title", "books")));
  EXPECT_TRUE(some.Selected(Member(MemberKind::kSchema, "", "public", "public")));
  // A serial sequence may live in another schema than its table: matched by the table.
  EXPECT_TRUE(some.Selected(Member(MemberKind::kSequence, "other", "books_id_seq", "books")));
  EXPECT_FALSE(some.Selected(Member(MemberKind::kTable, "public", "authors", "authors")));
  EXPECT_FALSE(some.Selected(Member(MemberKind::kSchema, "", "app", "app")));
  EXPECT_FALSE(some.Selected(Member(MemberKind::kFunction, "public", "f", "f", "integer")));
  // Never run by a restore, whole or not.
  const RestoreSelection all({}, /*whole=*/true);
  EXPECT_TRUE(all.Selected(Member(MemberKind::kFunction, "public", "f", "f", "integer")));
  EXPECT_FALSE(all.Selected(Member(MemberKind::kHeader, "", "", "")));
  EXPECT_FALSE(all.Selected(Member(MemberKind::kIncrementalGuard, "", "", "")));
  EXPECT_FALSE(all.Selected(Member(MemberKind::kRowDeletes, "public", "books", "books")));
}

TEST(RestorePlanTest, DropExistingDropsWhatItRecreates) {
  EXPECT_EQ(DropSql(Member(MemberKind::kTable, "app", "T", "T")),
            "DROP TABLE IF EXISTS \"app\".\"T\" CASCADE");
  EXPECT_EQ(DropSql(Member(MemberKind::kFunction, "app", "f", "f", "integer, text")),
            "DROP FUNCTION IF EXISTS \"app\".\"f\"(integer, text) CASCADE");
  EXPECT_EQ(DropSql(Member(MemberKind::kOperatorClass, "app", "c", "c", "\"btree\"")),
            "DROP OPERATOR CLASS IF EXISTS \"app\".\"c\" USING \"btree\" CASCADE");
  EXPECT_EQ(DropSql(Member(MemberKind::kSequence, "app", "s", "s")),
            "DROP SEQUENCE IF EXISTS \"app\".\"s\" CASCADE");
  // Kept: a table's own sequence goes with its table; schemas, collations, casts, servers and
  // the parts of tables are never dropped.
  EXPECT_EQ(DropSql(Member(MemberKind::kSequence, "app", "t_id_seq", "t")), "");
  for (MemberKind kind : {MemberKind::kSchema, MemberKind::kCollation, MemberKind::kCast,
                          MemberKind::kServer, MemberKind::kIndex, MemberKind::kTableData}) {
    EXPECT_EQ(DropSql(Member(kind, "app", "x", "x")), "") << formats::WireName(kind);
  }
}

TEST(RestorePlanTest, PostDataAppliesToWhatTheRestoreCreated) {
  const std::set<std::string> created = {OwnerKey("public", "books")};
  const auto content = formats::Content::kSchemaAndData;
  EXPECT_TRUE(AppliesPostData(Member(MemberKind::kTrigger, "public", "t", "books"), created,
                              false, content));
  EXPECT_FALSE(AppliesPostData(Member(MemberKind::kTrigger, "public", "t", "kept"), created,
                               true, content));
  // The database's own members: only with the whole backup.
  const MemberEntry publication = Member(MemberKind::kPublication, "", "pub", "");
  EXPECT_TRUE(AppliesPostData(publication, created, /*whole=*/true, content));
  EXPECT_FALSE(AppliesPostData(publication, created, /*whole=*/false, content));
  // Its properties: only to a database the restore made.
  const MemberEntry properties = Member(MemberKind::kDatabaseProperties, "", "db", "");
  EXPECT_FALSE(AppliesPostData(properties, created, true, content));
  EXPECT_TRUE(AppliesPostData(properties, created, true, content, /*created_database=*/true));
  // A data-only backup sets sequence values of tables it did not create.
  const MemberEntry setval = Member(MemberKind::kSequenceSet, "public", "s", "kept");
  EXPECT_TRUE(AppliesPostData(setval, created, true, formats::Content::kDataOnly));
  EXPECT_FALSE(AppliesPostData(setval, created, true, content));
}

TEST(RestorePlanTest, WhatFailsOnlyWithAWarning) {
  EXPECT_TRUE(ToleratedFailure(Member(MemberKind::kAcl, "public", "t", "t"), false));
  EXPECT_TRUE(ToleratedFailure(Member(MemberKind::kEventTrigger, "", "e", ""), false));
  EXPECT_FALSE(ToleratedFailure(Member(MemberKind::kIndex, "public", "i", "t"), true));
  const MemberEntry fk = Member(MemberKind::kFkConstraint, "public", "fk", "t");
  EXPECT_TRUE(ToleratedFailure(fk, /*partial=*/true));
  EXPECT_FALSE(ToleratedFailure(fk, /*partial=*/false));
}

TEST(RestorePlanTest, CreatesObjectFollowsTheTraits) {
  EXPECT_TRUE(CreatesObject(Member(MemberKind::kView, "public", "v", "v")));
  EXPECT_FALSE(CreatesObject(Member(MemberKind::kSequence, "public", "t_id_seq", "t")));
  EXPECT_FALSE(CreatesObject(Member(MemberKind::kConstraint, "public", "c", "t")));
}

}  // namespace
}  // namespace pgark::engine
