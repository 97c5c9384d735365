#include "formats/archive_writer.h"

#include <unistd.h>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "formats/file_io.h"
#include "formats/status_macros.h"

namespace pgark::formats {

namespace {

MemberPipelineOptions PipelineOptions(const ArchiveOptions& options) {
  return {.compression = options.compression};
}

}  // namespace

absl::StatusOr<std::unique_ptr<ArchiveWriter>> ArchiveWriter::Open(
    const StoredObject& archive, const ArchiveOptions& options) {
  PGARK_RETURN_IF_ERROR(ValidateCompression(options.compression));
  PGARK_ASSIGN_OR_RETURN(std::unique_ptr<Sink> file, archive.storage->Create(archive.name));
  std::unique_ptr<ArchiveWriter> writer(new ArchiveWriter(options));
  if (options.compression.codec != Codec::kNone && options.jobs > 1) {
    writer->pool_ = std::make_unique<CompressionPool>(options.jobs);
  }
  if (options.key != nullptr) {
    PGARK_ASSIGN_OR_RETURN(std::unique_ptr<EncryptingSink> encrypt,
                           EncryptingSink::Create(options.key));
    writer->file_chain_.Adopt(std::move(encrypt));
  }
  writer->file_sha_ = writer->file_chain_.Add<Sha256Tap>();
  writer->file_bytes_ = writer->file_chain_.Add<ByteCounter>();
  PGARK_RETURN_IF_ERROR(writer->file_chain_.Open(std::move(file)));
  // Member offsets count from the pipeline's first byte: the plaintext, before encryption.
  writer->pipeline_ = std::make_unique<MemberPipeline>(PipelineOptions(options),
                                                       writer->pool_.get(), writer->file_chain_);
  return writer;
}

ArchiveWriter::ArchiveWriter(const ArchiveOptions& options) : options_(options) {}
ArchiveWriter::~ArchiveWriter() = default;

absl::StatusOr<Sink*> ArchiveWriter::BeginMember() {
  PGARK_CHECK(!member_open_);
  member_open_ = true;
  return &pipeline_->member();
}

absl::StatusOr<uint64_t> ArchiveWriter::EndMember() {
  PGARK_CHECK(member_open_);
  member_open_ = false;
  return pipeline_->EndMember();
}

absl::StatusOr<uint64_t> ArchiveWriter::WriteMember(absl::string_view data) {
  PGARK_ASSIGN_OR_RETURN(Sink * sink, BeginMember());
  absl::Status s = sink->Append(data);
  absl::StatusOr<uint64_t> raw_bytes = EndMember();
  PGARK_RETURN_IF_ERROR(s);
  return raw_bytes;
}

absl::StatusOr<std::unique_ptr<MemberSpool>> ArchiveWriter::NewSpool(const std::string& path) {
  std::unique_ptr<MemberSpool> spool(new MemberSpool(path));
  PGARK_ASSIGN_OR_RETURN(spool->file_, FileSink::Open(path));
  spool->pipeline_ =
      std::make_unique<MemberPipeline>(PipelineOptions(options_), pool_.get(), *spool->file_);
  return spool;
}

absl::Status ArchiveWriter::AppendSpool(std::unique_ptr<MemberSpool> spool, MemberEntry entry) {
  PGARK_CHECK(!member_open_);
  std::shared_ptr<MemberSpool> owned = std::move(spool);  // until the writer thread copied it
  return pipeline_->AppendStored(std::move(entry), [owned](Sink& out) -> absl::StatusOr<uint64_t> {
    PGARK_ASSIGN_OR_RETURN(std::unique_ptr<FileSource> source, FileSource::Open(owned->path()));
    return Pump(*source, out);
  });
}

absl::StatusOr<ArchiveSummary> ArchiveWriter::Close() {
  PGARK_CHECK(!member_open_);
  PGARK_ASSIGN_OR_RETURN(std::vector<MemberEntry> members, pipeline_->Finish());
  PGARK_RETURN_IF_ERROR(file_chain_.Close());
  return ArchiveSummary{file_bytes_->bytes(), file_sha_->HexDigest(), std::move(members)};
}

MemberSpool::~MemberSpool() {
  pipeline_.reset();  // before the file it writes to
  file_.reset();
  ::unlink(path_.c_str());
}

absl::StatusOr<MemberEntry> MemberSpool::Finish() {
  PGARK_RETURN_IF_ERROR(pipeline_->EndMember().status());
  PGARK_ASSIGN_OR_RETURN(std::vector<MemberEntry> members, pipeline_->Finish());
  PGARK_RETURN_IF_ERROR(file_->Close());
  return std::move(members.front());
}

absl::Status PlaceMembers(const std::vector<MemberEntry>& written,
                          std::vector<MemberEntry>& described) {
  if (written.size() != described.size()) {
    return absl::InternalError(absl::StrCat("the archive holds ", written.size(),
                                            " members, the manifest describes ", described.size()));
  }
  for (size_t i = 0; i < written.size(); ++i) {
    const MemberEntry& w = written[i];
    MemberEntry& d = described[i];
    if (w.raw_bytes != d.raw_bytes) {
      return absl::InternalError(absl::StrCat("member ", i, " (", DescribeMember(d), ") holds ",
                                              w.raw_bytes, " bytes, described as ", d.raw_bytes));
    }
    d.offset = w.offset;
    d.stored_bytes = w.stored_bytes;
    d.stored_sha256 = w.stored_sha256;
    d.raw_sha256 = w.raw_sha256;
  }
  return absl::OkStatus();
}

absl::Status CopyFramingSink::Transform(absl::string_view data) {
  if (header_seen_ < header_.size()) {
    const size_t n = std::min(header_.size() - header_seen_, data.size());
    if (data.substr(0, n) != absl::string_view(header_).substr(header_seen_, n)) {
      return absl::DataLossError("data member does not start with the COPY line pgark writes");
    }
    header_seen_ += n;
    data.remove_prefix(n);
  }
  if (data.empty()) return absl::OkStatus();
  // Hold back the last trailer_.size() bytes of everything seen; forward the rest.
  if (data.size() >= trailer_.size()) {
    if (!held_.empty()) PGARK_RETURN_IF_ERROR(ForwardRows(held_));
    PGARK_RETURN_IF_ERROR(ForwardRows(data.substr(0, data.size() - trailer_.size())));
    absl::string_view tail = data.substr(data.size() - trailer_.size());
    held_.assign(tail.data(), tail.size());
    return absl::OkStatus();
  }
  held_.append(data.data(), data.size());
  if (held_.size() > trailer_.size()) {
    size_t extra = held_.size() - trailer_.size();
    PGARK_RETURN_IF_ERROR(ForwardRows(absl::string_view(held_).substr(0, extra)));
    held_.erase(0, extra);
  }
  return absl::OkStatus();
}

namespace {
absl::Status RowsAfterEnd() {
  return absl::DataLossError("data member has rows after its end of data (\\.)");
}
}  // namespace

absl::Status CopyFramingSink::Step(char c) {
  if (terminator_ == 2 && c == '\n') return RowsAfterEnd();
  terminator_ = terminator_ == 1 && c == '.' ? 2 : line_start_ && c == '\\' ? 1 : 0;
  line_start_ = c == '\n';
  return absl::OkStatus();
}

absl::Status CopyFramingSink::ForwardRows(absl::string_view rows) {
  // An end-of-data line ("\\.") among the rows: byte by byte where it may have begun in the
  // previous piece, then searched for whole, then the state at the end from the last bytes.
  const size_t n = rows.size();
  for (size_t i = 0; i < std::min<size_t>(n, 3); ++i) PGARK_RETURN_IF_ERROR(Step(rows[i]));
  if (n > 3) {
    if (rows.find("\n\\.\n") != absl::string_view::npos) return RowsAfterEnd();
    terminator_ = 0;
    line_start_ = rows[n - 4] == '\n';
    for (size_t i = n - 3; i < n; ++i) PGARK_RETURN_IF_ERROR(Step(rows[i]));
  }
  return Forward(rows);
}

absl::Status CopyFramingSink::Finish() {
  if (header_seen_ < header_.size() || held_ != trailer_ || !line_start_) {
    return absl::DataLossError("member does not have the expected framing");
  }
  return absl::OkStatus();
}

std::string DescribeMember(const MemberEntry& e) {
  if (e.schema.empty() && e.name.empty()) return WireName(e.kind);
  std::string object = e.schema.empty() ? e.name : absl::StrCat(e.schema, ".", e.name);
  if (!e.table.empty() && e.table != e.name && e.kind != MemberKind::kTableData) {  // a part
    return absl::StrCat(WireName(e.kind), " \"", object, "\" on \"", e.table, "\"");
  }
  if (e.part > 0) return absl::StrCat(WireName(e.kind), " \"", object, "\" part ", e.part);
  return absl::StrCat(WireName(e.kind), " \"", object, "\"");
}

absl::StatusOr<std::unique_ptr<Source>> OpenArchiveRange(
    const StoredObject& archive, const std::shared_ptr<const EncryptionKey>& key, uint64_t offset,
    uint64_t length) {
  if (key != nullptr) {
    PGARK_ASSIGN_OR_RETURN(std::unique_ptr<DecryptingSource> source,
                           DecryptingSource::Open(archive, key, offset, length));
    return std::unique_ptr<Source>(std::move(source));
  }
  return archive.storage->Read(archive.name, offset, length);
}

absl::Status ReadMember(const StoredObject& archive, const MemberEntry& entry,
                        const ArchiveReadOptions& options, Sink& out) {
  auto fail = [&](absl::string_view what) {
    return absl::DataLossError(absl::StrCat(DescribeMember(entry), " at offset ", entry.offset,
                                            ": ", what));
  };
  absl::StatusOr<std::unique_ptr<Source>> source =
      OpenArchiveRange(archive, options.key, entry.offset, entry.stored_bytes);
  if (absl::IsDataLoss(source.status())) return fail(source.status().message());
  PGARK_RETURN_IF_ERROR(source.status());
  FilterChain chain;
  Sha256Tap* stored_sha = chain.Add<Sha256Tap>();
  if (options.codec != Codec::kNone) chain.Adopt(NewDecompressor(options.codec));
  Sha256Tap* raw_sha = options.raw_digest ? chain.Add<Sha256Tap>() : nullptr;
  ByteCounter* raw_bytes = chain.Add<ByteCounter>(entry.raw_bytes);
  PGARK_RETURN_IF_ERROR(chain.Open(&out, /*close_terminal=*/false));
  absl::Status s = Pump(**source, chain).status();
  if (s.ok()) s = chain.Close();
  if (!s.ok()) {
    if (absl::IsDataLoss(s)) return fail(s.message());
    return s;
  }
  if (stored_sha->HexDigest() != entry.stored_sha256) {
    return fail(absl::StrCat("stored sha256 ", stored_sha->HexDigest().substr(0, 12),
                             "... does not match manifest ", entry.stored_sha256.substr(0, 12),
                             "..."));
  }
  if (raw_bytes->bytes() != entry.raw_bytes) {
    return fail(absl::StrCat("decompressed to ", raw_bytes->bytes(), " bytes, manifest says ",
                             entry.raw_bytes));
  }
  if (raw_sha != nullptr && raw_sha->HexDigest() != entry.raw_sha256) {
    return fail(absl::StrCat("sha256 of decompressed data ", raw_sha->HexDigest().substr(0, 12),
                             "... does not match manifest ", entry.raw_sha256.substr(0, 12),
                             "..."));
  }
  return absl::OkStatus();
}

}  // namespace pgark::formats
