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
#include "engine/incremental.h"
#include "engine/pg_connection.h"
#include "engine/schema_sql.h"
#include "engine/sql_text.h"
#include "formats/archive_verify.h"
#include "formats/archive_writer.h"
#include "formats/memory_io.h"
#include "formats/status_macros.h"
#include "formats/thread_pump.h"

namespace pgark::engine {
namespace {

using formats::MemberEntry;

// "schema\x01name": the key of an owning object (a table, view, sequence, type, ...).
std::string OwnerKey(absl::string_view schema, absl::string_view name) {
  return absl::StrCat(schema, "\x01", name);
}
std::string OwnerOf(const MemberEntry& m) { return OwnerKey(m.schema, m.table); }

bool IsOwnedSequencePart(const MemberEntry& m) {
  return absl::StartsWith(m.kind, "SEQUENCE") && m.table != m.name;
}

// Kinds whose CREATE makes an object that later members (data, post-data) belong to.
bool IsOwnerKind(absl::string_view kind) {
  return kind == "TABLE" || kind == "VIEW" || kind == "MATERIALIZED VIEW" ||
         kind == "SEQUENCE" || kind == "TYPE" || kind == "DOMAIN" || kind == "FUNCTION" ||
         kind == "PROCEDURE";
}

// DROP statement for --drop-existing, or empty for kinds that are never dropped (schemas,
// extensions, the parts of a table).
std::string DropSql(const MemberEntry& m) {
  if (!IsOwnerKind(m.kind) || (m.kind == "SEQUENCE" && IsOwnedSequencePart(m))) return "";
  std::string sql = absl::StrCat("DROP ", m.kind, " IF EXISTS ", QualifiedName(m.schema, m.name));
  if (m.kind == "FUNCTION" || m.kind == "PROCEDURE") absl::StrAppend(&sql, "(", m.identity, ")");
  return absl::StrCat(sql, " CASCADE");
}

// Restores the selected objects of one verified archive inside one transaction.
class Restorer {
 public:
  // `chain`: the backup to restore, last, after the links it depends on (just itself unless
  // it is an incremental).
  Restorer(PgConnection& conn, const std::vector<LoadedBackup>& chain,
           const RestoreOptions& options, ProgressListener& listener, RestoreResult& result)
      : conn_(conn),
        chain_(chain),
        backup_(chain.back()),
        options_(options),
        listener_(listener),
        result_(result) {}

  absl::Status Run(const std::vector<formats::TableEntry>& tables);

 private:
  bool Selected(const MemberEntry& m) const;
  absl::StatusOr<std::string> MemberText(const MemberEntry& entry);
  absl::Status ExecMember(const MemberEntry& entry);
  // Runs `entry` in a savepoint. An object that already exists is kept: the member is undone,
  // a warning recorded, and false returned. Other errors fail the restore unless `tolerate`.
  absl::StatusOr<bool> ExecMemberKeepingExisting(const MemberEntry& entry, bool tolerate);
  absl::Status LoadData(const formats::TableEntry& table, const MemberEntry& data, bool direct);
  absl::StatusOr<int64_t> CopyMember(const MemberEntry& data, const std::string& target);

