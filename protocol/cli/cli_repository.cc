// The commands that work on the backup directory: list, delete, prune, validate, decrypt and
// schedule.
#include <tuple>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "engine/repository/leftovers.h"
#include "engine/repository/repository.h"
#include "engine/repository/scheduler.h"
#include "engine/repository/verifier.h"
#include "formats/archive_layout.h"
#include "formats/bounded_text.h"
#include "formats/status_macros.h"
#include "protocol/cli/cli_internal.h"
#include "protocol/tools/results_json.h"

namespace pgark::protocol::cli_internal {

absl::Status RunList(Context& c) {
  engine::ListOptions o;
  o.type = c.args.Value("type");
  o.sort_by = c.args.Value("sort", "date");
  absl::StatusOr<std::optional<int64_t>> limit = PositiveFlag(c.args, "limit");
  if (!limit.ok()) return limit.status();
  o.limit = static_cast<int>(limit->value_or(0));
  if (std::string offset = c.args.Value("offset"); !offset.empty()) {
    if (!absl::SimpleAtoi(offset, &o.offset) || o.offset < 0) {
      return absl::InvalidArgumentError(absl::StrCat("--offset \"", offset, "\" is not a whole number"));
    }
  }
  absl::StatusOr<std::vector<engine::BackupInfo>> list = engine::ListBackups(c.backup_dir, o);
  if (!list.ok()) return list.status();
  if (std::vector<std::string> left = engine::FindLeftovers(c.backup_dir); !left.empty()) {
    c.err << "pgark: warning: " << left.size() << " temporary file(s) left by stopped pgark "
          << "processes (" << formats::BoundedText(absl::StrJoin(left, ", "), 200)
          << "); the next backup or prune removes them\n";
  }
  if (c.json) {
    c.out << BackupListJson(*list).dump() << "\n";
    return absl::OkStatus();
  }
  for (const engine::BackupInfo& b : *list) {
    const char* check = !b.valid_at_last_check.has_value() ? "unchecked"
                        : *b.valid_at_last_check          ? "valid"
                                                          : "INVALID";
    const std::string rows =
        b.record_count ? absl::StrCat(*b.record_count, " rows") : std::string("rows sealed");
    const std::string drill =
        !b.last_drill ? ""
        : b.last_drill->passed
            ? absl::StrFormat(", drill passed (RTO %.1f s)", b.last_drill->restore_ms / 1000.0)
            : std::string(", DRILL FAILED");
    c.out << absl::StrFormat("%-50s %-11s %10s  %s  %d tables, %s, %s%s%s\n", b.filename,
                             engine::TypeName(b), HumanBytes(b.size_bytes), b.created, b.tables,
                             rows, check, drill, b.encrypted ? ", encrypted" : "");
  }
  if (list->empty()) c.out << "no backups in " << c.backup_dir << "\n";
  return absl::OkStatus();
}

absl::Status RunDrill(Context& c, const std::string& file) {
  if (!c.encryption.ok()) return c.encryption.status();
  absl::StatusOr<std::optional<int64_t>> jobs = PositiveFlag(c.args, "jobs");
  if (!jobs.ok()) return jobs.status();
  engine::DrillOptions o{.backup_dir = c.backup_dir, .backup_file = file,
                         .key = c.encryption->key, .target_db = c.args.Value("target-db"),
                         .keep = c.args.Has("keep"),
                         .jobs = static_cast<int>(jobs->value_or(1))};
  if (c.args.Has("drill-db")) {
    o.drill_server = c.connect;
    o.drill_server->conninfo = c.args.Value("drill-db");
    o.drill_server->dbname.clear();
  }
  engine::ConnectOptions source = c.connect;
  source.dbname.clear();  // --target-db names the scratch database here
  absl::StatusOr<engine::DrillResult> r = engine::Drill(source, o, &c.progress);
  c.progress.Clear();
  if (!r.ok()) return r.status();
  c.event.file = r->backup_file;
  c.event.database = r->database;
  c.event.drill_passed = r->passed;
  c.event.rto_ms = r->restore_ms;
  if (c.json) {
    c.out << DrillResultJson(*r).dump() << "\n";
  } else if (r->passed) {
    c.out << absl::StrFormat(
        "drill of %s passed: restored in %.1f s (RTO) into %s%s; %d tables' rows and content, "
        "%d sequences and %d schema objects equal what the backup recorded\n",
        r->backup_file, r->restore_ms / 1000.0, r->scratch_database,
        r->kept ? " (kept)" : " (dropped)", static_cast<int>(r->tables.size()),
        r->sequences_checked, r->schema_objects_checked);
  }
  if (!r->passed) {
    std::vector<std::string> shown = formats::BoundedList(r->problems);
    if (shown.size() > 5) shown.resize(5);
    return absl::DataLossError(absl::StrCat("drill of \"", r->backup_file,
                                            "\" FAILED: the restored copy differs: ",
                                            absl::StrJoin(shown, "; ")));
  }
  return absl::OkStatus();
}

absl::Status RunDelete(Context& c, const std::string& file) {
  absl::StatusOr<engine::DeleteResult> d =
      engine::DeleteBackup(c.backup_dir, file, c.args.Has("cascade"));
  if (!d.ok()) return d.status();
  if (c.json) {
    c.out << DeleteResultJson(*d).dump() << "\n";
  } else {
    for (const std::string& f : d->deleted_files) c.out << "deleted " << f << "\n";
    c.out << HumanBytes(d->freed_bytes) << " freed\n";
  }
  return absl::OkStatus();
}

// Retention settings: flags win over the environment; the seed's default is 30 days.
absl::StatusOr<engine::PruneOptions> PruneOptionsOf(const ParsedArgs& args) {
  engine::PruneOptions o;
  o.dry_run = args.Has("dry-run");
  struct Setting {
    const char* flag;
    const char* env;
    int* target;
  };
  for (const Setting& s : {Setting{"retention-days", "BACKUP_RETENTION_DAYS", &o.retention_days},
                           Setting{"", "BACKUP_KEEP_DAILY", &o.keep_daily},
                           Setting{"", "BACKUP_KEEP_WEEKLY", &o.keep_weekly},
                           Setting{"", "BACKUP_KEEP_MONTHLY", &o.keep_monthly}}) {
    const bool from_flag = *s.flag != '\0' && args.values.count(s.flag) > 0;
    std::string text = from_flag ? args.Value(s.flag) : Env(s.env);
    if (text.empty()) continue;
    if (!absl::SimpleAtoi(text, s.target) || *s.target < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat(from_flag ? absl::StrCat("--", s.flag) : s.env, " \"", text,
                       "\" is not a whole number"));
    }
  }
  return o;
}

