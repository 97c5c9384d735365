// The database `pgark restore --create` makes before restoring into it: created from template0
// with the backup's encoding, and dropped again unless the restore succeeded (Keep), so a
// failed restore leaves nothing behind. A database of that name that exists but holds no
// relation or large object (made by `restore globals` with its owner, locale and settings) is
// restored into instead, and never dropped.
#ifndef PGARK_ENGINE_RESTORE_CREATED_DATABASE_H_
#define PGARK_ENGINE_RESTORE_CREATED_DATABASE_H_

#include <memory>
#include <string>

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
                                                                 const std::string& encoding);
  ~CreatedDatabase();  // drops the database unless kept

  CreatedDatabase(const CreatedDatabase&) = delete;
  CreatedDatabase& operator=(const CreatedDatabase&) = delete;

  // `target`, connecting to the new database.
  const ConnectOptions& connect() const { return connect_; }
  void Keep() { keep_ = true; }
  bool existed() const { return existed_; }  // an empty database that was there before

 private:
  CreatedDatabase(PgConnection admin, ConnectOptions connect)
      : admin_(std::move(admin)), connect_(std::move(connect)) {}

  PgConnection admin_;  // on the maintenance database
  ConnectOptions connect_;
  bool keep_ = false;
  bool existed_ = false;
};

}  // namespace pgark::engine

#endif  // PGARK_ENGINE_RESTORE_CREATED_DATABASE_H_
