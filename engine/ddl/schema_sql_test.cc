#include "engine/ddl/privileges_sql.h"
#include "engine/ddl/schema_sql.h"

#include "engine/catalog/facts.h"

#include "engine/ddl/sql_text.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace pgark::engine {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(SqlTextTest, QuotesIdentifiersAndLiterals) {
  EXPECT_EQ(QuoteIdent("books"), "\"books\"");
  EXPECT_EQ(QuoteIdent("we\"ird"), "\"we\"\"ird\"");
  EXPECT_EQ(QualifiedName("My Schema", "t"), "\"My Schema\".\"t\"");
  EXPECT_EQ(QuoteLiteral("it's"), "'it''s'");
  EXPECT_EQ(QuoteLiteral("back\\slash"), "'back\\slash'");  // standard_conforming_strings
  EXPECT_EQ(QuoteIdentList({"a", "B c"}), "\"a\", \"B c\"");
}

TableDef Sample() {
  TableDef t;
  t.ref = {1, "public", "Books \"X\"", 'r', 0};
  t.columns = {
      {.attnum = 1, .name = "id", .type = "bigint", .not_null = true, .identity = 'a'},
      {.attnum = 2, .name = "title", .type = "text", .not_null = true,
       .default_expr = "'untitled'::text", .collation = "\"C\""},
      {.attnum = 3, .name = "upper_title", .type = "text", .default_expr = "upper(title)",
       .generated = 's'},
  };
  t.constraints = {{.name = "books_pkey", .type = 'p', .definition = "PRIMARY KEY (id)"},
                   {.name = "title_len", .type = 'c', .definition = "CHECK ((length(title) > 0))"},
                   {.name = "later", .type = 'c', .definition = "CHECK ((id > 0)) NOT VALID",
                    .validated = false}};
  t.comments[{kPgClass, 1, 0}] = "it's a table";
  t.comments[{kPgClass, 1, 2}] = "the title";
  SequenceDef s;
  s.schema = "public";
  s.name = "books_id_seq";
  s.type = "bigint";
  s.max = 9223372036854775807;
  s.owned_by_column = "id";
  s.identity = true;
  s.last_value = 42;
  s.is_called = true;
  t.sequences.push_back(s);
  return t;
}

TEST(SchemaSqlTest, CreateTableCarriesColumnsAndInlineChecks) {
  std::string sql = CreateTableSql(Sample());
  EXPECT_THAT(sql, HasSubstr("CREATE TABLE \"public\".\"Books \"\"X\"\"\" ("));
  EXPECT_THAT(sql, HasSubstr("\"id\" bigint GENERATED ALWAYS AS IDENTITY (SEQUENCE NAME "
                             "\"public\".\"books_id_seq\" START WITH 1"));
  EXPECT_THAT(sql, HasSubstr("\"title\" text COLLATE \"C\" DEFAULT 'untitled'::text NOT NULL"));
  EXPECT_THAT(sql, HasSubstr("\"upper_title\" text GENERATED ALWAYS AS (upper(title)) STORED"));
  EXPECT_THAT(sql, HasSubstr("CONSTRAINT \"title_len\" CHECK ((length(title) > 0))"));
  EXPECT_THAT(sql, Not(HasSubstr("NOT VALID")));  // goes after the data
  EXPECT_THAT(sql, Not(HasSubstr("PRIMARY KEY")));
  EXPECT_THAT(sql, HasSubstr("COMMENT ON TABLE \"public\".\"Books \"\"X\"\"\" IS 'it''s a table';"));
  EXPECT_THAT(sql, HasSubstr("COMMENT ON COLUMN \"public\".\"Books \"\"X\"\"\".\"title\" IS 'the title';"));
}

// PostgreSQL 18: virtual generated columns, and NOT NULL constraints with names and NO
// INHERIT (a NOT VALID one is a constraint added after the data, not inline).
TEST(SchemaSqlTest, Postgres18ColumnsKeepTheirKindAndNotNullNames) {
  TableDef t = Sample();
  t.columns[2].generated = 'v';
  t.columns[1].not_null_name = "title required";
  t.columns.push_back({.attnum = 4, .name = "n", .type = "integer", .not_null = true,
                       .not_null_name = "t_n_not_null", .not_null_no_inherit = true});
  std::string sql = CreateTableSql(t);
  EXPECT_THAT(sql, HasSubstr("\"upper_title\" text GENERATED ALWAYS AS (upper(title)) VIRTUAL"));
  EXPECT_THAT(sql, HasSubstr("DEFAULT 'untitled'::text CONSTRAINT \"title required\" NOT NULL"));
  EXPECT_THAT(sql, HasSubstr("\"n\" integer CONSTRAINT \"t_n_not_null\" NOT NULL NO INHERIT"));
}

