#include "engine/restore/downgrade_check.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/pg/pg_connection.h"
#include "engine/pg/transaction.h"
#include "formats/archive_writer.h"
#include "formats/bounded_text.h"
#include "formats/statement_policy.h"
#include "formats/status_macros.h"

namespace pgark::engine {
namespace {

constexpr size_t kNamed = 5;  // objects named with their reason; the rest are counted

// Whether the trial runs member `m`: schema statements, not the database's own properties (a
// restore that creates the database applies them), large objects (rows, in effect), planner
// statistics (an older server's restore skips them) nor the cluster's globals.
bool Tried(const formats::MemberEntry& m) {
  return formats::HoldsSchemaStatements(m.kind) &&
         m.kind != formats::MemberKind::kDatabaseProperties &&
         m.kind != formats::MemberKind::kLargeObjects &&
         m.kind != formats::MemberKind::kStatisticsData && !formats::IsClusterWide(m.kind);
}

// The members the server at `conn` refuses, each with the first line of its reason.
absl::StatusOr<std::vector<std::string>> Refused(PgConnection& conn, const LoadedBackup& backup) {
  const formats::Manifest& m = backup.manifest;
  std::vector<std::string> refused;
  PGARK_ASSIGN_OR_RETURN(Transaction trial, Transaction::Begin(conn));
  PGARK_RETURN_IF_ERROR(conn.Exec("SET LOCAL check_function_bodies = false").status());
  for (const formats::MemberEntry& e : m.members) {
    if (!Tried(e)) continue;
    PGARK_ASSIGN_OR_RETURN(const std::string sql, ReadMemberSql(backup, e));
    PGARK_ASSIGN_OR_RETURN(Savepoint step, Savepoint::Open(conn, "pgark_trial"));
    absl::Status s = conn.Exec(sql).status();
    if (s.ok()) {
      PGARK_RETURN_IF_ERROR(step.Release());
      continue;
    }
    std::string reason(s.message());
    reason = reason.substr(0, reason.find(" in \""));  // the server's words, not the SQL
    refused.push_back(absl::StrCat(formats::DescribeMember(e), " (",
                                   formats::BoundedText(reason, 160), ")"));
    PGARK_RETURN_IF_ERROR(step.RollBack());
  }
  trial.RollBack();
  return refused;
}

}  // namespace

absl::Status CheckDowngrade(const ConnectOptions& target, const LoadedBackup& backup) {
  const formats::Manifest& m = backup.manifest;
  PGARK_ASSIGN_OR_RETURN(PgConnection conn, PgConnection::Connect(target));
  const int server = conn.server_version_num();
  if (server / 10000 >= m.server_version_num / 10000) return absl::OkStatus();
  PGARK_ASSIGN_OR_RETURN(std::vector<std::string> refused, Refused(conn, backup));
  if (refused.empty()) return absl::OkStatus();
  // What the server lacks first; objects refused only because an earlier one was (42P01,
  // 42704: it does not exist) after.
  std::stable_partition(refused.begin(), refused.end(), [](const std::string& r) {
    return r.find("[SQLSTATE 42P01]") == std::string::npos &&
           r.find("[SQLSTATE 42704]") == std::string::npos;
  });
  const size_t more = refused.size() > kNamed ? refused.size() - kNamed : 0;
  if (more > 0) refused.resize(kNamed);
  return absl::FailedPreconditionError(absl::StrCat(
      "backup \"", m.backup_file, "\" was made on PostgreSQL ", m.postgres_version,
      " and uses what this server (", server / 10000, ") lacks: ", absl::StrJoin(refused, "; "),
      more > 0 ? absl::StrCat("; and ", more, " more") : "",
      "; nothing was restored (restore it into PostgreSQL ", m.server_version_num / 10000,
      " or newer)"));
}

}  // namespace pgark::engine
