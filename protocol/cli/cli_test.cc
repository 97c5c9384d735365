#include <sstream>

#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "protocol/cli/cli.h"
#include "protocol/cli/progress_bar.h"

namespace pgark::protocol {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(ProgressBarTest, RendersCountsRateAndEta) {
  std::string line = ProgressBar::Render(1, 4, 1234, 50'000'000, 100'000'000, absl::Seconds(10),
                                         "public.books");
  EXPECT_THAT(line, HasSubstr("[##########----------] 1/4 tables, 1234 rows, 50.0 MB"));
  EXPECT_THAT(line, HasSubstr("5.0 MB/s"));
  EXPECT_THAT(line, HasSubstr("ETA 0:10"));
  EXPECT_THAT(line, HasSubstr("public.books"));
  // No estimate: no ETA, and never a division by zero.
  EXPECT_THAT(ProgressBar::Render(0, 0, 0, 0, 0, absl::ZeroDuration(), ""), Not(HasSubstr("ETA")));
}

TEST(ProgressBarTest, DisabledBarWritesNothing) {
  std::ostringstream out;
  ProgressBar bar(out, /*enabled=*/false, nullptr);
  bar.OnStart(3, 1000);
  bar.OnBytes(500);
  bar.Clear();
  EXPECT_EQ(out.str(), "");
  EXPECT_FALSE(bar.Cancelled());
}

TEST(UsageTest, ABareOrWrongSubcommandShowsThatCommandsForms) {
  std::ostringstream out, err;
  EXPECT_EQ(RunCli({"--backup-dir", "/nonexistent-pgark", "backup"}, out, err, false, nullptr), 2);
  EXPECT_THAT(err.str(), HasSubstr("pgark backup takes one of these forms"));
  EXPECT_THAT(err.str(), HasSubstr("\n  backup full "));
  EXPECT_THAT(err.str(), HasSubstr("\n  backup incremental "));
  EXPECT_THAT(err.str(), Not(HasSubstr("restore full")));
  std::ostringstream out3, err3;  // too few words: the command's forms, not the whole usage
  EXPECT_EQ(RunCli({"--backup-dir", "/nonexistent-pgark", "validate"}, out3, err3, false, nullptr), 2);
  EXPECT_THAT(err3.str(), HasSubstr("pgark validate takes one of these forms"));
  EXPECT_THAT(err3.str(), HasSubstr("\n  validate FILE"));
  EXPECT_THAT(err3.str(), Not(HasSubstr("backup full")));
  std::ostringstream out2, err2;
  EXPECT_EQ(RunCli({"--backup-dir", "/nonexistent-pgark", "frobnicate"}, out2, err2, false, nullptr), 2);
  EXPECT_THAT(err2.str(), HasSubstr("unknown command \"frobnicate\" (pgark --help lists the commands)"));
  EXPECT_EQ(err2.str().find('\n'), err2.str().size() - 1);  // one line
}

TEST(ExitCodeTest, OneCodePerKindOfFailure) {
  EXPECT_EQ(ExitCodeFor(absl::OkStatus()), 0);
  EXPECT_EQ(ExitCodeFor(absl::InvalidArgumentError("")), 2);
  EXPECT_EQ(ExitCodeFor(absl::DataLossError("")), 3);
  EXPECT_EQ(ExitCodeFor(absl::UnauthenticatedError("")), 4);
  EXPECT_EQ(ExitCodeFor(absl::UnavailableError("")), 4);
  EXPECT_EQ(ExitCodeFor(absl::NotFoundError("")), 5);
  EXPECT_EQ(ExitCodeFor(absl::AlreadyExistsError("")), 6);
  EXPECT_EQ(ExitCodeFor(absl::ResourceExhaustedError("")), 7);
  EXPECT_EQ(ExitCodeFor(absl::CancelledError("")), 130);
  EXPECT_EQ(ExitCodeFor(absl::InternalError("")), 1);
}

TEST(RunCliTest, UsageAndVersionNeedNoDatabase) {
  std::ostringstream out, err;
  EXPECT_EQ(RunCli({"--version"}, out, err), 0);
  EXPECT_THAT(out.str(), HasSubstr("pgark 0."));
  EXPECT_THAT(out.str(), HasSubstr(" (git "));  // the revision, or "unknown" outside git
  for (const char* library : {"\n  libpq 1", "\n  zlib 1.", "\n  libdeflate 1.", "\n  ISA-L 2.",
                              "\n  OpenSSL 3.", "\n  libcurl ", "\n  expat 2."}) {
    EXPECT_THAT(out.str(), HasSubstr(library));
  }
  EXPECT_EQ(RunCli({"restore", "full", "a.sql.gz", "b.sql.gz"}, out, err), 2);
  EXPECT_THAT(err.str(), HasSubstr("restore takes one FILE"));
}

}  // namespace
}  // namespace pgark::protocol
