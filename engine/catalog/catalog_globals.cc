// Catalog::ReadGlobals: the cluster's roles, memberships, role settings, tablespaces,
// parameter privileges and databases (backup globals). The shared catalogs read the same from any database; password
// hashes (pg_authid) only a superuser may read.
#include <map>

#include "absl/strings/str_cat.h"
#include "engine/catalog/catalog.h"
#include "engine/catalog/catalog_internal.h"
#include "formats/status_macros.h"

namespace pgark::engine {
namespace {

constexpr char kRolesSql[] =
    "SELECT r.rolname AS name, r.rolsuper, r.rolinherit, r.rolcreaterole, r.rolcreatedb, "
    "r.rolcanlogin, r.rolreplication, r.rolbypassrls, r.rolconnlimit, "
    "pg_catalog.to_char(r.rolvaliduntil AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') "
    "  || '+00' AS valid_until, r.rolvaliduntil = 'infinity' AS forever, "
    "pg_catalog.shobj_description(r.oid, 'pg_authid') AS comment, ";
constexpr char kRolesFrom[] =
    " AS password FROM pg_catalog.pg_roles r WHERE r.rolname !~ '^pg_' "
    "ORDER BY r.rolname COLLATE \"C\"";

// Before 16 a grant has no INHERIT or SET option of its own: the member's attribute decides.
constexpr char kMembershipsSql[] =
    "SELECT ur.rolname AS role, um.rolname AS member, ug.rolname AS grantor, m.admin_option, ";
constexpr char kMembershipsFrom[] =
    " FROM pg_catalog.pg_auth_members m "
    "JOIN pg_catalog.pg_roles ur ON ur.oid = m.roleid "
    "JOIN pg_catalog.pg_roles um ON um.oid = m.member "
    "LEFT JOIN pg_catalog.pg_roles ug ON ug.oid = m.grantor "
    "WHERE um.rolname !~ '^pg_' "
    "ORDER BY ur.rolname COLLATE \"C\", um.rolname COLLATE \"C\", ug.rolname COLLATE \"C\"";

// Settings of a role in every database (setdatabase 0); per-database ones go with the database.
constexpr char kRoleSettingsSql[] =
    "SELECT r.rolname AS role, pg_catalog.split_part(c.item, '=', 1) AS name, "
    "pg_catalog.substr(c.item, pg_catalog.strpos(c.item, '=') + 1) AS value "
    "FROM pg_catalog.pg_db_role_setting s JOIN pg_catalog.pg_roles r ON r.oid = s.setrole "
    "CROSS JOIN LATERAL pg_catalog.unnest(s.setconfig) WITH ORDINALITY c(item, n) "
    "WHERE s.setdatabase = 0 ORDER BY r.rolname COLLATE \"C\", c.n";

constexpr char kRoleLabelsSql[] =
    "SELECT r.rolname AS role, l.provider, l.label FROM pg_catalog.pg_shseclabel l "
    "JOIN pg_catalog.pg_roles r ON r.oid = l.objoid "
    "WHERE l.classoid = 'pg_catalog.pg_authid'::pg_catalog.regclass "
    "ORDER BY r.rolname COLLATE \"C\", l.provider COLLATE \"C\"";

constexpr char kTablespacesSql[] =
    "SELECT t.spcname AS name, pg_catalog.pg_tablespace_location(t.oid) AS location, "
    "pg_catalog.array_to_string(t.spcoptions, ', ') AS options, "
    "pg_catalog.shobj_description(t.oid, 'pg_tablespace') AS comment, "
    PGARK_PRIVILEGES("t.spcowner", "t.spcacl")
    " FROM pg_catalog.pg_tablespace t WHERE t.spcname !~ '^pg_' "
    "ORDER BY t.spcname COLLATE \"C\"";

constexpr char kParameterAclsSql[] =
    "SELECT p.parname AS name, "
    PGARK_PRIVILEGES("NULL", "p.paracl")
    " FROM pg_catalog.pg_parameter_acl p WHERE p.paracl IS NOT NULL "
    "ORDER BY p.parname COLLATE \"C\"";

constexpr char kDatabasesSql[] =
    "SELECT d.datname AS name, pg_catalog.pg_encoding_to_char(d.encoding) AS encoding, "
    "d.datcollate AS collate, d.datctype AS ctype, d.datistemplate AS is_template, "
    "d.datallowconn AS allow_connections, "
    "NULLIF(t.spcname, 'pg_default') AS tablespace, ";
constexpr char kDatabasesFrom[] =
    " FROM pg_catalog.pg_database d JOIN pg_catalog.pg_tablespace t ON t.oid = d.dattablespace "
    "WHERE d.datname <> 'template0' ORDER BY d.datname COLLATE \"C\"";

// The locale columns: the provider from 15, the ICU locale in daticulocale (15-16) then
// datlocale (17+, also the builtin provider's), ICU rules from 16.
std::string DatabaseLocaleSql(int v) {
  return absl::StrCat(v >= 150000 ? "d.datlocprovider" : "'c'::\"char\"", " AS locale_provider, ",
                      v >= 170000   ? "d.datlocale"
                      : v >= 150000 ? "d.daticulocale"
                                    : "NULL::text",
                      " AS locale, ", v >= 160000 ? "d.daticurules" : "NULL::text",
                      " AS icu_rules");
}

RoleDef RoleOf(const PgRow& row) {
  RoleDef r;
  r.name = row.String("name");
  r.superuser = row.Bool("rolsuper");
  r.inherit = row.Bool("rolinherit");
  r.create_role = row.Bool("rolcreaterole");
  r.create_db = row.Bool("rolcreatedb");
  r.login = row.Bool("rolcanlogin");
  r.replication = row.Bool("rolreplication");
  r.bypass_rls = row.Bool("rolbypassrls");
  r.connection_limit = row.Int("rolconnlimit");
  if (row.Bool("forever")) {
    r.valid_until = "infinity";
  } else if (!row.IsNull("valid_until")) {
    r.valid_until = row.String("valid_until");
  }
  r.password = row.String("password");
  r.comment = row.String("comment");
  return r;
}

constexpr char kNamedRolesSql[] =
    "SELECT r.rolname AS name FROM pg_catalog.pg_roles r WHERE r.rolname !~ '^pg_' AND ("
    // The bootstrap superuser's objects are not in pg_shdepend: does it own one users made?
    "(r.oid = 10 AND EXISTS ("
    "  SELECT 1 FROM pg_catalog.pg_class WHERE relowner = 10 AND oid >= 16384 UNION ALL "
    "  SELECT 1 FROM pg_catalog.pg_namespace WHERE nspowner = 10 AND oid >= 16384 UNION ALL "
    "  SELECT 1 FROM pg_catalog.pg_proc WHERE proowner = 10 AND oid >= 16384 UNION ALL "
    "  SELECT 1 FROM pg_catalog.pg_type WHERE typowner = 10 AND oid >= 16384)) "
    "OR r.oid IN (SELECT d.refobjid FROM pg_catalog.pg_shdepend d "
    "  WHERE d.refclassid = 'pg_catalog.pg_authid'::pg_catalog.regclass AND d.dbid = "
    "  (SELECT oid FROM pg_catalog.pg_database WHERE datname = pg_catalog.current_database())) "
    "OR r.oid IN (SELECT datdba FROM pg_catalog.pg_database "
    "  WHERE datname = pg_catalog.current_database()) "
    "OR r.oid IN (SELECT s.setrole FROM pg_catalog.pg_db_role_setting s "
    "  JOIN pg_catalog.pg_database d ON d.oid = s.setdatabase "
    "  WHERE d.datname = pg_catalog.current_database())) "
    "ORDER BY r.rolname COLLATE \"C\"";

}  // namespace

absl::StatusOr<std::vector<std::string>> Catalog::ListNamedRoles() {
  PGARK_ASSIGN_OR_RETURN(PgResult r, conn_.Exec(kNamedRolesSql));
  std::vector<std::string> out;
  for (PgRow row : Rows(r)) out.push_back(row.String("name"));
  return out;
}

absl::Status Catalog::AddRoles(ClusterGlobals& out) {
  PGARK_ASSIGN_OR_RETURN(out.passwords_read, IsSuperuser());
  PGARK_ASSIGN_OR_RETURN(
      PgResult r, conn_.Exec(absl::StrCat(kRolesSql,
                                          out.passwords_read
                                              ? "(SELECT a.rolpassword FROM pg_catalog.pg_authid "
                                                "a WHERE a.oid = r.oid)"
                                              : "NULL::text",
                                          kRolesFrom)));
  std::map<std::string, size_t> index;
  for (PgRow row : Rows(r)) {
    index[row.String("name")] = out.roles.size();
    out.roles.push_back(RoleOf(row));
  }
  PGARK_ASSIGN_OR_RETURN(PgResult settings, conn_.Exec(kRoleSettingsSql));
  for (PgRow row : Rows(settings)) {
    auto it = index.find(row.String("role"));
    if (it == index.end()) continue;
    out.roles[it->second].settings.push_back({"", row.String("name"), row.String("value")});
  }
  PGARK_ASSIGN_OR_RETURN(PgResult labels, conn_.Exec(kRoleLabelsSql));
  for (PgRow row : Rows(labels)) {
    auto it = index.find(row.String("role"));
    if (it == index.end()) continue;
    out.roles[it->second].security_labels.emplace_back(row.String("provider"),
                                                       row.String("label"));
  }
  PGARK_ASSIGN_OR_RETURN(PgResult boot,
                         conn_.Exec("SELECT rolname FROM pg_catalog.pg_roles WHERE oid = 10"));
  if (boot.rows() == 1) out.bootstrap_superuser = PgRow(boot, 0).String("rolname");
  return absl::OkStatus();
}

absl::Status Catalog::AddMemberships(ClusterGlobals& out) {
  const bool v16 = conn_.server_version_num() >= 160000;
  PGARK_ASSIGN_OR_RETURN(
      PgResult r,
      conn_.Exec(absl::StrCat(kMembershipsSql,
                              v16 ? "m.inherit_option, m.set_option"
                                  : "um.rolinherit AS inherit_option, true AS set_option",
                              kMembershipsFrom)));
  for (PgRow row : Rows(r)) {
    out.memberships.push_back({row.String("role"), row.String("member"), row.String("grantor"),
                               row.Bool("admin_option"), row.Bool("inherit_option"),
                               row.Bool("set_option")});
  }
  return absl::OkStatus();
}

absl::Status Catalog::AddTablespacesAndDatabases(ClusterGlobals& out) {
  PGARK_ASSIGN_OR_RETURN(PgResult spaces, conn_.Exec(kTablespacesSql));
  for (PgRow row : Rows(spaces)) {
    out.tablespaces.push_back({row.String("name"), row.String("location"),
                               row.String("options"), row.String("comment"),
                               PrivilegesOf(row)});
  }
  if (conn_.server_version_num() >= 150000) {
    PGARK_ASSIGN_OR_RETURN(PgResult params, conn_.Exec(kParameterAclsSql));
    for (PgRow row : Rows(params)) {
      out.parameter_acls.push_back({row.String("name"), PrivilegesOf(row)});
    }
  }
  PGARK_ASSIGN_OR_RETURN(
      PgResult dbs, conn_.Exec(absl::StrCat(kDatabasesSql,
                                            DatabaseLocaleSql(conn_.server_version_num()),
                                            kDatabasesFrom)));
  for (PgRow row : Rows(dbs)) {
    ClusterDatabaseDef d;
    PGARK_ASSIGN_OR_RETURN(d.base, DescribeDatabase(row.String("name")));
    d.encoding = row.String("encoding");
    d.locale_provider = row.Char("locale_provider");
    d.collate = row.String("collate");
    d.ctype = row.String("ctype");
    d.locale = row.String("locale");
    d.icu_rules = row.String("icu_rules");
    d.tablespace = row.String("tablespace");
    d.is_template = row.Bool("is_template");
    d.allow_connections = row.Bool("allow_connections");
    out.databases.push_back(std::move(d));
  }
  return absl::OkStatus();
}

absl::StatusOr<ClusterGlobals> Catalog::ReadGlobals() {
  ClusterGlobals out;
  PGARK_RETURN_IF_ERROR(AddRoles(out));
  PGARK_RETURN_IF_ERROR(AddMemberships(out));
  PGARK_RETURN_IF_ERROR(AddTablespacesAndDatabases(out));
  return out;
}

}  // namespace pgark::engine
