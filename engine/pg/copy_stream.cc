#include "engine/pg/copy_stream.h"

#include "absl/strings/str_cat.h"
#include "engine/pg/pg_status.h"
#include "engine/log.h"
#include "formats/status_macros.h"

namespace pgark::engine {
namespace {

// Starts a COPY and checks that the server entered the expected COPY state.
absl::Status StartCopy(PgConnection& conn, const std::string& sql, ExecStatusType expected) {
  if (log::Enabled(log::Level::kDebug)) log::Write(log::Level::kDebug, "sql", log::ElideValues(sql));
  PgResult result(PQexec(conn.raw(), sql.c_str()));
  PGARK_RETURN_IF_ERROR(StatusFromResult(result.get(), conn.raw(), sql));
  if (PQresultStatus(result.get()) != expected) {
    return absl::InternalError(absl::StrCat("statement did not start a COPY: ", sql));
  }
  conn.set_copy_active(true);
  return absl::OkStatus();
}

// After a COPY ends, the command's own result (and any error) must be fetched; then libpq
// returns null. Returns the row count from "COPY n".
absl::StatusOr<int64_t> FinishCopy(PgConnection& conn, const std::string& sql) {
  conn.set_copy_active(false);
  absl::Status status;
  int64_t rows = 0;
  while (PGresult* raw = PQgetResult(conn.raw())) {
    PgResult result(raw);
    absl::Status s = StatusFromResult(result.get(), conn.raw(), sql);
    if (s.ok()) {
      rows = result.AffectedRows();
    } else if (status.ok()) {
      status = s;
    }
  }
  if (!status.ok()) return status;
  return rows;
}

}  // namespace

absl::StatusOr<std::unique_ptr<CopyOutSource>> CopyOutSource::Open(PgConnection& conn,
                                                                   absl::string_view copy_sql) {
  std::string sql(copy_sql);
  PGARK_RETURN_IF_ERROR(StartCopy(conn, sql, PGRES_COPY_OUT));
  return std::unique_ptr<CopyOutSource>(new CopyOutSource(conn, std::move(sql)));
}

CopyOutSource::~CopyOutSource() {
  FreeBuffer();
  if (!done_) {
    // Abandoned mid-stream: drain so the connection is usable (or at least not stuck).
    char* buf = nullptr;
    while (PQgetCopyData(conn_.raw(), &buf, 0) > 0) PQfreemem(buf);
    (void)FinishCopy(conn_, sql_);
  }
}

void CopyOutSource::FreeBuffer() {
  if (buffer_ != nullptr) {
    PQfreemem(buffer_);
    buffer_ = nullptr;
  }
}

absl::StatusOr<absl::string_view> CopyOutSource::Read() {
  if (!status_.ok()) return status_;
  FreeBuffer();
  if (done_) return absl::string_view();
  int n = PQgetCopyData(conn_.raw(), &buffer_, /*async=*/0);
  if (n > 0) return absl::string_view(buffer_, static_cast<size_t>(n));
  done_ = true;
  absl::StatusOr<int64_t> rows = FinishCopy(conn_, sql_);
  if (n == -2 && rows.ok()) {
    rows = absl::UnavailableError(absl::StrCat("COPY failed: ", ConnectionErrorLine(conn_.raw())));
  }
  if (!rows.ok()) {
    status_ = rows.status();
    return status_;
  }
  rows_ = *rows;
  return absl::string_view();
}

absl::StatusOr<std::unique_ptr<CopyInSink>> CopyInSink::Open(PgConnection& conn,
                                                             absl::string_view copy_sql) {
  std::string sql(copy_sql);
  PGARK_RETURN_IF_ERROR(StartCopy(conn, sql, PGRES_COPY_IN));
  return std::unique_ptr<CopyInSink>(new CopyInSink(conn, std::move(sql)));
}

CopyInSink::~CopyInSink() {
  if (!ended_) Abort("pgark: copy abandoned");
}

absl::Status CopyInSink::Append(absl::string_view data) {
  if (!status_.ok()) return status_;
  if (ended_) return status_ = absl::FailedPreconditionError("append after COPY ended");
  while (!data.empty()) {
    // PQputCopyData takes an int length.
    size_t n = std::min<size_t>(data.size(), 1 << 30);
    if (PQputCopyData(conn_.raw(), data.data(), static_cast<int>(n)) != 1) {
      status_ = absl::UnavailableError(
          absl::StrCat("sending COPY data failed: ", ConnectionErrorLine(conn_.raw())));
      Abort("pgark: send failed");
      return status_;
    }
    data.remove_prefix(n);
  }
  return absl::OkStatus();
}

absl::Status CopyInSink::Finish(const char* error_message) {
  ended_ = true;
  if (PQputCopyEnd(conn_.raw(), error_message) != 1) {
    conn_.set_copy_active(false);
    return absl::UnavailableError(
        absl::StrCat("ending COPY failed: ", ConnectionErrorLine(conn_.raw())));
  }
  absl::StatusOr<int64_t> rows = FinishCopy(conn_, sql_);
  if (!rows.ok()) return rows.status();
  rows_ = *rows;
  return absl::OkStatus();
}

absl::Status CopyInSink::Close() {
  if (ended_ || !status_.ok()) return status_;
  status_ = Finish(nullptr);
  return status_;
}

void CopyInSink::Abort(absl::string_view reason) {
  if (ended_) return;
  std::string text(reason);
  // The server answers with an error for the COPY, which is what we asked for.
  (void)Finish(text.c_str());
  if (status_.ok()) status_ = absl::AbortedError(text);
}

}  // namespace pgark::engine
