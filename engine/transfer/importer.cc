#include "engine/transfer/importer.h"

#include <map>
#include <memory>
#include <set>

#include <nlohmann/json.hpp>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "engine/catalog/catalog.h"
#include "engine/pg/copy_stream.h"
#include "engine/pg/pg_connection.h"
#include "engine/pg/transaction.h"
#include "engine/ddl/sql_text.h"
#include "formats/archive_layout.h"
#include "formats/archive_writer.h"
#include "formats/encryption.h"
#include "formats/file_io.h"
#include "formats/record_readers.h"
#include "formats/status_macros.h"

namespace pgark::engine {
namespace {

using Json = nlohmann::json;
using Fields = std::vector<std::optional<std::string>>;

constexpr size_t kMaxReportedErrors = 100;

// Well-formed UTF-8 as PostgreSQL accepts it: no NUL, no overlong forms, no surrogates, nothing
// past U+10FFFF. Checked per value so that one bad value is one bad row, not a failed COPY.
bool ValidUtf8(absl::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == 0) return false;
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t extra;
    unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
    if (c >= 0xC2 && c <= 0xDF) {
      extra = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
      extra = 2;
      if (c == 0xE0) lo = 0xA0;  // overlong
      if (c == 0xED) hi = 0x9F;  // surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
      extra = 3;
      if (c == 0xF0) lo = 0x90;  // overlong
      if (c == 0xF4) hi = 0x8F;  // past U+10FFFF
    } else {
      return false;
    }
    if (i + extra >= s.size()) return false;  // cut short
    for (size_t k = 1; k <= extra; ++k) {
      const unsigned char b = static_cast<unsigned char>(s[i + k]);
      if (k == 1 ? (b < lo || b > hi) : (b >> 6) != 0x2) return false;
    }
    i += extra + 1;
  }
  return true;
}

std::string ArrayLiteral(const Json& a);

std::string ArrayElement(const Json& v) {
  if (v.is_null()) return "NULL";
  if (v.is_array()) return ArrayLiteral(v);
  std::string text = v.is_string() ? v.get<std::string>() : v.dump();
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') quoted.push_back('\\');
    quoted.push_back(c);
  }
  return quoted + "\"";
}

std::string ArrayLiteral(const Json& a) {
  std::vector<std::string> items;
  for (const Json& v : a) items.push_back(ArrayElement(v));
  return absl::StrCat("{", absl::StrJoin(items, ","), "}");
}

// The text the staging table gets for one JSON value, for a column of type `type`; nullopt is
// SQL NULL. The server's cast to `type` then does the real conversion.
absl::StatusOr<std::optional<std::string>> JsonValueText(const std::string& raw,
                                                         const std::string& type) {
  if (raw == "null") return std::optional<std::string>();
  const bool is_array_type = type.size() > 2 && type.compare(type.size() - 2, 2, "[]") == 0;
  if (raw[0] == '"' || (is_array_type && raw[0] == '[')) {
    Json v = Json::parse(raw, nullptr, false);
    if (v.is_discarded()) return absl::InvalidArgumentError("has a malformed or non-UTF-8 string");
    if (v.is_array()) return std::optional<std::string>(ArrayLiteral(v));
    std::string s = v.get<std::string>();
    // bytea travels as base64 in our JSON exports; "\x..." hex is taken as it is.
    if (type == "bytea" && s.rfind("\\x", 0) != 0) {
      std::string bytes;
      if (!absl::Base64Unescape(s, &bytes)) {
        return absl::InvalidArgumentError("has a bytea value that is neither base64 nor \\x hex");
      }
      s = absl::StrCat("\\x", absl::BytesToHexString(bytes));
    }
    return std::optional<std::string>(std::move(s));
  }
  return std::optional<std::string>(raw);  // numbers keep their digits; objects their text
}

// Appends one field in COPY text format.
void AppendCopyField(std::string& line, const std::optional<std::string>& v) {
  if (!v) {
    line.append("\\N");
    return;
  }
  absl::string_view rest = *v;
  for (;;) {  // runs of plain bytes are copied whole
    size_t special = rest.find_first_of("\\\t\n\r");
    line.append(rest.data(), std::min(special, rest.size()));
    if (special == absl::string_view::npos) return;
    switch (rest[special]) {
      case '\\': line.append("\\\\"); break;
      case '\t': line.append("\\t"); break;
      case '\n': line.append("\\n"); break;
      default: line.append("\\r"); break;
    }
    rest.remove_prefix(special + 1);
  }
}

