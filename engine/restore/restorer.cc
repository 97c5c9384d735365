#include "engine/restore/restorer.h"

#include <algorithm>
#include <atomic>
#include <map>
#include <memory>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "engine/log.h"
#include "engine/repository/backup_files.h"
#include "engine/catalog/catalog.h"
#include "engine/pg/connection_jobs.h"
#include "engine/pg/copy_stream.h"
#include "engine/repository/incremental.h"
#include "engine/dump/large_objects.h"
#include "engine/pg/pg_connection.h"
#include "engine/pg/transaction.h"
#include "engine/ddl/schema_sql.h"
#include "engine/restore/created_database.h"
#include "engine/restore/downgrade_check.h"
#include "engine/restore/globals_apply.h"
#include "engine/restore/restore_plan.h"
#include "engine/restore/staged_database.h"
#include "engine/ddl/sql_text.h"
#include "engine/ddl/statistics_sql.h"
#include "formats/archive_verify.h"
#include "formats/archive_writer.h"
#include "formats/memory_io.h"
#include "formats/status_macros.h"
#include "formats/thread_pump.h"

namespace pgark::engine {
namespace {

using formats::MemberEntry;

using formats::MemberKind;

// Over several connections, a table of at least this much COPY text is loaded frozen after a
// TRUNCATE in its loading transaction; a smaller one's hint bits cost less than the TRUNCATE.
constexpr uint64_t kFreezeAfterTruncateBytes = 1 << 20;

// Restores the selected objects of one verified archive: in one transaction on one connection,
// or, into a staged copy or a database made for the restore, spread over several.
class Restorer {
 public:
  // `chain`: the backup to restore, last, after the links it depends on (just itself unless
  // it is an incremental).
  Restorer(PgConnection& conn, const std::vector<LoadedBackup>& chain,
           const RestoreOptions& options, ProgressListener& listener, RestoreResult& result,
           bool staged)
      : conn_(conn),
        chain_(chain),
        backup_(chain.back()),
        options_(options),
        listener_(listener, stop_),
        result_(result),
        staged_(staged) {}

  // No `helpers`: everything in one transaction on the connection, committed at the end.
  // With helpers (only for a staged copy, see staged_database.h, or a database made for this
  // restore, dropped if it fails): the schema in one
  // transaction, then the tables' rows and their keys and indexes spread over all the
  // connections, each committed on its own, then the rest of the post-data in one transaction.
  absl::Status Run(const std::vector<formats::TableEntry>& tables,
                   const std::vector<PgConnection*>& helpers);

 private:
  absl::StatusOr<std::string> MemberText(const MemberEntry& entry);
  absl::Status ExecMember(PgConnection& conn, const MemberEntry& entry);
  // The same with the member's SQL already read.
  absl::Status ExecMember(PgConnection& conn, const MemberEntry& entry, const std::string& sql);
  // Runs `entry` in a savepoint. An object that already exists is kept: the member is undone,
  // a warning recorded, and false returned. Other errors fail the restore unless `tolerate`.
  absl::StatusOr<bool> ExecMemberKeepingExisting(const MemberEntry& entry, bool tolerate);
  // --drop-existing: drops what the backup creates, in reverse order.
  absl::Status DropExisting(const std::vector<const MemberEntry*>& pre,
                            const std::vector<const MemberEntry*>& post);
  absl::Status PreData(const std::vector<const MemberEntry*>& pre);
  // The rows of every table, then the keys and indexes of each table once its rows are in.
  absl::Status DataAndIndexes(const std::vector<formats::TableEntry>& tables,
                              const std::vector<const MemberEntry*>& data,
                              const std::vector<const MemberEntry*>& indexes,
                              const std::vector<PgConnection*>& conns);
  // How a table's rows may be frozen as they are loaded (COPY ... FREEZE: no hint bits to set
  // and write again when the index builds and first queries read them, no anti-wraparound
  // vacuum to come; from PostgreSQL 14 visible to index-only scans at once). Only a table this
  // restore created, and only in a transaction that created or emptied it.
  enum class Freeze {
    kNo,
    kCreatedHere,    // the open transaction created it
    kTruncateFirst,  // loaded by one job: in its own transaction, after TRUNCATE ONLY
  };
  absl::Status LoadData(PgConnection& conn, const formats::TableEntry& table,
                        const MemberEntry& data, bool direct, Freeze freeze);
  absl::StatusOr<int64_t> CopyMember(PgConnection& conn, const MemberEntry& data,
                                     const std::string& target, bool freeze = false);
  absl::StatusOr<int64_t> CopyIntoTruncated(PgConnection& conn, const MemberEntry& data,
                                            const std::string& table);
  absl::Status RestPostData(const std::vector<const MemberEntry*>& post);
  // A STATISTICS DATA member on a server that cannot import statistics: said once, skipped.
  bool SkipStatistics(const MemberEntry& m);
  // SET and the HEADER member's settings on every connection.
  absl::Status PrepareSessions(const std::vector<PgConnection*>& conns);
  // kNotFound unless every table of a data-only backup exists.
  absl::Status RequireTables(const std::vector<formats::TableEntry>& tables);

