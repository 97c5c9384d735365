#include "formats/archive_writer.h"

#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "formats/file_io.h"
#include "formats/status_macros.h"

namespace pgark::formats {

namespace {

// The filters every member goes through: raw digest and size, compression, stored digest and
// size. The terminal (the archive, or a spool file) is attached by the caller.
struct MemberFilters {
  FilterChain chain;
  Sha256Tap* raw_sha = nullptr;
  ByteCounter* raw_bytes = nullptr;
  Sha256Tap* stored_sha = nullptr;
  ByteCounter* stored_bytes = nullptr;

  MemberFilters(const ArchiveOptions& options, CompressionPool* pool) {
    raw_sha = chain.Add<Sha256Tap>();
    raw_bytes = chain.Add<ByteCounter>();
    if (options.compress) {
      chain.Add<BlockGzipCompressor>(
          BlockGzipOptions{EngineForLevel(options.gzip.level), options.gzip.level}, pool);
    }
    stored_sha = chain.Add<Sha256Tap>();
    stored_bytes = chain.Add<ByteCounter>();
  }

  // Closes the chain and reads the results (offset 0).
  absl::StatusOr<MemberEntry> Close() {
    PGARK_RETURN_IF_ERROR(chain.Close());
    MemberEntry entry;
    entry.stored_bytes = stored_bytes->bytes();
    entry.raw_bytes = raw_bytes->bytes();
    entry.stored_sha256 = stored_sha->HexDigest();
    entry.raw_sha256 = raw_sha->HexDigest();
    return entry;
  }
};

}  // namespace

struct ArchiveWriter::Member : MemberFilters {
  using MemberFilters::MemberFilters;
  uint64_t offset = 0;
};

struct MemberSpool::Chain : MemberFilters {
  using MemberFilters::MemberFilters;
};

absl::StatusOr<std::unique_ptr<ArchiveWriter>> ArchiveWriter::Open(
    const std::string& path, const ArchiveOptions& options) {
  if (options.compress) PGARK_RETURN_IF_ERROR(ValidateGzipOptions(options.gzip));
  PGARK_ASSIGN_OR_RETURN(std::unique_ptr<FileSink> file, FileSink::Open(path));
  std::unique_ptr<ArchiveWriter> writer(new ArchiveWriter(options));
  writer->plain_bytes_ = writer->file_chain_.Add<ByteCounter>();
  if (options.compress && options.jobs > 1) {
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
  return writer;
}

ArchiveWriter::ArchiveWriter(const ArchiveOptions& options) : options_(options) {}
ArchiveWriter::~ArchiveWriter() = default;

absl::StatusOr<Sink*> ArchiveWriter::BeginMember() {
  PGARK_CHECK(member_ == nullptr);
  member_ = std::make_unique<Member>(options_, pool_.get());
  member_->offset = plain_bytes_->bytes();
  PGARK_RETURN_IF_ERROR(member_->chain.Open(&file_chain_, /*close_terminal=*/false));
  return &member_->chain;
}

absl::StatusOr<MemberEntry> ArchiveWriter::EndMember() {
  PGARK_CHECK(member_ != nullptr);
  std::unique_ptr<Member> m = std::move(member_);
  PGARK_ASSIGN_OR_RETURN(MemberEntry entry, m->Close());
  entry.offset = m->offset;
  return entry;
}

absl::StatusOr<std::unique_ptr<MemberSpool>> ArchiveWriter::NewSpool(const std::string& path) {
  std::unique_ptr<MemberSpool> spool(new MemberSpool(path));
  spool->chain_ = std::make_unique<MemberSpool::Chain>(options_, pool_.get());
  PGARK_ASSIGN_OR_RETURN(std::unique_ptr<FileSink> file, FileSink::Open(path));
  PGARK_RETURN_IF_ERROR(spool->chain_->chain.Open(std::move(file)));
  return spool;
}

absl::StatusOr<MemberEntry> ArchiveWriter::AppendSpool(const MemberSpool& spool,
                                                       MemberEntry entry) {
  PGARK_CHECK(member_ == nullptr);
  entry.offset = plain_bytes_->bytes();
  PGARK_ASSIGN_OR_RETURN(std::unique_ptr<FileSource> source, FileSource::Open(spool.path()));
  PGARK_ASSIGN_OR_RETURN(uint64_t copied, Pump(*source, file_chain_));
  if (copied != entry.stored_bytes) {
    return absl::DataLossError(absl::StrCat("spooled member \"", spool.path(), "\" holds ",
                                            copied, " bytes, expected ", entry.stored_bytes));
  }
  return entry;
}

MemberSpool::MemberSpool(std::string path) : path_(std::move(path)) {}
MemberSpool::~MemberSpool() { ::unlink(path_.c_str()); }
Sink& MemberSpool::sink() { return chain_->chain; }
absl::StatusOr<MemberEntry> MemberSpool::Finish() { return chain_->Close(); }

absl::StatusOr<MemberEntry> ArchiveWriter::WriteMember(absl::string_view data) {
  PGARK_ASSIGN_OR_RETURN(Sink * sink, BeginMember());
  absl::Status s = sink->Append(data);
  absl::StatusOr<MemberEntry> entry = EndMember();
  PGARK_RETURN_IF_ERROR(s);
  return entry;
}

absl::StatusOr<ArchiveSummary> ArchiveWriter::Close() {
  PGARK_CHECK(member_ == nullptr);
  PGARK_RETURN_IF_ERROR(file_chain_.Close());
  return ArchiveSummary{file_bytes_->bytes(), file_sha_->HexDigest()};
}

absl::Status TrimSink::Transform(absl::string_view data) {
  if (prefix_left_ > 0) {
    size_t skip = static_cast<size_t>(std::min<uint64_t>(prefix_left_, data.size()));
    prefix_left_ -= skip;
    data.remove_prefix(skip);
  }
  if (data.empty()) return absl::OkStatus();
  // Hold back the last suffix_.size() bytes of everything seen; forward the rest.
  if (data.size() >= suffix_.size()) {
    if (!held_.empty()) PGARK_RETURN_IF_ERROR(Forward(held_));
    PGARK_RETURN_IF_ERROR(Forward(data.substr(0, data.size() - suffix_.size())));
    absl::string_view tail = data.substr(data.size() - suffix_.size());
    held_.assign(tail.data(), tail.size());
    return absl::OkStatus();
  }
  held_.append(data.data(), data.size());
  if (held_.size() > suffix_.size()) {
    size_t extra = held_.size() - suffix_.size();
    PGARK_RETURN_IF_ERROR(Forward(absl::string_view(held_).substr(0, extra)));
    held_.erase(0, extra);
  }
  return absl::OkStatus();
}

absl::Status TrimSink::Finish() {
  if (prefix_left_ > 0 || held_ != suffix_) {
    return absl::DataLossError("member does not have the expected framing");
  }
  return absl::OkStatus();
}

std::string DescribeMember(const MemberEntry& e) {
  if (e.schema.empty() && e.name.empty()) return e.kind;
  std::string object = e.schema.empty() ? e.name : absl::StrCat(e.schema, ".", e.name);
  if (!e.table.empty() && e.table != e.name && e.kind != "TABLE DATA") {  // a part of a table
    return absl::StrCat(e.kind, " \"", object, "\" on \"", e.table, "\"");
  }
  if (e.part > 0) return absl::StrCat(e.kind, " \"", object, "\" part ", e.part);
  return absl::StrCat(e.kind, " \"", object, "\"");
}

absl::StatusOr<std::unique_ptr<Source>> OpenArchiveRange(
    const std::string& path, const std::shared_ptr<const EncryptionKey>& key, uint64_t offset,
    uint64_t length) {
  if (key != nullptr) {
    PGARK_ASSIGN_OR_RETURN(std::unique_ptr<DecryptingSource> source,
                           DecryptingSource::Open(path, key, offset, length));
    return std::unique_ptr<Source>(std::move(source));
  }
  PGARK_ASSIGN_OR_RETURN(std::unique_ptr<FileSource> source,
                         FileSource::Open(path, offset, length));
  return std::unique_ptr<Source>(std::move(source));
}

absl::Status ReadMember(const std::string& path, const MemberEntry& entry,
                        const ArchiveReadOptions& options, Sink& out) {
  auto fail = [&](absl::string_view what) {
    return absl::DataLossError(absl::StrCat(DescribeMember(entry), " at offset ", entry.offset,
                                            ": ", what));
  };
  absl::StatusOr<std::unique_ptr<Source>> source =
      OpenArchiveRange(path, options.key, entry.offset, entry.stored_bytes);
  if (absl::IsDataLoss(source.status())) return fail(source.status().message());
  PGARK_RETURN_IF_ERROR(source.status());
  FilterChain chain;
  Sha256Tap* stored_sha = chain.Add<Sha256Tap>();
  if (options.compressed) chain.Add<GzipDecompressor>();
  Sha256Tap* raw_sha = options.raw_digest ? chain.Add<Sha256Tap>() : nullptr;
  ByteCounter* raw_bytes = chain.Add<ByteCounter>();
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
