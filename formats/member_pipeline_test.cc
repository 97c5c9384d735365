#include "formats/member_pipeline.h"

#include <cstdio>

#include "formats/gzip.h"
#include "formats/memory_io.h"
#include "formats/sha256.h"
#include "formats/status_macros.h"
#include "gtest/gtest.h"
#include "tests/gunzip_tool.h"
#include "tests/status_matchers.h"

namespace pgark::formats {
namespace {

using ::pgark::testing::IsOk;
using ::pgark::testing::StatusIs;

std::string Text(size_t n) {
  std::string s;
  for (size_t i = 0; s.size() < n; ++i) s += "row " + std::to_string(i * 7919 % 100003) + "\tsome text\n";
  s.resize(n);
  return s;
}

std::string Inflate(absl::string_view stored, Codec codec = Codec::kGzip) {
  if (codec == Codec::kNone) return std::string(stored);
  StringSink out;
  std::unique_ptr<ForwardingSink> d = NewDecompressor(codec);
  d->set_downstream(&out);
  EXPECT_THAT(d->Append(stored), IsOk());
  EXPECT_THAT(d->Close(), IsOk());
  return out.data();
}

struct Written {
  std::string bytes;
  std::vector<MemberEntry> members;
};

// Writes each of `members` in pieces of `piece` bytes.
Written Write(const std::vector<std::string>& members, MemberPipelineOptions options,
              CompressionPool* pool, size_t piece) {
  StringSink out;
  std::vector<MemberEntry> entries;
  {
    MemberPipeline pipe(options, pool, out);
    for (const std::string& m : members) {
      for (size_t at = 0; at < m.size(); at += piece) {
        EXPECT_THAT(pipe.member().Append(absl::string_view(m).substr(at, piece)), IsOk());
      }
      auto raw_bytes = pipe.EndMember();
      EXPECT_THAT(raw_bytes, IsOk());
      EXPECT_EQ(*raw_bytes, m.size());
    }
    auto written = pipe.Finish();
    EXPECT_THAT(written, IsOk());
    entries = *written;
  }
  return {out.data(), entries};
}

// Each member's entry: contiguous offsets, sizes and both digests of what was written.
void ExpectEntriesDescribe(const Written& w, const std::vector<std::string>& members,
                           Codec codec) {
  ASSERT_EQ(w.members.size(), members.size());
  uint64_t offset = 0;
  for (size_t i = 0; i < members.size(); ++i) {
    SCOPED_TRACE(i);
    const MemberEntry& e = w.members[i];
    EXPECT_EQ(e.offset, offset);
    EXPECT_EQ(e.raw_bytes, members[i].size());
    const absl::string_view stored = absl::string_view(w.bytes).substr(e.offset, e.stored_bytes);
    EXPECT_EQ(e.stored_sha256, *Sha256Hex(stored));
    EXPECT_EQ(e.raw_sha256, *Sha256Hex(members[i]));
    EXPECT_EQ(Inflate(stored, codec), members[i]);
    offset += e.stored_bytes;
  }
  EXPECT_EQ(offset, w.bytes.size());
}

TEST(MemberPipelineTest, MembersRoundTripWithAndWithoutThreads) {
  CompressionPool pool(3);
  // Empty members, exactly one block, one byte either side, several blocks.
  const std::vector<std::string> members = {"", Text(1), Text(4095), Text(4096), "",
                                            Text(4097), Text(8192), Text(50000)};
  for (Compression c : {Compression{Codec::kGzip, 1}, Compression{Codec::kGzip, 4},
                        Compression{Codec::kGzip, 6}, Compression{Codec::kZstd, 1},
                        Compression{Codec::kZstd, 3}, Compression{Codec::kZstd, 19}}) {
    SCOPED_TRACE(CompressionSpec(c));
    for (CompressionPool* p : {static_cast<CompressionPool*>(nullptr), &pool}) {
      const MemberPipelineOptions o{.compression = c, .block_bytes = 4096, .max_blocks = 3};
      ExpectEntriesDescribe(Write(members, o, p, 777), members, c.codec);
    }
  }
  ExpectEntriesDescribe(Write(members, {.compression = {Codec::kNone}, .block_bytes = 4096,
                                        .max_blocks = 2},
                              &pool, 1000),
                        members, Codec::kNone);
}

TEST(MemberPipelineTest, ThreadsAndQueueDepthDoNotChangeTheBytes) {
  const std::vector<std::string> members = {Text(300000), Text(20000), Text(16384)};
  CompressionPool pool(2);
  for (Compression c : {Compression{Codec::kGzip, 4}, Compression{Codec::kZstd, 3}}) {
    const Written one = Write(members, {.compression = c, .block_bytes = 16384, .max_blocks = 1},
                              nullptr, 70000);
    const Written two = Write(members, {.compression = c, .block_bytes = 16384, .max_blocks = 32},
                              &pool, 5000);
    EXPECT_TRUE(one.bytes == two.bytes);
    ASSERT_EQ(two.members.size(), 3u);
    EXPECT_EQ(one.members[2].stored_sha256, two.members[2].stored_sha256);
  }
}

TEST(MemberPipelineTest, GunzipReadsEveryEngine) {
  const std::string data = Text(200000);
  CompressionPool pool(2);
  const std::string gz =
      Write({data}, {.compression = {Codec::kGzip, 1}, .block_bytes = 8192}, &pool, 3000).bytes +
      Write({data}, {.compression = {Codec::kGzip, 6}, .block_bytes = 8192}, &pool, 3000).bytes;
  testing::GunzipOutput out = testing::GunzipWithTool(gz, "block");
  EXPECT_EQ(out.exit_status, 0);
  EXPECT_TRUE(out.data == data + data);
}

TEST(MemberPipelineTest, StoredMembersAreCopiedInOrder) {
  StringSink out;
  MemberPipeline pipe({.block_bytes = 4096}, nullptr, out);
  ASSERT_THAT(pipe.member().Append("first"), IsOk());
  ASSERT_THAT(pipe.EndMember(), IsOk());
  MemberEntry stored{.kind = MemberKind::kRowDeletes, .stored_bytes = 3, .raw_bytes = 9};
  ASSERT_THAT(pipe.AppendStored(stored, [](Sink& s) -> absl::StatusOr<uint64_t> {
    PGARK_RETURN_IF_ERROR(s.Append("abc"));
    return 3;
  }), IsOk());
  ASSERT_THAT(pipe.member().Append("last"), IsOk());
  ASSERT_THAT(pipe.EndMember(), IsOk());
  auto written = pipe.Finish();
  ASSERT_THAT(written, IsOk());
  ASSERT_EQ(written->size(), 3u);
  EXPECT_EQ((*written)[1].kind, MemberKind::kRowDeletes);
  EXPECT_EQ((*written)[1].offset, (*written)[0].stored_bytes);
  EXPECT_EQ(out.data().substr((*written)[1].offset, 3), "abc");
  EXPECT_EQ((*written)[2].offset, (*written)[1].offset + 3);
  EXPECT_EQ(Inflate(out.data().substr((*written)[2].offset)), "last");
}

// A sink that fails after `limit` bytes, as a full disk does.
class FailingSink : public Sink {
 public:
  explicit FailingSink(size_t limit) : limit_(limit) {}
  absl::Status Append(absl::string_view data) override {
    seen_ += data.size();
    if (seen_ > limit_) return absl::ResourceExhaustedError("no space left on device");
    return absl::OkStatus();
  }
  absl::Status Close() override { return absl::OkStatus(); }

