// Catalog::DescribeTables: tables with their columns, constraints, indexes, triggers, rules,
// statistics objects, policies, comments, grants and owned sequences. Each part is one query
// for all the tables at once (`= ANY($1)`), read by column name and handed to its table by
// the "relid" column, so describing a database costs the same dozen queries whatever its size.
#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "engine/catalog/catalog.h"
#include "engine/catalog/catalog_internal.h"
#include "formats/status_macros.h"

namespace pgark::engine {
namespace {

// The tables' own facts.
constexpr char kTableSql[] =
    "SELECT c.oid AS relid, c.relpersistence AS persistence, "
    "pg_catalog.array_to_string(c.reloptions, ', ') AS reloptions, "
    "(SELECT pg_catalog.string_agg('toast.' || o.option, ', ' ORDER BY o.n) "
    " FROM pg_catalog.pg_class tc, pg_catalog.unnest(tc.reloptions) WITH ORDINALITY o(option, n) "
    " WHERE tc.oid = c.reltoastrelid) AS toast_reloptions, "
    "CASE WHEN c.reloftype <> 0 THEN pg_catalog.format_type(c.reloftype, NULL) END AS of_type, "
    "(SELECT pg_catalog.quote_ident(am.amname) FROM pg_catalog.pg_am am "
    " WHERE am.oid = c.relam AND am.amname <> 'heap' AND c.relkind IN ('r', 'm', 'p')) "
    "  AS access_method, "
    PGARK_TABLESPACE_NAME("c.reltablespace") " AS tablespace, "
    "CASE WHEN c.relkind = 'p' THEN pg_catalog.pg_get_partkeydef(c.oid) END AS partition_key, "
    "CASE WHEN c.relispartition THEN (SELECT pg_catalog.quote_ident(pn.nspname) || '.' || "
    "  pg_catalog.quote_ident(p.relname) FROM pg_catalog.pg_inherits i "
    "  JOIN pg_catalog.pg_class p ON p.oid = i.inhparent "
    "  JOIN pg_catalog.pg_namespace pn ON pn.oid = p.relnamespace WHERE i.inhrelid = c.oid) END "
    "  AS partition_of, "
    "CASE WHEN c.relispartition THEN pg_catalog.pg_get_expr(c.relpartbound, c.oid) END "
    "  AS partition_bound, "
    "CASE WHEN NOT c.relispartition THEN (SELECT pg_catalog.string_agg("
    "  pg_catalog.quote_ident(pn.nspname) || '.' || pg_catalog.quote_ident(p.relname), "
    "  pg_catalog.chr(1) "
    "  ORDER BY i.inhseqno) FROM pg_catalog.pg_inherits i "
    "  JOIN pg_catalog.pg_class p ON p.oid = i.inhparent "
    "  JOIN pg_catalog.pg_namespace pn ON pn.oid = p.relnamespace WHERE i.inhrelid = c.oid) END "
    "  AS inherits, "
    "c.relrowsecurity AS row_security, c.relforcerowsecurity AS force_row_security, "
    "CASE WHEN c.relispartition THEN (SELECT i.inhparent FROM pg_catalog.pg_inherits i "
    "  WHERE i.inhrelid = c.oid) END AS partition_parent, "
    PGARK_PRIVILEGES("c.relowner", "c.relacl") ", "
    "(SELECT pg_catalog.quote_ident(s.srvname) FROM pg_catalog.pg_foreign_table ft "
    "  JOIN pg_catalog.pg_foreign_server s ON s.oid = ft.ftserver WHERE ft.ftrelid = c.oid) "
    "  AS foreign_server, "
    "(SELECT " PGARK_OPTIONS("ft.ftoptions") " FROM pg_catalog.pg_foreign_table ft "
    "  WHERE ft.ftrelid = c.oid) AS foreign_options, c.relreplident AS replica_identity, "
    "(SELECT pg_catalog.quote_ident(ic.relname) FROM pg_catalog.pg_index i "
    "  JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid "
    "  WHERE i.indrelid = c.oid AND i.indisreplident) AS replica_identity_index, "
    "(SELECT pg_catalog.quote_ident(ic.relname) FROM pg_catalog.pg_index i "
    "  JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid "
    "  WHERE i.indrelid = c.oid AND i.indisclustered) AS cluster_index "
    "FROM pg_catalog.pg_class c WHERE c.oid = ANY ($1::pg_catalog.oid[])";

// kColumnsSql, the compression method ('p', 'l'; empty: the default) from PostgreSQL 14 (else
// NULL), then kColumnsFrom.
constexpr char kColumnsSql[] =
    "SELECT a.attrelid AS relid, a.attname AS name, "
    "pg_catalog.format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS not_null, "
    "pg_catalog.pg_get_expr(d.adbin, d.adrelid) AS default_expr, a.attidentity AS identity, "
    "a.attgenerated AS generated, "
    "CASE WHEN a.attcollation <> t.typcollation AND a.attcollation <> 0 THEN "
    "  (SELECT pg_catalog.quote_ident(cn.nspname) || '.' || pg_catalog.quote_ident(co.collname) "
    "   FROM pg_catalog.pg_collation co JOIN pg_catalog.pg_namespace cn "
    "   ON cn.oid = co.collnamespace WHERE co.oid = a.attcollation) END AS collation, "
    "a.attnum AS attnum, a.attislocal AS local, a.attinhcount > 0 AND EXISTS (SELECT 1 "
    "  FROM pg_catalog.pg_inherits i JOIN pg_catalog.pg_attribute pa ON pa.attrelid = i.inhparent "
    "  AND pa.attname = a.attname WHERE i.inhrelid = a.attrelid AND pa.attgenerated <> '') "
    "  AS inherited, "
    "pg_catalog.current_setting('server_version_num')::int >= 170000 "
    "AND a.attidentity <> '' AND EXISTS (SELECT 1 FROM pg_catalog.pg_inherits i "
    "  JOIN pg_catalog.pg_attribute pa ON pa.attrelid = i.inhparent AND pa.attname = a.attname "
    "  WHERE i.inhrelid = a.attrelid AND pa.attidentity <> '') AS identity_inherited, "
    PGARK_OPTIONS("a.attfdwoptions") " AS fdw_options, "
    "(SELECT pg_catalog.quote_ident(tn.nspname) FROM pg_catalog.pg_namespace tn "
    " WHERE tn.oid = t.typnamespace) || '.' || pg_catalog.quote_ident(t.typname) "
    "  AS unmodified_type, "
    PGARK_COLUMN_SETTINGS;
// Then, from PostgreSQL 18, the column's NOT NULL constraint (pg_constraint contype 'n'): its
// name, whether it is validated and NO INHERIT; before 18, NULL, true and false.
const char* NotNullConstraintSql(int server_version_num) {
  if (server_version_num < 180000) {
    return ", NULL AS not_null_name, true AS not_null_validated, false AS not_null_no_inherit";
  }
#define PGARK_NOT_NULL(column)                                                           \
  "(SELECT nn." column " FROM pg_catalog.pg_constraint nn WHERE nn.conrelid = a.attrelid " \
  "AND nn.contype = 'n' AND nn.conkey[1] = a.attnum)"
  return ", " PGARK_NOT_NULL("conname") " AS not_null_name, COALESCE(" PGARK_NOT_NULL(
      "convalidated") ", true) AS not_null_validated, COALESCE(" PGARK_NOT_NULL("connoinherit")
      ", false) AS not_null_no_inherit";
#undef PGARK_NOT_NULL
}

constexpr char kColumnsFrom[] =
    " FROM pg_catalog.pg_attribute a "
    "JOIN pg_catalog.pg_type t ON t.oid = a.atttypid "
    "LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
    "WHERE a.attrelid = ANY ($1::pg_catalog.oid[]) AND a.attnum > 0 AND NOT a.attisdropped "
    "ORDER BY a.attrelid, a.attnum";

// The primary key's columns in key order (a partition's own index included).
// Each table's key: its primary key, else its first unique index without a predicate or an
// expression, checked immediately, on NOT NULL columns only (INCLUDE columns left out).
constexpr char kKeyColumnsSql[] =
    "SELECT i.indrelid AS relid, a.attname AS name FROM ("
    " SELECT DISTINCT ON (x.indrelid) x.indrelid, x.indkey, x.indnkeyatts"
    " FROM pg_catalog.pg_index x"
    " WHERE x.indrelid = ANY ($1::pg_catalog.oid[]) AND x.indisunique AND x.indisvalid"
    " AND x.indimmediate AND x.indpred IS NULL AND x.indexprs IS NULL"
    " AND NOT EXISTS (SELECT FROM pg_catalog.pg_attribute n WHERE n.attrelid = x.indrelid"
    "  AND n.attnum = ANY (x.indkey::pg_catalog.int2[]) AND NOT n.attnotnull)"
    " ORDER BY x.indrelid, x.indisprimary DESC, x.indexrelid) i "
    "CROSS JOIN LATERAL pg_catalog.unnest(i.indkey::pg_catalog.int2[]) WITH ORDINALITY k(n, ord) "
    "JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.n "
    "WHERE k.ord <= i.indnkeyatts ORDER BY i.indrelid, k.ord";

// The partitioned table's index (qualified, quoted) that the index `oid` of a partition is
// attached to, or NULL.
#define PGARK_INDEX_PARENT(oid)                                                             \
  "(SELECT pg_catalog.quote_ident(pn.nspname) || '.' || pg_catalog.quote_ident(pc.relname) " \
  " FROM pg_catalog.pg_inherits h JOIN pg_catalog.pg_class pc ON pc.oid = h.inhparent "      \
  " JOIN pg_catalog.pg_namespace pn ON pn.oid = pc.relnamespace "                            \
  " WHERE h.inhrelid = " oid ")"

// Local constraints only (inherited ones and validated NOT NULL ones are dumped elsewhere or
// implied; a NOT NULL NOT VALID, PostgreSQL 18+, is added after the data), except a
// partition's CHECK constraints: it is created on its own and then attached, which requires
// them (and marks them inherited again). A partition's own key may back an index of its
// parent's (attached to it).
constexpr char kConstraintsSql[] =
    "SELECT conrelid AS relid, oid, conname AS name, contype AS type, "
    "pg_catalog.pg_get_constraintdef(oid) AS definition, convalidated AS validated, "
    "conindid AS index_oid, " PGARK_INDEX_PARENT("conindid") " AS index_parent, "
    PGARK_TABLESPACE_NAME("(SELECT ic.reltablespace FROM pg_catalog.pg_class ic "
                          "WHERE ic.oid = conindid)") " AS index_tablespace "
    "FROM pg_catalog.pg_constraint WHERE conrelid = ANY ($1::pg_catalog.oid[]) "
    "AND (contype IN ('p', 'u', 'c', 'f', 'x') OR (contype = 'n' AND NOT convalidated)) "
    "AND (conislocal OR (contype = 'c' AND (SELECT r.relispartition FROM pg_catalog.pg_class r "
    "WHERE r.oid = conrelid))) AND conparentid = 0 "
    "ORDER BY conrelid, CASE contype WHEN 'p' THEN 0 WHEN 'u' THEN 1 WHEN 'x' THEN 2 "
    "WHEN 'c' THEN 3 ELSE 4 END, conname";

// Indexes that no constraint owns (those come with their constraint).
constexpr char kIndexesSql[] =
    "SELECT i.indrelid AS relid, i.indexrelid AS oid, c.relname AS name, "
    "pg_catalog.pg_get_indexdef(i.indexrelid) AS definition, "
    PGARK_INDEX_PARENT("i.indexrelid") " AS parent, " PGARK_INDEX_STATISTICS_TARGETS ", "
    PGARK_TABLESPACE_NAME("c.reltablespace") " AS tablespace "
    "FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid "
    "WHERE i.indrelid = ANY ($1::pg_catalog.oid[]) AND NOT EXISTS (SELECT 1 FROM "
    "pg_catalog.pg_constraint k WHERE k.conindid = i.indexrelid AND k.contype IN ('p','u','x')) "
    "ORDER BY i.indrelid, c.relname";

// User triggers; on PostgreSQL 13+ also not the clones a partition inherits from its parent.
constexpr char kTriggersSql[] =
    "SELECT t.tgrelid AS relid, t.oid, t.tgname AS name, "
    "pg_catalog.pg_get_triggerdef(t.oid) AS definition, t.tgenabled AS enabled, ";
// Then whether it is a clone, and which triggers: on PostgreSQL 13+ not the clones a partition
// has of its parent's triggers, but those whose firing state is the partition's own.
constexpr char kTriggersSince13[] =
    "t.tgparentid <> 0 AS clone FROM pg_catalog.pg_trigger t "
    "WHERE t.tgrelid = ANY ($1::pg_catalog.oid[]) AND NOT t.tgisinternal AND (t.tgparentid = 0 "
    "OR t.tgenabled <> (SELECT p.tgenabled FROM pg_catalog.pg_trigger p WHERE p.oid = t.tgparentid)) ";
constexpr char kTriggersBefore13[] =
    "false AS clone FROM pg_catalog.pg_trigger t "
    "WHERE t.tgrelid = ANY ($1::pg_catalog.oid[]) AND NOT t.tgisinternal ";

constexpr char kColumnPrivilegesSql[] =
    "SELECT a.attrelid AS relid, a.attname AS name, " PGARK_PRIVILEGES("0", "a.attacl")
    " FROM pg_catalog.pg_attribute a WHERE a.attrelid = ANY ($1::pg_catalog.oid[]) "
    "AND a.attnum > 0 AND NOT a.attisdropped AND a.attacl IS NOT NULL "
    "ORDER BY a.attrelid, a.attnum";

constexpr char kRulesSql[] =
    "SELECT r.ev_class AS relid, r.oid, r.rulename AS name, "
    "pg_catalog.pg_get_ruledef(r.oid) AS definition, r.ev_enabled AS enabled "
    "FROM pg_catalog.pg_rewrite r WHERE r.ev_class = ANY ($1::pg_catalog.oid[]) "
    "AND r.rulename <> '_RETURN' ORDER BY r.ev_class, r.rulename";

constexpr char kPoliciesSql[] =
    "SELECT p.polrelid AS relid, p.oid, p.polname AS name, p.polcmd AS command, "
    "p.polpermissive AS permissive, "
    "CASE WHEN p.polroles = '{0}' THEN 'PUBLIC' ELSE (SELECT pg_catalog.string_agg("
    "  pg_catalog.quote_ident(r.rolname), ', ' ORDER BY r.rolname) FROM pg_catalog.pg_roles r "
    "  WHERE r.oid = ANY (p.polroles)) END AS roles, "
    "pg_catalog.pg_get_expr(p.polqual, p.polrelid) AS using_expr, "
    "pg_catalog.pg_get_expr(p.polwithcheck, p.polrelid) AS check_expr "
    "FROM pg_catalog.pg_policy p WHERE p.polrelid = ANY ($1::pg_catalog.oid[]) "
    "ORDER BY p.polrelid, p.polname";

// Comments on the tables, their columns, constraints, indexes, triggers, rules and policies
// (their statistics objects' come with them).
constexpr char kTableCommentsSql[] =
    "WITH parts(relid, classoid, objoid) AS ("
    " SELECT c.oid, 'pg_catalog.pg_class'::pg_catalog.regclass::pg_catalog.oid, c.oid "
    "  FROM pg_catalog.pg_class c "
    "  WHERE c.oid = ANY ($1::pg_catalog.oid[]) "
    " UNION ALL SELECT indrelid, 'pg_catalog.pg_class'::pg_catalog.regclass, indexrelid "
    "  FROM pg_catalog.pg_index WHERE indrelid = ANY ($1::pg_catalog.oid[]) "
    " UNION ALL SELECT conrelid, 'pg_catalog.pg_constraint'::pg_catalog.regclass, oid "
    "  FROM pg_catalog.pg_constraint WHERE conrelid = ANY ($1::pg_catalog.oid[]) "
    " UNION ALL SELECT tgrelid, 'pg_catalog.pg_trigger'::pg_catalog.regclass, oid "
    "  FROM pg_catalog.pg_trigger WHERE tgrelid = ANY ($1::pg_catalog.oid[]) "
    " UNION ALL SELECT ev_class, 'pg_catalog.pg_rewrite'::pg_catalog.regclass, oid "
    "  FROM pg_catalog.pg_rewrite WHERE ev_class = ANY ($1::pg_catalog.oid[]) "
    " UNION ALL SELECT polrelid, 'pg_catalog.pg_policy'::pg_catalog.regclass, oid "
    "  FROM pg_catalog.pg_policy WHERE polrelid = ANY ($1::pg_catalog.oid[])) "
    "SELECT p.relid, d.classoid, d.objoid, d.objsubid, d.description "
    "FROM parts p JOIN pg_catalog.pg_description d "
    "ON d.classoid = p.classoid AND d.objoid = p.objoid";

// Sequences owned by a column of the table: 'a' (serial, OWNED BY) or 'i' (identity).
constexpr char kSequencesSql[] =
    "SELECT d.refobjid AS relid, " PGARK_SEQUENCE_COLUMNS("n", "s", "q") ", "
    "a.attname AS owned_by_column, d.deptype = 'i' AS identity "
    "FROM pg_catalog.pg_depend d "
    "JOIN pg_catalog.pg_class s ON s.oid = d.objid AND s.relkind = 'S' "
    "JOIN pg_catalog.pg_namespace n ON n.oid = s.relnamespace "
    "JOIN pg_catalog.pg_sequence q ON q.seqrelid = s.oid "
    "JOIN pg_catalog.pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid "
    "WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass "
    "AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass "
    "AND d.refobjid = ANY ($1::pg_catalog.oid[]) AND d.deptype IN ('a', 'i') "
    "ORDER BY d.refobjid, s.relname";

// kStatisticsSql, the statistics target (settable from PostgreSQL 13, NULL for the default
// from 17), then kStatisticsFrom and a condition.
constexpr char kStatisticsSql[] =
    "SELECT s.oid, n.nspname AS schema_name, s.stxname AS name, "
    "pg_catalog.pg_get_statisticsobjdef(s.oid) AS definition, "
    PGARK_COMMENT("pg_statistic_ext", "s.oid") " AS comment, s.stxrelid AS relid, ";
constexpr char kStatisticsFrom[] =
    " AS target FROM pg_catalog.pg_statistic_ext s "
    "JOIN pg_catalog.pg_namespace n ON n.oid = s.stxnamespace WHERE ";

}  // namespace

// The tables being described, by OID, and the query parameter that names them all.
class TableIndex {
 public:
  explicit TableIndex(std::vector<TableDef>& tables) : tables_(tables) {
    std::vector<std::string> oids;
    for (size_t i = 0; i < tables.size(); ++i) {
      index_[tables[i].ref.oid] = i;
      oids.push_back(absl::StrCat(tables[i].ref.oid));
    }
    param_ = absl::StrCat("{", absl::StrJoin(oids, ","), "}");
  }
  std::vector<std::string> params() const { return {param_}; }
  // The table with this OID, or null.
  TableDef* Of(uint32_t oid) const {
    auto it = index_.find(oid);
    return it == index_.end() ? nullptr : &tables_[it->second];
  }
  // The table a row's "relid" names, or null.
  TableDef* Of(const PgRow& row) const { return Of(row.Oid("relid")); }

