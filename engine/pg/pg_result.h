// `PgResult` owns a PGresult and offers typed accessors. Move-only.
#ifndef PGARK_ENGINE_PG_PG_RESULT_H_
#define PGARK_ENGINE_PG_PG_RESULT_H_

#include <libpq-fe.h>

#include <cstdint>
#include <cstdlib>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "absl/base/internal/raw_logging.h"
#include "absl/strings/string_view.h"

namespace pgark::engine {

class PgResult {
 public:
  PgResult() = default;
  explicit PgResult(PGresult* result) : result_(result, &PQclear) {}

  const PGresult* get() const { return result_.get(); }
  int rows() const { return PQntuples(result_.get()); }
  bool IsNull(int row, int col) const { return PQgetisnull(result_.get(), row, col) != 0; }
  absl::string_view Text(int row, int col) const {
    return absl::string_view(PQgetvalue(result_.get(), row, col),
                             static_cast<size_t>(PQgetlength(result_.get(), row, col)));
  }
  std::string String(int row, int col) const { return std::string(Text(row, col)); }
  int64_t Int(int row, int col) const {
    return std::strtoll(PQgetvalue(result_.get(), row, col), nullptr, 10);
  }
  bool Bool(int row, int col) const { return Text(row, col) == "t"; }
  // First byte of a "char" column, or 0 when empty (attidentity, relkind, contype, ...).
  char Char(int row, int col) const {
    absl::string_view t = Text(row, col);
    return t.empty() ? 0 : t[0];
  }
  // The index of the column named `name` (as the query's SELECT list names it: give every
  // column an alias), looked up with PQfnumber once per result and name. A name the query does
  // not have is a programming error: the process stops with the name.
  int Column(const char* name) const {
    auto it = columns_.find(name);
    if (it != columns_.end()) return it->second;
    const int index = PQfnumber(result_.get(), name);
    if (index < 0) ABSL_RAW_LOG(FATAL, "query result has no column \"%s\"", name);
    columns_.emplace(name, index);
    return index;
  }
  // Rows affected by an INSERT/UPDATE/DELETE/COPY ("COPY 42" -> 42).
  int64_t AffectedRows() const {
    return std::strtoll(PQcmdTuples(result_.get()), nullptr, 10);
  }

 private:
  std::unique_ptr<PGresult, decltype(&PQclear)> result_{nullptr, &PQclear};
  mutable std::map<std::string, int, std::less<>> columns_;
};

// One row of a PgResult, read by column name (PgResult::Column: the index is looked up once
// per result and name). Catalog code reads rows only this way, never by position, so a query's
// SELECT list can change without silently shifting what each field means.
class PgRow {
 public:
  PgRow(const PgResult& result, int row) : r_(result), row_(row) {}

  bool IsNull(const char* col) const { return r_.IsNull(row_, r_.Column(col)); }
  absl::string_view Text(const char* col) const { return r_.Text(row_, r_.Column(col)); }
  std::string String(const char* col) const { return r_.String(row_, r_.Column(col)); }
  int64_t Int(const char* col) const { return r_.Int(row_, r_.Column(col)); }
  uint32_t Oid(const char* col) const { return static_cast<uint32_t>(Int(col)); }
  bool Bool(const char* col) const { return r_.Bool(row_, r_.Column(col)); }
  char Char(const char* col) const { return r_.Char(row_, r_.Column(col)); }

 private:
  const PgResult& r_;
  int row_;
};

// `for (PgRow row : Rows(result))`.
class Rows {
 public:
  explicit Rows(const PgResult& result) : r_(result) {}
  class Iterator {
   public:
    Iterator(const PgResult& r, int row) : r_(r), row_(row) {}
    PgRow operator*() const { return PgRow(r_, row_); }
    Iterator& operator++() {
      ++row_;
      return *this;
    }
    bool operator!=(const Iterator& other) const { return row_ != other.row_; }

   private:
    const PgResult& r_;
    int row_;
  };
  Iterator begin() const { return Iterator(r_, 0); }
  Iterator end() const { return Iterator(r_, r_.rows()); }

 private:
  const PgResult& r_;
};

}  // namespace pgark::engine

#endif  // PGARK_ENGINE_PG_PG_RESULT_H_
