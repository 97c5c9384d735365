#include "engine/ddl/privileges_sql.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/ddl/sql_text.h"

namespace pgark::engine {
namespace {

// "SELECT, UPDATE": privileges, each followed by `suffix` (a column: " (c)").
std::string PrivilegeNames(const std::vector<std::string>& privileges,
                           absl::string_view suffix = "") {
  std::vector<std::string> out;
  for (const std::string& p : privileges) out.push_back(absl::StrCat(p, suffix));
  return absl::StrJoin(out, ", ");
}

// A grant's privileges, each followed by `suffix`.
std::string PrivilegeList(const Grant& g, absl::string_view suffix = "") {
  return PrivilegeNames(g.privileges, suffix);
}

// " TO grantee[ WITH GRANT OPTION]".
std::string Grantee(const Grant& g) {
  return absl::StrCat(" TO ", g.grantee, g.grantable ? " WITH GRANT OPTION" : "");
}

// A grantee's privileges: privilege -> grantable.
using GranteePrivileges = std::map<std::string, bool>;

// The grants by grantee, and the grantees in the order they first appear.
std::map<std::string, GranteePrivileges> ByGrantee(const std::vector<Grant>& grants,
                                                   std::vector<std::string>& order) {
  std::map<std::string, GranteePrivileges> out;
  for (const Grant& g : grants) {
    if (!out.count(g.grantee)) order.push_back(g.grantee);
    for (const std::string& p : g.privileges) out[g.grantee][p] = out[g.grantee][p] || g.grantable;
  }
  return out;
}

}  // namespace

std::vector<std::string> AclStatements(absl::string_view on, const Privileges& p) {
  std::vector<std::string> out;
  if (!p.has_acl) return out;
  out.push_back(absl::StrCat("REVOKE ALL", on, " FROM PUBLIC"));
  if (!p.owner.empty()) out.push_back(absl::StrCat("REVOKE ALL", on, " FROM ", p.owner));
  for (const Grant& g : p.grants) {
    out.push_back(absl::StrCat("GRANT ", PrivilegeList(g), on, Grantee(g)));
  }
  return out;
}

std::string PrivilegesSql(absl::string_view alter_kind, absl::string_view alter_ref,
                          absl::string_view grant_kind, absl::string_view grant_ref,
                          const Privileges& p) {
  std::string sql;
  if (!p.owner.empty()) {
    absl::StrAppend(&sql, "ALTER ", alter_kind, " ", alter_ref, " OWNER TO ", p.owner, ";\n");
  }
  for (const std::string& statement :
       AclStatements(absl::StrCat(" ON ", grant_kind, " ", grant_ref), p)) {
    absl::StrAppend(&sql, statement, ";\n");
  }
  return sql.empty() ? sql : absl::StrCat(sql, "\n");
}

std::string PrivilegesSql(absl::string_view alter_kind, absl::string_view grant_kind,
                          absl::string_view ref, const Privileges& p) {
  return PrivilegesSql(alter_kind, ref, grant_kind, ref, p);
}

std::string ColumnPrivilegesSql(absl::string_view table, absl::string_view column,
                                const Privileges& p) {
  std::string sql;
  const std::string on_column = absl::StrCat(" (", QuoteIdent(column), ")");
  for (const Grant& g : p.grants) {  // GRANT SELECT (c), UPDATE (c)
    absl::StrAppend(&sql, "GRANT ", PrivilegeList(g, on_column), " ON TABLE ", table, Grantee(g),
                    ";\n");
  }
  return sql.empty() ? sql : absl::StrCat(sql, "\n");
}

std::string PredefinedPrivilegesSql(const PredefinedPrivilegesDef& d) {
  std::string sql;
  if (!d.new_owner.empty()) {
    absl::StrAppend(&sql, "ALTER ", d.kind, " ", d.object, " OWNER TO ", d.new_owner, ";\n");
  }
  const std::string on = absl::StrCat(" ON ", d.kind, " ", d.object);
  const std::string column = d.column.empty() ? "" : absl::StrCat(" (", QuoteIdent(d.column), ")");
  std::vector<std::string> initial_order, current_order;
  auto initial = ByGrantee(d.initial, initial_order);
  auto current = ByGrantee(d.current, current_order);
  for (const std::string& grantee : initial_order) {  // what the grantee no longer has
    std::vector<std::string> revoke, revoke_option;
    for (const auto& [privilege, grantable] : initial[grantee]) {
      auto now = current[grantee].find(privilege);
      if (now == current[grantee].end()) {
        revoke.push_back(privilege);
      } else if (grantable && !now->second) {
        revoke_option.push_back(privilege);
      }
    }
    if (!revoke.empty()) {
      absl::StrAppend(&sql, "REVOKE ", PrivilegeNames(revoke, column), on, " FROM ", grantee,
                      ";\n");
    }
    if (!revoke_option.empty()) {
      absl::StrAppend(&sql, "REVOKE GRANT OPTION FOR ", PrivilegeNames(revoke_option, column),
                      on, " FROM ", grantee, ";\n");
    }
  }
  for (const std::string& grantee : current_order) {  // what the grantee has gained
    std::vector<std::string> grant[2];  // without, with grant option
    for (const auto& [privilege, grantable] : current[grantee]) {
      auto before = initial[grantee].find(privilege);
      if (before == initial[grantee].end() || (grantable && !before->second)) {
        grant[grantable].push_back(privilege);
      }
    }
    for (bool option : {false, true}) {
      if (grant[option].empty()) continue;
      absl::StrAppend(&sql, "GRANT ", PrivilegeNames(grant[option], column), on, " TO ",
                      grantee, option ? " WITH GRANT OPTION" : "", ";\n");
    }
  }
  return sql.empty() ? sql : absl::StrCat(sql, "\n");
}

std::string DefaultPrivilegesSql(const DefaultPrivilegesDef& d) {
  const char* objects = d.object_type == 'S'   ? "SEQUENCES"
                        : d.object_type == 'f' ? "FUNCTIONS"
                        : d.object_type == 'T' ? "TYPES"
                        : d.object_type == 'n' ? "SCHEMAS"
                                               : "TABLES";
  std::string alter = absl::StrCat("ALTER DEFAULT PRIVILEGES FOR ROLE ", d.role);
  if (!d.schema.empty()) absl::StrAppend(&alter, " IN SCHEMA ", QuoteIdent(d.schema));
  std::string sql;
  // A role's defaults everywhere replace the built-in ones, so start from nothing; defaults
  // in one schema only add to them.
  if (d.schema.empty()) {
    absl::StrAppend(&sql, alter, " REVOKE ALL ON ", objects, " FROM PUBLIC;\n", alter,
                    " REVOKE ALL ON ", objects, " FROM ", d.role, ";\n");
  }
  for (const Grant& g : d.privileges.grants) {
    absl::StrAppend(&sql, alter, " GRANT ", PrivilegeList(g), " ON ", objects, Grantee(g), ";\n");
  }
  return absl::StrCat(sql, "\n");
}

}  // namespace pgark::engine
