// Catalog::AddOperatorsAndCasts: operators, operator families and classes, and casts, each as
// the SchemaObjectDef its CREATE is written from.
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "engine/catalog/catalog.h"
#include "engine/catalog/catalog_internal.h"
#include "formats/status_macros.h"

namespace pgark::engine {
namespace {

// User operators, and the "(left, right)" identity ALTER and COMMENT take (NONE for a prefix
// operator's left side).
#define PGARK_OPERATOR_REF(column, alias)                                                     \
  "(SELECT pg_catalog.quote_ident(rn.nspname) || '.' || r.oprname "                           \
  "FROM pg_catalog.pg_operator r JOIN pg_catalog.pg_namespace rn ON rn.oid = "                \
  "r.oprnamespace WHERE r.oid = o." column ") AS " alias ", "
constexpr char kOperatorsSql[] =
    PGARK_OBJECT_COLUMNS("pg_operator", "o.oid", "n.nspname", "o.oprname", "o.oprowner",
                         "NULL::pg_catalog.aclitem[]")
    "pg_catalog.format('%s, %s', CASE WHEN o.oprleft = 0 THEN 'NONE' "
    "ELSE pg_catalog.format_type(o.oprleft, NULL) END, pg_catalog.format_type(o.oprright, NULL)) "
    "  AS identity, o.oprcode::pg_catalog.regproc::text AS function, "
    "CASE WHEN o.oprleft <> 0 THEN pg_catalog.format_type(o.oprleft, NULL) END AS left_type, "
    "pg_catalog.format_type(o.oprright, NULL) AS right_type, "
    PGARK_OPERATOR_REF("oprcom", "commutator") PGARK_OPERATOR_REF("oprnegate", "negator")
    "NULLIF(o.oprrest, 0)::pg_catalog.regproc::text AS restrict_estimator, "
    "NULLIF(o.oprjoin, 0)::pg_catalog.regproc::text AS join_estimator, "
    "o.oprcanhash AS hashes, o.oprcanmerge AS merges "
    "FROM pg_catalog.pg_operator o JOIN pg_catalog.pg_namespace n ON n.oid = o.oprnamespace "
    "WHERE o.oid >= 16384 AND o.oprcode <> 0 AND " PGARK_USER_SCHEMA("n")
    "AND " PGARK_NOT_EXTENSION_MEMBER("pg_operator", "o.oid")
    "ORDER BY n.nspname, o.oprname, o.oid";
#undef PGARK_OPERATOR_REF

// Operator families and classes. PGARK_OPFAMILY_ITEMS lists the members that belong to the
// object `refoid` of catalog `refclass` (a class's own, or a family's loose ones) as CREATE
// OPERATOR CLASS and ALTER OPERATOR FAMILY ... ADD take them, with their types spelled out.
#define PGARK_OPFAMILY_ITEMS(refclass, refoid)                                                  \
  "(SELECT pg_catalog.string_agg(x.item, pg_catalog.chr(1) ORDER BY x.kind, x.num, x.item) "  \
  "FROM ("                                                                                     \
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
    PGARK_OPFAMILY_ITEMS("pg_opfamily", "f.oid") " AS members "
    "FROM pg_catalog.pg_opfamily f JOIN pg_catalog.pg_am am ON am.oid = f.opfmethod "
    "JOIN pg_catalog.pg_namespace n ON n.oid = f.opfnamespace WHERE " PGARK_USER_SCHEMA("n")
    "AND " PGARK_NOT_EXTENSION_MEMBER("pg_opfamily", "f.oid") "ORDER BY n.nspname, f.opfname";

// Classes: name, comment, owner, access method, default or not, type, family, members and
// stored key type.
constexpr char kOperatorClassesSql[] =
    PGARK_OBJECT_COLUMNS("pg_opclass", "c.oid", "n.nspname", "c.opcname", "c.opcowner",
                         "NULL::pg_catalog.aclitem[]")
    "pg_catalog.quote_ident(am.amname) AS identity, c.opcdefault AS is_default, "
    "pg_catalog.format_type(c.opcintype, NULL) AS for_type, "
    "pg_catalog.quote_ident(fn.nspname) || '.' || pg_catalog.quote_ident(f.opfname) AS family, "
    PGARK_OPFAMILY_ITEMS("pg_opclass", "c.oid") " AS members, "
    "pg_catalog.format_type(NULLIF(c.opckeytype, 0), NULL) AS storage "
    "FROM pg_catalog.pg_opclass c JOIN pg_catalog.pg_am am ON am.oid = c.opcmethod "
    "JOIN pg_catalog.pg_opfamily f ON f.oid = c.opcfamily "
    "JOIN pg_catalog.pg_namespace fn ON fn.oid = f.opfnamespace "
    "JOIN pg_catalog.pg_namespace n ON n.oid = c.opcnamespace WHERE " PGARK_USER_SCHEMA("n")
    "AND " PGARK_NOT_EXTENSION_MEMBER("pg_opclass", "c.oid") "ORDER BY n.nspname, c.opcname";
#undef PGARK_OPFAMILY_ITEMS

// User casts: "(source AS target)", method, function and context.
constexpr char kCastsSql[] =
    "SELECT c.oid, pg_catalog.format('(%s AS %s)', pg_catalog.format_type(c.castsource, NULL), "
    "pg_catalog.format_type(c.casttarget, NULL)) AS name, "
    PGARK_COMMENT("pg_cast", "c.oid") " AS comment, "
    "pg_catalog.format_type(c.castsource, NULL) AS source, "
    "pg_catalog.format_type(c.casttarget, NULL) AS target, c.castmethod AS method, "
    "CASE WHEN c.castmethod = 'f' THEN c.castfunc::pg_catalog.regprocedure::text END "
    "  AS function, c.castcontext AS context "
    "FROM pg_catalog.pg_cast c WHERE c.oid >= 16384 AND "
    PGARK_NOT_EXTENSION_MEMBER("pg_cast", "c.oid") "ORDER BY 2";

// A chr(1)-separated member list, or none.
std::vector<std::string> Members(const PgRow& row) {
  if (row.IsNull("members")) return {};
  return absl::StrSplit(row.Text("members"), '\x01');
}

}  // namespace

absl::Status Catalog::AddOperatorsAndCasts(std::vector<SchemaObjectDef>& out) {
  PGARK_ASSIGN_OR_RETURN(PgResult ops, conn_.Exec(kOperatorsSql));
  for (PgRow row : Rows(ops)) {
    SchemaObjectDef o = ObjectOf(row, kPgOperator, MemberKind::kOperator);
    o.identity = row.String("identity");
    o.facts = OperatorFacts{row.String("function"), row.String("left_type"),
                            row.String("right_type"), row.String("commutator"),
                            row.String("negator"), row.String("restrict_estimator"),
                            row.String("join_estimator"), row.Bool("hashes"), row.Bool("merges")};
    out.push_back(std::move(o));
  }
  PGARK_ASSIGN_OR_RETURN(PgResult families, conn_.Exec(kOperatorFamiliesSql));
  for (PgRow row : Rows(families)) {
    SchemaObjectDef o = ObjectOf(row, kPgOpfamily, MemberKind::kOperatorFamily);
    o.identity = row.String("identity");
    o.facts = OperatorFamilyFacts{Members(row)};
    out.push_back(std::move(o));
  }
  PGARK_ASSIGN_OR_RETURN(PgResult classes, conn_.Exec(kOperatorClassesSql));
  for (PgRow row : Rows(classes)) {
    SchemaObjectDef o = ObjectOf(row, kPgOpclass, MemberKind::kOperatorClass);
    o.identity = row.String("identity");
    o.facts = OperatorClassFacts{row.Bool("is_default"), row.String("for_type"),
                                 row.String("family"), Members(row), row.String("storage")};
    out.push_back(std::move(o));
  }
  PGARK_ASSIGN_OR_RETURN(PgResult casts, conn_.Exec(kCastsSql));
  for (PgRow row : Rows(casts)) {
    SchemaObjectDef o;
    o.id = {kPgCast, row.Oid("oid")};
    o.kind = MemberKind::kCast;
    o.name = row.String("name");
    o.comment = row.String("comment");
    o.facts = CastFacts{row.String("source"), row.String("target"), row.Char("method"),
                        row.String("function"), row.Char("context")};
    out.push_back(std::move(o));
  }
  return absl::OkStatus();
}

}  // namespace pgark::engine
