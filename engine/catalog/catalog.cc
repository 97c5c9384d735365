#include "engine/catalog/catalog.h"

#include <algorithm>
#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "engine/catalog/catalog_internal.h"
#include "engine/ddl/sql_text.h"
#include "formats/status_macros.h"

namespace pgark::engine {
namespace {

constexpr char kServerInfoSql[] =
    "SELECT pg_catalog.current_setting('server_version'), "
    "pg_catalog.current_setting('server_version_num')::int, pg_catalog.current_database()";

// User tables: regular, partitioned and foreign, outside system schemas, not extension members
// (kTablesOfExtensions: those too).
#define PGARK_TABLES_SELECT                                                                  \
  "SELECT c.oid, n.nspname, c.relname, c.relkind, GREATEST(c.reltuples, 0)::bigint, "        \
  "pg_catalog.pg_table_size(c.oid) "                                                         \
  "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "     \
  "WHERE c.relkind IN ('r', 'p', 'f') "                                                      \
  "AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%' "
constexpr char kTablesSelect[] =
    PGARK_TABLES_SELECT
    "AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = "
    "'pg_catalog.pg_class'::pg_catalog.regclass AND d.objid = c.oid AND d.deptype = 'e') ";
constexpr char kTablesOfExtensions[] = PGARK_TABLES_SELECT;
#undef PGARK_TABLES_SELECT

constexpr char kTableSql[] =
    "SELECT c.relpersistence, pg_catalog.array_to_string(c.reloptions, ', '), "
    "CASE WHEN c.relkind = 'p' THEN pg_catalog.pg_get_partkeydef(c.oid) END, "
    "CASE WHEN c.relispartition THEN (SELECT pg_catalog.quote_ident(pn.nspname) || '.' || "
    "  pg_catalog.quote_ident(p.relname) FROM pg_catalog.pg_inherits i "
    "  JOIN pg_catalog.pg_class p ON p.oid = i.inhparent "
    "  JOIN pg_catalog.pg_namespace pn ON pn.oid = p.relnamespace WHERE i.inhrelid = c.oid) END, "
    "CASE WHEN c.relispartition THEN pg_catalog.pg_get_expr(c.relpartbound, c.oid) END, "
    "CASE WHEN NOT c.relispartition THEN (SELECT pg_catalog.string_agg("
    "  pg_catalog.quote_ident(pn.nspname) || '.' || pg_catalog.quote_ident(p.relname), "
    "  pg_catalog.chr(1) "
    "  ORDER BY i.inhseqno) FROM pg_catalog.pg_inherits i "
    "  JOIN pg_catalog.pg_class p ON p.oid = i.inhparent "
    "  JOIN pg_catalog.pg_namespace pn ON pn.oid = p.relnamespace WHERE i.inhrelid = c.oid) END, "
    "c.relrowsecurity, c.relforcerowsecurity, "
    "CASE WHEN c.relispartition THEN (SELECT i.inhparent FROM pg_catalog.pg_inherits i "
    "  WHERE i.inhrelid = c.oid) END, " PGARK_PRIVILEGES("c.relowner", "c.relacl") ", "
    "(SELECT pg_catalog.quote_ident(s.srvname) FROM pg_catalog.pg_foreign_table ft "
    "  JOIN pg_catalog.pg_foreign_server s ON s.oid = ft.ftserver WHERE ft.ftrelid = c.oid), "
    "(SELECT " PGARK_OPTIONS("ft.ftoptions") " FROM pg_catalog.pg_foreign_table ft "
    "  WHERE ft.ftrelid = c.oid), c.relreplident, "
    "(SELECT pg_catalog.quote_ident(ic.relname) FROM pg_catalog.pg_index i "
    "  JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid "
    "  WHERE i.indrelid = c.oid AND i.indisreplident), "
    "(SELECT pg_catalog.quote_ident(ic.relname) FROM pg_catalog.pg_index i "
    "  JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid "
    "  WHERE i.indrelid = c.oid AND i.indisclustered) "
    "FROM pg_catalog.pg_class c WHERE c.oid = $1::pg_catalog.oid";

constexpr char kColumnsSql[] =
    "SELECT a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), a.attnotnull, "
    "pg_catalog.pg_get_expr(d.adbin, d.adrelid), a.attidentity, a.attgenerated, "
    "CASE WHEN a.attcollation <> t.typcollation AND a.attcollation <> 0 THEN "
    "  (SELECT pg_catalog.quote_ident(cn.nspname) || '.' || pg_catalog.quote_ident(co.collname) "
    "   FROM pg_catalog.pg_collation co JOIN pg_catalog.pg_namespace cn "
    "   ON cn.oid = co.collnamespace WHERE co.oid = a.attcollation) END, a.attnum, a.attislocal, "
    PGARK_OPTIONS("a.attfdwoptions") ", "
    "(SELECT pg_catalog.quote_ident(tn.nspname) FROM pg_catalog.pg_namespace tn "
    " WHERE tn.oid = t.typnamespace) || '.' || pg_catalog.quote_ident(t.typname), "
    // -1 (NULL from PostgreSQL 17): the default statistics target.
    "COALESCE(a.attstattarget::int, -1), "
    "CASE WHEN a.attstorage <> t.typstorage THEN a.attstorage END, "
    "pg_catalog.array_to_string(a.attoptions, ', '), ";
// Then the compression method ('p', 'l'; empty: the default), from PostgreSQL 14, and:
constexpr char kColumnsFrom[] =
    " FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_type t ON t.oid = a.atttypid "
    "LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
    "WHERE a.attrelid = $1::pg_catalog.oid AND a.attnum > 0 AND NOT a.attisdropped "
    "ORDER BY a.attnum";

// The primary key's columns in key order (a partition's own index included).
constexpr char kKeyColumnsSql[] =
    "SELECT a.attname FROM pg_catalog.pg_index i "
    "CROSS JOIN LATERAL pg_catalog.unnest(i.indkey::pg_catalog.int2[]) WITH ORDINALITY k(n, ord) "
    "JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.n "
    "WHERE i.indrelid = $1::pg_catalog.oid AND i.indisprimary ORDER BY k.ord";

// Local constraints only (inherited ones and NOT NULL are dumped elsewhere or implied).
constexpr char kConstraintsSql[] =
    "SELECT conname, contype, pg_catalog.pg_get_constraintdef(oid), convalidated, oid "
    "FROM pg_catalog.pg_constraint WHERE conrelid = $1::pg_catalog.oid "
    "AND contype IN ('p', 'u', 'c', 'f', 'x') AND conislocal AND conparentid = 0 "
    "ORDER BY CASE contype WHEN 'p' THEN 0 WHEN 'u' THEN 1 WHEN 'x' THEN 2 WHEN 'c' THEN 3 "
    "ELSE 4 END, conname";

// Indexes that no constraint owns (those come with their constraint).
constexpr char kIndexesSql[] =
    "SELECT c.relname, pg_catalog.pg_get_indexdef(i.indexrelid), i.indexrelid "
    "FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid "
    "WHERE i.indrelid = $1::pg_catalog.oid AND NOT EXISTS (SELECT 1 FROM "
    "pg_catalog.pg_constraint k WHERE k.conindid = i.indexrelid AND k.contype IN ('p','u','x')) "
    "AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_inherits h WHERE h.inhrelid = i.indexrelid) "
    "ORDER BY c.relname";

// Sequences owned by a column of the table: 'a' (serial, OWNED BY) or 'i' (identity).
// User triggers; on PostgreSQL 13+ also not the clones a partition inherits from its parent.
constexpr char kTriggersSql[] =
    "SELECT t.oid, t.tgname, pg_catalog.pg_get_triggerdef(t.oid), t.tgenabled "
    "FROM pg_catalog.pg_trigger t WHERE t.tgrelid = $1::pg_catalog.oid AND NOT t.tgisinternal ";
constexpr char kTriggersSince13[] = "AND t.tgparentid = 0 ";

constexpr char kColumnPrivilegesSql[] =
    "SELECT a.attname, " PGARK_PRIVILEGES("0", "a.attacl")
    " FROM pg_catalog.pg_attribute a WHERE a.attrelid = $1::pg_catalog.oid AND a.attnum > 0 "
    "AND NOT a.attisdropped AND a.attacl IS NOT NULL ORDER BY a.attnum";

constexpr char kRulesSql[] =
    "SELECT r.oid, r.rulename, pg_catalog.pg_get_ruledef(r.oid), r.ev_enabled "
    "FROM pg_catalog.pg_rewrite r WHERE r.ev_class = $1::pg_catalog.oid "
    "AND r.rulename <> '_RETURN' ORDER BY r.rulename";

// kStatisticsSql, the statistics target (settable from PostgreSQL 13, NULL for the default
// from 17), then kStatisticsFrom and a condition.
constexpr char kStatisticsSql[] =
    "SELECT s.oid, n.nspname, s.stxname, pg_catalog.pg_get_statisticsobjdef(s.oid), "
    PGARK_COMMENT("pg_statistic_ext", "s.oid") ", s.stxrelid, ";
constexpr char kStatisticsFrom[] =
    " FROM pg_catalog.pg_statistic_ext s "
    "JOIN pg_catalog.pg_namespace n ON n.oid = s.stxnamespace WHERE ";

constexpr char kPoliciesSql[] =
    "SELECT p.oid, p.polname, p.polcmd, p.polpermissive, "
    "CASE WHEN p.polroles = '{0}' THEN 'PUBLIC' ELSE (SELECT pg_catalog.string_agg("
    "  pg_catalog.quote_ident(r.rolname), ', ' ORDER BY r.rolname) FROM pg_catalog.pg_roles r "
    "  WHERE r.oid = ANY (p.polroles)) END, "
    "pg_catalog.pg_get_expr(p.polqual, p.polrelid), pg_catalog.pg_get_expr(p.polwithcheck, p.polrelid) "
    "FROM pg_catalog.pg_policy p WHERE p.polrelid = $1::pg_catalog.oid ORDER BY p.polname";

// Comments on the table, its columns, constraints, indexes, triggers, rules and policies (its
// statistics objects' come with them).
constexpr char kTableCommentsSql[] =
    "SELECT d.classoid, d.objoid, d.objsubid, d.description FROM pg_catalog.pg_description d "
    "WHERE (d.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass AND (d.objoid = $1::pg_catalog.oid "
    "  OR d.objoid IN (SELECT indexrelid FROM pg_catalog.pg_index WHERE indrelid = $1::pg_catalog.oid))) "
    "OR (d.classoid = 'pg_catalog.pg_constraint'::pg_catalog.regclass AND d.objoid IN "
    "  (SELECT oid FROM pg_catalog.pg_constraint WHERE conrelid = $1::pg_catalog.oid)) "
    "OR (d.classoid = 'pg_catalog.pg_trigger'::pg_catalog.regclass AND d.objoid IN "
    "  (SELECT oid FROM pg_catalog.pg_trigger WHERE tgrelid = $1::pg_catalog.oid)) "
    "OR (d.classoid = 'pg_catalog.pg_rewrite'::pg_catalog.regclass AND d.objoid IN "
    "  (SELECT oid FROM pg_catalog.pg_rewrite WHERE ev_class = $1::pg_catalog.oid)) "
    "OR (d.classoid = 'pg_catalog.pg_policy'::pg_catalog.regclass AND d.objoid IN "
    "  (SELECT oid FROM pg_catalog.pg_policy WHERE polrelid = $1::pg_catalog.oid))";

constexpr char kSequencesSql[] =
    "SELECT " PGARK_SEQUENCE_COLUMNS("n", "s", "q") ", a.attname, d.deptype = 'i' "
    "FROM pg_catalog.pg_depend d "
    "JOIN pg_catalog.pg_class s ON s.oid = d.objid AND s.relkind = 'S' "
    "JOIN pg_catalog.pg_namespace n ON n.oid = s.relnamespace "
    "JOIN pg_catalog.pg_sequence q ON q.seqrelid = s.oid "
    "JOIN pg_catalog.pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid "
    "WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass "
    "AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass "
    "AND d.refobjid = $1::pg_catalog.oid AND d.deptype IN ('a', 'i') ORDER BY s.relname";

// Foreign keys between tables: (referencing table, referenced table).
constexpr char kForeignKeyEdgesSql[] =
    "SELECT conrelid, confrelid FROM pg_catalog.pg_constraint WHERE contype = 'f' "
    "AND conrelid <> confrelid";

}  // namespace

absl::StatusOr<std::string> Catalog::ExportSnapshot() {
  PGARK_ASSIGN_OR_RETURN(PgResult r, conn_.Exec("SELECT pg_catalog.pg_export_snapshot() AS snapshot"));
  return r.String(0, r.Column("snapshot"));
}

absl::Status Catalog::LockForDump(const TableRef& table) {
  return conn_
      .Exec(absl::StrCat("LOCK TABLE ", QualifiedName(table.schema, table.name),
                         " IN ACCESS SHARE MODE"))
      .status();
}

absl::StatusOr<RelationPages> Catalog::PagesOf(const TableRef& table) {
  PGARK_ASSIGN_OR_RETURN(
      PgResult r, conn_.ExecParams("SELECT pg_catalog.pg_relation_size($1::pg_catalog.oid) AS bytes, "
                                   "pg_catalog.current_setting('block_size')::bigint AS block",
                                   {absl::StrCat(table.oid)}));
  const uint64_t bytes = static_cast<uint64_t>(r.Int(0, r.Column("bytes")));
  return RelationPages{bytes, bytes / static_cast<uint64_t>(r.Int(0, r.Column("block")))};
}

absl::StatusOr<std::vector<TableDef>> Catalog::DescribeTables(const std::vector<TableRef>& tables) {
  std::vector<TableDef> out;
  out.reserve(tables.size());
  for (const TableRef& t : tables) {
    PGARK_ASSIGN_OR_RETURN(TableDef def, DescribeTable(t));
    out.push_back(std::move(def));
  }
  return out;
}

absl::StatusOr<ServerInfo> Catalog::GetServerInfo() {
  PGARK_ASSIGN_OR_RETURN(PgResult r, conn_.Exec(kServerInfoSql));
  ServerInfo info;
  info.version = r.String(0, 0);
  // "15.18 (Debian 15.18-0+deb12u1)" -> "15.18"
  info.version = info.version.substr(0, info.version.find(' '));
  info.version_num = static_cast<int>(r.Int(0, 1));
  info.database = r.String(0, 2);
  return info;
}

absl::StatusOr<std::vector<TableRef>> Catalog::QueryTables(
    absl::string_view sql, const std::vector<std::string>& params) {
  PGARK_ASSIGN_OR_RETURN(PgResult r, conn_.ExecParams(sql, params));
  std::vector<TableRef> tables;
  for (int i = 0; i < r.rows(); ++i) {
    TableRef t;
    t.oid = static_cast<uint32_t>(r.Int(i, 0));
    t.schema = r.String(i, 1);
    t.name = r.String(i, 2);
    t.relkind = r.Char(i, 3);
    t.estimated_rows = r.Int(i, 4);
    t.estimated_bytes = static_cast<uint64_t>(r.Int(i, 5));
    tables.push_back(std::move(t));
  }
  return tables;
}

absl::StatusOr<std::vector<TableRef>> Catalog::ListTables() {
  return QueryTables(absl::StrCat(kTablesSelect, "ORDER BY n.nspname, c.relname"), {});
}

absl::StatusOr<TableRef> Catalog::FindTable(absl::string_view schema, absl::string_view name,
                                             bool extension_members) {
  PGARK_ASSIGN_OR_RETURN(
      std::vector<TableRef> found,
      QueryTables(absl::StrCat(extension_members ? kTablesOfExtensions : kTablesSelect,
                               "AND n.nspname = $1 AND c.relname = $2"),
                  {std::string(schema), std::string(name)}));
  if (found.empty()) {
    return absl::NotFoundError(
        absl::StrCat("table \"", schema, ".", name, "\" does not exist"));
  }
  return found.front();
}

absl::StatusOr<bool> Catalog::SchemaExists(absl::string_view name) {
  PGARK_ASSIGN_OR_RETURN(
      PgResult r, conn_.ExecParams("SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = $1",
                                   {std::string(name)}));
  return r.rows() > 0;
}

absl::StatusOr<TableRef> Catalog::ResolveTable(absl::string_view user_name) {
  if (user_name.empty()) return absl::InvalidArgumentError("table name is empty");
  PGARK_ASSIGN_OR_RETURN(std::vector<TableRef> found,
                         QueryTables(absl::StrCat(kTablesSelect, "AND c.relname = $1 "
                                                                 "ORDER BY n.nspname"),
                                     {std::string(user_name)}));
  if (found.empty()) {
    // Identifier syntax: public.books, "Mixed Case", s."T".
    std::optional<std::vector<std::string>> parts = ParseQualifiedName(user_name);
    if (parts && parts->size() == 2) {
      absl::StatusOr<TableRef> t = FindTable((*parts)[0], (*parts)[1]);
      if (t.ok() || !absl::IsNotFound(t.status())) return t;
    } else if (parts && parts->size() == 1 && (*parts)[0] != user_name) {
      PGARK_ASSIGN_OR_RETURN(
          found, QueryTables(absl::StrCat(kTablesSelect, "AND c.relname = $1 ORDER BY n.nspname"),
                             {(*parts)[0]}));
    }
  }
  if (found.size() > 1) {
    std::vector<std::string> names;
    for (const TableRef& t : found) names.push_back(absl::StrCat(t.schema, ".", t.name));
    return absl::InvalidArgumentError(
        absl::StrCat("table name \"", user_name, "\" is ambiguous: it exists as ",
                     absl::StrJoin(names, ", "), "; qualify it with its schema"));
  }
  if (found.empty()) {
    PGARK_ASSIGN_OR_RETURN(std::vector<TableRef> all, ListTables());
    std::vector<std::string> names;
    for (size_t i = 0; i < all.size() && i < 20; ++i) names.push_back(all[i].DisplayName());
    std::string hint = all.empty() ? "the database has no tables"
                                   : absl::StrCat("existing tables: ", absl::StrJoin(names, ", "),
                                                  all.size() > 20 ? ", ..." : "");
    return absl::NotFoundError(
        absl::StrCat("table \"", user_name, "\" does not exist (", hint, ")"));
  }
  return found.front();
}

absl::StatusOr<std::vector<std::pair<uint32_t, uint32_t>>> Catalog::ListForeignKeyEdges() {
  PGARK_ASSIGN_OR_RETURN(PgResult r, conn_.Exec(kForeignKeyEdgesSql));
  std::vector<std::pair<uint32_t, uint32_t>> edges;
  for (int i = 0; i < r.rows(); ++i) {
    edges.emplace_back(static_cast<uint32_t>(r.Int(i, 0)), static_cast<uint32_t>(r.Int(i, 1)));
  }
  return edges;
}

absl::Status Catalog::ReadSequenceValue(SequenceDef& seq) {
  PGARK_ASSIGN_OR_RETURN(
      PgResult r, conn_.Exec(absl::StrCat("SELECT last_value, is_called FROM ",
                                          QualifiedName(seq.schema, seq.name))));
  seq.last_value = r.Int(0, 0);
  seq.is_called = r.Bool(0, 1);
  return absl::OkStatus();
}

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
  for (int i = 0; i < r.rows(); ++i) {
    out.push_back({static_cast<uint32_t>(r.Int(i, 0)), r.String(i, 1), r.String(i, 2),
                   r.String(i, 3), static_cast<int>(r.Int(i, 6)), r.String(i, 4),
                   static_cast<uint32_t>(r.Int(i, 5))});
  }
  return out;
}

