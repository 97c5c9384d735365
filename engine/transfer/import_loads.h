// The two ways an import loads the rows a RecordMapper makes, in the import's transaction.
// DirectLoad: straight into `COPY table FROM STDIN`, as fast as psql's \copy; every row must
// name the same columns and the server must take every row. StagedLoad: into a temporary text
// table, then into the table by INSERT ... SELECT (UpsertSql, with --on-conflict), range by
// range, bisecting a refused range down to the rows at fault, so each bad row is reported and
// the good ones still go in.
#ifndef PGARK_ENGINE_TRANSFER_IMPORT_LOADS_H_
#define PGARK_ENGINE_TRANSFER_IMPORT_LOADS_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/catalog/facts.h"
#include "engine/pg/copy_stream.h"
#include "engine/pg/pg_connection.h"
#include "engine/transfer/importer.h"
#include "engine/transfer/record_mapper.h"

namespace pgark::engine {

class RowLoad {
 public:
  virtual ~RowLoad() = default;
  virtual absl::Status Add(const MappedRow& row) = 0;
  // After the last row: loads what is left; the rows that went in are in imported().
  virtual absl::Status Finish() = 0;
  // Ends a load that will not finish (its COPY is aborted with `reason`).
  virtual void Abort(absl::string_view reason) = 0;
  int64_t added() const { return added_; }
  int64_t imported() const { return imported_; }
  int64_t refused() const { return refused_; }

 protected:
  int64_t added_ = 0;     // rows handed to the load
  int64_t imported_ = 0;  // rows inserted or updated
  int64_t refused_ = 0;   // rows the server refused (reported one by one)
};

class DirectLoad : public RowLoad {
 public:
  DirectLoad(PgConnection& conn, const TableDef& table, const std::vector<const ColumnDef*>& columns)
      : conn_(conn), table_(table), columns_(columns) {}
  absl::Status Add(const MappedRow& row) override;
  absl::Status Finish() override;
  void Abort(absl::string_view reason) override;
  // After a failure: whether a staged load may still load the file (the server refused a row,
  // or rows name different columns).
  bool staging_may_help() const { return staging_may_help_; }

 private:
  PgConnection& conn_;
  const TableDef& table_;
  const std::vector<const ColumnDef*>& columns_;
  std::unique_ptr<CopyInSink> copy_;  // started by the first row, which names its columns
  std::string keys_;                  // the columns every row names
  bool staging_may_help_ = false;
};

class StagedLoad : public RowLoad {
 public:
  // Reports each row the server refuses (`n`, its message) as it is found; a status other
  // than OK stops the load (an atomic import).
  using RowErrors = std::function<absl::Status(uint64_t n, absl::string_view message)>;
  StagedLoad(PgConnection& conn, const TableDef& table,
             const std::vector<const ColumnDef*>& columns, const ImportOptions& options,
             RowErrors row_errors)
      : conn_(conn), table_(table), columns_(columns), options_(options),
        row_errors_(std::move(row_errors)) {}
  // Creates the staging table and starts its COPY.
  absl::Status Open();
  absl::Status Add(const MappedRow& row) override;
  absl::Status Finish() override;
  void Abort(absl::string_view reason) override;

 private:
  absl::Status InsertRange(const std::string& keys, int64_t lo, int64_t hi);
  std::string UpsertFor(const std::string& keys, int64_t lo, int64_t hi) const;

  PgConnection& conn_;
  const TableDef& table_;
  const std::vector<const ColumnDef*>& columns_;  // the staging table has c0..cN
  const ImportOptions& options_;
  RowErrors row_errors_;
  std::unique_ptr<CopyInSink> copy_;
  std::set<std::string> key_sets_;  // the distinct column sets rows name
  bool bisecting_ = false;          // the staging index exists
};

}  // namespace pgark::engine

#endif  // PGARK_ENGINE_TRANSFER_IMPORT_LOADS_H_
