#include "engine/catalog/catalog.h"

#include <algorithm>
#include <map>
#include <set>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "engine/catalog/catalog_internal.h"
#include "engine/ddl/sql_text.h"
#include "formats/status_macros.h"

namespace pgark::engine {
namespace {

constexpr char kServerInfoSql[] =
    "SELECT pg_catalog.current_setting('server_version') AS version, "
    "pg_catalog.current_setting('server_version_num')::int AS version_num, "
    "pg_catalog.current_database() AS database";

// The transaction's snapshot as 64-bit ids (pg_current_snapshot() from 13, txid_* before), the
// database's oid, a digest of every enum label, and whether pg_control_system() may be read.
constexpr char kChangePointSql[] =
    "SELECT %1$s_xmin(s)::text AS xmin, %1$s_xmax(s)::text AS xmax, "
    "(SELECT oid FROM pg_catalog.pg_database WHERE datname = pg_catalog.current_database()) "
    "AS database_oid, "
    "(SELECT pg_catalog.encode(pg_catalog.sha256(pg_catalog.convert_to(COALESCE("
    "pg_catalog.string_agg(enumtypid::text || ':' || enumlabel, ',' "
    "ORDER BY enumtypid, enumsortorder), ''), 'UTF8')), 'hex') FROM pg_catalog.pg_enum) "
    "AS enum_labels, "
    "pg_catalog.has_function_privilege('pg_catalog.pg_control_system()', 'EXECUTE') "
    "AS may_read_control "
    "FROM %2$s() s";

// User tables: regular, partitioned and foreign, outside system schemas, not extension members
// (kTablesOfExtensions: those too).
#define PGARK_TABLES_SELECT                                                                  \
  "SELECT c.oid, n.nspname AS schema_name, c.relname AS name, c.relkind, "                   \
  "GREATEST(c.reltuples, 0)::bigint AS estimated_rows, "                                     \
  "pg_catalog.pg_table_size(c.oid) AS estimated_bytes "                                      \
  "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "     \
  "WHERE c.relkind IN ('r', 'p', 'f') "                                                      \
  "AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%' "
constexpr char kTablesSelect[] =
    PGARK_TABLES_SELECT
    "AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = "
    "'pg_catalog.pg_class'::pg_catalog.regclass AND d.objid = c.oid AND d.deptype = 'e') ";
constexpr char kTablesOfExtensions[] = PGARK_TABLES_SELECT;
#undef PGARK_TABLES_SELECT

// Foreign keys between tables: (referencing table, referenced table).
constexpr char kForeignKeyEdgesSql[] =
    "SELECT conrelid AS referencing, confrelid AS referenced FROM pg_catalog.pg_constraint "
    "WHERE contype = 'f' "
    "AND conrelid <> confrelid";

}  // namespace

absl::StatusOr<std::string> Catalog::ExportSnapshot() {
  PGARK_ASSIGN_OR_RETURN(PgResult r, conn_.Exec("SELECT pg_catalog.pg_export_snapshot() AS snapshot"));
  return PgRow(r, 0).String("snapshot");
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
  const PgRow row(r, 0);
  const uint64_t bytes = static_cast<uint64_t>(row.Int("bytes"));
  return RelationPages{bytes, bytes / static_cast<uint64_t>(row.Int("block"))};
}

absl::StatusOr<ServerInfo> Catalog::GetServerInfo() {
  PGARK_ASSIGN_OR_RETURN(PgResult r, conn_.Exec(kServerInfoSql));
  const PgRow row(r, 0);
  ServerInfo info;
  info.version = row.String("version");
  // "15.18 (Debian 15.18-0+deb12u1)" -> "15.18"
  info.version = info.version.substr(0, info.version.find(' '));
  info.version_num = static_cast<int>(row.Int("version_num"));
  info.database = row.String("database");
  return info;
}

absl::StatusOr<formats::ChangePoint> Catalog::GetChangePoint() {
  const bool v13 = conn_.server_version_num() >= 130000;
  PGARK_ASSIGN_OR_RETURN(
      PgResult r,
      conn_.Exec(absl::StrFormat(kChangePointSql,
                                 v13 ? "pg_catalog.pg_snapshot" : "pg_catalog.txid_snapshot",
                                 v13 ? "pg_catalog.pg_current_snapshot"
                                     : "pg_catalog.txid_current_snapshot")));
  const PgRow row(r, 0);
  formats::ChangePoint point;
  if (!absl::SimpleAtoi(row.Text("xmin"), &point.xmin) ||
      !absl::SimpleAtoi(row.Text("xmax"), &point.xmax)) {
    return absl::InternalError("the server's snapshot has ids that are not numbers");
  }
  point.database_oid = row.Oid("database_oid");
  point.enum_labels = row.String("enum_labels");
  if (!row.Bool("may_read_control")) return point;  // unknown: incrementals hash rows
  PGARK_ASSIGN_OR_RETURN(
      PgResult control,
      conn_.Exec("SELECT system_identifier::text AS id FROM pg_catalog.pg_control_system()"));
  point.system_identifier = PgRow(control, 0).String("id");
  return point;
}

absl::StatusOr<std::map<uint32_t, int64_t>> Catalog::GetRewritesSeen() {
  PGARK_ASSIGN_OR_RETURN(
      PgResult r, conn_.Exec("SELECT relid, n_tup_upd + n_tup_del AS rewrites "
                             "FROM pg_catalog.pg_stat_all_tables"));
  std::map<uint32_t, int64_t> seen;
  for (PgRow row : Rows(r)) seen[row.Oid("relid")] = row.Int("rewrites");
  return seen;
}

absl::StatusOr<std::vector<TableRef>> Catalog::QueryTables(
    absl::string_view sql, const std::vector<std::string>& params) {
  PGARK_ASSIGN_OR_RETURN(PgResult r, conn_.ExecParams(sql, params));
  std::vector<TableRef> tables;
  for (PgRow row : Rows(r)) {
    TableRef t;
    t.oid = row.Oid("oid");
    t.schema = row.String("schema_name");
    t.name = row.String("name");
    t.relkind = row.Char("relkind");
    t.estimated_rows = row.Int("estimated_rows");
    t.estimated_bytes = static_cast<uint64_t>(row.Int("estimated_bytes"));
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
      PgResult r, conn_.ExecParams("SELECT 1 AS found FROM pg_catalog.pg_namespace WHERE nspname = $1",
                                   {std::string(name)}));
  return r.rows() > 0;
}

absl::StatusOr<TableRef> Catalog::ResolveTable(absl::string_view user_name) {
  if (user_name.empty()) return absl::InvalidArgumentError("table name is empty");
  // A schema-qualified name first, as SQL reads it (public.books, s."T"), then as the table
  // lists print it (my s.t: the schema and table exactly, split at a dot).
  std::optional<std::vector<std::string>> parts = ParseQualifiedName(user_name);
  if (parts && parts->size() == 2) {
    absl::StatusOr<TableRef> t = FindTable((*parts)[0], (*parts)[1]);
    if (t.ok() || !absl::IsNotFound(t.status())) return t;
  }
  for (size_t dot = user_name.find('.'); dot != absl::string_view::npos;
       dot = user_name.find('.', dot + 1)) {
    absl::StatusOr<TableRef> t = FindTable(user_name.substr(0, dot), user_name.substr(dot + 1));
    if (t.ok() || !absl::IsNotFound(t.status())) return t;
  }
  // Then a table of exactly this name in any schema ("Mixed Case", a.b of public).
  PGARK_ASSIGN_OR_RETURN(std::vector<TableRef> found,
                         QueryTables(absl::StrCat(kTablesSelect, "AND c.relname = $1 "
                                                                 "ORDER BY n.nspname"),
                                     {std::string(user_name)}));
  if (found.empty()) {
    if (parts && parts->size() == 1 && (*parts)[0] != user_name) {
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
  for (PgRow row : Rows(r)) edges.emplace_back(row.Oid("referencing"), row.Oid("referenced"));
  return edges;
}

absl::Status Catalog::ReadSequenceValue(SequenceDef& seq) {
  PGARK_ASSIGN_OR_RETURN(
      PgResult r, conn_.Exec(absl::StrCat("SELECT last_value, is_called FROM ",
                                          QualifiedName(seq.schema, seq.name))));
  const PgRow row(r, 0);
  seq.last_value = row.Int("last_value");
  seq.is_called = row.Bool("is_called");
  return absl::OkStatus();
}

}  // namespace pgark::engine
