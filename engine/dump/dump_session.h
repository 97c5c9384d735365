// The backup's working state (internal to engine/dump): one archive written in pre-data, data,
// post-data order on one connection in one snapshot. dumper.cc has the steps of Run and the
// database-wide objects; dump_data.cc writes the tables' rows.
#ifndef PGARK_ENGINE_DUMP_DUMP_SESSION_H_
#define PGARK_ENGINE_DUMP_DUMP_SESSION_H_

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "engine/catalog/catalog.h"
#include "engine/dump/change_scan.h"
#include "engine/dump/incremental_base.h"
#include "engine/dump/parallel_dump.h"
#include "engine/options.h"
#include "engine/pg/transaction.h"
#include "engine/plan/dump_plan.h"
#include "engine/progress.h"
#include "formats/archive_writer.h"
#include "formats/file_io.h"
#include "formats/key_diff.h"
#include "formats/manifest.h"
#include "formats/row_diff.h"
#include "formats/row_digest.h"

namespace pgark::engine {

// Compression threads: as asked, else one per core.
int CompressionJobs(int requested);

class Dumper {
 public:
  // Writes into `repository` (the storage at options.backup_dir).
  Dumper(const ConnectOptions& connect, PgConnection& conn, const BackupOptions& options,
         std::shared_ptr<formats::Storage> repository, ProgressListener& listener)
      : connect_(connect), conn_(conn), options_(options), repository_(std::move(repository)),
        listener_(listener), catalog_(conn) {}

  // The steps: snapshot, lock and describe, plan, manifest header, write members, commit.
  absl::StatusOr<formats::Manifest> Run(BackupType type);
  // What the backup could not carry (Catalog::ListUncarried) and other notes, as messages.
  const std::vector<std::string>& warnings() const { return warnings_; }
  uint64_t base_full_size() const { return base_ ? base_->full_size() : 0; }

 private:
  // --- dumper.cc: the steps of Run.
  // BEGIN a REPEATABLE READ READ ONLY transaction, export its snapshot, read the server.
  absl::Status BeginSnapshot();
  // The tables backed up, locked (ACCESS SHARE, to the end of the transaction) and described.
  absl::Status LockAndDescribe();
  absl::StatusOr<std::vector<TableRef>> SelectTables();
  // The archive's members in order; a full backup's objects, dependencies and warnings.
  absl::StatusOr<std::vector<PlannedMember>> Plan();
  // The manifest's fields known before any member is written.
  absl::Status StartManifest(absl::Time now);
  // Opens the archive, cuts the data into pieces, starts parallel connections.
  absl::Status OpenArchive(const std::vector<PlannedMember>& plan);
  absl::Status WriteMembers(const std::vector<PlannedMember>& plan);
  // Closes the archive, COMMITs, writes the manifest last.
  absl::StatusOr<formats::Manifest> Commit();
  // A name no other backup has or is taking (held by reservation_ until this ends).
  absl::StatusOr<std::string> ChooseBackupId(absl::Time now);
  // What belongs to the database rather than to a table, after everything else: default
  // privileges (with owners), user mappings, publications, subscriptions, extensions'
  // configuration sequences, large objects (engine/dump/large_objects.h), event triggers.
  absl::Status DatabaseObjects();
  absl::Status DatabaseSchemaObjects();
  // The tablespaces the backed-up tables and their indexes are in (not the default).
  std::vector<std::string> TablespacesUsed() const;
  // The cluster's globals (a globals backup, or --with-globals): roles, memberships,
  // tablespaces, role settings, databases.
  absl::Status GlobalsMembers();
  // --statistics: one STATISTICS DATA member per table and materialized view, last.
  absl::Status PlannerStatistics();
  // Adds a warning for each kind of object in the database that the backup leaves out.
  absl::Status WarnUncarried();
  // After the members are written: names each user object in the catalog that the backup did
  // not carry (a full backup's schema only).
  absl::Status WarnNotCarried();
  // One warning per group of objects left out.
  void WarnLeftOut(const std::vector<UncarriedObjects>& groups);
  // Describes the extensions' configuration tables whose user rows a full backup carries
  // (into config_tables_), warning about those this role may not read.
  absl::Status DescribeExtensionConfigTables();
  // Writes an SQL member, in its kind's section unless `section` says otherwise (postponed).
  absl::Status Sql(MemberKind kind, absl::string_view schema, absl::string_view name,
                   absl::string_view table, absl::string_view sql,
                   absl::string_view identity = "",
                   std::optional<formats::Section> section = std::nullopt);

