// Catalog queries for the objects that are not tables: schemas, extensions, types, domains,
// functions, standalone sequences, views, materialized views, and the dependency graph that
// orders them. Part of `Catalog` (see catalog.h); table queries live in catalog.cc.
#include <map>

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
    "SELECT n.oid, n.nspname, " PGARK_COMMENT("pg_namespace", "n.oid") ", "
    PGARK_PRIVILEGES("n.nspowner", "n.nspacl")
    " FROM pg_catalog.pg_namespace n WHERE n.oid >= 16384 AND " PGARK_USER_SCHEMA("n")
    "AND " PGARK_NOT_EXTENSION_MEMBER("pg_namespace", "n.oid") "ORDER BY n.nspname";

constexpr char kExtensionsSql[] =
    "SELECT e.oid, e.extname, n.nspname FROM pg_catalog.pg_extension e "
    "JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace WHERE e.oid >= 16384 "
    "ORDER BY e.extname";

constexpr char kTypesSql[] =
    "SELECT t.oid, t.typtype, n.nspname, t.typname, " PGARK_COMMENT("pg_type", "t.oid") ", "
    "CASE WHEN t.typtype = 'd' THEN pg_catalog.format_type(t.typbasetype, t.typtypmod) END, "
    "t.typnotnull, t.typdefault, "
    "CASE WHEN t.typtype = 'd' AND t.typcollation <> 0 AND t.typcollation <> bt.typcollation THEN "
    "  (SELECT pg_catalog.quote_ident(cn.nspname) || '.' || pg_catalog.quote_ident(co.collname) "
    "   FROM pg_catalog.pg_collation co JOIN pg_catalog.pg_namespace cn "
    "   ON cn.oid = co.collnamespace WHERE co.oid = t.typcollation) END, "
    PGARK_PRIVILEGES("t.typowner", "t.typacl")
    " FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace "
    "LEFT JOIN pg_catalog.pg_type bt ON bt.oid = t.typbasetype "
    "LEFT JOIN pg_catalog.pg_class c ON c.oid = t.typrelid "
    "WHERE t.oid >= 16384 AND t.typtype IN ('e', 'c', 'r', 'd') "
    "AND (t.typtype <> 'c' OR c.relkind = 'c') AND " PGARK_USER_SCHEMA("n")
    "AND " PGARK_NOT_EXTENSION_MEMBER("pg_type", "t.oid") "ORDER BY n.nspname, t.typname";

constexpr char kEnumLabelsSql[] =
    "SELECT enumtypid, enumlabel FROM pg_catalog.pg_enum WHERE enumtypid >= 16384 "
    "ORDER BY enumtypid, enumsortorder";

constexpr char kCompositeItemsSql[] =
    "SELECT t.oid, pg_catalog.quote_ident(a.attname) || ' ' || "
    "pg_catalog.format_type(a.atttypid, a.atttypmod) || "
    "CASE WHEN a.attcollation <> 0 AND a.attcollation <> at.typcollation THEN ' COLLATE ' || "
    "  (SELECT pg_catalog.quote_ident(cn.nspname) || '.' || pg_catalog.quote_ident(co.collname) "
    "   FROM pg_catalog.pg_collation co JOIN pg_catalog.pg_namespace cn "
    "   ON cn.oid = co.collnamespace WHERE co.oid = a.attcollation) ELSE '' END "
    "FROM pg_catalog.pg_type t JOIN pg_catalog.pg_attribute a ON a.attrelid = t.typrelid "
    "JOIN pg_catalog.pg_type at ON at.oid = a.atttypid "
    "WHERE t.oid >= 16384 AND t.typtype = 'c' AND a.attnum > 0 AND NOT a.attisdropped "
    "ORDER BY t.oid, a.attnum";

// Range options; MULTIRANGE_TYPE_NAME exists from PostgreSQL 14 on.
constexpr char kRangeOptionsSql[] =
    "SELECT r.rngtypid, 'SUBTYPE = ' || pg_catalog.format_type(r.rngsubtype, NULL), "
    "CASE WHEN NOT opc.opcdefault THEN 'SUBTYPE_OPCLASS = ' || "
    "  pg_catalog.quote_ident(opn.nspname) || '.' || pg_catalog.quote_ident(opc.opcname) END, "
    "CASE WHEN r.rngcollation <> 0 AND r.rngcollation <> st.typcollation THEN 'COLLATION = ' || "
    "  (SELECT pg_catalog.quote_ident(cn.nspname) || '.' || pg_catalog.quote_ident(co.collname) "
    "   FROM pg_catalog.pg_collation co JOIN pg_catalog.pg_namespace cn "
    "   ON cn.oid = co.collnamespace WHERE co.oid = r.rngcollation) END, "
    "'CANONICAL = ' || NULLIF(r.rngcanonical, 0)::pg_catalog.regproc::text, "
    "'SUBTYPE_DIFF = ' || NULLIF(r.rngsubdiff, 0)::pg_catalog.regproc::text, ";
constexpr char kRangeMultirange14[] =
    "'MULTIRANGE_TYPE_NAME = ' || pg_catalog.format_type(r.rngmultitypid, NULL) ";
constexpr char kRangeFrom[] =
    "FROM pg_catalog.pg_range r JOIN pg_catalog.pg_type st ON st.oid = r.rngsubtype "
    "JOIN pg_catalog.pg_opclass opc ON opc.oid = r.rngsubopc "
    "JOIN pg_catalog.pg_namespace opn ON opn.oid = opc.opcnamespace WHERE r.rngtypid >= 16384";

constexpr char kDomainChecksSql[] =
    "SELECT contypid, 'CONSTRAINT ' || pg_catalog.quote_ident(conname) || ' ' || "
    "pg_catalog.pg_get_constraintdef(oid), convalidated FROM pg_catalog.pg_constraint "
    "WHERE contypid >= 16384 AND contype = 'c' ORDER BY contypid, conname";

