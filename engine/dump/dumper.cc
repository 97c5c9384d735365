#include "engine/dump/dumper.h"

#include <unistd.h>

#include <map>
#include <optional>
#include <memory>
#include <set>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "engine/catalog/catalog.h"
#include "engine/plan/dump_plan.h"
#include "engine/repository/incremental.h"
#include "engine/dump/large_objects.h"
#include "engine/dump/parallel_dump.h"
#include "engine/repository/repository.h"
#include "engine/pg/pg_connection.h"
#include "engine/ddl/schema_sql.h"
#include "engine/ddl/sql_text.h"
#include "formats/archive_layout.h"
#include "formats/archive_writer.h"
#include "formats/file_io.h"
#include "formats/row_diff.h"
#include "formats/status_macros.h"
#include "engine/version.h"

namespace pgark::engine {
namespace {

using formats::ArchiveWriter;
using formats::Manifest;
using formats::MemberEntry;

absl::Status CheckCancelled(ProgressListener& listener) {
  if (listener.Cancelled()) return absl::CancelledError("cancelled");
  return absl::OkStatus();
}

bool Exists(const std::string& path) { return ::access(path.c_str(), F_OK) == 0; }

// Compression threads: as asked, else one per core.
int Jobs(int requested) {
  if (requested > 0) return requested;
  return std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
}

constexpr uint64_t kMaxParts = 16;  // see BackupOptions::part_bytes

// Writes the members of one archive in pre-data, data, post-data order.
class Dumper {
 public:
  Dumper(const ConnectOptions& connect, PgConnection& conn, const BackupOptions& options,
         ProgressListener& listener)
      : connect_(connect), conn_(conn), options_(options), listener_(listener) {}

  absl::StatusOr<Manifest> Run(BackupType type);
  // What the backup could not carry (Catalog::ListUncarried), as messages.
  const std::vector<std::string>& warnings() const { return warnings_; }
  uint64_t base_full_size() const {
    return parent_chain_.empty() ? 0 : parent_chain_.front().manifest.size;
  }

 private:
  absl::StatusOr<std::vector<TableRef>> SelectTables(BackupType type);
  // What belongs to the database rather than to a table, after everything else: default
  // privileges (with owners), publications, large objects (engine/large_objects.h), event
  // triggers.
  absl::Status DatabaseObjects(Catalog& catalog);
  // Adds a warning for each kind of object in the database that the backup leaves out.
  absl::Status WarnUncarried(Catalog& catalog);
  // Describes the extensions' configuration tables whose user rows a full backup carries
  // (into config_tables_), warning about those this role may not read.
  absl::Status DescribeExtensionConfigTables(Catalog& catalog);
  absl::Status Sql(absl::string_view section, absl::string_view kind, absl::string_view schema,
                   absl::string_view name, absl::string_view table, absl::string_view sql,
                   absl::string_view identity = "");
  absl::Status Data(const TableDef& table);
  // The members a table's rows are dumped in: one (the whole table) unless it is big.
  absl::StatusOr<std::vector<DataPiece>> PiecesOf(const TableDef& t);
  struct DumpedMember {
    MemberEntry entry;
    int64_t rows = 0;
  };
  // Streams `piece` on this connection into a member, through the diff against the parent
  // when `parent_rows` is set (filling `differ`).
  absl::StatusOr<DumpedMember> StreamPiece(const DataPiece& piece, formats::RowState* parent_rows,
                                           std::optional<formats::RowDiffer>& differ);
  // A piece another connection dumped: its spooled member copied into the archive.
  absl::StatusOr<DumpedMember> AppendSpooled(ParallelDataDumper::Spooled& spooled);
  std::string ChooseBackupId(BackupType type, absl::Time now);
  absl::Status LoadParent(const std::string& database);
  // Incremental: the parent's member for `t` when its rows can be diffed against it (same
  // columns, types and key); null when the table must be stored whole.
  const MemberEntry* DiffableParent(const TableDef& t) const;

  // Starts extra connections on `snapshot` for the data of `tables` (plan order) when there
  // is more than one table and more than one job; quietly stays serial if they cannot connect.
  void StartParallel(const std::string& snapshot);

