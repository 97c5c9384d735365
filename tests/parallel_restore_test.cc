// Parallel restore (engine/restore/staged_database.h): an empty target is restored over several
// connections into a private copy that replaces it in one step; a database the restore makes
// (--create) is loaded directly, under a private name until done. Checked here: the result equals
// the source like a one-transaction restore does, the database's own properties survive the
// swap, and every way it can fail (a bad row, a stop request, a non-empty or busy target)
// leaves the target as it was and no copy behind. Also big tables stored in parts (several
// data members of page ranges), which every reader of an archive must put back together.
#include <atomic>
#include <functional>

#include "engine/dump/dumper.h"
#include "engine/pg/pg_connection.h"
#include "engine/restore/restorer.h"
#include "engine/repository/verifier.h"
#include "formats/archive_layout.h"
#include "formats/manifest.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration_util.h"
#include "tests/status_matchers.h"

namespace pgark {
namespace {

using ::pgark::testing::IsOk;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

class ParallelRestoreTest : public testing::IntegrationTest {
 protected:
  std::string BackupOrDie(const std::string& db,
                          engine::BackupType type = engine::BackupType::kFull,
                          uint64_t part_bytes = engine::BackupOptions().part_bytes,
                          int jobs = 0) {
    engine::BackupOptions o;
    o.backup_dir = backup_dir_;
    o.part_bytes = part_bytes;
    o.jobs = jobs;
    auto r = engine::Backup(Connect(db), o, type, nullptr);
    EXPECT_THAT(r, IsOk());
    return r.ok() ? r->manifest.backup_file : "";
  }

  absl::StatusOr<engine::RestoreResult> Restore(const std::string& db, const std::string& file,
                                                int jobs,
                                                engine::ProgressListener* listener = nullptr) {
    engine::RestoreOptions o;
    o.backup_dir = backup_dir_;
    o.backup_file = file;
    o.jobs = jobs;
    return engine::Restore(Connect(db), o, listener);
  }
  // restore --create: makes database `name` (absent) and restores `file` into it.
  absl::StatusOr<engine::RestoreResult> RestoreCreating(
      const std::string& name, const std::string& file, int jobs,
      engine::ProgressListener* listener = nullptr) {
    engine::RestoreOptions o;
    o.backup_dir = backup_dir_;
    o.backup_file = file;
    o.jobs = jobs;
    o.create_database = true;
    engine::ConnectOptions to = Connect("postgres");
    to.dbname = name;
    return engine::Restore(to, o, listener);
  }

