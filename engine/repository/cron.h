// Five-field cron expressions ("minute hour day-of-month month day-of-week") for
// `pgark schedule`: numbers, `*`, ranges `a-b`, steps `*/n` and `a-b/n`, lists `a,b`, month
// and weekday names (jan, mon), 7 as Sunday, and @hourly/@daily/@weekly/@monthly/@yearly.
// As in Vixie cron, when both day fields are restricted a day matching either one fires.
// Times are evaluated in the given time zone (the machine's local zone in `pgark schedule`).
#ifndef PGARK_ENGINE_REPOSITORY_CRON_H_
#define PGARK_ENGINE_REPOSITORY_CRON_H_

#include <bitset>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace pgark::engine {

class CronSchedule {
 public:
  // kInvalidArgument, naming the bad field, for anything else (including expressions that
  // can never fire, like "0 0 31 2 *").
  static absl::StatusOr<CronSchedule> Parse(absl::string_view expression);

  // The first whole minute strictly after `after` that matches.
  absl::Time Next(absl::Time after, absl::TimeZone zone) const;

  const std::string& expression() const { return expression_; }

 private:
  bool DayMatches(const absl::CivilDay& day) const;

  std::string expression_;
  std::bitset<60> minutes_;
  std::bitset<24> hours_;
  std::bitset<32> days_;    // 1-31
  std::bitset<13> months_;  // 1-12
  std::bitset<7> weekdays_;  // 0 = Sunday
  bool days_restricted_ = false;
  bool weekdays_restricted_ = false;
};

}  // namespace pgark::engine

#endif  // PGARK_ENGINE_REPOSITORY_CRON_H_
