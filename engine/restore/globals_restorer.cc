#include "engine/restore/globals_restorer.h"

#include "engine/restore/globals_apply.h"

#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "engine/ddl/globals_sql.h"
#include "engine/repository/incremental.h"
#include "formats/bounded_text.h"
#include "formats/sql_lexer.h"
#include "formats/status_macros.h"

namespace pgark::engine {
namespace {

using formats::MemberEntry;
using formats::MemberKind;

// The names in one column of a catalog query.
absl::StatusOr<std::set<std::string>> Names(PgConnection& conn, const char* sql) {
  PGARK_ASSIGN_OR_RETURN(PgResult r, conn.Exec(sql));
  std::set<std::string> out;
  for (int i = 0; i < r.rows(); ++i) out.insert(r.String(i, 0));
  return out;
}

// What kind of object a cluster-wide member creates, for messages and existence checks.
const char* ObjectWord(MemberKind kind) {
  switch (kind) {
    case MemberKind::kTablespace: return "tablespace";
    case MemberKind::kDatabase: return "database";
    default: return "role";
  }
}

class GlobalsApplier {
 public:
  GlobalsApplier(PgConnection& conn, const LoadedBackup& backup,
                 const GlobalsRestoreOptions& options, GlobalsRestoreResult& result)
      : conn_(conn), backup_(backup), update_(options.update_existing),
        locations_(options.tablespace_locations), only_database_(options.only_database),
        result_(result) {}

  absl::Status Run() {
    PGARK_ASSIGN_OR_RETURN(PgResult me, conn_.Exec("SELECT CURRENT_USER AS me"));
    me_ = me.String(0, 0);
    PGARK_ASSIGN_OR_RETURN(existing_[0], Names(conn_, "SELECT rolname FROM pg_catalog.pg_roles"));
    PGARK_ASSIGN_OR_RETURN(existing_[1],
                           Names(conn_, "SELECT spcname FROM pg_catalog.pg_tablespace"));
    PGARK_ASSIGN_OR_RETURN(existing_[2],
                           Names(conn_, "SELECT datname FROM pg_catalog.pg_database"));
    bool any = false;
    for (const MemberEntry& m : backup_.manifest.members) {
      if (!formats::IsClusterWide(m.kind)) continue;
      any = true;
      if (m.kind == MemberKind::kDatabase && only_database_ && *only_database_ != m.name) continue;
      PGARK_RETURN_IF_ERROR(Apply(m));
    }
    if (!any) {
      return absl::InvalidArgumentError(absl::StrCat(
          "backup \"", backup_.manifest.backup_file, "\" holds no globals (make one with "
          "`pgark backup globals`, or `backup full --with-globals`)"));
    }
    return absl::OkStatus();
  }

 private:
  std::set<std::string>& Existing(MemberKind kind) {
    return existing_[kind == MemberKind::kTablespace ? 1 : kind == MemberKind::kDatabase ? 2 : 0];
  }

  // Runs statements [from, end) of `sql`; false after the first that fails (a warning). A
  // tablespace given another directory is created there.
  bool RunStatements(const MemberEntry& m, const std::string& sql,
                     const std::vector<formats::SqlStatement>& statements, size_t from,
                     bool creates = true) {
    for (size_t i = from; i < statements.size(); ++i) {
      const formats::SqlStatement& s = statements[i];
      auto moved = locations_.find(m.name);
      const bool relocate =
          i == 0 && m.kind == MemberKind::kTablespace && moved != locations_.end();
      absl::Status done =
          conn_.Exec(relocate ? TablespaceCreateSql(m.name, moved->second)
                              : sql.substr(s.begin, s.end - s.begin))
              .status();
      if (done.ok()) continue;
      result_.warnings.push_back(absl::StrCat(
          formats::DescribeMember(m), ": ", formats::BoundedText(done.message(), 200),
          i == 0 && creates ? "; not created" : "; not all of its properties were restored"));
      return false;
    }
    return true;
  }

