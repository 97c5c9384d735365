#include "protocol/cli/cli.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <optional>
#include <set>
#include <tuple>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "engine/repository/audit_log.h"
#include "engine/dump/dumper.h"
#include "engine/repository/repository.h"
#include "engine/restore/globals_restorer.h"
#include "engine/restore/restorer.h"
#include "engine/repository/scheduler.h"
#include "engine/repository/verifier.h"
#include "engine/library_versions.h"
#include "engine/version.h"
#include "formats/archive_layout.h"
#include "formats/bounded_text.h"
#include "formats/file_io.h"
#include "formats/status_macros.h"
#include "protocol/cli/cli_internal.h"
#include "protocol/tools/engine_tools.h"
#include "protocol/cli/progress_bar.h"
#include "protocol/tools/requests.h"
#include "protocol/tools/results_json.h"

namespace pgark::protocol {
namespace {

using namespace cli_internal;  // NOLINT: the CLI's own helpers

constexpr char kUsage[] =
    "usage: pgark [--db CONNINFO|URI] [--backup-dir DIR] [--json] [--quiet] [--verbose] COMMAND ...\n"
    "  backup full  [--schema-only|--data-only] [--compress gzip|zstd|none[:LEVEL]]\n"
    "               [--no-compress] [--compress-level N|fast]  (zstd: 1-19, default 3;\n"
    "               gzip: 1-9, default 4)\n"
    "               [--jobs N] [--label L] [--with-owners] [--statistics] [--with-globals]\n"
    "               (--statistics: also the planner statistics, restored by PostgreSQL 18+;\n"
    "               --with-globals: also the cluster's roles, tablespaces and databases)\n"
    "  backup table TABLE... [--schema-only|--data-only] [--compress C[:LEVEL]] [--no-compress]\n"
    "               [--statistics]\n"
    "  backup globals     (roles, memberships, role settings, tablespaces, databases)\n"
    "  backup incremental [--base FILE] [--compress C[:LEVEL]] [--no-compress] [--label L]\n"
    "               (only what changed since FILE; default: the newest full or incremental)\n"
    "  restore full FILE  [--drop-existing] [--on-conflict error|skip|update] [--target-db DB]\n"
    "                     [--jobs N]  (N > 1: an empty database, restored in parallel)\n"
    "                     [--create]  (first create DB, else the backup's database, with the\n"
    "                     backup's database settings, comment and ACL; dropped on failure)\n"
    "                     [--with-globals [--map-tablespace NAME=DIR]...] (first the backup's\n"
    "                     roles, tablespaces and databases: what is missing)\n"
    "                     [--ignore-missing-roles]\n"
    "  restore globals FILE [--update-existing] [--map-tablespace NAME=DIR]...\n"
    "                     (creates missing roles, tablespaces and databases; --update-existing\n"
    "                     also brings existing ones in line)\n"
    "  restore table FILE [--table T]... [--drop-existing] [--on-conflict error|skip|update]\n"
    "                     [--target-db DB]\n"
    "  export json|csv TABLE [--where COL=VALUE]... [--limit N] [--columns a,b] [--ndjson]\n"
    "  import json|csv TABLE FILE [--on-conflict error|skip|update] [--has-headers|--no-headers]\n"
    "                     [--map SRC=DST]... [--conflict-columns a,b] [--atomic]\n"
    "  list [--type full|table|incremental|globals] [--sort date|size] [--limit N] [--offset N]\n"
    "  delete FILE [--cascade]   (--cascade also deletes the backups that depend on FILE)\n"
    "  prune [--dry-run] [--retention-days N]   (BACKUP_RETENTION_DAYS, BACKUP_KEEP_DAILY,\n"
    "                     BACKUP_KEEP_WEEKLY, BACKUP_KEEP_MONTHLY)\n"
    "  validate FILE\n"
    "  drill [FILE] [--target-db DB] [--drill-db CONNINFO] [--keep] [--jobs N]\n"
    "                     (restores FILE, default the newest, into a scratch database and\n"
    "                     checks rows, contents, sequences and schema; exit 3 if they differ)\n"
    "  decrypt FILE [--output NAME]   (writes the plain file beside FILE)\n"
    "  schedule [--full CRON] [--incremental CRON] [--drill CRON]   (runs until SIGTERM;\n"
    "                     BACKUP_SCHEDULE_FULL, BACKUP_SCHEDULE_INCREMENTAL, BACKUP_SCHEDULE_DRILL;\n"
    "                     validates and prunes after each backup; drills the newest backup)\n"
    "  mcp [--read-only]  (MCP server on stdin/stdout: the db_* tools)\n"
    "  mcp --http [ADDR:]PORT [--token-file F] [--allowed-host H]... [--allowed-origin O]...\n"
    "      [--tls-cert F --tls-key F] [--authorization-server URL --jwks-file F [--resource URL]]\n"
    "      [--max-sessions N]\n"
    "      [--session-idle SECONDS]  (MCP Streamable HTTP on /mcp; token: PGARK_MCP_TOKEN)\n"
    "Connection: --db, else DATABASE_URL, else the PG* variables. Backups: --backup-dir, else\n"
    "BACKUP_DIR, else ./backups. FILE is a file name inside the backup directory.\n"
    "Encryption: BACKUP_ENCRYPT=true encrypts new backups and exports with the key in\n"
    "BACKUP_ENCRYPTION_KEY or in the file BACKUP_ENCRYPTION_KEY_FILE, which also reads them.\n";

const std::set<std::string> kValueFlags = {"db",        "backup-dir", "on-conflict", "table",
                                           "label",     "compress", "compress-level",
                                           "target-db", "where",
                                           "limit",     "columns", "type", "sort", "map",
                                           "conflict-columns", "retention-days", "offset", "output", "base", "full", "incremental", "jobs", "drill",
                                           "map-tablespace", "http", "token-file", "allowed-host",
                                           "allowed-origin", "tls-cert", "tls-key",
                                           "authorization-server", "max-sessions", "session-idle",
                                           "jwks-file", "resource", "drill-db"};
const std::set<std::string> kBoolFlags = {
    "json",          "quiet", "schema-only", "data-only",   "no-compress", "drop-existing",
    "help",          "version", "with-owners", "no-owner", "ndjson", "has-headers",
    "no-headers",    "atomic", "dry-run", "cascade", "create", "statistics", "with-globals",
    "update-existing", "ignore-missing-roles", "read-only", "keep", "verbose"};

absl::StatusOr<ParsedArgs> Parse(const std::vector<std::string>& args) {
  ParsedArgs parsed;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a.size() < 3 || a.compare(0, 2, "--") != 0) {
      parsed.positional.push_back(a);
      continue;
    }
    std::string name = a.substr(2);
    std::string value;
    bool inline_value = false;
    if (size_t eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      inline_value = true;
    }
    if (kBoolFlags.count(name)) {
      if (inline_value) return absl::InvalidArgumentError(absl::StrCat("--", name, " takes no value"));
      parsed.bools.insert(name);
    } else if (kValueFlags.count(name)) {
      if (!inline_value) {
        if (i + 1 >= args.size()) {
          return absl::InvalidArgumentError(absl::StrCat("--", name, " needs a value"));
        }
        value = args[++i];
      }
      parsed.values[name].push_back(value);
    } else {
      return absl::InvalidArgumentError(absl::StrCat("unknown option --", name));
    }
  }
  return parsed;
}

