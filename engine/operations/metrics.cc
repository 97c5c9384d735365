// The Prometheus textfile: the last outcome of each operation per database, counters, the
// repository's state and the last drill. Each update rewrites the whole file from what it held
// before plus the event.
#include <sys/stat.h>

#include <map>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "engine/operations/operations.h"
#include "engine/repository/repository.h"
#include "formats/file_io.h"
#include "formats/storage.h"
#include "formats/status_macros.h"

namespace pgark::engine {
namespace {

struct Family {
  const char* name;
  const char* type;
  const char* help;
  bool repository;  // recomputed from the repository on every update
};

constexpr Family kFamilies[] = {
    {"pgark_last_success_timestamp_seconds", "gauge", "When the operation last succeeded.", false},
    {"pgark_last_failure_timestamp_seconds", "gauge", "When the operation last failed.", false},
    {"pgark_last_duration_seconds", "gauge", "How long the last successful run took.", false},
    {"pgark_last_size_bytes", "gauge", "Size of the file the last successful run wrote or read.", false},
    {"pgark_last_rows", "gauge", "Rows the last successful run moved.", false},
    {"pgark_operations_total", "counter", "Runs of the operation, by outcome.", false},
    {"pgark_last_drill_passed", "gauge", "1 if the last drill's copy matched the backup, else 0.", false},
    {"pgark_last_drill_rto_seconds", "gauge", "Restore time measured by the last drill.", false},
    {"pgark_last_drill_timestamp_seconds", "gauge", "When the last drill ran.", false},
    {"pgark_backups", "gauge", "Complete backups in the repository, by type.", true},
    {"pgark_repository_size_bytes", "gauge", "Bytes of the complete backups in the repository.", true},
    {"pgark_oldest_restore_point_timestamp_seconds", "gauge", "Time of the oldest backup.", true},
    {"pgark_newest_restore_point_timestamp_seconds", "gauge", "Time of the newest backup.", true},
};

using Samples = std::map<std::string, double>;  // "name{labels}" -> value

std::string LabelValue(absl::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

std::string Series(absl::string_view name, std::vector<std::pair<std::string, std::string>> labels) {
  std::string s(name);
  if (labels.empty()) return s;
  s += '{';
  for (size_t i = 0; i < labels.size(); ++i) {
    absl::StrAppend(&s, i ? "," : "", labels[i].first, "=\"", LabelValue(labels[i].second), "\"");
  }
  return s + '}';
}

// The samples of a file this function wrote before (anything else is dropped).
Samples ReadSamples(const std::string& path) {
  Samples samples;
  const formats::StoredObject file = formats::LocalFile(path);
  absl::StatusOr<std::string> text = formats::ReadSmallObject(*file.storage, file.name, 4u << 20);
  if (!text.ok()) return samples;
  for (absl::string_view line : absl::StrSplit(*text, '\n')) {
    if (line.empty() || line[0] == '#') continue;
    const size_t space = line.rfind(' ');
    double value = 0;
    if (space == absl::string_view::npos || !absl::SimpleAtod(line.substr(space + 1), &value)) continue;
    samples[std::string(line.substr(0, space))] = value;
  }
  return samples;
}

double Seconds(absl::Time t) { return absl::ToDoubleSeconds(t - absl::UnixEpoch()); }

void AddEvent(Samples& s, const OperationEvent& e) {
  const std::vector<std::pair<std::string, std::string>> labels = {{"operation", e.operation},
                                                                   {"database", e.database}};
  const bool failed = IsFailure(e);
  if (failed) {
    s[Series("pgark_last_failure_timestamp_seconds", labels)] = Seconds(e.at);
  } else {
    s[Series("pgark_last_success_timestamp_seconds", labels)] = Seconds(e.at);
    s[Series("pgark_last_duration_seconds", labels)] = e.duration_ms / 1000.0;
    if (e.size_bytes > 0) s[Series("pgark_last_size_bytes", labels)] = static_cast<double>(e.size_bytes);
    if (e.rows > 0) s[Series("pgark_last_rows", labels)] = static_cast<double>(e.rows);
  }
  auto counted = labels;
  counted.push_back({"outcome", failed ? "failure" : "success"});
  s[Series("pgark_operations_total", counted)] += 1;
  if (e.drill_passed) {
    const std::vector<std::pair<std::string, std::string>> db = {{"database", e.database}};
    s[Series("pgark_last_drill_passed", db)] = *e.drill_passed ? 1 : 0;
    s[Series("pgark_last_drill_rto_seconds", db)] = e.rto_ms / 1000.0;
    s[Series("pgark_last_drill_timestamp_seconds", db)] = Seconds(e.at);
  }
}

void AddRepository(Samples& s, const std::string& backup_dir) {
  absl::StatusOr<std::vector<BackupInfo>> all = ListBackups(backup_dir, {});
  if (!all.ok()) return;
  std::map<std::string, int> by_type = {{"full", 0}, {"incremental", 0}, {"table", 0}};
  double bytes = 0;
  std::optional<absl::Time> oldest, newest;
  for (const BackupInfo& b : *all) {
    if (!b.type) continue;
    ++by_type[TypeName(b)];
    bytes += static_cast<double>(b.size_bytes);
    absl::Time t;
    std::string error;
    if (!absl::ParseTime(absl::RFC3339_full, b.created, &t, &error)) continue;
    if (!oldest || t < *oldest) oldest = t;
    if (!newest || t > *newest) newest = t;
  }
  for (const auto& [type, n] : by_type) s[Series("pgark_backups", {{"type", type}})] = n;
  s["pgark_repository_size_bytes"] = bytes;
  if (oldest) s["pgark_oldest_restore_point_timestamp_seconds"] = Seconds(*oldest);
  if (newest) s["pgark_newest_restore_point_timestamp_seconds"] = Seconds(*newest);
}

std::string Render(const Samples& samples) {
  std::string out;
  for (const Family& f : kFamilies) {
    std::string lines;
    for (const auto& [series, value] : samples) {
      const absl::string_view name = absl::string_view(series).substr(0, series.find('{'));
      if (name == f.name) absl::StrAppend(&lines, series, " ", absl::StrFormat("%.17g", value), "\n");
    }
    if (lines.empty()) continue;
    absl::StrAppend(&out, "# HELP ", f.name, " ", f.help, "\n# TYPE ", f.name, " ", f.type, "\n",
                    lines);
  }
  return out;
}

void DropRepositorySamples(Samples& s) {
  for (const Family& f : kFamilies) {
    if (!f.repository) continue;
    for (auto it = s.begin(); it != s.end();) {
      const absl::string_view name = absl::string_view(it->first).substr(0, it->first.find('{'));
      it = name == f.name ? s.erase(it) : std::next(it);
    }
  }
}

}  // namespace

absl::Status UpdateMetricsFile(const std::string& path, const OperationEvent& event,
                               const std::string& backup_dir) {
  Samples samples = ReadSamples(path);
  AddEvent(samples, event);
  DropRepositorySamples(samples);
  AddRepository(samples, backup_dir);
  PGARK_RETURN_IF_ERROR(formats::WriteFileAtomically(path, Render(samples), /*replace=*/true));
  ::chmod(path.c_str(), 0644);  // for node_exporter; it holds no secret
  return absl::OkStatus();
}

std::string MetricsText(const std::string& metrics_file, const std::string& backup_dir) {
  Samples samples = metrics_file.empty() ? Samples() : ReadSamples(metrics_file);
  DropRepositorySamples(samples);
  AddRepository(samples, backup_dir);
  return Render(samples);
}

}  // namespace pgark::engine
