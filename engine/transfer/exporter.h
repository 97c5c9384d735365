// `Export` writes a table's rows (optionally filtered, limited and narrowed to some columns)
// to an export file in the backup directory: JSON (a pretty array, or JSON Lines) or CSV (RFC
// 4180 with a header, PostgreSQL's own CSV). One `COPY (SELECT ...) TO STDOUT` streams the rows
// straight into the file, in primary-key order when the table has one, with bounded memory.
// The file appears only when complete (temp file, fsync, rename).
#ifndef PGARK_ENGINE_TRANSFER_EXPORTER_H_
#define PGARK_ENGINE_TRANSFER_EXPORTER_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/options.h"
#include "engine/progress.h"

namespace pgark::engine {

enum class ExportFormat { kJson, kCsv };

// `column = value`, `column IS NULL` (a nullopt value) or, with several values,
// `column IN (...)` (a nullopt among them adds `OR column IS NULL`).
struct WhereFilter {
  std::string column;
  std::vector<std::optional<std::string>> values;
};

struct ExportOptions {
  std::string backup_dir;
  std::string table;  // as the user typed it
  ExportFormat format = ExportFormat::kJson;
  bool ndjson = false;  // JSON Lines instead of an array
  std::vector<WhereFilter> where;  // ANDed
  int64_t limit = 0;               // 0: no limit
  std::vector<std::string> columns;  // empty: all columns, in table order
  std::shared_ptr<const formats::EncryptionKey> key;  // set: encrypt the file (".enc" added)
};

struct ExportResult {
  std::string export_file;
  std::string format;  // "json" or "csv"
  int64_t record_count = 0;
  int64_t duration_ms = 0;
};

// kNotFound for an unknown table; kInvalidArgument for an unknown column, an empty filter or a
// value the column's type does not accept; connection and storage errors as for backups.
absl::StatusOr<ExportResult> Export(const ConnectOptions& connect, const ExportOptions& options,
                                    ProgressListener* listener);

}  // namespace pgark::engine

#endif  // PGARK_ENGINE_TRANSFER_EXPORTER_H_