  std::string Oid(const std::string& db) {
    return Query("postgres", "SELECT oid FROM pg_database WHERE datname = '" + db + "'");
  }
  std::string Copies() {
    return Query("postgres", "SELECT count(*) FROM pg_database WHERE datname LIKE 'pgark_restore%'");
  }
};

TEST_F(ParallelRestoreTest, EveryObjectKindAndTheDatabasesOwnProperties) {
  std::string src = NewDatabase("src");
  LoadSql(src, testing::SourcePath("tests/fixtures/everything.sql"));
  const std::string file = BackupOrDie(src);
  std::string dst = NewDatabase("dst");
  const std::string q = "\"" + dst + "\"";
  Exec("postgres", "DO $$ BEGIN CREATE ROLE \"pgark Reader\"; EXCEPTION WHEN duplicate_object "
                   "THEN NULL; END $$");
  Exec("postgres", "ALTER DATABASE " + q + " SET work_mem = '7MB'");
  Exec("postgres", "ALTER DATABASE " + q + " SET search_path = \"$user\", public, \"Odd Schema\"");
  Exec("postgres", "ALTER ROLE \"pgark Reader\" IN DATABASE " + q + " SET statement_timeout = '5s'");
  Exec("postgres", "ALTER DATABASE " + q + " CONNECTION LIMIT 7");
  Exec("postgres", "COMMENT ON DATABASE " + q + " IS 'it''s the target'");
  Exec("postgres", "REVOKE ALL ON DATABASE " + q + " FROM PUBLIC");
  Exec("postgres", "GRANT CONNECT ON DATABASE " + q + " TO \"pgark Reader\" WITH GRANT OPTION");
  const std::string properties_sql =
      "SELECT concat_ws(' | ', datconnlimit, datacl::text, shobj_description(d.oid, 'pg_database'), "
      "(SELECT string_agg(coalesce(r.rolname, '-') || ':' || array_to_string(s.setconfig, ';'), "
      "' ' ORDER BY r.rolname NULLS FIRST) FROM pg_db_role_setting s "
      "LEFT JOIN pg_roles r ON r.oid = s.setrole WHERE s.setdatabase = d.oid)) "
      "FROM pg_database d WHERE datname = '" + dst + "'";
  const std::string properties = Query("postgres", properties_sql);
  const std::string oid = Oid(dst);

  auto restored = Restore(dst, file, 3);
  ASSERT_THAT(restored, IsOk());
  // Publications on three connections: the server's warning, once.
  EXPECT_THAT(restored->warnings,
              ElementsAre("the server warned: wal_level is insufficient to publish logical changes"));
  EXPECT_NE(Oid(dst), oid) << "the staged copy took the target's place";
  EXPECT_EQ(Copies(), "0");
  EXPECT_EQ(Query("postgres", properties_sql), properties);
  EXPECT_THAT(properties, HasSubstr("$user"));
  EXPECT_EQ(SchemaDump(dst), SchemaDump(src));
  EXPECT_EQ(DatabaseDigest(dst), DatabaseDigest(src));
  EXPECT_EQ(Query(dst, "SELECT sum(hits) FROM app.counters"), "200");  // no trigger fired
}

TEST_F(ParallelRestoreTest, ACopyLeftByAKilledRestoreIsReported) {
  std::string src = NewDatabase("src");
  LoadSql(src, testing::SourcePath("tools/demo/writing.sql"));
  const std::string file = BackupOrDie(src);
  Exec("postgres", "CREATE DATABASE pgark_restore_0123456789ab");
  std::string dst = NewDatabase("dst");
  auto restored = Restore(dst, file, 2);
  // And by a restore that makes its database (--create), under a private name of its own.
  auto made = RestoreCreating(dst + "_made", file, 2);
  Exec("postgres", "DROP DATABASE pgark_restore_0123456789ab");
  for (const auto* r : {&restored, &made}) {
    ASSERT_THAT(*r, IsOk());
    EXPECT_THAT((*r)->warnings,
                Contains(HasSubstr("\"pgark_restore_0123456789ab\" is a copy left by an "
                                   "interrupted parallel restore")));
  }
  EXPECT_EQ(DatabaseDigest(dst), DatabaseDigest(src));
  EXPECT_EQ(DatabaseDigest(dst + "_made"), DatabaseDigest(src));
}

TEST_F(ParallelRestoreTest, ABadRowLeavesTheTargetAsItWas) {
  std::string src = NewDatabase("src");
  Exec(src, "CREATE DOMAIN public.amount AS integer; "
            "CREATE TABLE public.big AS SELECT g AS id, repeat('x', 200) AS pad "
            "FROM generate_series(1, 20000) g; "
            "CREATE TABLE public.ledger (id int PRIMARY KEY, v public.amount); "
            "INSERT INTO public.ledger SELECT g, g - 5000 FROM generate_series(1, 10000) g");
  const std::string file = BackupOrDie(src);
  // The target's own, stricter domain is kept, so the ledger's negative rows fail to load.
  std::string dst = NewDatabase("dst");
  Exec(dst, "CREATE DOMAIN public.amount AS integer CHECK (VALUE >= 0)");
  const std::string oid = Oid(dst);
  auto restored = Restore(dst, file, 2);
  ASSERT_FALSE(restored.ok());
  EXPECT_THAT(std::string(restored.status().message()), HasSubstr("ledger"));
  EXPECT_EQ(Oid(dst), oid);
  EXPECT_EQ(Copies(), "0");
  EXPECT_EQ(Query(dst, "SELECT count(*) FROM pg_class WHERE oid >= 16384 AND relkind = 'r'"), "0");
}

// Asks to stop once some data has moved.
class StopAfterSomeBytes : public engine::ProgressListener {
 public:
  void OnBytes(uint64_t bytes) override { moved_ += bytes; }
  bool Cancelled() override { return moved_ > (2 << 20); }

