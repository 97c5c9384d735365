// Helpers shared by the integration tests: per-test databases and backup directories, loading
// SQL fixtures, and the oracles that compare two databases (per-table digests, sequence values,
// and `pg_dump --schema-only` with comments, SET lines and pg_dump's \restrict tokens removed).
#ifndef PGARK_TESTS_INTEGRATION_UTIL_H_
#define PGARK_TESTS_INTEGRATION_UTIL_H_

#include <string>
#include <vector>

#include "engine/options.h"
#include "gtest/gtest.h"
#include "tests/pg_test_cluster.h"

namespace pgark::testing {

// Path of a file in the source tree (PGARK_SOURCE_DIR is set by meson).
std::string SourcePath(const std::string& relative);

// A whole file's bytes ("" if it cannot be read), and replacing a file's bytes.
std::string ReadFile(const std::string& path);
void WriteFile(const std::string& path, const std::string& bytes);

// What a run of the pgark binary printed and how it exited.
struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

class IntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override;

  PgTestCluster& cluster() { return *PgTestCluster::Get(); }
  // A database named after the test plus `suffix`, created empty.
  std::string NewDatabase(const std::string& suffix);
  engine::ConnectOptions Connect(const std::string& db) const;
  // Runs a SQL file into `db` with psql (ON_ERROR_STOP); fails the test on error.
  void LoadSql(const std::string& db, const std::string& path);
  void Exec(const std::string& db, const std::string& sql) { cluster().Query(db, sql); }
  std::string Query(const std::string& db, const std::string& sql) {
    return cluster().Query(db, sql);
  }

  // md5 of the table's rows in a canonical order, or "missing".
  std::string TableDigest(const std::string& db, const std::string& qualified_table);
  // "schema.table=digest;" for every user table plus "seq=value;" for every sequence.
  std::string DatabaseDigest(const std::string& db);
  // Normalised `pg_dump --schema-only` output.
  std::string SchemaDump(const std::string& db);
  // Restores an archive with `gunzip -c | psql` (or `psql -f` for plain archives).
  int RestoreWithPsql(const std::string& archive_path, const std::string& db);

  // Runs the pgark binary (PGARK_BIN) with `--backup-dir` set and `args` (shell words, quoted
  // where needed), with `env` ("NAME=value ...") in front.
  RunResult Pgark(const std::string& args, const std::string& env = "");
  // "--db '<conninfo of db>'".
  std::string Db(const std::string& db);

  std::string backup_dir_;
  std::string test_name_;
};

}  // namespace pgark::testing

#endif  // PGARK_TESTS_INTEGRATION_UTIL_H_
