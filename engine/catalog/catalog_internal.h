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

// A JSON array of [privileges, grantee, grantable] of the ACL `acl`, in its own order (one entry
// per ACL item and grant option), read by GrantsOf; NULL for an empty or null ACL.
#define PGARK_GRANTS(acl)                                                                      \
  "(SELECT pg_catalog.json_agg(pg_catalog.json_build_array(g.privileges, g.grantee, "        \
  "  g.grantable) ORDER BY g.n, g.grantable) FROM (SELECT u.n, "                              \
  "  pg_catalog.array_agg(a.privilege_type::text ORDER BY a.privilege_type) AS privileges, "  \
  "  CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE (SELECT pg_catalog.quote_ident(gr.rolname) " \
  "  FROM pg_catalog.pg_roles gr WHERE gr.oid = a.grantee) END AS grantee, "                 \
  "  a.is_grantable AS grantable "                                                            \
  "  FROM pg_catalog.unnest(" acl ") WITH ORDINALITY AS u(item, n), "                         \
  "  LATERAL pg_catalog.aclexplode(ARRAY[u.item]) a "                                         \
  "  GROUP BY u.n, a.grantee, a.is_grantable) g)"

// Owner and ACL columns, read by PrivilegesOf: "owner" (the owner's quoted name), "has_acl"
// (whether the ACL is set) and "grants" (PGARK_GRANTS).
#define PGARK_PRIVILEGES(owner, acl)                                                           \
  "(SELECT pg_catalog.quote_ident(ro.rolname) FROM pg_catalog.pg_roles ro WHERE ro.oid = "   \
  owner ") AS owner, " acl " IS NOT NULL AS has_acl, " PGARK_GRANTS(acl) " AS grants"

// The public schema's owner as initdb makes it: pg_database_owner from PostgreSQL 15, else the
// bootstrap superuser.
#define PGARK_PUBLIC_SCHEMA_INITIAL_OWNER                                                      \
  "(CASE WHEN pg_catalog.current_setting('server_version_num')::int >= 150000 THEN 6171 "     \
  "ELSE 10 END)"

// The statistics targets set on the columns of index `i` (pg_index), read by IndexOf: "1 100,3
// 50" (column number and target).
#define PGARK_INDEX_STATISTICS_TARGETS                                                        \
  "(SELECT pg_catalog.string_agg(a.attnum || ' ' || a.attstattarget, ',' ORDER BY a.attnum) " \
  " FROM pg_catalog.pg_attribute a WHERE a.attrelid = i.indexrelid "                          \
  " AND COALESCE(a.attstattarget::int, -1) >= 0) AS statistics_targets"

// A function reference column (a pg_proc OID, 0 for none) as its qualified name, or NULL:
// "<expression> AS alias".
#define PGARK_FUNCTION_NAME(column, alias) \
  "NULLIF(" column ", 0)::pg_catalog.regproc::text AS " alias

// Whether the role this session runs as is a superuser (a boolean subquery).
#define PGARK_IS_SUPERUSER \
  "(SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname = CURRENT_USER)"

// Generic options (of a foreign-data wrapper, server, user mapping, foreign table or column) as
// CREATE and ALTER take them: "name 'value', ..." in their stored order; NULL without any.
#define PGARK_OPTIONS(options)                                                                \
  "(SELECT pg_catalog.string_agg(pg_catalog.quote_ident(opt.option_name) || ' ' || "         \
  "pg_catalog.quote_literal(opt.option_value), ', ' ORDER BY opt.n) "                       \
  "FROM pg_catalog.pg_options_to_table(" options ") WITH ORDINALITY opt(option_name, option_value, n))"

// A column's own settings, read by ReadColumnSettings (with pg_attribute a and pg_type t):
// statistics_target (-1: the default; NULL from PostgreSQL 17), storage (when not the type's),
// attribute_options. The compression column follows: ColumnCompressionSql.
#define PGARK_COLUMN_SETTINGS                                                                 \
  "COALESCE(a.attstattarget::int, -1) AS statistics_target, "                                 \
  "CASE WHEN a.attstorage <> t.typstorage THEN a.attstorage END AS storage, "                  \
  "pg_catalog.array_to_string(a.attoptions, ', ') AS attribute_options, "

// The sequence columns SequenceOf reads: seq_oid, seq_schema, seq_name, seq_type (format_type of
// seqtypid), seq_start, seq_increment, seq_min, seq_max, seq_cache, seq_cycle, seq_unlogged.
#define PGARK_SEQUENCE_COLUMNS(nsp, rel, seq)                                                 \
  rel ".oid AS seq_oid, " nsp ".nspname AS seq_schema, " rel ".relname AS seq_name, "        \
  "pg_catalog.format_type(" seq ".seqtypid, NULL) AS seq_type, " seq ".seqstart AS seq_start, " \
  seq ".seqincrement AS seq_increment, " seq ".seqmin AS seq_min, " seq ".seqmax AS seq_max, " \
  seq ".seqcache AS seq_cache, " seq ".seqcycle AS seq_cycle, "                            \
  rel ".relpersistence = 'u' AS seq_unlogged"

// "SELECT " and the columns ObjectOf reads: "oid", "schema_name", "name", "comment" and
// PGARK_PRIVILEGES' three, from the expressions given (`classname` is the object's catalog,
// for its comment). The query's own columns follow.
#define PGARK_OBJECT_COLUMNS(classname, oidexpr, schema, name, owner, acl)                     \
  "SELECT " oidexpr " AS oid, " schema " AS schema_name, " name " AS name, "                 \
  PGARK_COMMENT(classname, oidexpr) " AS comment, " PGARK_PRIVILEGES(owner, acl) ", "

// The "compression" column's expression (PostgreSQL 14+, else NULL), to put before
// " AS compression".
const char* ColumnCompressionSql(int server_version_num);

// Reads PGARK_COLUMN_SETTINGS and "compression" into `column`.
void ReadColumnSettings(const PgRow& row, ColumnDef& column);

// The sequence of PGARK_SEQUENCE_COLUMNS (its value is read separately).
SequenceDef SequenceOf(const PgRow& row);

// The name of the tablespace with OID `oid` (a relation's reltablespace; NULL for 0).
#define PGARK_TABLESPACE_NAME(oid) \
  "(SELECT ts.spcname FROM pg_catalog.pg_tablespace ts WHERE ts.oid = " oid ")"

// An index: "oid", "name", "definition", "parent", "tablespace" and
// PGARK_INDEX_STATISTICS_TARGETS.
IndexDef IndexOf(const PgRow& row);

// The owner and privileges of PGARK_PRIVILEGES.
Privileges PrivilegesOf(const PgRow& row);
// The grants of a PGARK_GRANTS column.
std::vector<Grant> GrantsOf(const PgRow& row, const char* column);

// The columns of PGARK_OBJECT_COLUMNS.
SchemaObjectDef ObjectOf(const PgRow& row, uint32_t catalog, MemberKind kind);

}  // namespace pgark::engine

#endif  // PGARK_ENGINE_CATALOG_CATALOG_INTERNAL_H_
