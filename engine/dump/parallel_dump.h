// Parallel backup: extra connections that share the backup's exported snapshot dump table data
// ahead of the archive writer, each table (or part of a big one) into its own spooled member (a hidden temporary file
// in the backup directory, compressed like any member), which the writer then appends in plan
// order. The archive is byte-for-byte the same kind of file; only the work overlaps. Used for
// unencrypted full and table backups (a spool holds plaintext).
#ifndef PGARK_ENGINE_DUMP_PARALLEL_DUMP_H_
#define PGARK_ENGINE_DUMP_PARALLEL_DUMP_H_

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "engine/catalog/facts.h"
#include "engine/pg/pg_connection.h"
#include "engine/options.h"
#include "formats/archive_writer.h"
#include "formats/row_digest.h"

namespace pgark::engine {

// Writes one table's data member: the COPY line into `member`, the table's rows (`copy_out`,
// a COPY TO STDOUT, on `conn`) into `rows`, a filter chain that ends in `member` and is closed
// here, then the terminating "\\.". Returns the number of rows. Shared by the backup's own
// connection and the parallel ones.
absl::StatusOr<int64_t> StreamTableMember(PgConnection& conn, const TableDef& table,
                                          formats::Sink& member, formats::Sink& rows,
                                          const std::string& copy_out);

// One data member to dump: a table's rows, or one part of them (a range of its pages).
struct DataPiece {
  const TableDef* table = nullptr;
  std::string copy_out;  // the COPY ... TO STDOUT that reads it
  int part = 0;          // 0: the whole table; else 1, 2, ... (MemberEntry::part)
};

class ParallelDataDumper {
 public:
  struct Spooled {
    std::unique_ptr<formats::MemberSpool> spool;
    formats::MemberEntry entry;  // sizes and digests; the caller fills in the rest
    int64_t rows = 0;
    formats::RowDigest digest;
    absl::Status status;
  };

  // `pieces`: the data members in plan order (their tables must outlive this object).
  ParallelDataDumper(ConnectOptions connect, std::string snapshot, std::vector<DataPiece> pieces,
                     formats::ArchiveWriter& writer, std::string spool_dir);
  ~ParallelDataDumper();  // stops the workers, joins them, removes their spools

  // Connects `workers` connections to the snapshot and starts them.
  absl::Status Start(int workers);

  // For pieces[i], in order: the spooled member if a worker took it (waiting for it to finish),
  // or nullopt if none did, in which case the caller dumps it itself.
  std::optional<Spooled> Take(size_t i);

 private:
  enum class State { kFree, kWorker, kDone, kCaller };
  void Work(PgConnection* conn);
  Spooled Dump(PgConnection& conn, const DataPiece& piece, size_t i);

  const ConnectOptions connect_;
  const std::string snapshot_;
  const std::vector<DataPiece> pieces_;
  formats::ArchiveWriter& writer_;
  const std::string spool_dir_;
  std::vector<std::unique_ptr<PgConnection>> conns_;
  std::vector<std::thread> threads_;
  std::atomic<bool> stop_{false};

  absl::Mutex mu_;
  std::vector<State> state_;
  std::vector<Spooled> done_;
  size_t next_take_ = 0;  // the caller's position
  size_t window_ = 1;     // how far ahead of the caller workers may go
};

}  // namespace pgark::engine

#endif  // PGARK_ENGINE_DUMP_PARALLEL_DUMP_H_
