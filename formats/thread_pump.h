// Two-stage pipelines across threads. `PumpThroughThread` runs a producer (e.g. reading,
// decrypting and inflating an archive member) on its own thread while the calling thread hands
// what it produces to a consumer (e.g. a COPY FROM STDIN), so that both stages run at once.
// The chunks travel through a bounded queue: memory stays at `max_chunks` chunks.
#ifndef PGARK_FORMATS_THREAD_PUMP_H_
#define PGARK_FORMATS_THREAD_PUMP_H_

#include <cstddef>
#include <functional>

#include "absl/status/status.h"
#include "formats/sink.h"

namespace pgark::formats {

// Calls `produce(sink)` on a new thread; every Append to that sink reaches `consume.Append` on
// the calling thread, in order (`consume` is not closed). Returns the first error of either
// side; when the consumer fails, the producer's next Append returns kCancelled so it stops.
absl::Status PumpThroughThread(const std::function<absl::Status(Sink&)>& produce, Sink& consume,
                               size_t max_chunks = 8);

}  // namespace pgark::formats

#endif  // PGARK_FORMATS_THREAD_PUMP_H_
