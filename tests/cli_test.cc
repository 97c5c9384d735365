// The pgark binary as a user meets it: exit codes, one-line errors, --json output, and bad
// input (wrong password, unreachable server, unknown table, path tricks, damaged files, a full
// or read-only backup directory) that must fail cleanly and leave nothing behind.
#include <dirent.h>
#include <sys/mount.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "formats/archive_layout.h"
#include "tests/integration_util.h"

namespace pgark {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

using testing::RunResult;

class CliTest : public testing::IntegrationTest {
 protected:
  // Every entry of the backup directory but the audit log, hidden temporary files included.
  std::vector<std::string> ListBackupDir() {
    std::vector<std::string> names;
    DIR* d = ::opendir(backup_dir_.c_str());
    if (d == nullptr) return names;
    while (dirent* e = ::readdir(d)) {
      std::string n = e->d_name;
      if (n != "." && n != ".." && n != "audit.log") names.push_back(n);
    }
    ::closedir(d);
    return names;
  }

  // Error output must be one line (plus nothing else) and never contain a password.
  void ExpectOneLineError(const RunResult& r, const std::string& fragment) {
    EXPECT_THAT(r.err, HasSubstr(fragment));
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_THAT(r.err, Not(HasSubstr("wrong-password")));
  }
};

TEST_F(CliTest, BackupValidateRestoreWithJson) {
  std::string src = NewDatabase("src");
  LoadSql(src, testing::SourcePath("tools/demo/writing.sql"));
  RunResult backup = Pgark(absl::StrCat(Db(src), " --json backup table books"));
  ASSERT_EQ(backup.exit_code, 0) << backup.err;
  nlohmann::json j = nlohmann::json::parse(backup.out);
  EXPECT_EQ(j["success"], true);
  EXPECT_EQ(j["table"], "books");
  EXPECT_EQ(j["recordCount"], 12);
  EXPECT_EQ(j["compressed"], true);
  EXPECT_EQ(j["checksum"].get<std::string>().size(), 64u);
  std::string file = j["backupFile"];
  EXPECT_THAT(file, ::testing::MatchesRegex("backup-table-books-[0-9]{8}-[0-9]{6}\\.sql\\.gz"));
  struct stat st;
  ASSERT_EQ(::stat(absl::StrCat(backup_dir_, "/", file).c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(::stat(backup_dir_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);

  RunResult valid = Pgark(absl::StrCat("validate ", file));
  EXPECT_EQ(valid.exit_code, 0) << valid.err;
  EXPECT_THAT(valid.out, HasSubstr("is valid"));

  std::string dst = NewDatabase("dst");
  Exec(dst, "CREATE TABLE series (id int PRIMARY KEY)");
  RunResult restore = Pgark(absl::StrCat(Db(dst), " --json restore table ", file));
  ASSERT_EQ(restore.exit_code, 0) << restore.err;
  nlohmann::json rj = nlohmann::json::parse(restore.out);
  EXPECT_EQ(rj["restoredTables"], nlohmann::json::array({"books"}));
  EXPECT_EQ(rj["recordCount"], 12);
  EXPECT_EQ(TableDigest(dst, "public.books"), TableDigest(src, "public.books"));

  RunResult list = Pgark("--json list --type table");
  ASSERT_EQ(list.exit_code, 0) << list.err;
  nlohmann::json lj = nlohmann::json::parse(list.out);
  ASSERT_EQ(lj["backups"].size(), 1u);
  EXPECT_EQ(lj["backups"][0]["filename"], file);
  EXPECT_EQ(lj["backups"][0]["recordCount"], 12);
  RunResult del = Pgark(absl::StrCat("--json delete ", file));
  ASSERT_EQ(del.exit_code, 0) << del.err;
  EXPECT_GT(nlohmann::json::parse(del.out)["freedSpace"].get<int64_t>(), 0);
  EXPECT_TRUE(ListBackupDir().empty()) << ::testing::PrintToString(ListBackupDir());
  EXPECT_EQ(Pgark(absl::StrCat("delete ", file)).exit_code, 5);

  // Every command, the refused one too, is in the audit log; the connection string is not.
  const std::string audit_path = absl::StrCat(backup_dir_, "/audit.log");
  ASSERT_EQ(::stat(audit_path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  std::vector<std::string> lines = absl::StrSplit(testing::ReadFile(audit_path), '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 6u);
  nlohmann::json first = nlohmann::json::parse(lines[0]);
  EXPECT_EQ(first["operation"], "backup table");
  EXPECT_EQ(first["arguments"]["arguments"], nlohmann::json::array({"books"}));
  EXPECT_EQ(first["outcome"], "ok");
  nlohmann::json last = nlohmann::json::parse(lines.back());
  EXPECT_EQ(last["operation"], "delete");
  EXPECT_EQ(last["outcome"], "error");
  EXPECT_THAT(last["error"].get<std::string>(), HasSubstr("not found"));
  EXPECT_THAT(testing::ReadFile(audit_path), Not(HasSubstr("host=")));

  RunResult prune = Pgark("--json prune --dry-run");
  ASSERT_EQ(prune.exit_code, 0) << prune.err;
  EXPECT_EQ(nlohmann::json::parse(prune.out)["dryRun"], true);
  EXPECT_EQ(Pgark("prune", "BACKUP_RETENTION_DAYS=soon").exit_code, 2);
}

// A backup checks what it wrote against the catalog and names what it left out, with examples,
// instead of leaving a restore silently short. Aggregates, rules, statistics objects,
// collations, text search configurations, procedural languages and large objects are carried,
// so not named; a subscription that a role other than a superuser backs up is (only a
// superuser may read its connection string).
TEST_F(CliTest, BackupNamesWhatItLeavesOut) {
  std::string src = NewDatabase("gaps");
  Exec("postgres", "DO $$ BEGIN CREATE ROLE pgark_gaps_reader LOGIN; EXCEPTION WHEN "
                   "duplicate_object THEN NULL; END $$");
  Exec(src, "CREATE TABLE t (a int, b int);"
            "CREATE AGGREGATE my_sum(int) (sfunc = int4pl, stype = int);"
            "CREATE COLLATION nocase (provider = icu, locale = 'und-u-ks-level2', "
            "deterministic = false);"
            "CREATE TEXT SEARCH CONFIGURATION \"Tëxt \"\"x\"\"\" (COPY = simple);"
            "CREATE LANGUAGE \"plNöwhere\" HANDLER plpgsql_call_handler;"
            "CREATE RULE t_quiet AS ON DELETE TO t DO INSTEAD NOTHING;"
            "CREATE STATISTICS t_ab ON a, b FROM t;"
            "DO $$ DECLARE o oid := lo_from_bytea(0, 'large object data'); BEGIN "
            "  EXECUTE format('GRANT SELECT ON LARGE OBJECT %s TO pgark_gaps_reader', o); END $$;"
            "GRANT SELECT ON t TO pgark_gaps_reader;"
            "CREATE SUBSCRIPTION \"Sübs\" CONNECTION 'dbname=nowhere' PUBLICATION p "
            "  WITH (connect = false, enabled = false, create_slot = false, slot_name = NONE);");
  RunResult full = Pgark(absl::StrCat(Db(src), " --json backup full"));
  ASSERT_EQ(full.exit_code, 0) << full.err;
  EXPECT_TRUE(nlohmann::json::parse(full.out)["warnings"].empty()) << full.out;
  const std::string reader =
      absl::StrCat("--db '", cluster().ConnInfo(src), " user=pgark_gaps_reader'");
  RunResult by_reader = Pgark(absl::StrCat(reader, " --json backup full"));
  ASSERT_EQ(by_reader.exit_code, 0) << by_reader.err;
  nlohmann::json j = nlohmann::json::parse(by_reader.out);
  ASSERT_EQ(j["warnings"].size(), 1u) << j["warnings"].dump();
  EXPECT_THAT(j["warnings"][0].get<std::string>(), HasSubstr("1 subscription (\"Sübs\")"));
  // On the terminal: one warning line each, on stderr.
  RunResult plain = Pgark(absl::StrCat(reader, " --quiet backup full --schema-only"));
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  EXPECT_EQ(std::count(plain.err.begin(), plain.err.end(), '\n'), 1) << plain.err;
  EXPECT_THAT(plain.err, HasSubstr("pgark: warning: left out of this backup (pgark does not back "
                                   "up these yet): 1 subscription"));
  // A data-only backup has none of these to leave out.
  RunResult data = Pgark(absl::StrCat(reader, " --json backup full --data-only"));
  ASSERT_EQ(data.exit_code, 0) << data.err;
  EXPECT_TRUE(nlohmann::json::parse(data.out)["warnings"].empty()) << data.out;
  Exec(src, "ALTER SUBSCRIPTION \"Sübs\" SET (slot_name = NONE); DROP SUBSCRIPTION \"Sübs\"");
}

TEST_F(CliTest, EveryCompressionLevelAndThreadCountRestoresTheSame) {
  std::string src = NewDatabase("src");
  LoadSql(src, testing::SourcePath("tools/demo/writing.sql"));
  Exec(src, "CREATE TABLE bulk AS SELECT g, repeat(md5(g::text), 20) AS t "
            "FROM generate_series(1, 30000) g");
  const std::string digest = DatabaseDigest(src);
  int n = 0;
  for (const char* flags : {"--compress-level fast --jobs 3", "--compress-level 9 --jobs 1",
                            "--no-compress --jobs 2"}) {
    SCOPED_TRACE(flags);
    RunResult backup = Pgark(absl::StrCat(Db(src), " --json backup full ", flags));
    ASSERT_EQ(backup.exit_code, 0) << backup.err;
    const std::string file = nlohmann::json::parse(backup.out)["backupFile"];
    EXPECT_EQ(Pgark(absl::StrCat("validate ", file)).exit_code, 0);
    for (const std::string& name : ListBackupDir()) {
      EXPECT_EQ(name.find(".pgark-spool"), std::string::npos) << name;  // parallel spools gone
    }
    std::string dst = NewDatabase(absl::StrCat("dst", n++));
    RunResult restore = Pgark(absl::StrCat(Db(dst), " restore full ", file));
    ASSERT_EQ(restore.exit_code, 0) << restore.err;
    EXPECT_EQ(DatabaseDigest(dst), digest);
  }
  // BACKUP_COMPRESSION_LEVEL applies when the flag is absent.
  RunResult fast = Pgark(absl::StrCat(Db(src), " --json backup full"), "BACKUP_COMPRESSION_LEVEL=fast");
  ASSERT_EQ(fast.exit_code, 0) << fast.err;
  RunResult six = Pgark(absl::StrCat(Db(src), " --json backup full --compress-level 6"),
                        "BACKUP_COMPRESSION_LEVEL=fast");
  ASSERT_EQ(six.exit_code, 0) << six.err;
  EXPECT_GT(nlohmann::json::parse(fast.out)["size"].get<int64_t>(),
            nlohmann::json::parse(six.out)["size"].get<int64_t>());
}

// --compress zstd through every path: parallel backup and restore, validate, `zstd -dc | psql`,
// incrementals mixing codecs and encryption in one chain.
TEST_F(CliTest, ZstdArchivesWorkEverywhereGzipDoes) {
  std::string src = NewDatabase("src");
  LoadSql(src, testing::SourcePath("tools/demo/writing.sql"));
  Exec(src, "CREATE TABLE bulk (id int PRIMARY KEY, t text); INSERT INTO bulk SELECT g, "
            "repeat(md5(g::text), 10) FROM generate_series(1, 30000) g");
  RunResult full = Pgark(absl::StrCat(Db(src), " --json backup full --compress zstd --jobs 2"));
  ASSERT_EQ(full.exit_code, 0) << full.err;
  const nlohmann::json fj = nlohmann::json::parse(full.out);
  const std::string file = fj["backupFile"];
  EXPECT_THAT(file, ::testing::EndsWith(".sql.zst"));
  EXPECT_EQ(fj["compression"], "zstd");
  EXPECT_EQ(Pgark(absl::StrCat("validate ", file)).exit_code, 0);
  std::string via_psql = NewDatabase("via_psql");
  ASSERT_EQ(RestoreWithPsql(formats::JoinPath(backup_dir_, file), via_psql), 0);
  EXPECT_EQ(DatabaseDigest(via_psql), DatabaseDigest(src));

  // A chain: zstd full, encrypted zstd:9 incremental, plain gzip incremental.
  const std::string key = "BACKUP_ENCRYPTION_KEY=zstd-chain-secret";
  Exec(src, "UPDATE bulk SET t = 'changed' WHERE id % 50 = 0; DELETE FROM bulk WHERE id % 77 = 0");
  RunResult enc = Pgark(absl::StrCat(Db(src), " backup incremental --compress zstd:9"),
                        key + " BACKUP_ENCRYPT=true");
  ASSERT_EQ(enc.exit_code, 0) << enc.err;
  Exec(src, "INSERT INTO bulk SELECT g, 'new' FROM generate_series(40001, 40500) g");
  RunResult last = Pgark(absl::StrCat(Db(src), " --json backup incremental --compress gzip"), key);
  ASSERT_EQ(last.exit_code, 0) << last.err;
  const std::string newest = nlohmann::json::parse(last.out)["backupFile"];
  EXPECT_THAT(newest, ::testing::EndsWith(".sql.gz"));
  std::string dst = NewDatabase("dst");
  RunResult restore = Pgark(absl::StrCat(Db(dst), " restore full ", newest, " --jobs 2"), key);
  ASSERT_EQ(restore.exit_code, 0) << restore.err;
  EXPECT_EQ(DatabaseDigest(dst), DatabaseDigest(src));
  // Without the key, the encrypted link in the middle is named (not taken for damage).
  std::string keyless = NewDatabase("keyless");
  RunResult refused = Pgark(absl::StrCat(Db(keyless), " restore full ", newest));
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_THAT(refused.err, HasSubstr("is encrypted"));
  EXPECT_THAT(refused.err, HasSubstr("BACKUP_ENCRYPTION_KEY"));

  for (const char* bad : {"--compress zstd:20", "--compress lz4", "--no-compress --compress zstd",
                          "--compress zstd:3 --compress-level 5"}) {
    EXPECT_EQ(Pgark(absl::StrCat(Db(src), " backup full ", bad)).exit_code, 2) << bad;
  }
  EXPECT_EQ(Pgark(absl::StrCat(Db(src), " backup full"), "BACKUP_COMPRESSION=zstd:0").exit_code, 2);
  RunResult by_env = Pgark(absl::StrCat(Db(src), " --json backup full"), "BACKUP_COMPRESSION=zstd");
  ASSERT_EQ(by_env.exit_code, 0) << by_env.err;
  EXPECT_EQ(nlohmann::json::parse(by_env.out)["compression"], "zstd");
}

TEST_F(CliTest, UsageErrorsExitTwo) {
  EXPECT_EQ(Pgark("").exit_code, 2);
  EXPECT_EQ(Pgark("frobnicate").exit_code, 2);
  EXPECT_EQ(Pgark("backup table").exit_code, 2);
  EXPECT_EQ(Pgark("--bogus backup full").exit_code, 2);
  EXPECT_EQ(Pgark("restore full x.sql.gz --on-conflict sometimes").exit_code, 2);
  EXPECT_EQ(Pgark("backup full --schema-only --data-only").exit_code, 2);
  EXPECT_EQ(Pgark("backup full --compress-level 12").exit_code, 2);
  EXPECT_EQ(Pgark("backup full --compress-level quick").exit_code, 2);
  EXPECT_EQ(Pgark("backup full", "BACKUP_COMPRESSION_LEVEL=huge").exit_code, 2);
  EXPECT_EQ(Pgark("backup full --jobs 0").exit_code, 2);
  EXPECT_EQ(Pgark("schedule --full '* * *'").exit_code, 2);
  RunResult help = Pgark("--help");
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_THAT(help.out, HasSubstr("usage: pgark"));
}

TEST_F(CliTest, FileArgumentsArePlainNames) {
  for (const char* bad : {"../../etc/passwd", "/etc/passwd", "a/../../b.sql.gz", ".hidden.sql.gz"}) {
    RunResult r = Pgark(absl::StrCat("validate '", bad, "'"));
    EXPECT_EQ(r.exit_code, 2) << bad;
    ExpectOneLineError(r, "not a plain file name");
  }
}

TEST_F(CliTest, SymlinksOutOfTheBackupDirectoryAreRefused) {
  ASSERT_EQ(::mkdir(backup_dir_.c_str(), 0700), 0);
  ASSERT_EQ(::symlink("/etc/passwd", absl::StrCat(backup_dir_, "/backup-full-20260101-000000.sql.gz").c_str()), 0);
  ASSERT_EQ(::symlink("/etc/passwd", absl::StrCat(backup_dir_, "/backup-full-20260101-000000-manifest.json").c_str()), 0);
  RunResult r = Pgark("validate backup-full-20260101-000000.sql.gz");
  EXPECT_EQ(r.exit_code, 2);  // a bad file name, as README's exit codes say
  ExpectOneLineError(r, "symbolic link");
}

// A FIFO named as a backup or an import file is refused at once, never waited on; a backup
// directory that is a plain file is a storage error.
TEST_F(CliTest, FifosAndNonDirectoriesAreRefused) {
  ASSERT_EQ(::mkdir(backup_dir_.c_str(), 0700), 0);
  ASSERT_EQ(::mkfifo(absl::StrCat(backup_dir_, "/backup-full-20260101-000000.sql.gz").c_str(), 0600), 0);
  ASSERT_EQ(::mkfifo(absl::StrCat(backup_dir_, "/backup-full-20260101-000000-manifest.json").c_str(), 0600), 0);
  ASSERT_EQ(::mkfifo(absl::StrCat(backup_dir_, "/rows.csv").c_str(), 0600), 0);
  RunResult r = Pgark("validate backup-full-20260101-000000.sql.gz");
  EXPECT_EQ(r.exit_code, 2) << r.err;
  ExpectOneLineError(r, "not a regular file");
  std::string db = NewDatabase("fifo");
  Exec(db, "CREATE TABLE t (a int)");
  RunResult import = Pgark(absl::StrCat(Db(db), " import csv t rows.csv"));
  EXPECT_EQ(import.exit_code, 2) << import.err;
  EXPECT_THAT(import.err, HasSubstr("not a regular file"));
  const std::string file_dir = absl::StrCat(backup_dir_, "/plain-file");
  ASSERT_EQ(::close(::open(file_dir.c_str(), O_CREAT | O_WRONLY, 0600)), 0);
  RunResult backup = Pgark(absl::StrCat(Db(db), " --backup-dir ", file_dir, " backup full"));
  EXPECT_EQ(backup.exit_code, 7) << backup.err;
  EXPECT_THAT(backup.err, HasSubstr("is not a directory"));
}

// The audit log is never written through a symbolic link nor into a FIFO; when it cannot be
// written, a change is refused (nothing made) and a read says so in a warning.
TEST_F(CliTest, AnUnwritableAuditLogRefusesChanges) {
  ASSERT_EQ(::mkdir(backup_dir_.c_str(), 0700), 0);
  const std::string outside = absl::StrCat(backup_dir_, "-outside");
  ASSERT_EQ(::symlink(outside.c_str(), absl::StrCat(backup_dir_, "/audit.log").c_str()), 0);
  std::string db = NewDatabase("audit");
  Exec(db, "CREATE TABLE t (a int)");
  RunResult backup = Pgark(absl::StrCat(Db(db), " backup full"));
  EXPECT_EQ(backup.exit_code, 7) << backup.err;
  ExpectOneLineError(backup, "audit log cannot be written");
  EXPECT_NE(::access(outside.c_str(), F_OK), 0);  // nothing written through the link
  RunResult list = Pgark("list");
  EXPECT_EQ(list.exit_code, 0) << list.err;
  EXPECT_THAT(list.err, HasSubstr("pgark: warning: the audit log cannot be written"));
  ASSERT_EQ(::unlink(absl::StrCat(backup_dir_, "/audit.log").c_str()), 0);
  ASSERT_EQ(::mkfifo(absl::StrCat(backup_dir_, "/audit.log").c_str(), 0600), 0);
  RunResult fifo = Pgark(absl::StrCat(Db(db), " backup full"));  // returns, never blocks
  EXPECT_EQ(fifo.exit_code, 7) << fifo.err;
  ExpectOneLineError(fifo, "audit log cannot be written");
}

// A backup directory that other users may read is used, with one warning (issue 18, 22).
TEST_F(CliTest, ABackupDirectoryOpenToOthersIsNamed) {
  ASSERT_EQ(::mkdir(backup_dir_.c_str(), 0755), 0);
  ASSERT_EQ(::chmod(backup_dir_.c_str(), 0755), 0);
  RunResult list = Pgark("list");
  EXPECT_EQ(list.exit_code, 0) << list.err;
  EXPECT_EQ(std::count(list.err.begin(), list.err.end(), '\n'), 1) << list.err;
  EXPECT_THAT(list.err, HasSubstr("is open to other users (mode 0755)"));
  ASSERT_EQ(::chmod(backup_dir_.c_str(), 0700), 0);
  EXPECT_EQ(Pgark("list").err, "");
}

// What a command echoes back is bounded (issue 18, defect 14): a huge table name makes a short
// error and a short audit line.
TEST_F(CliTest, EchoedValuesAreBounded) {
  std::string db = NewDatabase("echo");
  const std::string huge(100'000, 'n');
  RunResult r = Pgark(absl::StrCat(Db(db), " export json ", huge));
  EXPECT_EQ(r.exit_code, 5) << r.err.substr(0, 300);
  EXPECT_LT(r.err.size(), 2'500u);
  ExpectOneLineError(r, "more bytes)");
  const std::string audit = testing::ReadFile(absl::StrCat(backup_dir_, "/audit.log"));
  EXPECT_LT(audit.size(), 4'000u);
  EXPECT_THAT(audit, HasSubstr("more bytes)"));
}

TEST_F(CliTest, AllowlistRefusesOtherTables) {
  std::string src = NewDatabase("src");
  LoadSql(src, testing::SourcePath("tools/demo/writing.sql"));
  RunResult refused = Pgark(absl::StrCat(Db(src), " backup table series"),
                            "PGARK_ALLOWED_TABLES=books,chapters");
  EXPECT_EQ(refused.exit_code, 7);
  ExpectOneLineError(refused, "not in PGARK_ALLOWED_TABLES");
  RunResult allowed = Pgark(absl::StrCat(Db(src), " --json backup table public.books"),
                            "PGARK_ALLOWED_TABLES=books,chapters");
  ASSERT_EQ(allowed.exit_code, 0) << allowed.err;
  const std::string books = nlohmann::json::parse(allowed.out)["backupFile"];
  // Operations on every table are refused under an allowlist, before anything runs
  // (issue 18, defect 2).
  for (const char* whole : {" backup full", " backup incremental"}) {
    RunResult r = Pgark(absl::StrCat(Db(src), whole), "PGARK_ALLOWED_TABLES=books,chapters");
    EXPECT_EQ(r.exit_code, 7) << whole;
    ExpectOneLineError(r, "PGARK_ALLOWED_TABLES confines pgark to books, chapters");
  }
  std::string dst = NewDatabase("dst");
  RunResult all = Pgark(absl::StrCat(Db(dst), " restore table ", books),
                        "PGARK_ALLOWED_TABLES=books,chapters");
  EXPECT_EQ(all.exit_code, 7) << all.err;
  EXPECT_EQ(Query(dst, "SELECT count(*) FROM pg_class WHERE relname = 'books'"), "0");
  EXPECT_EQ(Pgark(absl::StrCat(Db(dst), " restore table ", books, " --table books"),
                  "PGARK_ALLOWED_TABLES=books,chapters")
                .exit_code,
            0);
}

// A bare name means the public table when there is one, and is ambiguous between tables of
// other schemas (issue 18, defect 1): the allowlist's public.pub never restores hidden.pub.
TEST_F(CliTest, TableNamesInABackupAreExact) {
  std::string src = NewDatabase("src");
  Exec(src, "CREATE SCHEMA hidden; CREATE SCHEMA a; CREATE SCHEMA b;"
            "CREATE TABLE hidden.pub (secret text); INSERT INTO hidden.pub VALUES ('s');"
            "CREATE TABLE public.pub (open text); INSERT INTO public.pub VALUES ('o');"
            "CREATE TABLE a.twin (x int); CREATE TABLE b.twin (x int);");
  RunResult backup = Pgark(absl::StrCat(Db(src), " --json backup full"));
  ASSERT_EQ(backup.exit_code, 0) << backup.err;
  const std::string file = nlohmann::json::parse(backup.out)["backupFile"];
  std::string dst = NewDatabase("dst");
  RunResult pub = Pgark(absl::StrCat(Db(dst), " restore table ", file, " --table pub"),
                        "PGARK_ALLOWED_TABLES=public.pub");
  ASSERT_EQ(pub.exit_code, 0) << pub.err;
  EXPECT_EQ(Query(dst, "SELECT open FROM public.pub"), "o");
  EXPECT_EQ(Query(dst, "SELECT count(*) FROM pg_namespace WHERE nspname = 'hidden'"), "0");
  RunResult twin = Pgark(absl::StrCat(Db(dst), " restore table ", file, " --table twin"));
  EXPECT_EQ(twin.exit_code, 2) << twin.err;
  ExpectOneLineError(twin, "is ambiguous");
  EXPECT_THAT(twin.err, HasSubstr("a.twin, b.twin"));
}

TEST_F(CliTest, ConnectionFailures) {
  std::string db = NewDatabase("db");
  RunResult wrong = Pgark(absl::StrCat(
      "--db 'postgresql://pgark_pw:wrong-password@/", db, "?host=", cluster().socket_dir(),
      "&port=", cluster().port(), "' backup full"));
  EXPECT_EQ(wrong.exit_code, 4);
  ExpectOneLineError(wrong, "password authentication failed");

  EXPECT_THAT(testing::ReadFile(absl::StrCat(backup_dir_, "/audit.log")),
              Not(HasSubstr("wrong-password")));
  RunResult right = Pgark(absl::StrCat("backup full"),
                          absl::StrCat("PGPASSWORD=right-password PGUSER=pgark_pw PGHOST=",
                                       cluster().socket_dir(), " PGPORT=", cluster().port(),
                                       " PGDATABASE=", db));
  EXPECT_EQ(right.exit_code, 0) << right.err;

  RunResult unreachable =
      Pgark(absl::StrCat("--db 'host=", cluster().socket_dir(), " port=1 dbname=x' backup full"));
  EXPECT_EQ(unreachable.exit_code, 4);
  ExpectOneLineError(unreachable, "cannot connect to PostgreSQL");

  RunResult no_db = Pgark(absl::StrCat("--db '", cluster().ConnInfo("no_such_database"),
                                       "' backup full"));
  EXPECT_EQ(no_db.exit_code, 5);
  ExpectOneLineError(no_db, "no_such_database");
}

TEST_F(CliTest, UnknownTableNamesTheExistingOnes) {
  std::string src = NewDatabase("src");
  LoadSql(src, testing::SourcePath("tools/demo/writing.sql"));
  RunResult r = Pgark(absl::StrCat(Db(src), " backup table bookz"));
  EXPECT_EQ(r.exit_code, 5);
  ExpectOneLineError(r, "table \"bookz\" does not exist (existing tables: books, chapters");
  EXPECT_TRUE(ListBackupDir().empty() || ListBackupDir() == std::vector<std::string>{});
  RunResult quote = Pgark(absl::StrCat(Db(src), " backup table 'x\"; DROP TABLE books; --'"));
  EXPECT_EQ(quote.exit_code, 5);
  EXPECT_EQ(Query(src, "SELECT count(*) FROM books"), "12");
}

// Dotted names resolve as SQL reads them, schema first (issue 18, defect 3): "a.b" is table b
// of schema a even beside a public table named "a.b", which stays reachable quoted; and what
// the existing-tables hint prints ("my s.t") is accepted back.
TEST_F(CliTest, DottedTableNamesResolveSchemaFirst) {
  std::string src = NewDatabase("src");
  Exec(src, "CREATE SCHEMA a; CREATE TABLE a.b (x int); INSERT INTO a.b VALUES (1);"
            "CREATE TABLE public.\"a.b\" (y int); INSERT INTO public.\"a.b\" VALUES (2), (3);"
            "CREATE SCHEMA \"my s\"; CREATE TABLE \"my s\".t (z int);");
  RunResult schema_first = Pgark(absl::StrCat(Db(src), " --json export json a.b"));
  ASSERT_EQ(schema_first.exit_code, 0) << schema_first.err;
  EXPECT_EQ(nlohmann::json::parse(schema_first.out)["recordCount"], 1);
  RunResult quoted = Pgark(absl::StrCat(Db(src), " --json export json '\"a.b\"'"));
  ASSERT_EQ(quoted.exit_code, 0) << quoted.err;
  EXPECT_EQ(nlohmann::json::parse(quoted.out)["recordCount"], 2);
  RunResult spaced = Pgark(absl::StrCat(Db(src), " --json backup table 'my s.t'"));
  EXPECT_EQ(spaced.exit_code, 0) << spaced.err;
}

TEST_F(CliTest, DamagedAndForeignFilesExitThree) {
  std::string src = NewDatabase("src");
  LoadSql(src, testing::SourcePath("tools/demo/writing.sql"));
  RunResult backup = Pgark(absl::StrCat(Db(src), " --json backup full"));
  ASSERT_EQ(backup.exit_code, 0) << backup.err;
  std::string file = nlohmann::json::parse(backup.out)["backupFile"];
  std::string path = absl::StrCat(backup_dir_, "/", file);
  {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(600);
    f.put('\x7f');
  }
  RunResult validate = Pgark(absl::StrCat("validate ", file));
  EXPECT_EQ(validate.exit_code, 3);
  ExpectOneLineError(validate, "is not valid");
  std::string dst = NewDatabase("dst");
  RunResult restore = Pgark(absl::StrCat(Db(dst), " restore full ", file));
  EXPECT_EQ(restore.exit_code, 3);
  EXPECT_EQ(Query(dst, "SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace"),
            "0");
  std::ofstream(absl::StrCat(backup_dir_, "/random.sql.gz")) << "garbage";
  EXPECT_EQ(Pgark(absl::StrCat(Db(dst), " restore full random.sql.gz")).exit_code, 3);
  EXPECT_EQ(Pgark("validate missing.sql.gz").exit_code, 5);
}

TEST_F(CliTest, FullOrReadOnlyBackupDirectoryLeavesNothing) {
  if (::geteuid() != 0) GTEST_SKIP() << "mounting a tiny tmpfs needs root";
  std::string src = NewDatabase("src");
  // About 4 MB of incompressible data: far more than the 512 KiB file system holds.
  Exec(src, "CREATE TABLE blobs (id int PRIMARY KEY, b bytea)");
  Exec(src, "INSERT INTO blobs SELECT g, decode(string_agg(md5(g::text || x::text), ''), 'hex') "
            "FROM generate_series(1, 1000) g, generate_series(1, 256) x GROUP BY g");
  ASSERT_EQ(::mkdir(backup_dir_.c_str(), 0700), 0);
  ASSERT_EQ(::mount("tmpfs", backup_dir_.c_str(), "tmpfs", 0, "size=512k,mode=0700"), 0);
  RunResult full = Pgark(absl::StrCat(Db(src), " backup table blobs"));
  EXPECT_EQ(full.exit_code, 7);
  ExpectOneLineError(full, "No space left on device");
  EXPECT_TRUE(ListBackupDir().empty()) << ::testing::PrintToString(ListBackupDir());

  ASSERT_EQ(::mount("tmpfs", backup_dir_.c_str(), "tmpfs", MS_REMOUNT | MS_RDONLY,
                    "size=512k,mode=0700"),
            0);
  RunResult readonly = Pgark(absl::StrCat(Db(src), " backup full"));
  EXPECT_EQ(readonly.exit_code, 7);
  ExpectOneLineError(readonly, "Read-only file system");
  ::umount(backup_dir_.c_str());
}

TEST_F(CliTest, SigtermMidBackupLeavesNothingBehind) {
  std::string src = NewDatabase("src");
  // Two tables and four jobs: a second connection spools one table while the other streams.
  Exec(src, "CREATE TABLE big AS SELECT g AS id, md5(g::text) || md5((g * 7)::text) AS t "
            "FROM generate_series(1, 600000) g;"
            "CREATE TABLE big2 AS SELECT * FROM big");
  ASSERT_EQ(::mkdir(backup_dir_.c_str(), 0700), 0);
  pid_t pid = ::fork();
  if (pid == 0) {
    const char* bin = std::getenv("PGARK_BIN");
    std::string db = cluster().ConnInfo(src);
    ::execl(bin, bin, "--db", db.c_str(), "--backup-dir", backup_dir_.c_str(), "--quiet",
            "backup", "full", "--jobs", "4", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  // Wait until the temporary archive holds some data, then interrupt.
  bool writing = false;
  for (int i = 0; i < 3000 && !writing; ++i) {
    ::usleep(2000);
    for (const std::string& name : ListBackupDir()) {
      struct stat st;
      std::string path = absl::StrCat(backup_dir_, "/", name);
      if (::stat(path.c_str(), &st) == 0 && st.st_size > (1 << 20)) writing = true;
    }
  }
  ASSERT_TRUE(writing) << "the backup never started writing";
  ::kill(pid, SIGTERM);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 130);
  EXPECT_TRUE(ListBackupDir().empty()) << ::testing::PrintToString(ListBackupDir());
}

}  // namespace
}  // namespace pgark