absl::Status RunPrune(Context& c) {
  absl::StatusOr<engine::PruneOptions> options = PruneOptionsOf(c.args);
  if (!options.ok()) return options.status();
  const engine::PruneOptions& o = *options;
  absl::StatusOr<engine::PruneResult> r = engine::PruneBackups(c.backup_dir, o);
  if (!r.ok()) return r.status();
  if (c.json) {
    c.out << PruneResultJson(*r, o.dry_run).dump() << "\n";
    return absl::OkStatus();
  }
  for (const std::string& name : r->deleted) {
    c.out << (o.dry_run ? "would delete " : "deleted ") << name << "\n";
  }
  for (const std::string& name : r->leftovers) {
    c.out << (o.dry_run ? "would remove " : "removed ") << "leftover " << name << "\n";
  }
  c.out << (o.dry_run ? "would free " : "freed ") << HumanBytes(r->freed_bytes) << ", kept "
        << r->kept.size() << " backups\n";
  return absl::OkStatus();
}

absl::Status RunValidate(Context& c, const std::string& file) {
  if (!c.encryption.ok()) return c.encryption.status();
  absl::StatusOr<engine::ValidationReport> r = engine::ValidateBackup(
      c.backup_dir, file,
      {.key = c.encryption->key,
       .target_server_version_num = engine::ProbeServerVersionNum(c.connect)});
  if (!r.ok()) return r.status();
  if (c.json) {
    c.out << ValidationJson(*r).dump() << "\n";
  } else {
    for (const std::string& w : r->warnings) c.err << "pgark: warning: " << w << "\n";
    if (r->valid) {
      c.out << file << " is valid (" << r->file_type << " backup, " << HumanBytes(r->file_size)
            << ")\n";
    }
  }
  if (!r->valid) {
    // The first errors and the last (where a truncation shows), not all of a long list.
    std::vector<std::string> shown = r->errors;
    if (shown.size() > 4) {
      const size_t more = shown.size() - 4;
      shown.erase(shown.begin() + 3, shown.end() - 1);
      shown.insert(shown.end() - 1, absl::StrCat("... ", more, " more ..."));
    }
    for (std::string& e : shown) e = formats::BoundedText(e, 400);
    return absl::DataLossError(absl::StrCat("backup \"", file, "\" is not valid: ",
                                            absl::StrJoin(shown, "; ")));
  }
  return absl::OkStatus();
}

