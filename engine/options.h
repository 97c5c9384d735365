// Options of the engine's entry points. Libraries never read flags or the environment directly
// except where a field says so; tools/ and protocol/ fill these structs.
#ifndef PGARK_ENGINE_OPTIONS_H_
#define PGARK_ENGINE_OPTIONS_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "formats/compression.h"
#include "formats/encryption.h"
#include "formats/member_kind.h"

namespace pgark::engine {

struct ConnectOptions {
  // A conninfo string ("host=... dbname=...") or URI ("postgresql://..."). Empty: libpq's
  // PG* environment variables and defaults. Never logged: it may hold a password.
  std::string conninfo;
  // Overrides the database named by `conninfo` (restore --target-db).
  std::string dbname;
  std::string application_name = "pgark";
  int connect_timeout_seconds = 0;  // 0: libpq's default (or the conninfo's)
};

// The database `connect` names: its dbname override, else the conninfo's or URI's, else
// PGDATABASE, else the user name libpq would use ("" when none can be told).
std::string DatabaseNameOf(const ConnectOptions& connect);

// The archive's vocabulary (formats/member_kind.h), used by the engine's options too.
using formats::BackupType;
using formats::Content;

struct BackupOptions {
  std::string backup_dir;           // must exist or be creatable (mode 0700)
  std::vector<std::string> tables;  // table backups: names as the user typed them
  Content content = Content::kSchemaAndData;
  // gzip at level 4 unless told otherwise (formats/compression.h), zstd or none.
  formats::Compression compression;
  int jobs = 0;        // threads compressing the archive; 0: one per core
  // A table with at least two parts' worth of heap (PostgreSQL 14+) is stored as several data
  // members of about this many bytes of pages each (at most 16), so that a parallel restore
  // loads it over several connections.
  uint64_t part_bytes = uint64_t{64} << 20;
  std::string label;   // optional, sanitised into the file name
  bool with_owners = false;  // also owners and privileges (pg_dump's default; ours is off)
  // Full and table backups: also the planner statistics of the tables, their indexes and
  // materialized views (restored by PostgreSQL 18+; engine/ddl/statistics_sql.h).
  bool statistics = false;
  // Full backups: also the cluster's globals (roles, memberships, tablespaces, databases), as
  // a globals backup holds them (restore full --with-globals restores them first).
  bool with_globals = false;
  std::shared_ptr<const formats::EncryptionKey> key;  // set: encrypt the archive
  // Incremental backups: the parent (a full or incremental backup of the same database; empty:
  // the newest one), and the key that reads it if it is encrypted.
  std::string base_file;
  std::shared_ptr<const formats::EncryptionKey> read_key;
};

enum class OnConflict { kError, kSkip, kUpdate };

inline constexpr int kMaxRestoreJobs = 64;  // RestoreOptions::jobs above it are capped

struct RestoreOptions {
  std::string backup_dir;
  std::string backup_file;  // a plain name inside backup_dir
  // Restore only these tables of the archive (names as typed); empty: all.
  std::vector<std::string> tables;
  OnConflict on_conflict = OnConflict::kError;
  bool drop_existing = false;  // drop the archive's tables that exist before restoring them
  // Create the target database first (it must not exist) from template0, and give it the
  // backup's database properties (settings, comment, ACL); dropped again if the restore fails.
  // A whole full or incremental backup only.
  bool create_database = false;
  // Connections loading the data and building indexes. Above 1, a database made for this
  // restore (create_database, fresh_target) is loaded directly, an empty target database
  // through a staged copy (see engine/staged_database.h); otherwise, or when it cannot be, one
  // connection restores everything in one transaction. At most kMaxRestoreJobs.
  int jobs = 1;
  // The target database was made for this restore by the caller (a drill's scratch database):
  // nothing else uses it and the caller drops it if the restore fails, so all-or-nothing holds
  // without a staged copy.
  bool fresh_target = false;
  std::shared_ptr<const formats::EncryptionKey> key;  // for an encrypted backup
  // A backup made --with-owners names the roles it needs (the manifest's "roles"): one missing
  // in the target is an error before anything is restored, unless `with_globals` restores the
  // backup's globals first (backup full --with-globals) or `ignore_missing_roles` restores
  // without their ownership and grants (warnings).
  bool with_globals = false;
  bool ignore_missing_roles = false;
  // with_globals: tablespaces created at another directory (GlobalsRestoreOptions).
  std::map<std::string, std::string> tablespace_locations;
};

// restore globals: the cluster's roles, memberships, tablespaces and databases of a globals
// backup (or of a full backup made --with-globals).
struct GlobalsRestoreOptions {
  std::string backup_dir;
  std::string backup_file;
  std::shared_ptr<const formats::EncryptionKey> key;
  // Existing roles, tablespaces and databases are given the backup's attributes, settings,
  // memberships, owners and ACLs too (never dropped; the restoring role itself is left as it
  // is). Without it only what is missing is created.
  bool update_existing = false;
  // Tablespaces created at another directory than the source's (name -> directory): the
  // source's may be in use on this machine, or not exist.
  std::map<std::string, std::string> tablespace_locations;
  // Set: of the databases, only the one of this name (restore full --with-globals restores the
  // database it restores into, not the source cluster's others); empty: none of them.
  std::optional<std::string> only_database;
};

}  // namespace pgark::engine

#endif  // PGARK_ENGINE_OPTIONS_H_
