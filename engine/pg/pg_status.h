// Turns libpq failures into absl::Status in exactly one place. The SQLSTATE is kept both in
// the message and as a payload under `kSqlStatePayloadUrl`, so callers can branch on it.
#ifndef PGARK_ENGINE_PG_PG_STATUS_H_
#define PGARK_ENGINE_PG_PG_STATUS_H_

#include <libpq-fe.h>

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace pgark::engine {

inline constexpr char kSqlStatePayloadUrl[] = "pgark/sqlstate";

// The canonical code for a SQLSTATE (STYLE.md B7): class 08 and 57 kUnavailable (57014
// kCancelled), 28 kUnauthenticated, 42501 kPermissionDenied, undefined objects (3D000, 3F000,
// 42P01, 42704, 42883) kNotFound, duplicates (23505, 42P06, 42P07, 42710, 42723)
// kAlreadyExists,
// 40001/40P01 kAborted, class 22 kInvalidArgument, other 23/42/55/0A kFailedPrecondition,
// 53 kResourceExhausted, anything else kInternal.
absl::StatusCode CodeForSqlState(absl::string_view sqlstate);

// Status of a finished command. OK for PGRES_COMMAND_OK / TUPLES_OK / COPY_* states. Otherwise
// the server's message, SQLSTATE and (for context) the statement, truncated to 200 characters.
absl::Status StatusFromResult(const PGresult* result, PGconn* conn, absl::string_view sql);

// Status for a failed connection attempt: kUnauthenticated for authentication failures,
// kNotFound when the database does not exist, kUnavailable otherwise. The message is libpq's first line; it never contains the password.
absl::Status StatusFromConnection(PGconn* conn);

// The first line of libpq's last error on `conn` (its messages may span lines after a lost
// connection): errors are one line.
std::string ConnectionErrorLine(PGconn* conn);

// The SQLSTATE payload of `status`, if any.
std::optional<std::string> SqlStateOf(const absl::Status& status);

}  // namespace pgark::engine

#endif  // PGARK_ENGINE_PG_PG_STATUS_H_