 private:
  std::vector<TableDef>& tables_;
  std::map<uint32_t, size_t> index_;
  std::string param_;
};

namespace {

void ReadTable(const PgRow& row, TableDef& def) {
  def.unlogged = row.Text("persistence") == "u";
  def.reloptions = row.String("reloptions");
  def.toast_reloptions = row.String("toast_reloptions");
  def.of_type = row.String("of_type");
  def.access_method = row.String("access_method");
  def.tablespace = row.String("tablespace");
  def.partition_key = row.String("partition_key");
  def.partition_of = row.String("partition_of");
  def.partition_bound = row.String("partition_bound");
  if (!row.IsNull("inherits")) def.inherits = absl::StrSplit(row.Text("inherits"), '\x01');
  def.row_security = row.Bool("row_security");
  def.force_row_security = row.Bool("force_row_security");
  def.partition_parent_oid = row.Oid("partition_parent");
  def.privileges = PrivilegesOf(row);
  def.foreign_server = row.String("foreign_server");
  def.foreign_options = row.String("foreign_options");
  def.replica_identity = row.Char("replica_identity");
  def.replica_identity_index = row.String("replica_identity_index");
  def.cluster_index = row.String("cluster_index");
}

ColumnDef ReadColumn(const PgRow& row) {
  ColumnDef c;
  c.name = row.String("name");
  c.type = row.String("type");
  // A NOT NULL constraint NOT VALID (18+) is added after the data, as a constraint of its own.
  c.not_null = row.Bool("not_null") && row.Bool("not_null_validated");
  c.not_null_name = row.String("not_null_name");
  c.not_null_no_inherit = row.Bool("not_null_no_inherit");
  c.default_expr = row.String("default_expr");
  c.identity = row.Char("identity");
  c.generated = row.Char("generated");
  c.collation = row.String("collation");
  c.attnum = static_cast<int>(row.Int("attnum"));
  c.local = row.Bool("local");
  c.inherited = row.Bool("inherited");
  c.identity_inherited = row.Bool("identity_inherited");
  c.fdw_options = row.String("fdw_options");
  c.unmodified_type = row.String("unmodified_type");
  ReadColumnSettings(row, c);
  return c;
}

// Before PostgreSQL 17, a grant of every privilege a relation had (arwdDxt) was a grant of
// ALL, as its owner's default is: written as ALL, a newer server gives the grantee its newer
// privileges too (17's MAINTAIN), as it would have had them by default there.
void WidenFullGrants(Privileges& privileges, int server_version_num) {
  if (server_version_num >= 170000) return;
  static const std::vector<std::string> kAll = {"DELETE", "INSERT",   "REFERENCES", "SELECT",
                                                "TRIGGER", "TRUNCATE", "UPDATE"};
  for (Grant& g : privileges.grants) {
    if (g.privileges == kAll) g.privileges = {"ALL"};
  }
}

// A key on a generated column is not in the COPY rows: such a table is diffed by whole rows.
void DropKeyOnGeneratedColumns(TableDef& def) {
  const std::vector<std::string> copied = def.CopyColumns();
  for (const std::string& k : def.key_columns) {
    if (std::find(copied.begin(), copied.end(), k) == copied.end()) {
      def.key_columns.clear();
      return;
    }
  }
}

}  // namespace

absl::StatusOr<std::vector<StatisticsDef>> Catalog::ListStatistics(
    absl::string_view condition, const std::vector<std::string>& params) {
  PGARK_ASSIGN_OR_RETURN(
      PgResult r,
      conn_.ExecParams(absl::StrCat(kStatisticsSql,
                                    conn_.server_version_num() >= 130000
                                        ? "COALESCE(s.stxstattarget, -1)"
                                        : "-1",
                                    kStatisticsFrom, condition,
                                    " ORDER BY n.nspname, s.stxname"),
                       params));
  std::vector<StatisticsDef> out;
  for (PgRow row : Rows(r)) {
    out.push_back({row.Oid("oid"), row.String("schema_name"), row.String("name"),
                   row.String("definition"), static_cast<int>(row.Int("target")),
                   row.String("comment"), row.Oid("relid")});
  }
  return out;
}

absl::Status Catalog::DescribeTableParts(const TableIndex& index) {
  const std::vector<std::string> params = index.params();
  const int v = conn_.server_version_num();
  PGARK_ASSIGN_OR_RETURN(PgResult cols,
                         conn_.ExecParams(absl::StrCat(kColumnsSql, ColumnCompressionSql(v),
                                                       " AS compression",
                                                       NotNullConstraintSql(v), kColumnsFrom),
                                          params));
  for (PgRow row : Rows(cols)) {
    if (TableDef* t = index.Of(row)) t->columns.push_back(ReadColumn(row));
  }
  PGARK_ASSIGN_OR_RETURN(PgResult cons, conn_.ExecParams(kConstraintsSql, params));
  for (PgRow row : Rows(cons)) {
    if (TableDef* t = index.Of(row)) {
      t->constraints.push_back({row.Oid("oid"), row.String("name"), row.Char("type"),
                                row.String("definition"), row.Bool("validated"),
                                row.Oid("index_oid"), row.String("index_parent"),
                                row.String("index_tablespace")});
    }
  }
  PGARK_ASSIGN_OR_RETURN(PgResult keys, conn_.ExecParams(kKeyColumnsSql, params));
  for (PgRow row : Rows(keys)) {
    if (TableDef* t = index.Of(row)) t->key_columns.push_back(row.String("name"));
  }
  PGARK_ASSIGN_OR_RETURN(PgResult idx, conn_.ExecParams(kIndexesSql, params));
  for (PgRow row : Rows(idx)) {
    if (TableDef* t = index.Of(row)) {
      t->indexes.push_back(IndexOf(row));
    }
  }
  PGARK_ASSIGN_OR_RETURN(
      PgResult trg,
      conn_.ExecParams(absl::StrCat(kTriggersSql, v >= 130000 ? kTriggersSince13 : kTriggersBefore13,
                                    "ORDER BY t.tgrelid, t.tgname"),
                       params));
  for (PgRow row : Rows(trg)) {
    if (TableDef* t = index.Of(row)) {
      t->triggers.push_back({row.Oid("oid"), row.String("name"), row.String("definition"),
                             row.Char("enabled"), row.Bool("clone")});
    }
  }
  return DescribeTableExtras(index);
}

absl::Status Catalog::DescribeTableExtras(const TableIndex& index) {
  const std::vector<std::string> params = index.params();
  PGARK_ASSIGN_OR_RETURN(PgResult grants, conn_.ExecParams(kColumnPrivilegesSql, params));
  for (PgRow row : Rows(grants)) {
    if (TableDef* t = index.Of(row)) {
      t->column_privileges.emplace_back(row.String("name"), PrivilegesOf(row));
    }
  }
  PGARK_ASSIGN_OR_RETURN(PgResult rules, conn_.ExecParams(kRulesSql, params));
  for (PgRow row : Rows(rules)) {
    if (TableDef* t = index.Of(row)) {
      t->rules.push_back({row.Oid("oid"), row.String("name"),
                          std::string(absl::StripSuffix(row.Text("definition"), ";")),
                          row.Char("enabled")});
    }
  }
  PGARK_ASSIGN_OR_RETURN(std::vector<StatisticsDef> statistics,
                         ListStatistics("s.stxrelid = ANY ($1::pg_catalog.oid[])", params));
  for (StatisticsDef& s : statistics) {
    if (TableDef* t = index.Of(s.relation)) t->statistics.push_back(std::move(s));
  }
  PGARK_ASSIGN_OR_RETURN(PgResult pol, conn_.ExecParams(kPoliciesSql, params));
  for (PgRow row : Rows(pol)) {
    if (TableDef* t = index.Of(row)) {
      t->policies.push_back({row.Oid("oid"), row.String("name"), row.Char("command"),
                             row.Bool("permissive"), row.String("roles"),
                             row.String("using_expr"), row.String("check_expr")});
    }
  }
  PGARK_ASSIGN_OR_RETURN(PgResult com, conn_.ExecParams(kTableCommentsSql, params));
  for (PgRow row : Rows(com)) {
    if (TableDef* t = index.Of(row)) {
      t->comments[{row.Oid("classoid"), row.Oid("objoid"), static_cast<int>(row.Int("objsubid"))}] =
          row.String("description");
    }
  }
  PGARK_ASSIGN_OR_RETURN(PgResult seqs, conn_.ExecParams(kSequencesSql, params));
  for (PgRow row : Rows(seqs)) {
    TableDef* t = index.Of(row);
    if (t == nullptr) continue;
    SequenceDef s = SequenceOf(row);
    s.owned_by_column = row.String("owned_by_column");
    s.identity = row.Bool("identity");
    PGARK_RETURN_IF_ERROR(ReadSequenceValue(s));
    t->sequences.push_back(std::move(s));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<TableDef>> Catalog::DescribeTables(const std::vector<TableRef>& tables) {
  std::vector<TableDef> defs(tables.size());
  for (size_t i = 0; i < tables.size(); ++i) defs[i].ref = tables[i];
  const TableIndex index(defs);
  PGARK_ASSIGN_OR_RETURN(PgResult rel, conn_.ExecParams(kTableSql, index.params()));
  std::vector<bool> found(defs.size(), false);
  for (PgRow row : Rows(rel)) {
    if (TableDef* t = index.Of(row)) {
      ReadTable(row, *t);
      WidenFullGrants(t->privileges, conn_.server_version_num());
      found[static_cast<size_t>(t - defs.data())] = true;
    }
  }
  for (size_t i = 0; i < defs.size(); ++i) {
    if (!found[i]) {
      return absl::NotFoundError(absl::StrCat(
          "table \"", defs[i].ref.DisplayName(), "\" was dropped during the backup"));
    }
  }
  PGARK_RETURN_IF_ERROR(DescribeTableParts(index));
  for (TableDef& def : defs) DropKeyOnGeneratedColumns(def);
  return defs;
}

absl::StatusOr<TableDef> Catalog::DescribeTable(const TableRef& table) {
  PGARK_ASSIGN_OR_RETURN(std::vector<TableDef> defs, DescribeTables({table}));
  return std::move(defs.front());
}

}  // namespace pgark::engine
