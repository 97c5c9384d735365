#include "formats/source.h"

#include "formats/status_macros.h"

namespace pgark::formats {

absl::StatusOr<uint64_t> Pump(Source& source, Sink& sink) {
  uint64_t total = 0;
  for (;;) {
    PGARK_ASSIGN_OR_RETURN(absl::string_view chunk, source.Read());
    if (chunk.empty()) return total;
    PGARK_RETURN_IF_ERROR(sink.Append(chunk));
    total += chunk.size();
  }
}

}  // namespace pgark::formats
