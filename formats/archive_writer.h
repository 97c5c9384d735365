// `ArchiveWriter` writes a pgark archive: one file made of consecutive members, each complete
// gzip members or zstd frames (or a plain byte range when uncompressed), and records the member
// index that goes into the manifest. Concatenated, the members decompress to one plain SQL
// script. Members are compressed and written behind the caller (formats/member_pipeline.h), so
// where each one lies and its digests are known when the archive is closed.
//
//   auto writer = ArchiveWriter::Open(path, options);
//   Sink* member = writer->BeginMember();  ... member->Append(...) ...
//   uint64_t raw_bytes = writer->EndMember();
//   ArchiveSummary summary = writer->Close();  // size, SHA-256, every member's place; file in place
//   PlaceMembers(summary.members, manifest.members);
//
// Destroying the writer before `Close()` removes the partial file. Not thread-safe.
#ifndef PGARK_FORMATS_ARCHIVE_WRITER_H_
#define PGARK_FORMATS_ARCHIVE_WRITER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "formats/block_gzip.h"
#include "formats/byte_counter.h"
#include "formats/compression.h"
#include "formats/encryption.h"
#include "formats/file_io.h"
#include "formats/filter_chain.h"
#include "formats/gzip.h"
#include "formats/manifest.h"
#include "formats/member_pipeline.h"
#include "formats/sha256.h"
#include "formats/storage.h"

namespace pgark::formats {

struct ArchiveOptions {
  // How each member is compressed (Codec::kNone: a plain .sql file).
  Compression compression;
  // Threads compressing blocks of each member (formats/block_gzip.h); 1: the writer thread.
  int jobs = 1;
  // When set, the file is encrypted (formats/encryption.h) after compression. Member offsets
  // stay in plaintext coordinates; the summary's size and digest are of the file on disk.
  std::shared_ptr<const EncryptionKey> key;
};

// How to read an archive's members back.
struct ArchiveReadOptions {
  Codec codec = Codec::kGzip;  // the manifest's
  std::shared_ptr<const EncryptionKey> key;  // REQUIRED for an encrypted archive
  // Also digest the decompressed bytes and compare with the manifest's rawSha256. A restore
  // does not need to: the stored digest pins the exact bytes read, and each gzip member's
  // CRC-32 and length (each zstd frame's checksum) check what decompressing them gave.
  // `verify` does, to check the manifest whole; it costs a SHA-256 pass over the largest stream (about 0.2 s of CPU per 400 MB).
  bool raw_digest = false;
};

// The plaintext (compressed) bytes [offset, offset + length) of an archive: a ranged read of the
// object, or the decrypted range when `key` is set.
absl::StatusOr<std::unique_ptr<Source>> OpenArchiveRange(const StoredObject& archive,
                                                         const std::shared_ptr<const EncryptionKey>& key,
                                                         uint64_t offset, uint64_t length);

struct ArchiveSummary {
  uint64_t size_bytes = 0;
  std::string sha256;
  // Every member in the order written: offset, both sizes and both digests.
  std::vector<MemberEntry> members;
};

// Copies where each written member lies and its digests (`ArchiveSummary::members`) into
// `described`, the caller's entries for the same members in the same order. kInternal if the
// two lists do not line up (count or raw sizes).
absl::Status PlaceMembers(const std::vector<MemberEntry>& written,
                          std::vector<MemberEntry>& described);

class MemberSpool;

class ArchiveWriter {
 public:
  // Creates `archive` (visible once Close() succeeds). kAlreadyExists if it exists; see
  // Storage::Create.
  static absl::StatusOr<std::unique_ptr<ArchiveWriter>> Open(const StoredObject& archive,
                                                             const ArchiveOptions& options);
  ~ArchiveWriter();
  ArchiveWriter(const ArchiveWriter&) = delete;
  ArchiveWriter& operator=(const ArchiveWriter&) = delete;

