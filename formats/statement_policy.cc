#include "formats/statement_policy.h"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "formats/archive_writer.h"
#include "formats/bounded_text.h"
#include "formats/sql_lexer.h"
#include "formats/statement_parser.h"
#include "formats/status_macros.h"

namespace pgark::formats {
namespace {

// Tokens kept of a STATISTICS DATA statement: a call with every statistic of a column has
// about 130; one longer is refused.
constexpr size_t kMaxStatisticsTokens = 512;

using Tokens = std::vector<SqlToken>;

// Why a statement is refused; empty when it is allowed.
using Verdict = std::string;

// The DO block of a DATABASE PROPERTIES member, around its EXECUTE statements.
constexpr absl::string_view kDoPrologue =
    "\nDECLARE db text := pg_catalog.quote_ident(pg_catalog.current_database());\nBEGIN\n";
constexpr absl::string_view kDoEpilogue = "END\n";
// Stands for the database's name when the EXECUTEd statements are checked.
constexpr absl::string_view kTargetName = "\"pgark_target_database\"";

bool WordAt(const Tokens& t, size_t i, absl::string_view word) {
  return i < t.size() && t[i].Is(word);
}

// Index of the first `word` outside parentheses at or after `from`; t.size() if none.
size_t TopLevel(const Tokens& t, absl::string_view word, size_t from = 0) {
  for (size_t i = from; i < t.size(); ++i) {
    if (t[i].depth == 0 && t[i].Is(word)) return i;
  }
  return t.size();
}

// The object kind a CREATE of a member of `kind` may create, as lower-case words; empty if
// pgark writes no CREATE in such members.
std::vector<std::string> CreatedObject(MemberKind kind) {
  switch (kind) {
    case MemberKind::kShellType:
      return {"type"};
    case MemberKind::kViewDefinition:
      return {"view"};
    case MemberKind::kCheckConstraint: case MemberKind::kSequenceOwnedBy:
    case MemberKind::kConstraint: case MemberKind::kIndexAttach:
    case MemberKind::kReplicaIdentity: case MemberKind::kClusterOn:
    case MemberKind::kFkConstraint: case MemberKind::kRowSecurity: case MemberKind::kAcl:
    case MemberKind::kMaterializedViewData: case MemberKind::kSequenceSet:
    case MemberKind::kDefaultAcl: case MemberKind::kPredefinedAcl:
    case MemberKind::kDatabaseProperties: case MemberKind::kExtensionSequenceSet:
    case MemberKind::kLargeObjects: case MemberKind::kLargeObjectAcl:
      return {};
    default:
      return absl::StrSplit(absl::AsciiStrToLower(WireName(kind)), ' ');
  }
}

Verdict CheckCreate(const Tokens& t, MemberKind kind) {
  static const char* const kModifiers[] = {"or",   "replace", "unique",    "unlogged",
                                           "temp", "temporary", "trusted", "procedural",
                                           "default", "constraint", "recursive"};
  size_t i = 1;
  while (i < t.size() && t[i].kind == SqlToken::kWord &&
         std::find(std::begin(kModifiers), std::end(kModifiers), t[i].text) !=
             std::end(kModifiers)) {
    ++i;
  }
  const std::vector<std::string> object = CreatedObject(kind);
  if (object.empty()) return "a member of this kind creates nothing";
  for (size_t k = 0; k < object.size(); ++k) {
    if (!WordAt(t, i + k, object[k])) {
      return absl::StrCat("a ", WireName(kind), " member creates only a ",
                          absl::StrJoin(object, " "));
    }
  }
  if (object == std::vector<std::string>{"table"} && TopLevel(t, "as") < t.size()) {
    return "CREATE TABLE ... AS runs a query";
  }
  if (kind == MemberKind::kMaterializedView &&
      !(t.size() >= 3 && t[t.size() - 3].Is("with") && t[t.size() - 2].Is("no") &&
        t.back().Is("data"))) {
    return "a materialized view is created WITH NO DATA (its data member refreshes it)";
  }
  if (kind == MemberKind::kSubscription) {
    bool off = false;
    for (size_t k = 0; k + 2 < t.size(); ++k) {
      off = off || (t[k].Is("connect") && t[k + 1].text == "=" && t[k + 2].Is("false"));
    }
    if (!off) return "a subscription is created WITH (connect = false)";
  }
  return "";
}

Verdict CheckAlter(const Tokens& t, bool in_do) {
  const bool database = WordAt(t, 1, "database");
  const bool role = WordAt(t, 1, "role") || (WordAt(t, 1, "user") && !WordAt(t, 2, "mapping"));
  if (in_do && (database || (role && TopLevel(t, "in") < t.size() &&
                             WordAt(t, TopLevel(t, "in") + 1, "database")))) {
    return "";
  }
  if (database || role || WordAt(t, 1, "group") || WordAt(t, 1, "system") ||
      WordAt(t, 1, "tablespace")) {
    return absl::StrCat("ALTER ", t[1].text, " changes the cluster, not the restored objects");
  }
  if (WordAt(t, 1, "subscription") && TopLevel(t, "owner") == t.size()) {
    return "ALTER SUBSCRIPTION only changes its owner";
  }
  return "";
}

// GRANT and REVOKE of privileges ON an object; granting a role is refused.
Verdict CheckPrivileges(const Tokens& t) {
  const size_t on = TopLevel(t, "on");
  const size_t to = std::min(TopLevel(t, "to"), TopLevel(t, "from"));
  if (on < to) return "";
  return "GRANT and REVOKE only of privileges ON an object (not of a role)";
}

bool IsString(const Tokens& t, size_t i) {
  return i < t.size() && t[i].kind == SqlToken::kString && t[i].text.front() == '\'';
}
bool IsInteger(const Tokens& t, size_t& i) {
  if (i < t.size() && t[i].text == "-") ++i;
  return i < t.size() && t[i].kind == SqlToken::kNumber &&
         std::all_of(t[i].text.begin(), t[i].text.end(), absl::ascii_isdigit);
}

// SELECT pg_catalog.<function>(args) with each argument 's' (a string literal), 'n' (an
// integer) or 'b' (true or false), and nothing else.
bool IsCall(const Tokens& t, absl::string_view function, absl::string_view args) {
  if (!(WordAt(t, 1, "pg_catalog") && t.size() > 4 && t[2].text == "." && t[3].Is(function) &&
        t[4].text == "(")) {
    return false;
  }
  size_t i = 5;
  for (size_t a = 0; a < args.size(); ++a) {
    if (a > 0 && !(i < t.size() && t[i++].text == ",")) return false;
    const bool ok = args[a] == 's'   ? IsString(t, i)
                    : args[a] == 'n' ? IsInteger(t, i)
                                     : (WordAt(t, i, "true") || WordAt(t, i, "false"));
    if (!ok) return false;
    ++i;
  }
  return i + 1 == t.size() && t[i].text == ")";
}

// A type a planner statistic is cast to: integer, smallint, real, real[], boolean, text.
bool IsStatisticType(const Tokens& t, size_t& i) {
  if (WordAt(t, i, "real") && i + 2 < t.size() && t[i + 1].text == "[" && t[i + 2].text == "]") {
    i += 3;
    return true;
  }
  for (absl::string_view type : {"integer", "smallint", "real", "boolean", "text"}) {
    if (WordAt(t, i, type)) return ++i, true;
  }
  return false;
}

// SELECT pg_catalog.pg_restore_relation_stats(...) or pg_restore_attribute_stats(...) whose
// arguments are string literals, each possibly cast to a statistic's type ('1'::integer).
bool IsStatisticsCall(const Tokens& t) {
  if (!(WordAt(t, 1, "pg_catalog") && t.size() > 4 && t[2].text == "." &&
        (t[3].Is("pg_restore_relation_stats") || t[3].Is("pg_restore_attribute_stats")) &&
        t[4].text == "(")) {
    return false;
  }
  size_t i = 5;
  for (bool first = true; i < t.size() && t[i].text != ")"; first = false) {
    if (!first && t[i++].text != ",") return false;
    if (!IsString(t, i++)) return false;
    if (i + 1 < t.size() && t[i].text == ":" && t[i + 1].text == ":") {
      i += 2;
      if (!IsStatisticType(t, i)) return false;
    }
  }
  return i + 1 == t.size() && t[i].text == ")";
}

Verdict CheckSelect(const Tokens& t, MemberKind kind) {
  if (kind == MemberKind::kStatisticsData && IsStatisticsCall(t)) return "";
  if ((kind == MemberKind::kSequenceSet || kind == MemberKind::kExtensionSequenceSet) &&
      IsCall(t, "setval", "snb")) {
    return "";
  }
  if (kind == MemberKind::kLargeObjects &&
      (IsCall(t, "lo_create", "s") || IsCall(t, "lo_put", "sns"))) {
    return "";
  }
  return "SELECT only of pg_catalog.setval in SEQUENCE SET, lo_create/lo_put in LARGE OBJECTS "
         "and pg_restore_relation_stats/pg_restore_attribute_stats with literal arguments in "
         "STATISTICS DATA members";
}

Verdict CheckStatement(const Tokens& t, MemberKind kind, bool in_do);

bool IsName(const Tokens& t, size_t i) {
  return i < t.size() && (t[i].kind == SqlToken::kWord || t[i].kind == SqlToken::kQuotedName);
}

// `ALTER ROLE name <word>` (WITH its attributes, SET a setting, IN DATABASE d SET ...).
bool IsAlterRole(const Tokens& t, absl::string_view then) {
  return t.size() > 3 && t[0].Is("alter") && t[1].Is("role") && IsName(t, 2) && t[3].Is(then);
}

bool IsOn(const Tokens& t, absl::string_view object) {
  const size_t on = TopLevel(t, "on");
  return WordAt(t, on + 1, object) &&
         (t[0].Is("comment") || t[0].Is("grant") || t[0].Is("revoke") ||
          (t[0].Is("security") && WordAt(t, 1, "label")));
}

// The statements of a cluster-wide member (a globals backup's), by its kind.
Verdict CheckClusterStatement(const Tokens& t, MemberKind kind) {
  bool ok = false;
  switch (kind) {
    case MemberKind::kRole:
      ok = (t.size() == 3 && t[0].Is("create") && t[1].Is("role") && IsName(t, 2)) ||
           IsAlterRole(t, "with") || (IsOn(t, "role") && !t[0].Is("grant"));
      break;
    case MemberKind::kRoleMembership:  // GRANT role TO member: no ON
      ok = t[0].Is("grant") && TopLevel(t, "on") == t.size() && IsName(t, 1) &&
           WordAt(t, 2, "to");
      break;
    case MemberKind::kTablespace:
      ok = (WordAt(t, 0, "create") && WordAt(t, 1, "tablespace")) ||
           (WordAt(t, 0, "alter") && WordAt(t, 1, "tablespace") &&
            (WordAt(t, 3, "set") || WordAt(t, 3, "owner"))) ||
           IsOn(t, "tablespace");
      break;
    case MemberKind::kRoleSettings:
      ok = IsAlterRole(t, "set");
      break;
    case MemberKind::kParameterAcl:
      ok = (t[0].Is("grant") || t[0].Is("revoke")) && WordAt(t, TopLevel(t, "on") + 1, "parameter");
      break;
    case MemberKind::kDatabase:
      ok = (WordAt(t, 0, "create") && WordAt(t, 1, "database") && TopLevel(t, "as") == t.size()) ||
           (WordAt(t, 0, "alter") && WordAt(t, 1, "database")) ||
           (IsAlterRole(t, "in") && WordAt(t, 4, "database")) || IsOn(t, "database");
      break;
    default:
      break;
  }
  return ok ? "" : absl::StrCat("not a statement pgark writes in a ", WireName(kind), " member");
}

// A plain '...' literal's value ('' for a quote); nullopt for any other string form.
std::optional<std::string> LiteralValue(const SqlToken& token) {
  const std::string& s = token.text;
  if (token.kind != SqlToken::kString || s.size() < 2 || s.front() != '\'') return std::nullopt;
  return absl::StrReplaceAll(s.substr(1, s.size() - 2), {{"''", "'"}});
}

// DATABASE PROPERTIES: DO $tag$ <prologue> EXECUTE 'a' || db || 'b' ...; ... END $tag$.
Verdict CheckDo(const Tokens& t) {
  if (t.size() != 2 || t[1].kind != SqlToken::kString || t[1].text.front() != '$') {
    return "DO only as pgark writes it";
  }
  const std::string& quoted = t[1].text;
  const size_t tag = quoted.find('$', 1) + 1;
  absl::string_view body(quoted);
  body = body.substr(tag, body.size() - 2 * tag);
  if (!absl::ConsumePrefix(&body, kDoPrologue) || !absl::ConsumeSuffix(&body, kDoEpilogue)) {
    return "DO only as pgark writes it";
  }
  absl::StatusOr<std::vector<SqlStatement>> executes = SplitSqlStatements(body);
  if (!executes.ok() || executes->empty()) return "DO only as pgark writes it";
  for (const SqlStatement& e : *executes) {
    const Tokens& x = e.tokens;
    std::string statement;
    bool ok = !e.truncated && WordAt(x, 0, "execute") && x.size() % 4 == 2;
    for (size_t i = 1; ok && i < x.size(); i += 4) {
      std::optional<std::string> part = LiteralValue(x[i]);
      ok = part.has_value() && (i + 1 == x.size() || (x[i + 1].text == "||" &&
                                                       x[i + 2].Is("db") &&
                                                       x[i + 3].text == "||"));
      if (ok) absl::StrAppend(&statement, *part, i + 1 == x.size() ? "" : kTargetName);
    }
    if (!ok) return "DO only as pgark writes it (EXECUTE of literals and the database's name)";
    absl::StatusOr<std::vector<SqlStatement>> inner = SplitSqlStatements(statement);
    if (!inner.ok() || inner->size() != 1) return "DO EXECUTEs one statement at a time";
    Verdict v = CheckStatement(inner->front().tokens, MemberKind::kDatabaseProperties, true);
    if (!v.empty()) return absl::StrCat("in DO: ", v);
  }
  return "";
}

Verdict CheckStatement(const Tokens& t, MemberKind kind, bool in_do) {
  if (t.empty()) return "";
  if (IsClusterWide(kind)) return CheckClusterStatement(t, kind);
  const SqlToken& first = t.front();
  if (in_do && !(first.Is("alter") || first.Is("comment") || first.Is("grant") ||
                 first.Is("revoke"))) {
    return "a database's properties are ALTER, COMMENT, GRANT or REVOKE";
  }
  if (first.Is("create")) return CheckCreate(t, kind);
  if (first.Is("alter")) return CheckAlter(t, in_do);
  if ((first.Is("comment") && WordAt(t, 1, "on")) ||
      (first.Is("security") && WordAt(t, 1, "label"))) {
    return "";
  }
  if (first.Is("grant") || first.Is("revoke")) return CheckPrivileges(t);
  if (first.Is("refresh") && WordAt(t, 1, "materialized") &&
      kind == MemberKind::kMaterializedViewData) {
    return "";
  }
  if (first.Is("select")) return CheckSelect(t, kind);
  if (first.Is("set") && (kind == MemberKind::kIndex || kind == MemberKind::kConstraint) &&
      t.size() == 4 && t[1].Is("default_tablespace") && t[2].text == "=" && IsString(t, 3)) {
    return "";  // the index's tablespace, as pg_dump sets it, and back
  }
  if (first.Is("do") && kind == MemberKind::kDatabaseProperties && !in_do) return CheckDo(t);
  return absl::StrCat("pgark writes no ", absl::AsciiStrToUpper(first.text),
                      " statement in a ", WireName(kind), " member");
}

// The node types of a cluster-wide member's statements.
bool ClusterNodeType(absl::string_view type, MemberKind kind) {
  switch (kind) {
    case MemberKind::kRole:
      return type == "CreateRoleStmt" || type == "AlterRoleStmt" || type == "CommentStmt" ||
             type == "SecLabelStmt";
    case MemberKind::kRoleMembership:
      return type == "GrantRoleStmt";
    case MemberKind::kTablespace:
      return type == "CreateTableSpaceStmt" || type == "AlterTableSpaceOptionsStmt" ||
             type == "AlterOwnerStmt" ||
             type == "GrantStmt" || type == "CommentStmt";
    case MemberKind::kRoleSettings:
      return type == "AlterRoleSetStmt";
    case MemberKind::kParameterAcl:
      return type == "GrantStmt";
    case MemberKind::kDatabase:
      return type == "CreatedbStmt" || type == "AlterDatabaseStmt" ||
             type == "AlterDatabaseSetStmt" || type == "AlterRoleSetStmt" ||
             type == "AlterOwnerStmt" || type == "GrantStmt" || type == "CommentStmt";
    default:
      return false;
  }
}

// PostgreSQL's parser's node type of a statement, against what a member of `kind` may hold.
Verdict CheckNodeType(absl::string_view type, MemberKind kind) {
  if (IsClusterWide(kind)) {
    if (ClusterNodeType(type, kind)) return "";
    return absl::StrCat("PostgreSQL's parser reads a ", type, ", which pgark does not write in a ",
                        WireName(kind), " member");
  }
  static constexpr absl::string_view kNever[] = {
      "TransactionStmt", "CopyStmt", "VariableShowStmt", "DropdbStmt",
      "CreatedbStmt", "AlterDatabaseStmt", "AlterDatabaseSetStmt", "CreateRoleStmt",
      "AlterRoleStmt", "AlterRoleSetStmt", "DropRoleStmt", "GrantRoleStmt", "AlterSystemStmt",
      "LoadStmt", "CallStmt", "DropStmt", "DeleteStmt", "UpdateStmt", "InsertStmt", "MergeStmt",
      "TruncateStmt", "ExecuteStmt", "PrepareStmt", "DeallocateStmt", "DeclareCursorStmt",
      "FetchStmt", "ClosePortalStmt", "ListenStmt", "NotifyStmt", "UnlistenStmt", "LockStmt",
      "VacuumStmt", "ClusterStmt", "ReindexStmt", "CheckPointStmt", "DiscardStmt",
      "ReassignOwnedStmt", "DropOwnedStmt", "CreateTableSpaceStmt", "DropTableSpaceStmt",
      "AlterTableSpaceOptionsStmt", "AlterTableMoveAllStmt", "ImportForeignSchemaStmt",
      "ExplainStmt", "ConstraintsSetStmt", "AlterSubscriptionStmt", "DropSubscriptionStmt"};
  const bool only_in =
      (type == "DoStmt" && kind != MemberKind::kDatabaseProperties) ||
      (type == "SelectStmt" && kind != MemberKind::kSequenceSet &&
       kind != MemberKind::kExtensionSequenceSet && kind != MemberKind::kLargeObjects &&
       kind != MemberKind::kStatisticsData) ||
      (type == "RefreshMatViewStmt" && kind != MemberKind::kMaterializedViewData) ||
      (type == "VariableSetStmt" && kind != MemberKind::kIndex &&
       kind != MemberKind::kConstraint) ||
      (type == "CreateTableAsStmt" && kind != MemberKind::kMaterializedView);
  if (only_in || std::find(std::begin(kNever), std::end(kNever), type) != std::end(kNever)) {
    return absl::StrCat("PostgreSQL's parser reads a ", type, ", which pgark does not write in a ",
                        WireName(kind), " member");
  }
  return "";
}

// The parser's view of a member the lexer split into `statements`; empty when they agree.
Verdict CheckWithParser(absl::string_view sql, MemberKind kind,
                        const std::vector<SqlStatement>& statements) {
  absl::StatusOr<std::vector<std::string>> types = ParseStatementTypes(sql);
  if (!types.ok()) return std::string(types.status().message());
  if (types->size() != statements.size()) {
    return absl::StrCat("PostgreSQL's parser finds ", types->size(), " statements where pgark's "
                        "lexer finds ", statements.size());
  }
  for (const std::string& type : *types) {
    if (Verdict v = CheckNodeType(type, kind); !v.empty()) return v;
  }
  return "";
}

}  // namespace

bool HoldsSchemaStatements(MemberKind kind) {
  return kind != MemberKind::kHeader && kind != MemberKind::kIncrementalGuard &&
         SectionOf(kind) != Section::kData;
}

absl::Status CheckMemberStatements(const MemberEntry& member, absl::string_view sql,
                                   int server_version_num) {
  // A statistics call is checked argument by argument: all its tokens are kept.
  absl::StatusOr<std::vector<SqlStatement>> statements = SplitSqlStatements(
      sql, member.kind == MemberKind::kStatisticsData ? kMaxStatisticsTokens : kMaxSqlTokens);
  if (!statements.ok()) {
    return absl::DataLossError(absl::StrCat(DescribeMember(member), " holds SQL pgark does not write: ",
                                            statements.status().message()));
  }
  for (const SqlStatement& s : *statements) {
    Verdict v = s.truncated && member.kind == MemberKind::kStatisticsData
                    ? "a statistics call longer than any pgark writes"
                    : CheckStatement(s.tokens, member.kind, /*in_do=*/false);
    if (v.empty()) continue;
    return absl::DataLossError(absl::StrCat(
        DescribeMember(member), " holds a statement pgark does not write (", v, "): \"",
        BoundedText(sql.substr(s.begin, s.end - s.begin), 80), "\"; refused"));
  }
  const int major = server_version_num / 10000;
  if (major > 0 && major <= ParserMajorVersion() && sql.size() <= kMaxParsedBytes) {
    if (Verdict v = CheckWithParser(sql, member.kind, *statements); !v.empty()) {
      return absl::DataLossError(absl::StrCat(DescribeMember(member),
                                              " holds SQL pgark does not write (", v,
                                              "); refused"));
    }
  }
  return absl::OkStatus();
}

absl::Status StatementCheckSink::Transform(absl::string_view data) {
  if (text_.size() + data.size() > kMaxSchemaMemberBytes) {
    return absl::DataLossError(absl::StrCat(DescribeMember(member_), " is larger than the ",
                                            kMaxSchemaMemberBytes, " bytes a schema member may "
                                            "hold; refused"));
  }
  text_.append(data.data(), data.size());
  return Forward(data);
}

absl::Status StatementCheckSink::Finish() {
  return CheckMemberStatements(member_, text_, server_version_num_);
}

}  // namespace pgark::formats
