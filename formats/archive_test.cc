#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "formats/archive_layout.h"
#include "formats/archive_verify.h"
#include "formats/archive_writer.h"
#include "formats/file_io.h"
#include "formats/memory_io.h"
#include "formats/status_macros.h"
#include "gtest/gtest.h"
#include "tests/status_matchers.h"

namespace pgark::formats {
namespace {

using ::pgark::testing::IsOk;
using ::pgark::testing::IsOkAndHolds;
using ::pgark::testing::StatusIs;
using ::testing::HasSubstr;

class ArchiveTest : public ::testing::TestWithParam<Codec> {
 protected:
  void SetUp() override {
    static int counter = 0;
    dir_ = ::testing::TempDir() + "/archive_" + std::to_string(::getpid()) + "_" +
           std::to_string(counter++);
    ASSERT_THAT(EnsurePrivateDirectory(dir_), IsOk());
    path_ = JoinPath(dir_, absl::StrCat("a", ArchiveSuffix(GetParam())));
  }

  Compression Chosen() const { return {GetParam(), DefaultLevel(GetParam())}; }

  // Writes header + one data member + trailer and returns the manifest describing them.
  Manifest WriteArchive(const std::string& rows) {
    auto writer = ArchiveWriter::Open(LocalFile(path_), {.compression = Chosen()});
    EXPECT_THAT(writer, IsOk());
    Manifest m;
    m.backup_file = absl::StrCat("a", ArchiveSuffix(GetParam()));
    m.compression = GetParam();
    auto header = (*writer)->WriteMember("SET client_encoding = 'UTF8';\n");
    EXPECT_THAT(header, IsOk());
    m.members.push_back({.section = Section::kPreData, .kind = MemberKind::kHeader, .raw_bytes = *header});
    const std::string copy = "COPY public.t (a) FROM stdin;\n";
    auto sink = (*writer)->BeginMember();
    EXPECT_THAT(sink, IsOk());
    EXPECT_THAT((*sink)->Append(copy), IsOk());
    EXPECT_THAT((*sink)->Append(rows), IsOk());
    EXPECT_THAT((*sink)->Append("\\.\n"), IsOk());
    auto data = (*writer)->EndMember();
    EXPECT_THAT(data, IsOk());
    EXPECT_EQ(*data, copy.size() + rows.size() + 3);
    m.members.push_back({.section = Section::kData, .kind = MemberKind::kTableData, .schema = "public", .name = "t",
                         .raw_bytes = *data, .copy_header_bytes = copy.size()});
    auto summary = (*writer)->Close();
    EXPECT_THAT(summary, IsOk());
    EXPECT_THAT(PlaceMembers(summary->members, m.members), IsOk());
    m.size = summary->size_bytes;
    m.checksum = summary->sha256;
    return m;
  }

