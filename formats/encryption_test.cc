#include "formats/encryption.h"

#include <unistd.h>

#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "formats/archive_layout.h"
#include "formats/archive_verify.h"
#include "formats/archive_writer.h"
#include "formats/file_io.h"
#include "formats/memory_io.h"
#include "gtest/gtest.h"
#include "tests/status_matchers.h"

namespace pgark::formats {
namespace {

using ::pgark::testing::IsOk;
using ::pgark::testing::IsOkAndHolds;
using ::pgark::testing::StatusIs;
using ::testing::HasSubstr;

constexpr uint32_t kChunk = 64;  // small chunks so that every edge is a few bytes away

std::string Pattern(size_t n) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 131 + i / 7) & 0xff);
  return s;
}

class EncryptionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static int counter = 0;
    dir_ = ::testing::TempDir() + "/enc_" + std::to_string(::getpid()) + "_" +
           std::to_string(counter++);
    ASSERT_THAT(EnsurePrivateDirectory(dir_), IsOk());
    auto key = EncryptionKey::FromPassphrase("correct horse battery staple");
    ASSERT_THAT(key, IsOk());
    key_ = *key;
  }

  std::string Write(const std::string& name, const std::string& plain, size_t piece = 7) {
    std::string path = JoinPath(dir_, name);
    auto file = FileSink::Open(path);
    EXPECT_THAT(file, IsOk());
    auto enc = EncryptingSink::Create(key_, kChunk);
    EXPECT_THAT(enc, IsOk());
    (*enc)->set_downstream(file->get());
    for (size_t at = 0; at < plain.size(); at += piece) {
      EXPECT_THAT((*enc)->Append(absl::string_view(plain).substr(at, piece)), IsOk());
    }
    EXPECT_THAT((*enc)->Close(), IsOk());
    return path;
  }

  absl::StatusOr<std::string> Read(const std::string& path, uint64_t offset = 0,
                                   uint64_t length = DecryptingSource::kToEnd,
                                   std::shared_ptr<const EncryptionKey> key = nullptr) {
    auto source = DecryptingSource::Open(LocalFile(path), key ? key : key_, offset, length);
    if (!source.ok()) return source.status();
    StringSink out;
    absl::Status s = Pump(**source, out).status();
    if (!s.ok()) return s;
    return out.data();
  }

  static std::string Slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  static void Spit(const std::string& path, const std::string& data) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << data;
  }

  std::string dir_;
  std::shared_ptr<const EncryptionKey> key_;
};

TEST_F(EncryptionTest, RoundTripsEverySizeAroundChunkEdges) {
  for (size_t n : {0, 1, 63, 64, 65, 128, 200, 1000}) {
    SCOPED_TRACE(n);
    const std::string plain = Pattern(n);
    const std::string path = Write("f" + std::to_string(n), plain, n % 2 ? 7 : 100);
    EXPECT_THAT(Read(path), IsOkAndHolds(plain));
    EXPECT_FALSE(absl::StrContains(Slurp(path), plain.substr(0, 16)) && n >= 16);
  }
}

TEST_F(EncryptionTest, ReadsAnyRangeWithoutTheRest) {
  const std::string plain = Pattern(1000);
  const std::string path = Write("f", plain);
  for (auto [off, len] : std::vector<std::pair<uint64_t, uint64_t>>{
           {0, 0}, {0, 1}, {63, 2}, {64, 64}, {100, 900}, {999, 1}, {130, 300}}) {
    EXPECT_THAT(Read(path, off, len), IsOkAndHolds(plain.substr(off, len)));
  }
  EXPECT_THAT(Read(path, 990, 20), StatusIs(absl::StatusCode::kDataLoss));
}

TEST_F(EncryptionTest, WrongKeyIsNamed) {
  const std::string path = Write("f", Pattern(300));
  auto other = EncryptionKey::FromPassphrase("Correct horse battery staple");
  ASSERT_THAT(other, IsOk());
  EXPECT_THAT(Read(path, 0, DecryptingSource::kToEnd, *other),
              StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("wrong encryption key")));
}

TEST_F(EncryptionTest, FlippedByteNamesTheChunk) {
  const std::string path = Write("f", Pattern(300));
  std::string bytes = Slurp(path);
  bytes[52 + 80 + 3] ^= 0x01;  // inside chunk 1
  Spit(path, bytes);
  EXPECT_THAT(Read(path), StatusIs(absl::StatusCode::kDataLoss, HasSubstr("chunk 1 ")));
  // Chunk 0 alone still reads.
  EXPECT_THAT(Read(path, 0, 64), IsOkAndHolds(Pattern(300).substr(0, 64)));
}