// Reads the file once and loads its rows in one transaction, in one of two ways. Direct: the
// rows go straight into `COPY table FROM STDIN`, as fast as psql's \copy; it needs every row
// to name the same columns, no conflict handling and a table COPY treats as INSERT does (no
// rules), and a row the server refuses fails the whole COPY. Staged: the rows go into a
// temporary text table, then into the table by INSERT ... SELECT, range by range, bisecting a
// refused range down to the rows at fault, so that each bad row is reported and the good ones
// still go in. An import runs direct when it may, and staged when it must or once the server
// refused a direct one (which is rolled back first).
class Importer {
 public:
  Importer(PgConnection& conn, const ImportOptions& options, ProgressListener& listener,
           ImportResult& result, bool direct)
      : conn_(conn), o_(options), listener_(listener), result_(result), direct_(direct) {}

  absl::Status Run();
  // After Run failed in direct mode: whether a staged import may still load the file (the
  // server refused a row, rows name different columns, or the table needs INSERT).
  bool retry_staged() const { return retry_staged_; }

 private:
  absl::Status Prepare();
  absl::Status Stage();
  absl::Status OnCsvRecord(const Fields& fields, uint64_t n);
  absl::Status OnJsonRecord(absl::string_view raw, uint64_t n);
  absl::Status StageRow(uint64_t n, const std::vector<int>& columns, const Fields& values);
  // Direct: one row into the table's COPY (started by the first row).
  absl::Status CopyRow(const std::string& keys,
                       const std::vector<const std::optional<std::string>*>& by_column);
  void RowError(uint64_t n, absl::string_view message);
  absl::Status InsertAll();
  absl::Status InsertRange(const std::string& keys, int64_t lo, int64_t hi);
  std::string MapName(const std::string& name) const;
  absl::Status Fatal(absl::Status s) {
    fatal_ = s;
    return s;
  }
  std::string Label() const { return o_.format == ImportFormat::kCsv ? "Row" : "Record"; }

  PgConnection& conn_;
  const ImportOptions& o_;
  ProgressListener& listener_;
  ImportResult& result_;
  TableDef def_;
  std::vector<const ColumnDef*> columns_;  // insertable columns; staging has c0..cN
  std::map<std::string, int> column_index_;
  std::unique_ptr<CopyInSink> copy_;
  std::vector<int> csv_columns_;  // CSV: the column of each field
  bool csv_header_decided_ = false;
  uint64_t header_rows_ = 0;
  std::set<std::string> key_sets_;
  int64_t staged_ = 0;         // rows in the staging table
  int64_t insert_errors_ = 0;  // staged rows the server refused
  // Set by a record callback when the whole import must stop (unknown column, missing
  // required column): distinguishes it from a damaged file, which only costs a record.
  absl::Status fatal_;
  std::map<uint64_t, std::string> row_errors_;  // the first errors, in file order
  std::set<std::string> generated_;              // columns whose values are computed
  bool bisecting_ = false;                       // the staging index exists
  const bool direct_;
  std::string direct_keys_;    // direct: the columns every row names (as in key_sets_)
  bool retry_staged_ = false;
};

std::string Importer::MapName(const std::string& name) const {
  for (const auto& [from, to] : o_.map) {
    if (from == name) return to;
  }
  if (column_index_.count(name) || generated_.count(name)) return name;
  // Hand-written headers say "ID" or "Name": take a column that matches without case, if
  // exactly one does.
  std::string match;
  int matches = 0;
  for (const auto& [column, index] : column_index_) {
    if (absl::EqualsIgnoreCase(column, name)) {
      match = column;
      ++matches;
    }
  }
  return matches == 1 ? match : name;
}

void Importer::RowError(uint64_t n, absl::string_view message) {
  ++result_.error_count;
  row_errors_.emplace(n, absl::StrCat(Label(), " ", n, ": ", message));
  if (row_errors_.size() > kMaxReportedErrors) row_errors_.erase(std::prev(row_errors_.end()));
}

