// Integrity checks of an archive against its manifest, without a database: file size, the
// SHA-256 of the whole file, the member index covering the file exactly, and each member's
// stored digest; with `inflate`, every member is also decompressed and its raw size and digest
// checked. Problems name the damaged member ("TABLE DATA \"public.books\" at offset ...").
#ifndef PGARK_FORMATS_ARCHIVE_VERIFY_H_
#define PGARK_FORMATS_ARCHIVE_VERIFY_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "formats/encryption.h"
#include "formats/manifest.h"
#include "formats/sink.h"
#include "formats/storage.h"

namespace pgark::formats {

struct VerifyOptions {
  // Decompress every member and check its raw digest (slower). Without: the file's size and
  // digest, the member index, and each member's stored digest when the file's does not match.
  bool inflate = true;
  // With `inflate`: a filter that also inspects a member's decompressed bytes (e.g. its COPY
  // framing), or null to just count and hash them. Its Close() result counts as a finding.
  std::function<std::unique_ptr<ForwardingSink>(const MemberEntry&)> inspect;
  // For an encrypted archive: without a key only the file's size and SHA-256 are checked;
  // with the wrong one the check cannot run (kUnauthenticated).
  std::shared_ptr<const EncryptionKey> key;
};

// Returns the list of integrity problems found (empty: the archive is intact). A non-OK status
// means the check itself could not run (kNotFound for a missing file, kPermissionDenied, ...).
absl::StatusOr<std::vector<std::string>> CheckArchive(const StoredObject& archive,
                                                      const Manifest& manifest,
                                                      const VerifyOptions& options);

// CheckArchive folded into one Status: kDataLoss carrying the first problem (and how many more
// there are) when the archive is damaged.
absl::Status VerifyArchive(const StoredObject& archive, const Manifest& manifest,
                           const VerifyOptions& options);

}  // namespace pgark::formats

#endif  // PGARK_FORMATS_ARCHIVE_VERIFY_H_