constexpr char kFunctionsSql[] =
    "SELECT p.oid, p.prokind, n.nspname, p.proname, "
    "pg_catalog.pg_get_function_identity_arguments(p.oid), pg_catalog.pg_get_functiondef(p.oid), "
    PGARK_COMMENT("pg_proc", "p.oid") ", " PGARK_PRIVILEGES("p.proowner", "p.proacl")
    " FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace "
    "WHERE p.oid >= 16384 AND p.prokind IN ('f', 'p', 'w') AND " PGARK_USER_SCHEMA("n")
    "AND " PGARK_NOT_EXTENSION_MEMBER("pg_proc", "p.oid")
    "ORDER BY n.nspname, p.proname, p.oid";

// User aggregates: CREATE AGGREGATE's options built here, NULL ones left out by concat_ws.
#define PGARK_AGG_FUNCTION(option, column) \
  "CASE WHEN a." column " <> 0 THEN '" option " = ' || a." column "::pg_catalog.regproc END, "
#define PGARK_AGG_MODIFY(option, fn, column)                                                 \
  "CASE WHEN a." fn " <> 0 THEN '" option " = ' || CASE a." column " WHEN 'r' THEN 'READ_ONLY' " \
  "WHEN 's' THEN 'SHAREABLE' ELSE 'READ_WRITE' END END, "
constexpr char kAggregatesSql[] =
    PGARK_OBJECT_COLUMNS("pg_proc", "p.oid", "n.nspname", "p.proname", "p.proowner",
                         "p.proacl")
    "pg_catalog.pg_get_function_identity_arguments(p.oid), "
    "pg_catalog.pg_get_function_arguments(p.oid), pg_catalog.oidvectortypes(p.proargtypes), "
    "pg_catalog.concat_ws(E',\\n    ', "
    "'SFUNC = ' || a.aggtransfn::pg_catalog.regproc, "
    "'STYPE = ' || pg_catalog.format_type(a.aggtranstype, NULL), "
    "CASE WHEN a.aggtransspace <> 0 THEN 'SSPACE = ' || a.aggtransspace END, "
    PGARK_AGG_FUNCTION("FINALFUNC", "aggfinalfn")
    "CASE WHEN a.aggfinalextra THEN 'FINALFUNC_EXTRA' END, "
    PGARK_AGG_MODIFY("FINALFUNC_MODIFY", "aggfinalfn", "aggfinalmodify")
    PGARK_AGG_FUNCTION("COMBINEFUNC", "aggcombinefn")
    PGARK_AGG_FUNCTION("SERIALFUNC", "aggserialfn")
    PGARK_AGG_FUNCTION("DESERIALFUNC", "aggdeserialfn")
    "'INITCOND = ' || pg_catalog.quote_literal(a.agginitval), "
    PGARK_AGG_FUNCTION("MSFUNC", "aggmtransfn")
    PGARK_AGG_FUNCTION("MINVFUNC", "aggminvtransfn")
    "CASE WHEN a.aggmtransfn <> 0 THEN 'MSTYPE = ' || "
    "pg_catalog.format_type(a.aggmtranstype, NULL) END, "
    "CASE WHEN a.aggmtransspace <> 0 THEN 'MSSPACE = ' || a.aggmtransspace END, "
    PGARK_AGG_FUNCTION("MFINALFUNC", "aggmfinalfn")
    "CASE WHEN a.aggmfinalextra THEN 'MFINALFUNC_EXTRA' END, "
    PGARK_AGG_MODIFY("MFINALFUNC_MODIFY", "aggmfinalfn", "aggmfinalmodify")
    "'MINITCOND = ' || pg_catalog.quote_literal(a.aggminitval), "
    "(SELECT 'SORTOP = OPERATOR(' || pg_catalog.quote_ident(os.nspname) || '.' || o.oprname || ')' "
    " FROM pg_catalog.pg_operator o JOIN pg_catalog.pg_namespace os ON os.oid = o.oprnamespace "
    " WHERE o.oid = a.aggsortop), "
    "CASE p.proparallel WHEN 's' THEN 'PARALLEL = SAFE' WHEN 'r' THEN 'PARALLEL = RESTRICTED' END, "
    "CASE WHEN a.aggkind = 'h' THEN 'HYPOTHETICAL' END) "
    "FROM pg_catalog.pg_aggregate a JOIN pg_catalog.pg_proc p ON p.oid = a.aggfnoid "
    "JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace "
    "WHERE p.oid >= 16384 AND " PGARK_USER_SCHEMA("n")
    "AND " PGARK_NOT_EXTENSION_MEMBER("pg_proc", "p.oid") "ORDER BY n.nspname, p.proname, p.oid";
#undef PGARK_AGG_FUNCTION
#undef PGARK_AGG_MODIFY

// Text search dictionaries: template and options as CREATE takes them.
constexpr char kTextSearchDictionariesSql[] =
    PGARK_OBJECT_COLUMNS("pg_ts_dict", "td.oid", "n.nspname", "td.dictname", "td.dictowner",
                         "NULL::pg_catalog.aclitem[]")
    "(SELECT pg_catalog.format('TEMPLATE = %I.%I', tn.nspname, t.tmplname) "
    " FROM pg_catalog.pg_ts_template t JOIN pg_catalog.pg_namespace tn ON tn.oid = t.tmplnamespace "
    " WHERE t.oid = td.dicttemplate) || COALESCE(', ' || td.dictinitoption, '') "
    "FROM pg_catalog.pg_ts_dict td JOIN pg_catalog.pg_namespace n ON n.oid = td.dictnamespace "
    "WHERE td.oid >= 16384 AND " PGARK_USER_SCHEMA("n")
    "AND " PGARK_NOT_EXTENSION_MEMBER("pg_ts_dict", "td.oid") "ORDER BY n.nspname, td.dictname";