absl::Status Importer::Prepare() {
  Catalog catalog(conn_);
  PGARK_ASSIGN_OR_RETURN(TableRef ref, catalog.ResolveTable(o_.table));
  PGARK_ASSIGN_OR_RETURN(def_, catalog.DescribeTable(ref));
  std::vector<std::string> staging = {"pgark_row bigint", "pgark_keys text"};
  for (const ColumnDef& c : def_.columns) {
    if (c.generated != 0) {
      generated_.insert(c.name);  // computed by the server: an import's value is ignored
      continue;
    }
    column_index_[c.name] = static_cast<int>(columns_.size());
    staging.push_back(absl::StrCat("c", columns_.size(), " text"));
    columns_.push_back(&c);
  }
  if ((o_.on_conflict == OnConflict::kUpdate) && o_.conflict_columns.empty() &&
      def_.PrimaryKey() == nullptr) {
    return absl::FailedPreconditionError(absl::StrCat(
        "table \"", ref.DisplayName(), "\" has no primary key; on-conflict update needs "
        "conflict columns"));
  }
  for (const std::string& c : o_.conflict_columns) {
    if (!column_index_.count(c)) {
      return absl::InvalidArgumentError(absl::StrCat("conflict column \"", c, "\" is not a column of \"", ref.DisplayName(), "\""));
    }
  }
  if (direct_) {
    if (!def_.rules.empty()) {  // COPY does not apply them
      retry_staged_ = true;
      return absl::FailedPreconditionError("the import needs staging");
    }
    return absl::OkStatus();  // the COPY starts with the first row, which names its columns
  }
  PGARK_RETURN_IF_ERROR(conn_.Exec(absl::StrCat("CREATE TEMP TABLE pgark_import (",
                                                absl::StrJoin(staging, ", "), ") ON COMMIT DROP")));
  PGARK_ASSIGN_OR_RETURN(copy_, CopyInSink::Open(conn_, "COPY pgark_import FROM STDIN"));
  return absl::OkStatus();
}

absl::Status Importer::CopyRow(const std::string& keys,
                               const std::vector<const std::optional<std::string>*>& by_column) {
  if (copy_ == nullptr) {
    direct_keys_ = keys;
    std::vector<std::string> names;
    for (size_t c = 0; c < columns_.size(); ++c) {
      if (keys[c] == '1') names.push_back(columns_[c]->name);
    }
    PGARK_ASSIGN_OR_RETURN(
        copy_, CopyInSink::Open(conn_, absl::StrCat("COPY ", QualifiedName(def_.ref.schema, def_.ref.name),
                                                    " (", QuoteIdentList(names), ") FROM STDIN")));
  } else if (keys != direct_keys_) {
    retry_staged_ = true;  // a default for some rows' missing columns: only INSERT gives that
    return absl::FailedPreconditionError("rows name different columns");
  }
  std::string line;
  for (size_t c = 0; c < columns_.size(); ++c) {
    if (keys[c] != '1') continue;
    if (!line.empty()) line.push_back('\t');
    AppendCopyField(line, *by_column[c]);
  }
  line.push_back('\n');
  ++staged_;
  return copy_->Append(line);
}

absl::Status Importer::StageRow(uint64_t n, const std::vector<int>& columns, const Fields& values) {
  std::string keys(columns_.size(), '0');
  std::vector<const std::optional<std::string>*> by_column(columns_.size(), nullptr);
  for (size_t i = 0; i < columns.size(); ++i) {
    if (values[i] && !ValidUtf8(*values[i])) {
      RowError(n, absl::StrCat("column \"", columns_[static_cast<size_t>(columns[i])]->name,
                               "\" is not valid UTF-8"));
      return absl::OkStatus();
    }
    keys[static_cast<size_t>(columns[i])] = '1';
    by_column[static_cast<size_t>(columns[i])] = &values[i];
  }
  // A column the record leaves out gets its default; a required one without is refused.
  for (size_t c = 0; c < columns_.size(); ++c) {
    const ColumnDef& col = *columns_[c];
    if (keys[c] == '0' && col.not_null && col.default_expr.empty() && col.identity == 0) {
      return Fatal(absl::InvalidArgumentError(absl::StrCat(
          Label(), " ", n, " has no value for \"", col.name, "\", which is NOT NULL without a "
          "default; nothing was imported")));
    }
  }
  if (direct_) return CopyRow(keys, by_column);
  key_sets_.insert(keys);
  std::string line = absl::StrCat(n, "\t", keys);
  for (size_t c = 0; c < columns_.size(); ++c) {
    line.push_back('\t');
    AppendCopyField(line, by_column[c] != nullptr ? *by_column[c] : std::nullopt);
  }
  line.push_back('\n');
  ++staged_;
  return copy_->Append(line);
}