  absl::Status Apply(const MemberEntry& m) {
    PGARK_ASSIGN_OR_RETURN(const std::string sql, ReadMemberSql(backup_, m));
    PGARK_ASSIGN_OR_RETURN(std::vector<formats::SqlStatement> statements,
                           formats::SplitSqlStatements(sql));
    if (statements.empty()) return absl::OkStatus();
    // A membership belongs to its member, settings to their role: both follow it.
    const bool part = m.kind == MemberKind::kRoleMembership || m.kind == MemberKind::kRoleSettings;
    const std::string& owner = m.kind == MemberKind::kRoleMembership ? m.table : m.name;
    if (owner == me_ && m.kind != MemberKind::kTablespace && m.kind != MemberKind::kDatabase) {
      return absl::OkStatus();  // the restoring role is never changed
    }
    if (m.kind == MemberKind::kParameterAcl) {  // only where the parameter has no ACL yet
      absl::StatusOr<PgResult> set = conn_.ExecParams(
          "SELECT 1 FROM pg_catalog.pg_parameter_acl WHERE parname = $1", {m.name});
      if (update_ || (set.ok() && set->rows() == 0)) RunStatements(m, sql, statements, 0);
      return absl::OkStatus();
    }
    if (part) {
      if (!created_roles_.count(owner) && !update_) return absl::OkStatus();
      if (m.kind == MemberKind::kRoleSettings) {
        RunStatements(m, sql, statements, 0);
      } else if (Grant(m, sql.substr(statements[0].begin, statements[0].end - statements[0].begin))) {
        ++result_.memberships;
      }
      return absl::OkStatus();
    }
    const std::string what = absl::StrCat(ObjectWord(m.kind), " ", m.name);
    if (!Existing(m.kind).count(m.name)) {
      if (!RunStatements(m, sql, statements, 0) && !Exists(m)) return absl::OkStatus();
      Existing(m.kind).insert(m.name);
      if (m.kind == MemberKind::kRole) created_roles_.insert(m.name);
      result_.created.push_back(what);
    } else if (update_) {
      RunStatements(m, sql, statements, 1);
      result_.updated.push_back(what);
    } else if (m.kind == MemberKind::kDatabase) {
      RunSettingsOfCreatedRoles(m, sql, statements);
    }
    return absl::OkStatus();
  }

  // In a database that exists (left as it is), the settings of the roles this restore created:
  // ALTER ROLE r IN DATABASE d SET ...
  void RunSettingsOfCreatedRoles(const MemberEntry& m, const std::string& sql,
                                 const std::vector<formats::SqlStatement>& statements) {
    for (size_t i = 1; i < statements.size(); ++i) {
      const std::vector<formats::SqlToken>& t = statements[i].tokens;
      if (t.size() > 4 && t[0].Is("alter") && t[1].Is("role") && t[3].Is("in") &&
          created_roles_.count(t[2].text)) {
        RunStatements(m, sql, {statements[i]}, 0, /*creates=*/false);
      }
    }
  }

  // A membership's GRANT. A grantor this server does not accept (16+ wants one holding ADMIN on
  // the role; a source before 16 recorded any) is replaced by the restoring role, with a warning.
  bool Grant(const MemberEntry& m, const std::string& grant) {
    absl::Status done = conn_.Exec(grant).status();
    const size_t by = grant.rfind(" GRANTED BY ");
    if (!done.ok() && by != std::string::npos) {
      done = conn_.Exec(grant.substr(0, by)).status();
      if (done.ok()) {
        result_.warnings.push_back(absl::StrCat(
            formats::DescribeMember(m), ": granted by ", me_, " instead of", grant.substr(by + 11),
            ", which this server does not accept as its grantor"));
      }
    }
    if (!done.ok()) {
      result_.warnings.push_back(absl::StrCat(formats::DescribeMember(m), ": ",
                                              formats::BoundedText(done.message(), 200),
                                              "; not granted"));
    }
    return done.ok();
  }

