#include "engine/transfer/exporter.h"

#include <algorithm>

#include "engine/transfer/export_sql.h"
#include "engine/catalog/catalog.h"

#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "engine/pg/copy_stream.h"
#include "engine/pg/pg_connection.h"
#include "engine/ddl/sql_text.h"
#include "formats/archive_layout.h"
#include "formats/copy_text.h"
#include "engine/repository/backup_files.h"
#include "formats/filter_chain.h"
#include "formats/status_macros.h"

namespace pgark::engine {
namespace {

const ColumnDef* FindColumn(const TableDef& t, const std::string& name) {
  for (const ColumnDef& c : t.columns) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

absl::Status UnknownColumn(const TableDef& t, const std::string& name) {
  std::vector<std::string> names;
  for (const ColumnDef& c : t.columns) names.push_back(c.name);
  return absl::InvalidArgumentError(absl::StrCat("table \"", t.ref.DisplayName(),
                                                 "\" has no column \"", name,
                                                 "\" (it has: ", absl::StrJoin(names, ", "), ")"));
}

absl::StatusOr<std::string> WhereSql(const TableDef& t, const std::vector<WhereFilter>& where) {
  std::vector<std::string> terms;
  for (const WhereFilter& f : where) {
    if (FindColumn(t, f.column) == nullptr) return UnknownColumn(t, f.column);
    if (f.values.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("the filter on \"", f.column, "\" has no value"));
    }
    const std::string col = QuoteIdent(f.column);
    std::vector<std::string> literals;
    bool null = false;
    for (const std::optional<std::string>& v : f.values) {
      if (v) literals.push_back(QuoteLiteral(*v));
      else null = true;
    }
    std::vector<std::string> alternatives;
    if (literals.size() == 1) alternatives.push_back(absl::StrCat(col, " = ", literals[0]));
    if (literals.size() > 1) {
      alternatives.push_back(absl::StrCat(col, " IN (", absl::StrJoin(literals, ", "), ")"));
    }
    if (null) alternatives.push_back(absl::StrCat(col, " IS NULL"));
    terms.push_back(alternatives.size() == 1
                        ? alternatives[0]
                        : absl::StrCat("(", absl::StrJoin(alternatives, " OR "), ")"));
  }
  return terms.empty() ? "" : absl::StrCat(" WHERE ", absl::StrJoin(terms, " AND "));
}

}  // namespace

absl::StatusOr<std::string> ExportCopySql(const TableDef& t, const ExportOptions& o) {
  if (o.ndjson && o.format != ExportFormat::kJson) {
    return absl::InvalidArgumentError("ndjson (one JSON object per line) is for JSON exports");
  }
  std::vector<std::string> columns = o.columns;
  for (size_t i = 0; i < columns.size(); ++i) {
    if (std::find(columns.begin(), columns.begin() + static_cast<long>(i), columns[i]) !=
        columns.begin() + static_cast<long>(i)) {
      return absl::InvalidArgumentError(
          absl::StrCat("column \"", columns[i], "\" is asked for twice; name each column once"));
    }
  }
  if (columns.empty()) {
    for (const ColumnDef& c : t.columns) columns.push_back(c.name);
  }
  std::vector<std::string> select;
  for (const std::string& name : columns) {
    const ColumnDef* c = FindColumn(t, name);
    if (c == nullptr) return UnknownColumn(t, name);
    const std::string q = QuoteIdent(name);
    // JSON has no bytes: bytea goes out as base64 (without the line breaks encode() adds).
    if (o.format == ExportFormat::kJson && c->type == "bytea") {
      select.push_back(absl::StrCat("pg_catalog.translate(pg_catalog.encode(", q,
                                    ", 'base64'), E'\\n', '') AS ", q));
    } else {
      select.push_back(q);
    }
  }
  PGARK_ASSIGN_OR_RETURN(std::string where, WhereSql(t, o.where));
  // A partitioned table's rows live in its partitions; any other table is read alone.
  std::string query = absl::StrCat("SELECT ", absl::StrJoin(select, ", "), " FROM ",
                                   t.ref.relkind == 'p' ? "" : "ONLY ",
                                   QualifiedName(t.ref.schema, t.ref.name), where);
  if (const ConstraintDef* pk = t.PrimaryKey()) {
    // "PRIMARY KEY (a, b)" -> ORDER BY a, b (the definition's column list is already quoted).
    size_t open = pk->definition.find('(');
    size_t close = pk->definition.find(')', open);
    if (open != std::string::npos && close > open) {
      absl::StrAppend(&query, " ORDER BY ", pk->definition.substr(open + 1, close - open - 1));
    }
  }
  if (o.limit > 0) absl::StrAppend(&query, " LIMIT ", o.limit);
  if (o.format == ExportFormat::kCsv) {
    return absl::StrCat("COPY (", query, ") TO STDOUT WITH (FORMAT csv, HEADER true)");
  }
  // ".*": the whole row, even when a column has the alias's name.
  return absl::StrCat("COPY (SELECT pg_catalog.row_to_json(pgark_row.*) FROM (", query,
                      ") pgark_row) TO STDOUT");
}

absl::StatusOr<ExportResult> Export(const ConnectOptions& connect, const ExportOptions& o,
                                    ProgressListener* listener) {
  const absl::Time start = absl::Now();
  if (o.backup_dir.empty()) return absl::InvalidArgumentError("no backup directory given");
  if (o.limit < 0) return absl::InvalidArgumentError("limit must not be negative");
  PGARK_ASSIGN_OR_RETURN(std::shared_ptr<formats::Storage> repository,
                         OpenRepository(o.backup_dir));
  PGARK_RETURN_IF_ERROR(repository->Prepare());
  PGARK_ASSIGN_OR_RETURN(PgConnection conn, PgConnection::Connect(connect));
  Catalog catalog(conn);
  PGARK_ASSIGN_OR_RETURN(TableRef ref, catalog.ResolveTable(o.table));
  PGARK_ASSIGN_OR_RETURN(TableDef def, catalog.DescribeTable(ref));
  PGARK_ASSIGN_OR_RETURN(std::string sql, ExportCopySql(def, o));

  ExportResult result;
  result.format = o.format == ExportFormat::kCsv ? "csv" : "json";
  const std::string extension =
      absl::StrCat(o.format == ExportFormat::kCsv ? ".csv" : o.ndjson ? ".ndjson" : ".json",
                   o.key != nullptr ? formats::kEncryptedSuffix : "");
  const std::string stem = absl::StrCat("export-", formats::SanitizeLabel(ref.name), "-",
                                        formats::CompactTimestamp(start));
  std::unique_ptr<formats::Sink> file;
  for (int seq = 0; file == nullptr; ++seq) {
    result.export_file = absl::StrCat(stem, seq > 0 ? absl::StrCat("-", seq) : "", extension);
    absl::StatusOr<std::unique_ptr<formats::Sink>> created = repository->Create(result.export_file);
    if (absl::IsAlreadyExists(created.status())) continue;
    PGARK_RETURN_IF_ERROR(created.status());
    file = *std::move(created);
  }
  formats::FilterChain chain;
  if (o.format == ExportFormat::kJson) {
    chain.Add<formats::CopyTextUnescaper>();
    if (!o.ndjson) chain.Add<formats::JsonLinesToArray>();
  }
  ProgressListener& progress = ListenerOr(listener);
  chain.Add<ProgressTap>(progress);
  if (o.key != nullptr) {
    PGARK_ASSIGN_OR_RETURN(std::unique_ptr<formats::EncryptingSink> encrypt,
                           formats::EncryptingSink::Create(o.key));
    chain.Adopt(std::move(encrypt));
  }
  PGARK_RETURN_IF_ERROR(chain.Open(std::move(file)));
  progress.OnStart(1, ref.estimated_bytes);
  PGARK_ASSIGN_OR_RETURN(std::unique_ptr<CopyOutSource> copy, CopyOutSource::Open(conn, sql));
  absl::Status s = formats::Pump(*copy, chain).status();
  if (s.ok()) s = chain.Close();  // the file appears here, complete
  if (!s.ok()) {
    if (absl::IsCancelled(s)) return absl::CancelledError("export cancelled; nothing was written");
    return Annotate(s, absl::StrCat("exporting table \"", ref.DisplayName(), "\""));
  }
  result.record_count = copy->rows();
  progress.OnTableEnd(ref.DisplayName(), result.record_count, 0);
  result.duration_ms = absl::ToInt64Milliseconds(absl::Now() - start);
  return result;
}

}  // namespace pgark::engine
