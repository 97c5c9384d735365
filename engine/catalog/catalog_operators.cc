// Catalog::AddOperatorsAndCasts: operators, operator families and classes, and casts, each as
// the SchemaObjectDef its CREATE is written from.
#include "absl/strings/str_cat.h"
#include "engine/catalog/catalog.h"
#include "engine/catalog/catalog_internal.h"
#include "formats/status_macros.h"

namespace pgark::engine {
namespace {

// User operators: CREATE OPERATOR's options (NULL ones left out by concat_ws), and the
// "(left, right)" identity ALTER and COMMENT take (NONE for a prefix operator's left side).
#define PGARK_OPERATOR_REF(option, column)                                                    \
  "(SELECT '" option " = OPERATOR(' || pg_catalog.quote_ident(rn.nspname) || '.' || r.oprname " \
  "|| ')' FROM pg_catalog.pg_operator r JOIN pg_catalog.pg_namespace rn ON rn.oid = "         \
  "r.oprnamespace WHERE r.oid = o." column "), "
constexpr char kOperatorsSql[] =
    PGARK_OBJECT_COLUMNS("pg_operator", "o.oid", "n.nspname", "o.oprname", "o.oprowner",
                         "NULL::pg_catalog.aclitem[]")
    "pg_catalog.format('%s, %s', CASE WHEN o.oprleft = 0 THEN 'NONE' "
    "ELSE pg_catalog.format_type(o.oprleft, NULL) END, pg_catalog.format_type(o.oprright, NULL)) "
    "  AS identity, "
    "pg_catalog.concat_ws(E',\\n    ', 'FUNCTION = ' || o.oprcode::pg_catalog.regproc, "
    "CASE WHEN o.oprleft <> 0 THEN 'LEFTARG = ' || pg_catalog.format_type(o.oprleft, NULL) END, "
    "'RIGHTARG = ' || pg_catalog.format_type(o.oprright, NULL), "
    PGARK_OPERATOR_REF("COMMUTATOR", "oprcom") PGARK_OPERATOR_REF("NEGATOR", "oprnegate")
    "CASE WHEN o.oprrest <> 0 THEN 'RESTRICT = ' || o.oprrest::pg_catalog.regproc END, "
    "CASE WHEN o.oprjoin <> 0 THEN 'JOIN = ' || o.oprjoin::pg_catalog.regproc END, "
    "CASE WHEN o.oprcanhash THEN 'HASHES' END, CASE WHEN o.oprcanmerge THEN 'MERGES' END) "
    "  AS definition "
    "FROM pg_catalog.pg_operator o JOIN pg_catalog.pg_namespace n ON n.oid = o.oprnamespace "
    "WHERE o.oid >= 16384 AND o.oprcode <> 0 AND " PGARK_USER_SCHEMA("n")
    "AND " PGARK_NOT_EXTENSION_MEMBER("pg_operator", "o.oid")
    "ORDER BY n.nspname, o.oprname, o.oid";
#undef PGARK_OPERATOR_REF

// Operator families and classes. PGARK_OPFAMILY_ITEMS lists the members that belong to the
// object `refoid` of catalog `refclass` (a class's own, or a family's loose ones) as CREATE
// OPERATOR CLASS and ALTER OPERATOR FAMILY ... ADD take them, with their types spelled out.
#define PGARK_OPFAMILY_ITEMS(refclass, refoid)                                                  \
  "(SELECT pg_catalog.string_agg(x.item, ', ' ORDER BY x.kind, x.num, x.item) FROM ("       \
  " SELECT 1 AS kind, ao.amopstrategy AS num, 'OPERATOR ' || ao.amopstrategy || ' ' || "      \
  "  pg_catalog.quote_ident(opn.nspname) || '.' || op.oprname || ' (' || "                    \
  "  pg_catalog.format_type(ao.amoplefttype, NULL) || ', ' || "                               \
  "  pg_catalog.format_type(ao.amoprighttype, NULL) || ')' || CASE WHEN ao.amoppurpose = 'o' " \
  "  THEN ' FOR ORDER BY ' || (SELECT pg_catalog.quote_ident(sn.nspname) || '.' || "           \
  "  pg_catalog.quote_ident(sf.opfname) FROM pg_catalog.pg_opfamily sf JOIN "                  \
  "  pg_catalog.pg_namespace sn ON sn.oid = sf.opfnamespace WHERE sf.oid = "                   \
  "  ao.amopsortfamily) ELSE '' END AS item "                                                  \
  " FROM pg_catalog.pg_amop ao JOIN pg_catalog.pg_depend dep ON dep.classid = "                \
  "  'pg_catalog.pg_amop'::pg_catalog.regclass AND dep.objid = ao.oid "                       \
  " JOIN pg_catalog.pg_operator op ON op.oid = ao.amopopr "                                    \
  " JOIN pg_catalog.pg_namespace opn ON opn.oid = op.oprnamespace "                            \
  " WHERE dep.refclassid = 'pg_catalog." refclass "'::pg_catalog.regclass AND dep.refobjid = " \
  refoid                                                                                       \
  " UNION ALL SELECT 2, ap.amprocnum, 'FUNCTION ' || ap.amprocnum || ' (' || "                 \
  "  pg_catalog.format_type(ap.amproclefttype, NULL) || ', ' || "                              \
  "  pg_catalog.format_type(ap.amprocrighttype, NULL) || ') ' || "                             \
  "  ap.amproc::pg_catalog.regprocedure "                                                      \
  " FROM pg_catalog.pg_amproc ap JOIN pg_catalog.pg_depend dep ON dep.classid = "              \
  "  'pg_catalog.pg_amproc'::pg_catalog.regclass AND dep.objid = ap.oid "                     \
  " WHERE dep.refclassid = 'pg_catalog." refclass "'::pg_catalog.regclass AND dep.refobjid = " \
  refoid ") x)"

// Families: name, comment, owner, access method, loose members.
constexpr char kOperatorFamiliesSql[] =
    PGARK_OBJECT_COLUMNS("pg_opfamily", "f.oid", "n.nspname", "f.opfname", "f.opfowner",
                         "NULL::pg_catalog.aclitem[]")
    "pg_catalog.quote_ident(am.amname) AS identity, "
    PGARK_OPFAMILY_ITEMS("pg_opfamily", "f.oid") " AS definition FROM pg_catalog.pg_opfamily f JOIN pg_catalog.pg_am am ON am.oid = f.opfmethod "
    "JOIN pg_catalog.pg_namespace n ON n.oid = f.opfnamespace WHERE " PGARK_USER_SCHEMA("n")
    "AND " PGARK_NOT_EXTENSION_MEMBER("pg_opfamily", "f.oid") "ORDER BY n.nspname, f.opfname";

// Classes: name, comment, owner, access method, then the rest of CREATE OPERATOR CLASS (a
// class without members says STORAGE, as it must say something).
constexpr char kOperatorClassesSql[] =
    PGARK_OBJECT_COLUMNS("pg_opclass", "c.oid", "n.nspname", "c.opcname", "c.opcowner",
                         "NULL::pg_catalog.aclitem[]")
    "pg_catalog.quote_ident(am.amname) AS identity, "
    "CASE WHEN c.opcdefault THEN 'DEFAULT ' ELSE '' END || 'FOR TYPE ' || "
    "pg_catalog.format_type(c.opcintype, NULL) || ' USING ' || pg_catalog.quote_ident(am.amname) "
    "|| ' FAMILY ' || pg_catalog.quote_ident(fn.nspname) || '.' || "
    "pg_catalog.quote_ident(f.opfname) || ' AS ' || COALESCE(NULLIF("
    "pg_catalog.concat_ws(', ', " PGARK_OPFAMILY_ITEMS("pg_opclass", "c.oid") ", "
    "'STORAGE ' || pg_catalog.format_type(NULLIF(c.opckeytype, 0), NULL)), ''), "
    "'STORAGE ' || pg_catalog.format_type(c.opcintype, NULL)) AS definition "
    "FROM pg_catalog.pg_opclass c JOIN pg_catalog.pg_am am ON am.oid = c.opcmethod "
    "JOIN pg_catalog.pg_opfamily f ON f.oid = c.opcfamily "
    "JOIN pg_catalog.pg_namespace fn ON fn.oid = f.opfnamespace "
    "JOIN pg_catalog.pg_namespace n ON n.oid = c.opcnamespace WHERE " PGARK_USER_SCHEMA("n")
    "AND " PGARK_NOT_EXTENSION_MEMBER("pg_opclass", "c.oid") "ORDER BY n.nspname, c.opcname";
#undef PGARK_OPFAMILY_ITEMS

// User casts: "(source AS target)" and the rest of CREATE CAST.
constexpr char kCastsSql[] =
    "SELECT c.oid, pg_catalog.format('(%s AS %s)', pg_catalog.format_type(c.castsource, NULL), "
    "pg_catalog.format_type(c.casttarget, NULL)) AS name, "
    PGARK_COMMENT("pg_cast", "c.oid") " AS comment, "
    "CASE c.castmethod WHEN 'f' THEN 'WITH FUNCTION ' || c.castfunc::pg_catalog.regprocedure "
    "WHEN 'i' THEN 'WITH INOUT' ELSE 'WITHOUT FUNCTION' END || "
    "CASE c.castcontext WHEN 'a' THEN ' AS ASSIGNMENT' WHEN 'i' THEN ' AS IMPLICIT' ELSE '' END "
    "  AS definition FROM pg_catalog.pg_cast c WHERE c.oid >= 16384 AND "
    PGARK_NOT_EXTENSION_MEMBER("pg_cast", "c.oid") "ORDER BY 2";

}  // namespace

absl::Status Catalog::AddOperatorsAndCasts(std::vector<SchemaObjectDef>& out) {
  // Operators, families and classes: the ObjectAt columns, then identity and definition.
  const struct {
    const char* sql;
    uint32_t catalog;
    MemberKind kind;
  } kinds[] = {{kOperatorsSql, kPgOperator, MemberKind::kOperator},
               {kOperatorFamiliesSql, kPgOpfamily, MemberKind::kOperatorFamily},
               {kOperatorClassesSql, kPgOpclass, MemberKind::kOperatorClass}};
  for (const auto& k : kinds) {
    PGARK_ASSIGN_OR_RETURN(PgResult r, conn_.Exec(k.sql));
    for (PgRow row : Rows(r)) {
      SchemaObjectDef o = ObjectOf(row, k.catalog, k.kind);
      o.identity = row.String("identity");
      o.definition = row.String("definition");
      out.push_back(std::move(o));
    }
  }
  PGARK_ASSIGN_OR_RETURN(PgResult casts, conn_.Exec(kCastsSql));
  for (PgRow row : Rows(casts)) {
    SchemaObjectDef o;
    o.id = {kPgCast, row.Oid("oid")};
    o.kind = MemberKind::kCast;
    o.name = row.String("name");
    o.comment = row.String("comment");
    o.definition = row.String("definition");
    out.push_back(std::move(o));
  }
  return absl::OkStatus();
}

}  // namespace pgark::engine
