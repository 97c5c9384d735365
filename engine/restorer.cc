#include "engine/restorer.h"

#include <memory>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "engine/backup_files.h"
#include "engine/catalog.h"
#include "engine/copy_stream.h"
#include "engine/pg_connection.h"
#include "engine/schema_sql.h"
#include "engine/sql_text.h"
#include "formats/archive_verify.h"
#include "formats/archive_writer.h"
#include "formats/memory_io.h"
#include "formats/status_macros.h"

namespace pgark::engine {
namespace {

using formats::MemberEntry;

ProgressListener& DefaultListener() {
  static ProgressListener listener;
  return listener;
}

// Restores the selected tables of one verified archive inside one transaction.
class Restorer {
 public:
  Restorer(PgConnection& conn, const LoadedBackup& backup, const RestoreOptions& options,
           ProgressListener& listener, RestoreResult& result)
      : conn_(conn), backup_(backup), options_(options), listener_(listener), result_(result) {}

  absl::Status Run(const std::vector<formats::TableEntry>& tables);

 private:
  // Members that belong to `table` in `section` (kinds filtered by `kind` when not empty).
  std::vector<const MemberEntry*> MembersOf(const formats::TableEntry& table,
                                            absl::string_view section,
                                            absl::string_view kind = "") const;
  absl::StatusOr<std::string> MemberText(const MemberEntry& entry);
  absl::Status ExecMember(const MemberEntry& entry);
  absl::Status ExecMemberInSavepoint(const MemberEntry& entry);
  absl::Status RestoreTable(const formats::TableEntry& table);
  absl::Status LoadData(const formats::TableEntry& table, const MemberEntry& data, bool direct);
  absl::StatusOr<int64_t> CopyMember(const MemberEntry& data, const std::string& target);

