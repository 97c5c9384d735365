// COPY streams over a PgConnection. `CopyOutSource` runs `COPY ... TO STDOUT` and hands out
// libpq's own row buffers (zero-copy); `CopyInSink` runs `COPY ... FROM STDIN` and pushes bytes
// with PQputCopyData. Both fetch and check the final PGresult, where server errors arrive.
// While either object is open its connection is busy: `PgConnection::Exec` refuses to run.
#ifndef PGARK_ENGINE_PG_COPY_STREAM_H_
#define PGARK_ENGINE_PG_COPY_STREAM_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "engine/pg/pg_connection.h"
#include "formats/sink.h"
#include "formats/source.h"

namespace pgark::engine {

class CopyOutSource : public formats::Source {
 public:
  // Starts `copy_sql` (a COPY ... TO STDOUT statement). `conn` must outlive this object.
  static absl::StatusOr<std::unique_ptr<CopyOutSource>> Open(PgConnection& conn,
                                                             absl::string_view copy_sql);
  ~CopyOutSource() override;

  // The next row's bytes, valid until the next Read; empty at the end, after which the COPY's
  // final result has been checked (kInternal/kUnavailable/... with the server's message).
  absl::StatusOr<absl::string_view> Read() override;
  // Rows the server reported when the COPY ended.
  int64_t rows() const { return rows_; }

 private:
  CopyOutSource(PgConnection& conn, std::string sql) : conn_(conn), sql_(std::move(sql)) {}
  void FreeBuffer();

  PgConnection& conn_;
  std::string sql_;
  char* buffer_ = nullptr;
  bool done_ = false;
  int64_t rows_ = 0;
  absl::Status status_;
};

class CopyInSink : public formats::Sink {
 public:
  // Starts `copy_sql` (a COPY ... FROM STDIN statement). `conn` must outlive this object.
  static absl::StatusOr<std::unique_ptr<CopyInSink>> Open(PgConnection& conn,
                                                          absl::string_view copy_sql);
  // Aborts the COPY if it was neither closed nor aborted.
  ~CopyInSink() override;

  absl::Status Append(absl::string_view data) override;
  // Ends the COPY and checks the server's verdict: bad data arrives here (class 22 ->
  // kInvalidArgument, constraint violations kAlreadyExists/kFailedPrecondition).
  absl::Status Close() override;
  // Makes the server fail the COPY with `reason`; the transaction must then be rolled back.
  void Abort(absl::string_view reason);

  int64_t rows() const { return rows_; }

 private:
  CopyInSink(PgConnection& conn, std::string sql) : conn_(conn), sql_(std::move(sql)) {}
  absl::Status Finish(const char* error_message);

  PgConnection& conn_;
  std::string sql_;
  bool ended_ = false;
  int64_t rows_ = 0;
  absl::Status status_;
};

}  // namespace pgark::engine

#endif  // PGARK_ENGINE_PG_COPY_STREAM_H_
