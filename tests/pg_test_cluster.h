// `PgTestCluster` starts a throwaway PostgreSQL cluster for a test binary: initdb in a fresh
// directory under /tmp as the unprivileged `postgres` account when running as root, a server
// listening on a Unix socket only (listen_addresses=''), fsync off. It is a GoogleTest global
// Environment: one cluster per binary, each test making its own database. When PostgreSQL is
// missing the tests fail if CI is set and are skipped with a message otherwise.
#ifndef PGARK_TESTS_PG_TEST_CLUSTER_H_
#define PGARK_TESTS_PG_TEST_CLUSTER_H_

#include <string>

#include "gtest/gtest.h"

namespace pgark::testing {

class PgTestCluster : public ::testing::Environment {
 public:
  // The cluster of this test binary, or null before SetUp / when it could not start.
  static PgTestCluster* Get() { return instance_; }
  // Reason the cluster is unavailable (empty when it runs).
  static const std::string& unavailable_reason() { return unavailable_reason_; }

  void SetUp() override;
  void TearDown() override;

  const std::string& socket_dir() const { return dir_; }
  int port() const { return port_; }
  const std::string& bindir() const { return bindir_; }
  // "host=<dir> port=<port> user=postgres dbname=<db>".
  std::string ConnInfo(const std::string& db, const std::string& user = "postgres") const;
  // "export PGHOST=... PGPORT=... PGUSER=...;" to put in front of shell commands (pipelines
  // included).
  std::string ShellEnv() const;

  // Runs SQL as the superuser in `db`; fails the current test on error. Returns the first
  // column of the first row ("" if none).
  std::string Query(const std::string& db, const std::string& sql) const;
  // Creates an empty database (dropping it first if it exists).
  void CreateDatabase(const std::string& name) const;
  // Runs a shell command with the cluster's PG* environment; returns its exit status and
  // captures stdout (stderr goes to the test log).
  int Shell(const std::string& command, std::string* out = nullptr) const;

 private:
  int RunAsServerUser(const std::string& command) const;

  static PgTestCluster* instance_;
  static std::string unavailable_reason_;
  std::string dir_;
  std::string bindir_;
  int port_ = 0;
  bool started_ = false;
};

// For the top of every test that needs a server: fails under CI=true, skips otherwise.
#define PGARK_REQUIRE_CLUSTER()                                                             \
  do {                                                                                      \
    if (::pgark::testing::PgTestCluster::Get() == nullptr) {                                \
      if (std::getenv("CI") != nullptr) {                                                   \
        FAIL() << "PostgreSQL test cluster unavailable under CI: "                         \
               << ::pgark::testing::PgTestCluster::unavailable_reason();                   \
      }                                                                                     \
      GTEST_SKIP() << "PostgreSQL test cluster unavailable: "                              \
                   << ::pgark::testing::PgTestCluster::unavailable_reason();               \
    }                                                                                       \
  } while (0)

}  // namespace pgark::testing

#endif  // PGARK_TESTS_PG_TEST_CLUSTER_H_