  PgConnection& conn_;
  const std::vector<LoadedBackup>& chain_;
  const LoadedBackup& backup_;
  const RestoreOptions& options_;
  std::atomic<bool> stop_{false};  // set when a job on another connection failed
  SharedListener listener_;
  RestoreResult& result_;
  absl::Mutex result_mu_;                   // result_ while jobs run
  std::set<std::string> created_;           // OwnerKey of objects this restore created
  std::atomic<int> stage_counter_{0};
  bool statistics_skipped_ = false;
  const bool staged_;  // into a staged copy, swapped in (and the old one dropped) at the end
};

absl::StatusOr<std::string> Restorer::MemberText(const MemberEntry& entry) {
  return ReadMemberSql(backup_, entry);
}

absl::Status Restorer::ExecMember(PgConnection& conn, const MemberEntry& entry) {
  PGARK_ASSIGN_OR_RETURN(std::string sql, MemberText(entry));
  return ExecMember(conn, entry, sql);
}

absl::Status Restorer::ExecMember(PgConnection& conn, const MemberEntry& entry,
                                  const std::string& sql) {
  return Annotate(conn.Exec(sql).status(),
                  absl::StrCat("restoring ", formats::DescribeMember(entry)));
}

absl::StatusOr<bool> Restorer::ExecMemberKeepingExisting(const MemberEntry& entry, bool tolerate) {
  PGARK_ASSIGN_OR_RETURN(Savepoint step, Savepoint::Open(conn_, "pgark_member"));
  absl::Status s = ExecMember(conn_, entry);
  if (s.ok()) {
    PGARK_RETURN_IF_ERROR(step.Release());
    return true;
  }
  if (absl::IsDataLoss(s) || absl::IsUnavailable(s) || absl::IsCancelled(s)) return s;
  if (!absl::IsAlreadyExists(s) && !tolerate) return s;
  PGARK_RETURN_IF_ERROR(step.RollBack());
  result_.warnings.push_back(absl::IsAlreadyExists(s)
                                 ? absl::StrCat(formats::DescribeMember(entry),
                                                " already exists; kept the existing one")
                                 : absl::StrCat(s.message(), " (skipped)"));
  return false;
}

absl::StatusOr<int64_t> Restorer::CopyMember(PgConnection& conn, const MemberEntry& data,
                                             const std::string& target, bool freeze) {
  std::string columns =
      data.columns.empty() ? "" : absl::StrCat(" (", QuoteIdentList(data.columns), ")");
  PGARK_ASSIGN_OR_RETURN(std::unique_ptr<CopyInSink> copy,
                         CopyInSink::Open(conn, absl::StrCat("COPY ", target, columns,
                                                             " FROM STDIN",
                                                             freeze ? " WITH (FREEZE)" : "")));
  // member bytes -> trim the COPY framing -> progress and cancellation -> the server
  ProgressTap progress(listener_);
  progress.set_downstream(copy.get());
  progress.set_close_downstream(false);  // the COPY is ended below, after the checks
  absl::Status s;
  int64_t expected_rows = data.rows;
  // Reading, decrypting, inflating and checking runs on its own thread while this one feeds
  // the COPY: the two overlap instead of taking turns.
  if (data.delta == formats::Delta::kChanges) {
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
          formats::CopyFramingSink trim(CopyFromStdinLine(data.schema, data.name, data.columns),
                                        kCopyTrailer);
          trim.set_downstream(&out);
          PGARK_RETURN_IF_ERROR(formats::ReadMember(backup_.archive, data, backup_.read, trim));
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

absl::StatusOr<int64_t> Restorer::CopyIntoTruncated(PgConnection& conn, const MemberEntry& data,
                                                    const std::string& table) {
  PGARK_ASSIGN_OR_RETURN(Transaction load, Transaction::Begin(conn));
  if (absl::Status emptied = conn.Exec(absl::StrCat("TRUNCATE ONLY ", table)).status();
      !emptied.ok()) {  // not this role's to truncate (an owner given away): loaded unfrozen
    log::Write(log::Level::kDebug, "restore", absl::StrCat("no FREEZE: ", emptied.message()));
    load.RollBack();
    return CopyMember(conn, data, table);
  }
  PGARK_ASSIGN_OR_RETURN(int64_t rows, CopyMember(conn, data, table, /*freeze=*/true));
  PGARK_RETURN_IF_ERROR(load.Commit());
  return rows;
}

absl::Status Restorer::LoadData(PgConnection& conn, const formats::TableEntry& table,
                                const MemberEntry& data, bool direct, Freeze freeze) {
  const std::string qualified = QualifiedName(table.schema, table.table);
  if (data.extension_config && options_.drop_existing && data.part <= 1) {
    // The extension's table stays; the user rows in it are replaced by the backup's.
    PGARK_RETURN_IF_ERROR(
        conn.Exec(absl::StrCat("DELETE FROM ONLY ", qualified, " ", data.row_filter)).status());
  }
  if (direct) {
    PGARK_ASSIGN_OR_RETURN(int64_t rows,
                           freeze == Freeze::kTruncateFirst
                               ? CopyIntoTruncated(conn, data, qualified)
                               : CopyMember(conn, data, qualified, freeze == Freeze::kCreatedHere));
    absl::MutexLock lock(&result_mu_);
    result_.record_count += rows;
    return absl::OkStatus();
  }
  // skip / update into an existing table: stage, then one INSERT ... ON CONFLICT.
  PGARK_ASSIGN_OR_RETURN(TableRef ref, Catalog(conn).FindTable(table.schema, table.table,
                                                                /*extension_members=*/true));
  PGARK_ASSIGN_OR_RETURN(TableDef def, Catalog(conn).DescribeTable(ref));
  const ConstraintDef* pk = def.PrimaryKey();
  if (pk == nullptr) {
    return absl::FailedPreconditionError(absl::StrCat(
        "table \"", table.name, "\" exists and has no primary key, so --on-conflict ",
        options_.on_conflict == OnConflict::kSkip ? "skip" : "update",
        " cannot tell duplicates apart; use --on-conflict error or --drop-existing"));
  }
  const std::string stage = QuoteIdent(absl::StrCat("pgark_stage_", ++stage_counter_));
  const std::string columns = QuoteIdentList(data.columns);
  PGARK_RETURN_IF_ERROR(conn.Exec(absl::StrCat("CREATE TEMP TABLE ", stage, " AS SELECT ",
                                               columns, " FROM ONLY ", qualified,
                                               " WITH NO DATA")));
  PGARK_ASSIGN_OR_RETURN(int64_t staged, CopyMember(conn, data, stage));
  Upsert upsert{.table = qualified, .from = stage, .on_conflict = options_.on_conflict,
                .conflict_target = absl::StrCat("ON CONSTRAINT ", QuoteIdent(pk->name))};
  for (const std::string& name : data.columns) {
    auto column = std::find_if(def.columns.begin(), def.columns.end(),
                               [&](const ColumnDef& c) { return c.name == name; });
    if (column == def.columns.end()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "table \"", table.name, "\" has no column \"", name, "\" that the backup has"));
    }
    upsert.columns.push_back(&*column);
    upsert.values.push_back(QuoteIdent(name));
  }
  PGARK_ASSIGN_OR_RETURN(PgResult inserted, conn.Exec(UpsertSql(upsert)));
  PGARK_RETURN_IF_ERROR(conn.Exec(absl::StrCat("DROP TABLE ", stage)));
  absl::MutexLock lock(&result_mu_);
  result_.record_count += inserted.AffectedRows();
  result_.skipped_records += staged - inserted.AffectedRows();
  return absl::OkStatus();
}

absl::Status Restorer::DropExisting(const std::vector<const MemberEntry*>& pre,
                                    const std::vector<const MemberEntry*>& post) {
  std::vector<const MemberEntry*> all = pre;
  for (const MemberEntry* m : post) {
    if (CreatesObject(*m)) all.push_back(m);  // postponed: needs what comes before
  }
  for (auto it = all.rbegin(); it != all.rend(); ++it) {
    if (std::string drop = DropSql(**it); !drop.empty()) {
      PGARK_RETURN_IF_ERROR(Annotate(conn_.Exec(drop).status(), "--drop-existing"));
    }
  }
  return absl::OkStatus();
}

absl::Status Restorer::PreData(const std::vector<const MemberEntry*>& pre) {
  // Objects that exist are kept (warning); the parts of a kept table are skipped.
  for (const MemberEntry* m : pre) {
    if (listener_.Cancelled()) return absl::CancelledError("cancelled");
    const bool owner_kind = CreatesObject(*m);
    if (!owner_kind && m->kind != MemberKind::kSchema && m->kind != MemberKind::kExtension &&
        !created_.count(OwnerOf(*m)) && !IsOwnedSequencePart(*m)) {
      continue;  // e.g. SEQUENCE OWNED BY of a table that was kept
    }
    // CREATE SCHEMA IF NOT EXISTS cannot tell whether it created the schema: ask first.
    bool new_schema = false;
    if (m->kind == MemberKind::kSchema) {
      PGARK_ASSIGN_OR_RETURN(bool exists, Catalog(conn_).SchemaExists(m->name));
      new_schema = !exists;
    }
    PGARK_ASSIGN_OR_RETURN(bool created, ExecMemberKeepingExisting(*m, /*tolerate=*/false));
    if (created && (owner_kind || new_schema)) created_.insert(OwnerOf(*m));
  }
  return absl::OkStatus();
}

absl::Status Restorer::DataAndIndexes(const std::vector<formats::TableEntry>& tables,
                                      const std::vector<const MemberEntry*>& data,
                                      const std::vector<const MemberEntry*>& indexes,
                                      const std::vector<PgConnection*>& conns) {
  std::vector<ConnectionJob> jobs;
  std::map<std::string, std::vector<size_t>> data_jobs;  // OwnerKey -> its data (parts)
  std::vector<const MemberEntry*> order = data;
  if (conns.size() > 1) {
    // Largest first, so that one big table does not start last.
    std::stable_sort(order.begin(), order.end(), [](const MemberEntry* a, const MemberEntry* b) {
      return a->raw_bytes > b->raw_bytes;
    });
  }
  // Progress is reported per table: begun with its first part, ended with its last.
  struct Progress {
    int parts = 0, started = 0, done = 0;
    int64_t rows = 0;
    uint64_t bytes = 0;
  };
  std::map<std::string, Progress> progress;
  for (const MemberEntry* m : order) {
    Progress& p = progress[OwnerOf(*m)];
    ++p.parts;
    p.rows += m->rows;
    p.bytes += m->raw_bytes;
  }
  std::map<std::string, const formats::TableEntry*> table_of;  // OwnerKey -> selected table
  for (const formats::TableEntry& t : tables) table_of[OwnerKey(t.schema, t.table)] = &t;
  for (const MemberEntry* m : order) {
    auto found = table_of.find(OwnerOf(*m));
    if (found == table_of.end()) continue;
    const formats::TableEntry* table = found->second;
    const bool created = created_.count(OwnerOf(*m)) > 0;
    const bool direct = created || options_.on_conflict == OnConflict::kError;
    data_jobs[OwnerOf(*m)].push_back(jobs.size());
    Progress* p = &progress[OwnerOf(*m)];
    // Over several connections only a table of some size is worth its TRUNCATE (a new file).
    const Freeze freeze = !created || m->extension_config ? Freeze::kNo
                          : conns.size() == 1             ? Freeze::kCreatedHere
                          : p->parts == 1 && m->raw_bytes >= kFreezeAfterTruncateBytes
                              ? Freeze::kTruncateFirst
                              : Freeze::kNo;
    jobs.push_back({.run = [this, table, m, direct, freeze, p](PgConnection& conn) {
      {
        absl::MutexLock lock(&result_mu_);
        if (p->started++ == 0) listener_.OnTableBegin(table->name);
      }
      PGARK_RETURN_IF_ERROR(Annotate(LoadData(conn, *table, *m, direct, freeze),
                                     absl::StrCat("restoring table \"", table->name, "\"",
                                                  m->part > 0 ? absl::StrCat(" part ", m->part)
                                                              : "")));
      absl::MutexLock lock(&result_mu_);
      if (++p->done == p->parts) listener_.OnTableEnd(table->name, p->rows, p->bytes);
      return absl::OkStatus();
    }, .group = OwnerOf(*m)});
  }
  std::vector<size_t> all_data(jobs.size());
  for (size_t i = 0; i < all_data.size(); ++i) all_data[i] = i;
  if (staged_) {  // see CheckpointBeforeSwap
    jobs.push_back({.run = [](PgConnection& conn) {
                      CheckpointBeforeSwap(conn);
                      return absl::OkStatus();
                    },
                    .after = all_data});
  }
  for (const MemberEntry* m : indexes) {
    // After the table's rows; a partitioned table's (rows in its partitions) or a materialized
    // view's after all rows.
    auto it = data_jobs.find(OwnerOf(*m));
    jobs.push_back({.run = [this, m](PgConnection& conn) {
                       if (listener_.Cancelled()) return absl::CancelledError("cancelled");
                       return ExecMember(conn, *m);
                     },
                     .after = it != data_jobs.end() ? it->second : all_data,
                     .group = OwnerOf(*m)});  // keys of one table wait for each other's locks
  }
  return RunConnectionJobs(conns, jobs, stop_);
}

bool Restorer::SkipStatistics(const MemberEntry& m) {
  const int server = conn_.server_version_num();
  if (m.kind != MemberKind::kStatisticsData || server >= kStatisticsRestoreVersion) return false;
  if (!statistics_skipped_) {
    statistics_skipped_ = true;
    result_.warnings.push_back(absl::StrCat(
        "planner statistics not restored: PostgreSQL ", server / 10000, " cannot import them "
        "(", kStatisticsRestoreVersion / 10000, " and newer can); run ANALYZE on the restored "
        "tables"));
  }
  return true;
}

// Foreign keys, triggers, policies, privileges, sequence values, materialized views: after all
// data and indexes, in archive order. A table restored alone may reference tables that are not
// there: its foreign keys are then skipped with a warning instead of failing the restore.
absl::Status Restorer::RestPostData(const std::vector<const MemberEntry*>& post) {
  const bool partial = backup_.manifest.type == BackupType::kTable || !options_.tables.empty();
  const bool whole = options_.tables.empty();
  for (const MemberEntry* m : post) {
    if (listener_.Cancelled()) return absl::CancelledError("cancelled");
    if (!AppliesPostData(*m, created_, whole, backup_.manifest.content,
                         options_.create_database) ||
        SkipStatistics(*m)) {
      continue;
    }
    if (CreatesObject(*m)) {  // postponed until the keys it needs exist
      PGARK_ASSIGN_OR_RETURN(bool created, ExecMemberKeepingExisting(*m, /*tolerate=*/false));
      if (created) created_.insert(OwnerOf(*m));
      continue;
    }
    if (m->kind == MemberKind::kPublication && options_.drop_existing) {
      // Dropping its tables took them out of it: replaced, like them.
      PGARK_RETURN_IF_ERROR(Annotate(
          conn_.Exec(absl::StrCat("DROP PUBLICATION IF EXISTS ", QuoteIdent(m->name))).status(),
          "--drop-existing"));
    }
    // A role missing in the target (privileges, user mappings) or what this role may not
    // create (a publication FOR ALL TABLES, an event trigger or a subscription: a
    // superuser's) must not sink the restore: warn and go on.
    if (ToleratedFailure(*m, partial)) {
      PGARK_RETURN_IF_ERROR(ExecMemberKeepingExisting(*m, /*tolerate=*/true).status());
    } else if (m->kind == MemberKind::kLargeObjects && options_.drop_existing) {
      // --drop-existing replaces the backup's large objects too.
      PGARK_ASSIGN_OR_RETURN(std::string sql, MemberText(*m));
      PGARK_RETURN_IF_ERROR(
          conn_.ExecParams("SELECT pg_catalog.lo_unlink(l.oid) FROM "
                           "pg_catalog.pg_largeobject_metadata l WHERE l.oid = ANY ($1::oid[])",
                           {absl::StrCat("{", absl::StrJoin(CreatedLargeObjects(sql), ","), "}")})
              .status());
      PGARK_RETURN_IF_ERROR(ExecMember(conn_, *m, sql));
    } else {
      PGARK_RETURN_IF_ERROR(ExecMember(conn_, *m));
    }
  }
  return absl::OkStatus();
}

absl::Status Restorer::PrepareSessions(const std::vector<PgConnection*>& conns) {
  // Keys and indexes are built once, after the data: give the sorts room (these sessions
  // only; the server's own setting is untouched). The HEADER member holds the session settings.
  const MemberEntry& header = backup_.manifest.members.front();
  for (PgConnection* conn : conns) {
    PGARK_RETURN_IF_ERROR(conn->Exec("SET maintenance_work_mem = '512MB'"));
    PGARK_RETURN_IF_ERROR(ExecMember(*conn, header));
  }
  return absl::OkStatus();
}

absl::Status Restorer::RequireTables(const std::vector<formats::TableEntry>& tables) {
  for (const formats::TableEntry& t : tables) {
    if (!Catalog(conn_).FindTable(t.schema, t.table, /*extension_members=*/true).ok()) {
      return absl::NotFoundError(absl::StrCat(
          "table \"", t.name, "\" does not exist and this data-only backup cannot create it; "
          "restore its schema first"));
    }
  }
  return absl::OkStatus();
}

absl::Status Restorer::Run(const std::vector<formats::TableEntry>& tables,
                           const std::vector<PgConnection*>& helpers) {
  const formats::Manifest& manifest = backup_.manifest;
  const RestoreSelection selection(tables, options_.tables.empty());
  std::vector<const MemberEntry*> pre, data, post;
  uint64_t data_bytes = 0;
  for (const MemberEntry& m : manifest.members) {
    if (!selection.Selected(m)) continue;
    if (m.section == formats::Section::kData) data_bytes += m.raw_bytes;
    (m.section == formats::Section::kPreData ? pre
     : m.section == formats::Section::kData  ? data
                                              : post)
        .push_back(&m);
  }
  listener_.OnStart(static_cast<int>(tables.size()), data_bytes);
  std::vector<PgConnection*> conns = {&conn_};
  conns.insert(conns.end(), helpers.begin(), helpers.end());
  PGARK_RETURN_IF_ERROR(PrepareSessions(conns));

  // One transaction; with helpers, the schema is committed first so that they see the tables,
  // and the rest of the post-data runs in a second one.
  const bool spread = !helpers.empty();
  PGARK_ASSIGN_OR_RETURN(Transaction schema, Transaction::Begin(conn_));
  if (options_.drop_existing) PGARK_RETURN_IF_ERROR(DropExisting(pre, post));
  PGARK_RETURN_IF_ERROR(PreData(pre));
  if (manifest.content == Content::kDataOnly) PGARK_RETURN_IF_ERROR(RequireTables(tables));
  if (spread) PGARK_RETURN_IF_ERROR(schema.Commit());

  // Post-data after all data: keys and indexes are built once, triggers never see the load.
  // A postponed object's indexes follow it, in the rest.
  std::set<std::string> postponed;
  for (const MemberEntry* m : post) {
    if (CreatesObject(*m)) postponed.insert(OwnerOf(*m));
  }
  std::vector<const MemberEntry*> indexes, rest;
  for (const MemberEntry* m : post) {
    if (!formats::Traits(m->kind).with_table_data || postponed.count(OwnerOf(*m))) {
      rest.push_back(m);
    } else if (AppliesPostData(*m, created_, selection.whole(), manifest.content)) {
      indexes.push_back(m);
    }
  }
  PGARK_RETURN_IF_ERROR(DataAndIndexes(tables, data, indexes, conns));
  for (const formats::TableEntry& t : tables) result_.restored_tables.push_back(t.name);
  if (!spread) {
    PGARK_RETURN_IF_ERROR(RestPostData(rest));
    return schema.Commit();
  }
  PGARK_ASSIGN_OR_RETURN(Transaction rest_of_post_data, Transaction::Begin(conn_));
  PGARK_RETURN_IF_ERROR(RestPostData(rest));
  return rest_of_post_data.Commit();
}

// Restores into `connect`'s database over `jobs` connections (one: a single transaction) and
// closes them all before returning. `staged`: into a staged copy.
absl::Status RestoreInto(const ConnectOptions& connect, int jobs, bool staged,
                         const std::vector<LoadedBackup>& chain,
                         const std::vector<formats::TableEntry>& tables,
                         const RestoreOptions& options, ProgressListener& listener,
                         RestoreResult& result) {
  const formats::Manifest& manifest = chain.back().manifest;
  PGARK_ASSIGN_OR_RETURN(PgConnection conn, PgConnection::Connect(connect));
  PGARK_RETURN_IF_ERROR(RequireNotOlderServer(manifest, conn.server_version_num()));
  std::vector<PgConnection> more;
  std::vector<PgConnection*> helpers;
  for (int i = 1; i < jobs; ++i) {
    PGARK_ASSIGN_OR_RETURN(PgConnection helper, PgConnection::Connect(connect));
    more.push_back(std::move(helper));
  }
  for (PgConnection& helper : more) helpers.push_back(&helper);
  conn.CollectWarnings();
  for (PgConnection* helper : helpers) helper->CollectWarnings();
  // On failure the restorer's transaction has rolled back: the database is as it was.
  Restorer restorer(conn, chain, options, listener, result, staged);
  absl::Status s = restorer.Run(tables, helpers);
  helpers.push_back(&conn);
  for (PgConnection* c : helpers) {
    for (const std::string& w : c->TakeWarnings()) {
      std::string warning = absl::StrCat("the server warned: ", w);
      if (std::find(result.warnings.begin(), result.warnings.end(), warning) ==
          result.warnings.end()) {
        result.warnings.push_back(std::move(warning));
      }
    }
  }
  return s;
}

// --with-globals: the backup's globals first (roles, tablespaces, databases: what is missing).
// Then the tablespaces its tables are in must exist, and every role a --with-owners backup
// names, unless told to go on without them.
absl::Status PrepareCluster(const ConnectOptions& connect, const LoadedBackup& backup,
                            const RestoreOptions& options, std::vector<std::string>& warnings) {
  const formats::Manifest& m = backup.manifest;
  if (!options.with_globals && m.roles.empty() && m.tablespaces.empty()) return absl::OkStatus();
  PGARK_ASSIGN_OR_RETURN(PgConnection conn, PgConnection::ConnectMaintenance(connect));
  if (options.with_globals) {
    PGARK_RETURN_IF_ERROR(RequireNotOlderServer(m, conn.server_version_num()));
    GlobalsRestoreOptions only_missing;
    only_missing.tablespace_locations = options.tablespace_locations;
    // Of the databases, only the one restored into (created, with --create, by its member).
    only_missing.only_database =
        !connect.dbname.empty() ? connect.dbname
                                : options.create_database ? m.database : std::string();
    GlobalsRestoreResult globals;
    PGARK_RETURN_IF_ERROR(ApplyGlobals(conn, backup, only_missing, globals));
    for (std::string& w : globals.warnings) warnings.push_back(std::move(w));
  }
  PGARK_ASSIGN_OR_RETURN(std::vector<std::string> spaces, MissingTablespaces(conn, m));
  if (!spaces.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "backup \"", m.backup_file, "\" has tables in tablespaces this cluster lacks: ",
        absl::StrJoin(spaces, ", "), "; nothing was restored. Create them first (`pgark restore "
        "globals` of a globals backup of the source, with --map-tablespace NAME=DIR for a new "
        "directory)"));
  }
  PGARK_ASSIGN_OR_RETURN(std::vector<std::string> missing, MissingRoles(conn, m));
  if (missing.empty()) return absl::OkStatus();
  const std::string names = absl::StrJoin(missing, ", ");
  if (options.ignore_missing_roles) {
    warnings.push_back(absl::StrCat("roles missing in this cluster (", names, "): what they own "
                                    "belongs to the restoring role, their grants are left out"));
    return absl::OkStatus();
  }
  return absl::FailedPreconditionError(absl::StrCat(
      "backup \"", backup.manifest.backup_file, "\" names roles this cluster lacks: ", names,
      "; nothing was restored. Restore them first (`pgark restore globals` of a globals backup "
      "of the source, or `restore full --with-globals` of a backup made with --with-globals), "
      "or restore without them (--ignore-missing-roles; MCP: ignoreMissingRoles)"));
}

