// Catalog queries for the objects that are not tables: schemas, extensions, types, domains,
// functions, standalone sequences, views, materialized views, and the dependency graph that
// orders them. Part of `Catalog` (see catalog.h); table queries live in catalog.cc.
#include <map>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/strings/str_split.h"
#include "engine/catalog/catalog.h"
#include "engine/catalog/catalog_internal.h"
#include "engine/ddl/sql_text.h"
#include "formats/status_macros.h"

namespace pgark::engine {
namespace {

constexpr char kSchemasSql[] =
    "SELECT n.oid, n.nspname AS name, " PGARK_COMMENT("pg_namespace", "n.oid") " AS comment, "
    PGARK_PRIVILEGES("n.nspowner", "n.nspacl")
    ", n.oid < 16384 AS predefined FROM pg_catalog.pg_namespace n "
    "WHERE (n.oid >= 16384 AND " PGARK_USER_SCHEMA("n")
    "AND " PGARK_NOT_EXTENSION_MEMBER("pg_namespace", "n.oid") ") "
    // The public schema when its comment, privileges or owner are not what initdb made.
    "OR (n.nspname = 'public' AND n.oid < 16384 AND ("
    PGARK_COMMENT("pg_namespace", "n.oid") " IS DISTINCT FROM 'standard public schema' "
    "OR n.nspacl IS DISTINCT FROM (SELECT i.initprivs FROM pg_catalog.pg_init_privs i "
    "  WHERE i.objoid = n.oid AND i.classoid = 'pg_catalog.pg_namespace'::pg_catalog.regclass "
    "  AND i.objsubid = 0) "
    "OR n.nspowner <> " PGARK_PUBLIC_SCHEMA_INITIAL_OWNER ")) "
    "ORDER BY n.nspname";

constexpr char kExtensionsSql[] =
    "SELECT e.oid, e.extname AS name, n.nspname AS schema_name FROM pg_catalog.pg_extension e "
    "JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace WHERE e.oid >= 16384 "
    "ORDER BY e.extname";

// A collation by OID, qualified and quoted.
#define PGARK_QUALIFIED_COLLATION(oidexpr)                                                   \
  "(SELECT pg_catalog.quote_ident(cn.nspname) || '.' || pg_catalog.quote_ident(co.collname) " \
  " FROM pg_catalog.pg_collation co JOIN pg_catalog.pg_namespace cn "                         \
  " ON cn.oid = co.collnamespace WHERE co.oid = " oidexpr ")"

constexpr char kTypesSql[] =
    "SELECT t.oid, t.typtype, n.nspname AS schema_name, t.typname AS name, "
    PGARK_COMMENT("pg_type", "t.oid") " AS comment, "
    "CASE WHEN t.typtype = 'd' THEN pg_catalog.format_type(t.typbasetype, t.typtypmod) END "
    "  AS base_type, t.typnotnull AS not_null, t.typdefault AS default_expr, "
    "CASE WHEN t.typtype = 'd' AND t.typcollation <> 0 AND t.typcollation <> bt.typcollation THEN "
    PGARK_QUALIFIED_COLLATION("t.typcollation") " END AS collation, "
    PGARK_PRIVILEGES("t.typowner", "t.typacl")
    " FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace "
    "LEFT JOIN pg_catalog.pg_type bt ON bt.oid = t.typbasetype "
    "LEFT JOIN pg_catalog.pg_class c ON c.oid = t.typrelid "
    "WHERE t.oid >= 16384 AND (t.typtype IN ('e', 'c', 'r', 'd') "
    // base types but not the array types made with them, and shell types never defined
    "  OR (t.typtype = 'b' AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_type e "
    "      WHERE e.typarray = t.oid)) OR (t.typtype = 'p' AND NOT t.typisdefined)) "
    "AND (t.typtype <> 'c' OR c.relkind = 'c') AND " PGARK_USER_SCHEMA("n")
    "AND " PGARK_NOT_EXTENSION_MEMBER("pg_type", "t.oid") "ORDER BY n.nspname, t.typname";

constexpr char kEnumLabelsSql[] =
    "SELECT enumtypid AS type_oid, enumlabel AS item FROM pg_catalog.pg_enum "
    "WHERE enumtypid >= 16384 "
    "ORDER BY enumtypid, enumsortorder";

constexpr char kCompositeAttributesSql[] =
    "SELECT t.oid AS type_oid, a.attname AS name, "
    "pg_catalog.format_type(a.atttypid, a.atttypmod) AS type, "
    "CASE WHEN a.attcollation <> 0 AND a.attcollation <> at.typcollation THEN "
    PGARK_QUALIFIED_COLLATION("a.attcollation") " END AS collation, "
    "(SELECT d.description FROM pg_catalog.pg_description d WHERE d.classoid = "
    "'pg_catalog.pg_class'::pg_catalog.regclass AND d.objoid = t.typrelid "
    "AND d.objsubid = a.attnum) AS comment "
    "FROM pg_catalog.pg_type t JOIN pg_catalog.pg_attribute a ON a.attrelid = t.typrelid "
    "JOIN pg_catalog.pg_type at ON at.oid = a.atttypid "
    "WHERE t.oid >= 16384 AND t.typtype = 'c' AND a.attnum > 0 AND NOT a.attisdropped "
    "ORDER BY t.oid, a.attnum";

// Ranges: kRangesSql, the multirange type (PostgreSQL 14+, else NULL), then kRangesFrom.
constexpr char kRangesSql[] =
    "SELECT r.rngtypid AS type_oid, pg_catalog.format_type(r.rngsubtype, NULL) AS subtype, "
    "CASE WHEN NOT opc.opcdefault THEN pg_catalog.quote_ident(opn.nspname) || '.' || "
    "  pg_catalog.quote_ident(opc.opcname) END AS subtype_opclass, "
    "CASE WHEN r.rngcollation <> 0 AND r.rngcollation <> st.typcollation THEN "
    PGARK_QUALIFIED_COLLATION("r.rngcollation") " END AS collation, "
    "NULLIF(r.rngcanonical, 0)::pg_catalog.regproc::text AS canonical, "
    "NULLIF(r.rngsubdiff, 0)::pg_catalog.regproc::text AS subtype_diff, ";
constexpr char kRangeMultirange14[] = "pg_catalog.format_type(r.rngmultitypid, NULL)";
constexpr char kRangesFrom[] =
    " AS multirange FROM pg_catalog.pg_range r JOIN pg_catalog.pg_type st ON st.oid = r.rngsubtype "
    "JOIN pg_catalog.pg_opclass opc ON opc.oid = r.rngsubopc "
    "JOIN pg_catalog.pg_namespace opn ON opn.oid = opc.opcnamespace WHERE r.rngtypid >= 16384";

// Base types: their I/O functions and storage; subscript handlers from PostgreSQL 14 (else
// NULL), then kBaseTypesFrom.
#define PGARK_TYPE_FUNCTION(column, alias) PGARK_FUNCTION_NAME("t." column, alias) ", "
constexpr char kBaseTypesSql[] =
    "SELECT t.oid AS type_oid, " PGARK_TYPE_FUNCTION("typinput", "input")
    PGARK_TYPE_FUNCTION("typoutput", "output") PGARK_TYPE_FUNCTION("typreceive", "receive")
    PGARK_TYPE_FUNCTION("typsend", "send") PGARK_TYPE_FUNCTION("typmodin", "typmod_in")
    PGARK_TYPE_FUNCTION("typmodout", "typmod_out") PGARK_TYPE_FUNCTION("typanalyze", "analyze")
    "pg_catalog.array_to_string(ARRAY[t.typinput, t.typoutput, t.typreceive, t.typsend, "
    "  t.typmodin, t.typmodout, t.typanalyze]::pg_catalog.oid[], ',') AS functions, "
    "t.typlen AS internal_length, t.typbyval AS passed_by_value, t.typalign AS alignment, "
    "t.typstorage AS storage, t.typcategory AS category, t.typispreferred AS preferred, "
    "t.typdefault AS default_value, "
    "CASE WHEN t.typelem <> 0 THEN pg_catalog.format_type(t.typelem, NULL) END AS element, "
    "t.typdelim AS delimiter, t.typcollation <> 0 AS collatable, ";
constexpr char kBaseTypesFrom[] =
    " AS subscript FROM pg_catalog.pg_type t WHERE t.oid >= 16384 AND t.typtype = 'b'";
#undef PGARK_TYPE_FUNCTION

constexpr char kDomainChecksSql[] =
    "SELECT contypid AS type_oid, conname AS name, "
    "pg_catalog.pg_get_constraintdef(oid) AS definition, convalidated AS validated, "
    PGARK_COMMENT("pg_constraint", "oid") " AS comment "
    "FROM pg_catalog.pg_constraint "
    "WHERE contypid >= 16384 AND contype = 'c' ORDER BY contypid, conname";

constexpr char kFunctionsSql[] =
    PGARK_OBJECT_COLUMNS("pg_proc", "p.oid", "n.nspname", "p.proname", "p.proowner", "p.proacl")
    "p.prokind, pg_catalog.pg_get_function_identity_arguments(p.oid) AS identity, "
    "pg_catalog.pg_get_functiondef(p.oid) AS definition"
    " FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace "
    "WHERE p.oid >= 16384 AND p.prokind IN ('f', 'p', 'w') AND " PGARK_USER_SCHEMA("n")
    "AND " PGARK_NOT_EXTENSION_MEMBER("pg_proc", "p.oid")
    "ORDER BY n.nspname, p.proname, p.oid";

// User aggregates and their support functions and settings (0 and NULL: not set).
#define PGARK_AGG_FUNCTION(column, alias) PGARK_FUNCTION_NAME("a." column, alias) ", "
constexpr char kAggregatesSql[] =
    PGARK_OBJECT_COLUMNS("pg_proc", "p.oid", "n.nspname", "p.proname", "p.proowner",
                         "p.proacl")
    "pg_catalog.pg_get_function_identity_arguments(p.oid) AS identity, "
    "pg_catalog.pg_get_function_arguments(p.oid) AS arguments, "
    "pg_catalog.oidvectortypes(p.proargtypes) AS function_arguments, "
    "a.aggtransfn::pg_catalog.regproc::text AS sfunc, "
    "pg_catalog.format_type(a.aggtranstype, NULL) AS stype, a.aggtransspace AS sspace, "
    PGARK_AGG_FUNCTION("aggfinalfn", "finalfunc")
    "a.aggfinalextra AS finalfunc_extra, a.aggfinalmodify AS finalfunc_modify, "
    PGARK_AGG_FUNCTION("aggcombinefn", "combinefunc")
    PGARK_AGG_FUNCTION("aggserialfn", "serialfunc")
    PGARK_AGG_FUNCTION("aggdeserialfn", "deserialfunc")
    "a.agginitval AS initcond, "
    PGARK_AGG_FUNCTION("aggmtransfn", "msfunc")
    PGARK_AGG_FUNCTION("aggminvtransfn", "minvfunc")
    "CASE WHEN a.aggmtransfn <> 0 THEN pg_catalog.format_type(a.aggmtranstype, NULL) END "
    "  AS mstype, a.aggmtransspace AS msspace, "
    PGARK_AGG_FUNCTION("aggmfinalfn", "mfinalfunc")
    "a.aggmfinalextra AS mfinalfunc_extra, a.aggmfinalmodify AS mfinalfunc_modify, "
    "a.aggminitval AS minitcond, "
    "(SELECT pg_catalog.quote_ident(os.nspname) || '.' || o.oprname "
    " FROM pg_catalog.pg_operator o JOIN pg_catalog.pg_namespace os ON os.oid = o.oprnamespace "
    " WHERE o.oid = a.aggsortop) AS sortop, p.proparallel AS parallel, "
    "a.aggkind = 'h' AS hypothetical "
    "FROM pg_catalog.pg_aggregate a JOIN pg_catalog.pg_proc p ON p.oid = a.aggfnoid "
    "JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace "
    "WHERE p.oid >= 16384 AND " PGARK_USER_SCHEMA("n")
    "AND " PGARK_NOT_EXTENSION_MEMBER("pg_proc", "p.oid") "ORDER BY n.nspname, p.proname, p.oid";
#undef PGARK_AGG_FUNCTION

// Sequences not owned by a column (those are dumped with their table).
constexpr char kSequencesSql[] =
    "SELECT c.oid, " PGARK_SEQUENCE_COLUMNS("n", "c", "q") ", "
    PGARK_COMMENT("pg_class", "c.oid") " AS comment, " PGARK_PRIVILEGES("c.relowner", "c.relacl")
    " FROM pg_catalog.pg_class c JOIN pg_catalog.pg_sequence q ON q.seqrelid = c.oid "
    "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
    "WHERE c.relkind = 'S' AND " PGARK_USER_SCHEMA("n")
    "AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = "
    "'pg_catalog.pg_class'::pg_catalog.regclass AND d.objid = c.oid AND d.deptype IN "
    "('a', 'i', 'e')) ORDER BY n.nspname, c.relname";

constexpr char kViewsSql[] =
    PGARK_OBJECT_COLUMNS("pg_class", "c.oid", "n.nspname", "c.relname", "c.relowner", "c.relacl")
    "c.relkind, pg_catalog.pg_get_viewdef(c.oid) AS definition, "
    "pg_catalog.array_to_string(c.reloptions, ', ') AS reloptions, c.relispopulated AS populated, "
    PGARK_TABLESPACE_NAME("c.reltablespace") " AS tablespace"
    " FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
    "WHERE c.relkind IN ('v', 'm') AND " PGARK_USER_SCHEMA("n")
    "AND " PGARK_NOT_EXTENSION_MEMBER("pg_class", "c.oid") "ORDER BY n.nspname, c.relname";

// Access methods and transforms users made (not an extension's).
constexpr char kAccessMethodsSql[] =
    "SELECT a.oid, a.amname AS name, a.amtype AS type, a.amhandler::pg_catalog.regproc::text "
    "AS handler, " PGARK_COMMENT("pg_am", "a.oid") " AS comment "
    "FROM pg_catalog.pg_am a WHERE a.oid >= 16384 AND "
    PGARK_NOT_EXTENSION_MEMBER("pg_am", "a.oid") "ORDER BY a.amname";
constexpr char kTransformsSql[] =
    "SELECT t.oid, pg_catalog.format_type(t.trftype, NULL) AS type, "
    "pg_catalog.quote_ident(l.lanname) AS language, "
    "NULLIF(t.trffromsql, 0)::pg_catalog.regprocedure::text AS from_sql, "
    "NULLIF(t.trftosql, 0)::pg_catalog.regprocedure::text AS to_sql, "
    PGARK_COMMENT("pg_transform", "t.oid") " AS comment "
    "FROM pg_catalog.pg_transform t JOIN pg_catalog.pg_language l ON l.oid = t.trflang "
    "WHERE t.oid >= 16384 AND " PGARK_NOT_EXTENSION_MEMBER("pg_transform", "t.oid")
    "ORDER BY 2, 3";

// The columns of views: what a placeholder of the view needs.
constexpr char kViewColumnsSql[] =
    "SELECT a.attrelid AS relid, a.attname AS name, "
    "pg_catalog.format_type(a.atttypid, a.atttypmod) AS type, "
    "CASE WHEN a.attcollation <> 0 AND a.attcollation <> t.typcollation THEN "
    PGARK_QUALIFIED_COLLATION("a.attcollation") " END AS collation "
    "FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class v ON v.oid = a.attrelid "
    "JOIN pg_catalog.pg_type t ON t.oid = a.atttypid "
    "WHERE v.relkind = 'v' AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attrelid, a.attnum";

// The columns of views and materialized views that have settings of their own; the compression
// method (PostgreSQL 14+, else NULL), then kRelationColumnSettingsFrom.
constexpr char kRelationColumnSettingsSql[] =
    "SELECT a.attrelid AS relid, a.attname AS name, "
    "pg_catalog.pg_get_expr(d.adbin, d.adrelid) AS default_expr, " PGARK_COLUMN_SETTINGS;
constexpr char kRelationColumnSettingsFrom[] =
    " AS compression FROM pg_catalog.pg_attribute a "
    "JOIN pg_catalog.pg_class v ON v.oid = a.attrelid "
    "JOIN pg_catalog.pg_type t ON t.oid = a.atttypid "
    "LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
    "WHERE v.relkind IN ('v', 'm') AND v.oid >= 16384 AND a.attnum > 0 AND NOT a.attisdropped "
    "ORDER BY a.attrelid, a.attnum";

constexpr char kMatviewIndexesSql[] =
    "SELECT i.indrelid AS relid, c.relname AS name, "
    "pg_catalog.pg_get_indexdef(i.indexrelid) AS definition, i.indexrelid AS oid, "
    "NULL AS parent, " PGARK_INDEX_STATISTICS_TARGETS ", "
    PGARK_TABLESPACE_NAME("c.reltablespace") " AS tablespace "
    "FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid "
    "JOIN pg_catalog.pg_class m ON m.oid = i.indrelid WHERE m.relkind = 'm' ORDER BY c.relname";

constexpr char kViewTriggersSql[] =
    "SELECT t.tgrelid AS relid, t.oid, t.tgname AS name, "
    "pg_catalog.pg_get_triggerdef(t.oid) AS definition, t.tgenabled AS enabled "
    "FROM pg_catalog.pg_trigger t JOIN pg_catalog.pg_class v ON v.oid = t.tgrelid "
    "WHERE v.relkind = 'v' AND NOT t.tgisinternal ORDER BY t.tgname";

// Rules a view has besides its own (_RETURN): INSTEAD rules that make it updatable.
constexpr char kViewRulesSql[] =
    "SELECT r.ev_class AS relid, r.oid, r.rulename AS name, "
    "pg_catalog.pg_get_ruledef(r.oid) AS definition, r.ev_enabled AS enabled "
    "FROM pg_catalog.pg_rewrite r JOIN pg_catalog.pg_class v ON v.oid = r.ev_class "
    "WHERE v.relkind = 'v' AND r.rulename <> '_RETURN' ORDER BY r.rulename";

// Foreign-data wrappers that no extension made: name, comment, privileges, then handler,
// validator and options.
constexpr char kForeignDataWrappersSql[] =
    PGARK_OBJECT_COLUMNS("pg_foreign_data_wrapper", "w.oid", "''", "w.fdwname", "w.fdwowner",
                         "w.fdwacl")
    "CASE WHEN w.fdwhandler <> 0 THEN w.fdwhandler::pg_catalog.regproc::text END AS handler, "
    "CASE WHEN w.fdwvalidator <> 0 THEN w.fdwvalidator::pg_catalog.regproc::text END "
    "  AS validator, " PGARK_OPTIONS("w.fdwoptions") " AS options"
    " FROM pg_catalog.pg_foreign_data_wrapper w WHERE "
    PGARK_NOT_EXTENSION_MEMBER("pg_foreign_data_wrapper", "w.oid") "ORDER BY w.fdwname";

// Foreign servers: name, comment, privileges, then type, version, wrapper and options.
constexpr char kForeignServersSql[] =
    PGARK_OBJECT_COLUMNS("pg_foreign_server", "s.oid", "''", "s.srvname", "s.srvowner",
                         "s.srvacl")
    "s.srvtype AS server_type, s.srvversion AS server_version, "
    "pg_catalog.quote_ident(w.fdwname) AS wrapper, " PGARK_OPTIONS("s.srvoptions") " AS options"
    " FROM pg_catalog.pg_foreign_server s "
    "JOIN pg_catalog.pg_foreign_data_wrapper w ON w.oid = s.srvfdw WHERE "
    PGARK_NOT_EXTENSION_MEMBER("pg_foreign_server", "s.oid") "ORDER BY s.srvname";

// User collations: kCollationsSql, the ICU (and, from 17, builtin) locale, which moved from
// collcollate (12-14) to colliculocale (15-16) and colllocale (17), and ICU rules (16+), then
// kCollationsFrom.
constexpr char kCollationsSql[] =
    PGARK_OBJECT_COLUMNS("pg_collation", "c.oid", "n.nspname", "c.collname", "c.collowner",
                         "NULL::pg_catalog.aclitem[]")
    "c.collprovider AS provider, c.collisdeterministic AS deterministic, "
    "c.collcollate AS collate, c.collctype AS ctype, ";
constexpr char kCollationsFrom[] =
    " AS rules FROM pg_catalog.pg_collation c JOIN pg_catalog.pg_namespace n ON n.oid = c.collnamespace "
    "WHERE c.oid >= 16384 AND " PGARK_USER_SCHEMA("n")
    "AND " PGARK_NOT_EXTENSION_MEMBER("pg_collation", "c.oid") "ORDER BY n.nspname, c.collname";

// The object that owns each sub-object, so that dependencies can be stated between objects
// that are dumped: rules (views), column defaults and constraints (tables, domains), table row
// types (tables), array types (their element, or the element's table), extension members.
constexpr char kDependenciesSql[] =
    "WITH owner(classid, objid, oclassid, ooid) AS ("
    " SELECT 'pg_catalog.pg_rewrite'::pg_catalog.regclass::oid, oid, "
    "  'pg_catalog.pg_class'::pg_catalog.regclass::oid, ev_class FROM pg_catalog.pg_rewrite "
    " UNION ALL SELECT 'pg_catalog.pg_attrdef'::pg_catalog.regclass::oid, oid, "
    "  'pg_catalog.pg_class'::pg_catalog.regclass::oid, adrelid FROM pg_catalog.pg_attrdef "
    " UNION ALL SELECT 'pg_catalog.pg_constraint'::pg_catalog.regclass::oid, oid, "
    "  CASE WHEN conrelid <> 0 THEN 'pg_catalog.pg_class'::pg_catalog.regclass::oid "
    "  ELSE 'pg_catalog.pg_type'::pg_catalog.regclass::oid END, "
    "  CASE WHEN conrelid <> 0 THEN conrelid ELSE contypid END FROM pg_catalog.pg_constraint "
    // A table's CHECK constraint stands for itself: it may need what needs its table.
    // A table's constraints stand for themselves: a CHECK may need what needs its table, a
    // view may need a key (GROUP BY a primary key) that comes after the data, and a foreign key
    // (after the data too) must not order the tables it links.
    "  WHERE conrelid = 0 "
    " UNION ALL SELECT 'pg_catalog.pg_type'::pg_catalog.regclass::oid, t.oid, "
    "  'pg_catalog.pg_class'::pg_catalog.regclass::oid, t.typrelid FROM pg_catalog.pg_type t "
    "  JOIN pg_catalog.pg_class c ON c.oid = t.typrelid WHERE c.relkind <> 'c' "
    " UNION ALL SELECT 'pg_catalog.pg_class'::pg_catalog.regclass::oid, c.oid, "
    "  'pg_catalog.pg_type'::pg_catalog.regclass::oid, c.reltype FROM pg_catalog.pg_class c "
    "  WHERE c.relkind = 'c' "
    " UNION ALL SELECT 'pg_catalog.pg_type'::pg_catalog.regclass::oid, a.oid, "
    "  CASE WHEN ec.relkind IS NOT NULL AND ec.relkind <> 'c' "
    "  THEN 'pg_catalog.pg_class'::pg_catalog.regclass::oid "
    "  ELSE 'pg_catalog.pg_type'::pg_catalog.regclass::oid END, "
    "  CASE WHEN ec.relkind IS NOT NULL AND ec.relkind <> 'c' THEN ec.oid ELSE e.oid END "
    "  FROM pg_catalog.pg_type a JOIN pg_catalog.pg_type e ON e.oid = a.typelem "
    "  LEFT JOIN pg_catalog.pg_class ec ON ec.oid = e.typrelid "
    "  WHERE a.typcategory = 'A' AND a.oid >= 16384 "
    " UNION ALL SELECT classid, objid, refclassid, refobjid FROM pg_catalog.pg_depend "
    "  WHERE deptype = 'e' "
    // An operator family's or class's members stand for it.
    " UNION ALL SELECT classid, objid, refclassid, refobjid FROM pg_catalog.pg_depend "
    "  WHERE classid IN ('pg_catalog.pg_amop'::pg_catalog.regclass, "
    "  'pg_catalog.pg_amproc'::pg_catalog.regclass) AND deptype IN ('a', 'i') AND refclassid IN "
    "  ('pg_catalog.pg_opclass'::pg_catalog.regclass, 'pg_catalog.pg_opfamily'::pg_catalog.regclass))"
    "SELECT DISTINCT COALESCE(a.oclassid, d.classid) AS classid, "
    "COALESCE(a.ooid, d.objid) AS objid, COALESCE(b.oclassid, d.refclassid) AS refclassid, "
    "COALESCE(b.ooid, d.refobjid) AS refobjid "
    "FROM pg_catalog.pg_depend d "
    "LEFT JOIN owner a ON a.classid = d.classid AND a.objid = d.objid "
    "LEFT JOIN owner b ON b.classid = d.refclassid AND b.objid = d.refobjid "
    "WHERE (d.deptype = 'n' OR (d.deptype = 'a' AND d.classid = "
    "'pg_catalog.pg_opclass'::pg_catalog.regclass)) AND d.objid >= 16384 AND d.refobjid >= 16384";

// The facts of the view or materialized view with this OID, or null.
RelationFacts* ViewOf(uint32_t oid, const std::map<uint32_t, size_t>& index,
                      std::vector<SchemaObjectDef>& out) {
  auto it = index.find(oid);
  return it == index.end() ? nullptr : std::get_if<RelationFacts>(&out[it->second].facts);
}

BaseTypeFacts BaseTypeOf(const PgRow& row) {
  BaseTypeFacts b;
  b.input = row.String("input");
  b.output = row.String("output");
  b.receive = row.String("receive");
  b.send = row.String("send");
  b.typmod_in = row.String("typmod_in");
  b.typmod_out = row.String("typmod_out");
  b.analyze = row.String("analyze");
  b.subscript = row.String("subscript");
  for (absl::string_view oid : absl::StrSplit(row.Text("functions"), ',', absl::SkipEmpty())) {
    uint32_t value = 0;
    if (absl::SimpleAtoi(oid, &value) && value != 0) b.functions.push_back(value);
  }
  b.internal_length = static_cast<int>(row.Int("internal_length"));
  b.passed_by_value = row.Bool("passed_by_value");
  b.alignment = row.Char("alignment");
  b.storage = row.Char("storage");
  b.category = row.Char("category");
  b.preferred = row.Bool("preferred");
  if (!row.IsNull("default_value")) b.default_value = row.String("default_value");
  b.element = row.String("element");
  b.delimiter = row.String("delimiter");
  b.collatable = row.Bool("collatable");
  return b;
}

AggregateFacts AggregateOf(const PgRow& row) {
  AggregateFacts a;
  // An aggregate of no arguments (like count(*)) is written name(*).
  a.arguments = row.Text("arguments").empty() ? "*" : row.String("arguments");
  a.function_arguments = row.String("function_arguments");
  a.sfunc = row.String("sfunc");
  a.stype = row.String("stype");
  a.sspace = row.Int("sspace");
  a.finalfunc = row.String("finalfunc");
  a.finalfunc_extra = row.Bool("finalfunc_extra");
  a.finalfunc_modify = row.Char("finalfunc_modify");
  a.combinefunc = row.String("combinefunc");
  a.serialfunc = row.String("serialfunc");
  a.deserialfunc = row.String("deserialfunc");
  if (!row.IsNull("initcond")) a.initcond = row.String("initcond");
  a.msfunc = row.String("msfunc");
  a.minvfunc = row.String("minvfunc");
  a.mstype = row.String("mstype");
  a.msspace = row.Int("msspace");
  a.mfinalfunc = row.String("mfinalfunc");
  a.mfinalfunc_extra = row.Bool("mfinalfunc_extra");
  a.mfinalfunc_modify = row.Char("mfinalfunc_modify");
  if (!row.IsNull("minitcond")) a.minitcond = row.String("minitcond");
  a.sortop = row.String("sortop");
  a.parallel = row.Char("parallel");
  a.hypothetical = row.Bool("hypothetical");
  return a;
}

}  // namespace

absl::StatusOr<std::vector<SchemaObjectDef>> Catalog::ListSchemaObjects() {
  std::vector<SchemaObjectDef> out;
  PGARK_ASSIGN_OR_RETURN(PgResult schemas, conn_.Exec(kSchemasSql));
  for (PgRow row : Rows(schemas)) {
    SchemaObjectDef o;
    o.id = {kPgNamespace, row.Oid("oid")};
    o.kind = MemberKind::kSchema;
    o.name = row.String("name");
    o.comment = row.String("comment");
    o.privileges = PrivilegesOf(row);
    o.facts = SchemaFacts{row.Bool("predefined")};
    out.push_back(std::move(o));
  }
  PGARK_ASSIGN_OR_RETURN(PgResult exts, conn_.Exec(kExtensionsSql));
  for (PgRow row : Rows(exts)) {
    SchemaObjectDef o;
    o.id = {kPgExtension, row.Oid("oid")};
    o.kind = MemberKind::kExtension;
    o.name = row.String("name");
    o.schema = row.String("schema_name");
    out.push_back(std::move(o));
  }
  PGARK_RETURN_IF_ERROR(AddAccessMethodsAndTransforms(out));
  PGARK_RETURN_IF_ERROR(AddCollations(out));
  PGARK_RETURN_IF_ERROR(AddTypes(out));
  PGARK_RETURN_IF_ERROR(AddFunctions(out));
  PGARK_RETURN_IF_ERROR(AddAggregates(out));
  PGARK_RETURN_IF_ERROR(AddLanguagesAndConversions(out));
  PGARK_RETURN_IF_ERROR(AddTextSearch(out));
  PGARK_RETURN_IF_ERROR(AddOperatorsAndCasts(out));
  PGARK_RETURN_IF_ERROR(AddForeignServers(out));
  PGARK_RETURN_IF_ERROR(AddSequences(out));
  PGARK_RETURN_IF_ERROR(AddViews(out));
  return out;
}

absl::Status Catalog::AddAccessMethodsAndTransforms(std::vector<SchemaObjectDef>& out) {
  PGARK_ASSIGN_OR_RETURN(PgResult ams, conn_.Exec(kAccessMethodsSql));
  for (PgRow row : Rows(ams)) {
    SchemaObjectDef o;
    o.id = {kPgAm, row.Oid("oid")};
    o.kind = MemberKind::kAccessMethod;
    o.name = row.String("name");
    o.comment = row.String("comment");
    o.facts = AccessMethodFacts{row.Char("type"), row.String("handler")};
    out.push_back(std::move(o));
  }
  PGARK_ASSIGN_OR_RETURN(PgResult trf, conn_.Exec(kTransformsSql));
  for (PgRow row : Rows(trf)) {
    SchemaObjectDef o;
    o.id = {kPgTransform, row.Oid("oid")};
    o.kind = MemberKind::kTransform;
    TransformFacts t{row.String("type"), row.String("language"), row.String("from_sql"),
                     row.String("to_sql")};
    o.name = absl::StrCat(t.type, " LANGUAGE ", t.language);
    o.comment = row.String("comment");
    o.facts = std::move(t);
    out.push_back(std::move(o));
  }
  return absl::OkStatus();
}

absl::Status Catalog::AddCollations(std::vector<SchemaObjectDef>& out) {
  const int v = conn_.server_version_num();
  PGARK_ASSIGN_OR_RETURN(
      PgResult r, conn_.Exec(absl::StrCat(kCollationsSql,
                                          v >= 170000   ? "c.colllocale AS locale, "
                                          : v >= 150000 ? "c.colliculocale AS locale, "
                                                        : "c.collcollate AS locale, ",
                                          v >= 160000 ? "c.collicurules" : "NULL",
                                          kCollationsFrom)));
  for (PgRow row : Rows(r)) {
    SchemaObjectDef o = ObjectOf(row, kPgCollation, MemberKind::kCollation);
    CollationFacts& c = o.facts.emplace<CollationFacts>();
    c.provider = row.Char("provider");
    c.collate = row.String("collate");
    c.ctype = row.String("ctype");
    c.locale = row.String("locale");
    if (!row.IsNull("rules")) c.rules = row.String("rules");
    c.deterministic = row.Bool("deterministic");
    out.push_back(std::move(o));
  }
  return absl::OkStatus();
}

absl::Status Catalog::AddTypes(std::vector<SchemaObjectDef>& out) {
  PGARK_ASSIGN_OR_RETURN(PgResult types, conn_.Exec(kTypesSql));
  std::map<uint32_t, size_t> index;
  for (PgRow row : Rows(types)) {
    const char typtype = row.Char("typtype");
    SchemaObjectDef o = ObjectOf(row, kPgType,
                                 typtype == 'd' ? MemberKind::kDomain : MemberKind::kType);
    if (typtype == 'b') o.facts.emplace<BaseTypeFacts>();
    if (typtype == 'p') o.facts.emplace<ShellTypeFacts>();
    if (typtype == 'e') o.facts.emplace<EnumFacts>();
    if (typtype == 'c') o.facts.emplace<CompositeFacts>();
    if (typtype == 'r') o.facts.emplace<RangeFacts>();
    if (typtype == 'd') {
      o.facts = DomainFacts{.base_type = row.String("base_type"),
                            .collation = row.String("collation"),
                            .default_expr = row.String("default_expr"),
                            .not_null = row.Bool("not_null")};
    }
    index[o.id.oid] = out.size();
    out.push_back(std::move(o));
  }
  return AddTypeParts(index, out);
}

absl::Status Catalog::AddTypeParts(const std::map<uint32_t, size_t>& index,
                                   std::vector<SchemaObjectDef>& out) {
  // The type a row's "type_oid" names, if it holds facts of kind T.
  auto facts = [&]<typename T>(const PgRow& row) -> T* {
    auto it = index.find(row.Oid("type_oid"));
    return it == index.end() ? nullptr : std::get_if<T>(&out[it->second].facts);
  };
  PGARK_ASSIGN_OR_RETURN(PgResult labels, conn_.Exec(kEnumLabelsSql));
  for (PgRow row : Rows(labels)) {
    if (auto* e = facts.operator()<EnumFacts>(row)) e->labels.push_back(row.String("item"));
  }
  PGARK_ASSIGN_OR_RETURN(PgResult attrs, conn_.Exec(kCompositeAttributesSql));
  for (PgRow row : Rows(attrs)) {
    if (auto* c = facts.operator()<CompositeFacts>(row)) {
      c->attributes.push_back({row.String("name"), row.String("type"), row.String("collation"),
                               row.String("comment")});
    }
  }
  PGARK_ASSIGN_OR_RETURN(
      PgResult ranges,
      conn_.Exec(absl::StrCat(kRangesSql,
                              conn_.server_version_num() >= 140000 ? kRangeMultirange14 : "NULL",
                              kRangesFrom)));
  for (PgRow row : Rows(ranges)) {
    if (auto* r = facts.operator()<RangeFacts>(row)) {
      *r = {row.String("subtype"), row.String("subtype_opclass"), row.String("collation"),
            row.String("canonical"), row.String("subtype_diff"), row.String("multirange")};
    }
  }
  PGARK_ASSIGN_OR_RETURN(
      PgResult bases,
      conn_.Exec(absl::StrCat(kBaseTypesSql,
                              conn_.server_version_num() >= 140000
                                  ? "NULLIF(t.typsubscript, 0)::pg_catalog.regproc::text"
                                  : "NULL",
                              kBaseTypesFrom)));
  for (PgRow row : Rows(bases)) {
    if (auto* b = facts.operator()<BaseTypeFacts>(row)) *b = BaseTypeOf(row);
  }
  PGARK_ASSIGN_OR_RETURN(PgResult checks, conn_.Exec(kDomainChecksSql));
  for (PgRow row : Rows(checks)) {
    if (auto* d = facts.operator()<DomainFacts>(row)) {
      d->checks.push_back({row.String("name"), row.String("definition"), row.Bool("validated"),
                           row.String("comment")});
    }
  }
  return absl::OkStatus();
}

absl::Status Catalog::AddFunctions(std::vector<SchemaObjectDef>& out) {
  PGARK_ASSIGN_OR_RETURN(PgResult fns, conn_.Exec(kFunctionsSql));
  for (PgRow row : Rows(fns)) {
    SchemaObjectDef o = ObjectOf(
        row, kPgProc, row.Char("prokind") == 'p' ? MemberKind::kProcedure : MemberKind::kFunction);
    o.identity = row.String("identity");
    o.facts = RoutineFacts{row.String("definition")};
    out.push_back(std::move(o));
  }
  return absl::OkStatus();
}

absl::Status Catalog::AddAggregates(std::vector<SchemaObjectDef>& out) {
  PGARK_ASSIGN_OR_RETURN(PgResult aggs, conn_.Exec(kAggregatesSql));
  for (PgRow row : Rows(aggs)) {
    SchemaObjectDef o = ObjectOf(row, kPgProc, MemberKind::kAggregate);
    o.identity = row.Text("identity").empty() ? "*" : row.String("identity");
    o.facts = AggregateOf(row);
    out.push_back(std::move(o));
  }
  return absl::OkStatus();
}

absl::Status Catalog::AddForeignServers(std::vector<SchemaObjectDef>& out) {
  PGARK_ASSIGN_OR_RETURN(PgResult w, conn_.Exec(kForeignDataWrappersSql));
  for (PgRow row : Rows(w)) {
    SchemaObjectDef o = ObjectOf(row, kPgForeignDataWrapper, MemberKind::kForeignDataWrapper);
    o.facts = ForeignDataWrapperFacts{row.String("handler"), row.String("validator"),
                                      row.String("options")};
    out.push_back(std::move(o));
  }
  PGARK_ASSIGN_OR_RETURN(PgResult s, conn_.Exec(kForeignServersSql));
  for (PgRow row : Rows(s)) {
    SchemaObjectDef o = ObjectOf(row, kPgForeignServer, MemberKind::kServer);
    ServerFacts& f = o.facts.emplace<ServerFacts>();
    if (!row.IsNull("server_type")) f.type = row.String("server_type");
    if (!row.IsNull("server_version")) f.version = row.String("server_version");
    f.wrapper = row.String("wrapper");
    f.options = row.String("options");
    out.push_back(std::move(o));
  }
  return absl::OkStatus();
}

absl::Status Catalog::AddSequences(std::vector<SchemaObjectDef>& out) {
  PGARK_ASSIGN_OR_RETURN(PgResult seqs, conn_.Exec(kSequencesSql));
  for (PgRow row : Rows(seqs)) {
    SchemaObjectDef o;
    o.id = {kPgClass, row.Oid("oid")};
    o.kind = MemberKind::kSequence;
    SequenceDef& seq = o.facts.emplace<SequenceDef>(SequenceOf(row));
    o.schema = seq.schema;
    o.name = seq.name;
    o.comment = row.String("comment");
    o.privileges = PrivilegesOf(row);
    PGARK_RETURN_IF_ERROR(ReadSequenceValue(seq));
    out.push_back(std::move(o));
  }
  return absl::OkStatus();
}

absl::Status Catalog::AddViews(std::vector<SchemaObjectDef>& out) {
  PGARK_ASSIGN_OR_RETURN(PgResult views, conn_.Exec(kViewsSql));
  std::map<uint32_t, size_t> index;
  for (PgRow row : Rows(views)) {
    SchemaObjectDef o = ObjectOf(row, kPgClass,
                                 row.Char("relkind") == 'm' ? MemberKind::kMaterializedView
                                                            : MemberKind::kView);
    o.facts = RelationFacts{.definition = row.String("definition"),
                            .reloptions = row.String("reloptions"),
                            .populated = row.Bool("populated"),
                            .tablespace = row.String("tablespace")};
    index[o.id.oid] = out.size();
    out.push_back(std::move(o));
  }
  PGARK_ASSIGN_OR_RETURN(PgResult idx, conn_.Exec(kMatviewIndexesSql));
  for (PgRow row : Rows(idx)) {
    if (RelationFacts* v = ViewOf(row.Oid("relid"), index, out)) {
      v->indexes.push_back(IndexOf(row));
    }
  }
  PGARK_ASSIGN_OR_RETURN(
      std::vector<StatisticsDef> statistics,
      ListStatistics("EXISTS (SELECT 1 FROM pg_catalog.pg_class m WHERE m.oid = s.stxrelid "
                     "AND m.relkind = 'm')",
                     {}));
  for (StatisticsDef& st : statistics) {
    if (RelationFacts* v = ViewOf(st.relation, index, out)) v->statistics.push_back(std::move(st));
  }
  return AddViewTriggersAndRules(index, out);
}

absl::Status Catalog::AddRelationColumnSettings(const std::map<uint32_t, size_t>& index,
                                                std::vector<SchemaObjectDef>& out) {
  PGARK_ASSIGN_OR_RETURN(
      PgResult r, conn_.Exec(absl::StrCat(kRelationColumnSettingsSql,
                                          ColumnCompressionSql(conn_.server_version_num()),
                                          kRelationColumnSettingsFrom)));
  for (PgRow row : Rows(r)) {
    RelationFacts* v = ViewOf(row.Oid("relid"), index, out);
    if (v == nullptr) continue;
    ColumnDef c;
    c.name = row.String("name");
    c.default_expr = row.String("default_expr");
    ReadColumnSettings(row, c);
    if (!c.default_expr.empty() || c.statistics_target >= 0 || c.storage != 0 ||
        !c.attribute_options.empty() || c.compression != 0) {
      v->column_settings.push_back(std::move(c));
    }
  }
  return absl::OkStatus();
}

absl::Status Catalog::AddViewTriggersAndRules(const std::map<uint32_t, size_t>& index,
                                              std::vector<SchemaObjectDef>& out) {
  PGARK_ASSIGN_OR_RETURN(PgResult cols, conn_.Exec(kViewColumnsSql));
  for (PgRow row : Rows(cols)) {
    if (RelationFacts* v = ViewOf(row.Oid("relid"), index, out)) {
      v->columns.push_back({row.String("name"), row.String("type"), row.String("collation")});
    }
  }
  PGARK_RETURN_IF_ERROR(AddRelationColumnSettings(index, out));
  PGARK_ASSIGN_OR_RETURN(PgResult trg, conn_.Exec(kViewTriggersSql));
  for (PgRow row : Rows(trg)) {
    if (RelationFacts* v = ViewOf(row.Oid("relid"), index, out)) {
      v->triggers.push_back({row.Oid("oid"), row.String("name"), row.String("definition"),
                             row.Char("enabled")});
    }
  }
  PGARK_ASSIGN_OR_RETURN(PgResult rules, conn_.Exec(kViewRulesSql));
  for (PgRow row : Rows(rules)) {
    if (RelationFacts* v = ViewOf(row.Oid("relid"), index, out)) {
      v->rules.push_back({row.Oid("oid"), row.String("name"),
                          std::string(absl::StripSuffix(row.Text("definition"), ";")),
                          row.Char("enabled")});
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::pair<ObjectId, ObjectId>>> Catalog::ListDependencies() {
  PGARK_ASSIGN_OR_RETURN(PgResult r, conn_.Exec(kDependenciesSql));
  std::vector<std::pair<ObjectId, ObjectId>> edges;
  edges.reserve(static_cast<size_t>(r.rows()));
  for (PgRow row : Rows(r)) {
    ObjectId from{row.Oid("classid"), row.Oid("objid")};
    ObjectId to{row.Oid("refclassid"), row.Oid("refobjid")};
    if (from != to) edges.emplace_back(from, to);
  }
  return edges;
}

}  // namespace pgark::engine