// Text search configurations: the parser, then one "ADD MAPPING FOR token WITH dict, ..." per
// mapped token type, joined by chr(1).
constexpr char kTextSearchConfigurationsSql[] =
    PGARK_OBJECT_COLUMNS("pg_ts_config", "c.oid", "n.nspname", "c.cfgname", "c.cfgowner",
                         "NULL::pg_catalog.aclitem[]")
    "(SELECT pg_catalog.format('%I.%I', pn.nspname, p.prsname) FROM pg_catalog.pg_ts_parser p "
    " JOIN pg_catalog.pg_namespace pn ON pn.oid = p.prsnamespace WHERE p.oid = c.cfgparser), "
    "(SELECT pg_catalog.string_agg(pg_catalog.format('ADD MAPPING FOR %I WITH %s', t.alias, "
    "  m.dicts), pg_catalog.chr(1) ORDER BY t.tokid) "
    " FROM (SELECT cm.maptokentype, pg_catalog.string_agg(pg_catalog.format('%I.%I', "
    "   dn.nspname, dd.dictname), ', ' ORDER BY cm.mapseqno) AS dicts "
    "   FROM pg_catalog.pg_ts_config_map cm "
    "   JOIN pg_catalog.pg_ts_dict dd ON dd.oid = cm.mapdict "
    "   JOIN pg_catalog.pg_namespace dn ON dn.oid = dd.dictnamespace "
    "   WHERE cm.mapcfg = c.oid GROUP BY cm.maptokentype) m "
    " JOIN pg_catalog.ts_token_type(c.cfgparser) t ON t.tokid = m.maptokentype) "
    "FROM pg_catalog.pg_ts_config c JOIN pg_catalog.pg_namespace n ON n.oid = c.cfgnamespace "
    "WHERE c.oid >= 16384 AND " PGARK_USER_SCHEMA("n")
    "AND " PGARK_NOT_EXTENSION_MEMBER("pg_ts_config", "c.oid") "ORDER BY n.nspname, c.cfgname";


// Sequences not owned by a column (those are dumped with their table).
constexpr char kSequencesSql[] =
    "SELECT c.oid, " PGARK_SEQUENCE_COLUMNS("n", "c", "q") ", " PGARK_COMMENT("pg_class", "c.oid")
    ", " PGARK_PRIVILEGES("c.relowner", "c.relacl")
    " FROM pg_catalog.pg_class c JOIN pg_catalog.pg_sequence q ON q.seqrelid = c.oid "
    "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
    "WHERE c.relkind = 'S' AND " PGARK_USER_SCHEMA("n")
    "AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = "
    "'pg_catalog.pg_class'::pg_catalog.regclass AND d.objid = c.oid AND d.deptype IN "
    "('a', 'i', 'e')) ORDER BY n.nspname, c.relname";

constexpr char kViewsSql[] =
    "SELECT c.oid, c.relkind, n.nspname, c.relname, pg_catalog.pg_get_viewdef(c.oid), "
    "pg_catalog.array_to_string(c.reloptions, ', '), c.relispopulated, "
    PGARK_COMMENT("pg_class", "c.oid") ", " PGARK_PRIVILEGES("c.relowner", "c.relacl")
    " FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
    "WHERE c.relkind IN ('v', 'm') AND " PGARK_USER_SCHEMA("n")
    "AND " PGARK_NOT_EXTENSION_MEMBER("pg_class", "c.oid") "ORDER BY n.nspname, c.relname";

constexpr char kMatviewIndexesSql[] =
    "SELECT i.indrelid, c.relname, pg_catalog.pg_get_indexdef(i.indexrelid), i.indexrelid "
    "FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid "
    "JOIN pg_catalog.pg_class m ON m.oid = i.indrelid WHERE m.relkind = 'm' ORDER BY c.relname";

constexpr char kViewTriggersSql[] =
    "SELECT t.tgrelid, t.oid, t.tgname, pg_catalog.pg_get_triggerdef(t.oid), t.tgenabled "
    "FROM pg_catalog.pg_trigger t JOIN pg_catalog.pg_class v ON v.oid = t.tgrelid "
    "WHERE v.relkind = 'v' AND NOT t.tgisinternal ORDER BY t.tgname";

// Rules a view has besides its own (_RETURN): INSTEAD rules that make it updatable.
constexpr char kViewRulesSql[] =
    "SELECT r.ev_class, r.oid, r.rulename, pg_catalog.pg_get_ruledef(r.oid), r.ev_enabled "
    "FROM pg_catalog.pg_rewrite r JOIN pg_catalog.pg_class v ON v.oid = r.ev_class "
    "WHERE v.relkind = 'v' AND r.rulename <> '_RETURN' ORDER BY r.rulename";

constexpr char kDefaultPrivilegesSql[] =
    "SELECT pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(d.defaclrole)), n.nspname, "
    "d.defaclobjtype, " PGARK_PRIVILEGES("0", "d.defaclacl")
    " FROM pg_catalog.pg_default_acl d "
    "LEFT JOIN pg_catalog.pg_namespace n ON n.oid = d.defaclnamespace ORDER BY 1, 2, 3";

// Publications: kPublicationsSql, then publish_via_partition_root (13+), each table's column
// list and row filter (15+), the schemas published whole (15+), then kPublicationsFrom.
constexpr char kPublicationsSql[] =
    "SELECT p.pubname, " PGARK_COMMENT("pg_publication", "p.oid") ", "
    PGARK_PRIVILEGES("p.pubowner", "NULL::pg_catalog.aclitem[]") ", p.puballtables, "
    "pg_catalog.concat_ws(', ', CASE WHEN p.pubinsert THEN 'insert' END, "
    "CASE WHEN p.pubupdate THEN 'update' END, CASE WHEN p.pubdelete THEN 'delete' END, "
    "CASE WHEN p.pubtruncate THEN 'truncate' END), ";
constexpr char kPublicationTablesSql[] =
    "(SELECT pg_catalog.string_agg(pg_catalog.format('ONLY %I.%I', tn.nspname, c.relname) || ";
constexpr char kPublicationTablesFrom[] =
    ", pg_catalog.chr(1) ORDER BY tn.nspname, c.relname) FROM pg_catalog.pg_publication_rel pr "
    " JOIN pg_catalog.pg_class c ON c.oid = pr.prrelid "
    " JOIN pg_catalog.pg_namespace tn ON tn.oid = c.relnamespace WHERE pr.prpubid = p.oid), ";