  const ConnectOptions& connect_;
  PgConnection& conn_;
  const BackupOptions& options_;
  ProgressListener& listener_;
  std::vector<std::string> warnings_;
  std::unique_ptr<ArchiveWriter> writer_;
  std::vector<TableDef> tables_;         // the tables backed up
  std::vector<TableDef> config_tables_;  // extensions' configuration tables with user rows
  std::vector<SequenceDef> config_sequences_;  // and their configuration sequences
  std::vector<DataPiece> pieces_;  // every data member to write, in plan order
  size_t next_piece_ = 0;          // index of the next one
  Manifest manifest_;
  std::map<uint32_t, int64_t> rows_;  // by table oid
  BackupType type_ = BackupType::kFull;
  std::vector<LoadedBackup> parent_chain_;  // incremental: oldest first, the parent last
  // Declared last, so destroyed first: its workers read the tables above and write through
  // writer_ until its destructor has stopped them (also when Run returns early, on an error
  // or a cancel).
  std::unique_ptr<ParallelDataDumper> parallel_;
};

absl::Status Dumper::LoadParent(const std::string& database) {
  std::string parent = options_.base_file;
  if (parent.empty()) {
    PGARK_ASSIGN_OR_RETURN(std::vector<BackupInfo> all, ListBackups(options_.backup_dir, {}));
    for (const BackupInfo& b : all) {  // newest first
      if (b.type != "full" && b.type != "incremental") continue;
      absl::StatusOr<LoadedBackup> candidate = LoadBackup(options_.backup_dir, b.filename);
      if (candidate.ok() && candidate->manifest.database == database &&
          candidate->manifest.content == "schema+data") {
        parent = b.filename;
        break;
      }
    }
    if (parent.empty()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "no full backup of database \"", database, "\" in \"", options_.backup_dir,
          "\" to base an incremental on; run `pgark backup full` first"));
    }
  }
  PGARK_ASSIGN_OR_RETURN(LoadedBackup base,
                         LoadBackup(options_.backup_dir, parent, options_.read_key));
  const formats::Manifest& m = base.manifest;
  if ((m.type != "full" && m.type != "incremental") || m.content != "schema+data") {
    return absl::InvalidArgumentError(absl::StrCat(
        "\"", parent, "\" is a ", m.type, " (", m.content,
        ") backup; an incremental needs a full or incremental backup with schema and data"));
  }
  if (m.database != database) {
    return absl::FailedPreconditionError(absl::StrCat("\"", parent, "\" is a backup of database \"",
                                                      m.database, "\", not \"", database, "\""));
  }
  PGARK_RETURN_IF_ERROR(RequireKey(base));
  PGARK_ASSIGN_OR_RETURN(parent_chain_, LoadChain(options_.backup_dir, std::move(base)));
  return VerifyChain(parent_chain_);
}

void Dumper::StartParallel(const std::string& snapshot) {
  // Not for incrementals (each diff holds a table's index in memory) nor for encrypted
  // backups (a spool is plaintext on disk). Two jobs are taken by this connection's server
  // process and the compression it feeds: measured on 2 cores, an extra connection there only
  // adds the spool's I/O (bench/README.md), so connections start from the third job.
  const int workers = std::min(Jobs(options_.jobs) - 2, static_cast<int>(pieces_.size()) - 1);
  if (workers < 1 || type_ == BackupType::kIncremental || options_.key != nullptr) return;
  auto parallel = std::make_unique<ParallelDataDumper>(connect_, snapshot, pieces_, *writer_,
                                                       options_.backup_dir);
  if (parallel->Start(workers).ok()) parallel_ = std::move(parallel);
}

const MemberEntry* Dumper::DiffableParent(const TableDef& t) const {
  if (type_ != BackupType::kIncremental) return nullptr;
  const MemberEntry* p = FindTableMember(parent_chain_.back().manifest, "TABLE DATA",
                                         t.ref.schema, t.ref.name);
  if (p == nullptr || p->columns != t.CopyColumns() || p->column_types != t.CopyColumnTypes() ||
      p->key_columns != t.key_columns || p->column_types.empty()) {
    return nullptr;  // new, renamed or altered: stored whole
  }
  return p;
}

absl::Status Dumper::Sql(absl::string_view section, absl::string_view kind,
                         absl::string_view schema, absl::string_view name,
                         absl::string_view table, absl::string_view sql,
                         absl::string_view identity) {
  MemberEntry entry;
  PGARK_ASSIGN_OR_RETURN(entry.raw_bytes, writer_->WriteMember(sql));
  entry.section = std::string(section);
  entry.kind = std::string(kind);
  entry.schema = std::string(schema);
  entry.name = std::string(name);
  entry.table = std::string(table);
  entry.identity = std::string(identity);
  manifest_.members.push_back(std::move(entry));
  return absl::OkStatus();
}

