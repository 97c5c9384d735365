// `PgConnection` is the only owner of a PGconn. It is move-only; everything else borrows a
// `PgConnection&`. On connect it pins the session settings every dump and restore relies on:
// search_path = pg_catalog (all our SQL is schema-qualified; this is extra protection),
// client_encoding UTF8, DateStyle ISO, IntervalStyle postgres, extra_float_digits 3.
// Not thread-safe: one thread uses a connection at a time.
#ifndef PGARK_ENGINE_PG_PG_CONNECTION_H_
#define PGARK_ENGINE_PG_PG_CONNECTION_H_

#include <libpq-fe.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "engine/options.h"
#include "engine/pg/pg_result.h"

namespace pgark::engine {

class PgConnection {
 public:
  // kUnauthenticated for a bad password, kUnavailable if the server cannot be reached.
  static absl::StatusOr<PgConnection> Connect(const ConnectOptions& options);
  // A connection to the same server's maintenance database (postgres, else template1), to
  // create or drop the database `options` names.
  static absl::StatusOr<PgConnection> ConnectMaintenance(const ConnectOptions& options);

  PgConnection(PgConnection&&) noexcept = default;
  PgConnection& operator=(PgConnection&&) noexcept = default;

  PGconn* raw() const { return conn_.get(); }
  int server_version_num() const { return PQserverVersion(conn_.get()); }
  std::string database() const { return PQdb(conn_.get()); }
  // Whether a transaction block is open (or failed and not yet rolled back).
  bool InTransaction() const { return PQtransactionStatus(conn_.get()) != PQTRANS_IDLE; }

  // Runs one statement (or a script of several) without parameters. Errors carry the SQLSTATE
  // (see pg_status.h). REQUIRES: no COPY is in progress.
  absl::StatusOr<PgResult> Exec(absl::string_view sql);
  // Runs one statement with text parameters bound as $1, $2, ...
  absl::StatusOr<PgResult> ExecParams(absl::string_view sql,
                                      const std::vector<std::string>& params);

  // Marks the start and end of a COPY; Exec checks no COPY is active.
  void set_copy_active(bool active) { copy_active_ = active; }
  bool copy_active() const { return copy_active_; }

  // From now on the server's warnings ("wal_level is insufficient to publish logical
  // changes") are kept for TakeWarnings instead of being printed to stderr by libpq, so that
  // the caller reports them. (Nothing below WARNING is sent: client_min_messages is warning.)
  void CollectWarnings();
  // The warnings collected since the last call, each once, in order.
  std::vector<std::string> TakeWarnings();

 private:
  explicit PgConnection(PGconn* conn) : conn_(conn, &PQfinish) {}
  static void OnNotice(void* warnings, const PGresult* notice);

  std::unique_ptr<PGconn, decltype(&PQfinish)> conn_;
  // Filled by libpq's notice callback once collecting; on the heap so that the pointer the
  // callback holds survives a move.
  std::unique_ptr<std::vector<std::string>> warnings_;
  bool copy_active_ = false;
};

}  // namespace pgark::engine

#endif  // PGARK_ENGINE_PG_PG_CONNECTION_H_