 private:
  size_t limit_;
  size_t seen_ = 0;
};

TEST(MemberPipelineTest, AWriteErrorReachesTheCallerAndNothingHangs) {
  CompressionPool pool(2);
  for (CompressionPool* p : {static_cast<CompressionPool*>(nullptr), &pool}) {
    FailingSink out(10000);
    MemberPipeline pipe({.compression = {Codec::kNone}, .block_bytes = 4096, .max_blocks = 2}, p,
                        out);
    absl::Status s;
    // The caller learns of the failure while appending (the queue is short) or at the end.
    for (int i = 0; i < 100 && s.ok(); ++i) s = pipe.member().Append(Text(4096));
    if (s.ok()) s = pipe.EndMember().status();
    if (s.ok()) s = pipe.Finish().status();
    EXPECT_THAT(s, StatusIs(absl::StatusCode::kResourceExhausted));
    EXPECT_THAT(pipe.member().Append("more"), StatusIs(absl::StatusCode::kResourceExhausted));
  }
}

TEST(MemberPipelineTest, AbandoningItMidMemberStopsCleanly) {
  CompressionPool pool(2);
  StringSink out;
  {
    MemberPipeline pipe({.compression = {Codec::kZstd, 3}, .block_bytes = 4096, .max_blocks = 4},
                        &pool, out);
    ASSERT_THAT(pipe.member().Append(Text(100000)), IsOk());
  }  // destroyed without EndMember or Finish: must neither hang nor crash
  EXPECT_LE(out.data().size(), 100000u);
}

TEST(BlockGzipTest, LibdeflateIsNoLargerThanZlib) {
  const std::string data = Text(1 << 20);
  std::string zlib, deflate;
  ASSERT_THAT(GzipBlock(GzipEngine::kZlib, 6, data, zlib), IsOk());
  ASSERT_THAT(GzipBlock(GzipEngine::kLibdeflate, 6, data, deflate), IsOk());
  EXPECT_LE(deflate.size(), zlib.size());
  EXPECT_FALSE(GzipBlock(GzipEngine::kLibdeflate, 13, data, deflate).ok());
}

}  // namespace
}  // namespace pgark::formats
