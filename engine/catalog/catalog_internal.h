// SQL fragments shared by the catalog queries in catalog.cc and catalog_objects.cc, and the
// reader of the columns PGARK_PRIVILEGES produces. Internal to the engine's catalog code.
#ifndef PGARK_ENGINE_CATALOG_CATALOG_INTERNAL_H_
#define PGARK_ENGINE_CATALOG_CATALOG_INTERNAL_H_

#include "engine/catalog/catalog.h"
#include "engine/pg/pg_result.h"

namespace pgark::engine {

// Objects an extension created are the extension's business: never dumped on their own.
// Nor are objects that exist as an internal part of another (a range type's constructor
// functions, its multirange type).
#define PGARK_NOT_EXTENSION_MEMBER(classname, oidexpr)                                      \
  "NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e WHERE e.classid = 'pg_catalog." classname \
  "'::pg_catalog.regclass AND e.objid = " oidexpr " AND e.deptype IN ('e', 'i')) "

#define PGARK_USER_SCHEMA(nsp) \
  nsp ".nspname <> 'information_schema' AND " nsp ".nspname NOT LIKE 'pg\\_%' "

#define PGARK_COMMENT(classname, oidexpr)                                                      \
  "(SELECT d.description FROM pg_catalog.pg_description d WHERE d.classoid = 'pg_catalog." \
  classname "'::pg_catalog.regclass AND d.objoid = " oidexpr " AND d.objsubid = 0)"

// Owner and ACL columns: the owner's quoted name, whether the ACL is set, and its grants as
// "PRIVS TO grantee[ WITH GRANT OPTION]" joined by chr(1), in the ACL's own order.
#define PGARK_PRIVILEGES(owner, acl)                                                           \
  "(SELECT pg_catalog.quote_ident(ro.rolname) FROM pg_catalog.pg_roles ro WHERE ro.oid = "   \
  owner "), " acl " IS NOT NULL, "                                                           \
  "(SELECT pg_catalog.string_agg(g.clause, pg_catalog.chr(1) ORDER BY g.n) FROM (SELECT u.n, " \
  "  pg_catalog.string_agg(a.privilege_type, ', ' ORDER BY a.privilege_type) || ' TO ' || "   \
  "  CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE (SELECT pg_catalog.quote_ident(gr.rolname) " \
  "  FROM pg_catalog.pg_roles gr WHERE gr.oid = a.grantee) END || "                           \
  "  CASE WHEN a.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END AS clause "               \
  "  FROM pg_catalog.unnest(" acl ") WITH ORDINALITY AS u(item, n), "                         \
  "  LATERAL pg_catalog.aclexplode(ARRAY[u.item]) a "                                         \
  "  GROUP BY u.n, a.grantee, a.is_grantable) g)"

// Whether the role this session runs as is a superuser (a boolean subquery).
#define PGARK_IS_SUPERUSER \
  "(SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname = CURRENT_USER)"

// Generic options (of a foreign-data wrapper, server, user mapping, foreign table or column) as
// CREATE and ALTER take them: "name 'value', ..." in their stored order; NULL without any.
#define PGARK_OPTIONS(options)                                                                \
  "(SELECT pg_catalog.string_agg(pg_catalog.quote_ident(opt.option_name) || ' ' || "         \
  "pg_catalog.quote_literal(opt.option_value), ', ' ORDER BY opt.n) "                       \
  "FROM pg_catalog.pg_options_to_table(" options ") WITH ORDINALITY opt(option_name, option_value, n))"

// Sequence columns in this order: schema, name, format_type(seqtypid), seqstart, seqincrement,
// seqmin, seqmax, seqcache, seqcycle.
#define PGARK_SEQUENCE_COLUMNS(nsp, rel, seq)                                              \
  nsp ".nspname, " rel ".relname, pg_catalog.format_type(" seq ".seqtypid, NULL), " seq   \
  ".seqstart, " seq ".seqincrement, " seq ".seqmin, " seq ".seqmax, " seq ".seqcache, " seq \
  ".seqcycle"

// "SELECT " and the columns ObjectAt reads: `oidexpr`, `schema` and `name` are column
// expressions, `classname` the object's catalog (for its comment), `owner` and `acl` as
// PGARK_PRIVILEGES takes them. The query's own columns follow.
#define PGARK_OBJECT_COLUMNS(classname, oidexpr, schema, name, owner, acl)                     \
  "SELECT " oidexpr ", " schema ", " name ", " PGARK_COMMENT(classname, oidexpr) ", "         \
  PGARK_PRIVILEGES(owner, acl) ", "

// Reads the nine PGARK_SEQUENCE_COLUMNS starting at `col` (the value is read separately).
SequenceDef SequenceAt(const PgResult& r, int row, int col);

// Reads the three columns of PGARK_PRIVILEGES starting at `col`.
Privileges PrivilegesAt(const PgResult& r, int row, int col);

// An OID column.
uint32_t Oid(const PgResult& r, int row, int col);

// The columns most object queries start with: oid, schema, name, comment, then
// PGARK_PRIVILEGES' three, as PGARK_OBJECT_COLUMNS selects them.
SchemaObjectDef ObjectAt(const PgResult& r, int row, uint32_t catalog,
                         formats::MemberKind kind);

}  // namespace pgark::engine

#endif  // PGARK_ENGINE_CATALOG_CATALOG_INTERNAL_H_
