// RAII transactions and savepoints on a PgConnection. A Transaction that is destroyed without
// Commit() rolls back (if the connection is still in a transaction: a failed ROLLBACK means
// the connection is gone, and the server rolls back on its own), so every early return of a
// restore or import leaves the database as it was. A Savepoint runs one step that may fail
// without ending its transaction: RollBack() undoes the step, Release() keeps it.
#ifndef PGARK_ENGINE_PG_TRANSACTION_H_
#define PGARK_ENGINE_PG_TRANSACTION_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "engine/pg/pg_connection.h"

namespace pgark::engine {

class Transaction {
 public:
  // "BEGIN" followed by `mode` ("ISOLATION LEVEL REPEATABLE READ, READ ONLY"), if any.
  static absl::StatusOr<Transaction> Begin(PgConnection& conn, absl::string_view mode = "");

  Transaction(Transaction&& other) noexcept : conn_(other.conn_), open_(other.open_) {
    other.open_ = false;
  }
  Transaction& operator=(Transaction&& other) noexcept {
    if (this != &other) {
      RollBack();
      conn_ = other.conn_;
      open_ = other.open_;
      other.open_ = false;
    }
    return *this;
  }
  ~Transaction() { RollBack(); }

  absl::Status Commit();
  // Rolls back now (idempotent); also what the destructor does.
  void RollBack();

 private:
  explicit Transaction(PgConnection& conn) : conn_(&conn), open_(true) {}
  PgConnection* conn_;
  bool open_;
};

class Savepoint {
 public:
  static absl::StatusOr<Savepoint> Open(PgConnection& conn, std::string name);

  Savepoint(Savepoint&& other) noexcept
      : conn_(other.conn_), name_(std::move(other.name_)), open_(other.open_) {
    other.open_ = false;
  }
  Savepoint& operator=(Savepoint&&) = delete;
  // An open savepoint is left to its transaction (whose rollback undoes it).
  ~Savepoint() = default;

  // Keeps what was done since Open.
  absl::Status Release();
  // Undoes what was done since Open, and releases the savepoint.
  absl::Status RollBack();

 private:
  Savepoint(PgConnection& conn, std::string name)
      : conn_(&conn), name_(std::move(name)), open_(true) {}
  PgConnection* conn_;
  std::string name_;
  bool open_;
};

}  // namespace pgark::engine

#endif  // PGARK_ENGINE_PG_TRANSACTION_H_