 private:
  std::atomic<uint64_t> moved_{0};
};

TEST_F(ParallelRestoreTest, StoppingDropsTheCopy) {
  std::string src = NewDatabase("src");
  Exec(src, "CREATE TABLE public.big AS SELECT g AS id, repeat(md5(g::text), 8) AS pad "
            "FROM generate_series(1, 50000) g");
  const std::string file = BackupOrDie(src);
  std::string dst = NewDatabase("dst");
  const std::string oid = Oid(dst);
  StopAfterSomeBytes stop;
  auto restored = Restore(dst, file, 2, &stop);
  EXPECT_TRUE(absl::IsCancelled(restored.status())) << restored.status();
  EXPECT_EQ(Oid(dst), oid);
  EXPECT_EQ(Copies(), "0");
}

TEST_F(ParallelRestoreTest, ATargetThatCannotBeReplacedIsRestoredInOneTransaction) {
  std::string src = NewDatabase("src");
  LoadSql(src, testing::SourcePath("tools/demo/writing.sql"));
  const std::string file = BackupOrDie(src);

  std::string busy = NewDatabase("busy");
  {
    auto other = engine::PgConnection::Connect(Connect(busy));  // another session
    ASSERT_THAT(other, IsOk());
    const std::string oid = Oid(busy);
    auto restored = Restore(busy, file, 2);
    ASSERT_THAT(restored, IsOk());
    EXPECT_THAT(restored->warnings,
                Contains(HasSubstr("other sessions are connected to it; restored on one "
                                   "connection instead")));
    EXPECT_EQ(Oid(busy), oid);
  }
  EXPECT_EQ(DatabaseDigest(busy), DatabaseDigest(src));

  std::string used = NewDatabase("used");
  Exec(used, "CREATE TABLE public.keep_me (id int); INSERT INTO public.keep_me VALUES (1)");
  auto restored = Restore(used, file, 2);
  ASSERT_THAT(restored, IsOk());
  EXPECT_THAT(restored->warnings, Contains(HasSubstr("it is not empty")));
  EXPECT_EQ(Query(used, "SELECT count(*) FROM public.keep_me"), "1");
  EXPECT_EQ(Copies(), "0");
}

TEST_F(ParallelRestoreTest, CommandLine) {
  std::string src = NewDatabase("src");
  LoadSql(src, testing::SourcePath("tools/demo/writing.sql"));
  const std::string file = BackupOrDie(src);
  std::string dst = NewDatabase("dst");
  testing::RunResult r = Pgark(Db(dst) + " restore full " + file + " --jobs 2");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, Not(HasSubstr("warning")));
  EXPECT_EQ(DatabaseDigest(dst), DatabaseDigest(src));
  r = Pgark(Db(dst) + " restore full " + file + " --jobs 0");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("--jobs \"0\" is not a positive number"));
}

// Rows of a table the restore creates are loaded frozen (COPY ... FREEZE): on one connection
// in the transaction that created it, over several after TRUNCATE in the loading transaction.
// Seen from outside as an index-only scan that visits no heap page right after the restore
// (COPY FREEZE sets the visibility map from PostgreSQL 14; a plain COPY leaves it unset).
TEST_F(ParallelRestoreTest, RowsOfTablesItCreatesAreLoadedFrozen) {
  std::string src = NewDatabase("src");
  // Over 1 MiB of COPY text: over several connections a smaller table is not frozen.
  Exec(src, "CREATE TABLE public.t (id int PRIMARY KEY, pad text); "
            "INSERT INTO public.t SELECT g, md5(g::text) FROM generate_series(1, 40000) g");
  const std::string file = BackupOrDie(src);
  auto fetches = [&](const std::string& db) {
    return Query(db,
                 "SET enable_seqscan = off; SET enable_bitmapscan = off; "
                 "CREATE FUNCTION pg_temp.plan() RETURNS SETOF text LANGUAGE plpgsql AS $f$ BEGIN "
                 "RETURN QUERY EXECUTE 'EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) "
                 "SELECT id FROM public.t WHERE id > 0'; END $f$; "
                 "SELECT string_agg(trim(p), ' ') FROM pg_temp.plan() p WHERE p LIKE '%Heap%'");
  };
  ASSERT_EQ(fetches(src), "Heap Fetches: 40000") << "a plain load leaves the map unset";
  for (int jobs : {1, 2}) {
    std::string dst = NewDatabase("jobs" + std::to_string(jobs));
    ASSERT_THAT(Restore(dst, file, jobs), IsOk());
    EXPECT_EQ(fetches(dst), "Heap Fetches: 0") << jobs << " connections";
    EXPECT_EQ(DatabaseDigest(dst), DatabaseDigest(src));
  }
}