constexpr char kPublicationColumnsAndFilter15[] =
    "CASE WHEN pr.prattrs IS NULL THEN '' ELSE ' (' || (SELECT pg_catalog.string_agg("
    " pg_catalog.quote_ident(a.attname), ', ' ORDER BY k.n) FROM pg_catalog.unnest("
    " pr.prattrs::pg_catalog.int2[]) WITH ORDINALITY k(attnum, n) JOIN pg_catalog.pg_attribute a "
    " ON a.attrelid = pr.prrelid AND a.attnum = k.attnum) || ')' END || "
    "COALESCE(' WHERE (' || pg_catalog.pg_get_expr(pr.prqual, pr.prrelid) || ')', '')";
constexpr char kPublicationSchemas15[] =
    "(SELECT pg_catalog.string_agg(pg_catalog.quote_ident(sn.nspname), pg_catalog.chr(1) "
    " ORDER BY sn.nspname) FROM pg_catalog.pg_publication_namespace pn "
    " JOIN pg_catalog.pg_namespace sn ON sn.oid = pn.pnnspid WHERE pn.pnpubid = p.oid)";
constexpr char kPublicationsFrom[] = " FROM pg_catalog.pg_publication p ORDER BY p.pubname";

constexpr char kEventTriggersSql[] =
    "SELECT t.evtname, t.evtevent, (SELECT pg_catalog.string_agg(pg_catalog.quote_literal(g), "
    "', ') FROM pg_catalog.unnest(t.evttags) g), t.evtfoid::pg_catalog.regproc, t.evtenabled, "
    PGARK_COMMENT("pg_event_trigger", "t.oid") ", "
    PGARK_PRIVILEGES("t.evtowner", "NULL::pg_catalog.aclitem[]")
    " FROM pg_catalog.pg_event_trigger t WHERE "
    PGARK_NOT_EXTENSION_MEMBER("pg_event_trigger", "t.oid") "ORDER BY t.evtname";

// Foreign-data wrappers that no extension made: name, comment, privileges, then handler,
// validator and options.
constexpr char kForeignDataWrappersSql[] =
    PGARK_OBJECT_COLUMNS("pg_foreign_data_wrapper", "w.oid", "''", "w.fdwname", "w.fdwowner",
                         "w.fdwacl")
    "CASE WHEN w.fdwhandler <> 0 THEN w.fdwhandler::pg_catalog.regproc::text END, "
    "CASE WHEN w.fdwvalidator <> 0 THEN w.fdwvalidator::pg_catalog.regproc::text END, "
    PGARK_OPTIONS("w.fdwoptions")
    " FROM pg_catalog.pg_foreign_data_wrapper w WHERE "
    PGARK_NOT_EXTENSION_MEMBER("pg_foreign_data_wrapper", "w.oid") "ORDER BY w.fdwname";

// Foreign servers: name, comment, privileges, then type, version, wrapper and options.
constexpr char kForeignServersSql[] =
    PGARK_OBJECT_COLUMNS("pg_foreign_server", "s.oid", "''", "s.srvname", "s.srvowner",
                         "s.srvacl") "s.srvtype, s.srvversion, "
    "pg_catalog.quote_ident(w.fdwname), " PGARK_OPTIONS("s.srvoptions")
    " FROM pg_catalog.pg_foreign_server s "
    "JOIN pg_catalog.pg_foreign_data_wrapper w ON w.oid = s.srvfdw WHERE "
    PGARK_NOT_EXTENSION_MEMBER("pg_foreign_server", "s.oid") "ORDER BY s.srvname";

// pg_user_mappings shows a mapping's options only to some roles; the last column repeats its
// rule to tell hidden options from none.
constexpr char kUserMappingsSql[] =
    "SELECT CASE WHEN u.umuser = 0 THEN 'PUBLIC' ELSE pg_catalog.quote_ident(u.usename) END, "
    "pg_catalog.quote_ident(u.srvname), " PGARK_OPTIONS("u.umoptions") ", "
    "u.umoptions IS NULL AND NOT ("
    "  (u.umuser <> 0 AND u.usename = CURRENT_USER AND "
    "   (pg_catalog.pg_has_role(s.srvowner, 'USAGE') OR "
    "    pg_catalog.has_server_privilege(s.oid, 'USAGE'))) "
    "  OR (u.umuser = 0 AND pg_catalog.pg_has_role(s.srvowner, 'USAGE')) "
    "  OR " PGARK_IS_SUPERUSER ") "
    "FROM pg_catalog.pg_user_mappings u JOIN pg_catalog.pg_foreign_server s ON s.oid = u.srvid "
    "WHERE " PGARK_NOT_EXTENSION_MEMBER("pg_foreign_server", "s.oid")
    "ORDER BY u.srvname COLLATE \"C\", u.usename COLLATE \"C\"";

constexpr char kIsSuperuserSql[] = "SELECT " PGARK_IS_SUPERUSER;

// kSubscriptionsSql, then per version: binary, streaming ('f', 't', 'p'), two_phase,
// disable_on_error, origin, password_required, run_as_owner; then kSubscriptionsFrom.
constexpr char kSubscriptionsSql[] =
    "SELECT s.subname, " PGARK_COMMENT("pg_subscription", "s.oid") ", "
    PGARK_PRIVILEGES("s.subowner", "NULL::pg_catalog.aclitem[]") ", s.subconninfo, "
    "s.subslotname, (SELECT pg_catalog.string_agg(pg_catalog.quote_ident(p.name), ', ' "
    "  ORDER BY p.n) FROM pg_catalog.unnest(s.subpublications) WITH ORDINALITY p(name, n)), "
    "s.subsynccommit, ";
constexpr char kSubscriptionsFrom[] =
    " FROM pg_catalog.pg_subscription s WHERE s.subdbid = (SELECT d.oid FROM "
    "pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database()) "
    "ORDER BY s.subname COLLATE \"C\"";