  std::string ReadFile() {
    std::ifstream in(path_, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  void WriteFile(const std::string& bytes) {
    ::unlink(path_.c_str());
    std::ofstream out(path_, std::ios::binary);
    out << bytes;
  }

  std::string dir_;
  std::string path_;
};

TEST_P(ArchiveTest, MembersAreSeekableAndVerified) {
  std::string rows;
  for (int i = 0; i < 50000; ++i) rows += std::to_string(i) + "\tsome text\\twith tab\n";
  Manifest m = WriteArchive(rows);
  ASSERT_EQ(m.members.size(), 2u);
  EXPECT_EQ(m.members[1].offset, m.members[0].stored_bytes);
  EXPECT_EQ(m.members[0].stored_bytes + m.members[1].stored_bytes, m.size);
  EXPECT_THAT(VerifyArchive(LocalFile(path_), m, {}), IsOk());
  EXPECT_THAT(VerifyArchive(LocalFile(path_), m, {.inflate = false}), IsOk());

  // Seek straight to the data member and strip its COPY framing.
  StringSink out;
  CopyFramingSink trim("COPY public.t (a) FROM stdin;\n", "\\.\n");
  trim.set_downstream(&out);
  trim.set_close_downstream(false);
  ASSERT_THAT(ReadMember(LocalFile(path_), m.members[1], {GetParam(), nullptr}, trim), IsOk());
  ASSERT_THAT(trim.Close(), IsOk());
  EXPECT_TRUE(out.data() == rows);
}

TEST_P(ArchiveTest, WholeFileIsOneValidStream) {
  Manifest m = WriteArchive("1\n2\n");
  // What a user without pgark would run: gunzip, zstd -d, or nothing.
  const char* const reader = GetParam() == Codec::kGzip   ? "gzip -dc "
                             : GetParam() == Codec::kZstd ? "zstd -qdc "
                                                          : "cat ";
  FILE* p = popen((reader + path_).c_str(), "r");
  ASSERT_NE(p, nullptr);
  char buf[4096];
  size_t n = std::fread(buf, 1, sizeof(buf), p);
  EXPECT_EQ(pclose(p), 0);
  EXPECT_EQ(std::string(buf, n),
            "SET client_encoding = 'UTF8';\nCOPY public.t (a) FROM stdin;\n1\n2\n\\.\n");
}

TEST_P(ArchiveTest, FlippedByteNamesTheDamagedMember) {
  std::string rows;
  for (int i = 0; i < 2000; ++i) rows += std::to_string(i * 31) + "\n";
  Manifest m = WriteArchive(rows);
  std::string bytes = ReadFile();
  size_t pos = m.members[1].offset + m.members[1].stored_bytes / 2;
  bytes[pos] = static_cast<char>(bytes[pos] ^ 0x01);
  WriteFile(bytes);
  EXPECT_THAT(VerifyArchive(LocalFile(path_), m, {}),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("TABLE DATA \"public.t\"")));
  EXPECT_THAT(VerifyArchive(LocalFile(path_), m, {.inflate = false}),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("TABLE DATA \"public.t\"")));
  NullSink null;
  EXPECT_THAT(ReadMember(LocalFile(path_), m.members[1], {GetParam(), nullptr}, null),
              StatusIs(absl::StatusCode::kDataLoss));
}

TEST_P(ArchiveTest, TruncationIsDetected) {
  Manifest m = WriteArchive("1\n2\n3\n");
  std::string bytes = ReadFile();
  WriteFile(bytes.substr(0, bytes.size() - 3));
  EXPECT_THAT(VerifyArchive(LocalFile(path_), m, {}),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("truncated")));
  NullSink null;
  EXPECT_THAT(ReadMember(LocalFile(path_), m.members[1], {GetParam(), nullptr}, null),
              StatusIs(absl::StatusCode::kDataLoss));
}

TEST_P(ArchiveTest, DestroyedWriterLeavesNoFile) {
  {
    auto writer = ArchiveWriter::Open(LocalFile(path_), {.compression = Chosen()});
    ASSERT_THAT(writer, IsOk());
    ASSERT_THAT((*writer)->WriteMember("partial"), IsOk());
  }
  EXPECT_NE(::access(path_.c_str(), F_OK), 0);
}

INSTANTIATE_TEST_SUITE_P(EveryCodec, ArchiveTest,
                         ::testing::Values(Codec::kGzip, Codec::kZstd, Codec::kNone),
                         [](const auto& p) { return std::string(CodecName(p.param)); });

// The rows of a framed member, split into chunks of `chunk` bytes, through a CopyFramingSink
// for header "HEAD\n".
absl::StatusOr<std::string> Unframe(const std::string& framed, size_t chunk) {
  StringSink out;
  CopyFramingSink trim("HEAD\n", "\\.\n");
  trim.set_downstream(&out);
  StringSource src(framed, chunk);
  PGARK_RETURN_IF_ERROR(Pump(src, trim));
  PGARK_RETURN_IF_ERROR(trim.Close());
  return out.data();
}

TEST(CopyFramingSinkTest, StripsHeaderAndTrailerAcrossChunkBoundaries) {
  for (size_t chunk : {1, 2, 3, 5, 100}) {
    EXPECT_THAT(Unframe("HEAD\nrow1\nrow2\n\\.\n", chunk), IsOkAndHolds("row1\nrow2\n"))
        << "chunk " << chunk;
    EXPECT_THAT(Unframe("HEAD\n\\.\n", chunk), IsOkAndHolds(""));
    // A value with escaped backslashes and a dot is a row, not the terminator.
    EXPECT_THAT(Unframe("HEAD\n\\\\.\n\\.x\n\\.\n", chunk), IsOk());
  }
}

// Anything else is refused: another header (the COPY line of another table, COPY ... TO
// PROGRAM), rows after an inner end-of-data line (what psql would run as SQL), a missing trailer.
TEST(CopyFramingSinkTest, RefusesOtherFraming) {
  for (size_t chunk : {1, 4, 100}) {
    for (const char* framed : {"HEAX\nrow1\n\\.\n", "HEAD\nrow1\n\\.\nDROP TABLE t;\n\\.\n",
                               "HEAD\n\\.\n\\.\n", "HEAD\nrow1\n", "HEA", "HEAD\nrow1\\.\n"}) {
      EXPECT_THAT(Unframe(framed, chunk), StatusIs(absl::StatusCode::kDataLoss))
          << framed << " chunk " << chunk;
    }
  }
}

}  // namespace
}  // namespace pgark::formats
