// The backup directory as an operator lives with it: encryption at rest (wrong key, damage,
// truncation, decrypt for psql), list paging and "valid at last check".
#include <dirent.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "formats/sha256.h"
#include "tests/integration_util.h"

namespace pgark {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using Json = nlohmann::json;

constexpr char kKey[] = "BACKUP_ENCRYPTION_KEY='tr0ub4dor&3 horse'";

class RepositoryTest : public testing::IntegrationTest {
 protected:
  std::string Path(const std::string& name) { return absl::StrCat(backup_dir_, "/", name); }

  std::vector<std::string> Names() {
    std::vector<std::string> names;
    if (DIR* d = ::opendir(backup_dir_.c_str())) {
      while (dirent* e = ::readdir(d)) names.push_back(e->d_name);
      ::closedir(d);
    }
    return names;
  }
  // Polls until some file name contains `fragment`, for at most `seconds`.
  bool WaitFor(const std::string& fragment, int seconds) {
    auto end = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    while (std::chrono::steady_clock::now() < end) {
      for (const std::string& n : Names()) {
        if (n.find(fragment) != std::string::npos) return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }
};

// Encryption fails closed (issue 18, defects 6 and 7): a misspelt BACKUP_ENCRYPT is a usage
// error that writes nothing, and a key that is set does not stop plain backups from being read
// (the manifest says which files are encrypted).
TEST_F(RepositoryTest, EncryptionSettingsFailClosed) {
  std::string src = NewDatabase("src");
  Exec(src, "CREATE TABLE t (a int); INSERT INTO t VALUES (1)");
  for (const char* value : {"ture", "enabled", "Y", "2"}) {
    testing::RunResult r = Pgark(absl::StrCat(Db(src), " backup full"),
                                 absl::StrCat("BACKUP_ENCRYPT=", value, " ", kKey));
    EXPECT_EQ(r.exit_code, 2) << value << ": " << r.err;
    EXPECT_THAT(r.err, HasSubstr("is not a boolean")) << value;
  }
  for (const std::string& n : Names()) EXPECT_THAT(n, Not(HasSubstr("backup-")));
  testing::RunResult on = Pgark(absl::StrCat(Db(src), " --json backup full"),
                                absl::StrCat("BACKUP_ENCRYPT=On ", kKey));
  ASSERT_EQ(on.exit_code, 0) << on.err;
  EXPECT_EQ(Json::parse(on.out)["encrypted"], true);
  EXPECT_EQ(Pgark(absl::StrCat(Db(src), " backup full"), "BACKUP_COMPRESSION=nope").exit_code, 2);

  testing::RunResult plain = Pgark(absl::StrCat(Db(src), " --json backup full"),
                                   "BACKUP_ENCRYPT=off");
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  const std::string file = Json::parse(plain.out)["backupFile"];
  EXPECT_EQ(Pgark(absl::StrCat("validate ", file), kKey).exit_code, 0);
  std::string dst = NewDatabase("dst");
  testing::RunResult restore = Pgark(absl::StrCat(Db(dst), " restore full ", file), kKey);
  EXPECT_EQ(restore.exit_code, 0) << restore.err;
  EXPECT_EQ(DatabaseDigest(dst), DatabaseDigest(src));
}

// Backups started in the same second into one directory (issue 18, defect 8) each get a name
// of their own: none fails, none overwrites another.
TEST_F(RepositoryTest, SameSecondBackupsGetNamesOfTheirOwn) {
  std::string src = NewDatabase("src");
  Exec(src, "CREATE TABLE t (a int); INSERT INTO t VALUES (1)");
  constexpr int kBackups = 6;
  std::vector<testing::RunResult> results(kBackups);
  std::vector<std::thread> threads;
  for (int i = 0; i < kBackups; ++i) {
    threads.emplace_back([&, i] {
      results[i] = Pgark(absl::StrCat(Db(src), " --json backup full --label same"));
    });
  }
  for (std::thread& t : threads) t.join();
  std::set<std::string> files;
  for (const testing::RunResult& r : results) {
    ASSERT_EQ(r.exit_code, 0) << r.err;
    files.insert(Json::parse(r.out)["backupFile"].get<std::string>());
  }
  EXPECT_EQ(files.size(), static_cast<size_t>(kBackups));
  for (const std::string& n : Names()) EXPECT_THAT(n, Not(HasSubstr(".reserved")));
  for (const std::string& f : files) {
    EXPECT_EQ(Pgark(absl::StrCat("validate ", f)).exit_code, 0) << f;
  }
}

// Temporary files a killed process left (issue 18, defect 10) are named by list and removed by
// the next prune or backup; a fresh one, or one whose process lives, stays.
TEST_F(RepositoryTest, LeftoversOfKilledProcessesAreCleanedUp) {
  std::string src = NewDatabase("src");
  Exec(src, "CREATE TABLE t (a int)");
  ASSERT_EQ(Pgark(absl::StrCat(Db(src), " backup full")).exit_code, 0);
  const std::string old_tmp = ".backup-full-20260101-000000.sql.gz.tmp-999999-0000abcd";
  const std::string old_spool = ".pgark-spool-999998-3";
  const std::string fresh = ".backup-full-20260101-000001.sql.gz.tmp-999997-0000abcd";
  const std::string live = absl::StrCat(".backup-full-2.sql.gz.tmp-", ::getpid(), "-00000001");
  for (const std::string& name : {old_tmp, old_spool, fresh, live}) {
    testing::WriteFile(Path(name), std::string(1000, 'x'));
  }
  const struct timeval past[2] = {{::time(nullptr) - 600, 0}, {::time(nullptr) - 600, 0}};
  for (const std::string& name : {old_tmp, old_spool, live}) {
    ASSERT_EQ(::utimes(Path(name).c_str(), past), 0);
  }
  testing::RunResult list = Pgark("list");
  EXPECT_THAT(list.err, HasSubstr("2 temporary file(s) left by stopped pgark processes"));
  testing::RunResult dry = Pgark("--json prune --dry-run");
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_EQ(Json::parse(dry.out)["leftovers"].size(), 2u);
  ASSERT_EQ(Pgark(absl::StrCat(Db(src), " backup full")).exit_code, 0);
  const std::vector<std::string> names = Names();
  auto has = [&](const std::string& n) {
    return std::find(names.begin(), names.end(), n) != names.end();
  };
  EXPECT_FALSE(has(old_tmp));
  EXPECT_FALSE(has(old_spool));
  EXPECT_TRUE(has(fresh));
  EXPECT_TRUE(has(live));
}

TEST_F(RepositoryTest, EncryptedBackupRoundTripAndEveryFailureIsNamed) {
  std::string src = NewDatabase("src");
  LoadSql(src, testing::SourcePath("tools/demo/writing.sql"));
  const std::string enc = absl::StrCat("BACKUP_ENCRYPT=true ", kKey);
  testing::RunResult backup = Pgark(absl::StrCat(Db(src), " --json backup full"), enc);
  ASSERT_EQ(backup.exit_code, 0) << backup.err;
  Json j = Json::parse(backup.out);
  const std::string file = j["backupFile"];
  EXPECT_THAT(file, ::testing::EndsWith(".sql.gz.enc"));
  EXPECT_EQ(j["encrypted"], true);
  const std::string bytes = testing::ReadFile(Path(file));
  EXPECT_EQ(bytes.substr(0, 8), "PGARKENC");
  EXPECT_THAT(bytes, Not(HasSubstr("\x1f\x8b\x08")));  // no gzip member shows through
  // The key is in no file and no output.
  for (const std::string& f : {Path(file), Path(absl::StrCat(j["backupId"].get<std::string>(),
                                                             "-manifest.json")),
                               Path("audit.log")}) {
    EXPECT_THAT(testing::ReadFile(f), Not(HasSubstr("tr0ub4dor"))) << f;
  }
  EXPECT_THAT(backup.out + backup.err, Not(HasSubstr("tr0ub4dor")));

  // Validate: without the key only the file digest; with it everything; a wrong key is named.
  testing::RunResult no_key = Pgark(absl::StrCat("validate ", file));
  EXPECT_EQ(no_key.exit_code, 0) << no_key.err;
  EXPECT_THAT(no_key.err, HasSubstr("only its size and SHA-256 were checked"));
  EXPECT_EQ(Pgark(absl::StrCat("validate ", file), kKey).exit_code, 0);
  testing::RunResult wrong =
      Pgark(absl::StrCat("validate ", file), "BACKUP_ENCRYPTION_KEY=wrong");
  EXPECT_EQ(wrong.exit_code, 4);
  EXPECT_THAT(wrong.err, HasSubstr("wrong encryption key"));

  // Restore needs the key, refuses the wrong one, and with the right one gives the source.
  std::string dst = NewDatabase("dst");
  testing::RunResult refused = Pgark(absl::StrCat(Db(dst), " restore full ", file));
  EXPECT_EQ(refused.exit_code, 4);  // a key is missing: as a wrong one
  EXPECT_THAT(refused.err, HasSubstr("is encrypted"));
  EXPECT_EQ(Pgark(absl::StrCat(Db(dst), " restore full ", file), "BACKUP_ENCRYPTION_KEY=x")
                .exit_code,
            4);
  EXPECT_EQ(Query(dst, "SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace"),
            "0");
  testing::RunResult restore = Pgark(absl::StrCat(Db(dst), " restore full ", file), kKey);
  ASSERT_EQ(restore.exit_code, 0) << restore.err;
  EXPECT_EQ(DatabaseDigest(dst), DatabaseDigest(src));

  // decrypt writes a plain archive that gunzip | psql restores.
  testing::RunResult plain = Pgark(absl::StrCat("--json decrypt ", file), kKey);
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  const std::string out = Json::parse(plain.out)["outputFile"];
  EXPECT_EQ(out, "decrypted-" + file.substr(0, file.size() - 4));
  struct stat st;
  ASSERT_EQ(::stat(Path(out).c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  std::string via_psql = NewDatabase("psql");
  ASSERT_EQ(RestoreWithPsql(Path(out), via_psql), 0);
  EXPECT_EQ(DatabaseDigest(via_psql), DatabaseDigest(src));
  EXPECT_EQ(Pgark(absl::StrCat("decrypt ", file), kKey).exit_code, 6);  // output exists

  // A flipped byte inside the data, then a cut at a chunk boundary: exit 3, file named.
  std::string damaged = bytes;
  damaged[damaged.size() / 2] ^= 0x20;
  testing::WriteFile(Path(file), damaged);
  testing::RunResult flipped = Pgark(absl::StrCat("validate ", file), kKey);
  EXPECT_EQ(flipped.exit_code, 3);
  EXPECT_THAT(flipped.err, HasSubstr("fails authentication"));
  EXPECT_EQ(Pgark(absl::StrCat(Db(dst), " restore full ", file, " --drop-existing"), kKey)
                .exit_code,
            3);
  testing::WriteFile(Path(file), bytes.substr(0, 52 + 2 * (65536 + 16) < bytes.size()
                                                     ? 52 + 65536 + 16
                                                     : bytes.size() - 10));
  testing::RunResult cut = Pgark(absl::StrCat("validate ", file), kKey);
  EXPECT_EQ(cut.exit_code, 3);
  EXPECT_THAT(cut.err, HasSubstr("truncated"));
}

// Encrypted backups hide their facts and authenticate their manifest (issue 18, defects 4
// and 5): the manifest file shows no column, digest of plaintext or row count, and an archive
// swapped for another encrypted one, with the public digests recomputed, is refused, as is a
// manifest stripped of its sealed copy.
TEST_F(RepositoryTest, EncryptedManifestHidesFactsAndRefusesForgery) {
  std::string src = NewDatabase("src");
  LoadSql(src, testing::SourcePath("tools/demo/writing.sql"));
  const std::string enc = absl::StrCat("BACKUP_ENCRYPT=true ", kKey);
  testing::RunResult a = Pgark(absl::StrCat(Db(src), " --json backup full"), enc);
  ASSERT_EQ(a.exit_code, 0) << a.err;
  Query(src, "DELETE FROM chapters");
  testing::RunResult b = Pgark(absl::StrCat(Db(src), " --json backup full"), enc);
  ASSERT_EQ(b.exit_code, 0) << b.err;
  const std::string file = Json::parse(a.out)["backupFile"];
  const std::string other = Json::parse(b.out)["backupFile"];
  const std::string manifest_path =
      Path(absl::StrCat(Json::parse(a.out)["backupId"].get<std::string>(), "-manifest.json"));
  const std::string manifest = testing::ReadFile(manifest_path);
  for (const char* hidden : {"\"title\"", "rawSha256", "recordCount", "\"rows\"", "columns"}) {
    EXPECT_THAT(manifest, Not(HasSubstr(hidden))) << hidden;
  }
  testing::RunResult list = Pgark("--json list");
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_TRUE(Json::parse(list.out)["backups"][0]["recordCount"].is_null());
  EXPECT_EQ(Json::parse(list.out)["backups"][0]["encrypted"], true);

  // The other backup's archive under this one's name, its size and SHA-256 recomputed.
  Json forged = Json::parse(manifest);
  const std::string other_bytes = testing::ReadFile(Path(other));
  forged["size"] = other_bytes.size();
  forged["checksum"] = *formats::Sha256Hex(other_bytes);
  testing::WriteFile(Path(file), other_bytes);
  testing::WriteFile(manifest_path, forged.dump(2));
  std::string dst = NewDatabase("dst");
  testing::RunResult validate = Pgark(absl::StrCat("validate ", file), kKey);
  EXPECT_EQ(validate.exit_code, 3) << validate.err;
  EXPECT_THAT(validate.err, HasSubstr("differ from its sealed copy"));
  testing::RunResult restore = Pgark(absl::StrCat(Db(dst), " restore full ", file), kKey);
  EXPECT_EQ(restore.exit_code, 3) << restore.err;
  EXPECT_EQ(Query(dst, "SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace"),
            "0");

  // A manifest stripped of its seal (what formatVersion 2 wrote) is not trusted with a key.
  Json stripped = Json::parse(manifest);
  stripped.erase("sealed");
  stripped["formatVersion"] = 2;
  stripped["totalRecordCount"] = 0;
  stripped["members"] = Json::array();
  for (Json& t : stripped["tables"]) t["recordCount"] = 0;
  testing::WriteFile(manifest_path, stripped.dump(2));
  testing::RunResult unsealed = Pgark(absl::StrCat(Db(dst), " restore full ", file), kKey);
  EXPECT_EQ(unsealed.exit_code, 3) << unsealed.err;
  EXPECT_THAT(unsealed.err, HasSubstr("no sealed copy"));
}

TEST_F(RepositoryTest, EncryptedExportImportsBack) {
  std::string src = NewDatabase("src");
  LoadSql(src, testing::SourcePath("tools/demo/writing.sql"));
  const std::string enc = absl::StrCat("BACKUP_ENCRYPT=true ", kKey);
  testing::RunResult exp = Pgark(absl::StrCat(Db(src), " --json export csv books"), enc);
  ASSERT_EQ(exp.exit_code, 0) << exp.err;
  const std::string file = Json::parse(exp.out)["exportFile"];
  EXPECT_THAT(file, ::testing::EndsWith(".csv.enc"));
  EXPECT_THAT(testing::ReadFile(Path(file)), Not(HasSubstr("title")));
  // An empty copy of the table, then the encrypted CSV back into it.
  testing::RunResult schema =
      Pgark(absl::StrCat(Db(src), " --json backup table books --schema-only"));
  ASSERT_EQ(schema.exit_code, 0) << schema.err;
  std::string dst = NewDatabase("dst");
  ASSERT_EQ(Pgark(absl::StrCat(Db(dst), " restore table ",
                               Json::parse(schema.out)["backupFile"].get<std::string>()))
                .exit_code,
            0);
  testing::RunResult no_key = Pgark(absl::StrCat(Db(dst), " import csv books ", file));
  EXPECT_EQ(no_key.exit_code, 4);
  EXPECT_THAT(no_key.err, HasSubstr("is encrypted"));
  testing::RunResult imported =
      Pgark(absl::StrCat(Db(dst), " --json import csv books ", file), kKey);
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  EXPECT_EQ(TableDigest(dst, "public.books"), TableDigest(src, "public.books"));
}

TEST_F(RepositoryTest, ListPagesAndRemembersTheLastCheck) {
  std::string src = NewDatabase("src");
  LoadSql(src, testing::SourcePath("tools/demo/writing.sql"));
  std::vector<std::string> files;
  for (const char* table : {"books", "chapters", "characters"}) {
    testing::RunResult r = Pgark(absl::StrCat(Db(src), " --json backup table ", table));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    files.push_back(Json::parse(r.out)["backupFile"]);
  }
  testing::RunResult page = Pgark("--json list --sort size --limit 1 --offset 1");
  ASSERT_EQ(page.exit_code, 0) << page.err;
  Json all = Json::parse(Pgark("--json list --sort size").out)["backups"];
  ASSERT_EQ(all.size(), 3u);
  Json one = Json::parse(page.out)["backups"];
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0]["filename"], all[1]["filename"]);
  EXPECT_TRUE(all[0]["validAtLastCheck"].is_null());
  EXPECT_EQ(Pgark("list --offset -1").exit_code, 2);

  ASSERT_EQ(Pgark(absl::StrCat("validate ", files[0])).exit_code, 0);
  std::string bytes = testing::ReadFile(Path(files[1]));
  bytes[bytes.size() / 2] ^= 0x01;
  testing::WriteFile(Path(files[1]), bytes);
  EXPECT_EQ(Pgark(absl::StrCat("validate ", files[1])).exit_code, 3);
  std::map<std::string, Json> by_name;
  const Json listed = Json::parse(Pgark("--json list").out);
  for (const Json& b : listed["backups"]) by_name[b["filename"].get<std::string>()] = b;
  EXPECT_EQ(by_name[files[0]]["validAtLastCheck"], true);
  EXPECT_EQ(by_name[files[1]]["validAtLastCheck"], false);
  EXPECT_TRUE(by_name[files[2]]["validAtLastCheck"].is_null());
  EXPECT_THAT(Pgark("list").out, HasSubstr("INVALID"));
  // delete takes the check record with the backup.
  ASSERT_EQ(Pgark(absl::StrCat("delete ", files[0])).exit_code, 0);
  EXPECT_EQ(testing::ReadFile(Path(files[0].substr(0, files[0].size() - 7) + "-check.json")), "");
}

// The judged scenario: full, table and incremental backups with stray, half-written and
// damaged files among them.
TEST_F(RepositoryTest, AMixedDirectoryGetsTheRightAnswers) {
  std::string src = NewDatabase("src");
  LoadSql(src, testing::SourcePath("tools/demo/writing.sql"));
  auto backup = [&](const std::string& kind) {
    testing::RunResult r = Pgark(absl::StrCat(Db(src), " --json backup ", kind));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return Json::parse(r.out)["backupFile"].get<std::string>();
  };
  const std::string full = backup("full");
  const std::string table = backup("table books");
  Exec(src, "UPDATE books SET title = title || '!'");
  const std::string inc1 = backup("incremental");
  Exec(src, "DELETE FROM chapters WHERE number > 20");
  const std::string inc2 = backup("incremental");
  // A stray archive without a manifest, a half-written temporary file, an unrelated file.
  testing::WriteFile(Path("backup-full-20200101-000000.sql.gz"), "not really");
  testing::WriteFile(Path(".backup-full-20200101-000001.sql.gz.tmp-1-abc"), "half");
  testing::WriteFile(Path("notes.txt"), "hello");

  Json listed = Json::parse(Pgark("--json list").out)["backups"];
  std::map<std::string, std::string> types;
  for (const Json& b : listed) types[b["filename"].get<std::string>()] = b["type"];
  EXPECT_EQ(types, (std::map<std::string, std::string>{{full, "full"},
                                                        {table, "table"},
                                                        {inc1, "incremental"},
                                                        {inc2, "incremental"},
                                                        {"backup-full-20200101-000000.sql.gz",
                                                         "incomplete"}}));
  EXPECT_EQ(Json::parse(Pgark("--json list --type incremental").out)["backups"].size(), 2u);

  // Damage the middle of the first incremental's data at an offset its manifest hides.
  const std::string inc1_bytes = testing::ReadFile(Path(inc1));
  std::string damaged = inc1_bytes;
  damaged[damaged.size() * 2 / 3] ^= 0x04;
  testing::WriteFile(Path(inc1), damaged);
  testing::RunResult v1 = Pgark(absl::StrCat("validate ", inc1));
  EXPECT_EQ(v1.exit_code, 3);
  testing::RunResult v2 = Pgark(absl::StrCat("--json validate ", inc2));
  EXPECT_EQ(v2.exit_code, 3);
  EXPECT_THAT(v2.out, HasSubstr(inc1));  // the chain's broken link is named
  EXPECT_EQ(Pgark(absl::StrCat("validate ", full)).exit_code, 0);
  EXPECT_EQ(Pgark("validate backup-full-20200101-000000.sql.gz").exit_code, 3);
  testing::WriteFile(Path(inc1), inc1_bytes);
  EXPECT_EQ(Pgark(absl::StrCat("validate ", inc2)).exit_code, 0);

  // Delete refuses to orphan; prune with no age limit keeps what the newest chain needs.
  EXPECT_EQ(Pgark(absl::StrCat("delete ", full)).exit_code, 6);
  EXPECT_EQ(Pgark(absl::StrCat("delete ", inc1)).exit_code, 6);
  testing::RunResult prune = Pgark("--json prune", "BACKUP_RETENTION_DAYS=0 BACKUP_KEEP_DAILY=1");
  ASSERT_EQ(prune.exit_code, 0) << prune.err;
  Json pruned = Json::parse(prune.out);
  EXPECT_EQ(pruned["deleted"], Json::array({table}));
  for (const std::string& kept : {full, inc1, inc2}) {
    EXPECT_EQ(testing::ReadFile(Path(kept)).empty(), false) << kept;
  }
  EXPECT_EQ(testing::ReadFile(Path("backup-full-20200101-000000.sql.gz")), "not really");
  std::string dst = NewDatabase("dst");
  testing::RunResult restore = Pgark(absl::StrCat(Db(dst), " restore full ", inc2));
  ASSERT_EQ(restore.exit_code, 0) << restore.err;
  EXPECT_EQ(DatabaseDigest(dst), DatabaseDigest(src));
}

TEST_F(RepositoryTest, ScheduleTakesValidBackupsAndStopsCleanlyOnSigterm) {
  std::string src = NewDatabase("src");
  LoadSql(src, testing::SourcePath("tools/demo/writing.sql"));
  // Big enough that a backup takes a moment, so that SIGTERM can land inside one.
  Exec(src, "CREATE TABLE bulk AS SELECT g, md5(g::text) || repeat(' text', 40) AS t "
            "FROM generate_series(1, 400000) g");
  EXPECT_EQ(Pgark(absl::StrCat(Db(src), " schedule --full '61 * * * *'")).exit_code, 2);
  const char* bin = std::getenv("PGARK_BIN");
  const std::string log = absl::StrCat(backup_dir_, ".schedule.log");
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::freopen(log.c_str(), "w", stderr);
    ::execl(bin, bin, "--backup-dir", backup_dir_.c_str(), "--db",
            cluster().ConnInfo(src).c_str(), "schedule", "--full", "* * * * *",
            static_cast<char*>(nullptr));
    ::_exit(127);
  }
  // The first backup within a minute (plus its own time), complete and valid.
  ASSERT_TRUE(WaitFor("-manifest.json", 90)) << testing::ReadFile(log);
  testing::RunResult second = Pgark(absl::StrCat(Db(src), " schedule --full '* * * * *'"));
  EXPECT_EQ(second.exit_code, 6);
  EXPECT_THAT(second.err, HasSubstr("already running"));
  // The next one: SIGTERM as soon as its temporary file appears.
  ASSERT_TRUE(WaitFor(".tmp-", 75)) << testing::ReadFile(log);
  ::kill(pid, SIGTERM);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  const std::string text = testing::ReadFile(log);
  EXPECT_THAT(text, HasSubstr("; valid"));
  EXPECT_THAT(text, HasSubstr("stopped"));
  int archives = 0;
  for (const std::string& n : Names()) {
    EXPECT_EQ(n.find(".tmp-"), std::string::npos) << n;
    if (n.find(".sql.gz") == std::string::npos) continue;
    ++archives;
    EXPECT_EQ(Pgark(absl::StrCat("validate ", n)).exit_code, 0) << n;
  }
  EXPECT_GE(archives, 1);
}

}  // namespace
}  // namespace pgark
