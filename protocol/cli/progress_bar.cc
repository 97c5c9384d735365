#include "protocol/cli/progress_bar.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace pgark::protocol {
namespace {

std::string Bytes(double b) {
  const char* units[] = {"B", "KB", "MB", "GB", "TB"};
  int u = 0;
  while (b >= 1000 && u < 4) {
    b /= 1000;
    ++u;
  }
  return u == 0 ? absl::StrFormat("%.0f %s", b, units[u]) : absl::StrFormat("%.1f %s", b, units[u]);
}

}  // namespace

std::string ProgressBar::Render(int tables_done, int total_tables, int64_t rows, uint64_t bytes,
                                uint64_t estimated_bytes, absl::Duration elapsed,
                                const std::string& current) {
  constexpr int kWidth = 20;
  double fraction = 0;
  if (estimated_bytes > 0) {
    fraction = std::min(0.99, static_cast<double>(bytes) / static_cast<double>(estimated_bytes));
  } else if (total_tables > 0) {
    fraction = static_cast<double>(tables_done) / total_tables;
  }
  int filled = static_cast<int>(fraction * kWidth);
  double seconds = absl::ToDoubleSeconds(elapsed);
  std::string line = absl::StrCat("[", std::string(filled, '#'), std::string(kWidth - filled, '-'),
                                  "] ", tables_done, "/", total_tables, " tables, ", rows,
                                  " rows, ", Bytes(static_cast<double>(bytes)));
  if (seconds > 0.5) absl::StrAppend(&line, ", ", Bytes(static_cast<double>(bytes) / seconds), "/s");
  if (fraction > 0.02 && fraction < 1) {
    int eta = static_cast<int>(seconds * (1 - fraction) / fraction);
    absl::StrAppend(&line, absl::StrFormat(", ETA %d:%02d", eta / 60, eta % 60));
  }
  if (!current.empty()) absl::StrAppend(&line, "  ", current.substr(0, 30));
  return line;
}

void ProgressBar::Draw(bool force) {
  if (!enabled_) return;
  absl::Time now = absl::Now();
  if (!force && now - last_draw_ < absl::Milliseconds(100)) return;
  last_draw_ = now;
  out_ << "\r\033[K"
       << Render(tables_done_, total_tables_, rows_, bytes_, estimated_bytes_, now - start_,
                 current_)
       << std::flush;
  drawn_ = true;
}

void ProgressBar::Clear() {
  if (enabled_ && drawn_) out_ << "\r\033[K" << std::flush;
  drawn_ = false;
}

void ProgressBar::OnStart(int total_tables, uint64_t estimated_bytes) {
  total_tables_ = total_tables;
  estimated_bytes_ = estimated_bytes;
  start_ = absl::Now();
  Draw(true);
}

void ProgressBar::OnTableBegin(const std::string& table) {
  current_ = table;
  Draw(false);
}

void ProgressBar::OnTableEnd(const std::string&, int64_t rows, uint64_t) {
  ++tables_done_;
  rows_ += rows;
  current_.clear();
  Draw(false);
}

void ProgressBar::OnBytes(uint64_t raw_bytes) {
  bytes_ += raw_bytes;
  Draw(false);
}

}  // namespace pgark::protocol
