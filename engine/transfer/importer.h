// `Import` loads a JSON (array or JSON Lines) or CSV file from the backup directory into a
// table. The file streams into a text-typed staging table with COPY (bounded memory whatever
// the file size); then one INSERT ... SELECT with the server's casts moves the rows, in one
// statement when every row is good. When it fails, the row range is bisected in savepoints:
// good rows still go in in bulk and each bad row is reported ("Row 7: invalid input syntax for
// type integer: \"abc\""). With `atomic`, any bad row rolls everything back. Unknown columns,
// missing required columns and files that are not JSON/CSV at all import nothing.
#ifndef PGARK_ENGINE_TRANSFER_IMPORTER_H_
#define PGARK_ENGINE_TRANSFER_IMPORTER_H_

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/options.h"
#include "engine/progress.h"

namespace pgark::engine {

enum class ImportFormat { kJson, kCsv };

struct ImportOptions {
  std::string backup_dir;
  std::string file;   // a plain name inside backup_dir
  std::string table;  // as the user typed it
  ImportFormat format = ImportFormat::kJson;
  // Decrypts an encrypted export (one that starts with the encryption header).
  std::shared_ptr<const formats::EncryptionKey> key;
  OnConflict on_conflict = OnConflict::kError;
  std::optional<bool> has_headers;  // CSV; nullopt: a first row naming columns is a header
  std::vector<std::pair<std::string, std::string>> map;  // file column -> table column
  std::vector<std::string> conflict_columns;  // default: the primary key
  bool atomic = false;
};

struct ImportResult {
  int64_t imported_records = 0;  // inserted or updated
  int64_t skipped_rows = 0;      // left out by on_conflict skip
  int64_t total_records = 0;     // records read from the file
  std::vector<std::string> errors;  // the first 100 row errors
  int64_t error_count = 0;
  int64_t duration_ms = 0;
};

// kInvalidArgument for a bad file name, a file that is not JSON/CSV, unknown or missing
// required columns, or (atomic) a bad row; kNotFound for a missing file or table.
absl::StatusOr<ImportResult> Import(const ConnectOptions& connect, const ImportOptions& options,
                                    ProgressListener* listener);

}  // namespace pgark::engine

#endif  // PGARK_ENGINE_TRANSFER_IMPORTER_H_
