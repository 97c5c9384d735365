// `MemberPipeline` is the data path of an archive: it turns members' raw bytes into the
// archive's stored bytes and records where each member lies and its digests.
//
//   caller's thread      cuts each member into blocks (1 MiB): one copy, nothing else
//   CompressionPool      compresses blocks, each into its own gzip member or zstd frame,
//                        side by side
//   the writer thread    takes the blocks in order and does what must be sequential: the raw
//                        and stored SHA-256 of each member and the Append to `out`
//
// So the thread reading a COPY stream never waits on a digest or a write, and a member's end
// does not drain the pipeline: the next table's rows are read while the last blocks of the
// previous one are still being compressed. Memory is bounded by the blocks in flight.
//
//   MemberPipeline pipe(options, &pool, file);
//   pipe.member().Append(...);  ... ; pipe.EndMember();     // as many members as needed
//   absl::StatusOr<std::vector<MemberEntry>> members = pipe.Finish();
//
// The calls are made from one thread; `out` is only used by the writer thread until `Finish`
// returns.
#ifndef PGARK_FORMATS_MEMBER_PIPELINE_H_
#define PGARK_FORMATS_MEMBER_PIPELINE_H_

#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "formats/block_gzip.h"
#include "formats/compression.h"
#include "formats/manifest.h"
#include "formats/sink.h"

namespace pgark::formats {

struct MemberPipelineOptions {
  Compression compression;  // Codec::kNone: members are stored as they are
  size_t block_bytes = 1 << 20;
  // Blocks handed on but not yet written: how far the caller may run ahead of compression
  // (e.g. reading a table the server sends slowly while the previous one's blocks are still
  // being compressed), and the memory bound: each holds its raw and compressed buffers, and
  // as many are kept for reuse. 4 to 32 measured alike on 2 cores (bench/README.md).
  size_t max_blocks = 8;
};

class MemberPipeline {
 public:
  // `pool` may be null: blocks are then compressed on the writer thread. `pool` and `out` must
  // outlive the pipeline.
  MemberPipeline(const MemberPipelineOptions& options, CompressionPool* pool, Sink& out);
  // Waits for the writer thread; what was not written by then is dropped (call `Finish`).
  ~MemberPipeline();
  MemberPipeline(const MemberPipeline&) = delete;
  MemberPipeline& operator=(const MemberPipeline&) = delete;

  // The current member's raw bytes go here. Its Close() does nothing: members end with
  // `EndMember`.
  Sink& member() { return member_sink_; }
  // Ends the current member (an empty one is a valid empty gzip member or zstd frame) and returns its raw
  // size; the next Append starts another.
  absl::StatusOr<uint64_t> EndMember();
  // Queues a member that is already stored (e.g. compressed elsewhere): `copy` writes its
  // stored bytes to the sink it is given, on the writer thread, and returns how many;
  // `entry` holds its sizes and digests. REQUIRES: no raw bytes since the last EndMember.
  absl::Status AppendStored(MemberEntry entry,
                            std::function<absl::StatusOr<uint64_t>(Sink&)> copy);
  // Writes everything queued and returns every member's offset (from the first byte this
  // pipeline wrote), sizes and digests, in order. REQUIRES: no raw bytes since EndMember.
  absl::StatusOr<std::vector<MemberEntry>> Finish();

 private:
  struct Block;
  class MemberSink : public Sink {
   public:
    explicit MemberSink(MemberPipeline& pipe) : pipe_(pipe) {}
    absl::Status Append(absl::string_view data) override { return pipe_.Add(data); }
    absl::Status Close() override { return absl::OkStatus(); }

   private:
    MemberPipeline& pipe_;
  };

  absl::Status Add(absl::string_view data);
  // Hands the current block on (compressing it unless `compress` is false).
  absl::Status Dispatch(bool ends_member, bool compress);
  absl::Status Enqueue(std::shared_ptr<Block> block);
  void WriterLoop();
  absl::Status Write(Block& block);
  bool compressing() const { return options_.compression.codec != Codec::kNone; }

  const MemberPipelineOptions options_;
  CompressionPool* const pool_;
  Sink& out_;
  MemberSink member_sink_{*this};

  // The caller's side.
  std::string block_;
  uint64_t member_raw_bytes_ = 0;
  bool member_has_blocks_ = false;
  absl::Status caller_status_;

  // Shared with the writer thread.
  absl::Mutex mu_;
  std::deque<std::shared_ptr<Block>> queue_;  // handed on, not yet written
  std::vector<std::string> spare_;            // written blocks' buffers, for reuse
  absl::Status writer_status_;                // the first failure of the writer thread
  bool stopping_ = false;

  // The writer thread's.
  struct Digests;
  std::unique_ptr<Digests> digests_;
  std::vector<MemberEntry> written_;
  uint64_t offset_ = 0;
  std::thread writer_;
};

}  // namespace pgark::formats

#endif  // PGARK_FORMATS_MEMBER_PIPELINE_H_
