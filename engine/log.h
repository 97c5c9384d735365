// Diagnostic logging on stderr: `--verbose` or PGARK_LOG=debug|info|warn (the seed's
// DEBUG=backup:* means debug), as timestamped text lines or, with PGARK_LOG_FORMAT=json, one
// JSON object a line for log shippers. At info: each phase and each table's time and
// throughput; at debug also every SQL statement pgark sends, its values elided (string
// literals become '?', bound parameters are never shown). Never a connection string, password
// or key: nothing here sees them.
#ifndef PGARK_ENGINE_LOG_H_
#define PGARK_ENGINE_LOG_H_

#include <string>

#include "absl/strings/string_view.h"
#include "engine/progress.h"

namespace pgark::engine::log {

enum class Level { kDebug = 0, kInfo = 1, kWarn = 2, kOff = 3 };

// Process-wide; the default is kOff (the CLI's own warnings are printed as before).
void Configure(Level level, bool json);
bool Enabled(Level level);
// One line: time, level, `phase` ("backup", "restore", "sql", ...) and the message.
void Write(Level level, absl::string_view phase, absl::string_view message);

// `sql` with every string literal ('...', E'...', $$...$$) replaced by '?'.
std::string ElideValues(absl::string_view sql);

// Forwards to `inner` and logs, at info, each table's rows, bytes, time and throughput.
class LoggedProgress : public ProgressListener {
 public:
  LoggedProgress(ProgressListener& inner, std::string phase)
      : inner_(inner), phase_(std::move(phase)) {}
  void OnStart(int tables, uint64_t estimated_bytes) override;
  void OnTableBegin(const std::string& table) override;
  void OnBytes(uint64_t bytes) override { inner_.OnBytes(bytes); }
  void OnTableEnd(const std::string& table, int64_t rows, uint64_t bytes) override;
  bool Cancelled() override { return inner_.Cancelled(); }

 private:
  ProgressListener& inner_;
  std::string phase_;
  int64_t table_start_us_ = 0;
  int64_t start_us_ = 0;
};

}  // namespace pgark::engine::log

#endif  // PGARK_ENGINE_LOG_H_
