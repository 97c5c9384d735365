#include "formats/file_io.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "formats/archive_layout.h"
#include "gtest/gtest.h"
#include "tests/status_matchers.h"

namespace pgark::formats {
namespace {

using ::pgark::testing::IsOk;
using ::pgark::testing::IsOkAndHolds;
using ::pgark::testing::StatusIs;

std::string FreshDir(const std::string& name) {
  std::string dir = ::testing::TempDir() + "/fileio_" + name + "_" + std::to_string(::getpid());
  EXPECT_THAT(EnsurePrivateDirectory(dir), IsOk());
  return dir;
}

std::vector<std::string> List(const std::string& dir) {
  std::vector<std::string> names;
  DIR* d = ::opendir(dir.c_str());
  while (dirent* e = ::readdir(d)) {
    std::string n = e->d_name;
    if (n != "." && n != "..") names.push_back(n);
  }
  ::closedir(d);
  return names;
}

std::string ReadAll(const std::string& path) {
  auto source = FileSource::Open(path, 0, FileSource::kToEnd, 4096);
  EXPECT_THAT(source, IsOk());
  std::string out;
  for (;;) {
    auto chunk = (*source)->Read();
    EXPECT_THAT(chunk, IsOk());
    if (!chunk.ok() || chunk->empty()) break;
    out.append(chunk->data(), chunk->size());
  }
  return out;
}

TEST(FileSinkTest, AppearsOnlyOnCloseWithMode0600) {
  std::string dir = FreshDir("close");
  std::string path = JoinPath(dir, "a.sql.gz");
  auto sink = FileSink::Open(path);
  ASSERT_THAT(sink, IsOk());
  ASSERT_THAT((*sink)->Append("hello "), IsOk());
  ASSERT_THAT((*sink)->Append(std::string(3 << 20, 'x')), IsOk());  // bypasses the buffer
  EXPECT_NE(::access(path.c_str(), F_OK), 0) << "visible before Close";
  ASSERT_THAT((*sink)->Close(), IsOk());
  EXPECT_THAT((*sink)->Close(), IsOk());
  struct stat st;
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(st.st_size, 6 + (3 << 20));
  EXPECT_EQ(ReadAll(path).substr(0, 7), "hello x");
  EXPECT_EQ(List(dir), std::vector<std::string>{"a.sql.gz"});
  struct stat dst;
  ASSERT_EQ(::stat(dir.c_str(), &dst), 0);
  EXPECT_EQ(dst.st_mode & 0777, 0700u);
}

TEST(FileSinkTest, DestroyedWithoutCloseLeavesNothing) {
  std::string dir = FreshDir("discard");
  {
    auto sink = FileSink::Open(JoinPath(dir, "b.sql.gz"));
    ASSERT_THAT(sink, IsOk());
    ASSERT_THAT((*sink)->Append("partial"), IsOk());
  }
  EXPECT_TRUE(List(dir).empty());
}

TEST(FileSinkTest, NeverReplacesAnExistingFile) {
  std::string dir = FreshDir("exists");
  std::string path = JoinPath(dir, "c.sql");
  auto first = FileSink::Open(path);
  auto second = FileSink::Open(path);
  ASSERT_THAT(first, IsOk());
  ASSERT_THAT(second, IsOk());
  ASSERT_THAT((*first)->Append("one"), IsOk());
  ASSERT_THAT((*first)->Close(), IsOk());
  ASSERT_THAT((*second)->Append("two"), IsOk());
  EXPECT_THAT((*second)->Close(), StatusIs(absl::StatusCode::kAlreadyExists));
  EXPECT_EQ(ReadAll(path), "one");
  EXPECT_EQ(List(dir).size(), 1u);
  EXPECT_THAT(FileSink::Open(path), StatusIs(absl::StatusCode::kAlreadyExists));
}

TEST(ErrnoStatusTest, MapsToCanonicalCodes) {
  // A real full disk is exercised end to end in tests/cli_test.cc (a tiny tmpfs).
  EXPECT_THAT(ErrnoStatus("write", "x", ENOSPC), StatusIs(absl::StatusCode::kResourceExhausted));
  EXPECT_THAT(ErrnoStatus("open", "x", EACCES), StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(ErrnoStatus("open", "x", ENOENT), StatusIs(absl::StatusCode::kNotFound));
}

TEST(FileSourceTest, RangeReadsAndTruncation) {
  std::string dir = FreshDir("range");
  std::string path = JoinPath(dir, "r.bin");
  auto sink = FileSink::Open(path);
  ASSERT_THAT(sink, IsOk());
  ASSERT_THAT((*sink)->Append("0123456789"), IsOk());
  ASSERT_THAT((*sink)->Close(), IsOk());
  auto src = FileSource::Open(path, 3, 4);
  ASSERT_THAT(src, IsOk());
  EXPECT_THAT((*src)->Read(), IsOkAndHolds(absl::string_view("3456")));
  EXPECT_THAT((*src)->Read(), IsOkAndHolds(absl::string_view()));
  auto past = FileSource::Open(path, 8, 5);
  ASSERT_THAT(past, IsOk());
  EXPECT_THAT((*past)->Read(), IsOkAndHolds(absl::string_view("89")));
  EXPECT_THAT((*past)->Read(), StatusIs(absl::StatusCode::kDataLoss));
  EXPECT_THAT(FileSource::Open(JoinPath(dir, "missing")), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(FileSize(path), IsOkAndHolds(10u));
}

TEST(EnsurePrivateDirectoryTest, RefusesAFile) {
  std::string dir = FreshDir("notdir");
  std::string path = JoinPath(dir, "plain");
  auto sink = FileSink::Open(path);
  ASSERT_THAT(sink, IsOk());
  ASSERT_THAT((*sink)->Close(), IsOk());
  // A storage problem (exit 7), not a conflict.
  EXPECT_THAT(EnsurePrivateDirectory(path), StatusIs(absl::StatusCode::kPermissionDenied));
}

// A FIFO (or any file that is not a regular one) is refused at once, never waited on.
TEST(FileSourceTest, RefusesAFifoWithoutBlocking) {
  std::string dir = FreshDir("fifo");
  std::string path = JoinPath(dir, "pipe");
  ASSERT_EQ(::mkfifo(path.c_str(), 0600), 0);
  EXPECT_THAT(FileSource::Open(path),
              StatusIs(absl::StatusCode::kInvalidArgument, ::testing::HasSubstr("not a regular file")));
  EXPECT_THAT(FileSource::Open(dir), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(ArchiveLayoutTest, FileNamesAreValidatedAsPlainNames) {
  EXPECT_THAT(ValidateFileName("backup-full-20261125-120000.sql.gz"), IsOk());
  for (const char* bad : {"", "..", "../etc/passwd", "/etc/passwd", "a/b", ".hidden",
                          "x\ny", "name with space", "ünïcode"}) {
    EXPECT_THAT(ValidateFileName(bad), StatusIs(absl::StatusCode::kInvalidArgument)) << bad;
  }
}

TEST(ArchiveLayoutTest, NamesNeverCarryPathSeparators) {
  absl::Time t = absl::FromUnixSeconds(1764072000);  // 2025-11-25 12:00:00 UTC
  EXPECT_EQ(BackupId("table", "../../etc/pass wd", t, 0),
            "backup-table-_.._etc_pass_wd-20251125-120000");
  EXPECT_EQ(BackupId("full", "", t, 2), "backup-full-20251125-120000-2");
  EXPECT_EQ(SanitizeLabel("\"Mixed Case\".tbl"), "_Mixed_Case_.tbl");
  EXPECT_EQ(SanitizeLabel("..."), "_");
  EXPECT_THAT(ManifestFileName("backup-full-20251125-120000.sql.gz"),
              IsOkAndHolds(std::string("backup-full-20251125-120000-manifest.json")));
  EXPECT_THAT(ManifestFileName("x.sql"), IsOkAndHolds(std::string("x-manifest.json")));
  EXPECT_THAT(ManifestFileName("x.tar"), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(IsoTimestamp(t), "2025-11-25T12:00:00.000Z");
}

}  // namespace
}  // namespace pgark::formats