  PgConnection& conn_;
  const LoadedBackup& backup_;
  const RestoreOptions& options_;
  ProgressListener& listener_;
  RestoreResult& result_;
  std::set<std::string> created_schemas_;
  int stage_counter_ = 0;
};

std::vector<const MemberEntry*> Restorer::MembersOf(const formats::TableEntry& table,
                                                    absl::string_view section,
                                                    absl::string_view kind) const {
  std::vector<const MemberEntry*> out;
  for (const MemberEntry& m : backup_.manifest.members) {
    if (m.section != section || m.table != table.table) continue;
    if (!kind.empty() && m.kind != kind) continue;
    // Sequences may live in another schema than their table; everything else is matched on
    // the table's schema.
    bool sequence = absl::StartsWith(m.kind, "SEQUENCE");
    if (!sequence && m.schema != table.schema) continue;
    out.push_back(&m);
  }
  return out;
}

absl::StatusOr<std::string> Restorer::MemberText(const MemberEntry& entry) {
  formats::StringSink text;
  PGARK_RETURN_IF_ERROR(
      formats::ReadMember(backup_.archive_path, entry, backup_.manifest.compressed, text));
  return text.data();
}

absl::Status Restorer::ExecMember(const MemberEntry& entry) {
  PGARK_ASSIGN_OR_RETURN(std::string sql, MemberText(entry));
  return Annotate(conn_.Exec(sql).status(),
                  absl::StrCat("restoring ", formats::DescribeMember(entry)));
}

absl::Status Restorer::ExecMemberInSavepoint(const MemberEntry& entry) {
  PGARK_RETURN_IF_ERROR(conn_.Exec("SAVEPOINT pgark_member"));
  absl::Status s = ExecMember(entry);
  if (s.ok()) return conn_.Exec("RELEASE SAVEPOINT pgark_member").status();
  if (absl::IsDataLoss(s)) return s;
  PGARK_RETURN_IF_ERROR(conn_.Exec("ROLLBACK TO SAVEPOINT pgark_member"));
  result_.warnings.push_back(absl::StrCat(s.message(), " (skipped)"));
  return absl::OkStatus();
}

absl::StatusOr<int64_t> Restorer::CopyMember(const MemberEntry& data, const std::string& target) {
  PGARK_ASSIGN_OR_RETURN(
      std::unique_ptr<CopyInSink> copy,
      CopyInSink::Open(conn_, absl::StrCat("COPY ", target, " (",
                                           QuoteIdentList(data.columns), ") FROM STDIN")));
  CancellationTap cancel(listener_);
  cancel.set_downstream(copy.get());
  cancel.set_close_downstream(false);
  formats::TrimSink trim(data.copy_header_bytes, kCopyTrailer);
  trim.set_downstream(&cancel);
  trim.set_close_downstream(false);
  absl::Status s =
      formats::ReadMember(backup_.archive_path, data, backup_.manifest.compressed, trim);
  if (s.ok()) s = trim.Close();
  if (!s.ok()) {
    // Checksums are verified before the COPY ends: bad data never commits.
    copy->Abort(s.message());
    return s;
  }
  PGARK_RETURN_IF_ERROR(copy->Close());
  if (copy->rows() != data.rows) {
    return absl::DataLossError(absl::StrCat(formats::DescribeMember(data), ": loaded ",
                                            copy->rows(), " rows, manifest says ", data.rows));
  }
  return copy->rows();
}

absl::Status Restorer::LoadData(const formats::TableEntry& table, const MemberEntry& data,
                                bool direct) {
  const std::string qualified = QualifiedName(table.schema, table.table);
  if (direct) {
    PGARK_ASSIGN_OR_RETURN(int64_t rows, CopyMember(data, qualified));
    result_.record_count += rows;
    return absl::OkStatus();
  }
  // skip / update into an existing table: stage, then one INSERT ... ON CONFLICT.
  PGARK_ASSIGN_OR_RETURN(TableRef ref, Catalog(conn_).FindTable(table.schema, table.table));
  PGARK_ASSIGN_OR_RETURN(TableDef def, Catalog(conn_).DescribeTable(ref));
  const ConstraintDef* pk = def.PrimaryKey();
  if (pk == nullptr) {
    return absl::FailedPreconditionError(absl::StrCat(
        "table \"", table.name, "\" exists and has no primary key, so --on-conflict ",
        options_.on_conflict == OnConflict::kSkip ? "skip" : "update",
        " cannot tell duplicates apart; use --on-conflict error or --drop-existing"));
  }
  const std::string stage = QuoteIdent(absl::StrCat("pgark_stage_", ++stage_counter_));
  const std::string columns = QuoteIdentList(data.columns);
  PGARK_RETURN_IF_ERROR(conn_.Exec(absl::StrCat("CREATE TEMP TABLE ", stage, " AS SELECT ",
                                                columns, " FROM ONLY ", qualified,
                                                " WITH NO DATA")));
  PGARK_ASSIGN_OR_RETURN(int64_t staged, CopyMember(data, stage));
  bool overriding = false;
  std::vector<std::string> sets;
  std::set<std::string> copied(data.columns.begin(), data.columns.end());
  for (const ColumnDef& c : def.columns) {
    if (!copied.count(c.name)) continue;
    if (c.identity == 'a') {
      overriding = true;  // keep the backup's identity values
      continue;           // and never update them (not allowed for ALWAYS)
    }
    sets.push_back(absl::StrCat(QuoteIdent(c.name), " = EXCLUDED.", QuoteIdent(c.name)));
  }
  std::string action = options_.on_conflict == OnConflict::kUpdate && !sets.empty()
                           ? absl::StrCat("DO UPDATE SET ", absl::StrJoin(sets, ", "))
                           : "DO NOTHING";
  PGARK_ASSIGN_OR_RETURN(
      PgResult inserted,
      conn_.Exec(absl::StrCat("INSERT INTO ", qualified, " (", columns, ")",
                              overriding ? " OVERRIDING SYSTEM VALUE" : "", " SELECT ", columns,
                              " FROM ", stage, " ON CONFLICT ON CONSTRAINT ",
                              QuoteIdent(pk->name), " ", action)));
  PGARK_RETURN_IF_ERROR(conn_.Exec(absl::StrCat("DROP TABLE ", stage)));
  result_.record_count += inserted.AffectedRows();
  result_.skipped_records += staged - inserted.AffectedRows();
  return absl::OkStatus();
}

absl::Status Restorer::RestoreTable(const formats::TableEntry& table) {
  listener_.OnTableBegin(table.name);
  bool exists = Catalog(conn_).FindTable(table.schema, table.table).ok();
  if (exists && options_.drop_existing) {
    PGARK_RETURN_IF_ERROR(
        conn_.Exec(DropTableSql(TableRef{0, table.schema, table.table, 'r', 0})));
    exists = false;
  }
  const bool has_schema = backup_.manifest.content != "data-only";
  if (exists) {
    if (has_schema) {
      result_.warnings.push_back(
          absl::StrCat("table \"", table.name, "\" already exists; kept its definition"));
    }
  } else {
    if (!has_schema) {
      return absl::NotFoundError(absl::StrCat("table \"", table.name,
                                              "\" does not exist and this data-only backup "
                                              "cannot create it; restore its schema first"));
    }
    for (const MemberEntry& m : backup_.manifest.members) {
      if (m.kind == "SCHEMA" && m.name == table.schema && created_schemas_.insert(m.name).second) {
        PGARK_RETURN_IF_ERROR(ExecMember(m));
      }
    }
    for (const MemberEntry* m : MembersOf(table, "pre-data")) PGARK_RETURN_IF_ERROR(ExecMember(*m));
  }
  for (const MemberEntry* m : MembersOf(table, "data", "TABLE DATA")) {
    const bool direct = !exists || options_.on_conflict == OnConflict::kError;
    PGARK_RETURN_IF_ERROR(Annotate(LoadData(table, *m, direct),
                                   absl::StrCat("restoring table \"", table.name, "\"")));
  }
  return absl::OkStatus();
}

absl::Status Restorer::Run(const std::vector<formats::TableEntry>& tables) {
  const formats::Manifest& manifest = backup_.manifest;
  PGARK_RETURN_IF_ERROR(conn_.Exec("BEGIN"));
  PGARK_RETURN_IF_ERROR(ExecMember(manifest.members.front()));  // the HEADER: session settings
  std::set<std::string> fresh;  // tables created by this restore
  for (const formats::TableEntry& t : tables) {
    if (listener_.Cancelled()) return absl::CancelledError("cancelled");
    bool existed = Catalog(conn_).FindTable(t.schema, t.table).ok() && !options_.drop_existing;
    PGARK_RETURN_IF_ERROR(RestoreTable(t));
    if (!existed) fresh.insert(t.name);
    result_.restored_tables.push_back(t.name);
    listener_.OnTableEnd(t.name, 0, 0);
  }
  // Post-data after all data: keys and indexes are built once, triggers never see the load.
  // A table backup restored alone may reference tables that are not there: its foreign keys
  // are then skipped with a warning instead of failing the restore.
  const bool partial = manifest.type == "table" || !options_.tables.empty();
  for (const char* kind : {"CONSTRAINT", "INDEX", "FK CONSTRAINT", "SEQUENCE SET"}) {
    for (const formats::TableEntry& t : tables) {
      const bool apply = fresh.count(t.name) ||
                         (absl::string_view(kind) == "SEQUENCE SET" &&
                          manifest.content == "data-only");
      if (!apply) continue;
      for (const MemberEntry* m : MembersOf(t, "post-data", kind)) {
        if (partial && absl::string_view(kind) == "FK CONSTRAINT") {
          PGARK_RETURN_IF_ERROR(ExecMemberInSavepoint(*m));
        } else {
          PGARK_RETURN_IF_ERROR(ExecMember(*m));
        }
      }
    }
  }
  return conn_.Exec("COMMIT").status();
}

absl::StatusOr<std::vector<formats::TableEntry>> SelectTables(const formats::Manifest& manifest,
                                                              const std::vector<std::string>& names) {
  if (names.empty()) return manifest.tables;
  std::vector<formats::TableEntry> out;
  for (const std::string& name : names) {
    const formats::TableEntry* match = nullptr;
    for (const formats::TableEntry& t : manifest.tables) {
      if (t.name == name || t.table == name || absl::StrCat(t.schema, ".", t.table) == name) {
        match = &t;
        break;
      }
    }
    if (match == nullptr) {
      std::vector<std::string> all;
      for (const formats::TableEntry& t : manifest.tables) all.push_back(t.name);
      return absl::NotFoundError(absl::StrCat("backup \"", manifest.backup_file,
                                              "\" has no table \"", name, "\" (it has: ",
                                              absl::StrJoin(all, ", "), ")"));
    }
    out.push_back(*match);
  }
  return out;
}

}  // namespace

absl::StatusOr<RestoreResult> Restore(const ConnectOptions& connect,
                                      const RestoreOptions& options,
                                      ProgressListener* listener) {
  const absl::Time start = absl::Now();
  PGARK_ASSIGN_OR_RETURN(LoadedBackup backup, LoadBackup(options.backup_dir, options.backup_file));
  const formats::Manifest& manifest = backup.manifest;
  if (manifest.members.empty() || manifest.members.front().kind != "HEADER") {
    return absl::DataLossError(
        absl::StrCat("backup \"", options.backup_file, "\" has no header member"));
  }
  PGARK_ASSIGN_OR_RETURN(std::vector<formats::TableEntry> tables,
                         SelectTables(manifest, options.tables));
  // Whole-file and per-member stored digests before the database is touched; the decompressed
  // digests are checked while loading, before COMMIT.
  PGARK_RETURN_IF_ERROR(
      formats::VerifyArchive(backup.archive_path, manifest, {.inflate = false}));

  PGARK_ASSIGN_OR_RETURN(PgConnection conn, PgConnection::Connect(connect));
  RestoreResult result;
  result.backup_file = options.backup_file;
  if (manifest.server_version_num / 10000 > conn.server_version_num() / 10000) {
    result.warnings.push_back(absl::StrCat(
        "backup made with PostgreSQL ", manifest.postgres_version, ", target is ",
        conn.server_version_num() / 10000, ": newer syntax may not load"));
  }
  Restorer restorer(conn, backup, options, listener != nullptr ? *listener : DefaultListener(),
                    result);
  absl::Status s = restorer.Run(tables);
  if (!s.ok()) {
    // Leave the database exactly as it was. A failed ROLLBACK means the connection is gone,
    // and the server rolls back on its own.
    if (PQtransactionStatus(conn.raw()) != PQTRANS_IDLE) (void)conn.Exec("ROLLBACK");
    if (absl::IsCancelled(s)) return absl::CancelledError("restore cancelled; rolled back");
    return s;
  }
  result.duration_ms = absl::ToInt64Milliseconds(absl::Now() - start);
  return result;
}

}  // namespace pgark::engine
