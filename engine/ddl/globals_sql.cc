#include "engine/ddl/globals_sql.h"

#include <map>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "engine/ddl/privileges_sql.h"
#include "engine/ddl/schema_sql.h"
#include "engine/ddl/sql_text.h"

namespace pgark::engine {
namespace {

const char* Flag(bool on, const char* yes, const char* no) { return on ? yes : no; }

std::string Statements(const std::vector<std::string>& statements) {
  std::string sql;
  for (const std::string& s : statements) absl::StrAppend(&sql, s, ";\n");
  return absl::StrCat(sql, "\n");
}

}  // namespace

std::string RoleSql(const RoleDef& r) {
  const std::string name = QuoteIdent(r.name);
  std::string attributes = absl::StrCat(
      Flag(r.superuser, " SUPERUSER", " NOSUPERUSER"), Flag(r.inherit, " INHERIT", " NOINHERIT"),
      Flag(r.create_role, " CREATEROLE", " NOCREATEROLE"),
      Flag(r.create_db, " CREATEDB", " NOCREATEDB"), Flag(r.login, " LOGIN", " NOLOGIN"),
      Flag(r.replication, " REPLICATION", " NOREPLICATION"),
      Flag(r.bypass_rls, " BYPASSRLS", " NOBYPASSRLS"));
  // Always, -1 too: an existing role brought in line loses a limit of its own.
  absl::StrAppend(&attributes, " CONNECTION LIMIT ", r.connection_limit);
  if (!r.password.empty()) absl::StrAppend(&attributes, " PASSWORD ", QuoteLiteral(r.password));
  if (!r.valid_until.empty()) {
    absl::StrAppend(&attributes, " VALID UNTIL ", QuoteLiteral(r.valid_until));
  }
  std::vector<std::string> sql = {absl::StrCat("CREATE ROLE ", name),
                                  absl::StrCat("ALTER ROLE ", name, " WITH", attributes)};
  if (!r.comment.empty()) {
    sql.push_back(absl::StrCat("COMMENT ON ROLE ", name, " IS ", QuoteLiteral(r.comment)));
  }
  for (const auto& [provider, label] : r.security_labels) {
    sql.push_back(absl::StrCat("SECURITY LABEL FOR ", QuoteIdent(provider), " ON ROLE ", name,
                               " IS ", QuoteLiteral(label)));
  }
  return Statements(sql);
}

std::string RoleSettingsSql(const RoleDef& r) {
  std::vector<std::string> sql;
  for (const DatabaseSetting& s : r.settings) {
    sql.push_back(absl::StrCat("ALTER ROLE ", QuoteIdent(r.name), SettingSql(s)));
  }
  return sql.empty() ? "" : Statements(sql);
}

std::vector<std::pair<RoleMembershipDef, bool>> OrderMemberships(const ClusterGlobals& g) {
  std::set<std::string> superusers;
  for (const RoleDef& r : g.roles) {
    if (r.superuser) superusers.insert(r.name);
  }
  superusers.insert(g.bootstrap_superuser);
  std::set<std::pair<std::string, std::string>> admins;  // (role, member) WITH ADMIN, granted
  std::vector<std::pair<RoleMembershipDef, bool>> out;
  std::vector<RoleMembershipDef> pending = g.memberships;
  for (bool progress = true; progress && !pending.empty();) {
    progress = false;
    std::vector<RoleMembershipDef> later;
    for (const RoleMembershipDef& m : pending) {
      if (!superusers.count(m.grantor) && !admins.count({m.role, m.grantor})) {
        later.push_back(m);
        continue;
      }
      if (m.admin) admins.insert({m.role, m.member});
      out.emplace_back(m, true);
      progress = true;
    }
    pending = std::move(later);
  }
  for (const RoleMembershipDef& m : pending) out.emplace_back(m, false);  // grantor unknown
  return out;
}

std::string MembershipSql(const RoleMembershipDef& m, bool granted_by, int server_version_num) {
  std::string sql = absl::StrCat("GRANT ", QuoteIdent(m.role), " TO ", QuoteIdent(m.member));
  if (server_version_num >= 160000) {
    absl::StrAppend(&sql, " WITH ADMIN ", Flag(m.admin, "TRUE", "FALSE"), ", INHERIT ",
                    Flag(m.inherit, "TRUE", "FALSE"), ", SET ", Flag(m.set, "TRUE", "FALSE"));
  } else if (m.admin) {
    absl::StrAppend(&sql, " WITH ADMIN OPTION");
  }
  if (granted_by && !m.grantor.empty()) {
    absl::StrAppend(&sql, " GRANTED BY ", QuoteIdent(m.grantor));
  }
  return absl::StrCat(sql, ";\n\n");
}

std::string TablespaceCreateSql(absl::string_view name, absl::string_view location) {
  return absl::StrCat("CREATE TABLESPACE ", QuoteIdent(name), " LOCATION ", QuoteLiteral(location));
}

std::string TablespaceSql(const TablespaceDef& t) {
  const std::string name = QuoteIdent(t.name);
  // The owner on its own, so that a restore may create the tablespace elsewhere.
  std::vector<std::string> sql = {TablespaceCreateSql(t.name, t.location)};
  if (!t.privileges.owner.empty()) {
    sql.push_back(absl::StrCat("ALTER TABLESPACE ", name, " OWNER TO ", t.privileges.owner));
  }
  if (!t.options.empty()) {
    std::vector<std::string> options;
    for (absl::string_view option : absl::StrSplit(t.options, ", ")) {
      std::pair<std::string, std::string> kv = absl::StrSplit(option, absl::MaxSplits('=', 1));
      options.push_back(absl::StrCat(QuoteIdent(kv.first), " = ", QuoteLiteral(kv.second)));
    }
    sql.push_back(absl::StrCat("ALTER TABLESPACE ", name, " SET (", absl::StrJoin(options, ", "),
                               ")"));
  }
  for (std::string& s : AclStatements(absl::StrCat(" ON TABLESPACE ", name), t.privileges)) {
    sql.push_back(std::move(s));
  }
  if (!t.comment.empty()) {
    sql.push_back(absl::StrCat("COMMENT ON TABLESPACE ", name, " IS ", QuoteLiteral(t.comment)));
  }
  return Statements(sql);
}

std::string ParameterAclSql(const ParameterAclDef& p) {
  std::vector<std::string> parts;
  for (absl::string_view part : absl::StrSplit(p.name, '.')) parts.push_back(QuoteIdent(part));
  return Statements(
      AclStatements(absl::StrCat(" ON PARAMETER ", absl::StrJoin(parts, ".")), p.privileges));
}

std::string ClusterDatabaseSql(const ClusterDatabaseDef& d, int server_version_num) {
  const std::string name = QuoteIdent(d.base.name);
  std::string create = absl::StrCat("CREATE DATABASE ", name, " WITH TEMPLATE = template0 ENCODING = ",
                                    QuoteLiteral(d.encoding));
  if (server_version_num >= 150000) {
    absl::StrAppend(&create, " LOCALE_PROVIDER = ",
                    d.locale_provider == 'i'   ? "icu"
                    : d.locale_provider == 'b' ? "builtin"
                                               : "libc");
  }
  absl::StrAppend(&create, " LC_COLLATE = ", QuoteLiteral(d.collate), " LC_CTYPE = ",
                  QuoteLiteral(d.ctype));
  if (!d.locale.empty()) {
    absl::StrAppend(&create, d.locale_provider == 'b' ? " BUILTIN_LOCALE = " : " ICU_LOCALE = ",
                    QuoteLiteral(d.locale));
  }
  if (!d.icu_rules.empty()) absl::StrAppend(&create, " ICU_RULES = ", QuoteLiteral(d.icu_rules));
  if (!d.tablespace.empty()) absl::StrAppend(&create, " TABLESPACE = ", QuoteIdent(d.tablespace));
  std::vector<std::string> sql = {create};
  for (std::string& s : DatabasePropertiesSql(d.base, name)) sql.push_back(std::move(s));
  if (d.is_template) sql.push_back(absl::StrCat("ALTER DATABASE ", name, " IS_TEMPLATE true"));
  if (!d.allow_connections) {
    sql.push_back(absl::StrCat("ALTER DATABASE ", name, " ALLOW_CONNECTIONS false"));
  }
  return Statements(sql);
}

}  // namespace pgark::engine
