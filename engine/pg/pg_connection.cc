#include "engine/pg/pg_connection.h"

#include <algorithm>
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "engine/log.h"
#include "engine/pg/pg_status.h"
#include "formats/status_macros.h"

namespace pgark::engine {
namespace {

// Session settings shared by dump and restore sessions (pg_dump sets the same for the same
// reasons: exact floats, unambiguous dates and intervals, no surprises from search_path).
constexpr char kSessionSetup[] =
    "SELECT pg_catalog.set_config('search_path', 'pg_catalog', false);"
    "SET datestyle = ISO; SET intervalstyle = postgres; SET extra_float_digits = 3;"
    "SET client_min_messages = warning; SET standard_conforming_strings = on;";

}  // namespace

void PgConnection::CollectWarnings() {
  if (warnings_ != nullptr) return;
  warnings_ = std::make_unique<std::vector<std::string>>();
  PQsetNoticeReceiver(conn_.get(), &PgConnection::OnNotice, warnings_.get());
}

void PgConnection::OnNotice(void* warnings, const PGresult* notice) {
  const char* message = PQresultErrorField(notice, PG_DIAG_MESSAGE_PRIMARY);
  if (message == nullptr) return;
  auto& out = *static_cast<std::vector<std::string>*>(warnings);
  if (std::find(out.begin(), out.end(), message) == out.end()) out.emplace_back(message);
}

std::vector<std::string> PgConnection::TakeWarnings() {
  std::vector<std::string> out;
  if (warnings_ != nullptr) out.swap(*warnings_);
  return out;
}

absl::StatusOr<PgConnection> PgConnection::ConnectMaintenance(const ConnectOptions& target) {
  ConnectOptions admin = target;
  admin.dbname = "postgres";
  absl::StatusOr<PgConnection> conn = PgConnection::Connect(admin);
  if (conn.ok() || absl::IsUnauthenticated(conn.status())) return conn;
  admin.dbname = "template1";
  return PgConnection::Connect(admin);
}

absl::StatusOr<PgConnection> PgConnection::Connect(const ConnectOptions& options) {
  std::vector<const char*> keys;
  std::vector<const char*> values;
  if (!options.conninfo.empty()) {
    keys.push_back("dbname");  // expanded: a full conninfo string or URI
    values.push_back(options.conninfo.c_str());
  }
  if (!options.dbname.empty()) {
    keys.push_back("dbname");  // a later dbname overrides the one inside the conninfo
    values.push_back(options.dbname.c_str());
  }
  const std::string timeout = std::to_string(options.connect_timeout_seconds);
  if (options.connect_timeout_seconds > 0) {
    keys.push_back("connect_timeout");
    values.push_back(timeout.c_str());
  }
  keys.push_back("application_name");
  values.push_back(options.application_name.c_str());
  keys.push_back("client_encoding");
  values.push_back("UTF8");
  keys.push_back(nullptr);
  values.push_back(nullptr);
  PGconn* raw = PQconnectdbParams(keys.data(), values.data(), /*expand_dbname=*/1);
  if (raw == nullptr || PQstatus(raw) != CONNECTION_OK) {
    absl::Status s = StatusFromConnection(raw);
    if (raw != nullptr) PQfinish(raw);
    return s;
  }
  PgConnection conn(raw);
  if (conn.server_version_num() < 120000) {
    return absl::FailedPreconditionError(
        absl::StrCat("PostgreSQL ", conn.server_version_num() / 10000,
                     " is not supported; pgark needs PostgreSQL 12 or newer"));
  }
  PGARK_RETURN_IF_ERROR(conn.Exec(kSessionSetup));
  return conn;
}

absl::StatusOr<PgResult> PgConnection::Exec(absl::string_view sql) {
  PGARK_CHECK(!copy_active_);
  std::string text(sql);
  if (log::Enabled(log::Level::kDebug)) log::Write(log::Level::kDebug, "sql", log::ElideValues(sql));
  PgResult result(PQexec(conn_.get(), text.c_str()));
  PGARK_RETURN_IF_ERROR(StatusFromResult(result.get(), conn_.get(), sql));
  return result;
}

absl::StatusOr<PgResult> PgConnection::ExecParams(absl::string_view sql,
                                                  const std::vector<std::string>& params) {
  PGARK_CHECK(!copy_active_);
  std::string text(sql);
  if (log::Enabled(log::Level::kDebug)) {
    log::Write(log::Level::kDebug, "sql",
               absl::StrCat(log::ElideValues(sql), " (", params.size(), " values bound)"));
  }
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const std::string& p : params) values.push_back(p.c_str());
  PgResult result(PQexecParams(conn_.get(), text.c_str(), static_cast<int>(values.size()),
                               nullptr, values.data(), nullptr, nullptr, 0));
  PGARK_RETURN_IF_ERROR(StatusFromResult(result.get(), conn_.get(), sql));
  return result;
}

std::string DatabaseNameOf(const ConnectOptions& connect) {
  if (!connect.dbname.empty()) return connect.dbname;
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(connect.conninfo.c_str(), &error);
  if (error != nullptr) PQfreemem(error);
  std::string db, user;
  for (PQconninfoOption* o = options; o != nullptr && o->keyword != nullptr; ++o) {
    if (o->val == nullptr) continue;
    if (std::string(o->keyword) == "dbname") db = o->val;
    if (std::string(o->keyword) == "user") user = o->val;
  }
  if (options != nullptr) PQconninfoFree(options);
  const char* env_db = std::getenv("PGDATABASE");
  const char* env_user = std::getenv("PGUSER");
  if (db.empty() && env_db != nullptr) db = env_db;
  if (db.empty()) db = !user.empty() ? user : env_user != nullptr ? env_user : "";
  return db;
}

}  // namespace pgark::engine
