// Turns the records of an import file (CSV fields or JSON objects) into rows of the target
// table: which of its insertable columns each record names (its "keys", one '0'/'1' per
// column) and their values as text the server casts. The direct and the staged load
// (import_loads.h) take the same rows. A record that cannot be a row is a row error (the rest
// still load); a header or key naming no column, or a record missing a required column, stops
// the whole import.
#ifndef PGARK_ENGINE_TRANSFER_RECORD_MAPPER_H_
#define PGARK_ENGINE_TRANSFER_RECORD_MAPPER_H_

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/catalog/facts.h"
#include "engine/transfer/importer.h"

namespace pgark::engine {

using Fields = std::vector<std::optional<std::string>>;

struct MappedRow {
  uint64_t n = 0;    // the row's (CSV, after any header) or record's (JSON) number, from 1
  std::string keys;  // per insertable column: '1' when the record names it, else '0'
  Fields values;     // per insertable column: its text, nullopt for NULL or not named
};

// What one record came to.
struct Mapped {
  enum class What { kRow, kHeader, kRowError } what = What::kRow;
  MappedRow row;        // kRow; kRowError: its n only
  std::string message;  // kRowError: "Row 7: ..." / "Record 7: ..."
};

class RecordMapper {
 public:
  // `table` must outlive the mapper.
  RecordMapper(const TableDef& table, const ImportOptions& options);

  // The insertable columns (all but generated ones), in table order.
  const std::vector<const ColumnDef*>& columns() const { return columns_; }
  bool HasColumn(const std::string& name) const { return column_index_.count(name) > 0; }
  // "Row" (CSV) or "Record" (JSON), for messages.
  const char* Label() const;
  // Records that were a header: 0 or 1.
  uint64_t header_rows() const { return header_rows_; }

  // CSV record `n` (1-based, a header included). An error status stops the import.
  absl::StatusOr<Mapped> Csv(const Fields& fields, uint64_t n);
  // JSON record `n` (1-based), its raw text.
  absl::StatusOr<Mapped> Json(absl::string_view raw, uint64_t n);

 private:
  std::string MapName(const std::string& name) const;
  absl::Status DecideHeader(const Fields& fields, bool& is_header);
  Mapped RowError(uint64_t n, absl::string_view message) const;
  // The row from the (column index, value) pairs a record gave.
  absl::StatusOr<Mapped> Complete(uint64_t n, const std::vector<int>& columns, Fields values);

  const TableDef& table_;
  const ImportOptions& options_;
  std::vector<const ColumnDef*> columns_;
  std::map<std::string, int> column_index_;
  std::set<std::string> generated_;  // columns whose values are computed: ignored
  std::optional<std::vector<int>> csv_columns_;  // CSV: the column of each field (-1: ignored)
  uint64_t header_rows_ = 0;
};

}  // namespace pgark::engine

#endif  // PGARK_ENGINE_TRANSFER_RECORD_MAPPER_H_