constexpr char kLargeObjectsSql[] =
    "SELECT l.oid, " PGARK_COMMENT("pg_largeobject", "l.oid") ", "
    PGARK_PRIVILEGES("l.lomowner", "l.lomacl")
    " FROM pg_catalog.pg_largeobject_metadata l ORDER BY l.oid";

// User collations: kCollationsSql, the ICU (and, from 17, builtin) locale, which moved from
// collcollate (12-14) to colliculocale (15-16) and colllocale (17), and ICU rules (16+), then
// kCollationsFrom.
constexpr char kCollationsSql[] =
    PGARK_OBJECT_COLUMNS("pg_collation", "c.oid", "n.nspname", "c.collname", "c.collowner",
                         "NULL::pg_catalog.aclitem[]")
    "c.collprovider, c.collisdeterministic, c.collcollate, c.collctype, ";
constexpr char kCollationsFrom[] =
    " FROM pg_catalog.pg_collation c JOIN pg_catalog.pg_namespace n ON n.oid = c.collnamespace "
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
    "SELECT DISTINCT COALESCE(a.oclassid, d.classid), COALESCE(a.ooid, d.objid), "
    "COALESCE(b.oclassid, d.refclassid), COALESCE(b.ooid, d.refobjid) "
    "FROM pg_catalog.pg_depend d "
    "LEFT JOIN owner a ON a.classid = d.classid AND a.objid = d.objid "
    "LEFT JOIN owner b ON b.classid = d.refclassid AND b.objid = d.refobjid "
    "WHERE (d.deptype = 'n' OR (d.deptype = 'a' AND d.classid = "
    "'pg_catalog.pg_opclass'::pg_catalog.regclass)) AND d.objid >= 16384 AND d.refobjid >= 16384";

}  // namespace

uint32_t Oid(const PgResult& r, int row, int col) {  // see catalog_internal.h
  return static_cast<uint32_t>(r.Int(row, col));
}

SequenceDef SequenceAt(const PgResult& r, int row, int col) {  // see catalog_internal.h
  SequenceDef s;
  s.schema = r.String(row, col);
  s.name = r.String(row, col + 1);
  s.type = r.String(row, col + 2);
  s.start = r.Int(row, col + 3);
  s.increment = r.Int(row, col + 4);
  s.min = r.Int(row, col + 5);
  s.max = r.Int(row, col + 6);
  s.cache = r.Int(row, col + 7);
  s.cycle = r.Bool(row, col + 8);
  return s;
}

Privileges PrivilegesAt(const PgResult& r, int row, int col) {  // see catalog_internal.h
  Privileges p;
  p.owner = r.String(row, col);
  p.has_acl = r.Bool(row, col + 1);
  if (!r.IsNull(row, col + 2)) p.grants = absl::StrSplit(r.Text(row, col + 2), '\x01');
  return p;
}

SchemaObjectDef ObjectAt(const PgResult& r, int row, uint32_t catalog,  // see catalog_internal.h
                         MemberKind kind) {
  SchemaObjectDef o;
  o.id = {catalog, Oid(r, row, 0)};
  o.kind = kind;
  o.schema = r.String(row, 1);
  o.name = r.String(row, 2);
  o.comment = r.String(row, 3);
  o.privileges = PrivilegesAt(r, row, 4);
  return o;
}

absl::StatusOr<std::vector<SchemaObjectDef>> Catalog::ListSchemaObjects() {
  std::vector<SchemaObjectDef> out;
  PGARK_ASSIGN_OR_RETURN(PgResult schemas, conn_.Exec(kSchemasSql));
  for (int i = 0; i < schemas.rows(); ++i) {
    SchemaObjectDef o;
    o.id = {kPgNamespace, Oid(schemas, i, 0)};
    o.kind = MemberKind::kSchema;
    o.name = schemas.String(i, 1);
    o.comment = schemas.String(i, 2);
    o.privileges = PrivilegesAt(schemas, i, 3);
    out.push_back(std::move(o));
  }
  PGARK_ASSIGN_OR_RETURN(PgResult exts, conn_.Exec(kExtensionsSql));
  for (int i = 0; i < exts.rows(); ++i) {
    SchemaObjectDef o;
    o.id = {kPgExtension, Oid(exts, i, 0)};
    o.kind = MemberKind::kExtension;
    o.name = exts.String(i, 1);
    o.schema = exts.String(i, 2);
    out.push_back(std::move(o));
  }
  PGARK_RETURN_IF_ERROR(AddCollations(out));
  PGARK_RETURN_IF_ERROR(AddTypes(out));
  PGARK_RETURN_IF_ERROR(AddFunctions(out));
  PGARK_RETURN_IF_ERROR(AddAggregates(out));
  PGARK_RETURN_IF_ERROR(AddTextSearch(out));
  PGARK_RETURN_IF_ERROR(AddOperatorsAndCasts(out));
  PGARK_RETURN_IF_ERROR(AddForeignServers(out));
  PGARK_RETURN_IF_ERROR(AddSequences(out));
  PGARK_RETURN_IF_ERROR(AddViews(out));
  return out;
}

absl::Status Catalog::AddCollations(std::vector<SchemaObjectDef>& out) {
  const int v = conn_.server_version_num();
  PGARK_ASSIGN_OR_RETURN(
      PgResult r, conn_.Exec(absl::StrCat(kCollationsSql,
                                          v >= 170000   ? "c.colllocale, "
                                          : v >= 150000 ? "c.colliculocale, "
                                                        : "c.collcollate, ",
                                          v >= 160000 ? "c.collicurules" : "NULL",
                                          kCollationsFrom)));
  for (int i = 0; i < r.rows(); ++i) {
    SchemaObjectDef o = ObjectAt(r, i, kPgCollation, MemberKind::kCollation);
    // CREATE COLLATION's options, from the provider's fields.
    const char provider = r.Char(i, 7);
    const std::string collate = r.String(i, 9), ctype = r.String(i, 10);
    if (provider == 'c') {
      o.definition = collate == ctype
                         ? absl::StrCat("provider = libc, locale = ", QuoteLiteral(collate))
                         : absl::StrCat("provider = libc, lc_collate = ", QuoteLiteral(collate),
                                        ", lc_ctype = ", QuoteLiteral(ctype));
    } else {
      o.definition = absl::StrCat("provider = ", provider == 'i' ? "icu" : "builtin",
                                  ", locale = ", QuoteLiteral(r.Text(i, 11)));
      if (!r.IsNull(i, 12)) {
        absl::StrAppend(&o.definition, ", rules = ", QuoteLiteral(r.Text(i, 12)));
      }
    }
    if (!r.Bool(i, 8)) absl::StrAppend(&o.definition, ", deterministic = false");
    out.push_back(std::move(o));
  }
  return absl::OkStatus();
}

