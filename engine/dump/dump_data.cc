// The tables' rows: Dumper::Data and its pieces (see dump_session.h).
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "engine/ddl/schema_sql.h"
#include "engine/dump/dump_session.h"
#include "formats/status_macros.h"

namespace pgark::engine {
namespace {

constexpr uint64_t kMaxParts = 16;  // see BackupOptions::part_bytes


}  // namespace

void Dumper::StartParallel() {
  // Not for incrementals (each diff holds a table's index in memory), nor for encrypted
  // backups (a spool is plaintext on disk), nor into object storage (spools are local files
  // as big as the tables: a backup to a bucket writes nothing of its size to local disk). Two jobs are taken by this connection's server
  // process and the compression it feeds: measured on 2 cores, an extra connection there only
  // adds the spool's I/O (bench/README.md), so connections start from the third job.
  const int workers = std::min(CompressionJobs(options_.jobs) - 2, static_cast<int>(pieces_.size()) - 1);
  if (workers < 1 || type_ == BackupType::kIncremental || options_.key != nullptr ||
      !repository_->local()) {
    return;
  }
  auto parallel = std::make_unique<ParallelDataDumper>(connect_, snapshot_, pieces_, *writer_,
                                                       repository_->location());
  if (parallel->Start(workers).ok()) parallel_ = std::move(parallel);
}

absl::StatusOr<std::vector<DataPiece>> Dumper::PiecesOf(const TableDef& t) {
  const std::vector<DataPiece> whole = {{&t, CopyToStdoutSql(t), 0}};
  // Incrementals diff a table as one stream; TID range scans need PostgreSQL 14.
  if (type_ == BackupType::kIncremental || conn_.server_version_num() < 140000 ||
      t.extension_config ||  // its rows are a filter's, not a page range's
      t.ref.estimated_bytes < 2 * options_.part_bytes) {  // heap and TOAST: an upper bound
    return whole;
  }
  PGARK_ASSIGN_OR_RETURN(const RelationPages size, catalog_.PagesOf(t.ref));
  const uint64_t parts =
      std::min<uint64_t>(kMaxParts, size.bytes / std::max<uint64_t>(1, options_.part_bytes));
  if (parts < 2) return whole;
  // The first and last ranges are open: pages added since the size was read are still read.
  std::vector<DataPiece> out;
  for (uint64_t k = 0; k < parts; ++k) {
    out.push_back({&t,
                   CopyPagesToStdoutSql(t, size.pages * k / parts,
                                        k + 1 == parts ? 0 : size.pages * (k + 1) / parts),
                   static_cast<int>(k + 1)});
  }
  return out;
}

absl::StatusOr<Dumper::DumpedMember> Dumper::AppendSpooled(ParallelDataDumper::Spooled& spooled) {
  PGARK_RETURN_IF_ERROR(spooled.status);
  PGARK_RETURN_IF_ERROR(writer_->AppendSpool(std::move(spooled.spool), spooled.entry));
  listener_.OnBytes(spooled.entry.raw_bytes);
  return DumpedMember{std::move(spooled.entry), spooled.rows, spooled.digest};
}

absl::StatusOr<Dumper::DumpedMember> Dumper::StreamPiece(
    const DataPiece& piece, formats::RowState* parent_rows,
    std::optional<formats::RowDiffer>& differ) {
  const TableDef& t = *piece.table;
  PGARK_ASSIGN_OR_RETURN(formats::Sink * member, writer_->BeginMember());
  // rows -> progress and cancellation -> digest -> [the diff against the parent] -> the member
  ProgressTap progress(listener_);
  formats::RowDigestTap digest(member);
  progress.set_downstream(&digest);
  digest.set_close_downstream(false);  // the member is ended by EndMember
  absl::Status s;
  if (parent_rows != nullptr) {  // an incremental: never in parts
    absl::StatusOr<formats::RowKeyer> keyer =
        formats::RowKeyer::ForColumns(t.CopyColumns(), t.key_columns);
    s = keyer.status();
    if (s.ok()) {
      digest.set_downstream(&differ.emplace(*std::move(keyer), *parent_rows, *member));
      digest.set_close_downstream(true);  // closing the differ lists the deletes
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
  DumpedMember dumped{.rows = rows, .digest = digest.digest()};
  dumped.entry.raw_bytes = *raw_bytes;
  return dumped;
}

absl::StatusOr<std::vector<Dumper::DumpedMember>> Dumper::DumpPieces(
    const TableDef& t, formats::RowState* parent_rows, std::optional<formats::RowDiffer>& differ) {
  std::vector<DumpedMember> members;
  for (; next_piece_ < pieces_.size() && pieces_[next_piece_].table == &t; ++next_piece_) {
    const DataPiece& piece = pieces_[next_piece_];
    std::optional<ParallelDataDumper::Spooled> spooled;
    if (parallel_ != nullptr) spooled = parallel_->Take(next_piece_);
    absl::StatusOr<DumpedMember> dumped =
        spooled ? AppendSpooled(*spooled) : StreamPiece(piece, parent_rows, differ);
    PGARK_RETURN_IF_ERROR(
        Annotate(dumped.status(), absl::StrCat("dumping table \"", t.ref.DisplayName(), "\"")));
    dumped->entry.part = piece.part;
    members.push_back(*std::move(dumped));
  }
  return members;
}

int64_t Dumper::DescribeDataMembers(const TableDef& t, std::vector<DumpedMember>& members,
                                    const formats::RowChanges* diffed) {
  int64_t rows = 0;
  for (auto& [entry, part_rows, digest] : members) {
    entry.section = formats::Section::kData;
    entry.kind = MemberKind::kTableData;
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
    if (entry.part > 0) manifest_.format_version = std::max(manifest_.format_version, 3);
    rows += part_rows;
  }
  if (type_ != BackupType::kIncremental) return rows;
  formats::MemberEntry& entry = members.front().entry;  // never in parts
  formats::ChangeSummary& changes = manifest_.changes;
  entry.delta = diffed ? formats::Delta::kChanges : formats::Delta::kFull;
  if (diffed == nullptr) {
    changes.inserted += rows;  // a new or reshaped table counts as inserted
    ++changes.changed_tables;
    return rows;
  }
  const formats::RowChanges& c = *diffed;
  entry.rows = c.inserted + c.updated;
  changes.inserted += c.inserted;
  changes.updated += c.updated;
  changes.deleted += c.deleted;
  if (c.inserted + c.updated + c.deleted > 0) ++changes.changed_tables;
  return rows;
}

absl::Status Dumper::WriteRowDeletes(const TableDef& t, const formats::RowDiffer& differ) {
  const auto& deletes = differ.changes().deletes;
  if (deletes.empty()) return absl::OkStatus();
  PGARK_RETURN_IF_ERROR(Sql(MemberKind::kRowDeletes, t.ref.schema, t.ref.name, t.ref.name,
                            formats::EncodeRowDeletes(deletes)));
  manifest_.members.back().rows = static_cast<int64_t>(deletes.size());
  return absl::OkStatus();
}

absl::Status Dumper::Data(const TableDef& t) {
  if (listener_.Cancelled()) return absl::CancelledError("cancelled");
  listener_.OnTableBegin(t.ref.DisplayName());
  // Incremental: the table as of the parent, to diff the current rows against.
  const formats::MemberEntry* parent = base_ ? base_->DiffableParent(t) : nullptr;
  if (parent != nullptr && ScansChanges(t)) {
    PGARK_ASSIGN_OR_RETURN(bool done, DataByChanges(t));
    if (done) return absl::OkStatus();
  }
  std::optional<formats::RowState> parent_rows;
  std::optional<formats::RowDiffer> differ;
  if (parent != nullptr) {
    parent_rows.emplace(!t.key_columns.empty());
    if (const formats::TableEntry* before = base_->ParentTable(t)) {
      parent_rows->Reserve(static_cast<size_t>(before->record_count));
    }
    PGARK_RETURN_IF_ERROR(base_->ReplayParentRows(t, *parent_rows));
  }
  PGARK_ASSIGN_OR_RETURN(std::vector<DumpedMember> members,
                         DumpPieces(t, parent_rows ? &*parent_rows : nullptr, differ));
  PGARK_RETURN_IF_ERROR(FinishTable(t, members, differ ? &differ->changes() : nullptr));
  if (differ) PGARK_RETURN_IF_ERROR(WriteRowDeletes(t, *differ));
  return absl::OkStatus();
}

absl::Status Dumper::FinishTable(const TableDef& t, std::vector<DumpedMember>& members,
                                 const formats::RowChanges* diffed) {
  uint64_t raw_bytes = 0;
  formats::RowDigest& table_digest = digests_[t.ref.oid];
  for (const DumpedMember& m : members) {
    raw_bytes += m.entry.raw_bytes;
    table_digest.Add(m.digest);
  }
  const int64_t rows = DescribeDataMembers(t, members, diffed);
  listener_.OnTableEnd(t.ref.DisplayName(), rows, raw_bytes);
  for (DumpedMember& m : members) manifest_.members.push_back(std::move(m.entry));
  rows_[t.ref.oid] = rows;
  manifest_.total_record_count += rows;
  return absl::OkStatus();
}

}  // namespace pgark::engine
