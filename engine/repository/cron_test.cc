#include "engine/repository/cron.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/status_matchers.h"

namespace pgark::engine {
namespace {

using ::pgark::testing::IsOk;
using ::pgark::testing::StatusIs;
using ::testing::HasSubstr;

absl::Time At(int y, int mo, int d, int h, int mi) {
  return absl::FromCivil(absl::CivilMinute(y, mo, d, h, mi), absl::UTCTimeZone());
}

std::string NextAfter(const std::string& expr, absl::Time after) {
  absl::StatusOr<CronSchedule> s = CronSchedule::Parse(expr);
  EXPECT_THAT(s, IsOk()) << expr;
  if (!s.ok()) return "";
  return absl::FormatTime("%Y-%m-%d %H:%M %a", s->Next(after, absl::UTCTimeZone()),
                          absl::UTCTimeZone());
}

TEST(CronTest, NextFiringTimes) {
  const absl::Time t = At(2026, 11, 25, 14, 30);  // a Wednesday
  EXPECT_EQ(NextAfter("* * * * *", t), "2026-11-25 14:31 Wed");
  EXPECT_EQ(NextAfter("* * * * *", t + absl::Seconds(59)), "2026-11-25 14:31 Wed");
  EXPECT_EQ(NextAfter("0 2 * * *", t), "2026-11-26 02:00 Thu");
  EXPECT_EQ(NextAfter("0 * * * *", t), "2026-11-25 15:00 Wed");
  EXPECT_EQ(NextAfter("*/15 * * * *", t), "2026-11-25 14:45 Wed");
  EXPECT_EQ(NextAfter("5/20 9-17 * * mon-fri", t), "2026-11-25 14:45 Wed");
  EXPECT_EQ(NextAfter("0 0 * * 0", t), "2026-11-29 00:00 Sun");
  EXPECT_EQ(NextAfter("0 0 * * 7", t), "2026-11-29 00:00 Sun");
  EXPECT_EQ(NextAfter("30 4 1,15 * *", t), "2026-12-01 04:30 Tue");
  EXPECT_EQ(NextAfter("0 0 1 jan *", t), "2027-01-01 00:00 Fri");
  EXPECT_EQ(NextAfter("@monthly", t), "2026-12-01 00:00 Tue");
  EXPECT_EQ(NextAfter("0 0 29 2 *", t), "2028-02-29 00:00 Tue");
  // Both day fields restricted: either one fires (the 1st, or any Friday).
  EXPECT_EQ(NextAfter("0 12 1 * fri", t), "2026-11-27 12:00 Fri");
}

TEST(CronTest, BadExpressionsNameTheField) {
  EXPECT_THAT(CronSchedule::Parse("* * * *"), StatusIs(absl::StatusCode::kInvalidArgument,
                                                       HasSubstr("five fields")));
  EXPECT_THAT(CronSchedule::Parse("60 * * * *"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("minute")));
  EXPECT_THAT(CronSchedule::Parse("0 24 * * *"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("hour")));
  EXPECT_THAT(CronSchedule::Parse("0 0 0 * *"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("day of month")));
  EXPECT_THAT(CronSchedule::Parse("0 0 * foo *"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("month")));
  EXPECT_THAT(CronSchedule::Parse("*/0 * * * *"), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(CronSchedule::Parse("5-1 * * * *"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("backwards")));
  EXPECT_THAT(CronSchedule::Parse("0 0 31 2 *"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("never fires")));
  EXPECT_THAT(CronSchedule::Parse("0 0 * * 8"), StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace pgark::engine
