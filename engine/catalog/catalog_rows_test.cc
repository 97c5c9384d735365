// The catalog's row mapping, on results built by hand (libpq's PQmakeEmptyPGresult and
// PQsetvalue): columns are found by name wherever the query put them, and the column groups
// of catalog_internal.h become facts.
#include <libpq-fe.h>

#include <string>
#include <utility>
#include <vector>

#include "engine/catalog/catalog_internal.h"
#include "gtest/gtest.h"

namespace pgark::engine {
namespace {

// A one-row result with these (name, value) columns; a null value is SQL NULL.
PgResult MakeRow(const std::vector<std::pair<const char*, const char*>>& columns) {
  PGresult* r = PQmakeEmptyPGresult(nullptr, PGRES_TUPLES_OK);
  std::vector<PGresAttDesc> attrs(columns.size());
  for (size_t i = 0; i < columns.size(); ++i) {
    attrs[i] = {};
    attrs[i].name = const_cast<char*>(columns[i].first);
    attrs[i].typid = 25;  // text
    attrs[i].typlen = -1;
  }
  EXPECT_EQ(PQsetResultAttrs(r, static_cast<int>(attrs.size()), attrs.data()), 1);
  for (size_t i = 0; i < columns.size(); ++i) {
    const char* v = columns[i].second;
    char* value = const_cast<char*>(v);
    EXPECT_EQ(PQsetvalue(r, 0, static_cast<int>(i), value,
                         v == nullptr ? -1 : static_cast<int>(std::string(v).size())),
              1);
  }
  return PgResult(r);
}

TEST(CatalogRowsTest, ColumnsAreReadByNameWhereverTheyAre) {
  PgResult r = MakeRow({{"comment", "hello"}, {"oid", "16401"}, {"name", "Books"},
                        {"schema_name", "app"}, {"owner", "\"o\""}, {"has_acl", "f"},
                        {"grants", nullptr}});
  const PgRow row(r, 0);
  EXPECT_EQ(row.Oid("oid"), 16401u);
  EXPECT_TRUE(row.IsNull("grants"));
  const SchemaObjectDef o = ObjectOf(row, kPgClass, MemberKind::kView);
  EXPECT_EQ(o.id, (ObjectId{kPgClass, 16401}));
  EXPECT_EQ(o.kind, MemberKind::kView);
  EXPECT_EQ(o.schema, "app");
  EXPECT_EQ(o.name, "Books");
  EXPECT_EQ(o.comment, "hello");
  EXPECT_EQ(o.privileges.owner, "\"o\"");
  EXPECT_FALSE(o.privileges.has_acl);
  EXPECT_TRUE(o.privileges.grants.empty());
}

TEST(CatalogRowsTest, GrantsAreFacts) {
  PgResult r = MakeRow({{"owner", "\"o\""}, {"has_acl", "t"},
                        {"grants", R"([[["INSERT","SELECT"],"\"we\"\"ird\"",false],)"
                                   R"([["UPDATE"],"PUBLIC",true]])"}});
  const Privileges p = PrivilegesOf(PgRow(r, 0));
  EXPECT_TRUE(p.has_acl);
  ASSERT_EQ(p.grants.size(), 2u);
  EXPECT_EQ(p.grants[0].privileges, (std::vector<std::string>{"INSERT", "SELECT"}));
  EXPECT_EQ(p.grants[0].grantee, "\"we\"\"ird\"");
  EXPECT_FALSE(p.grants[0].grantable);
  EXPECT_EQ(p.grants[1].grantee, "PUBLIC");
  EXPECT_TRUE(p.grants[1].grantable);
}

TEST(CatalogRowsTest, SequenceColumns) {
  PgResult r = MakeRow({{"seq_oid", "16390"}, {"seq_schema", "s"}, {"seq_name", "n"}, {"seq_type", "bigint"},
                        {"seq_start", "5"}, {"seq_increment", "-1"}, {"seq_min", "-100"},
                        {"seq_max", "9"}, {"seq_cache", "3"}, {"seq_cycle", "t"},
                        {"seq_unlogged", "t"}});
  const SequenceDef s = SequenceOf(PgRow(r, 0));
  EXPECT_EQ(s.oid, 16390u);
  EXPECT_EQ(s.schema, "s");
  EXPECT_EQ(s.type, "bigint");
  EXPECT_EQ(s.start, 5);
  EXPECT_EQ(s.increment, -1);
  EXPECT_EQ(s.min, -100);
  EXPECT_EQ(s.max, 9);
  EXPECT_EQ(s.cache, 3);
  EXPECT_TRUE(s.cycle);
  EXPECT_TRUE(s.unlogged);
}

TEST(CatalogRowsDeathTest, AColumnTheQueryLacksIsAProgrammingError) {
  PgResult r = MakeRow({{"oid", "1"}});
  EXPECT_DEATH((void)PgRow(r, 0).String("nmae"), "no column \"nmae\"");
}

}  // namespace
}  // namespace pgark::engine
