// Sealed manifests: what an encrypted backup's manifest may show without the key.
//
// The manifest of an encrypted backup is written twice in one file: its public facts (names,
// time, sizes of the encrypted file and its SHA-256, the chain, the key's id), enough to list
// and check the file without the key, and `sealed`, the whole manifest encrypted with
// AES-256-GCM under the key (formats/encryption.h, a container of its own with a fresh salt).
// Members' plaintext digests and sizes, row counts and column names appear only inside, so a
// guess of a table's content cannot be confirmed without the key; and since the sealed copy
// is authenticated and holds every member's digest and the archive's, a member swapped or
// forged with recomputed digests is refused (the GCM tag is the manifest's MAC).
#ifndef PGARK_FORMATS_MANIFEST_SEAL_H_
#define PGARK_FORMATS_MANIFEST_SEAL_H_

#include <memory>

#include "absl/status/statusor.h"
#include "formats/encryption.h"
#include "formats/manifest.h"

namespace pgark::formats {

// The manifest to write for the encrypted backup `full`: its public facts plus `sealed`.
// REQUIRES: full.encrypted().
absl::StatusOr<Manifest> SealManifest(const Manifest& full,
                                      std::shared_ptr<const EncryptionKey> key);

// The whole manifest inside `outer`. kUnauthenticated for a wrong key; kDataLoss if the
// sealed copy was altered, or the public facts beside it differ from it (a renamed, swapped
// or edited manifest), or an encrypted manifest has no sealed copy at all (one that could
// have been stripped of it).
absl::StatusOr<Manifest> UnsealManifest(const Manifest& outer,
                                        std::shared_ptr<const EncryptionKey> key);

}  // namespace pgark::formats

#endif  // PGARK_FORMATS_MANIFEST_SEAL_H_
