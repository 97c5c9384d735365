#include "engine/transfer/import_loads.h"

#include <climits>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/ddl/schema_sql.h"
#include "engine/ddl/sql_text.h"
#include "engine/pg/transaction.h"
#include "formats/copy_text.h"
#include "formats/status_macros.h"

namespace pgark::engine {

absl::Status DirectLoad::Add(const MappedRow& row) {
  if (copy_ == nullptr) {
    keys_ = row.keys;
    std::vector<std::string> names;
    for (size_t c = 0; c < columns_.size(); ++c) {
      if (keys_[c] == '1') names.push_back(columns_[c]->name);
    }
    PGARK_ASSIGN_OR_RETURN(
        copy_, CopyInSink::Open(conn_, absl::StrCat("COPY ", QualifiedName(table_.ref.schema,
                                                                           table_.ref.name),
                                                    " (", QuoteIdentList(names), ") FROM STDIN")));
  } else if (row.keys != keys_) {
    staging_may_help_ = true;  // a default for some rows' missing columns: only INSERT gives it
    return absl::FailedPreconditionError("rows name different columns");
  }
  std::string line;
  for (size_t c = 0; c < columns_.size(); ++c) {
    if (keys_[c] != '1') continue;
    if (!line.empty()) line.push_back('\t');
    formats::AppendCopyTextField(line, row.values[c]);
  }
  line.push_back('\n');
  ++added_;
  return copy_->Append(line);
}

absl::Status DirectLoad::Finish() {
  if (copy_ == nullptr) return absl::OkStatus();  // no row to load
  absl::Status closed = copy_->Close();
  // The server refused a row (or the table refuses COPY); staging finds which.
  if (!closed.ok() && !absl::IsUnavailable(closed)) staging_may_help_ = true;
  PGARK_RETURN_IF_ERROR(closed);
  imported_ = added_;  // the COPY took every row it was given
  return absl::OkStatus();
}

void DirectLoad::Abort(absl::string_view reason) {
  if (copy_) copy_->Abort(reason);
}

absl::Status StagedLoad::Open() {
  std::vector<std::string> staging = {"pgark_row bigint", "pgark_keys text"};
  for (size_t c = 0; c < columns_.size(); ++c) staging.push_back(absl::StrCat("c", c, " text"));
  PGARK_RETURN_IF_ERROR(conn_.Exec(absl::StrCat("CREATE TEMP TABLE pgark_import (",
                                                absl::StrJoin(staging, ", "), ") ON COMMIT DROP")));
  PGARK_ASSIGN_OR_RETURN(copy_, CopyInSink::Open(conn_, "COPY pgark_import FROM STDIN"));
  return absl::OkStatus();
}

absl::Status StagedLoad::Add(const MappedRow& row) {
  key_sets_.insert(row.keys);
  std::string line = absl::StrCat(row.n, "\t", row.keys);
  for (const std::optional<std::string>& value : row.values) {
    line.push_back('\t');
    formats::AppendCopyTextField(line, value);
  }
  line.push_back('\n');
  ++added_;
  return copy_->Append(line);
}

void StagedLoad::Abort(absl::string_view reason) {
  if (copy_) copy_->Abort(reason);
}

absl::Status StagedLoad::Finish() {
  PGARK_RETURN_IF_ERROR(copy_->Close());
  for (const std::string& keys : key_sets_) {
    PGARK_RETURN_IF_ERROR(InsertRange(keys, 0, INT64_MAX));
  }
  return absl::OkStatus();
}

std::string StagedLoad::UpsertFor(const std::string& keys, int64_t lo, int64_t hi) const {
  Upsert upsert{.table = QualifiedName(table_.ref.schema, table_.ref.name),
                .from = absl::StrCat("pgark_import WHERE pgark_keys = ", QuoteLiteral(keys),
                                     " AND pgark_row BETWEEN ", lo, " AND ", hi,
                                     " ORDER BY pgark_row"),
                .on_conflict = options_.on_conflict};
  for (size_t c = 0; c < columns_.size(); ++c) {
    if (keys[c] != '1') continue;
    upsert.columns.push_back(columns_[c]);
    upsert.values.push_back(absl::StrCat("c", c, "::", columns_[c]->unmodified_type));
  }
  if (!options_.conflict_columns.empty()) {
    upsert.conflict_target = absl::StrCat("(", QuoteIdentList(options_.conflict_columns), ")");
  } else if (options_.on_conflict == OnConflict::kUpdate) {
    upsert.conflict_target = absl::StrCat("ON CONSTRAINT ", QuoteIdent(table_.PrimaryKey()->name));
  }
  return UpsertSql(upsert);
}

absl::Status StagedLoad::InsertRange(const std::string& keys, int64_t lo, int64_t hi) {
  PGARK_ASSIGN_OR_RETURN(Savepoint step, Savepoint::Open(conn_, "pgark_rows"));
  absl::StatusOr<PgResult> r = conn_.Exec(UpsertFor(keys, lo, hi));
  if (r.ok()) {
    imported_ += r->AffectedRows();
    return step.Release();
  }
  if (absl::IsUnavailable(r.status())) return r.status();
  PGARK_RETURN_IF_ERROR(step.RollBack());
  if (!bisecting_) {
    // Bisection reads row ranges over and over: index them, once, only when it is needed.
    PGARK_RETURN_IF_ERROR(conn_.Exec("CREATE INDEX ON pgark_import (pgark_keys, pgark_row)"));
    bisecting_ = true;
  }
  // Which rows? Count what is in the range; a single row is the culprit, else split.
  PGARK_ASSIGN_OR_RETURN(PgResult rows, conn_.Exec(absl::StrCat(
      "SELECT min(pgark_row) AS lo, max(pgark_row) AS hi FROM pgark_import WHERE pgark_keys = ",
      QuoteLiteral(keys), " AND pgark_row BETWEEN ", lo, " AND ", hi)));
  const PgRow range(rows, 0);
  if (range.IsNull("lo")) return absl::OkStatus();
  lo = range.Int("lo");
  hi = range.Int("hi");
  if (lo == hi) {
    std::string message(r.status().message());
    ++refused_;
    return row_errors_(static_cast<uint64_t>(lo), message.substr(0, message.find(" [SQLSTATE")));
  }
  const int64_t mid = lo + (hi - lo) / 2;
  PGARK_RETURN_IF_ERROR(InsertRange(keys, lo, mid));
  return InsertRange(keys, mid + 1, hi);
}

}  // namespace pgark::engine