  PgConnection& conn_;
  const std::vector<LoadedBackup>& chain_;
  const LoadedBackup& backup_;
  const RestoreOptions& options_;
  ProgressListener& listener_;
  RestoreResult& result_;
  std::set<std::string> selected_owners_;   // OwnerKey of the selected tables
  std::set<std::string> selected_tables_;   // their names, for sequences in other schemas
  std::set<std::string> selected_schemas_;
  std::set<std::string> created_;           // OwnerKey of objects this restore created
  int stage_counter_ = 0;
};

bool Restorer::Selected(const MemberEntry& m) const {
  if (options_.tables.empty()) return true;
  if (m.kind == "SCHEMA") return selected_schemas_.count(m.name) > 0;
  if (IsOwnedSequencePart(m)) return selected_tables_.count(m.table) > 0;
  return selected_owners_.count(OwnerOf(m)) > 0;
}

absl::StatusOr<std::string> Restorer::MemberText(const MemberEntry& entry) {
  formats::StringSink text;
  PGARK_RETURN_IF_ERROR(
      formats::ReadMember(backup_.archive_path, entry, backup_.read, text));
  return text.data();
}

absl::Status Restorer::ExecMember(const MemberEntry& entry) {
  PGARK_ASSIGN_OR_RETURN(std::string sql, MemberText(entry));
  return Annotate(conn_.Exec(sql).status(),
                  absl::StrCat("restoring ", formats::DescribeMember(entry)));
}

absl::StatusOr<bool> Restorer::ExecMemberKeepingExisting(const MemberEntry& entry, bool tolerate) {
  PGARK_RETURN_IF_ERROR(conn_.Exec("SAVEPOINT pgark_member"));
  absl::Status s = ExecMember(entry);
  if (s.ok()) {
    PGARK_RETURN_IF_ERROR(conn_.Exec("RELEASE SAVEPOINT pgark_member"));
    return true;
  }
  if (absl::IsDataLoss(s) || absl::IsUnavailable(s) || absl::IsCancelled(s)) return s;
  if (!absl::IsAlreadyExists(s) && !tolerate) return s;
  PGARK_RETURN_IF_ERROR(conn_.Exec("ROLLBACK TO SAVEPOINT pgark_member"));
  PGARK_RETURN_IF_ERROR(conn_.Exec("RELEASE SAVEPOINT pgark_member"));
  result_.warnings.push_back(absl::IsAlreadyExists(s)
                                 ? absl::StrCat(formats::DescribeMember(entry),
                                                " already exists; kept the existing one")
                                 : absl::StrCat(s.message(), " (skipped)"));
  return false;
}

absl::StatusOr<int64_t> Restorer::CopyMember(const MemberEntry& data, const std::string& target) {
  std::string columns =
      data.columns.empty() ? "" : absl::StrCat(" (", QuoteIdentList(data.columns), ")");
  PGARK_ASSIGN_OR_RETURN(
      std::unique_ptr<CopyInSink> copy,
      CopyInSink::Open(conn_, absl::StrCat("COPY ", target, columns, " FROM STDIN")));
  // member bytes -> trim the COPY framing -> progress and cancellation -> the server
  ProgressTap progress(listener_);
  progress.set_downstream(copy.get());
  progress.set_close_downstream(false);  // the COPY is ended below, after the checks
  absl::Status s;
  int64_t expected_rows = data.rows;
  // Reading, decrypting, inflating and checking runs on its own thread while this one feeds
  // the COPY: the two overlap instead of taking turns.
  if (data.delta == "changes") {
    // An incremental's table: its rows as of this backup, replayed from the chain.
    s = formats::PumpThroughThread(
        [&](formats::Sink& out) -> absl::Status {
          formats::RowsToSink rows(out);
          PGARK_RETURN_IF_ERROR(
              ReplayTableRows(chain_, chain_.size() - 1, data.schema, data.name, rows));
          return rows.Flush();
        },
        progress);
    expected_rows = -1;
    for (const formats::TableEntry& t : backup_.manifest.tables) {
      if (t.schema == data.schema && t.table == data.name) expected_rows = t.record_count;
    }
  } else {
    s = formats::PumpThroughThread(
        [&](formats::Sink& out) -> absl::Status {
          formats::TrimSink trim(data.copy_header_bytes, kCopyTrailer);
          trim.set_downstream(&out);
          PGARK_RETURN_IF_ERROR(formats::ReadMember(backup_.archive_path, data, backup_.read, trim));
          return trim.Close();
        },
        progress);
  }
  if (s.ok()) s = progress.Close();
  if (!s.ok()) {
    // Checksums are verified before the COPY ends: bad data never commits.
    copy->Abort(s.message());
    return s;
  }
  PGARK_RETURN_IF_ERROR(copy->Close());
  if (copy->rows() != expected_rows) {
    return absl::DataLossError(absl::StrCat(formats::DescribeMember(data), ": loaded ",
                                            copy->rows(), " rows, manifest says ",
                                            expected_rows));
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

absl::Status Restorer::Run(const std::vector<formats::TableEntry>& tables) {
  const formats::Manifest& manifest = backup_.manifest;
  for (const formats::TableEntry& t : tables) {
    selected_owners_.insert(OwnerKey(t.schema, t.table));
    selected_tables_.insert(t.table);
    selected_schemas_.insert(t.schema);
  }
  std::vector<const MemberEntry*> pre, data, post;
  for (const MemberEntry& m : manifest.members) {
    if (m.kind == "HEADER" || m.kind == kIncrementalGuardKind || m.kind == kRowDeletesKind ||
        !Selected(m)) {
      continue;
    }
    (m.section == "pre-data" ? pre : m.section == "data" ? data : post).push_back(&m);
  }
  uint64_t data_bytes = 0;
  for (const MemberEntry* m : data) data_bytes += m->raw_bytes;
  listener_.OnStart(static_cast<int>(tables.size()), data_bytes);
  PGARK_RETURN_IF_ERROR(conn_.Exec("BEGIN"));
  // Keys and indexes are built once, after the data: give the sorts room (this transaction
  // only; the server's own setting is untouched).
  PGARK_RETURN_IF_ERROR(conn_.Exec("SET LOCAL maintenance_work_mem = '512MB'"));
  PGARK_RETURN_IF_ERROR(ExecMember(manifest.members.front()));  // the HEADER: session settings

  if (options_.drop_existing) {
    for (auto it = pre.rbegin(); it != pre.rend(); ++it) {
      if (std::string drop = DropSql(**it); !drop.empty()) {
        PGARK_RETURN_IF_ERROR(Annotate(conn_.Exec(drop).status(), "--drop-existing"));
      }
    }
  }
  // Pre-data: objects that exist are kept (warning); the parts of a kept table are skipped.
  for (const MemberEntry* m : pre) {
    if (listener_.Cancelled()) return absl::CancelledError("cancelled");
    const bool owner_kind = IsOwnerKind(m->kind) && !IsOwnedSequencePart(*m);
    if (!owner_kind && m->kind != "SCHEMA" && m->kind != "EXTENSION" &&
        !created_.count(OwnerOf(*m)) && !IsOwnedSequencePart(*m)) {
      continue;  // e.g. SEQUENCE OWNED BY of a table that was kept
    }
    // CREATE SCHEMA IF NOT EXISTS cannot tell whether it created the schema: ask first.
    bool new_schema = false;
    if (m->kind == "SCHEMA") {
      PGARK_ASSIGN_OR_RETURN(bool exists, Catalog(conn_).SchemaExists(m->name));
      new_schema = !exists;
    }
    PGARK_ASSIGN_OR_RETURN(bool created, ExecMemberKeepingExisting(*m, /*tolerate=*/false));
    if (created && (owner_kind || new_schema)) created_.insert(OwnerOf(*m));
  }
  if (manifest.content == "data-only") {
    for (const formats::TableEntry& t : tables) {
      if (!Catalog(conn_).FindTable(t.schema, t.table).ok()) {
        return absl::NotFoundError(absl::StrCat(
            "table \"", t.name, "\" does not exist and this data-only backup cannot create it; "
            "restore its schema first"));
      }
    }
  }
  for (const MemberEntry* m : data) {
    const formats::TableEntry* table = nullptr;
    for (const formats::TableEntry& t : tables) {
      if (t.schema == m->schema && t.table == m->table) table = &t;
    }
    if (table == nullptr) continue;
    listener_.OnTableBegin(table->name);
    const bool direct = created_.count(OwnerOf(*m)) || options_.on_conflict == OnConflict::kError;
    PGARK_RETURN_IF_ERROR(Annotate(LoadData(*table, *m, direct),
                                   absl::StrCat("restoring table \"", table->name, "\"")));
    listener_.OnTableEnd(table->name, m->rows, m->raw_bytes);
  }
  for (const formats::TableEntry& t : tables) result_.restored_tables.push_back(t.name);

  // Post-data after all data: keys and indexes are built once, triggers never see the load.
  // It applies to the objects this restore created (and sequence values of a data-only
  // backup). A table restored alone may reference tables that are not there: its foreign keys
  // are then skipped with a warning instead of failing the restore.
  const bool partial = manifest.type == "table" || !options_.tables.empty();
  for (const MemberEntry* m : post) {
    if (listener_.Cancelled()) return absl::CancelledError("cancelled");
    const bool applies = created_.count(OwnerOf(*m)) ||
                         (m->kind == "SEQUENCE SET" && manifest.content == "data-only");
    if (!applies) continue;
    // A role that does not exist in the target must not sink the restore: warn and go on.
    if ((partial && m->kind == "FK CONSTRAINT") || m->kind == "ACL") {
      PGARK_RETURN_IF_ERROR(ExecMemberKeepingExisting(*m, /*tolerate=*/true).status());
    } else {
      PGARK_RETURN_IF_ERROR(ExecMember(*m));
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
  PGARK_ASSIGN_OR_RETURN(LoadedBackup backup,
                         LoadBackup(options.backup_dir, options.backup_file, options.key));
  PGARK_RETURN_IF_ERROR(RequireKey(backup));
  // An incremental comes with its chain; every link must be present and intact.
  PGARK_ASSIGN_OR_RETURN(std::vector<LoadedBackup> chain, LoadChain(options.backup_dir, std::move(backup)));
  const LoadedBackup& newest = chain.back();
  const formats::Manifest& manifest = newest.manifest;
  if (manifest.members.empty() || manifest.members.front().kind != "HEADER") {
    return absl::DataLossError(
        absl::StrCat("backup \"", options.backup_file, "\" has no header member"));
  }
  PGARK_ASSIGN_OR_RETURN(std::vector<formats::TableEntry> tables,
                         SelectTables(manifest, options.tables));
  // Whole-file and per-member stored digests before the database is touched; the decompressed
  // digests are checked while loading, before COMMIT.
  PGARK_RETURN_IF_ERROR(VerifyChain(chain));

  PGARK_ASSIGN_OR_RETURN(PgConnection conn, PgConnection::Connect(connect));
  RestoreResult result;
  result.backup_file = options.backup_file;
  if (manifest.server_version_num / 10000 > conn.server_version_num() / 10000) {
    return absl::FailedPreconditionError(absl::StrCat(
        "backup \"", options.backup_file, "\" was made with PostgreSQL ",
        manifest.postgres_version, " and cannot be restored into the older PostgreSQL ",
        conn.server_version_num() / 10000, "; restore it into PostgreSQL ",
        manifest.server_version_num / 10000, " or newer"));
  }
  Restorer restorer(conn, chain, options, ListenerOr(listener), result);
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
