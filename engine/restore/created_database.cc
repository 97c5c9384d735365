#include "engine/restore/created_database.h"

#include "absl/strings/str_cat.h"
#include "engine/catalog/catalog.h"
#include "engine/ddl/sql_text.h"
#include "engine/restore/staged_database.h"
#include "formats/status_macros.h"

namespace pgark::engine {

absl::StatusOr<std::unique_ptr<CreatedDatabase>> CreatedDatabase::Create(
    const ConnectOptions& target, const std::string& name, const std::string& encoding,
    bool hidden) {
  PGARK_ASSIGN_OR_RETURN(PgConnection admin, PgConnection::ConnectMaintenance(target));
  PGARK_ASSIGN_OR_RETURN(
      PgResult exists,
      admin.ExecParams("SELECT 1 FROM pg_catalog.pg_database WHERE datname = $1", {name}));
  ConnectOptions connect = target;
  connect.dbname = name;
  if (exists.rows() > 0) {
    // Made empty beforehand (by `restore globals`, say): restored into, and kept on failure.
    PGARK_ASSIGN_OR_RETURN(PgConnection existing, PgConnection::Connect(connect));
    PGARK_ASSIGN_OR_RETURN(StagingFacts facts, Catalog(existing).GetStagingFacts());
    if (facts.user_objects > 0) {
      return absl::AlreadyExistsError(absl::StrCat(
          "database \"", name, "\" already exists and is not empty; restore into it without "
          "--create, or name another with --target-db"));
    }
    auto adopted =
        std::unique_ptr<CreatedDatabase>(new CreatedDatabase(std::move(admin), connect, name));
    adopted->keep_ = true;
    adopted->existed_ = true;
    return adopted;
  }
  std::vector<std::string> others;
  if (hidden) {
    PGARK_ASSIGN_OR_RETURN(others, PrivateRestoreDatabases(admin));
    connect.dbname = PrivateRestoreName();
  }
  PGARK_RETURN_IF_ERROR(admin.Exec(absl::StrCat("CREATE DATABASE ", QuoteIdent(connect.dbname),
                                                " TEMPLATE template0 ENCODING ",
                                                QuoteLiteral(encoding))));
  auto created =
      std::unique_ptr<CreatedDatabase>(new CreatedDatabase(std::move(admin), connect, name));
  created->others_ = std::move(others);
  return created;
}

absl::Status CreatedDatabase::Keep() {
  if (keep_) return absl::OkStatus();
  if (connect_.dbname != name_) {
    absl::Status renamed = admin_
                               .Exec(absl::StrCat("ALTER DATABASE ", QuoteIdent(connect_.dbname),
                                                  " RENAME TO ", QuoteIdent(name_)))
                               .status();
    if (!renamed.ok()) {
      return Annotate(renamed, absl::StrCat("naming the restored database \"", name_,
                                            "\" (the restored copy is dropped)"));
    }
    connect_.dbname = name_;
  }
  keep_ = true;
  return absl::OkStatus();
}

CreatedDatabase::~CreatedDatabase() {
  if (keep_) return;
  // Best effort: the restore's own connections are closed by now. A private name is ours
  // alone: sessions that found it anyway are ended (FORCE, PostgreSQL 13+).
  const bool force = connect_.dbname != name_ && admin_.server_version_num() >= 130000;
  (void)admin_.Exec(absl::StrCat("DROP DATABASE IF EXISTS ", QuoteIdent(connect_.dbname),
                                 force ? " WITH (FORCE)" : ""));
}

}  // namespace pgark::engine
