// Incrementals whose changed rows the server names: Dumper::DataByChanges and its pieces (see
// dump_session.h and engine/dump/change_scan.h).
#include <algorithm>
#include <atomic>
#include <thread>

#include "absl/strings/str_cat.h"
#include "engine/ddl/schema_sql.h"
#include "engine/dump/dump_session.h"
#include "engine/log.h"
#include "engine/pg/copy_stream.h"
#include "formats/status_macros.h"

namespace pgark::engine {
namespace {

// Runs `copy_out` and streams its rows into `rows`, which it closes.
absl::Status StreamCopy(PgConnection& conn, const std::string& copy_out, formats::Sink& rows) {
  PGARK_ASSIGN_OR_RETURN(std::unique_ptr<CopyOutSource> copy, CopyOutSource::Open(conn, copy_out));
  PGARK_RETURN_IF_ERROR(formats::Pump(*copy, rows).status());
  return rows.Close();
}

// The parent's rows of a table replayed into `diff`, and sorted, on a thread of its own while
// the server is asked for the changes. Stopped (its result dropped) if not waited for.
class ParentReplay : public formats::RowConsumer {
 public:
  ParentReplay(const IncrementalBase& base, const TableDef& t, formats::KeyedDiff& diff)
      : out_(diff.parent()), thread_([this, &base, &t, &diff] {
          status_ = base.ReplayParentRows(t, *this);
          if (status_.ok()) diff.SortParent();
        }) {}
  ~ParentReplay() override {
    stop_.store(true);
    if (thread_.joinable()) thread_.join();
  }
  absl::Status Wait() {
    thread_.join();
    return status_;
  }
  absl::Status OnRow(absl::string_view row, absl::string_view key) override {
    if (stop_.load(std::memory_order_relaxed)) return absl::CancelledError("not needed");
    return out_.OnRow(row, key);
  }