TEST(SchemaSqlTest, PartitionsAndInheritance) {
  TableDef p = Sample();
  p.partition_of = "app.parent";
  p.partition_bound = "FOR VALUES IN (1)";
  p.columns[2].inherited = true;  // a partition states its generated column's expression
  std::string sql = CreateTableSql(p);
  // A partition is created on its own, with its own columns in its own order, then attached.
  EXPECT_THAT(sql, Not(HasSubstr("PARTITION OF")));
  EXPECT_THAT(sql, HasSubstr("\n    \"id\" bigint"));
  EXPECT_THAT(sql, HasSubstr("GENERATED ALWAYS AS (upper(title)) STORED"));
  EXPECT_THAT(sql, HasSubstr("\n);\n\nALTER TABLE ONLY app.parent ATTACH PARTITION "
                             "\"public\".\"Books \"\"X\"\"\" FOR VALUES IN (1);\n\n"));
  TableDef child = Sample();
  child.columns[0].local = false;
  child.columns[2].inherited = true;  // an inheritance child takes its parent's expression
  child.inherits = {"app.a", "app.b"};
  sql = CreateTableSql(child);
  EXPECT_THAT(sql, Not(HasSubstr("\"id\" bigint")));
  EXPECT_THAT(sql, Not(HasSubstr("GENERATED ALWAYS AS (upper")));
  EXPECT_THAT(sql, HasSubstr("\nINHERITS (app.a, app.b);"));
}

TEST(SchemaSqlTest, OtherObjects) {
  SchemaObjectDef e{.kind = MemberKind::kType, .schema = "app", .name = "mood", .comment = "feel",
                    .facts = EnumFacts{{"sad", "it's"}}};
  EXPECT_EQ(CreateObjectSql(e),
            "CREATE TYPE \"app\".\"mood\" AS ENUM (\n    'sad',\n    'it''s'\n);\n\n"
            "COMMENT ON TYPE \"app\".\"mood\" IS 'feel';\n\n");
  SchemaObjectDef f{.kind = MemberKind::kFunction, .schema = "app", .name = "f", .identity = "integer",
                    .facts = RoutineFacts{"CREATE OR REPLACE FUNCTION app.f(i integer)\n AS $$x$$\n"}};
  EXPECT_EQ(CreateObjectSql(f), "CREATE FUNCTION app.f(i integer)\n AS $$x$$;\n\n");
  SchemaObjectDef m{.kind = MemberKind::kMaterializedView, .schema = "s", .name = "m",
                    .facts = RelationFacts{.definition = " SELECT 1;", .populated = false}};
  EXPECT_EQ(CreateObjectSql(m),
            "CREATE MATERIALIZED VIEW \"s\".\"m\" AS\n SELECT 1\n  WITH NO DATA;\n\n");
  EXPECT_EQ(RefreshSql(m), "");
  // A partitioned table's index stays ON ONLY; each partition's is attached to it.
  EXPECT_EQ(IndexSql("s", {.name = "i", .definition = "CREATE INDEX i ON ONLY s.t USING btree (v)"}),
            "CREATE INDEX i ON ONLY s.t USING btree (v);\n\n");
  EXPECT_EQ(IndexAttachSql("p", "t1 v", "s.i"),
            "ALTER INDEX s.i ATTACH PARTITION \"p\".\"t1 v\";\n\n");
}

TEST(SchemaSqlTest, CopyLinesLeaveOutGeneratedColumns) {
  TableDef t = Sample();
  EXPECT_EQ(CopyFromStdinLine(t), "COPY \"public\".\"Books \"\"X\"\"\" (\"id\", \"title\") FROM stdin;\n");
  EXPECT_EQ(CopyToStdoutSql(t), "COPY \"public\".\"Books \"\"X\"\"\" (\"id\", \"title\") TO STDOUT");
  t.columns.clear();
  EXPECT_EQ(CopyToStdoutSql(t), "COPY \"public\".\"Books \"\"X\"\"\" TO STDOUT");
}

TEST(SchemaSqlTest, PostDataStatements) {
  TableDef t = Sample();
  EXPECT_EQ(AddConstraintSql(t.ref, t.constraints[0]),
            "ALTER TABLE ONLY \"public\".\"Books \"\"X\"\"\" ADD CONSTRAINT \"books_pkey\" "
            "PRIMARY KEY (id);\n\n");
  EXPECT_EQ(SetvalSql(t.sequences[0]),
            "SELECT pg_catalog.setval('\"public\".\"books_id_seq\"', 42, true);\n\n");
  EXPECT_TRUE(IsInlineConstraint(t.constraints[1]));
  EXPECT_FALSE(IsInlineConstraint(t.constraints[2]));
}

}  // namespace
}  // namespace pgark::engine

