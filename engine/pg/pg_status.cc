#include "engine/pg/pg_status.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace pgark::engine {
namespace {

std::string FirstLine(absl::string_view text) {
  text = absl::StripAsciiWhitespace(text);
  size_t nl = text.find('\n');
  return std::string(nl == absl::string_view::npos ? text : text.substr(0, nl));
}

}  // namespace

std::string ConnectionErrorLine(PGconn* conn) { return FirstLine(PQerrorMessage(conn)); }

namespace {

std::string Shorten(absl::string_view sql) {
  std::string s(absl::StripAsciiWhitespace(sql));
  for (char& c : s) {
    if (c == '\n' || c == '\t') c = ' ';
  }
  if (s.size() > 200) s = absl::StrCat(s.substr(0, 200), "...");
  return s;
}

}  // namespace

absl::StatusCode CodeForSqlState(absl::string_view s) {
  if (s.size() != 5) return absl::StatusCode::kInternal;
  absl::string_view cls = s.substr(0, 2);
  if (cls == "08") return absl::StatusCode::kUnavailable;
  if (cls == "28") return absl::StatusCode::kUnauthenticated;
  if (s == "42501") return absl::StatusCode::kPermissionDenied;
  if (s == "3F000" || s == "42P01" || s == "3D000" || s == "42883" || s == "42704") {
    return absl::StatusCode::kNotFound;
  }
  if (s == "42P07" || s == "42710" || s == "42P06" || s == "42723" || s == "23505") {
    return absl::StatusCode::kAlreadyExists;
  }
  if (s == "40001" || s == "40P01") return absl::StatusCode::kAborted;
  if (s == "57014") return absl::StatusCode::kCancelled;
  if (cls == "22") return absl::StatusCode::kInvalidArgument;
  if (cls == "23" || cls == "42" || cls == "55" || cls == "0A") {
    return absl::StatusCode::kFailedPrecondition;
  }
  if (cls == "53") return absl::StatusCode::kResourceExhausted;
  if (cls == "57") return absl::StatusCode::kUnavailable;
  return absl::StatusCode::kInternal;
}

absl::Status StatusFromResult(const PGresult* result, PGconn* conn, absl::string_view sql) {
  if (result == nullptr) {
    absl::Status s(PQstatus(conn) == CONNECTION_OK ? absl::StatusCode::kInternal
                                                   : absl::StatusCode::kUnavailable,
                   absl::StrCat("lost the server: ", FirstLine(PQerrorMessage(conn))));
    return s;
  }
  switch (PQresultStatus(result)) {
    case PGRES_COMMAND_OK:
    case PGRES_TUPLES_OK:
    case PGRES_COPY_IN:
    case PGRES_COPY_OUT:
    case PGRES_EMPTY_QUERY:
      return absl::OkStatus();
    default:
      break;
  }
  const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
  const char* primary = PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
  const char* detail = PQresultErrorField(result, PG_DIAG_MESSAGE_DETAIL);
  std::string sqlstate = state != nullptr ? state : "";
  std::string text = primary != nullptr ? primary : FirstLine(PQresultErrorMessage(result));
  if (text.empty()) text = FirstLine(PQerrorMessage(conn));
  if (detail != nullptr) absl::StrAppend(&text, " (", FirstLine(detail), ")");
  if (!sqlstate.empty()) absl::StrAppend(&text, " [SQLSTATE ", sqlstate, "]");
  if (!sql.empty()) absl::StrAppend(&text, " in \"", Shorten(sql), "\"");
  absl::StatusCode code = sqlstate.empty()
                              ? (PQstatus(conn) == CONNECTION_OK ? absl::StatusCode::kInternal
                                                                 : absl::StatusCode::kUnavailable)
                              : CodeForSqlState(sqlstate);
  absl::Status status(code, text);
  if (!sqlstate.empty()) status.SetPayload(kSqlStatePayloadUrl, absl::Cord(sqlstate));
  return status;
}

absl::Status StatusFromConnection(PGconn* conn) {
  std::string message = conn != nullptr ? FirstLine(PQerrorMessage(conn)) : "out of memory";
  // libpq prefixes "connection to server ... failed: "; keep it, it names the target.
  bool auth = conn != nullptr && (PQconnectionNeedsPassword(conn) ||
                                  absl::StrContains(message, "authentication failed") ||
                                  absl::StrContains(message, "no password supplied") ||
                                  absl::StrContains(message, "no pg_hba.conf entry"));
  if (auth) {
    return absl::UnauthenticatedError(absl::StrCat(
        "cannot log in to PostgreSQL: ", message,
        " (check the user and password in --db / DATABASE_URL / PGPASSWORD)"));
  }
  if (absl::StrContains(message, "database \"") && absl::StrContains(message, "does not exist")) {
    return absl::NotFoundError(absl::StrCat("cannot connect to PostgreSQL: ", message,
                                            " (create it first, or pick another with --db / "
                                            "--target-db)"));
  }
  return absl::UnavailableError(absl::StrCat("cannot connect to PostgreSQL: ", message));
}

std::optional<std::string> SqlStateOf(const absl::Status& status) {
  auto payload = status.GetPayload(kSqlStatePayloadUrl);
  if (!payload.has_value()) return std::nullopt;
  return std::string(payload->Flatten());
}

}  // namespace pgark::engine