// The usage lines of `command` ("backup": every backup form, with their continuation lines);
// empty for a command pgark does not have.
std::string UsageLines(absl::string_view command) {
  std::string out;
  bool in_entry = false;
  for (absl::string_view line : absl::StrSplit(kUsage, '\n')) {
    if (absl::StartsWith(line, "  ") && !absl::StartsWith(line, "   ")) {
      absl::string_view word = line.substr(2, line.find(' ', 2) - 2);
      in_entry = word == command;
    } else if (!absl::StartsWith(line, "   ")) {
      in_entry = false;
    }
    if (in_entry) absl::StrAppend(&out, line, "\n");
  }
  return out;
}

// A command line that names no known command: that command's forms when the first word is one
// (`pgark backup`), else a pointer to --help.
absl::Status UsageError(const std::vector<std::string>& p) {
  const std::string lines = UsageLines(p[0]);
  if (lines.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown command \"", p[0], "\" (pgark --help lists the commands)"));
  }
  const std::string given = absl::StrJoin(p.begin(), p.begin() + std::min<size_t>(2, p.size()), " ");
  const std::string why = p.size() == 1 ? absl::StrCat("pgark ", p[0], " takes one of these forms")
                                        : absl::StrCat("\"pgark ", given, " ...\" does not match its forms");
  return absl::InvalidArgumentError(absl::StrCat(
      "usage: ", why, " (options such as --db and --backup-dir go first):\n",
      absl::StripSuffix(lines, "\n")));
}

}  // namespace