  // --- dump_data.cc: the tables' rows.
  absl::Status Data(const TableDef& table);
  struct DumpedMember {
    formats::MemberEntry entry;
    int64_t rows = 0;
    formats::RowDigest digest;  // of every row read (for an incremental, not only the changes)
  };
  // Each piece of `t` (the table, or each of its parts): dumped ahead by another connection,
  // or here, through the diff against the parent when `parent_rows` is set.
  absl::StatusOr<std::vector<DumpedMember>> DumpPieces(const TableDef& t,
                                                       formats::RowState* parent_rows,
                                                       std::optional<formats::RowDiffer>& differ);
  // Describes the data members of `t` and counts its rows (incremental: with `diffed`, its
  // changes; without, the table is stored whole).
  int64_t DescribeDataMembers(const TableDef& t, std::vector<DumpedMember>& members,
                              const formats::RowChanges* diffed);
  // Digests, describes and records the data members of `t`.
  absl::Status FinishTable(const TableDef& t, std::vector<DumpedMember>& members,
                           const formats::RowChanges* diffed);
  // The ROW DELETES member of an incremental's table, when rows went away.
  absl::Status WriteRowDeletes(const TableDef& t, const formats::RowDiffer& differ);
  // The members a table's rows are dumped in: one (the whole table) unless it is big.
  absl::StatusOr<std::vector<DataPiece>> PiecesOf(const TableDef& t);
  // Streams `piece` on this connection into a member, through the diff against the parent
  // when `parent_rows` is set (filling `differ`).
  absl::StatusOr<DumpedMember> StreamPiece(const DataPiece& piece, formats::RowState* parent_rows,
                                           std::optional<formats::RowDiffer>& differ);
  // A piece another connection dumped: its spooled member copied into the archive.
  absl::StatusOr<DumpedMember> AppendSpooled(ParallelDataDumper::Spooled& spooled);
  // Starts extra connections on the snapshot for the data pieces when there is more than one
  // piece and more than two jobs; quietly stays serial if they cannot connect.
  void StartParallel();

  // --- dump_changes.cc: incrementals whose changed rows the server names.
  // Records where this backup reads its rows; for an incremental, whether the server can name
  // the rows written since its parent (change_scan_).
  absl::Status PlanChanges();
  // Whether the server can name the rows of `t` written since the parent (else why not, in
  // the manifest's hashed tables).
  bool ScansChanges(const TableDef& t);
  // An incremental's rows of `t` from the rows written since the parent, in one member, and
  // the parent's keys gone or rewritten in a ROW DELETES member by key. False, having written
  // nothing, for a table without a key that lost rows (its rows are then hashed).
  absl::StatusOr<bool> DataByChanges(const TableDef& t);
  // Whether the cumulative statistics count more updated and deleted rows of `t` now than when
  // the parent was made (a hint: they may lag or have been reset).
  bool RewrittenPerStatistics(const TableDef& t, const formats::TableEntry& before) const;
  // Streams the written rows into the member and a KeyedDiff; then, unless rows were only
  // added, every key and the parent's rows.
  absl::StatusOr<formats::KeyedChanges> DiffByKey(const TableDef& t, formats::Sink& member,
                                                  const formats::TableEntry& before);
  // A table without a key that only gained rows (`added`: its changes, counted): streams the
  // written rows into the member.
  absl::StatusOr<formats::KeyedChanges> AddedRows(const TableDef& t, formats::Sink& member,
                                                  formats::KeyedChanges added);
  // The ROW DELETES member (by key) of `t`, when rows went away.
  absl::Status WriteKeyDeletes(const TableDef& t, const std::vector<std::string>& keys);

  const ConnectOptions& connect_;
  PgConnection& conn_;
  const BackupOptions& options_;
  std::shared_ptr<formats::Storage> repository_;
  ProgressListener& listener_;
  Catalog catalog_;
  BackupType type_ = BackupType::kFull;
  // What is planned: an incremental is planned as a full backup.
  BackupType planned_ = BackupType::kFull;
  std::optional<Transaction> snapshot_txn_;  // the backup's REPEATABLE READ READ ONLY one
  std::string snapshot_;
  ServerInfo server_;
  std::optional<IncrementalBase> base_;  // incrementals: the chain to diff against
  std::optional<ChangeScan> change_scan_;  // when the server can name the changed rows
  std::map<uint32_t, int64_t> rewrites_seen_;  // by table OID, at the start
  std::vector<std::string> warnings_;
  std::unique_ptr<formats::NameReservation> reservation_;  // this backup's name, while it runs
  std::unique_ptr<formats::ArchiveWriter> writer_;
  std::vector<TableRef> refs_;           // the tables backed up, in foreign-key order
  uint64_t estimated_bytes_ = 0;
  std::vector<TableDef> tables_;         // and their descriptions
  std::vector<TableDef> config_tables_;  // extensions' configuration tables with user rows
  std::vector<SequenceDef> config_sequences_;  // and their configuration sequences
  std::vector<SchemaObjectDef> objects_;  // full backups: every schema object
  std::vector<DataPiece> pieces_;  // every data member to write, in plan order
  size_t next_piece_ = 0;          // index of the next one
  formats::Manifest manifest_;
  std::map<uint32_t, int64_t> rows_;  // by table oid
  std::map<uint32_t, formats::RowDigest> digests_;  // by table oid
  // Declared last, so destroyed first: its workers read the tables above and write through
  // writer_ until its destructor has stopped them (also when Run returns early, on an error
  // or a cancel).
  std::unique_ptr<ParallelDataDumper> parallel_;
};

}  // namespace pgark::engine

#endif  // PGARK_ENGINE_DUMP_DUMP_SESSION_H_
