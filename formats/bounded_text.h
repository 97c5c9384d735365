// Bounds on text that echoes untrusted input back (error messages, warnings, the audit log):
// a 5 MB table name must not come back as a 5 MB error.
#ifndef PGARK_FORMATS_BOUNDED_TEXT_H_
#define PGARK_FORMATS_BOUNDED_TEXT_H_

#include <cstddef>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace pgark::formats {

inline constexpr size_t kMaxEchoedBytes = 200;    // one echoed value (a name, an argument)
inline constexpr size_t kMaxMessageBytes = 2000;  // one message or warning
inline constexpr size_t kMaxListedItems = 100;    // items of a list in a result

// `text` cut to at most `max_bytes` (never inside a UTF-8 character), with "..." and the
// number of bytes left out when it was cut.
std::string BoundedText(absl::string_view text, size_t max_bytes);

// The first kMaxListedItems of `items`, each bounded to kMaxMessageBytes, then one item saying
// how many were left out.
std::vector<std::string> BoundedList(const std::vector<std::string>& items);

}  // namespace pgark::formats

#endif  // PGARK_FORMATS_BOUNDED_TEXT_H_
