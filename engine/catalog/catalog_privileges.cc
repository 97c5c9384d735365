// Predefined objects whose privileges changed since the database was made (or the extension
// that made them was created): what a restore into a database made from template0 must change.
#include <string>

#include "absl/strings/str_cat.h"
#include "engine/catalog/catalog.h"
#include "engine/catalog/catalog_internal.h"
#include "formats/status_macros.h"

namespace pgark::engine {
namespace {

// One row per object that may hold privileges: its GRANT keyword, catalog, OID, schema, column
// (name and number), ACL, default ACL and, for the public schema, a changed owner.
constexpr char kPrivilegedObjectsSql[] =
    "SELECT 'SCHEMA'::text AS kind, 'pg_catalog.pg_namespace'::pg_catalog.regclass AS classoid, "
    " n.oid, n.oid AS namespace, NULL::text AS column_name, 0 AS subid, n.nspacl AS acl, "
    " pg_catalog.acldefault('n', n.nspowner) AS default_acl, "
    " CASE WHEN n.nspname = 'public' AND n.nspowner <> " PGARK_PUBLIC_SCHEMA_INITIAL_OWNER
    " THEN (SELECT pg_catalog.quote_ident(r.rolname) FROM pg_catalog.pg_roles r "
    " WHERE r.oid = n.nspowner) END AS new_owner FROM pg_catalog.pg_namespace n "
    "UNION ALL SELECT CASE p.prokind WHEN 'p' THEN 'PROCEDURE' ELSE 'FUNCTION' END, "
    " 'pg_catalog.pg_proc'::pg_catalog.regclass, p.oid, p.pronamespace, NULL, 0, p.proacl, "
    " pg_catalog.acldefault('f', p.proowner), NULL FROM pg_catalog.pg_proc p "
    "UNION ALL SELECT CASE c.relkind WHEN 'S' THEN 'SEQUENCE' ELSE 'TABLE' END, "
    " 'pg_catalog.pg_class'::pg_catalog.regclass, c.oid, c.relnamespace, NULL, 0, c.relacl, "
    " pg_catalog.acldefault(CASE c.relkind WHEN 'S' THEN 's' ELSE 'r' END::\"char\", c.relowner), "
    " NULL FROM pg_catalog.pg_class c WHERE c.relkind IN ('r', 'v', 'm', 'S', 'f', 'p') "
    "UNION ALL SELECT 'TABLE', 'pg_catalog.pg_class'::pg_catalog.regclass, c.oid, "
    " c.relnamespace, a.attname::text, a.attnum, a.attacl, pg_catalog.acldefault('c', c.relowner), NULL "
    " FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid "
    " WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'v', 'm', 'f', 'p') "
    "UNION ALL SELECT CASE t.typtype WHEN 'd' THEN 'DOMAIN' ELSE 'TYPE' END, "
    " 'pg_catalog.pg_type'::pg_catalog.regclass, t.oid, t.typnamespace, NULL, 0, t.typacl, "
    " pg_catalog.acldefault('T', t.typowner), NULL FROM pg_catalog.pg_type t "
    // Not arrays nor tables' row types: their privileges are their element's or table's.
    " WHERE t.typcategory <> 'A' AND (t.typrelid = 0 OR (SELECT r.relkind FROM "
    " pg_catalog.pg_class r WHERE r.oid = t.typrelid) = 'c') "
    "UNION ALL SELECT 'LANGUAGE', 'pg_catalog.pg_language'::pg_catalog.regclass, l.oid, NULL, "
    " NULL, 0, l.lanacl, pg_catalog.acldefault('l', l.lanowner), NULL FROM pg_catalog.pg_language l "
    "UNION ALL SELECT 'FOREIGN DATA WRAPPER', "
    " 'pg_catalog.pg_foreign_data_wrapper'::pg_catalog.regclass, w.oid, NULL, NULL, 0, w.fdwacl, "
    " pg_catalog.acldefault('F', w.fdwowner), NULL FROM pg_catalog.pg_foreign_data_wrapper w "
    "UNION ALL SELECT 'FOREIGN SERVER', 'pg_catalog.pg_foreign_server'::pg_catalog.regclass, "
    " s.oid, NULL, NULL, 0, s.srvacl, pg_catalog.acldefault('S', s.srvowner), NULL "
    " FROM pg_catalog.pg_foreign_server s";

// Predefined: made before the first user object (FirstNormalObjectId), or by an extension;
// not information_schema's (initdb grants on it outside pg_init_privs; pg_dump leaves it). The
// object's name is pg_identify_object's identity: qualified, quoted, a routine's with its
// argument types.
const std::string& PredefinedPrivilegesSql() {
  static const std::string* sql = new std::string(absl::StrCat(
      "SELECT x.kind, (pg_catalog.pg_identify_object(x.classoid, x.oid, 0)).identity AS object, "
      "x.column_name, x.new_owner, ",
      PGARK_GRANTS("x.initial_acl"), " AS initial, ", PGARK_GRANTS("x.current_acl"),
      " AS current FROM (SELECT o.*, COALESCE(o.acl, o.default_acl) AS current_acl, "
      "COALESCE(i.initprivs, o.default_acl) AS initial_acl FROM (", kPrivilegedObjectsSql,
      ") o LEFT JOIN pg_catalog.pg_init_privs i ON i.objoid = o.oid AND i.classoid = o.classoid "
      "AND i.objsubid = o.subid WHERE (o.oid < 16384 OR EXISTS (SELECT 1 FROM "
      "pg_catalog.pg_depend e WHERE e.classid = o.classoid AND e.objid = o.oid "
      "AND e.deptype = 'e')) AND o.namespace IS DISTINCT FROM (SELECT s.oid FROM "
      "pg_catalog.pg_namespace s WHERE s.nspname = 'information_schema')) x "
      "WHERE x.current_acl IS DISTINCT FROM x.initial_acl OR x.new_owner IS NOT NULL "
      "ORDER BY 1, 2, 3 NULLS FIRST"));
  return *sql;
}

}  // namespace

absl::StatusOr<std::vector<PredefinedPrivilegesDef>> Catalog::ListPredefinedPrivileges() {
  PGARK_ASSIGN_OR_RETURN(PgResult r, conn_.Exec(PredefinedPrivilegesSql()));
  std::vector<PredefinedPrivilegesDef> out;
  for (PgRow row : Rows(r)) {
    out.push_back({row.String("kind"), row.String("object"), row.String("column_name"),
                   row.String("new_owner"), GrantsOf(row, "initial"), GrantsOf(row, "current")});
  }
  return out;
}

}  // namespace pgark::engine
