#include "formats/statement_policy.h"

#include "formats/memory_io.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/status_matchers.h"

namespace pgark::formats {
namespace {

using ::pgark::testing::IsOk;
using ::pgark::testing::StatusIs;
using ::testing::HasSubstr;

MemberEntry Member(MemberKind kind) {
  MemberEntry m;
  m.kind = kind;
  m.section = SectionOf(kind);
  m.schema = "public";
  m.name = "books";
  return m;
}

// Checked by the lexer alone, and again with PostgreSQL 15's parser as the second opinion: both
// must agree.
absl::Status Check(MemberKind kind, absl::string_view sql) {
  absl::Status lexed = CheckMemberStatements(Member(kind), sql, 0);
  absl::Status parsed = CheckMemberStatements(Member(kind), sql, 150018);
  EXPECT_EQ(lexed.ok(), parsed.ok()) << sql << "\n" << lexed << "\n" << parsed;
  return parsed;
}

TEST(StatementPolicyTest, WhatPgarkWritesPasses) {
  EXPECT_THAT(Check(MemberKind::kTable,
                    "CREATE TABLE public.books (id integer, title text);\n"
                    "ALTER TABLE ONLY public.books ALTER COLUMN id SET DEFAULT 1;\n"
                    "COMMENT ON TABLE public.books IS 'a; b';\n"
                    "ALTER TABLE public.books OWNER TO app;\n"
                    "REVOKE ALL ON TABLE public.books FROM PUBLIC;\n"
                    "GRANT SELECT (title) ON TABLE public.books TO reader;\n"
                    "SECURITY LABEL FOR dummy ON TABLE public.books IS 'x';\n"),
              IsOk());
  EXPECT_THAT(Check(MemberKind::kTable, "CREATE UNLOGGED TABLE t (a int);"), IsOk());
  EXPECT_THAT(Check(MemberKind::kSequenceSet,
                    "SELECT pg_catalog.setval('\"public\".\"s\"', -42, false);\n"),
              IsOk());
  EXPECT_THAT(Check(MemberKind::kLargeObjects,
                    "SELECT pg_catalog.lo_create('16400');\n"
                    "SELECT pg_catalog.lo_put('16400', 0, '\\x0102');\n"
                    "COMMENT ON LARGE OBJECT 16400 IS 'c';\n"),
              IsOk());
  EXPECT_THAT(Check(MemberKind::kMaterializedView,
                    "CREATE MATERIALIZED VIEW m AS\n SELECT 1\n  WITH NO DATA;\n"),
              IsOk());
  EXPECT_THAT(Check(MemberKind::kMaterializedViewData, "REFRESH MATERIALIZED VIEW m;"), IsOk());
  EXPECT_THAT(Check(MemberKind::kIndex, "SET default_tablespace = 'fast';\nCREATE INDEX i ON t "
                                        "(a);\nSET default_tablespace = '';\n"),
              IsOk());
  EXPECT_THAT(Check(MemberKind::kStatisticsData,
                    "SELECT pg_catalog.pg_restore_relation_stats(\n\t'version', '150018'::integer,"
                    "\n\t'schemaname', 'public', 'relname', 'it''s', 'relpages', '3'::integer,"
                    " 'reltuples', '-1'::real);\n"
                    "SELECT pg_catalog.pg_restore_attribute_stats('schemaname', 'public', "
                    "'relname', 'b', 'attnum', '2'::smallint, 'inherited', 'f'::boolean, "
                    "'most_common_freqs', '{0.5}'::real[], 'histogram_bounds', '{a,b}'::text);\n"),
              IsOk());
  EXPECT_THAT(Check(MemberKind::kTrigger,
                    "CREATE CONSTRAINT TRIGGER t AFTER INSERT ON b FROM c FOR EACH ROW EXECUTE "
                    "FUNCTION f();"),
              IsOk());
  EXPECT_THAT(Check(MemberKind::kSubscription,
                    "CREATE SUBSCRIPTION s CONNECTION 'host=x' PUBLICATION p WITH (connect = "
                    "false, slot_name = NONE);"),
              IsOk());
  EXPECT_THAT(Check(MemberKind::kUserMapping, "CREATE USER MAPPING FOR u SERVER s;"), IsOk());
  EXPECT_THAT(Check(MemberKind::kDefaultAcl,
                    "ALTER DEFAULT PRIVILEGES FOR ROLE app IN SCHEMA s GRANT SELECT ON TABLES "
                    "TO reader;"),
              IsOk());
}

TEST(StatementPolicyTest, DatabasePropertiesRunOnlyTheirOwnStatements) {
  const std::string prologue =
      "DO $pgark$\nDECLARE db text := pg_catalog.quote_ident(pg_catalog.current_database());\n"
      "BEGIN\n";
  const std::string epilogue = "END\n$pgark$;\n";
  EXPECT_THAT(Check(MemberKind::kDatabaseProperties,
                    prologue +
                        "  EXECUTE 'ALTER DATABASE ' || db || ' SET work_mem = ''64MB''';\n"
                        "  EXECUTE 'COMMENT ON DATABASE ' || db || ' IS ''it''''s''';\n"
                        "  EXECUTE 'ALTER ROLE app IN DATABASE ' || db || ' SET x = 1';\n"
                        "  EXECUTE 'GRANT CONNECT ON DATABASE ' || db || ' TO app';\n" +
                        epilogue),
              IsOk());
  for (const char* body : {"  EXECUTE 'DROP DATABASE ' || db;\n",
                           "  EXECUTE 'ALTER ROLE app SUPERUSER';\n",
                           "  EXECUTE 'ALTER DATABASE ' || db || ' SET x = 1; DROP TABLE t';\n",
                           "  PERFORM pg_catalog.pg_sleep(1);\n",
                           "  EXECUTE 'GRANT pg_read_server_files TO app';\n",
                           "  EXECUTE pg_catalog.format('DROP TABLE %s', db);\n"}) {
    EXPECT_THAT(Check(MemberKind::kDatabaseProperties, prologue + body + epilogue),
                StatusIs(absl::StatusCode::kDataLoss))
        << body;
  }
  EXPECT_THAT(Check(MemberKind::kTable, prologue + "  EXECUTE 'ALTER DATABASE ' || db;\n" +
                                            epilogue),
              StatusIs(absl::StatusCode::kDataLoss));
}

TEST(StatementPolicyTest, EverythingElseIsRefusedAndNamed) {
  const std::pair<MemberKind, const char*> refused[] = {
      {MemberKind::kTable, "DROP DATABASE victim;"},
      {MemberKind::kTable, "COMMIT; BEGIN;"},
      {MemberKind::kTable, "COPY t TO PROGRAM 'rm -rf /';"},
      {MemberKind::kTable, "COPY t FROM stdin;"},
      {MemberKind::kTable, "SET ROLE postgres;"},
      {MemberKind::kTable, "SET SESSION AUTHORIZATION postgres;"},
      {MemberKind::kTable, "RESET ROLE;"},
      {MemberKind::kTable, "GRANT pg_execute_server_program TO me;"},
      {MemberKind::kTable, "ALTER ROLE me SUPERUSER;"},
      {MemberKind::kTable, "ALTER USER me SUPERUSER;"},
      {MemberKind::kTable, "ALTER SYSTEM SET fsync = off;"},
      {MemberKind::kTable, "CREATE ROLE evil SUPERUSER;"},
      {MemberKind::kTable, "CREATE DATABASE other;"},
      {MemberKind::kTable, "CREATE TABLE leak AS SELECT pg_read_file('/etc/passwd');"},
      {MemberKind::kTable, "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1';"},
      {MemberKind::kTable, "SELECT pg_catalog.pg_sleep(1);"},
      {MemberKind::kTable, "DELETE FROM t;"},
      {MemberKind::kTable, "CALL p();"},
      {MemberKind::kTable, "DO $$ BEGIN END $$;"},
      {MemberKind::kTable, "\\! touch /tmp/x\n"},
      {MemberKind::kTable, "CREATE TABLE t (a int); \\o /tmp/x\n"},
      {MemberKind::kSequenceSet, "SELECT pg_catalog.setval('s', 1, true), pg_sleep(1);"},
      {MemberKind::kSequenceSet, "SELECT pg_catalog.setval('s', (SELECT 1), true);"},
      {MemberKind::kLargeObjects, "SELECT pg_catalog.lo_export(16400, '/tmp/x');"},
      {MemberKind::kLargeObjects, "SELECT lo_create('1');"},
      {MemberKind::kStatisticsData,
       "SELECT pg_catalog.pg_restore_relation_stats('relname', (SELECT 'x'));"},
      {MemberKind::kStatisticsData,
       "SELECT pg_catalog.pg_restore_relation_stats('relname', 'x' || pg_sleep(1));"},
      {MemberKind::kStatisticsData,
       "SELECT pg_catalog.pg_restore_relation_stats('relation', 'x'::regclass);"},
      {MemberKind::kStatisticsData,
       "SELECT pg_catalog.pg_restore_relation_stats('a', 'b'), pg_catalog.pg_sleep(1);"},
      {MemberKind::kStatisticsData, "SELECT pg_catalog.pg_clear_relation_stats('s', 't');"},
      {MemberKind::kStatisticsData, "SELECT pg_restore_relation_stats('a', 'b');"},
      {MemberKind::kSequenceSet, "SELECT pg_catalog.pg_restore_relation_stats('a', 'b');"},
      {MemberKind::kRole, "DROP ROLE x;"},
      {MemberKind::kIndex, "SET role = 'postgres';"},
      {MemberKind::kIndex, "SET default_tablespace = 'a', 'b';"},
      {MemberKind::kTable, "SET default_tablespace = 'fast';"},
      {MemberKind::kRole, "ALTER ROLE x RENAME TO y;"},
      {MemberKind::kRole, "CREATE TABLE t (a int);"},
      {MemberKind::kRoleMembership, "GRANT SELECT ON t TO x;"},
      {MemberKind::kRoleSettings, "ALTER ROLE x WITH SUPERUSER;"},
      {MemberKind::kTablespace, "DROP TABLESPACE s;"},
      {MemberKind::kDatabase, "DROP DATABASE d;"},
      {MemberKind::kDatabase, "CREATE ROLE x;"},
      {MemberKind::kMaterializedView, "CREATE MATERIALIZED VIEW m AS SELECT pg_sleep(1);"},
      {MemberKind::kSubscription, "CREATE SUBSCRIPTION s CONNECTION 'x' PUBLICATION p;"},
      {MemberKind::kSubscription, "ALTER SUBSCRIPTION s ENABLE;"},
      {MemberKind::kIndex, "CREATE TABLE t (a int);"},
      {MemberKind::kAcl, "CREATE TABLE t (a int);"},
      {MemberKind::kMaterializedView, "REFRESH MATERIALIZED VIEW m;"},
  };
  for (const auto& [kind, sql] : refused) {
    EXPECT_THAT(Check(kind, sql), StatusIs(absl::StatusCode::kDataLoss, HasSubstr("books")))
        << WireName(kind) << ": " << sql;
  }
}

// What the lexer cannot see, PostgreSQL's parser does, for archives of servers it knows: a
// statement that does not parse, or that the parser splits differently.
TEST(StatementPolicyTest, PostgresParserIsTheSecondOpinion) {
  const MemberEntry table = Member(MemberKind::kTable);
  EXPECT_THAT(CheckMemberStatements(table, "CREATE TABLE t (a int) WHERE true;", 150018),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("parser")));
  EXPECT_THAT(CheckMemberStatements(table, "CREATE TABLE t (a int) WHERE true;", 0), IsOk());
  EXPECT_THAT(CheckMemberStatements(table, "CREATE TABLE t (a int) WHERE true;", 180000), IsOk());
  EXPECT_THAT(CheckMemberStatements(table, "COMMENT ON TABLE t IS 'x'; CREATE TABLE u (a int);",
                                    120000),
              IsOk());
}

TEST(StatementPolicyTest, ValidateChecksMembersAsStreams) {
  StringSink out;
  StatementCheckSink good(Member(MemberKind::kTable), 150018);
  good.set_downstream(&out);
  ASSERT_THAT(good.Append("CREATE TABLE t (a"), IsOk());
  ASSERT_THAT(good.Append(" int);\n"), IsOk());
  EXPECT_THAT(good.Close(), IsOk());
  EXPECT_EQ(out.data(), "CREATE TABLE t (a int);\n");
  StringSink out2;
  StatementCheckSink bad(Member(MemberKind::kTable), 150018);
  bad.set_downstream(&out2);
  ASSERT_THAT(bad.Append("CREATE TABLE t (a int); DROP TABLE u;"), IsOk());
  EXPECT_THAT(bad.Close(), StatusIs(absl::StatusCode::kDataLoss));
}

// A statistics call is checked argument by argument, so one too long to keep whole is refused.
TEST(StatementPolicyTest, OverlongStatisticsCallIsRefused) {
  std::string sql = "SELECT pg_catalog.pg_restore_attribute_stats('relname', 'b'";
  for (int i = 0; i < 200; ++i) sql += ", 'null_frac', '0'::real";
  EXPECT_THAT(Check(MemberKind::kStatisticsData, sql + ");"),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("longer than any pgark writes")));
}

}  // namespace
}  // namespace pgark::formats
