#include "engine/restore/staged_database.h"

#include <random>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "engine/catalog/catalog.h"
#include "engine/ddl/schema_sql.h"
#include "engine/ddl/sql_text.h"
#include "engine/log.h"
#include "engine/pg/transaction.h"
#include "formats/status_macros.h"

namespace pgark::engine {
namespace {

// Copies are named this and a random suffix.
constexpr char kStagedPrefix[] = "pgark_restore_";

// Why `database` cannot be restored through a copy; the caller then restores it in one
// transaction.
template <typename... Why>
absl::Status CannotStage(absl::string_view database, const Why&... why) {
  return absl::FailedPreconditionError(
      absl::StrCat("database \"", database, "\" cannot be restored in parallel: ", why...));
}

}  // namespace

absl::StatusOr<std::unique_ptr<StagedDatabase>> StagedDatabase::Create(
    const ConnectOptions& target) {
  std::string name, owner, fingerprint;
  {
    PGARK_ASSIGN_OR_RETURN(PgConnection conn, PgConnection::Connect(target));
    Catalog catalog(conn);
    PGARK_ASSIGN_OR_RETURN(const StagingFacts facts, catalog.GetStagingFacts());
    name = facts.name;
    owner = facts.owner;
    const char* why = facts.user_objects > 0     ? "it is not empty"
                      : !facts.can_create_databases ? "the role may not create databases (CREATEDB)"
                      : !facts.owns_it              ? "the role does not own it"
                      : facts.other_sessions > 0    ? "other sessions are connected to it"
                                                    : nullptr;
    if (why != nullptr) return CannotStage(name, why);
    PGARK_ASSIGN_OR_RETURN(fingerprint, catalog.CatalogFingerprint());
  }  // the copy needs the target to itself
  absl::StatusOr<PgConnection> admin = PgConnection::ConnectMaintenance(target);
  if (!admin.ok()) {
    return CannotStage(name, "no maintenance database (postgres, template1) to create its copy "
                             "from: ", admin.status().message());
  }
  std::unique_ptr<StagedDatabase> staged(
      new StagedDatabase(*std::move(admin), target, std::move(name), owner, std::move(fingerprint)));
  PGARK_ASSIGN_OR_RETURN(staged->others_, PrivateRestoreDatabases(staged->admin_));
  staged->staged_name_ = PrivateRestoreName();
  absl::Status s = staged->admin_
                       .Exec(absl::StrCat("CREATE DATABASE ", QuoteIdent(staged->staged_name_),
                                          " TEMPLATE ", QuoteIdent(staged->target_name_),
                                          " OWNER ", QuoteIdent(owner)))
                       .status();
  if (!s.ok()) {
    return CannotStage(staged->target_name_, "copying it failed: ", s.message());
  }
  staged->exists_ = true;
  if (absl::Status copied = staged->CopyDatabaseProperties(); !copied.ok()) {
    return CannotStage(staged->target_name_, copied.message());  // the copy is dropped on return
  }
  staged->staged_connect_ = target;
  staged->staged_connect_.dbname = staged->staged_name_;
  return staged;
}

absl::StatusOr<std::vector<std::string>> PrivateRestoreDatabases(PgConnection& admin) {
  return Catalog(admin).ListDatabases(kStagedPrefix);
}

std::string PrivateRestoreName() {
  std::random_device rd;
  return absl::StrFormat("%s%08x%04x", kStagedPrefix, rd(), rd() & 0xffff);
}

StagedDatabase::StagedDatabase(PgConnection admin, ConnectOptions target, std::string target_name,
                               std::string owner, std::string fingerprint)
    : admin_(std::move(admin)),
      target_connect_(std::move(target)),
      target_name_(std::move(target_name)),
      owner_(std::move(owner)),
      fingerprint_(std::move(fingerprint)) {}

StagedDatabase::~StagedDatabase() { DropStaged(); }

void StagedDatabase::DropStaged() {
  if (!exists_) return;
  // FORCE (PostgreSQL 13+) ends sessions a failed restore may have left behind.
  const bool force = admin_.server_version_num() >= 130000;
  (void)admin_.Exec(absl::StrCat("DROP DATABASE IF EXISTS ", QuoteIdent(staged_name_),
                                 force ? " WITH (FORCE)" : ""));
  exists_ = false;
}

// What CREATE DATABASE ... TEMPLATE does not copy: privileges, per-database settings, the
// connection limit and the comment.
absl::Status StagedDatabase::CopyDatabaseProperties() {
  PGARK_ASSIGN_OR_RETURN(const DatabaseDef source, Catalog(admin_).DescribeDatabase(target_name_));
  for (const std::string& statement : DatabasePropertiesSql(source, QuoteIdent(staged_name_))) {
    PGARK_RETURN_IF_ERROR(
        Annotate(admin_.Exec(statement).status(), "copying the database's properties"));
  }
  return absl::OkStatus();
}

absl::Status StagedDatabase::Swap(std::vector<std::string>& warnings) {
  {
    PGARK_ASSIGN_OR_RETURN(PgConnection conn, PgConnection::Connect(target_connect_));
    PGARK_ASSIGN_OR_RETURN(std::string now, Catalog(conn).CatalogFingerprint());
    if (now != fingerprint_) {
      return absl::AbortedError(absl::StrCat(
          "database \"", target_name_,
          "\" was changed while it was being restored; it was left as it is. Restore again"));
    }
  }
  const std::string old_name = absl::StrCat(staged_name_, "_old");
  absl::Status s = [&]() -> absl::Status {
    PGARK_ASSIGN_OR_RETURN(Transaction swap, Transaction::Begin(admin_));
    PGARK_RETURN_IF_ERROR(admin_.Exec(absl::StrCat("ALTER DATABASE ", QuoteIdent(target_name_),
                                                   " RENAME TO ", QuoteIdent(old_name))));
    PGARK_RETURN_IF_ERROR(admin_.Exec(absl::StrCat("ALTER DATABASE ", QuoteIdent(staged_name_),
                                                   " RENAME TO ", QuoteIdent(target_name_))));
    return swap.Commit();
  }();
  if (!s.ok()) {
    return Annotate(s, absl::StrCat("putting the restored copy in place of database \"",
                                    target_name_, "\" (it was left as it is)"));
  }
  exists_ = false;  // the copy is the target now
  if (absl::Status drop = admin_.Exec(absl::StrCat("DROP DATABASE ", QuoteIdent(old_name))).status();
      !drop.ok()) {
    warnings.push_back(absl::StrCat("the replaced database is still there as \"", old_name,
                                    "\": ", drop.message(), "; drop it when it is not needed"));
  }
  return absl::OkStatus();
}

void CheckpointBeforeSwap(PgConnection& conn) {
  if (PQtransactionStatus(conn.raw()) != PQTRANS_IDLE) return;
  const std::string may = conn.server_version_num() >= 150000
                              ? "pg_catalog.pg_has_role(current_user, 'pg_checkpoint', 'MEMBER')"
                              : "false";
  absl::StatusOr<PgResult> allowed = conn.Exec(absl::StrCat(
      "SELECT (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user) OR ",
      may));
  if (!allowed.ok() || allowed->rows() != 1 || allowed->Text(0, 0) != "t") return;
  if (absl::Status s = conn.Exec("CHECKPOINT").status(); !s.ok()) {
    log::Write(log::Level::kDebug, "restore", absl::StrCat("early checkpoint: ", s.message()));
  }
}

}  // namespace pgark::engine
