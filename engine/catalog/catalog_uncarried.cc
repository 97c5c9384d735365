// Catalog::ListUncarried: what a backup leaves behind. Every kind here is an object pgark
// does not dump yet; naming them in the backup's result is the difference between a known gap
// and a restore that is silently missing part of the database.
#include "absl/strings/str_split.h"
#include "engine/catalog/catalog.h"
#include "engine/catalog/catalog_internal.h"
#include "formats/status_macros.h"

namespace pgark::engine {
namespace {

// Whether the schema with OID `nspoid` is a user schema.
#define PGARK_IN_USER_SCHEMA(nspoid)                                                     \
  "EXISTS (SELECT 1 FROM pg_catalog.pg_namespace n WHERE n.oid = " nspoid " AND " \
  PGARK_USER_SCHEMA("n") ") "

constexpr char kUncarriedSql[] =
    "SELECT kind, pg_catalog.count(*) AS count, pg_catalog.array_to_string("
    "(pg_catalog.array_agg(name ORDER BY name COLLATE \"C\"))[1:3], pg_catalog.chr(1)) AS examples "
    "FROM ("
    "SELECT 'extended statistics object' AS kind, "
    "pg_catalog.format('%s.%I', s.stxnamespace::pg_catalog.regnamespace, s.stxname) AS name "
    "FROM pg_catalog.pg_statistic_ext s "
    "JOIN pg_catalog.pg_class c ON c.oid = s.stxrelid WHERE c.relkind NOT IN ('r', 'p', 'f', 'm') AND "
    PGARK_IN_USER_SCHEMA("s.stxnamespace")
    "AND " PGARK_NOT_EXTENSION_MEMBER("pg_statistic_ext", "s.oid")
    "UNION ALL SELECT 'subscription', pg_catalog.quote_ident(s.subname) "
    "FROM pg_catalog.pg_subscription s "
    "WHERE s.subdbid = (SELECT oid FROM pg_catalog.pg_database "
    "WHERE datname = pg_catalog.current_database()) AND NOT " PGARK_IS_SUPERUSER " "
    "UNION ALL SELECT 'security label', l.provider || ': ' || "
    "pg_catalog.pg_describe_object(l.classoid, l.objoid, l.objsubid) "
    "FROM pg_catalog.pg_seclabel l "
    ") x GROUP BY kind ORDER BY kind COLLATE \"C\"";

// Every user object a full backup should carry: in a user schema (or of a kind without one),
// made after initdb, not an extension's member nor an internal part of another object (an
// array or row type, a key's index, a partition's clone of its parent's index or trigger, a
// shell operator) nor
// part of such an object's table. Kinds a backup carries whole by their own listing
// (event triggers, publications, user mappings, subscriptions) are not here.
#define PGARK_USER_OBJECTS(classname, alias, nsp, relation)                                   \
  " SELECT 'pg_catalog." classname "'::pg_catalog.regclass::oid AS classid, " alias ".oid AS objid, " \
  relation " AS relation FROM pg_catalog." classname " " alias " WHERE " alias ".oid >= 16384 AND " \
  nsp

constexpr char kUserObjectsSql[] =
    "SELECT o.classid, o.objid, (pg_catalog.pg_identify_object(o.classid, o.objid, 0)).type, "
    "pg_catalog.pg_describe_object(o.classid, o.objid, 0) AS description FROM ("
    PGARK_USER_OBJECTS("pg_namespace", "s", PGARK_IN_USER_SCHEMA("s.oid"), "NULL::pg_catalog.oid")
    " UNION ALL" PGARK_USER_OBJECTS("pg_class", "c", PGARK_IN_USER_SCHEMA("c.relnamespace"),
    "(SELECT i.indrelid FROM pg_catalog.pg_index i WHERE i.indexrelid = c.oid)")
    "  AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f', 'i', 'I')"
    " UNION ALL" PGARK_USER_OBJECTS("pg_type", "t", PGARK_IN_USER_SCHEMA("t.typnamespace"), "NULL")
    "  AND (t.typtype IN ('b', 'c', 'd', 'e', 'r', 'm') OR NOT t.typisdefined)"
    " UNION ALL" PGARK_USER_OBJECTS("pg_proc", "p", PGARK_IN_USER_SCHEMA("p.pronamespace"), "NULL")
    " UNION ALL" PGARK_USER_OBJECTS("pg_constraint", "k", "k.conrelid <> 0", "k.conrelid")
    "  AND k.contype IN ('p', 'u', 'c', 'f', 'x') AND k.conislocal"
    " UNION ALL" PGARK_USER_OBJECTS("pg_trigger", "g", "NOT g.tgisinternal", "g.tgrelid")
    " UNION ALL" PGARK_USER_OBJECTS("pg_rewrite", "r", "r.rulename <> '_RETURN'", "r.ev_class")
    " UNION ALL" PGARK_USER_OBJECTS("pg_policy", "y", "true", "y.polrelid")
    " UNION ALL" PGARK_USER_OBJECTS("pg_statistic_ext", "x",
                                    PGARK_IN_USER_SCHEMA("x.stxnamespace"), "x.stxrelid")
    " UNION ALL" PGARK_USER_OBJECTS("pg_collation", "l", PGARK_IN_USER_SCHEMA("l.collnamespace"), "NULL")
    " UNION ALL" PGARK_USER_OBJECTS("pg_conversion", "v", PGARK_IN_USER_SCHEMA("v.connamespace"), "NULL")
    " UNION ALL" PGARK_USER_OBJECTS("pg_operator", "o", PGARK_IN_USER_SCHEMA("o.oprnamespace"), "NULL")
    "  AND o.oprcode <> 0"  // a shell operator: made again by the operator that names it
    " UNION ALL" PGARK_USER_OBJECTS("pg_opfamily", "f", PGARK_IN_USER_SCHEMA("f.opfnamespace"), "NULL")
    " UNION ALL" PGARK_USER_OBJECTS("pg_opclass", "a", PGARK_IN_USER_SCHEMA("a.opcnamespace"), "NULL")
    " UNION ALL" PGARK_USER_OBJECTS("pg_ts_parser", "tp", PGARK_IN_USER_SCHEMA("tp.prsnamespace"), "NULL")
    " UNION ALL" PGARK_USER_OBJECTS("pg_ts_template", "tt", PGARK_IN_USER_SCHEMA("tt.tmplnamespace"), "NULL")
    " UNION ALL" PGARK_USER_OBJECTS("pg_ts_dict", "td", PGARK_IN_USER_SCHEMA("td.dictnamespace"), "NULL")
    " UNION ALL" PGARK_USER_OBJECTS("pg_ts_config", "tc", PGARK_IN_USER_SCHEMA("tc.cfgnamespace"), "NULL")
    " UNION ALL" PGARK_USER_OBJECTS("pg_am", "m", "true", "NULL")
    " UNION ALL" PGARK_USER_OBJECTS("pg_cast", "ca", "true", "NULL")
    " UNION ALL" PGARK_USER_OBJECTS("pg_transform", "tr", "true", "NULL")
    " UNION ALL" PGARK_USER_OBJECTS("pg_language", "la", "true", "NULL")
    " UNION ALL" PGARK_USER_OBJECTS("pg_foreign_data_wrapper", "w", "true", "NULL")
    " UNION ALL" PGARK_USER_OBJECTS("pg_foreign_server", "fs", "true", "NULL")
    " UNION ALL" PGARK_USER_OBJECTS("pg_extension", "e", "true", "NULL")
    ") o WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = o.classid "
    "AND d.objid = o.objid AND d.deptype IN ('e', 'i', 'P')) "
    "AND (o.relation IS NULL OR (NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d "
    "WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objid = o.relation "
    "AND d.deptype IN ('e', 'i')) AND EXISTS (SELECT 1 FROM pg_catalog.pg_class rc "
    "WHERE rc.oid = o.relation AND " PGARK_IN_USER_SCHEMA("rc.relnamespace") ")))";

#undef PGARK_USER_OBJECTS
#undef PGARK_IN_USER_SCHEMA

constexpr char kExtensionConfigTablesSql[] =
    "SELECT c.oid, n.nspname AS schema_name, c.relname AS name, c.relkind, x.condition, "
    "pg_catalog.has_table_privilege(c.oid, 'SELECT') AS readable "
    "FROM pg_catalog.pg_extension e, "
    "LATERAL ROWS FROM (pg_catalog.unnest(e.extconfig), pg_catalog.unnest(e.extcondition)) "
    "AS x(tab, condition) "
    "JOIN pg_catalog.pg_class c ON c.oid = x.tab "
    "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
    "WHERE c.relkind IN ('r', 'p', 'S') ORDER BY n.nspname COLLATE \"C\", c.relname COLLATE \"C\"";

}  // namespace

absl::StatusOr<std::vector<UncarriedObjects>> Catalog::ListUncarried() {
  PGARK_ASSIGN_OR_RETURN(PgResult r, conn_.Exec(kUncarriedSql));
  std::vector<UncarriedObjects> out;
  for (PgRow row : Rows(r)) {
    out.push_back({row.String("kind"), row.Int("count"), absl::StrSplit(row.Text("examples"), '\x01')});
  }
  return out;
}

absl::StatusOr<std::vector<CatalogObject>> Catalog::ListUserObjects() {
  PGARK_ASSIGN_OR_RETURN(PgResult r, conn_.Exec(kUserObjectsSql));
  std::vector<CatalogObject> out;
  for (PgRow row : Rows(r)) {
    out.push_back({{row.Oid("classid"), row.Oid("objid")}, row.String("type"),
                   row.String("description")});
  }
  return out;
}

absl::StatusOr<std::vector<ExtensionConfigTable>> Catalog::ListExtensionConfigTables() {
  PGARK_ASSIGN_OR_RETURN(PgResult r, conn_.Exec(kExtensionConfigTablesSql));
  std::vector<ExtensionConfigTable> out;
  for (PgRow row : Rows(r)) {
    ExtensionConfigTable t;
    t.ref.oid = row.Oid("oid");
    t.ref.schema = row.String("schema_name");
    t.ref.name = row.String("name");
    t.ref.relkind = row.Char("relkind");
    t.condition = row.String("condition");
    t.readable = row.Bool("readable");
    out.push_back(std::move(t));
  }
  return out;
}

}  // namespace pgark::engine