  // Whether the object of `m` exists now (its CREATE ran but a later statement failed).
  bool Exists(const MemberEntry& m) {
    const char* sql = m.kind == MemberKind::kTablespace
                          ? "SELECT 1 FROM pg_catalog.pg_tablespace WHERE spcname = $1"
                      : m.kind == MemberKind::kDatabase
                          ? "SELECT 1 FROM pg_catalog.pg_database WHERE datname = $1"
                          : "SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = $1";
    absl::StatusOr<PgResult> r = conn_.ExecParams(sql, {m.name});
    return r.ok() && r->rows() == 1;
  }

  PgConnection& conn_;
  const LoadedBackup& backup_;
  const bool update_;
  const std::map<std::string, std::string>& locations_;
  const std::optional<std::string>& only_database_;
  GlobalsRestoreResult& result_;
  std::string me_;
  std::set<std::string> existing_[3];  // roles, tablespaces, databases
  std::set<std::string> created_roles_;
};

}  // namespace

absl::Status ApplyGlobals(PgConnection& conn, const LoadedBackup& backup,
                          const GlobalsRestoreOptions& options, GlobalsRestoreResult& result) {
  // The header's session settings first (an empty search_path: every name is qualified).
  const MemberEntry& header = backup.manifest.members.front();
  PGARK_ASSIGN_OR_RETURN(const std::string settings, ReadMemberSql(backup, header));
  PGARK_RETURN_IF_ERROR(conn.Exec(settings).status());
  return GlobalsApplier(conn, backup, options, result).Run();
}

absl::StatusOr<std::vector<std::string>> Missing(PgConnection& conn,
                                                 const std::vector<std::string>& needed,
                                                 const char* sql) {
  if (needed.empty()) return std::vector<std::string>{};
  PGARK_ASSIGN_OR_RETURN(std::set<std::string> there, Names(conn, sql));
  std::vector<std::string> missing;
  for (const std::string& n : needed) {
    if (!there.count(n)) missing.push_back(n);
  }
  return missing;
}

absl::StatusOr<std::vector<std::string>> MissingRoles(PgConnection& conn,
                                                      const formats::Manifest& manifest) {
  return Missing(conn, manifest.roles, "SELECT rolname FROM pg_catalog.pg_roles");
}

absl::StatusOr<std::vector<std::string>> MissingTablespaces(PgConnection& conn,
                                                            const formats::Manifest& manifest) {
  return Missing(conn, manifest.tablespaces, "SELECT spcname FROM pg_catalog.pg_tablespace");
}

absl::StatusOr<GlobalsRestoreResult> RestoreGlobals(const ConnectOptions& connect,
                                                    const GlobalsRestoreOptions& options) {
  const absl::Time start = absl::Now();
  PGARK_ASSIGN_OR_RETURN(LoadedBackup backup,
                         LoadBackup(options.backup_dir, options.backup_file, options.key));
  PGARK_RETURN_IF_ERROR(RequireKey(backup));
  if (backup.manifest.members.empty() ||
      backup.manifest.members.front().kind != MemberKind::kHeader) {
    return absl::DataLossError(
        absl::StrCat("backup \"", options.backup_file, "\" has no header member"));
  }
  PGARK_RETURN_IF_ERROR(VerifyChain({backup}));
  PGARK_RETURN_IF_ERROR(CheckCanonicalMembers(backup));
  PGARK_ASSIGN_OR_RETURN(PgConnection conn, PgConnection::Connect(connect));
  PGARK_RETURN_IF_ERROR(RequireNotOlderServer(backup.manifest, conn.server_version_num()));
  GlobalsRestoreResult result;
  result.backup_file = options.backup_file;
  PGARK_RETURN_IF_ERROR(ApplyGlobals(conn, backup, options, result));
  result.duration_ms = absl::ToInt64Milliseconds(absl::Now() - start);
  return result;
}

}  // namespace pgark::engine