absl::Status Catalog::AddTypes(std::vector<SchemaObjectDef>& out) {
  PGARK_ASSIGN_OR_RETURN(PgResult types, conn_.Exec(kTypesSql));
  std::map<uint32_t, size_t> index;
  for (int i = 0; i < types.rows(); ++i) {
    SchemaObjectDef o;
    o.id = {kPgType, Oid(types, i, 0)};
    char typtype = types.Char(i, 1);
    o.kind = typtype == 'd' ? MemberKind::kDomain : MemberKind::kType;
    o.definition = typtype == 'e' ? "ENUM" : typtype == 'c' ? "COMPOSITE"
                   : typtype == 'r' ? "RANGE" : types.String(i, 5);
    o.schema = types.String(i, 2);
    o.name = types.String(i, 3);
    o.comment = types.String(i, 4);
    o.not_null = types.Bool(i, 6);
    o.default_expr = types.String(i, 7);
    o.collation = types.String(i, 8);
    o.privileges = PrivilegesAt(types, i, 9);
    index[o.id.oid] = out.size();
    out.push_back(std::move(o));
  }
  auto add_items = [&](const PgResult& r, int value_col) {
    for (int i = 0; i < r.rows(); ++i) {
      auto it = index.find(Oid(r, i, 0));
      if (it != index.end() && !r.IsNull(i, value_col)) {
        out[it->second].items.push_back(r.String(i, value_col));
      }
    }
  };
  PGARK_ASSIGN_OR_RETURN(PgResult labels, conn_.Exec(kEnumLabelsSql));
  add_items(labels, 1);
  PGARK_ASSIGN_OR_RETURN(PgResult attrs, conn_.Exec(kCompositeItemsSql));
  add_items(attrs, 1);
  PGARK_ASSIGN_OR_RETURN(
      PgResult ranges,
      conn_.Exec(absl::StrCat(kRangeOptionsSql,
                              conn_.server_version_num() >= 140000 ? kRangeMultirange14 : "NULL ",
                              kRangeFrom)));
  for (int col = 1; col <= 6; ++col) add_items(ranges, col);
  PGARK_ASSIGN_OR_RETURN(PgResult checks, conn_.Exec(kDomainChecksSql));
  for (int i = 0; i < checks.rows(); ++i) {
    auto it = index.find(Oid(checks, i, 0));
    if (it == index.end()) continue;
    SchemaObjectDef& d = out[it->second];
    if (checks.Bool(i, 2)) {
      d.items.push_back(checks.String(i, 1));
    } else {
      d.not_valid_checks.push_back(checks.String(i, 1));
    }
  }
  return absl::OkStatus();
}

absl::Status Catalog::AddFunctions(std::vector<SchemaObjectDef>& out) {
  PGARK_ASSIGN_OR_RETURN(PgResult fns, conn_.Exec(kFunctionsSql));
  for (int i = 0; i < fns.rows(); ++i) {
    SchemaObjectDef o;
    o.id = {kPgProc, Oid(fns, i, 0)};
    o.kind = fns.Char(i, 1) == 'p' ? MemberKind::kProcedure : MemberKind::kFunction;
    o.schema = fns.String(i, 2);
    o.name = fns.String(i, 3);
    o.identity = fns.String(i, 4);
    o.definition = fns.String(i, 5);
    o.comment = fns.String(i, 6);
    o.privileges = PrivilegesAt(fns, i, 7);
    out.push_back(std::move(o));
  }
  return absl::OkStatus();
}

absl::Status Catalog::AddAggregates(std::vector<SchemaObjectDef>& out) {
  PGARK_ASSIGN_OR_RETURN(PgResult aggs, conn_.Exec(kAggregatesSql));
  for (int i = 0; i < aggs.rows(); ++i) {
    SchemaObjectDef o = ObjectAt(aggs, i, kPgProc, MemberKind::kAggregate);
    // An aggregate of no arguments (like count(*)) is written name(*).
    o.identity = aggs.Text(i, 7).empty() ? "*" : aggs.String(i, 7);
    o.arguments = aggs.Text(i, 8).empty() ? "*" : aggs.String(i, 8);
    o.function_arguments = aggs.String(i, 9);
    o.definition = aggs.String(i, 10);
    out.push_back(std::move(o));
  }
  return absl::OkStatus();
}

absl::Status Catalog::AddTextSearch(std::vector<SchemaObjectDef>& out) {
  PGARK_ASSIGN_OR_RETURN(PgResult dicts, conn_.Exec(kTextSearchDictionariesSql));
  for (int i = 0; i < dicts.rows(); ++i) {
    SchemaObjectDef o = ObjectAt(dicts, i, kPgTsDict, MemberKind::kTextSearchDictionary);
    o.definition = dicts.String(i, 7);
    out.push_back(std::move(o));
  }
  PGARK_ASSIGN_OR_RETURN(PgResult configs, conn_.Exec(kTextSearchConfigurationsSql));
  for (int i = 0; i < configs.rows(); ++i) {
    SchemaObjectDef o = ObjectAt(configs, i, kPgTsConfig, MemberKind::kTextSearchConfiguration);
    o.definition = absl::StrCat("PARSER = ", configs.Text(i, 7));
    if (!configs.IsNull(i, 8)) o.items = absl::StrSplit(configs.Text(i, 8), '\x01');
    out.push_back(std::move(o));
  }
  return absl::OkStatus();
}


