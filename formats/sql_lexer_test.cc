#include "formats/sql_lexer.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/status_matchers.h"

namespace pgark::formats {
namespace {

using ::pgark::testing::IsOk;
using ::pgark::testing::StatusIs;
using ::testing::HasSubstr;

// The statements' texts, for comparing splits.
std::vector<std::string> Split(absl::string_view sql) {
  absl::StatusOr<std::vector<SqlStatement>> s = SplitSqlStatements(sql);
  EXPECT_THAT(s, IsOk()) << sql;
  std::vector<std::string> out;
  if (!s.ok()) return out;
  for (const SqlStatement& st : *s) out.emplace_back(sql.substr(st.begin, st.end - st.begin));
  return out;
}

using Texts = std::vector<std::string>;

TEST(SqlLexerTest, QuotesCommentsAndDollarQuotesHideSemicolons) {
  EXPECT_EQ(Split("CREATE TABLE a (x int); COMMENT ON TABLE a IS 'x;y';"),
            (Texts{"CREATE TABLE a (x int)", "COMMENT ON TABLE a IS 'x;y'"}));
  EXPECT_EQ(Split("SELECT 'it''s; fine'; SELECT \"a;\"\"b\""),
            (Texts{"SELECT 'it''s; fine'", "SELECT \"a;\"\"b\""}));
  EXPECT_EQ(Split("CREATE FUNCTION f() AS $a$ x; $b$ y; $b$ $a$ LANGUAGE sql; SELECT 1"),
            (Texts{"CREATE FUNCTION f() AS $a$ x; $b$ y; $b$ $a$ LANGUAGE sql", "SELECT 1"}));
  EXPECT_EQ(Split("/* a /* nested ; */ still; */ SELECT 1; -- tail ; comment\nSELECT 2"),
            (Texts{"SELECT 1", "SELECT 2"}));
  EXPECT_EQ(Split("SELECT $1, a$b$ FROM t; ;; SELECT (1;2)"),
            (Texts{"SELECT $1, a$b$ FROM t", "SELECT (1;2)"}));
}

// With standard_conforming_strings (pgark's header sets it), only E'' strings take
// backslash escapes: 'a\' ends at its second quote, E'a\'' does not.
TEST(SqlLexerTest, BackslashesEscapeOnlyInEStrings) {
  EXPECT_EQ(Split("SELECT 'a\\'; DROP DATABASE x; --'"),
            (Texts{"SELECT 'a\\'", "DROP DATABASE x"}));
  EXPECT_EQ(Split("SELECT E'a\\'; still'; SELECT 2"), (Texts{"SELECT E'a\\'; still'", "SELECT 2"}));
  EXPECT_EQ(Split("SELECT U&'d;' , U&\"x;\"; SELECT 3"),
            (Texts{"SELECT U&'d;' , U&\"x;\"", "SELECT 3"}));
}

// psql's rule for SQL-standard function bodies.
TEST(SqlLexerTest, BeginAtomicBodiesAreOneStatement) {
  EXPECT_EQ(Split("CREATE OR REPLACE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; "
                  "SELECT CASE WHEN true THEN 2 END; END; SELECT 3"),
            (Texts{"CREATE OR REPLACE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT "
                   "1; SELECT CASE WHEN true THEN 2 END; END",
                   "SELECT 3"}));
  EXPECT_EQ(Split("BEGIN; SELECT 1; END;"), (Texts{"BEGIN", "SELECT 1", "END"}));
}

TEST(SqlLexerTest, TokensAreClassifiedAndLowerCased) {
  absl::StatusOr<std::vector<SqlStatement>> s =
      SplitSqlStatements("GRANT SELECT ON TABLE \"My T\" TO u -- c\n;");
  ASSERT_THAT(s, IsOk());
  ASSERT_EQ(s->size(), 1u);
  const std::vector<SqlToken>& t = s->front().tokens;
  ASSERT_EQ(t.size(), 7u);
  EXPECT_TRUE(t[0].Is("grant"));
  EXPECT_EQ(t[4].kind, SqlToken::kQuotedName);
  EXPECT_EQ(t[4].text, "My T");
  absl::StatusOr<std::vector<SqlStatement>> nested = SplitSqlStatements("SELECT f((a), b) x");
  ASSERT_THAT(nested, IsOk());
  EXPECT_EQ(nested->front().tokens[4].depth, 2);  // a
  EXPECT_EQ(nested->front().tokens.back().depth, 0);
}

TEST(SqlLexerTest, LongStatementsKeepTheirTopLevelTokens) {
  std::string sql = "CREATE TABLE t (";
  for (int i = 0; i < 200; ++i) sql += "c" + std::to_string(i) + " int, ";
  sql += "z int) AS SELECT 1";
  absl::StatusOr<std::vector<SqlStatement>> s = SplitSqlStatements(sql);
  ASSERT_THAT(s, IsOk());
  EXPECT_TRUE(s->front().truncated);
  EXPECT_TRUE(s->front().tokens[s->front().tokens.size() - 3].Is("as"));
}

TEST(SqlLexerTest, RefusesWhatIsNotCompleteSql) {
  for (const char* bad : {"SELECT 'abc", "SELECT \"abc", "SELECT $x$ abc", "/* abc",
                          "SELECT (1", "SELECT 1)", "\\! rm -rf /", "SELECT 1;\n\\quit",
                          "SELECT E'abc\\'"}) {
    EXPECT_THAT(SplitSqlStatements(bad), StatusIs(absl::StatusCode::kInvalidArgument)) << bad;
  }
  EXPECT_THAT(SplitSqlStatements(absl::string_view("SELECT \0", 8)),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("NUL")));
  EXPECT_THAT(SplitSqlStatements("  -- nothing\n"), IsOk());
}

}  // namespace
}  // namespace pgark::formats
