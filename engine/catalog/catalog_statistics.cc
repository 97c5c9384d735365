// Catalog::ListPlannerStatistics: the planner statistics of tables and materialized views and
// of their indexes, as pg_class and the pg_stats view hold them (backup --statistics). pg_stats
// shows only the columns this role may read, as the planner's own statistics are not public.
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/catalog/catalog.h"
#include "engine/catalog/catalog_internal.h"
#include "formats/status_macros.h"

namespace pgark::engine {
namespace {

// The relations and their indexes; "owner" is the table's OID for both.
constexpr char kRelationStatisticsSql[] =
    "SELECT c.oid, COALESCE(i.indrelid, c.oid) AS owner, n.nspname AS schema_name, "
    "c.relname AS name, c.relkind, c.relpages, c.reltuples, c.relallvisible, ";
constexpr char kRelationStatisticsFrom[] =
    " AS relallfrozen FROM pg_catalog.pg_class c "
    "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
    "LEFT JOIN pg_catalog.pg_index i ON i.indexrelid = c.oid "
    "WHERE c.oid = ANY ($1::pg_catalog.oid[]) OR i.indrelid = ANY ($1::pg_catalog.oid[]) "
    "ORDER BY COALESCE(i.indrelid, c.oid), i.indexrelid IS NOT NULL, c.relname COLLATE \"C\"";

// pg_stats' statistics columns (the range_* ones from PostgreSQL 17), each read as text.
constexpr const char* kStatsColumns[] = {
    "null_frac", "avg_width", "n_distinct", "most_common_vals", "most_common_freqs",
    "histogram_bounds", "correlation", "most_common_elems", "most_common_elem_freqs",
    "elem_count_histogram", "range_length_histogram", "range_empty_frac",
    "range_bounds_histogram"};
constexpr size_t kStatsColumnsBefore17 = 10;

std::string AttributeStatisticsSql(int server_version_num) {
  const size_t count = server_version_num >= 170000 ? std::size(kStatsColumns)
                                                    : kStatsColumnsBefore17;
  std::vector<std::string> columns;
  for (size_t i = 0; i < count; ++i) {
    columns.push_back(absl::StrCat("s.", kStatsColumns[i], "::pg_catalog.text AS ",
                                   kStatsColumns[i]));
  }
  return absl::StrCat(
      "SELECT c.oid, a.attnum, a.attname, s.inherited, ", absl::StrJoin(columns, ", "),
      " FROM pg_catalog.pg_stats s "
      "JOIN pg_catalog.pg_namespace n ON n.nspname = s.schemaname "
      "JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid AND c.relname = s.tablename "
      "JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attname = s.attname "
      "WHERE c.oid = ANY ($1::pg_catalog.oid[]) OR c.oid IN (SELECT i.indexrelid FROM "
      "pg_catalog.pg_index i WHERE i.indrelid = ANY ($1::pg_catalog.oid[])) "
      "ORDER BY c.oid, a.attnum, s.inherited");
}

RelationStatistics RelationOf(const PgRow& row, int server_version_num) {
  RelationStatistics r;
  r.oid = row.Oid("oid");
  r.schema = row.String("schema_name");
  r.name = row.String("name");
  r.relkind = row.Char("relkind");
  r.relpages = row.Int("relpages");
  r.reltuples = row.String("reltuples");
  r.relallvisible = row.Int("relallvisible");
  if (!row.IsNull("relallfrozen")) r.relallfrozen = row.String("relallfrozen");
  // Before 14 a relation never vacuumed or analyzed had 0 tuples over 0 pages, which the
  // planner read as unknown; 14 spells unknown -1 (and 0 means empty).
  if (server_version_num < 140000 && r.relpages == 0 && r.reltuples == "0" &&
      r.relkind != 'i' && r.relkind != 'I') {
    r.reltuples = "-1";
  }
  return r;
}

ColumnStatistics ColumnOf(const PgRow& row, bool index, size_t count) {
  ColumnStatistics c;
  c.attnum = static_cast<int>(row.Int("attnum"));
  if (!index) c.column = row.String("attname");
  c.inherited = row.Bool("inherited");
  for (size_t i = 0; i < count; ++i) {
    if (!row.IsNull(kStatsColumns[i])) {
      c.values.emplace_back(kStatsColumns[i], row.String(kStatsColumns[i]));
    }
  }
  return c;
}

}  // namespace

absl::StatusOr<std::vector<TableStatistics>> Catalog::ListPlannerStatistics(
    const std::vector<uint32_t>& relations) {
  const int v = conn_.server_version_num();
  const std::vector<std::string> params = {absl::StrCat("{", absl::StrJoin(relations, ","), "}")};
  PGARK_ASSIGN_OR_RETURN(
      PgResult rels,
      conn_.ExecParams(absl::StrCat(kRelationStatisticsSql,
                                    v >= 180000 ? "c.relallfrozen" : "NULL::pg_catalog.int4",
                                    kRelationStatisticsFrom),
                       params));
  std::vector<TableStatistics> out;
  std::map<uint32_t, size_t> table_of_owner;
  for (PgRow row : Rows(rels)) {
    const uint32_t owner = row.Oid("owner");
    RelationStatistics r = RelationOf(row, v);
    if (owner == r.oid) {
      table_of_owner[owner] = out.size();
      out.push_back({r.schema, r.name, {}});
    }
    auto t = table_of_owner.find(owner);  // ordered: a table before its indexes
    if (t != table_of_owner.end()) out[t->second].relations.push_back(std::move(r));
  }
  std::map<uint32_t, RelationStatistics*> by_oid;
  for (TableStatistics& t : out) {
    for (RelationStatistics& r : t.relations) by_oid[r.oid] = &r;
  }
  PGARK_ASSIGN_OR_RETURN(PgResult cols, conn_.ExecParams(AttributeStatisticsSql(v), params));
  const size_t count = v >= 170000 ? std::size(kStatsColumns) : kStatsColumnsBefore17;
  for (PgRow row : Rows(cols)) {
    auto r = by_oid.find(row.Oid("oid"));
    if (r == by_oid.end()) continue;
    const bool index = r->second->relkind == 'i' || r->second->relkind == 'I';
    r->second->columns.push_back(ColumnOf(row, index, count));
  }
  return out;
}

}  // namespace pgark::engine