namespace pgark::engine {
namespace {

TEST(ParseQualifiedNameTest, FollowsPostgresRules) {
  using V = std::vector<std::string>;
  EXPECT_EQ(ParseQualifiedName("books"), V{"books"});
  EXPECT_EQ(ParseQualifiedName("Public.Books"), (V{"public", "books"}));
  EXPECT_EQ(ParseQualifiedName("\"Odd Schema\".\"Mixed.Case \"\"T\"\"\""),
            (V{"Odd Schema", "Mixed.Case \"T\""}));
  EXPECT_EQ(ParseQualifiedName(" s . \"T\" "), (V{"s", "T"}));
  EXPECT_EQ(ParseQualifiedName("ünï"), V{"ünï"});
  for (const char* bad : {"", ".", "a.", ".a", "\"open", "\"\"", "a b", "x\"; DROP TABLE t; --"}) {
    EXPECT_FALSE(ParseQualifiedName(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace pgark::engine

namespace pgark::engine {
namespace {

TEST(UpsertSqlTest, ConflictHandlingAndIdentityColumns) {
  ColumnDef id{.attnum = 1, .name = "id", .type = "integer", .identity = 'a'};
  ColumnDef title{.attnum = 2, .name = "Title", .type = "text"};
  Upsert u{.table = "\"public\".\"books\"", .columns = {&id, &title},
           .values = {"\"id\"", "\"Title\""}, .from = "stage"};
  EXPECT_EQ(UpsertSql(u),
            "INSERT INTO \"public\".\"books\" (\"id\", \"Title\") OVERRIDING SYSTEM VALUE "
            "SELECT \"id\", \"Title\" FROM stage");
  u.on_conflict = OnConflict::kSkip;
  EXPECT_EQ(UpsertSql(u).substr(UpsertSql(u).find(" ON CONFLICT")), " ON CONFLICT DO NOTHING");
  u.conflict_target = "ON CONSTRAINT \"books_pkey\"";
  u.on_conflict = OnConflict::kUpdate;
  // An identity ALWAYS column keeps the given value and is never updated.
  EXPECT_THAT(UpsertSql(u), testing::EndsWith(" ON CONFLICT ON CONSTRAINT \"books_pkey\" DO "
                                              "UPDATE SET \"Title\" = EXCLUDED.\"Title\""));
  // Nothing to update: the row is left as it is.
  u.columns = {&id};
  u.values = {"\"id\""};
  EXPECT_THAT(UpsertSql(u), testing::EndsWith(" DO NOTHING"));
  title.identity = 'd';
  u.columns = {&title};
  EXPECT_THAT(UpsertSql(u), Not(HasSubstr("OVERRIDING")));
}

TEST(DatabasePropertiesSqlTest, OwnerLimitCommentAclAndSettings) {
  DatabaseDef d{.name = "app", .connection_limit = 5, .comment = "it's"};
  d.privileges = {.owner = "\"o\"", .has_acl = true,
                  .grants = {{{"CONNECT", "TEMPORARY"}, "PUBLIC", false},
                             {{"CREATE"}, "\"r\"", true}}};
  d.settings = {{"", "search_path", "\"$user\", Public"}, {"\"r\"", "work_mem", "64MB"}};
  EXPECT_EQ(DatabasePropertiesSql(d, "\"copy\""),
            (std::vector<std::string>{
                "ALTER DATABASE \"copy\" OWNER TO \"o\"",
                "ALTER DATABASE \"copy\" CONNECTION LIMIT 5",
                "COMMENT ON DATABASE \"copy\" IS 'it''s'",
                "REVOKE ALL ON DATABASE \"copy\" FROM PUBLIC",
                "REVOKE ALL ON DATABASE \"copy\" FROM \"o\"",
                "GRANT CONNECT, TEMPORARY ON DATABASE \"copy\" TO PUBLIC",
                "GRANT CREATE ON DATABASE \"copy\" TO \"r\" WITH GRANT OPTION",
                "ALTER DATABASE \"copy\" SET search_path = \"$user\", \"Public\"",
                "ALTER ROLE \"r\" IN DATABASE \"copy\" SET work_mem = '64MB'"}));
}

TEST(PrivilegesSqlTest, GrantsAreWrittenFromTheirParts) {
  Privileges p{.owner = "\"o\"", .has_acl = true,
               .grants = {{{"INSERT", "SELECT"}, "\"r\"", false}, {{"SELECT"}, "\"g\"", true}}};
  EXPECT_EQ(PrivilegesSql("TABLE", "TABLE", "\"s\".\"t\"", p),
            "ALTER TABLE \"s\".\"t\" OWNER TO \"o\";\n"
            "REVOKE ALL ON TABLE \"s\".\"t\" FROM PUBLIC;\n"
            "REVOKE ALL ON TABLE \"s\".\"t\" FROM \"o\";\n"
            "GRANT INSERT, SELECT ON TABLE \"s\".\"t\" TO \"r\";\n"
            "GRANT SELECT ON TABLE \"s\".\"t\" TO \"g\" WITH GRANT OPTION;\n\n");
  EXPECT_EQ(ColumnPrivilegesSql("\"s\".\"t\"", "c", p),
            "GRANT INSERT (\"c\"), SELECT (\"c\") ON TABLE \"s\".\"t\" TO \"r\";\n"
            "GRANT SELECT (\"c\") ON TABLE \"s\".\"t\" TO \"g\" WITH GRANT OPTION;\n\n");
}

}  // namespace
}  // namespace pgark::engine
