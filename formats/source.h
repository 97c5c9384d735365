// `Source` is the pull end of a byte pipeline: files, archive members and COPY TO STDOUT
// streams. `Pump` moves a Source into a Sink. A Source is used by one thread at a time.
#ifndef PGARK_FORMATS_SOURCE_H_
#define PGARK_FORMATS_SOURCE_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "formats/sink.h"

namespace pgark::formats {

class Source {
 public:
  virtual ~Source() = default;

  // Returns the next chunk. The view stays valid until the next `Read()` (zero-copy: a COPY
  // source hands back libpq's buffer). An empty view means end of stream; reading again after
  // that keeps returning empty. Errors are sticky.
  virtual absl::StatusOr<absl::string_view> Read() = 0;
};

// Reads `source` to its end and appends every chunk to `sink` (without closing it). Returns
// the number of bytes moved, or the first error of either side.
absl::StatusOr<uint64_t> Pump(Source& source, Sink& sink);

}  // namespace pgark::formats

#endif  // PGARK_FORMATS_SOURCE_H_
