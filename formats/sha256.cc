#include "formats/sha256.h"

#include <openssl/evp.h>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "formats/openssl_error.h"
#include "formats/status_macros.h"

namespace pgark::formats {

struct Sha256::Ctx {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> md{EVP_MD_CTX_new(), &EVP_MD_CTX_free};
};

Sha256::Sha256() : ctx_(std::make_unique<Ctx>()) {
  if (ctx_->md == nullptr) {
    status_ = OpenSslError("EVP_MD_CTX_new");
  } else if (EVP_DigestInit_ex(ctx_->md.get(), EVP_sha256(), nullptr) != 1) {
    status_ = OpenSslError("EVP_DigestInit_ex");
  }
}
Sha256::~Sha256() = default;
Sha256::Sha256(Sha256&&) noexcept = default;
Sha256& Sha256::operator=(Sha256&&) noexcept = default;

absl::Status Sha256::Update(absl::string_view data) {
  if (!status_.ok()) return status_;
  if (EVP_DigestUpdate(ctx_->md.get(), data.data(), data.size()) != 1) {
    status_ = OpenSslError("EVP_DigestUpdate");
  }
  return status_;
}

absl::StatusOr<std::string> Sha256::HexDigest() {
  if (!status_.ok()) return status_;
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(ctx_->md.get(), digest, &len) != 1) {
    status_ = OpenSslError("EVP_DigestFinal_ex");
    return status_;
  }
  status_ = absl::FailedPreconditionError("sha256 already finalised");
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest), len));
}

absl::Status Sha256Tap::Transform(absl::string_view data) {
  PGARK_RETURN_IF_ERROR(sha_.Update(data));
  return Forward(data);
}

absl::Status Sha256Tap::Finish() {
  PGARK_ASSIGN_OR_RETURN(hex_, sha_.HexDigest());
  return absl::OkStatus();
}

absl::StatusOr<std::string> Sha256Hex(absl::string_view data) {
  Sha256 sha;
  PGARK_RETURN_IF_ERROR(sha.Update(data));
  return sha.HexDigest();
}

}  // namespace pgark::formats
