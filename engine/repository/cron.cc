#include "engine/repository/cron.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "formats/status_macros.h"

namespace pgark::engine {
namespace {

struct Field {
  const char* name;
  int min;
  int max;
  std::vector<const char*> names;  // names[i] is value min + i
};

const Field kFields[5] = {
    {"minute", 0, 59, {}},
    {"hour", 0, 23, {}},
    {"day of month", 1, 31, {}},
    {"month", 1, 12,
     {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}},
    {"day of week", 0, 7, {"sun", "mon", "tue", "wed", "thu", "fri", "sat"}},
};

absl::StatusOr<int> Value(const Field& f, absl::string_view text) {
  std::string lower = absl::AsciiStrToLower(text);
  for (size_t i = 0; i < f.names.size(); ++i) {
    if (lower == f.names[i]) return f.min + static_cast<int>(i);
  }
  int v;
  if (!absl::SimpleAtoi(text, &v) || v < f.min || v > f.max) {
    return absl::InvalidArgumentError(absl::StrCat("\"", text, "\" is not a ", f.name, " (",
                                                   f.min, "-", f.max, ")"));
  }
  return v;
}

// Sets the bits of one field; returns whether it was "*" (unrestricted).
absl::StatusOr<bool> ParseField(const Field& f, absl::string_view text, std::vector<bool>& bits) {
  bits.assign(static_cast<size_t>(f.max + 1), false);
  bool star = false;
  for (absl::string_view item : absl::StrSplit(text, ',')) {
    int step = 1;
    const bool stepped = item.find('/') != absl::string_view::npos;
    if (size_t slash = item.find('/'); slash != absl::string_view::npos) {
      if (!absl::SimpleAtoi(item.substr(slash + 1), &step) || step < 1 || step > f.max + 1) {
        return absl::InvalidArgumentError(
            absl::StrCat("bad step in ", f.name, " \"", item, "\""));
      }
      item = item.substr(0, slash);
    }
    int lo, hi;
    if (item == "*") {
      lo = f.min;
      hi = f.max == 7 ? 6 : f.max;
      star = true;  // as in Vixie cron, "*/n" still counts as "any day" for the day rule
    } else if (size_t dash = item.find('-'); dash != absl::string_view::npos) {
      PGARK_ASSIGN_OR_RETURN(lo, Value(f, item.substr(0, dash)));
      PGARK_ASSIGN_OR_RETURN(hi, Value(f, item.substr(dash + 1)));
      if (lo > hi) {
        return absl::InvalidArgumentError(absl::StrCat("range \"", item, "\" in ", f.name,
                                                       " runs backwards"));
      }
    } else {
      PGARK_ASSIGN_OR_RETURN(lo, Value(f, item));
      hi = stepped ? f.max : lo;  // "5/15" means 5-max/15
    }
    for (int v = lo; v <= hi; v += step) bits[static_cast<size_t>(v)] = true;
  }
  return star;
}

}  // namespace

absl::StatusOr<CronSchedule> CronSchedule::Parse(absl::string_view expression) {
  CronSchedule s;
  s.expression_ = std::string(absl::StripAsciiWhitespace(expression));
  std::string text = s.expression_;
  static const std::pair<const char*, const char*> kMacros[] = {
      {"@hourly", "0 * * * *"},  {"@daily", "0 0 * * *"},   {"@midnight", "0 0 * * *"},
      {"@weekly", "0 0 * * 0"},  {"@monthly", "0 0 1 * *"}, {"@yearly", "0 0 1 1 *"},
      {"@annually", "0 0 1 1 *"}};
  for (const auto& [macro, fields] : kMacros) {
    if (absl::AsciiStrToLower(text) == macro) text = fields;
  }
  std::vector<std::string> parts = absl::StrSplit(text, ' ', absl::SkipWhitespace());
  if (parts.size() != 5) {
    return absl::InvalidArgumentError(absl::StrCat(
        "cron expression \"", s.expression_,
        "\" needs five fields: minute hour day-of-month month day-of-week"));
  }
  std::vector<bool> bits;
  auto fail = [&](const absl::Status& st) {
    return absl::InvalidArgumentError(
        absl::StrCat("cron expression \"", s.expression_, "\": ", st.message()));
  };
  for (int i = 0; i < 5; ++i) {
    absl::StatusOr<bool> star = ParseField(kFields[i], parts[static_cast<size_t>(i)], bits);
    if (!star.ok()) return fail(star.status());
    for (size_t v = 0; v < bits.size(); ++v) {
      if (!bits[v]) continue;
      switch (i) {
        case 0: s.minutes_.set(v); break;
        case 1: s.hours_.set(v); break;
        case 2: s.days_.set(v); break;
        case 3: s.months_.set(v); break;
        default: s.weekdays_.set(v % 7); break;  // 7 is Sunday too
      }
    }
    if (i == 2) s.days_restricted_ = !*star;
    if (i == 4) s.weekdays_restricted_ = !*star;
  }
  // Never firing (e.g. February 30th) is a mistake worth refusing at start.
  bool possible = s.days_restricted_ == false || s.weekdays_restricted_;
  for (int m = 1; m <= 12 && !possible; ++m) {
    static const int kDays[] = {0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    for (int d = 1; d <= kDays[m] && !possible; ++d) {
      possible = s.months_[static_cast<size_t>(m)] && s.days_[static_cast<size_t>(d)];
    }
  }
  if (!possible) return fail(absl::InvalidArgumentError("it never fires"));
  return s;
}

bool CronSchedule::DayMatches(const absl::CivilDay& day) const {
  if (!months_[static_cast<size_t>(day.month())]) return false;
  const int weekday = (static_cast<int>(absl::GetWeekday(day)) + 1) % 7;  // Monday=0 -> 1
  const bool dom = days_[static_cast<size_t>(day.day())];
  const bool dow = weekdays_[static_cast<size_t>(weekday)];
  if (days_restricted_ && weekdays_restricted_) return dom || dow;
  return dom && dow;
}

absl::Time CronSchedule::Next(absl::Time after, absl::TimeZone zone) const {
  absl::CivilMinute m = absl::ToCivilMinute(after, zone) + 1;
  // At most a few years of days to scan (Parse refused schedules that never fire).
  for (int guard = 0; guard < 366 * 8 * 24 * 60; ++guard) {
    const absl::CivilDay day(m);
    if (!DayMatches(day)) {
      m = absl::CivilMinute(day + 1);
      continue;
    }
    if (!hours_[static_cast<size_t>(m.hour())]) {
      m = absl::CivilMinute(absl::CivilHour(m) + 1);
      continue;
    }
    if (minutes_[static_cast<size_t>(m.minute())]) {
      absl::Time t = absl::FromCivil(m, zone);
      if (t > after) return t;
    }
    m += 1;
  }
  return absl::InfiniteFuture();
}

}  // namespace pgark::engine