absl::StatusOr<std::vector<TableRef>> Dumper::SelectTables(BackupType type) {
  Catalog catalog(conn_);
  std::vector<TableRef> tables;
  if (type == BackupType::kFull) {
    PGARK_ASSIGN_OR_RETURN(tables, catalog.ListTables());
  } else {
    std::set<uint32_t> seen;
    for (const std::string& name : options_.tables) {
      PGARK_ASSIGN_OR_RETURN(TableRef t, catalog.ResolveTable(name));
      if (t.relkind == 'f') {
        return absl::InvalidArgumentError(absl::StrCat(
            "\"", t.DisplayName(), "\" is a foreign table: its rows live on another server, and "
            "its definition needs its server's; a full backup (`pgark backup full`) carries both"));
      }
      if (seen.insert(t.oid).second) tables.push_back(std::move(t));
    }
  }
  PGARK_ASSIGN_OR_RETURN(auto edges, catalog.ListForeignKeyEdges());
  return OrderByForeignKeys(std::move(tables), edges);
}

absl::Status Dumper::DatabaseObjects(Catalog& catalog) {
  if (options_.content != Content::kDataOnly) {
    if (options_.with_owners) {
      PGARK_ASSIGN_OR_RETURN(std::vector<DefaultPrivilegesDef> defaults,
                             catalog.ListDefaultPrivileges());
      for (const DefaultPrivilegesDef& d : defaults) {
        PGARK_RETURN_IF_ERROR(
            Sql("post-data", kDefaultAclKind, d.schema, d.role, "", DefaultPrivilegesSql(d)));
      }
    }
    PGARK_ASSIGN_OR_RETURN(std::vector<UserMappingDef> mappings, catalog.ListUserMappings());
    for (const UserMappingDef& m : mappings) {
      if (m.options_hidden) {
        warnings_.push_back(absl::StrCat(
            "user mapping for ", m.role, " on server ", m.server,
            ": its options (a password, say) are shown only to a superuser, the mapped role or "
            "the server's owner, so it was backed up without them"));
      }
      PGARK_RETURN_IF_ERROR(Sql("post-data", kUserMappingKind, "",
                                absl::StrCat(m.role, " on ", m.server), "", UserMappingSql(m)));
    }
    PGARK_ASSIGN_OR_RETURN(std::vector<PublicationDef> publications, catalog.ListPublications());
    for (const PublicationDef& p : publications) {
      PGARK_RETURN_IF_ERROR(Sql("post-data", kPublicationKind, "", p.name, "",
                                PublicationSql(p, options_.with_owners)));
    }
    PGARK_ASSIGN_OR_RETURN(std::vector<SubscriptionDef> subscriptions,
                           catalog.ListSubscriptions());
    for (const SubscriptionDef& d : subscriptions) {
      PGARK_RETURN_IF_ERROR(Sql("post-data", kSubscriptionKind, "", d.name, "",
                                SubscriptionSql(d, options_.with_owners)));
    }
  }
  if (options_.content != Content::kSchemaOnly) {
    for (const SequenceDef& s : config_sequences_) {
      PGARK_RETURN_IF_ERROR(
          Sql("post-data", kExtensionSequenceSetKind, s.schema, s.name, "", SetvalSql(s)));
    }
    PGARK_ASSIGN_OR_RETURN(std::vector<LargeObjectDef> objects, catalog.ListLargeObjects());
    PGARK_RETURN_IF_ERROR(DumpLargeObjects(
        conn_, objects, options_.with_owners, kLargeObjectMemberBytes,
        [this](absl::string_view kind, absl::string_view name, std::string sql) {
          return Sql("post-data", kind, "", name, "", sql);
        }));
  }
  if (options_.content == Content::kDataOnly) return absl::OkStatus();
  PGARK_ASSIGN_OR_RETURN(std::vector<EventTriggerDef> triggers, catalog.ListEventTriggers());
  for (const EventTriggerDef& t : triggers) {
    PGARK_RETURN_IF_ERROR(Sql("post-data", kEventTriggerKind, "", t.name, "",
                              EventTriggerSql(t, options_.with_owners)));
  }
  return absl::OkStatus();
}

