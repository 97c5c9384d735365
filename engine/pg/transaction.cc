#include "engine/pg/transaction.h"

#include "absl/strings/str_cat.h"
#include "engine/ddl/sql_text.h"
#include "formats/status_macros.h"

namespace pgark::engine {

absl::StatusOr<Transaction> Transaction::Begin(PgConnection& conn, absl::string_view mode) {
  PGARK_RETURN_IF_ERROR(conn.Exec(mode.empty() ? std::string("BEGIN")
                                               : absl::StrCat("BEGIN ", mode)));
  return Transaction(conn);
}

absl::Status Transaction::Commit() {
  if (!open_) return absl::FailedPreconditionError("the transaction is not open");
  open_ = false;
  return conn_->Exec("COMMIT").status();
}

void Transaction::RollBack() {
  if (!open_) return;
  open_ = false;
  // A COPY still in progress is aborted by its sink, which leaves the transaction failed;
  // the connection's end then rolls it back.
  if (conn_->InTransaction() && !conn_->copy_active()) (void)conn_->Exec("ROLLBACK");
}

absl::StatusOr<Savepoint> Savepoint::Open(PgConnection& conn, std::string name) {
  PGARK_RETURN_IF_ERROR(conn.Exec(absl::StrCat("SAVEPOINT ", QuoteIdent(name))));
  return Savepoint(conn, std::move(name));
}

absl::Status Savepoint::Release() {
  if (!open_) return absl::FailedPreconditionError("the savepoint is not open");
  open_ = false;
  return conn_->Exec(absl::StrCat("RELEASE SAVEPOINT ", QuoteIdent(name_))).status();
}

absl::Status Savepoint::RollBack() {
  if (!open_) return absl::FailedPreconditionError("the savepoint is not open");
  open_ = false;
  const std::string name = QuoteIdent(name_);
  PGARK_RETURN_IF_ERROR(conn_->Exec(absl::StrCat("ROLLBACK TO SAVEPOINT ", name)));
  return conn_->Exec(absl::StrCat("RELEASE SAVEPOINT ", name)).status();
}

}  // namespace pgark::engine
