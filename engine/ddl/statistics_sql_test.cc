#include "engine/ddl/statistics_sql.h"

#include "formats/statement_policy.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/status_matchers.h"

namespace pgark::engine {
namespace {

using ::pgark::testing::IsOk;
using ::testing::HasSubstr;

TableStatistics Sample() {
  RelationStatistics table{.oid = 1, .schema = "we'ird", .name = "T \"1\"", .relkind = 'r',
                           .relpages = 12, .reltuples = "1000", .relallvisible = 3};
  table.columns.push_back(
      {.column = "it's", .attnum = 1, .inherited = false,
       .values = {{"null_frac", "0.25"}, {"most_common_vals", "{\"a'b\",c}"},
                  {"most_common_freqs", "{0.5,0.25}"}}});
  RelationStatistics index{.oid = 2, .schema = "we'ird", .name = "t_lower", .relkind = 'i',
                           .relpages = 4, .reltuples = "1000", .relallvisible = 0,
                           .relallfrozen = "0"};
  index.columns.push_back({.attnum = 1, .inherited = false, .values = {{"avg_width", "7"}}});
  return {"we'ird", "T \"1\"", {table, index}};
}

TEST(StatisticsSqlTest, LiteralsCastToWhatTheFunctionsTake) {
  const std::string sql = PlannerStatisticsSql(Sample(), 150018);
  EXPECT_THAT(sql, HasSubstr("SELECT pg_catalog.pg_restore_relation_stats(\n"
                             "\t'version', '150018'::integer,\n"
                             "\t'schemaname', 'we''ird',\n"
                             "\t'relname', 'T \"1\"',\n"
                             "\t'relpages', '12'::integer,\n"
                             "\t'reltuples', '1000'::real,\n"
                             "\t'relallvisible', '3'::integer);\n"));
  EXPECT_THAT(sql, HasSubstr("\t'attname', 'it''s',\n\t'inherited', 'f'::boolean,\n"
                             "\t'null_frac', '0.25'::real,\n"
                             "\t'most_common_vals', '{\"a''b\",c}'::text,\n"
                             "\t'most_common_freqs', '{0.5,0.25}'::real[]);\n"));
  // An index's column goes by number; relallfrozen only when the source had it (18+).
  EXPECT_THAT(sql, HasSubstr("\t'relname', 't_lower',\n\t'attnum', '1'::smallint,\n"));
  EXPECT_THAT(sql, HasSubstr("\t'relallfrozen', '0'::integer);\n"));
  EXPECT_EQ(sql.find("relallfrozen"), sql.rfind("relallfrozen"));
}

// What pgark writes, its own statement policy lets through (and PostgreSQL's parser reads).
TEST(StatisticsSqlTest, PassesTheArchivePolicy) {
  formats::MemberEntry member;
  member.kind = formats::MemberKind::kStatisticsData;
  member.section = formats::Section::kPostData;
  EXPECT_THAT(formats::CheckMemberStatements(member, PlannerStatisticsSql(Sample(), 150018),
                                             150018),
              IsOk());
}

}  // namespace
}  // namespace pgark::engine
