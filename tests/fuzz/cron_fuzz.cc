// The cron parser of `pgark schedule`: any expression parses or is refused, and a parsed one
// names a next time after any instant without looping forever.
#include "absl/time/time.h"
#include "engine/repository/cron.h"
#include "tests/fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  absl::StatusOr<pgark::engine::CronSchedule> s =
      pgark::engine::CronSchedule::Parse(pgark::fuzz::AsText(data, size));
  if (!s.ok()) return 0;
  const absl::Time now = absl::FromUnixSeconds(1796601600);  // 2026-12-07
  const absl::Time next = s->Next(now, absl::UTCTimeZone());
  if (next != absl::InfiniteFuture() && next <= now) __builtin_trap();
  return 0;
}
