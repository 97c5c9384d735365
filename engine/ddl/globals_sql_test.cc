#include "engine/ddl/globals_sql.h"

#include "formats/statement_policy.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/status_matchers.h"

namespace pgark::engine {
namespace {

using ::pgark::testing::IsOk;
using ::testing::HasSubstr;

// A grant is written once its grantor holds ADMIN on the role: g_app's grant by g_admin waits
// for g_admin's own (by the superuser), whatever their order in the catalog.
TEST(GlobalsSqlTest, MembershipsWaitForTheirGrantorsAdmin) {
  ClusterGlobals g;
  g.bootstrap_superuser = "postgres";
  g.roles = {{.name = "g_admin"}, {.name = "g_app"}, {.name = "boss", .superuser = true}};
  g.memberships = {{"g_group", "g_app", "g_admin", false, true, true},
                   {"g_group", "g_admin", "postgres", true, true, true},
                   {"g_group", "x", "boss", false, true, true},
                   {"g_other", "y", "nobody", false, true, true}};
  const auto ordered = OrderMemberships(g);
  ASSERT_EQ(ordered.size(), 4u);
  EXPECT_EQ(ordered[0].first.member, "g_admin");
  EXPECT_EQ(ordered[1].first.member, "x");
  EXPECT_EQ(ordered[2].first.member, "g_app");
  EXPECT_TRUE(ordered[2].second);
  EXPECT_EQ(ordered[3].first.member, "y");  // its grantor never gets ADMIN: granted by us
  EXPECT_FALSE(ordered[3].second);
  EXPECT_EQ(MembershipSql(ordered[2].first, true, 160000),
            "GRANT \"g_group\" TO \"g_app\" WITH ADMIN FALSE, INHERIT TRUE, SET TRUE GRANTED BY "
            "\"g_admin\";\n\n");
  EXPECT_EQ(MembershipSql(ordered[0].first, true, 150000),
            "GRANT \"g_group\" TO \"g_admin\" WITH ADMIN OPTION GRANTED BY \"postgres\";\n\n");
  EXPECT_EQ(MembershipSql(ordered[3].first, false, 150000), "GRANT \"g_other\" TO \"y\";\n\n");
}

TEST(GlobalsSqlTest, RolesAndDatabasesPassTheArchivePolicy) {
  RoleDef r{.name = "it's", .login = true, .connection_limit = -1, .valid_until = "infinity",
            .password = "SCRAM-SHA-256$4096:x", .comment = "c"};
  r.settings = {{"", "search_path", "app, \"$user\""}};
  const std::string role = RoleSql(r);
  EXPECT_THAT(role, HasSubstr("CREATE ROLE \"it's\";\nALTER ROLE \"it's\" WITH NOSUPERUSER "
                              "INHERIT NOCREATEROLE NOCREATEDB LOGIN NOREPLICATION NOBYPASSRLS "
                              "CONNECTION LIMIT -1 PASSWORD 'SCRAM-SHA-256$4096:x' VALID UNTIL "
                              "'infinity';\n"));
  ClusterDatabaseDef d;
  d.base.name = "db";
  d.base.privileges.owner = "\"o\"";
  d.encoding = "UTF8";
  d.locale_provider = 'i';
  d.collate = d.ctype = "C";
  d.locale = "en-US";
  d.allow_connections = false;
  const std::string database = ClusterDatabaseSql(d, 160000);
  EXPECT_THAT(database, HasSubstr("LOCALE_PROVIDER = icu LC_COLLATE = 'C' LC_CTYPE = 'C' "
                                  "ICU_LOCALE = 'en-US';\nALTER DATABASE \"db\" OWNER TO \"o\";\n"));
  EXPECT_THAT(database, HasSubstr("ALTER DATABASE \"db\" ALLOW_CONNECTIONS false;\n"));
  const TablespaceDef t{.name = "fast", .location = "/srv/it's", .options = "seq_page_cost=2"};
  struct Case {
    formats::MemberKind kind;
    std::string sql;
  };
  for (const Case& c : {Case{formats::MemberKind::kRole, role},
                        Case{formats::MemberKind::kRoleSettings, RoleSettingsSql(r)},
                        Case{formats::MemberKind::kDatabase, database},
                        Case{formats::MemberKind::kTablespace, TablespaceSql(t)}}) {
    formats::MemberEntry m;
    m.kind = c.kind;
    EXPECT_THAT(formats::CheckMemberStatements(m, c.sql, 150018), IsOk()) << c.sql;
  }
}

}  // namespace
}  // namespace pgark::engine
