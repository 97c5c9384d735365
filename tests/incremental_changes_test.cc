// Incrementals whose changes the server names (engine/dump/change_scan.h): the cases where a
// row's xmin could mislead, each restored and compared with the source, and the result saying
// which tables were diffed by the rows written since and which had every row hashed.
#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "engine/pg/pg_connection.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration_util.h"

namespace pgark {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using Json = nlohmann::json;

class IncrementalChangesTest : public testing::IntegrationTest {
 protected:
  void SetUp() override {
    IntegrationTest::SetUp();
    src_ = NewDatabase("src");
    Exec(src_,
         "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');"
         "CREATE TABLE k (id int PRIMARY KEY, v text, m mood);"
         "INSERT INTO k SELECT g, 'v' || g, 'ok' FROM generate_series(1, 2000) g;"
         "CREATE TABLE pair (a int, b text NOT NULL, c int, UNIQUE (a, b));"
         "ALTER TABLE pair ALTER COLUMN a SET NOT NULL;"
         "INSERT INTO pair SELECT g % 50, 'b' || g, g FROM generate_series(1, 500) g;"
         "CREATE TABLE log (at int, what text);"  // no key
         "INSERT INTO log SELECT g, 'boot' FROM generate_series(1, 300) g;");
    Json full = Backup();
    last_ = full["backupFile"];
  }

  Json Backup() {
    testing::RunResult r = Pgark(absl::StrCat(Db(src_), " --json backup ",
                                              last_.empty() ? "full" : "incremental"));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.exit_code == 0 ? Json::parse(r.out) : Json::object();
  }

  // Takes an incremental on the last backup.
  Json Incremental() {
    Json inc = Backup();
    last_ = inc.value("backupFile", "");
    return inc;
  }
  // Restores the last backup's chain and compares it with the source.
  void RestoresTheSource(const std::string& tag) {
    std::string dst = NewDatabase(tag);
    testing::RunResult r = Pgark(absl::StrCat(Db(dst), " restore full ", last_));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(DatabaseDigest(dst), DatabaseDigest(src_)) << tag;
  }
  // Both; returns the incremental's change detection.
  Json IncrementalRestoresTheSource(const std::string& tag) {
    Json inc = Incremental();
    RestoresTheSource(tag);
    return inc["changeDetection"];
  }