absl::Status Importer::OnCsvRecord(const Fields& fields, uint64_t n) {
  if (!csv_header_decided_) {
    csv_header_decided_ = true;
    bool all_known = true;
    for (const auto& f : fields) {
      all_known = all_known && f && (column_index_.count(MapName(*f)) || generated_.count(MapName(*f)));
    }
    bool header = o_.has_headers.value_or(all_known);
    if (header) {
      for (const auto& f : fields) {
        std::string name = MapName(f.value_or(""));
        if (generated_.count(name)) {
          csv_columns_.push_back(-1);
          continue;
        }
        auto it = column_index_.find(name);
        if (it == column_index_.end()) {
          std::vector<std::string> names;
          for (const ColumnDef* c : columns_) names.push_back(c->name);
          return Fatal(absl::InvalidArgumentError(absl::StrCat(
              "the header names column \"", name, "\", which \"", def_.ref.DisplayName(),
              "\" does not have (it has: ", absl::StrJoin(names, ", "), "); nothing was imported")));
        }
        csv_columns_.push_back(it->second);
      }
      header_rows_ = 1;
      return absl::OkStatus();
    }
    for (size_t i = 0; i < columns_.size(); ++i) csv_columns_.push_back(static_cast<int>(i));
  }
  uint64_t row = n - header_rows_;
  if (fields.size() != csv_columns_.size()) {
    RowError(row, absl::StrCat("has ", fields.size(), " fields, expected ", csv_columns_.size()));
    return absl::OkStatus();
  }
  std::vector<int> columns;
  Fields values;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (csv_columns_[i] < 0) continue;  // a generated column
    columns.push_back(csv_columns_[i]);
    values.push_back(fields[i]);
  }
  return StageRow(row, columns, values);
}

absl::Status Importer::OnJsonRecord(absl::string_view raw, uint64_t n) {
  absl::StatusOr<std::vector<std::pair<std::string, std::string>>> members = formats::JsonObjectMembers(raw);
  if (!members.ok()) {
    RowError(n, members.status().message());
    return absl::OkStatus();
  }
  std::vector<int> columns;
  Fields values;
  for (const auto& [key, value] : *members) {
    std::string name = MapName(key);
    if (generated_.count(name)) continue;
    auto it = column_index_.find(name);
    if (it == column_index_.end()) {
      return Fatal(absl::InvalidArgumentError(absl::StrCat(
          "Record ", n, " has the key \"", name, "\", which is not a column of \"",
          def_.ref.DisplayName(), "\"; nothing was imported")));
    }
    absl::StatusOr<std::optional<std::string>> text =
        JsonValueText(value, columns_[static_cast<size_t>(it->second)]->type);
    if (!text.ok()) {
      RowError(n, absl::StrCat("\"", key, "\" ", text.status().message()));
      return absl::OkStatus();
    }
    columns.push_back(it->second);
    values.push_back(*std::move(text));
  }
  return StageRow(n, columns, values);
}

// The file to import, decrypted when it is an encrypted export.
absl::StatusOr<std::unique_ptr<formats::Source>> OpenImportFile(
    const std::string& path, const std::shared_ptr<const formats::EncryptionKey>& key) {
  std::string head;
  {
    PGARK_ASSIGN_OR_RETURN(std::unique_ptr<formats::FileSource> probe,
                           formats::FileSource::Open(path, 0, formats::FileSource::kToEnd, 16));
    PGARK_ASSIGN_OR_RETURN(absl::string_view first, probe->Read());
    head = std::string(first);
  }
  const bool encrypted = formats::LooksEncrypted(head);
  if (encrypted && key == nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat("\"", path, "\" is encrypted; set BACKUP_ENCRYPTION_KEY or "
                     "BACKUP_ENCRYPTION_KEY_FILE"));
  }
  return formats::OpenArchiveRange(path, encrypted ? key : nullptr, 0,
                                   formats::FileSource::kToEnd);
}