// Calls `at` once, when the first table's rows are in (on a restore's own thread); asks to stop
// from then on if `then_stop`.
class OnFirstTableEnd : public engine::ProgressListener {
 public:
  explicit OnFirstTableEnd(std::function<void()> at, bool then_stop = false)
      : at_(std::move(at)), then_stop_(then_stop) {}
  void OnTableEnd(const std::string&, int64_t, uint64_t) override {
    if (!called_.exchange(true)) at_();
  }
  bool Cancelled() override { return then_stop_ && called_; }

 private:
  std::function<void()> at_;
  const bool then_stop_;
  std::atomic<bool> called_{false};
};

// --create with --jobs: the database made for the restore is loaded directly over the
// connections (no copy to make, swap and drop), under a private name until it is done; a
// failure or a stop drops it, and a name taken meanwhile is reported, not overwritten.
TEST_F(ParallelRestoreTest, ADatabaseMadeForTheRestoreIsLoadedDirectlyUnderAPrivateName) {
  std::string src = NewDatabase("src");
  LoadSql(src, testing::SourcePath("tests/fixtures/everything.sql"));
  Exec(src, "DO $$ BEGIN"
            "  EXECUTE format('ALTER DATABASE %I SET work_mem = %L', current_database(), '3MB');"
            "  EXECUTE format('COMMENT ON DATABASE %I IS %L', current_database(), 'it''s made');"
            "END $$");
  const std::string file = BackupOrDie(src);
  const std::string made = src + "_made";
  const std::string exists = "SELECT count(*) FROM pg_database WHERE datname = '" + made + "'";
  Exec("postgres", "DROP DATABASE IF EXISTS \"" + made + "\"");
  std::string seen_while_loading;  // [the name, private copies] when the first table is in
  OnFirstTableEnd look([&] { seen_while_loading = Query("postgres", exists) + Copies(); });
  auto restored = RestoreCreating(made, file, 3, &look);
  ASSERT_THAT(restored, IsOk());
  EXPECT_EQ(seen_while_loading, "01") << "under a private name while it was loaded";
  EXPECT_THAT(restored->warnings, ElementsAre("the server warned: wal_level is insufficient to "
                                              "publish logical changes"));
  EXPECT_EQ(Copies(), "0");
  EXPECT_EQ(SchemaDump(made), SchemaDump(src));
  EXPECT_EQ(DatabaseDigest(made), DatabaseDigest(src));
  const std::string properties =
      "SELECT (SELECT array_agg(s ORDER BY s) FROM pg_db_role_setting r, unnest(r.setconfig) s "
      "WHERE r.setdatabase = d.oid AND r.setrole = 0), shobj_description(d.oid, 'pg_database') "
      "FROM pg_database d WHERE d.datname = current_database()";
  EXPECT_EQ(Query(made, properties), Query(src, properties));

  // Stopped under way: nothing is left, under either name.
  Exec("postgres", "DROP DATABASE \"" + made + "\"");
  OnFirstTableEnd stop([] {}, /*then_stop=*/true);
  EXPECT_TRUE(absl::IsCancelled(RestoreCreating(made, file, 3, &stop).status()));
  EXPECT_EQ(Query("postgres", exists) + Copies(), "00");

  // The name taken by another session while it was loaded: that database is left alone.
  OnFirstTableEnd take([&] { Exec("postgres", "CREATE DATABASE \"" + made + "\""); });
  auto raced = RestoreCreating(made, file, 3, &take);
  ASSERT_FALSE(raced.ok());
  EXPECT_THAT(std::string(raced.status().message()),
              HasSubstr("naming the restored database \"" + made +
                        "\" (the restored copy is dropped)"));
  EXPECT_EQ(Query("postgres", exists) + Copies(), "10");
  EXPECT_EQ(Query(made, "SELECT count(*) FROM pg_class WHERE oid >= 16384"), "0");
}