absl::Status Catalog::AddForeignServers(std::vector<SchemaObjectDef>& out) {
  PGARK_ASSIGN_OR_RETURN(PgResult w, conn_.Exec(kForeignDataWrappersSql));
  for (int i = 0; i < w.rows(); ++i) {
    SchemaObjectDef o = ObjectAt(w, i, kPgForeignDataWrapper, MemberKind::kForeignDataWrapper);
    std::vector<std::string> clauses;
    if (!w.IsNull(i, 7)) clauses.push_back(absl::StrCat("HANDLER ", w.Text(i, 7)));
    if (!w.IsNull(i, 8)) clauses.push_back(absl::StrCat("VALIDATOR ", w.Text(i, 8)));
    if (!w.IsNull(i, 9)) clauses.push_back(absl::StrCat("OPTIONS (", w.Text(i, 9), ")"));
    o.definition = absl::StrJoin(clauses, " ");
    out.push_back(std::move(o));
  }
  PGARK_ASSIGN_OR_RETURN(PgResult s, conn_.Exec(kForeignServersSql));
  for (int i = 0; i < s.rows(); ++i) {
    SchemaObjectDef o = ObjectAt(s, i, kPgForeignServer, MemberKind::kServer);
    std::vector<std::string> clauses;
    if (!s.IsNull(i, 7)) clauses.push_back(absl::StrCat("TYPE ", QuoteLiteral(s.Text(i, 7))));
    if (!s.IsNull(i, 8)) clauses.push_back(absl::StrCat("VERSION ", QuoteLiteral(s.Text(i, 8))));
    clauses.push_back(absl::StrCat("FOREIGN DATA WRAPPER ", s.Text(i, 9)));
    if (!s.IsNull(i, 10)) clauses.push_back(absl::StrCat("OPTIONS (", s.Text(i, 10), ")"));
    o.definition = absl::StrJoin(clauses, " ");
    out.push_back(std::move(o));
  }
  return absl::OkStatus();
}

absl::Status Catalog::AddSequences(std::vector<SchemaObjectDef>& out) {
  PGARK_ASSIGN_OR_RETURN(PgResult seqs, conn_.Exec(kSequencesSql));
  for (int i = 0; i < seqs.rows(); ++i) {
    SchemaObjectDef o;
    o.id = {kPgClass, Oid(seqs, i, 0)};
    o.kind = MemberKind::kSequence;
    o.sequence = SequenceAt(seqs, i, 1);
    o.schema = o.sequence.schema;
    o.name = o.sequence.name;
    o.comment = seqs.String(i, 10);
    o.privileges = PrivilegesAt(seqs, i, 11);
    PGARK_RETURN_IF_ERROR(ReadSequenceValue(o.sequence));
    out.push_back(std::move(o));
  }
  return absl::OkStatus();
}

