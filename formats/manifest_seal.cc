#include "formats/manifest_seal.h"

#include <algorithm>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "formats/status_macros.h"

namespace pgark::formats {
namespace {

constexpr int kSealedFormatVersion = 4;

// What the file shows beside the sealed copy. EncodeManifest writes only the public fields of
// a manifest with `sealed` set, so the public view is the manifest itself with its seal.
Manifest PublicView(const Manifest& full, std::string sealed) {
  Manifest m = full;
  m.members.clear();
  m.sealed = std::move(sealed);
  return m;
}

absl::Status Refused(const Manifest& outer, absl::string_view why) {
  return absl::DataLossError(absl::StrCat("manifest of \"", outer.backup_file, "\" ", why,
                                          ": refused"));
}

}  // namespace

absl::StatusOr<Manifest> SealManifest(const Manifest& full,
                                      std::shared_ptr<const EncryptionKey> key) {
  Manifest inner = full;
  inner.sealed.clear();
  inner.format_version = std::max(inner.format_version, kSealedFormatVersion);
  PGARK_ASSIGN_OR_RETURN(std::string container,
                         EncryptBytes(EncodeManifest(inner), std::move(key)));
  return PublicView(inner, absl::Base64Escape(container));
}

absl::StatusOr<Manifest> UnsealManifest(const Manifest& outer,
                                        std::shared_ptr<const EncryptionKey> key) {
  if (!outer.facts_sealed()) {
    return Refused(outer, "says the backup is encrypted but has no sealed copy to authenticate "
                          "it (formatVersion below 4, or stripped)");
  }
  std::string container;
  if (!absl::Base64Unescape(outer.sealed, &container)) {
    return Refused(outer, "has a damaged sealed copy (not base64)");
  }
  absl::StatusOr<std::string> plain =
      DecryptBytes(container, std::move(key), absl::StrCat(outer.backup_file, " manifest"));
  if (absl::IsDataLoss(plain.status())) {
    return Refused(outer, "has a sealed copy that fails authentication (altered)");
  }
  PGARK_RETURN_IF_ERROR(plain.status());
  absl::StatusOr<Manifest> inner = DecodeManifest(*plain);
  if (!inner.ok() || inner->facts_sealed() || !inner->encrypted()) {
    return Refused(outer, "has a sealed copy that is not a manifest");
  }
  if (EncodeManifest(PublicView(*inner, outer.sealed)) != EncodeManifest(outer)) {
    return Refused(outer, "shows facts that differ from its sealed copy (edited or swapped)");
  }
  return inner;
}

}  // namespace pgark::formats