  std::string src_;
  std::string last_;
};

TEST_F(IncrementalChangesTest, RowsRewrittenDeletedReinsertedFrozenAndTruncated) {
  // Updated twice, deleted and put back (same and different values), a table keyed by a
  // unique index on NOT NULL columns, a keyless table that only gained rows: all named by the
  // server, nothing hashed.
  Exec(src_, "UPDATE k SET v = 'once' WHERE id = 1");
  Exec(src_, "UPDATE k SET v = 'twice' WHERE id = 1");
  Exec(src_, "DELETE FROM k WHERE id IN (2, 3)");
  Exec(src_, "INSERT INTO k VALUES (2, 'v2', 'ok'), (3, 'back', 'sad')");
  Exec(src_, "UPDATE pair SET c = -c WHERE a = 7; DELETE FROM pair WHERE a = 8");
  Exec(src_, "INSERT INTO log VALUES (301, 'more'), (301, 'more')");
  Json d = IncrementalRestoresTheSource("rewritten");
  EXPECT_EQ(d["tablesByKey"], 3);
  EXPECT_THAT(d["hashedTables"], IsEmpty());

  // Frozen between backups: old rows keep their xmin and stay unnamed; new ones are named.
  Exec(src_, "UPDATE k SET v = 'before freeze' WHERE id = 10");
  Exec(src_, "VACUUM FREEZE");
  Exec(src_, "DELETE FROM k WHERE id = 11; INSERT INTO log VALUES (302, 'after freeze')");
  d = IncrementalRestoresTheSource("frozen");
  EXPECT_THAT(d["hashedTables"], IsEmpty());

  // TRUNCATE and reload part; a keyless table that lost a row is hashed, and says why.
  Exec(src_, "TRUNCATE k; INSERT INTO k SELECT g, 'again ' || g, 'happy' FROM generate_series(1, 1500) g");
  Exec(src_, "DELETE FROM log WHERE at = 1");
  d = IncrementalRestoresTheSource("truncated");
  EXPECT_THAT(d["hashedTables"], ElementsAre(HasSubstr("log: no key, and rows were deleted")));
}

// The statistics' count of updated and deleted rows is recorded per table; a keyed table with
// more of them at the next incremental is read in one pass (keys and written rows), without
// the count first. Only a hint: with the statistics reset (lower counts) the count comes first
// again, and the chain restores the source either way. Seen as the table's sequential scans.
TEST_F(IncrementalChangesTest, TablesTheStatisticsSayWereRewrittenAreReadInOnePass) {
  // The write's statistics are flushed as its session goes idle, so the backup sees them.
  auto write = [&](const std::string& sql) {
    Exec(src_, sql + "; SELECT pg_catalog.pg_stat_force_next_flush()");
  };
  auto seq_scans = [&] {
    return std::stoll(Query(src_, "SELECT pg_catalog.pg_stat_clear_snapshot(); "
                                  "SELECT seq_scan FROM pg_stat_user_tables WHERE relname = 'k'"));
  };
  // The scans of `k` the incremental made (counted once its session has ended and reported);
  // then its chain is restored and compared with the source.
  auto scans_of_incremental = [&](const std::string& tag) {
    const int64_t before = seq_scans();
    Incremental();
    int64_t after = seq_scans();
    for (int i = 0; i < 100 && after == before; ++i) {
      absl::SleepFor(absl::Milliseconds(50));
      after = seq_scans();
    }
    RestoresTheSource(tag);
    return after - before;
  };
  write("UPDATE k SET v = 'new' WHERE id % 10 = 0; DELETE FROM k WHERE id % 10 = 1");
  EXPECT_EQ(scans_of_incremental("hinted"), 1) << "one pass, no count";
  write("INSERT INTO k VALUES (5001, 'only added', 'ok')");
  EXPECT_EQ(scans_of_incremental("added"), 2) << "count, then the added rows";
  write("UPDATE k SET v = 'after reset' WHERE id % 10 = 2; SELECT pg_catalog.pg_stat_reset()");
  EXPECT_EQ(scans_of_incremental("reset"), 2) << "count, then keys and written rows";
}

TEST_F(IncrementalChangesTest, WrittenRowsOfEveryShapeComeBackExactly) {
  // The server sends written rows as records (ROW(...)::text under COPY's escapes): values that
  // record_out quotes, doubles or leaves empty, arrays and composites inside, the key not first.
  Exec(src_,
       "CREATE TYPE pt AS (x int, label text);"
       "CREATE TABLE odd (note text, id int, tags text[], at pt, raw bytea, j jsonb, "
       "  PRIMARY KEY (id, note));"
       "INSERT INTO odd SELECT 'n' || g, g, ARRAY['a'], ROW(g, 'l')::pt, '\\x00', '{}' "
       "  FROM generate_series(1, 20) g;");
  IncrementalRestoresTheSource("odd-created");
  Exec(src_,
       "UPDATE odd SET tags = ARRAY['x y', 'q\"uote', 'back\\\\slash', NULL, ''], "
       "  at = ROW(NULL, 'a,(b)\"c\\\\'), raw = '\\x5c0a09', j = '{\"k\": \"v\\n\\\\\"}' WHERE id = 1;"
       "UPDATE odd SET at = NULL, tags = NULL, raw = NULL, j = NULL WHERE id = 2;"
       "UPDATE odd SET at = ROW(NULL, NULL), tags = '{}' WHERE id = 3;"
       "INSERT INTO odd VALUES (E'tab\\there\\nnew line \\\\N \"q\" (p), c', 4, NULL, NULL, "
       "  NULL, NULL), ('', 5, ARRAY[''], ROW(0, ''), '', 'null'), ('\\N', 6, '{}', NULL, NULL, '[]');"
       "DELETE FROM odd WHERE id = 7;");
  Json d = IncrementalRestoresTheSource("odd-written");
  EXPECT_THAT(d["hashedTables"], IsEmpty());
}

TEST_F(IncrementalChangesTest, RewrittenTypesAndRelabelledEnumsAreNotTrustedToXmin) {
  // A column's type changed: the table is stored whole (its columns differ from the parent's).
  Exec(src_, "ALTER TABLE pair ALTER COLUMN c SET DATA TYPE bigint");
  Json d = IncrementalRestoresTheSource("retyped");
  EXPECT_EQ(d["tablesByKey"], 2);
  // A renamed enum label changes rows without writing them: every row is hashed.
  Exec(src_, "ALTER TYPE mood RENAME VALUE 'ok' TO 'fine'");
  d = IncrementalRestoresTheSource("relabelled");
  EXPECT_EQ(d["tablesByKey"], 0);
  EXPECT_THAT(d["hashedTables"], ElementsAre(HasSubstr("enum labels changed")));
  Exec(src_, "UPDATE k SET v = 'after relabel' WHERE id = 5");
  // Back to the server's names once the labels hold still.
  d = IncrementalRestoresTheSource("settled");
  EXPECT_EQ(d["tablesByKey"], 3);
}

TEST_F(IncrementalChangesTest, ATransactionOpenAcrossABackupIsCaughtByTheNext) {
  // Rows written in a subtransaction of a transaction still open while an incremental reads:
  // invisible to it, and named by the next one although the subtransaction's id is older.
  absl::StatusOr<engine::PgConnection> open = engine::PgConnection::Connect(Connect(src_));
  ASSERT_TRUE(open.ok()) << open.status();
  ASSERT_TRUE(open->Exec("BEGIN").ok());
  ASSERT_TRUE(open->Exec("SELECT pg_catalog.txid_current()").ok());
  for (const char* sql : {"SAVEPOINT s", "INSERT INTO public.k VALUES (5001, 'late', 'sad')",
                          "UPDATE public.k SET v = 'late update' WHERE id = 20", "RELEASE SAVEPOINT s"}) {
    ASSERT_TRUE(open->Exec(sql).ok()) << sql;
  }
  Exec(src_, "UPDATE k SET v = 'meanwhile' WHERE id = 21");
  IncrementalRestoresTheSource("during");  // without the open transaction's rows
  ASSERT_TRUE(open->Exec("COMMIT").ok());
  Json d = IncrementalRestoresTheSource("after");
  EXPECT_THAT(d["hashedTables"], IsEmpty());
  EXPECT_EQ(Query(src_, "SELECT v FROM k WHERE id = 20"), "late update");
}

}  // namespace
}  // namespace pgark
