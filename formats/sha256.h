// SHA-256 over byte streams (OpenSSL EVP). `Sha256Tap` observes a stream and passes it on
// unchanged; `Sha256Hex` hashes a small buffer in one call. Digests are lowercase hex.
#ifndef PGARK_FORMATS_SHA256_H_
#define PGARK_FORMATS_SHA256_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "formats/sink.h"

namespace pgark::formats {

// Incremental SHA-256. Returns kInternal (with OpenSSL's error text) if an EVP call fails.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(Sha256&&) noexcept;
  Sha256& operator=(Sha256&&) noexcept;

  absl::Status Update(absl::string_view data);
  // Finalises and returns the hex digest; the object may not be updated afterwards.
  absl::StatusOr<std::string> HexDigest();

 private:
  struct Ctx;
  std::unique_ptr<Ctx> ctx_;
  absl::Status status_;
};

class Sha256Tap : public ForwardingSink {
 public:
  // The digest of everything appended. REQUIRES: `Close()` returned OK.
  const std::string& HexDigest() const { return hex_; }

 protected:
  absl::Status Transform(absl::string_view data) override;
  absl::Status Finish() override;

 private:
  Sha256 sha_;
  std::string hex_;
};

// One-shot digest of `data`.
absl::StatusOr<std::string> Sha256Hex(absl::string_view data);

}  // namespace pgark::formats

#endif  // PGARK_FORMATS_SHA256_H_
