#include "engine/transfer/importer.h"

#include <map>
#include <memory>
#include <set>


#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "engine/catalog/catalog.h"
#include "engine/pg/copy_stream.h"
#include "engine/pg/pg_connection.h"
#include "engine/pg/transaction.h"
#include "engine/transfer/import_loads.h"
#include "engine/transfer/record_mapper.h"
#include "engine/ddl/sql_text.h"
#include "formats/archive_layout.h"
#include "formats/archive_writer.h"
#include "formats/encryption.h"
#include "engine/repository/backup_files.h"
#include "formats/memory_io.h"
#include "formats/record_readers.h"
#include "formats/status_macros.h"

namespace pgark::engine {
namespace {


constexpr size_t kMaxReportedErrors = 100;

// Reads the file once and loads its rows in one transaction, through a RecordMapper into a
// DirectLoad or a StagedLoad (import_loads.h). An import runs direct when it may (no conflict
// handling, no rules, which COPY ignores), and staged when it must or once the server refused
// a direct one (which is rolled back first).
class Importer {
 public:
  Importer(PgConnection& conn, const ImportOptions& options, ProgressListener& listener,
           ImportResult& result, bool direct)
      : conn_(conn), o_(options), listener_(listener), result_(result), direct_(direct) {}

  absl::Status Run();
  // After Run failed in direct mode: whether a staged import may still load the file (the
  // server refused a row, rows name different columns, or the table needs INSERT).
  bool retry_staged() const { return retry_staged_; }

 private:
  // Describes the table, checks the options, and opens the load.
  absl::Status Prepare();
  // Reads the file into the load.
  absl::Status Stage();
  // One record: a row for the load, a header, or a row error.
  absl::Status OnRecord(const absl::StatusOr<Mapped>& mapped);
  void RowError(uint64_t n, std::string message);

  PgConnection& conn_;
  const ImportOptions& o_;
  ProgressListener& listener_;
  ImportResult& result_;
  const bool direct_;
  TableDef def_;
  std::unique_ptr<RecordMapper> mapper_;
  std::unique_ptr<RowLoad> load_;
  DirectLoad* direct_load_ = nullptr;  // load_, when direct
  // Set when a record stops the whole import (unknown column, missing required column):
  // distinguishes it from a damaged file, which only costs a record.
  absl::Status fatal_;
  std::map<uint64_t, std::string> row_errors_;  // the first errors, in file order
  bool retry_staged_ = false;
};

void Importer::RowError(uint64_t n, std::string message) {
  ++result_.error_count;
  row_errors_.emplace(n, std::move(message));
  if (row_errors_.size() > kMaxReportedErrors) row_errors_.erase(std::prev(row_errors_.end()));
}

absl::Status Importer::Prepare() {
  Catalog catalog(conn_);
  PGARK_ASSIGN_OR_RETURN(TableRef ref, catalog.ResolveTable(o_.table));
  PGARK_ASSIGN_OR_RETURN(def_, catalog.DescribeTable(ref));
  mapper_ = std::make_unique<RecordMapper>(def_, o_);
  if (o_.on_conflict == OnConflict::kUpdate && o_.conflict_columns.empty() &&
      def_.PrimaryKey() == nullptr) {
    return absl::FailedPreconditionError(absl::StrCat(
        "table \"", ref.DisplayName(), "\" has no primary key; on-conflict update needs "
        "conflict columns"));
  }
  for (const std::string& c : o_.conflict_columns) {
    if (!mapper_->HasColumn(c)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "conflict column \"", c, "\" is not a column of \"", ref.DisplayName(), "\""));
    }
  }
  if (direct_) {
    if (!def_.rules.empty()) {  // COPY does not apply them
      retry_staged_ = true;
      return absl::FailedPreconditionError("the import needs staging");
    }
    auto load = std::make_unique<DirectLoad>(conn_, def_, mapper_->columns());
    direct_load_ = load.get();
    load_ = std::move(load);
    return absl::OkStatus();
  }
  auto load = std::make_unique<StagedLoad>(
      conn_, def_, mapper_->columns(), o_, [this](uint64_t n, absl::string_view message) {
        std::string text = absl::StrCat(mapper_->Label(), " ", n, ": ", message);
        RowError(n, text);
        if (!o_.atomic) return absl::OkStatus();
        return absl::InvalidArgumentError(absl::StrCat(text, " (--atomic: nothing imported)"));
      });
  PGARK_RETURN_IF_ERROR(load->Open());
  load_ = std::move(load);
  return absl::OkStatus();
}