absl::Status Dumper::DescribeExtensionConfigTables(Catalog& catalog) {
  PGARK_ASSIGN_OR_RETURN(std::vector<ExtensionConfigTable> configs,
                         catalog.ListExtensionConfigTables());
  std::vector<std::string> unreadable;
  for (const ExtensionConfigTable& c : configs) {
    if (!c.readable) {
      unreadable.push_back(c.ref.DisplayName());
      continue;
    }
    if (c.ref.relkind == 'S') {
      SequenceDef seq;
      seq.schema = c.ref.schema;
      seq.name = c.ref.name;
      PGARK_RETURN_IF_ERROR(catalog.ReadSequenceValue(seq));
      config_sequences_.push_back(std::move(seq));
      continue;
    }
    PGARK_ASSIGN_OR_RETURN(TableDef def, catalog.DescribeTable(c.ref));
    def.extension_config = true;
    def.extension_rows = c.condition;
    config_tables_.push_back(std::move(def));
  }
  if (!unreadable.empty()) {
    warnings_.push_back(absl::StrCat(
        "left out of this backup: what users added to ", unreadable.size(),
        " extension configuration table", unreadable.size() > 1 ? "s" : "", " or sequence",
        unreadable.size() > 1 ? "s" : "", " (", absl::StrJoin(unreadable, ", "),
        "), which this role may not read"));
  }
  return absl::OkStatus();
}