 private:
  formats::RowConsumer& out_;
  std::atomic<bool> stop_{false};
  absl::Status status_;
  std::thread thread_;  // last: started once the rest is ready
};

}  // namespace

absl::Status Dumper::PlanChanges() {
  if ((type_ != BackupType::kFull && type_ != BackupType::kIncremental) ||
      options_.content != Content::kSchemaAndData) {
    return absl::OkStatus();
  }
  PGARK_ASSIGN_OR_RETURN(manifest_.change_point, catalog_.GetChangePoint());
  PGARK_ASSIGN_OR_RETURN(rewrites_seen_, catalog_.GetRewritesSeen());
  if (!base_) return absl::OkStatus();
  std::string why_not;
  PGARK_ASSIGN_OR_RETURN(change_scan_, PlanChangeScan(conn_, base_->parent_change_point(),
                                                      manifest_.change_point, why_not));
  if (!change_scan_) {
    manifest_.changes.hashed_tables.push_back(absl::StrCat("every table: ", why_not));
    log::Write(log::Level::kInfo, "backup", absl::StrCat("every row is read and hashed: ", why_not));
  }
  return absl::OkStatus();
}

bool Dumper::ScansChanges(const TableDef& t) {
  if (!change_scan_) return false;
  std::optional<std::string> why = WhyNotScanned(t);
  if (!why && base_->ParentTable(t) == nullptr) why = "not in the base backup's table list";
  if (!why) return true;
  manifest_.changes.hashed_tables.push_back(absl::StrCat(t.ref.DisplayName(), ": ", *why));
  return false;
}

namespace {

// The parent's digest plus that of the rows added since, when the table only gained rows:
// when the rows now are the parent's plus the written ones (by count, which rules out deletes
// and rewrites), and the parent recorded its digest.
std::optional<formats::KeyedChanges> OnlyAdded(const formats::TableEntry& before, int64_t rows,
                                               const formats::RowDigest& written) {
  std::optional<uint64_t> digest = formats::DecodeRowDigestSum(before.content_digest);
  if (!digest || rows != before.record_count + written.rows) return std::nullopt;
  return formats::KeyedChanges{.inserted = written.rows,
                               .digest = {.sum = *digest + written.sum, .rows = rows}};
}

}  // namespace

absl::StatusOr<formats::KeyedChanges> Dumper::DiffByKey(const TableDef& t, formats::Sink& member,
                                                        const formats::TableEntry& before) {
  PGARK_ASSIGN_OR_RETURN(formats::RowKeyer keyer,
                         formats::RowKeyer::ForColumns(t.CopyColumns(), t.key_columns));
  formats::KeyedDiff diff(std::move(keyer), t.CopyColumns().size(), member,
                          static_cast<size_t>(std::max<int64_t>(0, before.record_count)));
  // The parent's keys are read from the chain while the server answers (two cores busy).
  ParentReplay parent(*base_, t, diff);
  PGARK_RETURN_IF_ERROR(member.Append(CopyFromStdinLine(t)));
  ProgressTap progress(listener_);
  progress.set_downstream(&diff.scan());
  PGARK_RETURN_IF_ERROR(StreamCopy(conn_, ScanSql(t, *change_scan_), progress));
  PGARK_RETURN_IF_ERROR(member.Append(kCopyTrailer));
  PGARK_RETURN_IF_ERROR(Annotate(parent.Wait(), "comparing its keys with the base backups'"));
  return diff.Finish();
}

absl::StatusOr<formats::KeyedChanges> Dumper::AddedRows(const TableDef& t, formats::Sink& member,
                                                        formats::KeyedChanges added) {
  PGARK_RETURN_IF_ERROR(member.Append(CopyFromStdinLine(t)));
  if (added.inserted == 0) {  // untouched: nothing to read
    PGARK_RETURN_IF_ERROR(member.Append(kCopyTrailer));
    return added;
  }
  ProgressTap progress(listener_);
  formats::RowDigestTap written(&member);
  written.set_close_downstream(false);  // the member is ended by EndMember
  progress.set_downstream(&written);
  PGARK_RETURN_IF_ERROR(StreamCopy(conn_, WrittenRowsSql(t, *change_scan_), progress));
  PGARK_RETURN_IF_ERROR(member.Append(kCopyTrailer));
  // Read in the snapshot they were counted in: the same rows.
  if (written.digest().rows != added.inserted) {
    return absl::InternalError("the written rows changed within one snapshot");
  }
  added.digest.sum += written.digest().sum;
  return added;
}

bool Dumper::RewrittenPerStatistics(const TableDef& t, const formats::TableEntry& before) const {
  auto now = rewrites_seen_.find(t.ref.oid);
  const bool rewritten = before.rewrites_seen >= 0 && now != rewrites_seen_.end() &&
                         now->second > before.rewrites_seen;
  if (rewritten) {
    log::Write(log::Level::kDebug, "backup",
               absl::StrCat(t.ref.DisplayName(), ": rows updated or deleted since the parent "
                            "(statistics): keys and written rows read without a count first"));
  }
  return rewritten;
}

absl::StatusOr<bool> Dumper::DataByChanges(const TableDef& t) {
  const formats::TableEntry& before = *base_->ParentTable(t);
  const bool keyed = !t.key_columns.empty();
  // A count first: an untouched table (the common case) costs that pass alone, and one that
  // only gained rows a pass for them; a keyed one that lost or rewrote rows then a pass for its
  // keys and written rows (DiffByKey), one without a key has every row hashed. A keyed table
  // the statistics say rows of were updated or deleted since goes to that pass at once.
  std::optional<formats::KeyedChanges> added;
  if (!keyed || !RewrittenPerStatistics(t, before)) {
    PGARK_ASSIGN_OR_RETURN(PgResult r, conn_.Exec(CountRowsSql(t, *change_scan_)));
    const PgRow row(r, 0);
    added = OnlyAdded(before, row.Int("rows"), {.rows = row.Int("written")});
  }
  if (!added && !keyed) {
    manifest_.changes.hashed_tables.push_back(absl::StrCat(
        t.ref.DisplayName(), ": no key, and rows were deleted or rewritten since the base"));
    return false;
  }
  // The table's piece (an incremental's table is one) is read here, not by DumpPieces.
  for (; next_piece_ < pieces_.size() && pieces_[next_piece_].table == &t; ++next_piece_) {
  }
  PGARK_ASSIGN_OR_RETURN(formats::Sink * member, writer_->BeginMember());
  absl::StatusOr<formats::KeyedChanges> changes =
      added ? AddedRows(t, *member, *std::move(added)) : DiffByKey(t, *member, before);
  absl::StatusOr<uint64_t> raw_bytes = writer_->EndMember();
  PGARK_RETURN_IF_ERROR(
      Annotate(changes.status(), absl::StrCat("dumping table \"", t.ref.DisplayName(), "\"")));
  PGARK_RETURN_IF_ERROR(raw_bytes.status());
  std::vector<DumpedMember> members(1);
  members[0].entry.raw_bytes = *raw_bytes;
  members[0].rows = changes->digest.rows;
  members[0].digest = changes->digest;
  ++manifest_.changes.tables_by_key;
  const formats::RowChanges counts{.rows = changes->digest.rows,
                                   .inserted = changes->inserted,
                                   .updated = changes->updated,
                                   .deleted = changes->deleted};
  PGARK_RETURN_IF_ERROR(FinishTable(t, members, &counts));
  PGARK_RETURN_IF_ERROR(WriteKeyDeletes(t, changes->deletes));
  return true;
}

absl::Status Dumper::WriteKeyDeletes(const TableDef& t, const std::vector<std::string>& keys) {
  if (keys.empty()) return absl::OkStatus();
  PGARK_RETURN_IF_ERROR(Sql(MemberKind::kRowDeletes, t.ref.schema, t.ref.name, t.ref.name,
                            formats::EncodeKeyDeletes(keys)));
  manifest_.members.back().rows = static_cast<int64_t>(keys.size());
  manifest_.members.back().deletes_by_key = true;
  manifest_.format_version = std::max(manifest_.format_version, 5);
  return absl::OkStatus();
}

}  // namespace pgark::engine