absl::Status Importer::Stage() {
  const std::string path = formats::JoinPath(o_.backup_dir, o_.file);
  PGARK_ASSIGN_OR_RETURN(std::unique_ptr<formats::Source> source, OpenImportFile(path, o_.key));
  uint64_t records = 0;  // records the readers handed over
  formats::CsvReader csv([&](const Fields& f, uint64_t n) {
    records = n;
    return OnCsvRecord(f, n);
  });
  formats::JsonRecordSplitter json([&](absl::string_view raw, uint64_t n) {
    records = n;
    return OnJsonRecord(raw, n);
  });
  // The readers fail for two reasons: a record callback stopped the import (`fatal_`), or the
  // file is damaged. Damage before the first record means the file is not JSON/CSV at all;
  // later, it costs the record it hit (a truncated file keeps its complete records).
  auto damaged = [&](const absl::Status& s) -> absl::Status {
    if (!fatal_.ok()) return fatal_;
    if (!absl::IsInvalidArgument(s)) return s;
    if (records == 0) return absl::InvalidArgumentError(absl::StrCat("\"", o_.file, "\" ", s.message()));
    ++records;  // the damaged record counts as read
    ++result_.error_count;
    row_errors_.emplace(records - header_rows_, std::string(s.message()));
    return absl::OkStatus();
  };
  bool stopped = false;
  for (;;) {
    PGARK_ASSIGN_OR_RETURN(absl::string_view chunk, source->Read());
    if (chunk.empty()) break;
    listener_.OnBytes(chunk.size());
    if (listener_.Cancelled()) return absl::CancelledError("import cancelled; nothing imported");
    absl::Status s = o_.format == ImportFormat::kCsv ? csv.Append(chunk) : json.Append(chunk);
    if (!s.ok()) {
      PGARK_RETURN_IF_ERROR(damaged(s));
      stopped = true;  // no way to find the next record boundary reliably
      break;
    }
  }
  if (!stopped) {
    absl::Status end = o_.format == ImportFormat::kCsv ? csv.Finish() : json.Finish();
    if (!end.ok()) PGARK_RETURN_IF_ERROR(damaged(end));
  }
  result_.total_records = static_cast<int64_t>(records) - static_cast<int64_t>(header_rows_);
  if (copy_ == nullptr) return absl::OkStatus();  // direct, and no row to load
  absl::Status closed = copy_->Close();
  // Direct: the server refused a row (or the table refuses COPY); staging finds which.
  if (direct_ && !closed.ok() && !absl::IsUnavailable(closed)) retry_staged_ = true;
  return closed;
}

absl::Status Importer::InsertRange(const std::string& keys, int64_t lo, int64_t hi) {
  std::vector<std::string> names, values, updates;
  bool overriding = false;
  for (size_t c = 0; c < columns_.size(); ++c) {
    if (keys[c] != '1') continue;
    const ColumnDef& col = *columns_[c];
    names.push_back(QuoteIdent(col.name));
    values.push_back(absl::StrCat("c", c, "::", col.unmodified_type));
    if (col.identity == 'a') overriding = true;
    else updates.push_back(absl::StrCat(QuoteIdent(col.name), " = EXCLUDED.", QuoteIdent(col.name)));
  }
  std::string conflict;
  if (o_.on_conflict == OnConflict::kSkip) {
    conflict = o_.conflict_columns.empty()
                   ? " ON CONFLICT DO NOTHING"
                   : absl::StrCat(" ON CONFLICT (", QuoteIdentList(o_.conflict_columns), ") DO NOTHING");
  } else if (o_.on_conflict == OnConflict::kUpdate) {
    std::string target = o_.conflict_columns.empty()
                             ? absl::StrCat("ON CONSTRAINT ", QuoteIdent(def_.PrimaryKey()->name))
                             : absl::StrCat("(", QuoteIdentList(o_.conflict_columns), ")");
    conflict = updates.empty() ? absl::StrCat(" ON CONFLICT ", target, " DO NOTHING")
                               : absl::StrCat(" ON CONFLICT ", target, " DO UPDATE SET ",
                                              absl::StrJoin(updates, ", "));
  }
  const std::string sql = absl::StrCat(
      "INSERT INTO ", QualifiedName(def_.ref.schema, def_.ref.name), " (", absl::StrJoin(names, ", "),
      ")", overriding ? " OVERRIDING SYSTEM VALUE" : "", " SELECT ", absl::StrJoin(values, ", "),
      " FROM pgark_import WHERE pgark_keys = ", QuoteLiteral(keys), " AND pgark_row BETWEEN ", lo,
      " AND ", hi, " ORDER BY pgark_row", conflict);
  PGARK_ASSIGN_OR_RETURN(Savepoint step, Savepoint::Open(conn_, "pgark_rows"));
  absl::StatusOr<PgResult> r = conn_.Exec(sql);
  if (r.ok()) {
    result_.imported_records += r->AffectedRows();
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
    message = message.substr(0, message.find(" [SQLSTATE"));
    RowError(static_cast<uint64_t>(lo), message);
    ++insert_errors_;
    if (o_.atomic) {
      return absl::InvalidArgumentError(absl::StrCat(Label(), " ", lo, ": ", message,
                                                     " (--atomic: nothing imported)"));
    }
    return absl::OkStatus();
  }
  int64_t mid = lo + (hi - lo) / 2;
  PGARK_RETURN_IF_ERROR(InsertRange(keys, lo, mid));
  return InsertRange(keys, mid + 1, hi);
}

