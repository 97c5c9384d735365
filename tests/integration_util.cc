#include "tests/integration_util.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/match.h"

namespace pgark::testing {

std::string SourcePath(const std::string& relative) {
  const char* root = std::getenv("PGARK_SOURCE_DIR");
  return absl::StrCat(root != nullptr ? root : ".", "/", relative);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}

void IntegrationTest::SetUp() {
  PGARK_REQUIRE_CLUSTER();
  const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
  test_name_ = absl::StrCat(info->test_suite_name(), "_", info->name());
  for (char& c : test_name_) {
    if (!isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  backup_dir_ = absl::StrCat(cluster().socket_dir(), "/backups_", test_name_);
  std::system(absl::StrCat("rm -rf ", backup_dir_).c_str());
}

std::string IntegrationTest::NewDatabase(const std::string& suffix) {
  std::string name = absl::StrCat("t_", test_name_, "_", suffix);
  if (name.size() > 60) name = name.substr(name.size() - 60);
  cluster().CreateDatabase(name);
  return name;
}

engine::ConnectOptions IntegrationTest::Connect(const std::string& db) const {
  engine::ConnectOptions o;
  o.conninfo = PgTestCluster::Get()->ConnInfo(db);
  return o;
}

void IntegrationTest::LoadSql(const std::string& db, const std::string& path) {
  int rc = cluster().Shell(absl::StrCat("psql -X -q -v ON_ERROR_STOP=1 -d ", db, " -f ", path,
                                        " >/dev/null"));
  ASSERT_EQ(rc, 0) << "loading " << path;
}

std::string IntegrationTest::TableDigest(const std::string& db, const std::string& table) {
  std::string exists = Query(db, absl::StrCat("SELECT pg_catalog.to_regclass('", table, "')"));
  if (exists.empty()) return "missing";
  return Query(db, absl::StrCat("SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, "
                                "E'\\n' ORDER BY t::text)), '') FROM ",
                                table, " t"));
}

std::string IntegrationTest::DatabaseDigest(const std::string& db) {
  std::string list = Query(
      db,
      "SELECT string_agg(format('%I.%I', n.nspname, c.relname) || chr(2) || c.relkind::text, "
      "chr(1) "
      "ORDER BY n.nspname, c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = "
      "c.relnamespace WHERE c.relkind IN ('r', 'S') AND n.nspname NOT IN ('pg_catalog', "
      "'information_schema') AND n.nspname NOT LIKE 'pg_toast%'");
  std::string digest;
  // chr(1) and chr(2) separate the list: they cannot appear in identifiers.
  for (absl::string_view item : absl::StrSplit(list, '\x01', absl::SkipEmpty())) {
    std::vector<std::string> parts = absl::StrSplit(item, '\x02');
    if (parts[1] == "S") {
      absl::StrAppend(&digest, parts[0], "=",
                      Query(db, absl::StrCat("SELECT last_value || '/' || is_called FROM ",
                                             parts[0])),
                      ";\n");
    } else {
      absl::StrAppend(&digest, parts[0], "=", TableDigest(db, parts[0]), ";\n");
    }
  }
  return digest;
}

std::string IntegrationTest::SchemaDump(const std::string& db) {
  std::string out;
  int rc = cluster().Shell(absl::StrCat("pg_dump --schema-only -d ", db), &out);
  EXPECT_EQ(rc, 0) << "pg_dump -s " << db;
  std::string normalised;
  for (absl::string_view line : absl::StrSplit(out, '\n')) {
    if (line.empty() || absl::StartsWith(line, "--") || absl::StartsWith(line, "SET ") ||
        absl::StartsWith(line, "\\restrict") || absl::StartsWith(line, "\\unrestrict") ||
        absl::StartsWith(line, "SELECT pg_catalog.set_config('search_path'")) {
      continue;
    }
    absl::StrAppend(&normalised, line, "\n");
  }
  return normalised;
}

int IntegrationTest::RestoreWithPsql(const std::string& archive_path, const std::string& db) {
  std::string reader = absl::EndsWith(archive_path, ".gz")    ? "gunzip -c "
                       : absl::EndsWith(archive_path, ".zst") ? "zstd -qdc "
                                                              : "cat ";
  return cluster().Shell(absl::StrCat(reader, archive_path,
                                      " | psql -X -q -v ON_ERROR_STOP=1 -d ", db,
                                      " >/dev/null"));
}

RunResult IntegrationTest::Pgark(const std::string& args, const std::string& env) {
  const char* bin = std::getenv("PGARK_BIN");
  std::string err_file = absl::StrCat(backup_dir_, ".stderr");
  std::string cmd = absl::StrCat(env, " ", bin != nullptr ? bin : "pgark", " --backup-dir ",
                                 backup_dir_, " ", args, " 2>", err_file);
  RunResult r;
  FILE* p = popen(cmd.c_str(), "r");
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), p)) > 0) r.out.append(buf, n);
  int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.err = ReadFile(err_file);
  return r;
}

std::string IntegrationTest::Db(const std::string& db) {
  return absl::StrCat("--db '", cluster().ConnInfo(db), "'");
}

}  // namespace pgark::testing
