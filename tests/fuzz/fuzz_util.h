// Helpers shared by the libFuzzer targets: feeding input to a Sink in chunks the input itself
// chooses, so that every chunk boundary is tried.
#ifndef PGARK_TESTS_FUZZ_FUZZ_UTIL_H_
#define PGARK_TESTS_FUZZ_FUZZ_UTIL_H_

#include <cstddef>
#include <cstdint>
#include <functional>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace pgark::fuzz {

// Splits `data` after its first byte into chunks of 1 to 64 bytes (the first byte seeds the
// sizes) and passes each to `append` until one fails.
inline absl::Status FeedInChunks(const uint8_t* data, size_t size,
                                 const std::function<absl::Status(absl::string_view)>& append) {
  if (size == 0) return absl::OkStatus();
  unsigned state = data[0];
  absl::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
  while (!rest.empty()) {
    state = state * 1103515245u + 12345u;
    const size_t n = std::min<size_t>(rest.size(), 1 + (state >> 16) % 64);
    if (absl::Status s = append(rest.substr(0, n)); !s.ok()) return s;
    rest.remove_prefix(n);
  }
  return absl::OkStatus();
}

inline absl::string_view AsText(const uint8_t* data, size_t size) {
  return absl::string_view(reinterpret_cast<const char*>(data), size);
}

}  // namespace pgark::fuzz

#endif  // PGARK_TESTS_FUZZ_FUZZ_UTIL_H_
