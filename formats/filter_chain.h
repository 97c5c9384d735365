// `FilterChain` assembles filters (taps and transforms, all `ForwardingSink`s) in data order
// in front of a terminal Sink, and is itself a Sink. pgBackRest's IoFilterGroup, rebuilt as
// push-style decorators: a transform pushes each output chunk downstream inside its own loop,
// so memory stays bounded however much one input chunk expands.
//
//   FilterChain chain;
//   Sha256Tap* raw_sha = chain.Add<Sha256Tap>();
//   chain.Add<GzipCompressor>(GzipOptions{});
//   PGARK_RETURN_IF_ERROR(chain.Open(std::move(file_sink)));
//   ... chain.Append(...) ...; PGARK_RETURN_IF_ERROR(chain.Close());
//   raw_sha->HexDigest();
//
// Not thread-safe; one writer at a time.
#ifndef PGARK_FORMATS_FILTER_CHAIN_H_
#define PGARK_FORMATS_FILTER_CHAIN_H_

#include <memory>
#include <utility>
#include <vector>

#include "formats/sink.h"

namespace pgark::formats {

class FilterChain : public Sink {
 public:
  FilterChain() = default;
  FilterChain(const FilterChain&) = delete;
  FilterChain& operator=(const FilterChain&) = delete;

  // Appends a filter constructed from `args`. The returned pointer is owned by the chain and
  // stays valid for its lifetime, so results (digests, counts) can be read after `Close()`.
  // REQUIRES: `Open` has not been called.
  template <typename T, typename... Args>
  T* Add(Args&&... args) {
    auto filter = std::make_unique<T>(std::forward<Args>(args)...);
    T* raw = filter.get();
    filters_.push_back(std::move(filter));
    return raw;
  }

  // Appends a filter that was built elsewhere (e.g. by a factory that can fail).
  template <typename T>
  T* Adopt(std::unique_ptr<T> filter) {
    T* raw = filter.get();
    filters_.push_back(std::move(filter));
    return raw;
  }

  // Attaches the terminal sink, which the chain then owns and closes.
  absl::Status Open(std::unique_ptr<Sink> terminal);
  // Attaches a terminal sink the chain does not own. `Close()` closes it only when
  // `close_terminal` is true; archive members leave the shared file open.
  absl::Status Open(Sink* terminal, bool close_terminal);

  absl::Status Append(absl::string_view data) override;
  // Closes front to back: each trailer reaches the next stage before that stage closes.
  absl::Status Close() override;

 private:
  std::vector<std::unique_ptr<ForwardingSink>> filters_;
  std::unique_ptr<Sink> owned_terminal_;
  Sink* head_ = nullptr;
  bool close_terminal_ = true;
};

}  // namespace pgark::formats

#endif  // PGARK_FORMATS_FILTER_CHAIN_H_
