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
    "SELECT 'text search parser' AS kind, "
    "pg_catalog.format('%s.%I', t.prsnamespace::pg_catalog.regnamespace, t.prsname) AS name "
    "FROM pg_catalog.pg_ts_parser t WHERE " PGARK_IN_USER_SCHEMA("t.prsnamespace")
    "AND " PGARK_NOT_EXTENSION_MEMBER("pg_ts_parser", "t.oid")
    "UNION ALL SELECT 'text search template', "
    "pg_catalog.format('%s.%I', t.tmplnamespace::pg_catalog.regnamespace, t.tmplname) "
    "FROM pg_catalog.pg_ts_template t WHERE " PGARK_IN_USER_SCHEMA("t.tmplnamespace")
    "AND " PGARK_NOT_EXTENSION_MEMBER("pg_ts_template", "t.oid")
    "UNION ALL SELECT 'extended statistics object', "
    "pg_catalog.format('%s.%I', s.stxnamespace::pg_catalog.regnamespace, s.stxname) "
    "FROM pg_catalog.pg_statistic_ext s "
    "JOIN pg_catalog.pg_class c ON c.oid = s.stxrelid WHERE c.relkind NOT IN ('r', 'p', 'f', 'm') AND "
    PGARK_IN_USER_SCHEMA("s.stxnamespace")
    "AND " PGARK_NOT_EXTENSION_MEMBER("pg_statistic_ext", "s.oid")
    "UNION ALL SELECT 'subscription', pg_catalog.quote_ident(s.subname) "
    "FROM pg_catalog.pg_subscription s "
    "WHERE s.subdbid = (SELECT oid FROM pg_catalog.pg_database "
    "WHERE datname = pg_catalog.current_database()) AND NOT " PGARK_IS_SUPERUSER " "
    "UNION ALL SELECT 'procedural language', pg_catalog.quote_ident(l.lanname) "
    "FROM pg_catalog.pg_language l "
    "WHERE l.oid >= 16384 AND " PGARK_NOT_EXTENSION_MEMBER("pg_language", "l.oid")
    "UNION ALL SELECT 'security label', l.provider || ': ' || "
    "pg_catalog.pg_describe_object(l.classoid, l.objoid, l.objsubid) "
    "FROM pg_catalog.pg_seclabel l "
    ") x GROUP BY kind ORDER BY kind COLLATE \"C\"";

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
