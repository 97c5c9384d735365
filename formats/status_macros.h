// Status helpers shared by every layer: early-return macros, context annotation and a
// release-mode invariant check. Header-only; no threading concerns.
#ifndef PGARK_FORMATS_STATUS_MACROS_H_
#define PGARK_FORMATS_STATUS_MACROS_H_

#include <cstdio>
#include <cstdlib>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace pgark {

// Returns `status` with `context` prepended to its message ("context: message"), keeping the
// code and every payload. An OK status is returned unchanged.
inline absl::Status Annotate(const absl::Status& status, absl::string_view context) {
  if (status.ok() || context.empty()) return status;
  absl::Status annotated(status.code(), absl::StrCat(context, ": ", status.message()));
  status.ForEachPayload([&annotated](absl::string_view url, const absl::Cord& payload) {
    annotated.SetPayload(url, payload);
  });
  return annotated;
}

namespace internal {
inline const absl::Status& ToStatus(const absl::Status& s) { return s; }
template <typename T>
const absl::Status& ToStatus(const absl::StatusOr<T>& s) {
  return s.status();
}
}  // namespace internal

}  // namespace pgark

#define PGARK_STATUS_CONCAT_INNER_(a, b) a##b
#define PGARK_STATUS_CONCAT_(a, b) PGARK_STATUS_CONCAT_INNER_(a, b)

// Evaluates `expr` (a Status or StatusOr) and returns its status from the enclosing function
// if it is not OK.
#define PGARK_RETURN_IF_ERROR(expr)                                           \
  do {                                                                        \
    const absl::Status pgark_status_ = ::pgark::internal::ToStatus((expr));   \
    if (!pgark_status_.ok()) return pgark_status_;                            \
  } while (0)

// `lhs` = the value of the StatusOr `rexpr`, or return its error status.
#define PGARK_ASSIGN_OR_RETURN(lhs, rexpr) \
  PGARK_ASSIGN_OR_RETURN_IMPL_(PGARK_STATUS_CONCAT_(pgark_statusor_, __LINE__), lhs, rexpr)
#define PGARK_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, rexpr) \
  auto statusor = (rexpr);                                 \
  if (!statusor.ok()) return std::move(statusor).status(); \
  lhs = std::move(statusor).value()

// An invariant that must hold in release builds too; aborts with a message otherwise.
#define PGARK_CHECK(cond)                                                          \
  do {                                                                             \
    if (!(cond)) {                                                                 \
      std::fprintf(stderr, "pgark: check failed at %s:%d: %s\n", __FILE__, __LINE__, \
                   #cond);                                                         \
      std::abort();                                                                \
    }                                                                              \
  } while (0)

#endif  // PGARK_FORMATS_STATUS_MACROS_H_