absl::Status Importer::InsertAll() {
  for (const std::string& keys : key_sets_) {
    PGARK_RETURN_IF_ERROR(InsertRange(keys, 0, INT64_MAX));
  }
  return absl::OkStatus();
}

absl::Status Importer::Run() {
  // Rolled back on every early return: an import goes in whole or not at all.
  PGARK_ASSIGN_OR_RETURN(Transaction txn, Transaction::Begin(conn_));
  PGARK_RETURN_IF_ERROR(Prepare());
  absl::Status s = Stage();
  if (!s.ok()) {
    if (copy_) copy_->Abort(s.message());
    return s;
  }
  if (o_.atomic && !row_errors_.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(row_errors_.begin()->second,
                                                   " (--atomic: nothing imported)"));
  }
  if (direct_) {
    result_.imported_records = staged_;  // the COPY took every row it was given
    for (auto& [n, message] : row_errors_) result_.errors.push_back(std::move(message));
    return txn.Commit();
  }
  PGARK_RETURN_IF_ERROR(InsertAll());
  // Staged rows that neither went in nor failed were left out by ON CONFLICT DO NOTHING.
  result_.skipped_rows = staged_ - result_.imported_records - insert_errors_;
  for (auto& [n, message] : row_errors_) result_.errors.push_back(std::move(message));
  return txn.Commit();
}

}  // namespace

absl::StatusOr<ImportResult> Import(const ConnectOptions& connect, const ImportOptions& options,
                                    ProgressListener* listener) {
  const absl::Time start = absl::Now();
  PGARK_RETURN_IF_ERROR(formats::ValidateFileName(options.file));
  const std::string path = formats::JoinPath(options.backup_dir, options.file);
  if (absl::StatusOr<uint64_t> size = formats::FileSize(path); !size.ok()) {
    if (absl::IsNotFound(size.status())) {
      return absl::NotFoundError(absl::StrCat("file \"", options.file, "\" not found in \"",
                                              options.backup_dir, "\""));
    }
    return size.status();
  }
  PGARK_ASSIGN_OR_RETURN(PgConnection conn, PgConnection::Connect(connect));
  ImportResult result;
  auto run = [&](bool direct, bool& retry_staged) {
    result = ImportResult{};
    Importer importer(conn, options, ListenerOr(listener), result, direct);
    absl::Status s = importer.Run();
    retry_staged = !s.ok() && importer.retry_staged();
    return s;
  };
  bool retry_staged = false;
  absl::Status s = run(/*direct=*/options.on_conflict == OnConflict::kError, retry_staged);
  if (retry_staged) s = run(/*direct=*/false, retry_staged);
  if (!s.ok()) return s;
  result.duration_ms = absl::ToInt64Milliseconds(absl::Now() - start);
  return result;
}

}  // namespace pgark::engine
