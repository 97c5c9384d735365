#include "engine/plan/dump_plan.h"

#include <algorithm>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace pgark::engine {
namespace {

using formats::MemberKind;
using formats::Section;

TableDef Table(uint32_t oid, const char* name, char relkind = 'r') {
  TableDef t;
  t.ref = {oid, "public", name, relkind, 0};
  t.columns = {{.attnum = 1, .name = "id", .type = "integer", .not_null = true}};
  return t;
}

SchemaObjectDef Object(uint32_t classid, uint32_t oid, MemberKind kind, const char* name) {
  SchemaObjectDef o;
  o.id = {classid, oid};
  o.kind = kind;
  o.schema = "public";
  o.name = name;
  if (kind == MemberKind::kView) {
    o.facts = RelationFacts{.definition = " SELECT 1"};
  } else {
    o.facts = RoutineFacts{"CREATE FUNCTION public.f() ..."};
  }
  return o;
}

// "KIND name" of each member, in plan order.
std::vector<std::string> Names(const std::vector<PlannedMember>& plan) {
  std::vector<std::string> out;
  for (const PlannedMember& m : plan) out.push_back(absl::StrCat(WireName(m.kind), " ", m.name));
  return out;
}

size_t IndexOf(const std::vector<std::string>& names, const std::string& name) {
  return static_cast<size_t>(std::find(names.begin(), names.end(), name) - names.begin());
}

TEST(DumpPlanTest, SectionsInOrderAndDataOnlyForTablesWithRows) {
  TableDef parent = Table(10, "parent", 'p'), child = Table(11, "child"), ft = Table(12, "ft", 'f');
  child.partition_parent_oid = 10;
  child.constraints = {{1, "child_pkey", 'p', "PRIMARY KEY (id)"},
                       {2, "child_fk", 'f', "FOREIGN KEY (id) REFERENCES t(id)"}};
  child.triggers = {{3, "trg", "CREATE TRIGGER trg ...", 'O'}};
  std::vector<TableDef> tables = {child, parent, ft};
  const auto plan = PlanArchive(tables, {}, {}, {});
  Section last = Section::kPreData;
  for (const PlannedMember& m : plan) {
    EXPECT_GE(formats::SectionOf(m.kind), last) << WireName(m.kind) << " " << m.name;
    last = formats::SectionOf(m.kind);
  }
  const auto names = Names(plan);
  // A partition after its parent, whatever the input order.
  EXPECT_LT(IndexOf(names, "TABLE parent"), IndexOf(names, "TABLE child"));
  EXPECT_THAT(names, testing::Contains("TABLE DATA child"));
  EXPECT_THAT(names, testing::Not(testing::Contains("TABLE DATA parent")));  // partitioned
  EXPECT_THAT(names, testing::Not(testing::Contains("TABLE DATA ft")));      // foreign
  EXPECT_THAT(names, testing::Contains("FOREIGN TABLE ft"));
  // Keys, then foreign keys, then triggers.
  EXPECT_LT(IndexOf(names, "CONSTRAINT child_pkey"), IndexOf(names, "FK CONSTRAINT child_fk"));
  EXPECT_LT(IndexOf(names, "FK CONSTRAINT child_fk"), IndexOf(names, "TRIGGER trg"));
}

TEST(DumpPlanTest, DependenciesBeforePriorities) {
  // A function the table's default calls, and a view over the table.
  const SchemaObjectDef f = Object(kPgProc, 20, MemberKind::kFunction, "f");
  const SchemaObjectDef v = Object(kPgClass, 21, MemberKind::kView, "v");
  std::vector<TableDef> tables = {Table(10, "t")};
  const auto names = Names(PlanArchive(tables, {v, f}, {{{kPgClass, 21}, {kPgClass, 10}},
                                                        {{kPgClass, 10}, {kPgProc, 20}}},
                                       {}));
  EXPECT_LT(IndexOf(names, "FUNCTION f"), IndexOf(names, "TABLE t"));
  EXPECT_LT(IndexOf(names, "TABLE t"), IndexOf(names, "VIEW v"));
}

TEST(DumpPlanTest, ContentAndOwnersChooseTheMembers) {
  TableDef t = Table(10, "t");
  t.sequences = {{.schema = "public", .name = "t_id_seq", .type = "integer",
                  .owned_by_column = "id", .last_value = 7, .is_called = true}};
  std::vector<TableDef> tables = {t};
  const auto schema_only = Names(PlanArchive(tables, {}, {}, {.content = Content::kSchemaOnly}));
  EXPECT_THAT(schema_only, testing::Not(testing::Contains("TABLE DATA t")));
  EXPECT_THAT(schema_only, testing::Not(testing::Contains("SEQUENCE SET t_id_seq")));
  EXPECT_THAT(schema_only, testing::Not(testing::Contains("ACL t")));
  const auto data_only = Names(PlanArchive(tables, {}, {}, {.content = Content::kDataOnly}));
  EXPECT_EQ(data_only, (std::vector<std::string>{"TABLE DATA t", "SEQUENCE SET t_id_seq"}));
  tables[0].privileges.owner = "\"o\"";
  const auto owners = Names(PlanArchive(tables, {}, {}, {.with_owners = true}));
  EXPECT_THAT(owners, testing::Contains("ACL t"));
}

// What the backup checks the catalog against: every table, object and part of them it carries,
// and what is left names each object by type, in the catalog's order.
TEST(DumpPlanTest, NamesTheUserObjectsNotCarried) {
  TableDef t = Table(16400, "t");
  t.constraints = {{.oid = 16401, .name = "t_pkey", .type = 'p'}};
  t.indexes = {{.oid = 16402, .name = "t_idx"}};
  t.sequences = {{.oid = 16403, .schema = "public", .name = "t_id_seq"}};
  SchemaObjectDef mv = Object(kPgClass, 16410, MemberKind::kMaterializedView, "mv");
  mv.facts = RelationFacts{.indexes = {{.oid = 16411, .name = "mv_idx"}}};
  const std::set<ObjectId> carried =
      CarriedObjects({t}, {mv, Object(kPgProc, 16420, MemberKind::kFunction, "f")});
  for (ObjectId id : std::vector<ObjectId>{{kPgClass, 16400}, {kPgConstraint, 16401},
                                           {kPgClass, 16402}, {kPgClass, 16403},
                                           {kPgClass, 16410}, {kPgClass, 16411},
                                           {kPgProc, 16420}}) {
    EXPECT_EQ(carried.count(id), 1u) << id.classid << "/" << id.oid;
  }
  const std::vector<CatalogObject> catalog = {
      {{kPgClass, 16400}, "table", "table public.t"},
      {{kPgTsParser, 16430}, "text search parser", "text search parser public.p1"},
      {{kPgProc, 16420}, "function", "function public.f()"},
      {{kPgTsParser, 16431}, "text search parser", "text search parser public.p2"},
      {{kPgTsParser, 16432}, "text search parser", "text search parser public.p3"},
      {{kPgConversion, 16440}, "conversion", "conversion public.c"}};
  const std::vector<UncarriedObjects> left = NotCarried(catalog, carried, 2);
  ASSERT_EQ(left.size(), 2u);
  EXPECT_EQ(left[0].kind, "text search parser");
  EXPECT_EQ(left[0].count, 3);
  EXPECT_THAT(left[0].examples, ::testing::ElementsAre("text search parser public.p1",
                                                       "text search parser public.p2"));
  EXPECT_EQ(left[1].kind, "conversion");
  EXPECT_EQ(left[1].count, 1);
  EXPECT_TRUE(NotCarried({catalog[0], catalog[2]}, carried, 2).empty());
}

}  // namespace
}  // namespace pgark::engine