absl::Status Catalog::AddViews(std::vector<SchemaObjectDef>& out) {
  PGARK_ASSIGN_OR_RETURN(PgResult views, conn_.Exec(kViewsSql));
  std::map<uint32_t, size_t> index;
  for (int i = 0; i < views.rows(); ++i) {
    SchemaObjectDef o;
    o.id = {kPgClass, Oid(views, i, 0)};
    o.kind = views.Char(i, 1) == 'm' ? MemberKind::kMaterializedView : MemberKind::kView;
    o.schema = views.String(i, 2);
    o.name = views.String(i, 3);
    o.definition = views.String(i, 4);
    o.reloptions = views.String(i, 5);
    o.populated = views.Bool(i, 6);
    o.comment = views.String(i, 7);
    o.privileges = PrivilegesAt(views, i, 8);
    index[o.id.oid] = out.size();
    out.push_back(std::move(o));
  }
  PGARK_ASSIGN_OR_RETURN(PgResult idx, conn_.Exec(kMatviewIndexesSql));
  for (int i = 0; i < idx.rows(); ++i) {
    auto it = index.find(Oid(idx, i, 0));
    if (it == index.end()) continue;
    out[it->second].indexes.push_back({Oid(idx, i, 3), idx.String(i, 1), idx.String(i, 2)});
  }
  PGARK_ASSIGN_OR_RETURN(
      std::vector<StatisticsDef> statistics,
      ListStatistics("EXISTS (SELECT 1 FROM pg_catalog.pg_class m WHERE m.oid = s.stxrelid "
                     "AND m.relkind = 'm')",
                     {}));
  for (StatisticsDef& st : statistics) {
    auto it = index.find(st.relation);
    if (it != index.end()) out[it->second].statistics.push_back(std::move(st));
  }
  PGARK_ASSIGN_OR_RETURN(PgResult trg, conn_.Exec(kViewTriggersSql));
  for (int i = 0; i < trg.rows(); ++i) {
    auto it = index.find(Oid(trg, i, 0));
    if (it == index.end()) continue;
    out[it->second].triggers.push_back(
        {Oid(trg, i, 1), trg.String(i, 2), trg.String(i, 3), trg.Char(i, 4)});
  }
  PGARK_ASSIGN_OR_RETURN(PgResult rules, conn_.Exec(kViewRulesSql));
  for (int i = 0; i < rules.rows(); ++i) {
    auto it = index.find(Oid(rules, i, 0));
    if (it == index.end()) continue;
    out[it->second].rules.push_back({Oid(rules, i, 1), rules.String(i, 2),
                                     std::string(absl::StripSuffix(rules.Text(i, 3), ";")),
                                     rules.Char(i, 4)});
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::pair<ObjectId, ObjectId>>> Catalog::ListDependencies() {
  PGARK_ASSIGN_OR_RETURN(PgResult r, conn_.Exec(kDependenciesSql));
  std::vector<std::pair<ObjectId, ObjectId>> edges;
  edges.reserve(static_cast<size_t>(r.rows()));
  for (int i = 0; i < r.rows(); ++i) {
    ObjectId from{Oid(r, i, 0), Oid(r, i, 1)};
    ObjectId to{Oid(r, i, 2), Oid(r, i, 3)};
    if (from != to) edges.emplace_back(from, to);
  }
  return edges;
}

absl::StatusOr<std::vector<DefaultPrivilegesDef>> Catalog::ListDefaultPrivileges() {
  PGARK_ASSIGN_OR_RETURN(PgResult r, conn_.Exec(kDefaultPrivilegesSql));
  std::vector<DefaultPrivilegesDef> out;
  for (int i = 0; i < r.rows(); ++i) {
    out.push_back({r.String(i, 0), r.String(i, 1), r.Char(i, 2), PrivilegesAt(r, i, 3)});
  }
  return out;
}

absl::StatusOr<std::vector<EventTriggerDef>> Catalog::ListEventTriggers() {
  PGARK_ASSIGN_OR_RETURN(PgResult r, conn_.Exec(kEventTriggersSql));
  std::vector<EventTriggerDef> out;
  for (int i = 0; i < r.rows(); ++i) {
    out.push_back({r.String(i, 0), r.String(i, 1), r.String(i, 2), r.String(i, 3), r.Char(i, 4),
                   r.String(i, 5), PrivilegesAt(r, i, 6)});
  }
  return out;
}

absl::StatusOr<std::vector<SubscriptionDef>> Catalog::ListSubscriptions() {
  PGARK_ASSIGN_OR_RETURN(PgResult su, conn_.Exec(kIsSuperuserSql));
  if (su.rows() != 1 || !su.Bool(0, 0)) return std::vector<SubscriptionDef>{};
  const int v = conn_.server_version_num();
  const bool v14 = v >= 140000, v15 = v >= 150000, v16 = v >= 160000;
  PGARK_ASSIGN_OR_RETURN(
      PgResult r,
      conn_.Exec(absl::StrCat(
          kSubscriptionsSql, v14 ? "s.subbinary, " : "false, ",
          v16 ? "s.substream::text, " : v14 ? "CASE WHEN s.substream THEN 't' ELSE 'f' END, " : "'f', ",
          v15 ? "s.subtwophasestate <> 'd', s.subdisableonerr, " : "false, false, ",
          v16 ? "s.suborigin, s.subpasswordrequired, s.subrunasowner" : "'any', true, false",
          kSubscriptionsFrom)));
  std::vector<SubscriptionDef> out;
  for (int i = 0; i < r.rows(); ++i) {
    SubscriptionDef d;
    d.name = r.String(i, 0);
    d.comment = r.String(i, 1);
    d.privileges = PrivilegesAt(r, i, 2);
    d.conninfo = r.String(i, 5);
    d.slot_name = r.String(i, 6);
    d.publications = r.String(i, 7);
    const std::string sync = r.String(i, 8);
    if (r.Bool(i, 9)) d.options.push_back("binary = true");
    const std::string streaming = r.String(i, 10);
    if (streaming == "t") d.options.push_back("streaming = on");
    if (streaming == "p") d.options.push_back("streaming = parallel");
    if (r.Bool(i, 11)) d.options.push_back("two_phase = on");
    if (r.Bool(i, 12)) d.options.push_back("disable_on_error = true");
    if (sync != "off") d.options.push_back(absl::StrCat("synchronous_commit = ", QuoteLiteral(sync)));
    if (r.String(i, 13) != "any") d.options.push_back(absl::StrCat("origin = ", r.String(i, 13)));
    if (!r.Bool(i, 14)) d.options.push_back("password_required = false");
    if (r.Bool(i, 15)) d.options.push_back("run_as_owner = true");
    out.push_back(std::move(d));
  }
  return out;
}

absl::StatusOr<std::vector<UserMappingDef>> Catalog::ListUserMappings() {
  PGARK_ASSIGN_OR_RETURN(PgResult r, conn_.Exec(kUserMappingsSql));
  std::vector<UserMappingDef> out;
  for (int i = 0; i < r.rows(); ++i) {
    out.push_back({r.String(i, 0), r.String(i, 1), r.String(i, 2), r.Bool(i, 3)});
  }
  return out;
}

absl::StatusOr<std::vector<PublicationDef>> Catalog::ListPublications() {
  const int v = conn_.server_version_num();
  PGARK_ASSIGN_OR_RETURN(
      PgResult r,
      conn_.Exec(absl::StrCat(kPublicationsSql, v >= 130000 ? "p.pubviaroot, " : "false, ",
                              kPublicationTablesSql,
                              v >= 150000 ? kPublicationColumnsAndFilter15 : "''",
                              kPublicationTablesFrom, v >= 150000 ? kPublicationSchemas15 : "NULL",
                              kPublicationsFrom)));
  std::vector<PublicationDef> out;
  for (int i = 0; i < r.rows(); ++i) {
    PublicationDef p;
    p.name = r.String(i, 0);
    p.comment = r.String(i, 1);
    p.privileges = PrivilegesAt(r, i, 2);
    p.all_tables = r.Bool(i, 5);
    p.publish = r.String(i, 6);
    p.via_root = r.Bool(i, 7);
    if (!r.IsNull(i, 8)) p.tables = absl::StrSplit(r.Text(i, 8), '\x01');
    if (!r.IsNull(i, 9)) p.schemas = absl::StrSplit(r.Text(i, 9), '\x01');
    out.push_back(std::move(p));
  }
  return out;
}

absl::StatusOr<std::vector<LargeObjectDef>> Catalog::ListLargeObjects() {
  PGARK_ASSIGN_OR_RETURN(PgResult r, conn_.Exec(kLargeObjectsSql));
  std::vector<LargeObjectDef> out;
  for (int i = 0; i < r.rows(); ++i) {
    out.push_back({static_cast<uint32_t>(r.Int(i, 0)), r.String(i, 1), PrivilegesAt(r, i, 2)});
  }
  return out;
}

}  // namespace pgark::engine
