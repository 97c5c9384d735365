// The database `pgark restore --create` makes before restoring into it: created from template0
// with the backup's encoding, and dropped again unless the restore succeeded (Keep), so a
// failed restore leaves nothing behind. A database of that name that exists but holds no
// relation or large object (made by `restore globals` with its owner, locale and settings) is
// restored into instead, and never dropped.
//
// Made `hidden`, the new database is created under a private name (the staged-copy prefix of
// staged_database.h, so a killed restore's leftover is reported like theirs) and given its name
// only by Keep(): a restore committing as it goes over several connections is never seen half
// done under the name asked for.
#ifndef PGARK_ENGINE_RESTORE_CREATED_DATABASE_H_
#define PGARK_ENGINE_RESTORE_CREATED_DATABASE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/options.h"
#include "engine/pg/pg_connection.h"

namespace pgark::engine {

class CreatedDatabase {
 public:
  // Creates database `name` on the server `target` connects to. kAlreadyExists when it exists
  // and is not empty.
  static absl::StatusOr<std::unique_ptr<CreatedDatabase>> Create(const ConnectOptions& target,
                                                                 const std::string& name,
                                                                 const std::string& encoding,
                                                                 bool hidden = false);
  ~CreatedDatabase();  // drops the database unless kept

  CreatedDatabase(const CreatedDatabase&) = delete;
  CreatedDatabase& operator=(const CreatedDatabase&) = delete;

  // `target`, connecting to the new database (under its private name until Keep, if hidden).
  const ConnectOptions& connect() const { return connect_; }
  // Keeps the database; a hidden one is renamed to its name first. REQUIRES: no connection to
  // it is open. On failure (a database of that name was made meanwhile) it is not kept.
  absl::Status Keep();
  // Hidden: the databases of the private names' prefix that were there already (left by a
  // killed parallel restore, or belonging to one running now).
  const std::vector<std::string>& others() const { return others_; }
  bool existed() const { return existed_; }  // an empty database that was there before

 private:
  CreatedDatabase(PgConnection admin, ConnectOptions connect, std::string name)
      : admin_(std::move(admin)), connect_(std::move(connect)), name_(std::move(name)) {}

  PgConnection admin_;  // on the maintenance database
  ConnectOptions connect_;
  const std::string name_;  // the name asked for (connect_.dbname once kept)
  std::vector<std::string> others_;
  bool keep_ = false;
  bool existed_ = false;
};

}  // namespace pgark::engine

#endif  // PGARK_ENGINE_RESTORE_CREATED_DATABASE_H_