namespace cli_internal {

absl::StatusOr<engine::Content> ContentOf(const ParsedArgs& a) {
  return DecodeContent(a.Has("schema-only"), a.Has("data-only"), kCliSpelling);
}

absl::StatusOr<engine::OnConflict> OnConflictOf(const ParsedArgs& a) {
  return DecodeOnConflict(a.Value("on-conflict", "error"), kCliSpelling);
}

// --NAME as a positive integer; nullopt when the flag is absent.
absl::StatusOr<std::optional<int64_t>> PositiveFlag(const ParsedArgs& a, const std::string& name) {
  std::string text = a.Value(name);
  if (text.empty()) return std::optional<int64_t>();
  int64_t v;
  if (!absl::SimpleAtoi(text, &v) || v < 1) {
    return absl::InvalidArgumentError(absl::StrCat("--", name, " \"", text, "\" is not a positive number"));
  }
  return std::optional<int64_t>(v);
}

// Every --NAME A=B as (A, B); A must not be empty, B may be unless `value_required`.
absl::StatusOr<std::vector<std::pair<std::string, std::string>>> PairFlags(
    const ParsedArgs& a, const std::string& name, bool value_required) {
  std::vector<std::pair<std::string, std::string>> out;
  auto it = a.values.find(name);
  if (it == a.values.end()) return out;
  for (const std::string& v : it->second) {
    size_t eq = v.find('=');
    if (eq == std::string::npos || eq == 0 || (value_required && eq + 1 == v.size())) {
      return absl::InvalidArgumentError(absl::StrCat("--", name, " \"", v, "\" is not NAME=VALUE"));
    }
    out.emplace_back(v.substr(0, eq), v.substr(eq + 1));
  }
  return out;
}

std::string HumanBytes(uint64_t bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(bytes);
  int u = 0;
  while (v >= 1024 && u < 4) {
    v /= 1024;
    ++u;
  }
  return u == 0 ? absl::StrCat(bytes, " B") : absl::StrFormat("%.1f %s", v, units[u]);
}

// The FORMAT word of `export FORMAT` / `import FORMAT`: true for csv, false for json.
absl::StatusOr<bool> IsCsv(absl::string_view command, const std::string& format) {
  if (format == "csv") return true;
  if (format == "json") return false;
  return absl::InvalidArgumentError(
      absl::StrCat(command, " format must be json or csv, not \"", format, "\""));
}

// PGARK_ALLOWED_TABLES applies to the command line as it does to the MCP tools.
absl::Status CheckAllowed(const std::vector<std::string>& tables) {
  const std::vector<std::string> allowed = AllowedTablesFromEnvironment();
  for (const std::string& t : tables) {
    if (absl::Status s = CheckAllowedTable(allowed, t); !s.ok()) return s;
  }
  return absl::OkStatus();
}

// --compress CODEC[:LEVEL], --no-compress and --compress-level N|fast over BACKUP_COMPRESSION
// and BACKUP_COMPRESSION_LEVEL.
absl::StatusOr<formats::Compression> CompressionOf(const ParsedArgs& args) {
  PGARK_ASSIGN_OR_RETURN(formats::Compression fallback, CompressionFromEnvironment());
  const std::string spec = args.Value("compress");
  std::optional<bool> enabled;
  if (args.Has("no-compress")) enabled = false;
  PGARK_ASSIGN_OR_RETURN(formats::Compression c, ChooseCompression(enabled, spec, fallback));
  if (args.values.count("compress-level") == 0) return c;
  if (absl::StrContains(spec, ':')) {
    return absl::InvalidArgumentError("--compress names a level already: drop --compress-level");
  }
  PGARK_ASSIGN_OR_RETURN(c.level,
                         ParseCompressionLevel(args.Value("compress-level"), "--compress-level"));
  return c;
}

// Backup settings from flags and the environment (BACKUP_COMPRESSION, encryption).
absl::StatusOr<engine::BackupOptions> BackupOptionsOf(const Context& c, engine::BackupType type,
                                                      std::vector<std::string> tables) {
  engine::BackupOptions o;
  o.backup_dir = c.backup_dir;
  o.tables = std::move(tables);
  absl::StatusOr<engine::Content> content = ContentOf(c.args);
  if (!content.ok()) return content.status();
  o.content = *content;
  PGARK_ASSIGN_OR_RETURN(o.compression, CompressionOf(c.args));
  o.label = c.args.Value("label");
  if (c.args.Has("with-owners") && c.args.Has("no-owner")) {
    return absl::InvalidArgumentError("--with-owners and --no-owner exclude each other");
  }
  o.with_owners = c.args.Has("with-owners");
  o.statistics = c.args.Has("statistics");
  o.with_globals = c.args.Has("with-globals");
  if (!c.encryption.ok()) return c.encryption.status();
  o.key = c.encryption->ForWriting();
  o.read_key = c.encryption->key;
  o.base_file = c.args.Value("base");
  if (!o.base_file.empty() && type != engine::BackupType::kIncremental) {
    return absl::InvalidArgumentError("--base belongs to backup incremental");
  }
  absl::StatusOr<std::optional<int64_t>> jobs = PositiveFlag(c.args, "jobs");
  if (!jobs.ok()) return jobs.status();
  o.jobs = static_cast<int>(jobs->value_or(0));
  return o;
}

absl::Status RunBackup(Context& c, engine::BackupType type, std::vector<std::string> tables) {
  if (absl::Status s = CheckAllowed(tables); !s.ok()) return s;
  if (type != engine::BackupType::kTable) {
    PGARK_RETURN_IF_ERROR(CheckWholeDatabaseAllowed(
        AllowedTablesFromEnvironment(),
        absl::StrCat("backup ", formats::BackupTypeName(type))));
  }
  absl::StatusOr<engine::BackupOptions> options = BackupOptionsOf(c, type, std::move(tables));
  if (!options.ok()) return options.status();
  const engine::BackupOptions& o = *options;
  absl::StatusOr<engine::BackupResult> r = engine::Backup(c.connect, o, type, &c.progress);
  c.progress.Clear();
  if (!r.ok()) return r.status();
  c.event.file = r->manifest.backup_file;
  c.event.database = r->manifest.database;
  c.event.size_bytes = r->manifest.size;
  c.event.rows = r->manifest.total_record_count;
  if (c.json) {
    c.out << BackupResultJson(*r).dump() << "\n";
  } else if (r->manifest.type == formats::BackupType::kGlobals) {
    const formats::Manifest& m = r->manifest;
    std::map<std::string, int> counts;
    for (const formats::MemberEntry& e : m.members) ++counts[formats::WireName(e.kind)];
    c.out << "backed up the cluster's globals (" << counts["ROLE"] << " roles, "
          << counts["ROLE MEMBERSHIP"] << " memberships, " << counts["TABLESPACE"]
          << " tablespaces, " << counts["DATABASE"] << " databases) to " << m.backup_file << " ("
          << HumanBytes(m.size) << ") in " << r->duration_ms << " ms\n";
  } else {
    const formats::Manifest& m = r->manifest;
    c.out << "backed up " << m.tables.size() << (m.tables.size() == 1 ? " table, " : " tables, ")
          << m.total_record_count << " rows to " << m.backup_file << " (" << HumanBytes(m.size)
          << ", sha256 " << m.checksum.substr(0, 16) << "...) in " << r->duration_ms << " ms\n";
    if (m.type == formats::BackupType::kIncremental) {
      c.out << "  since " << m.base_backup << ": " << m.changes.changed_tables
            << " tables changed, " << m.changes.inserted << " rows inserted, "
            << m.changes.updated << " updated, " << m.changes.deleted << " deleted\n";
      c.out << "  " << m.changes.tables_by_key << " tables diffed by key from the rows written"
            << " since; every row read and hashed: "
            << (m.changes.hashed_tables.empty() ? "none"
                                                : absl::StrJoin(m.changes.hashed_tables, "; "))
            << "\n";
    }
  }
  for (const std::string& w : r->warnings) c.err << "pgark: warning: " << w << "\n";
  return absl::OkStatus();
}

// --map-tablespace NAME=DIR...: where restored tablespaces are created instead.
absl::StatusOr<std::map<std::string, std::string>> TablespaceLocations(const ParsedArgs& args) {
  PGARK_ASSIGN_OR_RETURN(auto pairs, PairFlags(args, "map-tablespace", /*value_required=*/true));
  return std::map<std::string, std::string>(pairs.begin(), pairs.end());
}

absl::Status RunRestore(Context& c, const std::string& file, std::vector<std::string> tables) {
  if (absl::Status s = CheckAllowed(tables); !s.ok()) return s;
  if (tables.empty()) {  // every table of the backup
    PGARK_RETURN_IF_ERROR(CheckWholeDatabaseAllowed(AllowedTablesFromEnvironment(),
                                                    "a restore without --table"));
  }
  engine::RestoreOptions o;
  o.backup_dir = c.backup_dir;
  o.backup_file = file;
  o.tables = std::move(tables);
  o.drop_existing = c.args.Has("drop-existing");
  o.create_database = c.args.Has("create");
  o.with_globals = c.args.Has("with-globals");
  o.ignore_missing_roles = c.args.Has("ignore-missing-roles");
  PGARK_ASSIGN_OR_RETURN(o.tablespace_locations, TablespaceLocations(c.args));
  if (!c.encryption.ok()) return c.encryption.status();
  o.key = c.encryption->key;
  absl::StatusOr<engine::OnConflict> on_conflict = OnConflictOf(c.args);
  if (!on_conflict.ok()) return on_conflict.status();
  o.on_conflict = *on_conflict;
  absl::StatusOr<std::optional<int64_t>> jobs = PositiveFlag(c.args, "jobs");
  if (!jobs.ok()) return jobs.status();
  o.jobs = static_cast<int>(jobs->value_or(1));
  engine::ConnectOptions connect = c.connect;
  connect.dbname = c.args.Value("target-db");
  c.event.file = file;
  c.event.database = engine::DatabaseNameOf(connect);
  absl::StatusOr<engine::RestoreResult> r = engine::Restore(connect, o, &c.progress);
  c.progress.Clear();
  if (!r.ok()) return r.status();
  c.event.rows = r->record_count;
  if (c.json) {
    c.out << RestoreResultJson(*r).dump() << "\n";
  } else {
    for (const std::string& w : r->warnings) c.err << "pgark: warning: " << w << "\n";
    c.out << "restored " << r->restored_tables.size()
          << (r->restored_tables.size() == 1 ? " table, " : " tables, ") << r->record_count
          << " rows from " << r->backup_file;
    if (r->skipped_records > 0) c.out << " (" << r->skipped_records << " existing rows skipped)";
    c.out << " in " << r->duration_ms << " ms\n";
  }
  return absl::OkStatus();
}

absl::Status RunRestoreGlobals(Context& c, const std::string& file) {
  PGARK_RETURN_IF_ERROR(
      CheckWholeDatabaseAllowed(AllowedTablesFromEnvironment(), "restore globals"));
  engine::GlobalsRestoreOptions o;
  o.backup_dir = c.backup_dir;
  o.backup_file = file;
  o.update_existing = c.args.Has("update-existing");
  PGARK_ASSIGN_OR_RETURN(o.tablespace_locations, TablespaceLocations(c.args));
  if (!c.encryption.ok()) return c.encryption.status();
  o.key = c.encryption->key;
  absl::StatusOr<engine::GlobalsRestoreResult> r = engine::RestoreGlobals(c.connect, o);
  if (!r.ok()) return r.status();
  if (c.json) {
    c.out << GlobalsRestoreResultJson(*r).dump() << "\n";
    return absl::OkStatus();
  }
  for (const std::string& w : r->warnings) c.err << "pgark: warning: " << w << "\n";
  c.out << "restored globals from " << r->backup_file << ": created "
        << (r->created.empty() ? "nothing" : absl::StrJoin(r->created, ", "));
  if (!r->updated.empty()) c.out << "; brought in line " << absl::StrJoin(r->updated, ", ");
  c.out << "; " << r->memberships << " role memberships granted, in " << r->duration_ms
        << " ms\n";
  return absl::OkStatus();
}

absl::Status RunExport(Context& c, const std::string& format, const std::string& table) {
  if (absl::Status s = CheckAllowed({table}); !s.ok()) return s;
  engine::ExportOptions o;
  o.backup_dir = c.backup_dir;
  o.table = table;
  absl::StatusOr<bool> csv = IsCsv("export", format);
  if (!csv.ok()) return csv.status();
  o.format = *csv ? engine::ExportFormat::kCsv : engine::ExportFormat::kJson;
  o.ndjson = c.args.Has("ndjson");
  if (!c.encryption.ok()) return c.encryption.status();
  o.key = c.encryption->ForWriting();
  absl::StatusOr<std::vector<std::pair<std::string, std::string>>> where =
      PairFlags(c.args, "where", /*value_required=*/false);
  if (!where.ok()) return where.status();
  for (auto& [column, value] : *where) o.where.push_back({column, {value}});
  absl::StatusOr<std::optional<int64_t>> limit = PositiveFlag(c.args, "limit");
  if (!limit.ok()) return limit.status();
  o.limit = limit->value_or(0);
  if (std::string columns = c.args.Value("columns"); !columns.empty()) {
    o.columns = absl::StrSplit(columns, ',', absl::SkipEmpty());
  }
  absl::StatusOr<engine::ExportResult> r = engine::Export(c.connect, o, &c.progress);
  c.progress.Clear();
  if (!r.ok()) return r.status();
  if (c.json) {
    c.out << ExportResultJson(*r).dump() << "\n";
  } else {
    c.out << "exported " << r->record_count << " rows to " << r->export_file << " in "
          << r->duration_ms << " ms\n";
  }
  return absl::OkStatus();
}

absl::Status RunImport(Context& c, const std::string& format, const std::string& table,
                       const std::string& file) {
  if (absl::Status s = CheckAllowed({table}); !s.ok()) return s;
  engine::ImportOptions o;
  o.backup_dir = c.backup_dir;
  o.table = table;
  o.file = file;
  absl::StatusOr<bool> csv = IsCsv("import", format);
  if (!csv.ok()) return csv.status();
  o.format = *csv ? engine::ImportFormat::kCsv : engine::ImportFormat::kJson;
  absl::StatusOr<engine::OnConflict> on_conflict = OnConflictOf(c.args);
  if (!on_conflict.ok()) return on_conflict.status();
  o.on_conflict = *on_conflict;
  if (c.args.Has("has-headers") && c.args.Has("no-headers")) {
    return absl::InvalidArgumentError("--has-headers and --no-headers exclude each other");
  }
  if (c.args.Has("has-headers")) o.has_headers = true;
  if (c.args.Has("no-headers")) o.has_headers = false;
  o.atomic = c.args.Has("atomic");
  if (!c.encryption.ok()) return c.encryption.status();
  o.key = c.encryption->key;
  absl::StatusOr<std::vector<std::pair<std::string, std::string>>> map =
      PairFlags(c.args, "map", /*value_required=*/true);
  if (!map.ok()) return map.status();
  o.map = *std::move(map);
  if (std::string cols = c.args.Value("conflict-columns"); !cols.empty()) {
    o.conflict_columns = absl::StrSplit(cols, ',', absl::SkipEmpty());
  }
  absl::StatusOr<engine::ImportResult> r = engine::Import(c.connect, o, &c.progress);
  c.progress.Clear();
  if (!r.ok()) return r.status();
  if (c.json) {
    c.out << ImportResultJson(*r).dump() << "\n";
  } else {
    for (const std::string& e : r->errors) c.err << "pgark: " << e << "\n";
    c.out << "imported " << r->imported_records << " of " << r->total_records << " records into "
          << table;
    if (r->skipped_rows > 0) c.out << ", " << r->skipped_rows << " skipped";
    if (r->error_count > 0) c.out << ", " << r->error_count << " refused";
    c.out << " in " << r->duration_ms << " ms\n";
  }
  return absl::OkStatus();
}

// backup full|table|incremental|globals: only a table backup takes (and needs) table names.
absl::Status RunBackupCommand(Context& c, engine::BackupType type) {
  const std::vector<std::string>& p = c.args.positional;
  if (type == engine::BackupType::kTable) {
    if (p.size() < 3) {
      return absl::InvalidArgumentError(
          absl::StrCat("backup table needs at least one table name\n", kUsage));
    }
    return RunBackup(c, type, {p.begin() + 2, p.end()});
  }
  if (p.size() > 2) {
    return absl::InvalidArgumentError(
        absl::StrCat("backup ", formats::BackupTypeName(type), " takes no table names"));
  }
  return RunBackup(c, type, {});
}

absl::Status Dispatch(Context& c) {
  const std::vector<std::string>& p = c.args.positional;
  // Too few words: the command's forms (`pgark validate` shows how validate is called).
  auto need = [&](size_t n) -> absl::Status {
    return p.size() < n ? UsageError(p) : absl::OkStatus();
  };
  if (p.empty()) return absl::InvalidArgumentError(absl::StrCat("no command given\n", kUsage));
  const std::string& cmd = p[0];
  const std::string sub = p.size() > 1 ? p[1] : "";
  if (std::optional<engine::BackupType> type = formats::ParseBackupType(sub);
      cmd == "backup" && type) {
    return RunBackupCommand(c, *type);
  }
  if (cmd == "restore" && sub == "globals") {
    if (p.size() != 3) {
      return absl::InvalidArgumentError(absl::StrCat("restore globals needs one FILE\n", kUsage));
    }
    return RunRestoreGlobals(c, p[2]);
  }
  if (cmd == "restore" && (sub == "full" || sub == "table")) {
    if (absl::Status s = need(3); !s.ok()) return s;
    if (p.size() > 3) {
      return absl::InvalidArgumentError("restore takes one FILE; name tables with --table");
    }
    auto it = c.args.values.find("table");
    std::vector<std::string> tables;
    if (it != c.args.values.end()) tables = it->second;
    return RunRestore(c, p[2], tables);
  }
  if (cmd == "export") {
    if (p.size() != 3) return UsageError(p);
    return RunExport(c, p[1], p[2]);
  }
  if (cmd == "import") {
    if (p.size() != 4) return UsageError(p);
    return RunImport(c, p[1], p[2], p[3]);
  }
  if (cmd == "list") {
    if (p.size() > 1) return absl::InvalidArgumentError("list takes no arguments; filter with --type");
    return RunList(c);
  }
  if (cmd == "delete") {
    if (p.size() != 2) return absl::InvalidArgumentError("delete needs one backup FILE name");
    return RunDelete(c, p[1]);
  }
  if (cmd == "prune") {
    if (p.size() > 1) return absl::InvalidArgumentError("prune takes no arguments");
    return RunPrune(c);
  }
  if (cmd == "validate") {
    if (absl::Status s = need(2); !s.ok()) return s;
    return RunValidate(c, p[1]);
  }
  if (cmd == "drill") {
    if (p.size() > 2) return absl::InvalidArgumentError("drill takes at most one backup FILE name");
    return RunDrill(c, p.size() == 2 ? p[1] : "");
  }
  if (cmd == "mcp") {
    if (p.size() > 1) return absl::InvalidArgumentError("mcp takes no arguments");
    return RunMcpCommand(c);
  }
  if (cmd == "decrypt") {
    if (p.size() != 2) return absl::InvalidArgumentError("decrypt needs one FILE name");
    return RunDecrypt(c, p[1]);
  }
  if (cmd == "schedule") {
    if (p.size() > 1) return absl::InvalidArgumentError("schedule takes no arguments");
    return RunScheduleCommand(c);
  }
  return UsageError(p);
}

// Before a command runs: a warning about a backup directory open to others, and the refusal of
// a change that the audit log could not record.
absl::Status Preflight(const Context& c) {
  const std::vector<std::string>& p = c.args.positional;
  if (std::string open = formats::OpenDirectoryWarning(c.backup_dir); !open.empty()) {
    c.err << "pgark: warning: " << open << "\n";
  }
  if (p.empty() || p[0] == "mcp") return absl::OkStatus();  // the server checks each call
  absl::Status writable = engine::CheckAuditWritable(c.backup_dir);
  if (writable.ok()) return writable;
  if (p[0] == "list" || p[0] == "validate") {  // reads only: said, not refused
    c.err << "pgark: warning: " << writable.message() << "\n";
    return absl::OkStatus();
  }
  return writable;
}

// Appends the command to the audit log: what was asked (every flag but --db, which may hold a
// password) and how it ended. The MCP server audits each tool call itself.
// How many words of the command line name the operation: "backup full", "list".
size_t OperationWords(const std::vector<std::string>& p) {
  const bool two = (p[0] == "backup" || p[0] == "restore" || p[0] == "export" ||
                    p[0] == "import") && p.size() > 1;
  return two ? 2 : 1;
}

// "backup full", "restore table", "list", ... (REQUIRES: `p` is not empty.)
std::string OperationName(const std::vector<std::string>& p) {
  return absl::StrJoin(p.begin(), p.begin() + static_cast<long>(OperationWords(p)), " ");
}

void Audit(const Context& c, const absl::Status& outcome, absl::Duration duration) {
  const std::vector<std::string>& p = c.args.positional;
  if (p.empty() || p[0] == "mcp") return;
  const std::string operation = OperationName(p);
  const size_t words = OperationWords(p);
  Json args = {{"arguments", std::vector<std::string>(p.begin() + static_cast<long>(words), p.end())}};
  for (const auto& [name, values] : c.args.values) {
    if (name != "db") args[name] = values.size() == 1 ? Json(values[0]) : Json(values);
  }
  for (const std::string& flag : c.args.bools) args[flag] = true;
  (void)engine::AppendAudit(c.backup_dir, {operation, "cli", args.dump(), outcome,
                                           absl::ToInt64Milliseconds(duration)});
}

// Notifications and metrics for the commands that back up, restore or drill.
void Report(Context& c, const absl::Status& outcome, absl::Duration duration) {
  const std::vector<std::string>& p = c.args.positional;
  if (p.empty() || (p[0] != "backup" && p[0] != "restore" && p[0] != "drill")) return;
  absl::StatusOr<engine::OperationsConfig> config = OperationsFromEnvironment();
  if (!config.ok()) {
    c.err << "pgark: warning: " << config.status().message() << "\n";
    return;
  }
  if (!config->notify.enabled() && config->metrics_file.empty()) return;
  engine::OperationEvent& e = c.event;
  e.operation = OperationName(p);
  e.via = "cli";
  e.outcome = outcome;
  e.duration_ms = absl::ToInt64Milliseconds(duration);
  if (e.database.empty()) e.database = engine::DatabaseNameOf(c.connect);
  for (const std::string& w : engine::Report(*config, e, c.backup_dir)) {
    c.err << "pgark: warning: " << w << "\n";
  }
}

}  // namespace cli_internal