// restore --create: the database to restore into, made now (the backup's name unless
// `connect` names one). Only a whole backup of a database may make one.
absl::StatusOr<std::unique_ptr<CreatedDatabase>> CreateTarget(const ConnectOptions& connect,
                                                              const RestoreOptions& options,
                                                              const formats::Manifest& manifest) {
  if (manifest.type == BackupType::kTable || !options.tables.empty()) {
    return absl::InvalidArgumentError(
        "--create makes a database from a whole full or incremental backup; restore a table "
        "backup, or some tables, into an existing database instead");
  }
  // Over several connections it is loaded under a private name, given its own at the end.
  return CreatedDatabase::Create(connect, connect.dbname.empty() ? manifest.database : connect.dbname,
                                 manifest.encoding, /*hidden=*/options.jobs > 1);
}

void WarnOfLeftCopies(const std::vector<std::string>& others, std::vector<std::string>& warnings) {
  for (const std::string& other : others) {
    warnings.push_back(absl::StrCat(
        "database \"", other, "\" is a copy left by an interrupted parallel restore (or one "
        "still running); drop it when no restore is running"));
  }
}

// --jobs N into a database that exists: the staged copy to restore into, or null (with a
// warning saying why) when the target cannot be replaced and one connection restores it.
absl::StatusOr<std::unique_ptr<StagedDatabase>> StageTarget(const ConnectOptions& target,
                                                            std::vector<std::string>& warnings) {
  absl::StatusOr<std::unique_ptr<StagedDatabase>> made = StagedDatabase::Create(target);
  if (absl::IsFailedPrecondition(made.status())) {
    warnings.push_back(
        absl::StrCat(made.status().message(), "; restored on one connection instead"));
    return nullptr;
  }
  if (!made.ok()) return made.status();
  WarnOfLeftCopies((*made)->others(), warnings);
  return made;
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
  PGARK_ASSIGN_OR_RETURN(std::vector<LoadedBackup> chain, LoadChain(std::move(backup)));
  const LoadedBackup& newest = chain.back();
  const formats::Manifest& manifest = newest.manifest;
  if (manifest.type == BackupType::kGlobals) {
    return absl::InvalidArgumentError(absl::StrCat(
        "backup \"", options.backup_file, "\" holds the cluster's globals, not a database: "
        "restore it with `pgark restore globals`"));
  }
  if (manifest.members.empty() || manifest.members.front().kind != MemberKind::kHeader) {
    return absl::DataLossError(
        absl::StrCat("backup \"", options.backup_file, "\" has no header member"));
  }
  PGARK_ASSIGN_OR_RETURN(std::vector<formats::TableEntry> tables,
                         SelectTables(manifest, options.tables));
  // Whole-file and per-member stored digests before the database is touched; the stored
  // digests again while loading, before COMMIT (ReadMember).
  log::Write(log::Level::kInfo, "restore",
             absl::StrCat("restore of ", options.backup_file, " (a chain of ", chain.size(),
                          ") into ", DatabaseNameOf(connect)));
  PGARK_RETURN_IF_ERROR(VerifyChain(chain));
  for (const LoadedBackup& link : chain) PGARK_RETURN_IF_ERROR(CheckCanonicalMembers(link));
  log::Write(log::Level::kInfo, "restore", "archives verified");
  RestoreResult result;
  result.backup_file = options.backup_file;
  PGARK_RETURN_IF_ERROR(PrepareCluster(connect, newest, options, result.warnings));
  std::unique_ptr<CreatedDatabase> created;
  if (options.create_database) {
    PGARK_ASSIGN_OR_RETURN(created, CreateTarget(connect, options, manifest));
    WarnOfLeftCopies(created->others(), result.warnings);
  }
  const ConnectOptions& target = created ? created->connect() : connect;
  // Into an older server: what it cannot take is named before anything is restored.
  PGARK_RETURN_IF_ERROR(CheckDowngrade(target, newest));

  // A database made for this restore is dropped if it fails: loaded directly. An existing
  // one is loaded through a copy swapped in at the end.
  const bool fresh = options.fresh_target || (created && !created->existed());
  std::unique_ptr<StagedDatabase> staged;
  if (options.jobs > 1 && !fresh) {
    PGARK_ASSIGN_OR_RETURN(staged, StageTarget(target, result.warnings));
  }
  log::LoggedProgress logged(ListenerOr(listener), "restore");
  const int jobs = staged || fresh ? std::min(options.jobs, kMaxRestoreJobs) : 1;
  absl::Status s = RestoreInto(staged ? staged->connect() : target, jobs, staged != nullptr,
                               chain, tables, options,
                               log::Enabled(log::Level::kInfo) ? logged : ListenerOr(listener),
                               result);
  if (s.ok() && staged) s = staged->Swap(result.warnings);
  if (s.ok() && created) s = created->Keep();
  if (!s.ok()) {
    if (absl::IsCancelled(s)) {
      return absl::CancelledError(staged     ? "restore cancelled; the database was not changed"
                                  : created  ? "restore cancelled; the database was not created"
                                  : jobs > 1 ? "restore cancelled"
                                             : "restore cancelled; rolled back");
    }
    return s;
  }
  result.duration_ms = absl::ToInt64Milliseconds(absl::Now() - start);
  log::Write(log::Level::kInfo, "restore",
             absl::StrCat("restored ", result.restored_tables.size(), " tables, ",
                          result.record_count, " rows in ", result.duration_ms, " ms"));
  return result;
}

}  // namespace pgark::engine
