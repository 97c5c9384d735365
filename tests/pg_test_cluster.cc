#include "tests/pg_test_cluster.h"

#include <libpq-fe.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace pgark::testing {

PgTestCluster* PgTestCluster::instance_ = nullptr;
std::string PgTestCluster::unavailable_reason_ = "the cluster was never set up";

namespace {

std::string Capture(const std::string& command) {
  std::string out;
  FILE* p = popen(command.c_str(), "r");
  if (p == nullptr) return out;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), p)) > 0) out.append(buf, n);
  pclose(p);
  return std::string(absl::StripAsciiWhitespace(out));
}

bool Executable(const std::string& path) { return ::access(path.c_str(), X_OK) == 0; }

}  // namespace

int PgTestCluster::RunAsServerUser(const std::string& command) const {
  // initdb refuses to run as root: hand the work to the postgres account.
  std::string full = ::geteuid() == 0 ? absl::StrCat("runuser -u postgres -- ", command) : command;
  return std::system(full.c_str());
}

void PgTestCluster::SetUp() {
  const char* override_dir = std::getenv("PGARK_PG_BINDIR");
  bindir_ = override_dir != nullptr ? override_dir : Capture("pg_config --bindir 2>/dev/null");
  if (bindir_.empty() || !Executable(bindir_ + "/initdb") || !Executable(bindir_ + "/pg_ctl")) {
    unavailable_reason_ = absl::StrCat("no initdb/pg_ctl found (bindir \"", bindir_,
                                       "\"); install postgresql or set PGARK_PG_BINDIR");
    return;
  }
  // Unix socket paths are limited to ~107 bytes: stay directly under /tmp.
  char templ[] = "/tmp/pgark-test-XXXXXX";
  if (::mkdtemp(templ) == nullptr) {
    unavailable_reason_ = "mkdtemp failed";
    return;
  }
  dir_ = templ;
  if (::geteuid() == 0) {
    passwd* pw = ::getpwnam("postgres");
    if (pw == nullptr) {
      unavailable_reason_ = "running as root but there is no postgres account to run initdb";
      return;
    }
    if (::chown(dir_.c_str(), pw->pw_uid, pw->pw_gid) != 0) {
      unavailable_reason_ = "cannot chown the cluster directory";
      return;
    }
  }
  ::chmod(dir_.c_str(), 0755);
  port_ = 20000 + static_cast<int>(::getpid() % 20000);
  std::string data = dir_ + "/data";
  if (RunAsServerUser(absl::StrCat(bindir_, "/initdb -D ", data,
                                   " -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync "
                                   ">", dir_, "/initdb.log 2>&1")) != 0) {
    unavailable_reason_ = absl::StrCat("initdb failed; see ", dir_, "/initdb.log");
    return;
  }
  // One role that must log in with a password, for the authentication-failure tests.
  {
    std::ofstream hba(data + "/pg_hba.conf", std::ios::trunc);
    hba << "local all pgark_pw scram-sha-256\nlocal all all trust\n";
  }
  if (RunAsServerUser(absl::StrCat(
          bindir_, "/pg_ctl -w -D ", data, " -l ", dir_, "/server.log -o \"-c listen_addresses='' -k ",
          dir_, " -p ", port_, " -c fsync=off -c full_page_writes=off\" start >/dev/null 2>&1")) !=
      0) {
    unavailable_reason_ = absl::StrCat("pg_ctl start failed; see ", dir_, "/server.log");
    return;
  }
  started_ = true;
  instance_ = this;
  unavailable_reason_.clear();
  Query("postgres", "CREATE ROLE pgark_pw LOGIN SUPERUSER PASSWORD 'right-password'");
}

void PgTestCluster::TearDown() {
  if (started_) {
    if (::testing::UnitTest::GetInstance()->failed_test_count() > 0) {
      std::fprintf(stderr, "---- tail of the PostgreSQL server log ----\n%s\n",
                   Capture(absl::StrCat("tail -n 40 ", dir_, "/server.log")).c_str());
    }
    RunAsServerUser(absl::StrCat(bindir_, "/pg_ctl -w -D ", dir_,
                                 "/data -m fast stop >/dev/null 2>&1"));
  }
  instance_ = nullptr;
  if (!dir_.empty()) std::system(absl::StrCat("rm -rf ", dir_).c_str());
}

std::string PgTestCluster::ConnInfo(const std::string& db, const std::string& user) const {
  return absl::StrCat("host=", dir_, " port=", port_, " user=", user, " dbname=", db);
}

std::string PgTestCluster::ShellEnv() const {
  return absl::StrCat("export PGHOST=", dir_, " PGPORT=", port_, " PGUSER=postgres;");
}

std::string PgTestCluster::Query(const std::string& db, const std::string& sql) const {
  PGconn* conn = PQconnectdb(ConnInfo(db).c_str());
  PQsetNoticeProcessor(conn, [](void*, const char*) {}, nullptr);  // "does not exist, skipping"
  std::string value;
  if (PQstatus(conn) != CONNECTION_OK) {
    ADD_FAILURE() << "connect to " << db << ": " << PQerrorMessage(conn);
  } else {
    PGresult* r = PQexec(conn, sql.c_str());
    ExecStatusType st = PQresultStatus(r);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
      ADD_FAILURE() << "query failed: " << PQerrorMessage(conn) << "\n  " << sql.substr(0, 300);
    } else if (st == PGRES_TUPLES_OK && PQntuples(r) > 0 && !PQgetisnull(r, 0, 0)) {
      value = PQgetvalue(r, 0, 0);
    }
    PQclear(r);
  }
  PQfinish(conn);
  return value;
}

void PgTestCluster::CreateDatabase(const std::string& name) const {
  Query("postgres", absl::StrCat("DROP DATABASE IF EXISTS \"", name, "\" WITH (FORCE)"));
  Query("postgres", absl::StrCat("CREATE DATABASE \"", name, "\" TEMPLATE template0"));
}

int PgTestCluster::Shell(const std::string& command, std::string* out) const {
  std::string full = absl::StrCat(ShellEnv(), " ", command);
  if (out == nullptr) return std::system(full.c_str());
  FILE* p = popen(full.c_str(), "r");
  if (p == nullptr) return -1;
  out->clear();
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), p)) > 0) out->append(buf, n);
  return pclose(p);
}

}  // namespace pgark::testing