namespace {

// The error's message on one line, unless it is a usage error that carries the usage text.
std::string ErrorText(const absl::Status& status) {
  std::string text(status.message());
  if (absl::StartsWith(text, "usage:")) return text;
  text = formats::BoundedText(text, formats::kMaxMessageBytes);
  std::replace_if(text.begin(), text.end(), [](char c) { return c == '\n' || c == '\r'; }, ' ');
  return text;
}

}  // namespace

int ExitCodeFor(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kOk:
      return kExitOk;
    case absl::StatusCode::kInvalidArgument:
      return kExitUsage;
    case absl::StatusCode::kDataLoss:
      return kExitIntegrity;
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kUnauthenticated:
      return kExitConnection;
    case absl::StatusCode::kNotFound:
      return kExitNotFound;
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kAborted:
      return kExitConflict;
    case absl::StatusCode::kResourceExhausted:
    case absl::StatusCode::kPermissionDenied:
      return kExitStorage;
    case absl::StatusCode::kCancelled:
      return kExitInterrupted;
    default:
      return kExitFailed;
  }
}

int RunCli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
           bool stderr_is_terminal, const std::atomic<bool>* interrupted) {
  absl::StatusOr<ParsedArgs> parsed = Parse(args);
  if (!parsed.ok()) {
    err << "pgark: " << parsed.status().message() << "\n" << kUsage;
    return kExitUsage;
  }
  if (parsed->Has("help")) {
    out << kUsage;
    return kExitOk;
  }
  if (parsed->Has("version")) {
    out << "pgark " << engine::kPgarkVersion << " (git " << engine::GitRevision() << ")\n";
    for (const auto& [library, version] : engine::LibraryVersions()) {
      out << "  " << library << " " << version << "\n";
    }
    return kExitOk;
  }
  // The bar only ever goes to a terminal: scripts and logs get the summary line alone.
  ProgressBar progress(err, stderr_is_terminal && !parsed->Has("quiet"), interrupted);
  Context c{*std::move(parsed), {}, "", false, out, err, progress, interrupted};
  c.connect.conninfo = c.args.Value("db", Env("DATABASE_URL"));
  c.backup_dir = c.args.Value("backup-dir", Env("BACKUP_DIR", "./backups"));
  c.json = c.args.Has("json");
  c.encryption = EncryptionFromEnvironment();
  const absl::Time start = absl::Now();
  absl::Status s = ConfigureLogging(c.args.Has("verbose"));
  if (s.ok()) s = Preflight(c);
  if (s.ok()) s = Dispatch(c);
  Audit(c, s, absl::Now() - start);
  Report(c, s, absl::Now() - start);
  if (!s.ok()) {
    err << "pgark: error: " << ErrorText(s) << "\n";
    if (c.json) {
      err << Json{{"success", false}, {"error", std::string(s.message())}}.dump() << "\n";
    }
  }
  return ExitCodeFor(s);
}

}  // namespace pgark::protocol
