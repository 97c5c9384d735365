// `ProgressBar` is the command line's ProgressListener: when enabled (stderr is a terminal and
// --quiet was not given) it redraws one status line on stderr, at most ten times a second:
// tables done, rows, bytes, rate and, from the estimated size of the data, an ETA. It also turns
// a signal (the `interrupted` flag) into engine cancellation. Used from one thread.
#ifndef PGARK_PROTOCOL_CLI_PROGRESS_BAR_H_
#define PGARK_PROTOCOL_CLI_PROGRESS_BAR_H_

#include <atomic>
#include <ostream>
#include <string>

#include "absl/time/time.h"
#include "engine/progress.h"

namespace pgark::protocol {

class ProgressBar : public engine::ProgressListener {
 public:
  ProgressBar(std::ostream& out, bool enabled, const std::atomic<bool>* interrupted)
      : out_(out), enabled_(enabled), interrupted_(interrupted) {}
  ~ProgressBar() override { Clear(); }

  void OnStart(int total_tables, uint64_t estimated_bytes) override;
  void OnTableBegin(const std::string& table) override;
  void OnTableEnd(const std::string& table, int64_t rows, uint64_t raw_bytes) override;
  void OnBytes(uint64_t raw_bytes) override;
  bool Cancelled() override { return interrupted_ != nullptr && interrupted_->load(); }

  // Erases the status line (before the final summary is printed).
  void Clear();

  // The status line for the given state; exposed for tests.
  static std::string Render(int tables_done, int total_tables, int64_t rows, uint64_t bytes,
                            uint64_t estimated_bytes, absl::Duration elapsed,
                            const std::string& current);

 private:
  void Draw(bool force);

  std::ostream& out_;
  bool enabled_;
  const std::atomic<bool>* interrupted_;
  absl::Time start_ = absl::Now();
  absl::Time last_draw_ = absl::InfinitePast();
  int total_tables_ = 0;
  int tables_done_ = 0;
  uint64_t estimated_bytes_ = 0;
  int64_t rows_ = 0;
  uint64_t bytes_ = 0;
  std::string current_;
  bool drawn_ = false;
};

}  // namespace pgark::protocol

#endif  // PGARK_PROTOCOL_CLI_PROGRESS_BAR_H_