  // Starts a member and returns the sink for its raw (uncompressed) bytes, valid until
  // `EndMember`. REQUIRES: no member is open.
  absl::StatusOr<Sink*> BeginMember();
  // Finishes the member and returns its raw size; the rest is in `Close()`'s summary.
  absl::StatusOr<uint64_t> EndMember();
  // BeginMember + Append(`data`) + EndMember.
  absl::StatusOr<uint64_t> WriteMember(absl::string_view data);

  // A member written to its own temporary file at `path` (same compression), so that another
  // thread can produce it while this writer is busy; `AppendSpool` then copies it in as the
  // next member. Thread-safe with respect to the writer.
  absl::StatusOr<std::unique_ptr<MemberSpool>> NewSpool(const std::string& path);
  // Appends a finished spool as the next member (copied, then removed, behind the caller);
  // `entry` is what its Finish() returned. REQUIRES: no member is open.
  absl::Status AppendSpool(std::unique_ptr<MemberSpool> spool, MemberEntry entry);

  // Writes what is queued, flushes, fsyncs and moves the file into place.
  absl::StatusOr<ArchiveSummary> Close();

 private:
  explicit ArchiveWriter(const ArchiveOptions& options);

  ArchiveOptions options_;
  FilterChain file_chain_;  // whole-file taps in front of the object's sink
  Sha256Tap* file_sha_ = nullptr;
  ByteCounter* file_bytes_ = nullptr;
  std::unique_ptr<CompressionPool> pool_;  // when jobs > 1
  std::unique_ptr<MemberPipeline> pipeline_;  // writes into file_chain_ (declared after it)
  bool member_open_ = false;
};

// See ArchiveWriter::NewSpool. The file is removed when the spool is destroyed.
class MemberSpool {
 public:
  ~MemberSpool();
  MemberSpool(const MemberSpool&) = delete;
  MemberSpool& operator=(const MemberSpool&) = delete;

  // The member's raw bytes go here.
  Sink& sink() { return pipeline_->member(); }
  // Ends the member and writes the file: sizes and digests are set, the offset is left to
  // AppendSpool.
  absl::StatusOr<MemberEntry> Finish();
  const std::string& path() const { return path_; }

 private:
  friend class ArchiveWriter;
  explicit MemberSpool(std::string path) : path_(std::move(path)) {}

  std::string path_;
  std::unique_ptr<FileSink> file_;
  std::unique_ptr<MemberPipeline> pipeline_;  // writes into file_ (declared after it)
};

// A data member's COPY framing, checked while its rows stream through: the member must start
// with exactly `header` (the "COPY ... FROM stdin;" line pgark writes for it) and end with
// `trailer` ("\\."), and no row line may be that terminator (psql would run what follows it
// as SQL). Only the rows are forwarded. kDataLoss otherwise.
class CopyFramingSink : public ForwardingSink {
 public:
  CopyFramingSink(std::string header, std::string trailer)
      : header_(std::move(header)), trailer_(std::move(trailer)) {}

 protected:
  absl::Status Transform(absl::string_view data) override;
  absl::Status Finish() override;

 private:
  // Forwards rows, watching for a terminator line among them.
  absl::Status ForwardRows(absl::string_view rows);
  absl::Status Step(char c);  // one byte of the rows through the end-of-data watch

  std::string header_;
  size_t header_seen_ = 0;
  std::string trailer_;
  std::string held_;  // the last trailer_.size() bytes seen, not yet forwarded
  bool line_start_ = true;
  int terminator_ = 0;  // of "\\." at a line's start: 0 nothing, 1 the backslash, 2 both
};

// Streams the raw bytes of member `entry` of `archive` into `out` (which is not
// closed), checking the stored digest, both sizes and, if asked, the decompressed digest
// against the entry. kDataLoss (naming the member) on any mismatch, truncation or corrupt
// frame; `out` may by then have received bytes, so the caller must discard them (e.g. abort
// its COPY).
absl::Status ReadMember(const StoredObject& archive, const MemberEntry& entry,
                        const ArchiveReadOptions& options, Sink& out);

// A human name for a member in messages: `TABLE DATA "public.books"`.
std::string DescribeMember(const MemberEntry& entry);

}  // namespace pgark::formats

#endif  // PGARK_FORMATS_ARCHIVE_WRITER_H_
