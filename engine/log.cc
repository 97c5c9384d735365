#include "engine/log.h"

#include <atomic>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"

namespace pgark::engine::log {
namespace {

std::atomic<int> g_level{static_cast<int>(Level::kOff)};
std::atomic<bool> g_json{false};
absl::Mutex g_write;  // one line at a time from every thread

const char* Name(Level level) {
  switch (level) {
    case Level::kDebug: return "debug";
    case Level::kInfo: return "info";
    case Level::kWarn: return "warn";
    default: return "off";
  }
}

int64_t NowMicros() { return absl::ToUnixMicros(absl::Now()); }

}  // namespace

void Configure(Level level, bool json) {
  g_level.store(static_cast<int>(level));
  g_json.store(json);
}

bool Enabled(Level level) { return static_cast<int>(level) >= g_level.load(); }

void Write(Level level, absl::string_view phase, absl::string_view message) {
  if (!Enabled(level)) return;
  const std::string time = absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(), absl::UTCTimeZone());
  std::string line;
  if (g_json.load()) {
    line = nlohmann::json{{"time", time}, {"level", Name(level)}, {"phase", phase},
                          {"message", message}}
               .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  } else {
    line = absl::StrCat(time, " pgark ", Name(level), " ", phase, ": ", message);
  }
  line += '\n';
  absl::MutexLock lock(&g_write);
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

std::string ElideValues(absl::string_view sql) {
  std::string out;
  for (size_t i = 0; i < sql.size(); ++i) {
    const char c = sql[i];
    if (c == '\'') {  // '...' with '' inside; E'...' with \' inside
      const bool escapes = i > 0 && (sql[i - 1] == 'E' || sql[i - 1] == 'e');
      size_t j = i + 1;
      while (j < sql.size()) {
        if (escapes && sql[j] == '\\') {
          j += 2;
          continue;
        }
        if (sql[j] == '\'') {
          if (j + 1 < sql.size() && sql[j + 1] == '\'') {
            j += 2;
            continue;
          }
          break;
        }
        ++j;
      }
      out += "'?'";
      i = j;
    } else if (c == '$' && i + 1 < sql.size() && sql[i + 1] == '$') {  // $$...$$
      const size_t end = sql.find("$$", i + 2);
      out += "'?'";
      i = end == absl::string_view::npos ? sql.size() : end + 1;
    } else {
      out += c;
    }
  }
  return out;
}

void LoggedProgress::OnStart(int tables, uint64_t estimated_bytes) {
  start_us_ = NowMicros();
  Write(Level::kInfo, phase_, absl::StrCat(tables, " tables, about ", estimated_bytes, " bytes"));
  inner_.OnStart(tables, estimated_bytes);
}

void LoggedProgress::OnTableBegin(const std::string& table) {
  table_start_us_ = NowMicros();
  Write(Level::kDebug, phase_, absl::StrCat("table \"", table, "\" begins"));
  inner_.OnTableBegin(table);
}

void LoggedProgress::OnTableEnd(const std::string& table, int64_t rows, uint64_t bytes) {
  const double seconds = std::max<int64_t>(1, NowMicros() - table_start_us_) / 1e6;
  Write(Level::kInfo, phase_,
        absl::StrFormat("table \"%s\": %d rows, %d bytes in %.3f s (%.1f MB/s)", table, rows,
                        bytes, seconds, bytes / seconds / 1e6));
  inner_.OnTableEnd(table, rows, bytes);
}

}  // namespace pgark::engine::log