TEST_F(ParallelRestoreTest, BigTablesAreStoredInPartsAndComeBackWhole) {
  std::string src = NewDatabase("src");
  Exec(src, "CREATE TABLE public.big (id int PRIMARY KEY, pad text); "
            "INSERT INTO public.big SELECT g, repeat(md5(g::text), 3) FROM generate_series(1, 20000) g; "
            "DELETE FROM public.big WHERE id % 7 = 0; "  // holes in the pages
            "CREATE TABLE public.small AS SELECT g AS id FROM generate_series(1, 10) g; "
            "CREATE TABLE public.child (id int REFERENCES public.big) ");
  Exec(src, "INSERT INTO public.child SELECT id FROM public.big WHERE id % 100 = 1");
  const std::string digest = DatabaseDigest(src);
  const std::string file = BackupOrDie(src, engine::BackupType::kFull, 256 << 10);
  auto manifest_file = formats::ManifestFileName(file);
  ASSERT_THAT(manifest_file, IsOk());
  auto loaded = formats::DecodeManifest(testing::ReadFile(formats::JoinPath(backup_dir_, *manifest_file)));
  ASSERT_THAT(loaded, IsOk());
  EXPECT_EQ(loaded->format_version, 3);
  int parts = 0;
  int64_t rows = 0;
  for (const formats::MemberEntry& m : loaded->members) {
    if (m.kind != formats::MemberKind::kTableData || m.name != "big") continue;
    EXPECT_EQ(m.part, ++parts);
    rows += m.rows;
  }
  EXPECT_GE(parts, 4);
  EXPECT_EQ(rows, 20000 - 20000 / 7);

  auto report = engine::ValidateBackup(backup_dir_, file);
  ASSERT_THAT(report, IsOk());
  EXPECT_TRUE(report->valid) << ::testing::PrintToString(report->errors);
  for (int jobs : {1, 3}) {
    std::string dst = NewDatabase("jobs" + std::to_string(jobs));
    auto restored = Restore(dst, file, jobs);
    ASSERT_THAT(restored, IsOk());
    EXPECT_EQ(std::to_string(restored->record_count),
              Query(src, "SELECT (SELECT count(*) FROM public.big) + 10 + "
                         "(SELECT count(*) FROM public.child)"));
    EXPECT_EQ(DatabaseDigest(dst), digest);
    EXPECT_EQ(SchemaDump(dst), SchemaDump(src));
  }
  std::string via_psql = NewDatabase("psql");
  ASSERT_EQ(RestoreWithPsql(formats::JoinPath(backup_dir_, file), via_psql), 0);
  EXPECT_EQ(DatabaseDigest(via_psql), digest);

  // With four jobs, two more connections dump parts of the big table ahead of the writer.
  const std::string spread = BackupOrDie(src, engine::BackupType::kFull, 256 << 10, 4);
  std::string from_spread = NewDatabase("spread");
  ASSERT_THAT(Restore(from_spread, spread, 2), IsOk());
  EXPECT_EQ(DatabaseDigest(from_spread), digest);
  EXPECT_EQ(SchemaDump(from_spread), SchemaDump(src));

  // An incremental on top replays every part of its base.
  Exec(src, "UPDATE public.big SET pad = 'changed' WHERE id % 1000 = 3; "
            "DELETE FROM public.big WHERE id % 1000 = 5 AND id NOT IN (SELECT id FROM public.child); "
            "INSERT INTO public.big VALUES (30000, 'new')");
  const std::string inc = BackupOrDie(src, engine::BackupType::kIncremental, 256 << 10);
  std::string chain = NewDatabase("chain");
  ASSERT_THAT(Restore(chain, inc, 2), IsOk());  // each table replayed on its connection
  EXPECT_EQ(DatabaseDigest(chain), DatabaseDigest(src));
}

}  // namespace
}  // namespace pgark