absl::Status Dumper::WarnUncarried(Catalog& catalog) {
  if (options_.content == Content::kDataOnly) return absl::OkStatus();  // all are schema
  PGARK_ASSIGN_OR_RETURN(std::vector<UncarriedObjects> kinds, catalog.ListUncarried());
  for (const UncarriedObjects& k : kinds) {
    std::string kind = k.kind;  // "aggregate", "text search dictionary": made plural
    if (k.count != 1) {
      kind = absl::EndsWith(kind, "y") ? absl::StrCat(kind.substr(0, kind.size() - 1), "ies")
                                       : absl::StrCat(kind, "s");
    }
    warnings_.push_back(absl::StrCat(
        "left out of this backup (pgark does not back up these yet): ", k.count, " ", kind,
        " (", absl::StrJoin(k.examples, ", "),
        k.count > static_cast<int64_t>(k.examples.size()) ? ", ..." : "", ")"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<DataPiece>> Dumper::PiecesOf(const TableDef& t) {
  const std::vector<DataPiece> whole = {{&t, CopyToStdoutSql(t), 0}};
  // Incrementals diff a table as one stream; TID range scans need PostgreSQL 14.
  if (type_ == BackupType::kIncremental || conn_.server_version_num() < 140000 ||
      t.extension_config ||  // its rows are a filter's, not a page range's
      t.ref.estimated_bytes < 2 * options_.part_bytes) {  // heap and TOAST: an upper bound
    return whole;
  }
  PGARK_ASSIGN_OR_RETURN(
      PgResult r, conn_.ExecParams("SELECT pg_catalog.pg_relation_size($1::pg_catalog.oid), "
                                   "pg_catalog.current_setting('block_size')::bigint",
                                   {absl::StrCat(t.ref.oid)}));
  const uint64_t bytes = static_cast<uint64_t>(r.Int(0, 0));
  const uint64_t pages = bytes / static_cast<uint64_t>(r.Int(0, 1));
  const uint64_t parts = std::min<uint64_t>(kMaxParts, bytes / std::max<uint64_t>(1, options_.part_bytes));
  if (parts < 2) return whole;
  // The first and last ranges are open: pages added since the size was read are still read.
  std::vector<DataPiece> out;
  for (uint64_t k = 0; k < parts; ++k) {
    out.push_back({&t,
                   CopyPagesToStdoutSql(t, pages * k / parts,
                                        k + 1 == parts ? 0 : pages * (k + 1) / parts),
                   static_cast<int>(k + 1)});
  }
  return out;
}

absl::StatusOr<Dumper::DumpedMember> Dumper::AppendSpooled(ParallelDataDumper::Spooled& spooled) {
  PGARK_RETURN_IF_ERROR(spooled.status);
  PGARK_RETURN_IF_ERROR(writer_->AppendSpool(std::move(spooled.spool), spooled.entry));
  listener_.OnBytes(spooled.entry.raw_bytes);
  return DumpedMember{std::move(spooled.entry), spooled.rows};
}

absl::StatusOr<Dumper::DumpedMember> Dumper::StreamPiece(
    const DataPiece& piece, formats::RowState* parent_rows,
    std::optional<formats::RowDiffer>& differ) {
  const TableDef& t = *piece.table;
  PGARK_ASSIGN_OR_RETURN(formats::Sink * member, writer_->BeginMember());
  // rows -> progress and cancellation -> [the diff against the parent] -> the member
  ProgressTap progress(listener_);
  progress.set_downstream(member);
  progress.set_close_downstream(false);  // the member is ended by EndMember
  absl::Status s;
  if (parent_rows != nullptr) {  // an incremental: never in parts
    absl::StatusOr<formats::RowKeyer> keyer =
        formats::RowKeyer::ForColumns(t.CopyColumns(), t.key_columns);
    s = keyer.status();
    if (s.ok()) {
      progress.set_downstream(&differ.emplace(*std::move(keyer), *parent_rows, *member));
      progress.set_close_downstream(true);  // closing the differ lists the deletes
    }
  }
  int64_t rows = 0;
  if (s.ok()) {
    absl::StatusOr<int64_t> streamed = StreamTableMember(conn_, t, *member, progress, piece.copy_out);
    s = streamed.status();
    if (s.ok()) rows = *streamed;
  }
  absl::StatusOr<uint64_t> raw_bytes = writer_->EndMember();
  PGARK_RETURN_IF_ERROR(s);
  PGARK_RETURN_IF_ERROR(raw_bytes.status());
  DumpedMember dumped{.rows = rows};
  dumped.entry.raw_bytes = *raw_bytes;
  return dumped;
}

absl::Status Dumper::Data(const TableDef& t) {
  PGARK_RETURN_IF_ERROR(CheckCancelled(listener_));
  const std::string display = t.ref.DisplayName();
  listener_.OnTableBegin(display);
  // Incremental: the table as of the parent, to diff the current rows against.
  const MemberEntry* parent = DiffableParent(t);
  std::optional<formats::RowState> parent_rows;
  std::optional<formats::RowDiffer> differ;
  if (parent != nullptr) {
    parent_rows.emplace(!t.key_columns.empty());
    for (const formats::TableEntry& e : parent_chain_.back().manifest.tables) {
      if (e.schema == t.ref.schema && e.table == t.ref.name) {
        parent_rows->Reserve(static_cast<size_t>(e.record_count));
      }
    }
    PGARK_RETURN_IF_ERROR(Annotate(
        ReplayTableRows(parent_chain_, parent_chain_.size() - 1, t.ref.schema, t.ref.name,
                        *parent_rows),
        absl::StrCat("reading the rows of table \"", display, "\" from the base backups")));
  }
  // Each piece (the table, or each of its parts): dumped ahead by another connection, or here.
  std::vector<DumpedMember> members;
  for (; next_piece_ < pieces_.size() && pieces_[next_piece_].table == &t; ++next_piece_) {
    const DataPiece& piece = pieces_[next_piece_];
    std::optional<ParallelDataDumper::Spooled> spooled;
    if (parallel_ != nullptr) spooled = parallel_->Take(next_piece_);
    absl::StatusOr<DumpedMember> dumped =
        spooled ? AppendSpooled(*spooled)
                : StreamPiece(piece, parent_rows ? &*parent_rows : nullptr, differ);
    PGARK_RETURN_IF_ERROR(Annotate(dumped.status(), absl::StrCat("dumping table \"", display, "\"")));
    dumped->entry.part = piece.part;
    members.push_back(*std::move(dumped));
  }
  int64_t rows = 0;
  uint64_t raw_bytes = 0;
  for (auto& [entry, part_rows] : members) {
    entry.section = "data";
    entry.kind = "TABLE DATA";
    entry.schema = t.ref.schema;
    entry.name = t.ref.name;
    entry.table = t.ref.name;
    entry.rows = part_rows;
    entry.copy_header_bytes = CopyFromStdinLine(t).size();
    entry.columns = t.CopyColumns();
    entry.column_types = t.CopyColumnTypes();
    entry.key_columns = t.key_columns;
    entry.extension_config = t.extension_config;
    entry.row_filter = t.extension_rows;
    if (entry.part > 0) manifest_.format_version = 3;
    rows += part_rows;
    raw_bytes += entry.raw_bytes;
  }
  listener_.OnTableEnd(display, rows, raw_bytes);
  if (type_ == BackupType::kIncremental) {
    MemberEntry& entry = members.front().entry;  // never in parts
    entry.delta = differ ? "changes" : "full";
    if (differ) {
      const formats::RowChanges& c = differ->changes();
      entry.rows = c.inserted + c.updated;
      manifest_.changes.inserted += c.inserted;
      manifest_.changes.updated += c.updated;
      manifest_.changes.deleted += c.deleted;
      if (c.inserted + c.updated + c.deleted > 0) ++manifest_.changes.changed_tables;
    } else {
      manifest_.changes.inserted += rows;  // a new or reshaped table counts as inserted
      ++manifest_.changes.changed_tables;
    }
  }
  for (DumpedMember& m : members) manifest_.members.push_back(std::move(m.entry));
  if (differ && !differ->changes().deletes.empty()) {
    MemberEntry deletes;
    PGARK_ASSIGN_OR_RETURN(deletes.raw_bytes,
                           writer_->WriteMember(formats::EncodeRowDeletes(differ->changes().deletes)));
    deletes.section = "data";
    deletes.kind = kRowDeletesKind;
    deletes.schema = t.ref.schema;
    deletes.name = t.ref.name;
    deletes.table = t.ref.name;
    deletes.rows = static_cast<int64_t>(differ->changes().deletes.size());
    manifest_.members.push_back(std::move(deletes));
  }
  rows_[t.ref.oid] = rows;
  manifest_.total_record_count += rows;
  return absl::OkStatus();
}

std::string Dumper::ChooseBackupId(BackupType type, absl::Time now) {
  std::string label = options_.label;
  if (label.empty() && type == BackupType::kTable) label = absl::StrJoin(options_.tables, "_");
  const char* type_name = type == BackupType::kFull          ? "full"
                          : type == BackupType::kIncremental ? "incremental"
                                                             : "table";
  for (int seq = 0;; ++seq) {
    std::string id = formats::BackupId(type_name, label, now, seq);
    std::string archive =
        formats::ArchiveFileName(id, options_.compress, options_.key != nullptr);
    if (!Exists(formats::JoinPath(options_.backup_dir, archive)) &&
        !Exists(formats::JoinPath(options_.backup_dir, id + "-manifest.json"))) {
      return id;
    }
  }
}

absl::StatusOr<Manifest> Dumper::Run(BackupType type) {
  const absl::Time now = absl::Now();
  PGARK_RETURN_IF_ERROR(
      conn_.Exec("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY"));
  // One text form for every value, whatever the server's defaults: an incremental compares
  // rows by their COPY text with the rows of backups made in other sessions.
  PGARK_RETURN_IF_ERROR(conn_.Exec("SET LOCAL TimeZone = 'UTC'; SET LOCAL bytea_output = hex"));
  // Other connections may share this transaction's snapshot (parallel backup).
  PGARK_ASSIGN_OR_RETURN(PgResult exported, conn_.Exec("SELECT pg_catalog.pg_export_snapshot()"));
  const std::string snapshot = exported.String(0, 0);
  PGARK_ASSIGN_OR_RETURN(ServerInfo server, Catalog(conn_).GetServerInfo());
  type_ = type;
  if (type == BackupType::kIncremental) {
    PGARK_RETURN_IF_ERROR(LoadParent(server.database));
    type = BackupType::kFull;  // from here on, an incremental is planned as a full backup
  }
  PGARK_ASSIGN_OR_RETURN(std::vector<TableRef> refs, SelectTables(type));
  uint64_t estimated_bytes = 0;
  for (const TableRef& t : refs) {
    estimated_bytes += t.estimated_bytes;
    if (t.relkind == 'f') continue;  // LOCK TABLE refuses foreign tables; nothing to read
    // Held to the end of the transaction: no table can be dropped or altered under the dump.
    absl::Status locked = conn_.Exec(absl::StrCat("LOCK TABLE ", QualifiedName(t.schema, t.name),
                                                  " IN ACCESS SHARE MODE"))
                              .status();
    if (absl::IsNotFound(locked)) {
      return absl::AbortedError(absl::StrCat("table \"", t.DisplayName(),
                                             "\" was dropped while the backup started; nothing "
                                             "was written, run the backup again"));
    }
    PGARK_RETURN_IF_ERROR(locked);
  }
  Catalog catalog(conn_);
  for (const TableRef& t : refs) {
    PGARK_ASSIGN_OR_RETURN(TableDef def, catalog.DescribeTable(t));
    tables_.push_back(std::move(def));
  }
  // A full backup carries every schema object; a table backup only its tables' own parts.
  std::vector<SchemaObjectDef> objects;
  std::vector<std::pair<ObjectId, ObjectId>> deps;
  if (type == BackupType::kFull) {
    PGARK_ASSIGN_OR_RETURN(objects, catalog.ListSchemaObjects());
    PGARK_ASSIGN_OR_RETURN(deps, catalog.ListDependencies());
    PGARK_RETURN_IF_ERROR(WarnUncarried(catalog));
  }
  std::vector<PlannedMember> plan =
      PlanArchive(tables_, objects, deps, {options_.content, options_.with_owners});
  if (type == BackupType::kFull && options_.content != Content::kSchemaOnly) {
    // The user rows of extensions' configuration tables: data, after the tables' (the
    // extension made the table, and its own rows, before).
    PGARK_RETURN_IF_ERROR(DescribeExtensionConfigTables(catalog));
    auto post = std::find_if(plan.begin(), plan.end(),
                             [](const PlannedMember& m) { return m.section == "post-data"; });
    std::vector<PlannedMember> config_data;
    for (const TableDef& t : config_tables_) {
      config_data.push_back({"data", "TABLE DATA", t.ref.schema, t.ref.name, t.ref.name, "", "", &t});
    }
    plan.insert(post, config_data.begin(), config_data.end());
  }
  listener_.OnStart(static_cast<int>(tables_.size()), estimated_bytes);

  manifest_.backup_id = ChooseBackupId(type_, now);
  // The oldest format that describes this archive: 2 (encryption, incrementals), or 3 once a
  // table is stored in parts (an older reader would replay only the first).
  manifest_.format_version = 2;
  manifest_.backup_file =
      formats::ArchiveFileName(manifest_.backup_id, options_.compress, options_.key != nullptr);
  if (options_.key != nullptr) {
    manifest_.cipher = formats::kCipherName;
    PGARK_ASSIGN_OR_RETURN(manifest_.key_id, options_.key->KeyId());
  }
  manifest_.type = type_ == BackupType::kIncremental ? "incremental"
                  : type_ == BackupType::kFull      ? "full"
                                                    : "table";
  if (type_ == BackupType::kIncremental) {
    const formats::Manifest& parent = parent_chain_.back().manifest;
    manifest_.dependencies = parent.dependencies;
    manifest_.dependencies.push_back(parent.backup_file);
    manifest_.base_backup = parent.backup_file;
  }
  manifest_.content = options_.content == Content::kSchemaOnly ? "schema-only"
                      : options_.content == Content::kDataOnly ? "data-only"
                                                               : "schema+data";
  manifest_.timestamp = formats::IsoTimestamp(now);
  manifest_.database = server.database;
  manifest_.postgres_version = server.version;
  manifest_.server_version_num = server.version_num;
  manifest_.tool_version = kPgarkVersion;
  manifest_.compressed = options_.compress;

  const std::string archive_path = formats::JoinPath(options_.backup_dir, manifest_.backup_file);
  PGARK_ASSIGN_OR_RETURN(
      writer_, ArchiveWriter::Open(archive_path, {.compress = options_.compress,
                                                  .gzip = {.level = options_.gzip_level},
                                                  .jobs = Jobs(options_.jobs),
                                                  .key = options_.key}));
  for (const PlannedMember& m : plan) {
    if (m.data == nullptr) continue;
    PGARK_ASSIGN_OR_RETURN(std::vector<DataPiece> pieces, PiecesOf(*m.data));
    pieces_.insert(pieces_.end(), pieces.begin(), pieces.end());
  }
  StartParallel(snapshot);
  PGARK_RETURN_IF_ERROR(
      Sql("pre-data", "HEADER", "", "", "", ArchiveHeaderSql(manifest_.backup_id, server)));
  if (type_ == BackupType::kIncremental) {
    PGARK_RETURN_IF_ERROR(Sql("pre-data", kIncrementalGuardKind, "", "", "",
                              IncrementalGuardSql(manifest_.backup_file)));
  }
  if (type == BackupType::kTable && options_.content != Content::kDataOnly) {
    // A table backup does not own its schema: create it only if it is missing.
    std::set<std::string> schemas;
    for (const TableDef& t : tables_) {
      if (t.ref.schema != "public" && schemas.insert(t.ref.schema).second) {
        PGARK_RETURN_IF_ERROR(Sql("pre-data", "SCHEMA", "", t.ref.schema, t.ref.schema,
                                  CreateSchemaSql(t.ref.schema)));
      }
    }
  }
  for (const PlannedMember& m : plan) {
    if (m.data != nullptr) {
      PGARK_RETURN_IF_ERROR(Data(*m.data));
    } else {
      PGARK_RETURN_IF_ERROR(Sql(m.section, m.kind, m.schema, m.name, m.table, m.sql, m.identity));
    }
  }
  if (type == BackupType::kFull) PGARK_RETURN_IF_ERROR(DatabaseObjects(catalog));
  for (const std::vector<TableDef>* list : {&tables_, &config_tables_}) {
    for (const TableDef& t : *list) {
      if (t.ref.relkind == 'f') continue;  // no rows here: only its definition is backed up
      manifest_.tables.push_back(
          {t.ref.DisplayName(), t.ref.schema, t.ref.name, rows_[t.ref.oid]});
    }
  }
  PGARK_RETURN_IF_ERROR(CheckCancelled(listener_));
  PGARK_ASSIGN_OR_RETURN(formats::ArchiveSummary summary, writer_->Close());
  PGARK_RETURN_IF_ERROR(formats::PlaceMembers(summary.members, manifest_.members));
  manifest_.size = summary.size_bytes;
  manifest_.checksum = summary.sha256;
  PGARK_RETURN_IF_ERROR(conn_.Exec("COMMIT"));

  // The manifest goes last: its presence means the backup is complete.
  const std::string manifest_path =
      formats::JoinPath(options_.backup_dir, manifest_.backup_id + "-manifest.json");
  absl::Status s = [&]() -> absl::Status {
    PGARK_ASSIGN_OR_RETURN(std::unique_ptr<formats::FileSink> sink,
                           formats::FileSink::Open(manifest_path));
    PGARK_RETURN_IF_ERROR(sink->Append(formats::EncodeManifest(manifest_)));
    return sink->Close();
  }();
  if (!s.ok()) {
    ::unlink(archive_path.c_str());  // an archive without a manifest is not a backup
    return s;
  }
  return manifest_;
}

absl::Status ValidateOptions(const BackupOptions& options, BackupType type) {
  if (options.backup_dir.empty()) return absl::InvalidArgumentError("no backup directory given");
  if (type == BackupType::kTable && options.tables.empty()) {
    return absl::InvalidArgumentError("a table backup needs at least one table name");
  }
  if (type == BackupType::kIncremental && options.content != Content::kSchemaAndData) {
    return absl::InvalidArgumentError("an incremental backup always holds schema and data");
  }
  if (options.jobs < 0 || options.jobs > 256) {
    return absl::InvalidArgumentError(absl::StrCat("--jobs ", options.jobs, " is out of range 1-256"));
  }
  if (options.gzip_level < 1 || options.gzip_level > 9) {
    return absl::InvalidArgumentError(
        absl::StrCat("compression level ", options.gzip_level, " is out of range 1-9"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<BackupResult> Backup(const ConnectOptions& connect, const BackupOptions& options,
                                    BackupType type, ProgressListener* listener) {
  const absl::Time start = absl::Now();
  PGARK_RETURN_IF_ERROR(ValidateOptions(options, type));
  PGARK_RETURN_IF_ERROR(formats::EnsurePrivateDirectory(options.backup_dir));
  PGARK_ASSIGN_OR_RETURN(PgConnection conn, PgConnection::Connect(connect));
  Dumper dumper(connect, conn, options, ListenerOr(listener));
  absl::StatusOr<Manifest> manifest = dumper.Run(type);
  if (absl::IsCancelled(manifest.status())) {
    return absl::CancelledError("backup cancelled; nothing was written");
  }
  PGARK_RETURN_IF_ERROR(manifest);
  return BackupResult{*std::move(manifest), absl::ToInt64Milliseconds(absl::Now() - start),
                      dumper.base_full_size(), dumper.warnings()};
}

}  // namespace pgark::engine