absl::Status RunDecrypt(Context& c, const std::string& file) {
  if (!c.encryption.ok()) return c.encryption.status();
  absl::StatusOr<engine::DecryptResult> r =
      engine::DecryptFile(c.backup_dir, file, c.encryption->key, c.args.Value("output"));
  if (!r.ok()) return r.status();
  if (c.json) {
    c.out << DecryptResultJson(*r).dump() << "\n";
  } else {
    c.out << "decrypted " << file << " to " << r->output_file << " (" << HumanBytes(r->bytes)
          << ")\n";
  }
  return absl::OkStatus();
}

// `pgark schedule`: runs until SIGTERM/SIGINT, one log line per event on stderr.
absl::Status RunScheduleCommand(Context& c) {
  engine::ScheduleOptions o;
  const bool flags = c.args.values.count("full") || c.args.values.count("incremental");
  std::string full = c.args.Value("full", flags ? "" : Env("BACKUP_SCHEDULE_FULL"));
  std::string incremental =
      c.args.Value("incremental", flags ? "" : Env("BACKUP_SCHEDULE_INCREMENTAL"));
  std::string drill = c.args.Value("drill", Env("BACKUP_SCHEDULE_DRILL"));
  if (full.empty() && incremental.empty()) {
    // The seed's defaults: a full backup at 2 AM, an incremental every hour.
    full = "0 2 * * *";
    incremental = "0 * * * *";
  }
  for (auto [text, target, name] :
       {std::tuple{&full, &o.full, "BACKUP_SCHEDULE_FULL"},
        std::tuple{&incremental, &o.incremental, "BACKUP_SCHEDULE_INCREMENTAL"},
        std::tuple{&drill, &o.drill, "BACKUP_SCHEDULE_DRILL"}}) {
    if (text->empty() || *text == "off") continue;
    absl::StatusOr<engine::CronSchedule> s = engine::CronSchedule::Parse(*text);
    if (!s.ok()) return Annotate(s.status(), name);
    *target = *std::move(s);
  }
  absl::StatusOr<engine::BackupOptions> backup =
      BackupOptionsOf(c, engine::BackupType::kFull, {});
  if (!backup.ok()) return backup.status();
  o.backup = *std::move(backup);
  absl::StatusOr<engine::PruneOptions> prune = PruneOptionsOf(c.args);
  if (!prune.ok()) return prune.status();
  o.prune = *prune;
  absl::StatusOr<engine::OperationsConfig> operations = OperationsFromEnvironment();
  if (!operations.ok()) return operations.status();
  o.operations = *std::move(operations);
  static const std::atomic<bool> kNever{false};
  const std::atomic<bool>& stop = c.interrupted != nullptr ? *c.interrupted : kNever;
  absl::Status s = engine::RunSchedule(c.connect, o, stop, [&c](const std::string& line) {
    c.err << formats::IsoTimestamp(absl::Now()) << " pgark schedule: " << line << std::endl;
  });
  return s;
}

}  // namespace pgark::protocol::cli_internal
