// The parent chain an incremental backup is diffed against (engine/repository/incremental.h):
// found, loaded and verified once, then asked per table whether its rows can be diffed and, if
// so, for the table's rows as of the parent.
#ifndef PGARK_ENGINE_DUMP_INCREMENTAL_BASE_H_
#define PGARK_ENGINE_DUMP_INCREMENTAL_BASE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/catalog/facts.h"
#include "engine/repository/backup_files.h"
#include "formats/encryption.h"
#include "formats/manifest.h"
#include "formats/row_diff.h"

namespace pgark::engine {

class IncrementalBase {
 public:
  // The chain of `base_file`, or of the newest full or incremental backup of `database` with
  // schema and data when `base_file` is empty. kFailedPrecondition when there is none (or it
  // is of another database), kInvalidArgument for a base of the wrong kind, kDataLoss for a
  // missing or damaged link.
  static absl::StatusOr<IncrementalBase> Load(const std::string& backup_dir,
                                              const std::string& base_file,
                                              std::shared_ptr<const formats::EncryptionKey> key,
                                              const std::string& database);

  // The parent's TABLE DATA member of `t` when its rows can be diffed against it (same
  // columns, types and key); null when the table must be stored whole.
  const formats::MemberEntry* DiffableParent(const TableDef& t) const;

  // The parent's entry for `t` (its rows and digest then), or null.
  const formats::TableEntry* ParentTable(const TableDef& t) const;
  // Where the parent read its rows.
  const formats::ChangePoint& parent_change_point() const { return parent().change_point; }

  // Hands `rows` the rows of `t` as of the parent.
  absl::Status ReplayParentRows(const TableDef& t, formats::RowConsumer& rows) const;

  // Sets the manifest's dependencies and base backup.
  void DescribeIn(formats::Manifest& manifest) const;

  // Size of the chain's full backup.
  uint64_t full_size() const { return chain_.front().manifest.size; }

 private:
  explicit IncrementalBase(std::vector<LoadedBackup> chain) : chain_(std::move(chain)) {}
  const formats::Manifest& parent() const { return chain_.back().manifest; }

  std::vector<LoadedBackup> chain_;  // oldest (the full base) first, the parent last
};

}  // namespace pgark::engine

#endif  // PGARK_ENGINE_DUMP_INCREMENTAL_BASE_H_