absl::Status Importer::OnRecord(const absl::StatusOr<Mapped>& mapped) {
  if (!mapped.ok()) {
    fatal_ = mapped.status();
    return fatal_;
  }
  switch (mapped->what) {
    case Mapped::What::kHeader:
      return absl::OkStatus();
    case Mapped::What::kRowError:
      RowError(mapped->row.n, mapped->message);
      return absl::OkStatus();
    case Mapped::What::kRow:
      break;
  }
  absl::Status s = load_->Add(mapped->row);
  if (!s.ok() && direct_load_ != nullptr && direct_load_->staging_may_help()) {
    retry_staged_ = true;
  }
  return s;
}

// The file to import, decrypted when it is an encrypted export.
absl::StatusOr<std::unique_ptr<formats::Source>> OpenImportFile(
    const formats::StoredObject& file, const std::shared_ptr<const formats::EncryptionKey>& key) {
  PGARK_ASSIGN_OR_RETURN(formats::ObjectInfo info, file.storage->Stat(file.name));
  std::string head;
  {
    PGARK_ASSIGN_OR_RETURN(std::unique_ptr<formats::Source> probe,
                           file.storage->Read(file.name, 0, std::min<uint64_t>(info.size, 16)));
    formats::StringSink sink;
    PGARK_RETURN_IF_ERROR(formats::Pump(*probe, sink).status());
    head = sink.data();
  }
  const bool encrypted = formats::LooksEncrypted(head);
  if (encrypted && key == nullptr) {
    return absl::UnauthenticatedError(
        absl::StrCat("\"", file.name, "\" is encrypted; set BACKUP_ENCRYPTION_KEY or "
                     "BACKUP_ENCRYPTION_KEY_FILE"));
  }
  return formats::OpenArchiveRange(file, encrypted ? key : nullptr, 0, formats::Storage::kToEnd);
}

absl::Status Importer::Stage() {
  PGARK_ASSIGN_OR_RETURN(std::shared_ptr<formats::Storage> repository,
                         OpenRepository(o_.backup_dir));
  PGARK_ASSIGN_OR_RETURN(std::unique_ptr<formats::Source> source,
                         OpenImportFile({repository, o_.file}, o_.key));
  uint64_t records = 0;  // records the readers handed over
  formats::CsvReader csv([&](const Fields& f, uint64_t n) {
    records = n;
    return OnRecord(mapper_->Csv(f, n));
  });
  formats::JsonRecordSplitter json([&](absl::string_view raw, uint64_t n) {
    records = n;
    return OnRecord(mapper_->Json(raw, n));
  });
  // The readers fail for two reasons: a record stopped the import (`fatal_`, or the load
  // failed), or the file is damaged. Damage before the first record means the file is not
  // JSON/CSV at all; later, it costs the record it hit (a truncated file keeps its complete
  // records).
  auto damaged = [&](const absl::Status& s) -> absl::Status {
    if (!fatal_.ok()) return fatal_;
    if (!absl::IsInvalidArgument(s)) return s;
    if (records == 0) return absl::InvalidArgumentError(absl::StrCat("\"", o_.file, "\" ", s.message()));
    ++records;  // the damaged record counts as read
    RowError(records - mapper_->header_rows(), std::string(s.message()));
    return absl::OkStatus();
  };
  bool stopped = false;
  for (;;) {
    PGARK_ASSIGN_OR_RETURN(absl::string_view chunk, source->Read());
    if (chunk.empty()) break;
    listener_.OnBytes(chunk.size());
    if (listener_.Cancelled()) return absl::CancelledError("import cancelled; nothing imported");
    absl::Status s = o_.format == ImportFormat::kCsv ? csv.Append(chunk) : json.Append(chunk);
    if (!s.ok()) {
      PGARK_RETURN_IF_ERROR(damaged(s));
      stopped = true;  // no way to find the next record boundary reliably
      break;
    }
  }
  if (!stopped) {
    absl::Status end = o_.format == ImportFormat::kCsv ? csv.Finish() : json.Finish();
    if (!end.ok()) PGARK_RETURN_IF_ERROR(damaged(end));
  }
  result_.total_records =
      static_cast<int64_t>(records) - static_cast<int64_t>(mapper_->header_rows());
  return absl::OkStatus();
}

