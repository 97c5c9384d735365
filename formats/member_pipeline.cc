#include "formats/member_pipeline.h"

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "formats/sha256.h"
#include "formats/status_macros.h"

namespace pgark::formats {

struct MemberPipeline::Block {
  std::string raw;
  std::string stored;        // when `compress`
  bool compress = false;     // on the pool, or on the writer thread when there is none
  bool ends_member = false;  // the member's last block
  // A member stored elsewhere (AppendStored): its entry and how to copy its bytes.
  MemberEntry entry;
  std::function<absl::StatusOr<uint64_t>(Sink&)> copy;
  absl::Status status;       // of compressing it
  absl::Notification ready;  // compressed, or nothing to wait for
};

// The current member's running digests and sizes (writer thread only).
struct MemberPipeline::Digests {
  Sha256 raw;
  Sha256 stored;
  uint64_t raw_bytes = 0;
  uint64_t stored_bytes = 0;
  uint64_t offset = 0;
};

MemberPipeline::MemberPipeline(const MemberPipelineOptions& options, CompressionPool* pool,
                               Sink& out)
    : options_(options),
      pool_(pool),
      out_(out),
      digests_(std::make_unique<Digests>()) {
  block_.reserve(options_.block_bytes);
  writer_ = std::thread([this] { WriterLoop(); });
}

MemberPipeline::~MemberPipeline() {
  {
    absl::MutexLock lock(&mu_);
    if (writer_status_.ok()) writer_status_ = absl::CancelledError("archive abandoned");
    stopping_ = true;
  }
  writer_.join();
}

absl::Status MemberPipeline::Add(absl::string_view data) {
  if (!caller_status_.ok()) return caller_status_;
  while (!data.empty()) {
    const size_t take = std::min(options_.block_bytes - block_.size(), data.size());
    block_.append(data.data(), take);
    data.remove_prefix(take);
    member_raw_bytes_ += take;
    if (block_.size() == options_.block_bytes) {
      caller_status_ = Dispatch(/*ends_member=*/false, compressing());
      if (!caller_status_.ok()) return caller_status_;
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> MemberPipeline::EndMember() {
  if (!caller_status_.ok()) return caller_status_;
  // An empty member is still one (empty) gzip member or zstd frame; one whose last block was
  // full ends with an empty, uncompressed marker that writes nothing.
  const bool compress = compressing() && (!block_.empty() || !member_has_blocks_);
  caller_status_ = Dispatch(/*ends_member=*/true, compress);
  if (!caller_status_.ok()) return caller_status_;
  const uint64_t raw_bytes = member_raw_bytes_;
  member_raw_bytes_ = 0;
  return raw_bytes;
}

absl::Status MemberPipeline::Dispatch(bool ends_member, bool compress) {
  auto block = std::make_shared<Block>();
  block->raw.swap(block_);
  block->compress = compress;
  block->ends_member = ends_member;
  member_has_blocks_ = !ends_member;
  {
    absl::MutexLock lock(&mu_);
    for (std::string* buffer : {&block_, compress ? &block->stored : nullptr}) {
      if (buffer == nullptr || spare_.empty()) break;
      buffer->swap(spare_.back());
      spare_.pop_back();
    }
  }
  block_.reserve(options_.block_bytes);
  PGARK_RETURN_IF_ERROR(Enqueue(block));
  if (compress && pool_ != nullptr) {
    pool_->Submit([block, compression = options_.compression] {
      block->status = CompressBlock(compression, block->raw, block->stored);
      block->ready.Notify();
    });
  } else {
    block->ready.Notify();
  }
  return absl::OkStatus();
}

absl::Status MemberPipeline::AppendStored(MemberEntry entry,
                                          std::function<absl::StatusOr<uint64_t>(Sink&)> copy) {
  PGARK_CHECK(block_.empty() && !member_has_blocks_);
  if (!caller_status_.ok()) return caller_status_;
  auto block = std::make_shared<Block>();
  block->entry = std::move(entry);
  block->copy = std::move(copy);
  block->ready.Notify();
  caller_status_ = Enqueue(std::move(block));
  return caller_status_;
}

absl::Status MemberPipeline::Enqueue(std::shared_ptr<Block> block) {
  absl::MutexLock lock(&mu_);
  mu_.Await(absl::Condition(
      +[](MemberPipeline* p) {
        return p->queue_.size() < p->options_.max_blocks || !p->writer_status_.ok();
      },
      this));
  PGARK_RETURN_IF_ERROR(writer_status_);
  queue_.push_back(std::move(block));
  return absl::OkStatus();
}

absl::StatusOr<std::vector<MemberEntry>> MemberPipeline::Finish() {
  PGARK_RETURN_IF_ERROR(caller_status_);
  PGARK_CHECK(block_.empty() && !member_has_blocks_);
  {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(
        +[](MemberPipeline* p) { return p->queue_.empty() || !p->writer_status_.ok(); }, this));
    caller_status_ = writer_status_;
  }
  PGARK_RETURN_IF_ERROR(caller_status_);
  // The queue is empty: nothing the writer thread does from here touches written_.
  return std::move(written_);
}

void MemberPipeline::WriterLoop() {
  while (true) {
    std::shared_ptr<Block> block;
    bool failed;
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(
          +[](MemberPipeline* p) { return p->stopping_ || !p->queue_.empty(); }, this));
      if (queue_.empty()) return;
      block = queue_.front();
      failed = !writer_status_.ok();
    }
    absl::Status s;
    if (!failed) {  // once failed, blocks are only dropped (the pool holds its own reference)
      block->ready.WaitForNotification();
      s = Write(*block);
    }
    absl::MutexLock lock(&mu_);
    queue_.pop_front();
    if (!s.ok() && writer_status_.ok()) writer_status_ = s;
    // Written blocks' buffers serve the next ones (a fresh 1 MiB costs its page faults), once no
    // pool task holds the block any more.
    if (!failed && block.use_count() == 1) {
      for (std::string* buffer : {&block->raw, &block->stored}) {
        if (buffer->capacity() < options_.block_bytes || spare_.size() >= 2 * options_.max_blocks + 2) continue;
        buffer->clear();
        spare_.push_back(std::move(*buffer));
      }
    }
  }
}

absl::Status MemberPipeline::Write(Block& block) {
  Digests& d = *digests_;
  if (block.copy) {
    MemberEntry entry = std::move(block.entry);
    entry.offset = offset_;
    PGARK_ASSIGN_OR_RETURN(uint64_t copied, block.copy(out_));
    if (copied != entry.stored_bytes) {
      return absl::DataLossError(absl::StrCat("a member stored elsewhere held ", copied,
                                              " bytes, expected ", entry.stored_bytes));
    }
    offset_ += copied;
    written_.push_back(std::move(entry));
    d.offset = offset_;
    return absl::OkStatus();
  }
  if (block.compress && pool_ == nullptr) {
    block.status = CompressBlock(options_.compression, block.raw, block.stored);
  }
  PGARK_RETURN_IF_ERROR(block.status);
  const std::string& stored = block.compress ? block.stored : block.raw;
  PGARK_RETURN_IF_ERROR(d.raw.Update(block.raw));
  d.raw_bytes += block.raw.size();
  if (compressing()) PGARK_RETURN_IF_ERROR(d.stored.Update(stored));
  d.stored_bytes += stored.size();
  if (!stored.empty()) PGARK_RETURN_IF_ERROR(out_.Append(stored));
  offset_ += stored.size();
  if (!block.ends_member) return absl::OkStatus();
  MemberEntry entry;
  entry.offset = d.offset;
  entry.raw_bytes = d.raw_bytes;
  entry.stored_bytes = d.stored_bytes;
  PGARK_ASSIGN_OR_RETURN(entry.raw_sha256, d.raw.HexDigest());
  if (compressing()) {
    PGARK_ASSIGN_OR_RETURN(entry.stored_sha256, d.stored.HexDigest());
  } else {
    entry.stored_sha256 = entry.raw_sha256;  // the same bytes
  }
  written_.push_back(std::move(entry));
  *digests_ = Digests();
  digests_->offset = offset_;
  return absl::OkStatus();
}

}  // namespace pgark::formats
