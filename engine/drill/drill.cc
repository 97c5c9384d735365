#include "engine/drill/drill.h"

#include <random>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "engine/catalog/catalog.h"
#include "engine/ddl/schema_sql.h"
#include "engine/ddl/sql_text.h"
#include "engine/pg/copy_stream.h"
#include "engine/pg/pg_connection.h"
#include "engine/repository/backup_files.h"
#include "engine/repository/repository.h"
#include "engine/restore/created_database.h"
#include "engine/restore/restorer.h"
#include "formats/archive_layout.h"
#include "formats/memory_io.h"
#include "formats/row_digest.h"
#include "formats/status_macros.h"

namespace pgark::engine {
namespace {

using formats::MemberKind;

// The newest full or incremental backup.
absl::StatusOr<std::string> NewestRestorable(const std::string& backup_dir) {
  PGARK_ASSIGN_OR_RETURN(std::vector<BackupInfo> all, ListBackups(backup_dir, {}));
  for (const BackupInfo& b : all) {  // newest first
    if (b.type == BackupType::kFull || b.type == BackupType::kIncremental) return b.filename;
  }
  return absl::NotFoundError(absl::StrCat("no full or incremental backup in \"", backup_dir,
                                          "\" to drill; run `pgark backup full` first"));
}

std::string ScratchName() {
  thread_local std::mt19937 random{std::random_device{}()};
  return absl::StrFormat("pgark_drill_%s_%04x",
                         absl::FormatTime("%Y%m%d%H%M%S", absl::Now(), absl::UTCTimeZone()),
                         random() & 0xffff);
}

// Checks the copy of one table: rows and content digest as the backup recorded them.
absl::Status CheckTable(PgConnection& conn, Catalog& catalog, const formats::TableEntry& t,
                        const formats::MemberEntry* data, DrillResult& result) {
  DrillTable checked{t.name, t.record_count};
  absl::StatusOr<TableRef> ref = catalog.ResolveTable(QualifiedName(t.schema, t.table));
  if (!ref.ok()) {
    result.problems.push_back(absl::StrCat("table \"", t.name, "\" is missing from the copy"));
    result.tables.push_back(checked);
    return absl::OkStatus();
  }
  PGARK_ASSIGN_OR_RETURN(TableDef def, catalog.DescribeTable(*ref));
  if (data != nullptr && data->extension_config) {  // only the rows the backup took
    def.extension_config = true;
    def.extension_rows = data->row_filter;
  }
  formats::NullSink null;
  formats::RowDigestTap digest(&null);
  PGARK_ASSIGN_OR_RETURN(std::unique_ptr<CopyOutSource> copy,
                         CopyOutSource::Open(conn, CopyToStdoutSql(def)));
  PGARK_RETURN_IF_ERROR(formats::Pump(*copy, digest).status());
  PGARK_RETURN_IF_ERROR(digest.Close());
  checked.restored_rows = digest.digest().rows;
  checked.digest_checked = !t.content_digest.empty();
  const bool rows_ok = checked.restored_rows == t.record_count;
  const bool digest_ok = !checked.digest_checked || digest.digest().Encode() == t.content_digest;
  checked.ok = rows_ok && digest_ok;
  if (!rows_ok) {
    result.problems.push_back(absl::StrCat("table \"", t.name, "\": ", checked.restored_rows,
                                           " rows restored, the backup recorded ",
                                           t.record_count));
  } else if (!digest_ok) {
    result.problems.push_back(absl::StrCat(
        "table \"", t.name, "\": the restored rows differ from those backed up (content digest ",
        digest.digest().Encode(), ", recorded ", t.content_digest, ")"));
  }
  result.tables.push_back(std::move(checked));
  return absl::OkStatus();
}

// "SELECT pg_catalog.setval('<name>', VALUE, IS_CALLED);" -> (name literal, value, is_called).
std::optional<std::tuple<std::string, std::string, std::string>> ParseSetval(absl::string_view sql) {
  absl::string_view s = absl::StripAsciiWhitespace(sql);
  if (!absl::ConsumePrefix(&s, "SELECT pg_catalog.setval(") || !absl::ConsumeSuffix(&s, ");")) {
    return std::nullopt;
  }
  const size_t comma = s.rfind(", ");
  const size_t before = comma == absl::string_view::npos ? comma : s.rfind(", ", comma - 1);
  if (before == absl::string_view::npos) return std::nullopt;
  return std::make_tuple(std::string(s.substr(0, before)),
                         std::string(s.substr(before + 2, comma - before - 2)),
                         std::string(s.substr(comma + 2)));
}

// Every SEQUENCE SET of the newest link against the copy's sequence.
absl::Status CheckSequences(PgConnection& conn, const LoadedBackup& newest, DrillResult& result) {
  for (const formats::MemberEntry& e : newest.manifest.members) {
    if (e.kind != MemberKind::kSequenceSet) continue;
    PGARK_ASSIGN_OR_RETURN(std::string sql, ReadMemberSql(newest, e));
    auto setval = ParseSetval(sql);
    if (!setval) continue;
    const auto& [name, value, called] = *setval;
    absl::StatusOr<PgResult> r = conn.Exec(absl::StrCat(
        "SELECT last_value::text, is_called FROM ", QualifiedName(e.schema, e.name)));
    ++result.sequences_checked;
    if (!r.ok() || r->rows() != 1 || r->String(0, 0) != value ||
        (r->Bool(0, 1) ? "true" : "false") != called) {
      result.problems.push_back(absl::StrCat(
          "sequence \"", e.schema, ".", e.name, "\": ",
          r.ok() && r->rows() == 1
              ? absl::StrCat("value ", r->String(0, 0), r->Bool(0, 1) ? " (called)" : "")
              : "missing",
          " in the copy, the backup recorded ", value, called == "true" ? " (called)" : ""));
    }
  }
  return absl::OkStatus();
}

// The relations, constraints and triggers the archive creates exist in the copy.
absl::Status CheckSchema(PgConnection& conn, const formats::Manifest& m, DrillResult& result) {
  for (const formats::MemberEntry& e : m.members) {
    std::string sql;
    switch (e.kind) {
      case MemberKind::kIndex:
      case MemberKind::kView:
      case MemberKind::kMaterializedView:
      case MemberKind::kSequence:
        sql = "SELECT 1 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = "
              "c.relnamespace WHERE n.nspname = $1 AND c.relname = $2";
        break;
      case MemberKind::kConstraint:
      case MemberKind::kCheckConstraint:
      case MemberKind::kFkConstraint:
        sql = "SELECT 1 FROM pg_catalog.pg_constraint k JOIN pg_catalog.pg_namespace n ON "
              "n.oid = k.connamespace WHERE n.nspname = $1 AND k.conname = $2";
        break;
      case MemberKind::kTrigger:
        sql = "SELECT 1 FROM pg_catalog.pg_trigger g JOIN pg_catalog.pg_class c ON c.oid = "
              "g.tgrelid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE "
              "n.nspname = $1 AND g.tgname = $2";
        break;
      default:
        continue;
    }
    PGARK_ASSIGN_OR_RETURN(PgResult r, conn.ExecParams(sql, {e.schema, e.name}));
    ++result.schema_objects_checked;
    if (r.rows() == 0) {
      result.problems.push_back(absl::StrCat(formats::DescribeMember(e), " is missing from the copy"));
    }
  }
  return absl::OkStatus();
}

// The copy in `scratch` against the newest link of the chain.
absl::Status CheckCopy(const ConnectOptions& scratch, const LoadedBackup& newest,
                       DrillResult& result) {
  PGARK_ASSIGN_OR_RETURN(PgConnection conn, PgConnection::Connect(scratch));
  PGARK_RETURN_IF_ERROR(conn.Exec("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY"));
  // As the backup read them, so that equal rows are equal text.
  PGARK_RETURN_IF_ERROR(conn.Exec("SET LOCAL TimeZone = 'UTC'; SET LOCAL bytea_output = hex"));
  Catalog catalog(conn);
  const formats::Manifest& m = newest.manifest;
  for (const formats::TableEntry& t : m.tables) {
    const formats::MemberEntry* data = nullptr;
    for (const formats::MemberEntry& e : m.members) {
      if (e.kind == MemberKind::kTableData && e.schema == t.schema && e.name == t.table) data = &e;
    }
    PGARK_RETURN_IF_ERROR(CheckTable(conn, catalog, t, data, result));
  }
  PGARK_RETURN_IF_ERROR(CheckSequences(conn, newest, result));
  PGARK_RETURN_IF_ERROR(CheckSchema(conn, m, result));
  return conn.Exec("COMMIT").status();
}

absl::Status RecordDrill(const std::string& backup_dir, const DrillResult& r) {
  PGARK_ASSIGN_OR_RETURN(std::shared_ptr<formats::Storage> repository, OpenRepository(backup_dir));
  return WriteDrillRecord(*repository, r.backup_file,
                          {r.drilled_at, r.passed, r.restore_ms, r.problems});
}

}  // namespace

absl::StatusOr<DrillResult> Drill(const ConnectOptions& connect, const DrillOptions& options,
                                  ProgressListener* listener) {
  DrillResult result;
  result.backup_file = options.backup_file;
  if (result.backup_file.empty()) {
    PGARK_ASSIGN_OR_RETURN(result.backup_file, NewestRestorable(options.backup_dir));
  }
  PGARK_ASSIGN_OR_RETURN(LoadedBackup newest,
                         LoadBackup(options.backup_dir, result.backup_file, options.key));
  PGARK_RETURN_IF_ERROR(RequireKey(newest));
  result.database = newest.manifest.database;
  if (newest.manifest.type != BackupType::kFull && newest.manifest.type != BackupType::kIncremental) {
    return absl::InvalidArgumentError(absl::StrCat(
        "\"", result.backup_file, "\" is a ", formats::BackupTypeName(newest.manifest.type),
        " backup; a drill restores a whole full or incremental backup"));
  }
  result.scratch_database = options.target_db.empty() ? ScratchName() : options.target_db;
  const ConnectOptions& server = options.drill_server ? *options.drill_server : connect;
  PGARK_ASSIGN_OR_RETURN(std::unique_ptr<CreatedDatabase> scratch,
                         CreatedDatabase::Create(server, result.scratch_database,
                                                 newest.manifest.encoding));
  if (scratch->existed()) {
    scratch->Keep().IgnoreError();  // not ours to drop (never fails: not hidden)
    return absl::AlreadyExistsError(absl::StrCat(
        "database \"", result.scratch_database, "\" exists; a drill restores into a new one"));
  }
  RestoreOptions restore{.backup_dir = options.backup_dir, .backup_file = result.backup_file};
  restore.jobs = options.jobs;
  restore.fresh_target = true;  // made above, dropped below unless kept
  restore.key = options.key;
  restore.ignore_missing_roles = true;  // owners are not what a drill proves
  const absl::Time start = absl::Now();
  absl::Status restored = Restore(scratch->connect(), restore, listener).status();
  result.restore_ms = absl::ToInt64Milliseconds(absl::Now() - start);
  if (absl::IsCancelled(restored) || absl::IsUnavailable(restored) ||
      absl::IsUnauthenticated(restored)) {
    return restored;  // the drill could not run: that proves nothing either way
  }
  if (!restored.ok()) {
    result.problems.push_back(absl::StrCat("the restore failed: ", restored.message()));
  } else {
    const absl::Time checked = absl::Now();
    PGARK_RETURN_IF_ERROR(CheckCopy(scratch->connect(), newest, result));
    result.check_ms = absl::ToInt64Milliseconds(absl::Now() - checked);
  }
  result.passed = result.problems.empty();
  result.drilled_at = formats::IsoTimestamp(absl::Now());
  result.kept = options.keep;
  if (options.keep) scratch->Keep().IgnoreError();  // never fails: not hidden
  (void)RecordDrill(options.backup_dir, result);  // best effort, as validate's record
  return result;
}

}  // namespace pgark::engine
