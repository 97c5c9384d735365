#include "formats/sink.h"

namespace pgark::formats {

absl::Status ForwardingSink::Fail(absl::Status status) {
  if (status_.ok()) status_ = std::move(status);
  return status_;
}

absl::Status ForwardingSink::Append(absl::string_view data) {
  if (!status_.ok()) return status_;
  if (closed_) return Fail(absl::FailedPreconditionError("append after close"));
  if (data.empty()) return absl::OkStatus();
  absl::Status s = Transform(data);
  if (!s.ok()) return Fail(std::move(s));
  return absl::OkStatus();
}

absl::Status ForwardingSink::Close() {
  if (closed_ || !status_.ok()) return status_;
  closed_ = true;
  absl::Status s = Finish();
  if (s.ok() && close_downstream_) s = downstream_->Close();
  if (!s.ok()) return Fail(std::move(s));
  return absl::OkStatus();
}

}  // namespace pgark::formats