absl::Status Importer::Run() {
  // Rolled back on every early return: an import goes in whole or not at all.
  PGARK_ASSIGN_OR_RETURN(Transaction txn, Transaction::Begin(conn_));
  PGARK_RETURN_IF_ERROR(Prepare());
  if (absl::Status s = Stage(); !s.ok()) {
    load_->Abort(s.message());
    return s;
  }
  if (o_.atomic && !row_errors_.empty()) {
    load_->Abort("atomic");
    return absl::InvalidArgumentError(absl::StrCat(row_errors_.begin()->second,
                                                   " (--atomic: nothing imported)"));
  }
  absl::Status loaded = load_->Finish();
  if (!loaded.ok() && direct_load_ != nullptr && direct_load_->staging_may_help()) {
    retry_staged_ = true;
  }
  PGARK_RETURN_IF_ERROR(loaded);
  if (result_.total_records > 0 && result_.error_count >= result_.total_records) {
    // Not a success with nothing in it: every record failed.
    return absl::InvalidArgumentError(absl::StrCat(
        "every one of the ", result_.total_records, " records failed, so nothing was imported; "
        "the first: ", row_errors_.begin()->second));
  }
  result_.imported_records = load_->imported();
  // Rows that neither went in nor failed were left out by ON CONFLICT DO NOTHING.
  result_.skipped_rows = load_->added() - load_->imported() - load_->refused();
  for (auto& [n, message] : row_errors_) result_.errors.push_back(std::move(message));
  return txn.Commit();
}

}  // namespace

absl::StatusOr<ImportResult> Import(const ConnectOptions& connect, const ImportOptions& options,
                                    ProgressListener* listener) {
  const absl::Time start = absl::Now();
  PGARK_RETURN_IF_ERROR(formats::ValidateFileName(options.file));
  PGARK_ASSIGN_OR_RETURN(std::shared_ptr<formats::Storage> repository,
                         OpenRepository(options.backup_dir));
  if (absl::StatusOr<formats::ObjectInfo> file = repository->Stat(options.file); !file.ok()) {
    if (absl::IsNotFound(file.status())) {
      return absl::NotFoundError(absl::StrCat("file \"", options.file, "\" not found in \"",
                                              options.backup_dir, "\""));
    }
    return file.status();
  }
  PGARK_ASSIGN_OR_RETURN(PgConnection conn, PgConnection::Connect(connect));
  ImportResult result;
  auto run = [&](bool direct, bool& retry_staged) {
    result = ImportResult{};
    Importer importer(conn, options, ListenerOr(listener), result, direct);
    absl::Status s = importer.Run();
    retry_staged = !s.ok() && importer.retry_staged();
    return s;
  };
  bool retry_staged = false;
  absl::Status s = run(/*direct=*/options.on_conflict == OnConflict::kError, retry_staged);
  if (retry_staged) s = run(/*direct=*/false, retry_staged);
  if (!s.ok()) return s;
  result.duration_ms = absl::ToInt64Milliseconds(absl::Now() - start);
  return result;
}

}  // namespace pgark::engine
