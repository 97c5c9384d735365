#include "engine/transfer/record_mapper.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "formats/copy_text.h"
#include "formats/record_readers.h"
#include "formats/status_macros.h"

namespace pgark::engine {
namespace {

using JsonValue = nlohmann::json;

std::string ArrayLiteral(const JsonValue& a);

std::string ArrayElement(const JsonValue& v) {
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

std::string ArrayLiteral(const JsonValue& a) {
  std::vector<std::string> items;
  for (const JsonValue& v : a) items.push_back(ArrayElement(v));
  return absl::StrCat("{", absl::StrJoin(items, ","), "}");
}

// The text the server gets for one JSON value, for a column of type `type`; nullopt is SQL
// NULL. The server's cast to `type` then does the real conversion.
absl::StatusOr<std::optional<std::string>> JsonValueText(const std::string& raw,
                                                         const std::string& type) {
  if (raw == "null") return std::optional<std::string>();
  const bool is_array_type = type.size() > 2 && type.compare(type.size() - 2, 2, "[]") == 0;
  if (raw[0] == '"' || (is_array_type && raw[0] == '[')) {
    JsonValue v = JsonValue::parse(raw, nullptr, false);
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

}  // namespace

RecordMapper::RecordMapper(const TableDef& table, const ImportOptions& options)
    : table_(table), options_(options) {
  for (const ColumnDef& c : table.columns) {
    if (c.generated != 0) {
      generated_.insert(c.name);  // computed by the server: an import's value is ignored
      continue;
    }
    column_index_[c.name] = static_cast<int>(columns_.size());
    columns_.push_back(&c);
  }
}

const char* RecordMapper::Label() const {
  return options_.format == ImportFormat::kCsv ? "Row" : "Record";
}

Mapped RecordMapper::RowError(uint64_t n, absl::string_view message) const {
  Mapped out{Mapped::What::kRowError, {}, absl::StrCat(Label(), " ", n, ": ", message)};
  out.row.n = n;
  return out;
}

std::string RecordMapper::MapName(const std::string& name) const {
  for (const auto& [from, to] : options_.map) {
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

absl::Status RecordMapper::DecideHeader(const Fields& fields, bool& is_header) {
  // A first row whose fields mostly name columns is a header (its other names are then refused
  // by name, not read as data).
  size_t known = 0;
  for (const auto& f : fields) {
    if (f && (column_index_.count(MapName(*f)) || generated_.count(MapName(*f)))) ++known;
  }
  is_header = options_.has_headers.value_or(known > 0 && 2 * known > fields.size());
  csv_columns_.emplace();
  if (!is_header) {
    for (size_t i = 0; i < columns_.size(); ++i) csv_columns_->push_back(static_cast<int>(i));
    return absl::OkStatus();
  }
  std::set<std::string> named;
  for (const auto& f : fields) {
    std::string name = MapName(f.value_or(""));
    if (!named.insert(name).second) {
      return absl::InvalidArgumentError(absl::StrCat(
          "the header names column \"", name, "\" twice; nothing was imported"));
    }
    auto it = column_index_.find(name);
    if (it != column_index_.end() || generated_.count(name)) {
      csv_columns_->push_back(it != column_index_.end() ? it->second : -1);
      continue;
    }
    std::vector<std::string> names;
    for (const ColumnDef* c : columns_) names.push_back(c->name);
    return absl::InvalidArgumentError(absl::StrCat(
        "the header names column \"", name, "\", which \"", table_.ref.DisplayName(),
        "\" does not have (it has: ", absl::StrJoin(names, ", "), "); nothing was imported"));
  }
  header_rows_ = 1;
  return absl::OkStatus();
}

absl::StatusOr<Mapped> RecordMapper::Csv(const Fields& fields, uint64_t n) {
  if (!csv_columns_) {
    bool is_header = false;
    PGARK_RETURN_IF_ERROR(DecideHeader(fields, is_header));
    if (is_header) return Mapped{Mapped::What::kHeader, {}, ""};
  }
  const uint64_t row = n - header_rows_;
  if (fields.size() != csv_columns_->size()) {
    return RowError(row, absl::StrCat("has ", fields.size(), " fields, expected ",
                                      csv_columns_->size()));
  }
  std::vector<int> columns;
  Fields values;
  for (size_t i = 0; i < fields.size(); ++i) {
    if ((*csv_columns_)[i] < 0) continue;  // a generated column
    columns.push_back((*csv_columns_)[i]);
    values.push_back(fields[i]);
  }
  return Complete(row, columns, std::move(values));
}

absl::StatusOr<Mapped> RecordMapper::Json(absl::string_view raw, uint64_t n) {
  absl::StatusOr<std::vector<std::pair<std::string, std::string>>> members =
      formats::JsonObjectMembers(raw);
  if (!members.ok()) return RowError(n, members.status().message());
  std::vector<int> columns;
  Fields values;
  for (const auto& [key, value] : *members) {
    std::string name = MapName(key);
    if (generated_.count(name)) continue;
    auto it = column_index_.find(name);
    if (it == column_index_.end()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "Record ", n, " has the key \"", name, "\", which is not a column of \"",
          table_.ref.DisplayName(), "\"; nothing was imported"));
    }
    // Two keys for one column: which one was meant is not ours to guess.
    if (std::find(columns.begin(), columns.end(), it->second) != columns.end()) {
      return RowError(n, absl::StrCat("has the key \"", key, "\" twice (or two keys for column \"",
                                      name, "\")"));
    }
    absl::StatusOr<std::optional<std::string>> text =
        JsonValueText(value, columns_[static_cast<size_t>(it->second)]->type);
    if (!text.ok()) return RowError(n, absl::StrCat("\"", key, "\" ", text.status().message()));
    columns.push_back(it->second);
    values.push_back(*std::move(text));
  }
  return Complete(n, columns, std::move(values));
}

absl::StatusOr<Mapped> RecordMapper::Complete(uint64_t n, const std::vector<int>& columns,
                                              Fields values) {
  Mapped out;
  out.row.n = n;
  out.row.keys.assign(columns_.size(), '0');
  out.row.values.resize(columns_.size());
  for (size_t i = 0; i < columns.size(); ++i) {
    const size_t c = static_cast<size_t>(columns[i]);
    // Checked per value, so that one bad value is one bad row, not a failed COPY.
    if (values[i] && !formats::IsPostgresUtf8(*values[i])) {
      return RowError(n, absl::StrCat("column \"", columns_[c]->name, "\" is not valid UTF-8"));
    }
    out.row.keys[c] = '1';
    out.row.values[c] = std::move(values[i]);
  }
  // A column the record leaves out gets its default; a required one without is refused.
  for (size_t c = 0; c < columns_.size(); ++c) {
    const ColumnDef& col = *columns_[c];
    if (out.row.keys[c] == '0' && col.not_null && col.default_expr.empty() && col.identity == 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          Label(), " ", n, " has no value for \"", col.name, "\", which is NOT NULL without a "
          "default; nothing was imported"));
    }
  }
  return out;
}

}  // namespace pgark::engine