TEST_F(EncryptionTest, SwappedChunksAreDetected) {
  const std::string path = Write("f", Pattern(300));
  std::string bytes = Slurp(path);
  const size_t sealed = kChunk + 16;
  std::string c0 = bytes.substr(52, sealed), c1 = bytes.substr(52 + sealed, sealed);
  bytes.replace(52, sealed, c1);
  bytes.replace(52 + sealed, sealed, c0);
  Spit(path, bytes);
  EXPECT_THAT(Read(path), StatusIs(absl::StatusCode::kDataLoss, HasSubstr("chunk 0 ")));
}

TEST_F(EncryptionTest, TruncationAndAppendedBytesAreDetected) {
  const std::string plain = Pattern(300);
  const std::string path = Write("f", plain);
  const std::string bytes = Slurp(path);
  const size_t sealed = kChunk + 16;
  // Cut exactly after chunk 2: every remaining chunk authenticates, the final one is missing.
  Spit(path, bytes.substr(0, 52 + 3 * sealed));
  EXPECT_THAT(Read(path), StatusIs(absl::StatusCode::kDataLoss, HasSubstr("truncated")));
  // Cut after chunk 1 and a little: the last chunk is not a final chunk.
  Spit(path, bytes.substr(0, 52 + 2 * sealed + 20));
  EXPECT_THAT(Read(path), StatusIs(absl::StatusCode::kDataLoss));
  Spit(path, bytes.substr(0, 30));
  EXPECT_THAT(Read(path), StatusIs(absl::StatusCode::kDataLoss, HasSubstr("truncated")));
  Spit(path, bytes + "x");
  EXPECT_THAT(Read(path), StatusIs(absl::StatusCode::kDataLoss));
  Spit(path, "plain text, not encrypted at all, long enough for a header........");
  EXPECT_THAT(Read(path), StatusIs(absl::StatusCode::kDataLoss, HasSubstr("not an encrypted")));
}

TEST_F(EncryptionTest, KeyIdIsStableAndRevealsNothingObvious) {
  auto a = key_->KeyId();
  ASSERT_THAT(a, IsOk());
  EXPECT_EQ(a->size(), 16u);
  auto again = EncryptionKey::FromPassphrase("correct horse battery staple");
  EXPECT_THAT((*again)->KeyId(), IsOkAndHolds(*a));
  EXPECT_THAT(EncryptionKey::FromPassphrase(""), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_F(EncryptionTest, EncryptedArchiveVerifiesOnlyWithItsKey) {
  const std::string path = JoinPath(dir_, "a.sql.gz.enc");
  auto writer = ArchiveWriter::Open(LocalFile(path), {.key = key_});
  ASSERT_THAT(writer, IsOk());
  Manifest m;
  m.backup_file = "a.sql.gz.enc";
  m.cipher = kCipherName;
  for (const std::string& body : {std::string("SELECT 1;\n"), Pattern(5000)}) {
    auto raw_bytes = (*writer)->WriteMember(body);
    ASSERT_THAT(raw_bytes, IsOk());
    m.members.push_back({.kind = MemberKind::kTableData, .raw_bytes = *raw_bytes});
  }
  auto summary = (*writer)->Close();
  ASSERT_THAT(summary, IsOk());
  ASSERT_THAT(PlaceMembers(summary->members, m.members), IsOk());
  m.size = summary->size_bytes;
  m.checksum = summary->sha256;
  EXPECT_EQ(m.members[1].offset, m.members[0].stored_bytes);  // plaintext coordinates
  StringSink out;
  ASSERT_THAT(ReadMember(LocalFile(path), m.members[1], {Codec::kGzip, key_}, out), IsOk());
  EXPECT_EQ(out.data(), Pattern(5000));
  EXPECT_THAT(CheckArchive(LocalFile(path), m, {.inflate = true, .key = key_}),
              IsOkAndHolds(::testing::IsEmpty()));
  // Without the key: the file digest still checks; with a wrong key the check cannot run.
  EXPECT_THAT(CheckArchive(LocalFile(path), m, {.inflate = true}), IsOkAndHolds(::testing::IsEmpty()));
  auto wrong = EncryptionKey::FromPassphrase("nope");
  EXPECT_THAT(CheckArchive(LocalFile(path), m, {.inflate = true, .key = *wrong}),
              StatusIs(absl::StatusCode::kUnauthenticated));
}

}  // namespace
}  // namespace pgark::formats
