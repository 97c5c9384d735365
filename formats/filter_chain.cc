#include "formats/filter_chain.h"

namespace pgark::formats {

absl::Status FilterChain::Open(std::unique_ptr<Sink> terminal) {
  owned_terminal_ = std::move(terminal);
  return Open(owned_terminal_.get(), /*close_terminal=*/true);
}

absl::Status FilterChain::Open(Sink* terminal, bool close_terminal) {
  if (head_ != nullptr) return absl::FailedPreconditionError("filter chain opened twice");
  if (terminal == nullptr) return absl::InvalidArgumentError("filter chain needs a terminal sink");
  close_terminal_ = close_terminal;
  Sink* next = terminal;
  for (auto it = filters_.rbegin(); it != filters_.rend(); ++it) {
    (*it)->set_downstream(next);
    next = it->get();
  }
  if (!filters_.empty()) filters_.back()->set_close_downstream(close_terminal);
  head_ = next;
  return absl::OkStatus();
}

absl::Status FilterChain::Append(absl::string_view data) {
  if (head_ == nullptr) return absl::FailedPreconditionError("filter chain used before Open");
  return head_->Append(data);
}

absl::Status FilterChain::Close() {
  if (head_ == nullptr) return absl::FailedPreconditionError("filter chain used before Open");
  // With no filters the head is the terminal itself.
  if (filters_.empty() && !close_terminal_) return absl::OkStatus();
  return head_->Close();
}

}  // namespace pgark::formats
