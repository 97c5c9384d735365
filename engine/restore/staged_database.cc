#include "engine/restore/staged_database.h"

#include <random>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "engine/ddl/sql_text.h"
#include "formats/status_macros.h"

namespace pgark::engine {
namespace {

// Objects made by users have OIDs from here on (FirstNormalObjectId); below are the system's.
constexpr char kHoldsData[] =
    "SELECT (SELECT count(*) FROM pg_class WHERE oid >= 16384 AND relpersistence <> 't') + "
    "(SELECT count(*) FROM pg_largeobject_metadata)";

// Changes whenever a row of these catalogs is created, dropped or replaced (an ALTER, GRANT
// or COMMENT writes a new row version, so the newest xmin moves).
constexpr char kFingerprint[] =
    "SELECT string_agg(n || ':' || c || ':' || x, ',' ORDER BY n) FROM ("
    " SELECT 'class' n, count(*) c, max(xmin::text::bigint) x FROM pg_class"
    " UNION ALL SELECT 'proc', count(*), max(xmin::text::bigint) FROM pg_proc"
    " UNION ALL SELECT 'type', count(*), max(xmin::text::bigint) FROM pg_type"
    " UNION ALL SELECT 'namespace', count(*), max(xmin::text::bigint) FROM pg_namespace"
    " UNION ALL SELECT 'extension', count(*), max(xmin::text::bigint) FROM pg_extension"
    " UNION ALL SELECT 'description', count(*), max(xmin::text::bigint) FROM pg_description"
    " UNION ALL SELECT 'default_acl', count(*), max(xmin::text::bigint) FROM pg_default_acl"
    " UNION ALL SELECT 'largeobject', count(*), max(xmin::text::bigint)"
    "   FROM pg_largeobject_metadata) f";

// Settings whose value is a list of names: stored as `"$user", public`, set as identifiers.
bool IsNameListSetting(absl::string_view name) {
  return name == "search_path" || name == "temp_tablespaces" ||
         name == "session_preload_libraries" || name == "local_preload_libraries";
}

// `name=value` from pg_db_role_setting as the tail of an ALTER ... SET.
std::string SettingSql(absl::string_view item) {
  std::pair<std::string, std::string> kv = absl::StrSplit(item, absl::MaxSplits('=', 1));
  if (!IsNameListSetting(kv.first)) return absl::StrCat(" SET ", kv.first, " = ", QuoteLiteral(kv.second));
  std::vector<std::string> names;
  for (absl::string_view part : absl::StrSplit(kv.second, ", ")) {
    std::string name(part);
    if (name.size() >= 2 && name.front() == '"' && name.back() == '"') {
      name = absl::StrReplaceAll(name.substr(1, name.size() - 2), {{"\"\"", "\""}});
    }
    names.push_back(QuoteIdent(name));
  }
  return absl::StrCat(" SET ", kv.first, " = ", absl::StrJoin(names, ", "));
}

absl::StatusOr<PgConnection> ConnectAdmin(const ConnectOptions& target) {
  ConnectOptions admin = target;
  admin.dbname = "postgres";
  absl::StatusOr<PgConnection> conn = PgConnection::Connect(admin);
  if (conn.ok() || absl::IsUnauthenticated(conn.status())) return conn;
  admin.dbname = "template1";
  return PgConnection::Connect(admin);
}

// Why `database` cannot be restored through a copy; the caller then restores it in one
// transaction.
template <typename... Why>
absl::Status CannotStage(absl::string_view database, const Why&... why) {
  return absl::FailedPreconditionError(
      absl::StrCat("database \"", database, "\" cannot be restored in parallel: ", why...));
}

absl::StatusOr<std::string> Fingerprint(PgConnection& target) {
  PGARK_ASSIGN_OR_RETURN(PgResult r, target.Exec(kFingerprint));
  return r.String(0, 0);
}

}  // namespace

absl::StatusOr<std::unique_ptr<StagedDatabase>> StagedDatabase::Create(
    const ConnectOptions& target) {
  std::string name, owner, fingerprint;
  {
    PGARK_ASSIGN_OR_RETURN(PgConnection conn, PgConnection::Connect(target));
    PGARK_ASSIGN_OR_RETURN(
        PgResult r,
        conn.Exec(absl::StrCat(
            "SELECT d.datname, pg_get_userbyid(d.datdba), (", kHoldsData, "), "
            "(SELECT rolsuper OR rolcreatedb FROM pg_roles WHERE rolname = current_user), "
            "pg_has_role(d.datdba, 'USAGE'), "
            "(SELECT count(*) FROM pg_stat_activity WHERE datid = d.oid "
            "AND pid <> pg_backend_pid() AND backend_type <> 'autovacuum worker') "
            "FROM pg_database d WHERE d.datname = current_database()")));
    name = r.String(0, 0);
    owner = r.String(0, 1);
    const char* why = r.Int(0, 2) > 0   ? "it is not empty"
                      : !r.Bool(0, 3)   ? "the role may not create databases (CREATEDB)"
                      : !r.Bool(0, 4)   ? "the role does not own it"
                      : r.Int(0, 5) > 0 ? "other sessions are connected to it"
                                        : nullptr;
    if (why != nullptr) return CannotStage(name, why);
    PGARK_ASSIGN_OR_RETURN(fingerprint, Fingerprint(conn));
  }  // the copy needs the target to itself
  absl::StatusOr<PgConnection> admin = ConnectAdmin(target);
  if (!admin.ok()) {
    return CannotStage(name, "no maintenance database (postgres, template1) to create its copy "
                             "from: ", admin.status().message());
  }
  std::unique_ptr<StagedDatabase> staged(
      new StagedDatabase(*std::move(admin), target, std::move(name), owner, std::move(fingerprint)));
  PGARK_ASSIGN_OR_RETURN(PgResult others,
                         staged->admin_.Exec("SELECT datname FROM pg_database WHERE datname "
                                             "LIKE 'pgark\\_restore\\_%' ORDER BY datname"));
  for (int i = 0; i < others.rows(); ++i) staged->others_.push_back(others.String(i, 0));
  std::random_device rd;
  staged->staged_name_ = absl::StrFormat("pgark_restore_%08x%04x", rd(), rd() & 0xffff);
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
  const std::string copy = QuoteIdent(staged_name_);
  std::vector<std::string> sql;
  PGARK_ASSIGN_OR_RETURN(
      PgResult d, admin_.ExecParams("SELECT datconnlimit, datacl IS NOT NULL, "
                                    "shobj_description(oid, 'pg_database') "
                                    "FROM pg_database WHERE datname = $1",
                                    {target_name_}));
  if (d.Int(0, 0) != -1) {
    sql.push_back(absl::StrCat("ALTER DATABASE ", copy, " CONNECTION LIMIT ", d.Int(0, 0)));
  }
  if (!d.IsNull(0, 2)) {
    sql.push_back(absl::StrCat("COMMENT ON DATABASE ", copy, " IS ", QuoteLiteral(d.Text(0, 2))));
  }
  if (d.Bool(0, 1)) {
    // Explicit privileges: start from none, then grant exactly the target's.
    PGARK_ASSIGN_OR_RETURN(
        PgResult acl,
        admin_.ExecParams("SELECT a.grantee = 0, pg_get_userbyid(a.grantee), a.privilege_type, "
                          "a.is_grantable "
                          "FROM pg_database d, aclexplode(d.datacl) a WHERE d.datname = $1",
                          {target_name_}));
    sql.push_back(absl::StrCat("REVOKE ALL ON DATABASE ", copy, " FROM PUBLIC, ",
                               QuoteIdent(owner_)));
    for (int i = 0; i < acl.rows(); ++i) {
      sql.push_back(absl::StrCat("GRANT ", acl.Text(i, 2), " ON DATABASE ", copy, " TO ",
                                 acl.Bool(i, 0) ? "PUBLIC" : QuoteIdent(acl.Text(i, 1)),
                                 acl.Bool(i, 3) ? " WITH GRANT OPTION" : ""));
    }
  }
  PGARK_ASSIGN_OR_RETURN(
      PgResult settings,
      admin_.ExecParams("SELECT s.setrole = 0, pg_get_userbyid(s.setrole), unnest(s.setconfig) "
                        "FROM pg_db_role_setting s JOIN pg_database d ON d.oid = s.setdatabase "
                        "WHERE d.datname = $1",
                        {target_name_}));
  for (int i = 0; i < settings.rows(); ++i) {
    const std::string who = settings.Bool(i, 0)
                                ? "ALTER"
                                : absl::StrCat("ALTER ROLE ", QuoteIdent(settings.Text(i, 1)), " IN");
    sql.push_back(absl::StrCat(who, " DATABASE ", copy, SettingSql(settings.Text(i, 2))));
  }
  for (const std::string& statement : sql) {
    PGARK_RETURN_IF_ERROR(
        Annotate(admin_.Exec(statement).status(), "copying the database's properties"));
  }
  return absl::OkStatus();
}

absl::Status StagedDatabase::Swap(std::vector<std::string>& warnings) {
  {
    PGARK_ASSIGN_OR_RETURN(PgConnection conn, PgConnection::Connect(target_connect_));
    PGARK_ASSIGN_OR_RETURN(std::string now, Fingerprint(conn));
    if (now != fingerprint_) {
      return absl::AbortedError(absl::StrCat(
          "database \"", target_name_,
          "\" was changed while it was being restored; it was left as it is. Restore again"));
    }
  }
  const std::string old_name = absl::StrCat(staged_name_, "_old");
  PGARK_RETURN_IF_ERROR(admin_.Exec("BEGIN"));
  absl::Status s = admin_.Exec(absl::StrCat("ALTER DATABASE ", QuoteIdent(target_name_),
                                            " RENAME TO ", QuoteIdent(old_name))).status();
  if (s.ok()) {
    s = admin_.Exec(absl::StrCat("ALTER DATABASE ", QuoteIdent(staged_name_), " RENAME TO ",
                                 QuoteIdent(target_name_))).status();
  }
  if (s.ok()) s = admin_.Exec("COMMIT").status();
  if (!s.ok()) {
    (void)admin_.Exec("ROLLBACK");
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

}  // namespace pgark::engine
