#include "engine/dump/parallel_dump.h"

#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "engine/pg/copy_stream.h"
#include "engine/pg/pg_connection.h"
#include "engine/ddl/schema_sql.h"
#include "engine/ddl/sql_text.h"
#include "formats/archive_layout.h"
#include "formats/status_macros.h"

namespace pgark::engine {
namespace {

// Lets a worker's COPY stop as soon as the backup is abandoned.
class StopCheck : public formats::ForwardingSink {
 public:
  explicit StopCheck(const std::atomic<bool>& stop) : stop_(stop) {}

 protected:
  absl::Status Transform(absl::string_view data) override {
    if (stop_.load()) return absl::CancelledError("backup abandoned");
    return Forward(data);
  }

 private:
  const std::atomic<bool>& stop_;
};

}  // namespace

absl::StatusOr<int64_t> StreamTableMember(PgConnection& conn, const TableDef& table,
                                          formats::Sink& member, formats::Sink& rows,
                                          const std::string& copy_out) {
  PGARK_RETURN_IF_ERROR(member.Append(CopyFromStdinLine(table)));
  PGARK_ASSIGN_OR_RETURN(std::unique_ptr<CopyOutSource> copy, CopyOutSource::Open(conn, copy_out));
  PGARK_RETURN_IF_ERROR(formats::Pump(*copy, rows).status());
  PGARK_RETURN_IF_ERROR(rows.Close());
  PGARK_RETURN_IF_ERROR(member.Append(kCopyTrailer));
  return copy->rows();
}

ParallelDataDumper::ParallelDataDumper(ConnectOptions connect, std::string snapshot,
                                       std::vector<DataPiece> pieces,
                                       formats::ArchiveWriter& writer, std::string spool_dir)
    : connect_(std::move(connect)),
      snapshot_(std::move(snapshot)),
      pieces_(std::move(pieces)),
      writer_(writer),
      spool_dir_(std::move(spool_dir)),
      state_(pieces_.size(), State::kFree),
      done_(pieces_.size()) {}

ParallelDataDumper::~ParallelDataDumper() {
  {
    // Under the lock, so that workers waiting for a table re-check and see it.
    absl::MutexLock lock(&mu_);
    stop_.store(true);
  }
  for (std::thread& t : threads_) t.join();
}

absl::Status ParallelDataDumper::Start(int workers) {
  for (int i = 0; i < workers; ++i) {
    PGARK_ASSIGN_OR_RETURN(PgConnection conn, PgConnection::Connect(connect_));
    // The same snapshot as the backup's own transaction: every table as of one moment.
    PGARK_RETURN_IF_ERROR(conn.Exec("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY"));
    PGARK_RETURN_IF_ERROR(
        conn.Exec(absl::StrCat("SET TRANSACTION SNAPSHOT ", QuoteLiteral(snapshot_))));
    PGARK_RETURN_IF_ERROR(conn.Exec("SET LOCAL TimeZone = 'UTC'; SET LOCAL bytea_output = hex"));
    conns_.push_back(std::make_unique<PgConnection>(std::move(conn)));
  }
  window_ = static_cast<size_t>(workers) + 1;
  for (auto& conn : conns_) threads_.emplace_back([this, c = conn.get()] { Work(c); });
  return absl::OkStatus();
}

void ParallelDataDumper::Work(PgConnection* conn) {
  while (!stop_.load()) {
    size_t i = pieces_.size();
    {
      absl::MutexLock lock(&mu_);
      // The first free table within the window ahead of the caller, or wait for one. (The
      // condition only decides when to stop waiting: the mutex may evaluate it on another
      // thread, before someone else claims what it found.)
      auto first_free = [this]() {
        for (size_t j = next_take_; j < pieces_.size() && j < next_take_ + window_; ++j) {
          if (state_[j] == State::kFree) return j;
        }
        return pieces_.size();
      };
      auto claimable = [this, &first_free]() {
        return stop_.load() || next_take_ >= pieces_.size() || first_free() < pieces_.size();
      };
      mu_.Await(absl::Condition(&claimable));
      if (!stop_.load()) i = first_free();
      if (i == pieces_.size()) return;  // stopping, or nothing left
      state_[i] = State::kWorker;
    }
    Spooled result = Dump(*conn, pieces_[i], i);
    const bool failed = !result.status.ok();
    absl::MutexLock lock(&mu_);
    done_[i] = std::move(result);
    state_[i] = State::kDone;
    if (failed) return;  // the caller reports it when it gets there
  }
}

ParallelDataDumper::Spooled ParallelDataDumper::Dump(PgConnection& conn, const DataPiece& piece,
                                                     size_t i) {
  Spooled out;
  const std::string path = formats::JoinPath(
      spool_dir_, absl::StrCat(".pgark-spool-", ::getpid(), "-", i));
  absl::StatusOr<std::unique_ptr<formats::MemberSpool>> spool = writer_.NewSpool(path);
  if (!spool.ok()) {
    out.status = spool.status();
    return out;
  }
  out.spool = *std::move(spool);
  formats::Sink& member = out.spool->sink();
  StopCheck check(stop_);
  formats::RowDigestTap digest(&member);
  digest.set_close_downstream(false);  // the member is ended by Finish
  check.set_downstream(&digest);
  absl::StatusOr<int64_t> rows = StreamTableMember(conn, *piece.table, member, check, piece.copy_out);
  absl::Status s = rows.status();
  if (s.ok()) {
    out.rows = *rows;
    out.digest = digest.digest();
  }
  absl::StatusOr<formats::MemberEntry> entry = out.spool->Finish();
  if (s.ok()) s = entry.status();
  if (s.ok()) out.entry = *std::move(entry);
  out.status = s;
  return out;
}

std::optional<ParallelDataDumper::Spooled> ParallelDataDumper::Take(size_t i) {
  absl::MutexLock lock(&mu_);
  next_take_ = i + 1;  // workers may now look further ahead
  if (state_[i] == State::kFree) {
    state_[i] = State::kCaller;
    return std::nullopt;
  }
  mu_.Await(absl::Condition(
      +[](State* s) { return *s == State::kDone; }, &state_[i]));
  return std::move(done_[i]);
}

}  // namespace pgark::engine