absl::StatusOr<TableDef> Catalog::DescribeTable(const TableRef& table) {
  TableDef def;
  def.ref = table;
  const std::vector<std::string> oid = {std::to_string(table.oid)};
  PGARK_ASSIGN_OR_RETURN(PgResult rel, conn_.ExecParams(kTableSql, oid));
  if (rel.rows() != 1) {
    return absl::NotFoundError(
        absl::StrCat("table \"", table.DisplayName(), "\" was dropped during the backup"));
  }
  def.unlogged = rel.Text(0, 0) == "u";
  def.reloptions = rel.String(0, 1);
  def.partition_key = rel.String(0, 2);
  def.partition_of = rel.String(0, 3);
  def.partition_bound = rel.String(0, 4);
  if (!rel.IsNull(0, 5)) def.inherits = absl::StrSplit(rel.Text(0, 5), '\x01');
  def.row_security = rel.Bool(0, 6);
  def.force_row_security = rel.Bool(0, 7);
  def.partition_parent_oid = static_cast<uint32_t>(rel.Int(0, 8));
  def.privileges = PrivilegesAt(rel, 0, 9);
  def.foreign_server = rel.String(0, 12);
  def.foreign_options = rel.String(0, 13);
  def.replica_identity = rel.Char(0, 14);
  def.replica_identity_index = rel.String(0, 15);
  def.cluster_index = rel.String(0, 16);

  PGARK_ASSIGN_OR_RETURN(
      PgResult cols,
      conn_.ExecParams(absl::StrCat(kColumnsSql,
                                    conn_.server_version_num() >= 140000 ? "a.attcompression"
                                                                         : "NULL",
                                    kColumnsFrom),
                       oid));
  for (int i = 0; i < cols.rows(); ++i) {
    ColumnDef c;
    c.name = cols.String(i, 0);
    c.type = cols.String(i, 1);
    c.not_null = cols.Bool(i, 2);
    if (!cols.IsNull(i, 3)) c.default_expr = cols.String(i, 3);
    c.identity = cols.Char(i, 4);
    c.generated = cols.Char(i, 5);
    if (!cols.IsNull(i, 6)) c.collation = cols.String(i, 6);
    c.attnum = static_cast<int>(cols.Int(i, 7));
    c.local = cols.Bool(i, 8);
    c.fdw_options = cols.String(i, 9);
    c.unmodified_type = cols.String(i, 10);
    c.statistics_target = static_cast<int>(cols.Int(i, 11));
    c.storage = cols.Char(i, 12);
    c.attribute_options = cols.String(i, 13);
    c.compression = cols.Char(i, 14);
    def.columns.push_back(std::move(c));
  }

  PGARK_ASSIGN_OR_RETURN(PgResult cons, conn_.ExecParams(kConstraintsSql, oid));
  for (int i = 0; i < cons.rows(); ++i) {
    def.constraints.push_back({static_cast<uint32_t>(cons.Int(i, 4)), cons.String(i, 0),
                               cons.Char(i, 1), cons.String(i, 2), cons.Bool(i, 3)});
  }

  PGARK_ASSIGN_OR_RETURN(PgResult keys, conn_.ExecParams(kKeyColumnsSql, oid));
  for (int i = 0; i < keys.rows(); ++i) def.key_columns.push_back(keys.String(i, 0));
  // A key on a generated column is not in the COPY rows: such a table is diffed by whole rows.
  const std::vector<std::string> copied = def.CopyColumns();
  for (const std::string& k : def.key_columns) {
    if (std::find(copied.begin(), copied.end(), k) == copied.end()) {
      def.key_columns.clear();
      break;
    }
  }

  PGARK_ASSIGN_OR_RETURN(PgResult idx, conn_.ExecParams(kIndexesSql, oid));
  for (int i = 0; i < idx.rows(); ++i) {
    def.indexes.push_back(
        {static_cast<uint32_t>(idx.Int(i, 2)), idx.String(i, 0), idx.String(i, 1)});
  }

  PGARK_ASSIGN_OR_RETURN(
      PgResult trg,
      conn_.ExecParams(absl::StrCat(kTriggersSql,
                                    conn_.server_version_num() >= 130000 ? kTriggersSince13 : "",
                                    "ORDER BY t.tgname"),
                       oid));
  for (int i = 0; i < trg.rows(); ++i) {
    def.triggers.push_back({static_cast<uint32_t>(trg.Int(i, 0)), trg.String(i, 1),
                            trg.String(i, 2), trg.Char(i, 3)});
  }

  PGARK_ASSIGN_OR_RETURN(PgResult grants, conn_.ExecParams(kColumnPrivilegesSql, oid));
  for (int i = 0; i < grants.rows(); ++i) {
    def.column_privileges.emplace_back(grants.String(i, 0), PrivilegesAt(grants, i, 1));
  }

  PGARK_ASSIGN_OR_RETURN(PgResult rules, conn_.ExecParams(kRulesSql, oid));
  for (int i = 0; i < rules.rows(); ++i) {
    def.rules.push_back({static_cast<uint32_t>(rules.Int(i, 0)), rules.String(i, 1),
                         std::string(absl::StripSuffix(rules.Text(i, 2), ";")), rules.Char(i, 3)});
  }

  PGARK_ASSIGN_OR_RETURN(
      std::vector<StatisticsDef> statistics,
      ListStatistics("s.stxrelid = $1::pg_catalog.oid", oid));
  def.statistics = std::move(statistics);

  PGARK_ASSIGN_OR_RETURN(PgResult pol, conn_.ExecParams(kPoliciesSql, oid));
  for (int i = 0; i < pol.rows(); ++i) {
    def.policies.push_back({static_cast<uint32_t>(pol.Int(i, 0)), pol.String(i, 1),
                            pol.Char(i, 2), pol.Bool(i, 3), pol.String(i, 4), pol.String(i, 5),
                            pol.String(i, 6)});
  }

  PGARK_ASSIGN_OR_RETURN(PgResult com, conn_.ExecParams(kTableCommentsSql, oid));
  for (int i = 0; i < com.rows(); ++i) {
    def.comments[{static_cast<uint32_t>(com.Int(i, 0)), static_cast<uint32_t>(com.Int(i, 1)),
                  static_cast<int>(com.Int(i, 2))}] = com.String(i, 3);
  }

  PGARK_ASSIGN_OR_RETURN(PgResult seqs, conn_.ExecParams(kSequencesSql, oid));
  for (int i = 0; i < seqs.rows(); ++i) {
    SequenceDef s = SequenceAt(seqs, i, 0);
    s.owned_by_column = seqs.String(i, 9);
    s.identity = seqs.Bool(i, 10);
    PGARK_RETURN_IF_ERROR(ReadSequenceValue(s));
    def.sequences.push_back(std::move(s));
  }
  return def;
}

}  // namespace pgark::engine
