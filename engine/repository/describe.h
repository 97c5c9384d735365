// What an agent or operator needs to know before choosing a backup or a table: one backup
// described from its manifest (tables with rows and sizes, chain, encryption, last check), and
// the live database's tables with the catalog's estimates.
#ifndef PGARK_ENGINE_REPOSITORY_DESCRIBE_H_
#define PGARK_ENGINE_REPOSITORY_DESCRIBE_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/catalog/facts.h"
#include "engine/options.h"
#include "engine/repository/backup_files.h"
#include "formats/encryption.h"

namespace pgark::engine {

struct DescribedTable {
  std::string name;  // display name: "books", "app.orders"
  int64_t rows = 0;
  uint64_t stored_bytes = 0;  // its data in the archive, compressed
  uint64_t raw_bytes = 0;     // its COPY text
};

struct BackupDescription {
  formats::Manifest manifest;  // the file's own facts (sealed ones without the key)
  // False for an encrypted backup described without its key: no tables, no counts.
  bool facts_known = true;
  std::vector<DescribedTable> tables;
  std::optional<CheckRecord> last_check;
};

// kNotFound / kInvalidArgument / kDataLoss as LoadBackup says.
absl::StatusOr<BackupDescription> DescribeBackup(
    const std::string& backup_dir, const std::string& backup_file,
    std::shared_ptr<const formats::EncryptionKey> key);

// The export files (db_export_*) in `backup_dir`, by name; none when it does not exist.
std::vector<std::string> ListExportFiles(const std::string& backup_dir);

// The whole of the small file `name` (a plain name) in the repository at `backup_dir`.
// kInvalidArgument for a name that is not plain; kNotFound; kFailedPrecondition past
// `max_bytes`.
absl::StatusOr<std::string> ReadRepositoryFile(const std::string& backup_dir,
                                               const std::string& name, uint64_t max_bytes);

// The database's tables (ordinary, partitioned, foreign) with estimated rows and sizes.
absl::StatusOr<std::vector<TableRef>> ListDatabaseTables(const ConnectOptions& connect);

}  // namespace pgark::engine

#endif  // PGARK_ENGINE_REPOSITORY_DESCRIBE_H_
