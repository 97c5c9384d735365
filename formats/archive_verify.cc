#include "formats/archive_verify.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "formats/archive_writer.h"
#include "formats/byte_counter.h"
#include "formats/file_io.h"
#include "formats/sha256.h"
#include "formats/status_macros.h"

namespace pgark::formats {
namespace {

// Stored digest of one member without inflating it.
// SHA-256 (hex) of everything `source` yields.
absl::StatusOr<std::string> DigestOf(Source& source) {
  Sha256Tap sha;
  NullSink null;
  sha.set_downstream(&null);
  PGARK_RETURN_IF_ERROR(Pump(source, sha).status());
  PGARK_RETURN_IF_ERROR(sha.Close());
  return sha.HexDigest();
}

absl::Status CheckStoredDigest(const StoredObject& archive, const MemberEntry& entry,
                               const std::shared_ptr<const EncryptionKey>& key) {
  PGARK_ASSIGN_OR_RETURN(std::unique_ptr<Source> source,
                         OpenArchiveRange(archive, key, entry.offset, entry.stored_bytes));
  PGARK_ASSIGN_OR_RETURN(std::string digest, DigestOf(*source));
  if (digest != entry.stored_sha256) {
    return absl::DataLossError(absl::StrCat(DescribeMember(entry), " at offset ", entry.offset,
                                            ": stored sha256 does not match the manifest"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::vector<std::string>> CheckArchive(const StoredObject& archive,
                                                      const Manifest& manifest,
                                                      const VerifyOptions& options) {
  std::vector<std::string> problems;
  PGARK_ASSIGN_OR_RETURN(ObjectInfo info, archive.storage->Stat(archive.name));
  const uint64_t size = info.size;
  if (size != manifest.size) {
    problems.push_back(absl::StrCat("file is ", size, " bytes, manifest says ", manifest.size,
                                    size < manifest.size ? " (truncated)" : ""));
  }
  bool file_intact = problems.empty();
  {
    PGARK_ASSIGN_OR_RETURN(std::unique_ptr<Source> source,
                           archive.storage->Read(archive.name, 0, size));
    PGARK_ASSIGN_OR_RETURN(std::string digest, DigestOf(*source));
    if (digest != manifest.checksum) {
      file_intact = false;
      problems.push_back(absl::StrCat("sha256 of the file ", digest,
                                      " does not match the manifest checksum ",
                                      manifest.checksum));
    }
  }
  // A plain file whose digest matches holds exactly the bytes the member digests were taken
  // of: reading each member again to digest it would only check the manifest against itself
  // (a restore checks each member's digest again as it streams it anyway). A damaged file, or
  // an encrypted one (members are in decrypted coordinates), has its members checked one by one.
  const bool check_members = options.inflate || !file_intact || manifest.encrypted();
  // Members live in plaintext coordinates: for an encrypted file, those of the decrypted
  // stream, which only the key opens.
  uint64_t plain_size = size;
  if (manifest.encrypted()) {
    if (options.key == nullptr) return problems;
    absl::StatusOr<std::unique_ptr<DecryptingSource>> probe =
        DecryptingSource::Open(archive, options.key, 0, 0);
    if (absl::IsDataLoss(probe.status())) {
      problems.push_back(std::string(probe.status().message()));
      return problems;
    }
    PGARK_RETURN_IF_ERROR(probe.status());
    plain_size = (*probe)->plain_size();
  }
  std::vector<std::string> member_problems;
  uint64_t expected_offset = 0;
  for (const MemberEntry& entry : manifest.members) {
    if (entry.offset != expected_offset) {
      member_problems.push_back(
          absl::StrCat("member index is inconsistent at ", DescribeMember(entry)));
      break;
    }
    expected_offset += entry.stored_bytes;
    if (expected_offset > plain_size) {
      member_problems.push_back(absl::StrCat(DescribeMember(entry), " at offset ", entry.offset,
                                             ": missing from the file (truncated)"));
      break;
    }
    absl::Status s;
    if (options.inflate) {
      NullSink null;
      std::unique_ptr<ForwardingSink> inspector =
          options.inspect ? options.inspect(entry) : nullptr;
      Sink* out = &null;
      if (inspector != nullptr) {
        inspector->set_downstream(&null);
        out = inspector.get();
      }
      s = ReadMember(archive, entry, {manifest.compression, options.key, /*raw_digest=*/true},
                     *out);
      if (s.ok() && inspector != nullptr) {
        s = inspector->Close();
        if (absl::IsDataLoss(s)) {
          member_problems.push_back(absl::StrCat(DescribeMember(entry), ": ", s.message()));
          continue;
        }
      }
    } else if (check_members) {
      s = CheckStoredDigest(archive, entry, options.key);
    }
    if (absl::IsDataLoss(s)) {
      member_problems.push_back(std::string(s.message()));
    } else if (!s.ok()) {
      return s;
    }
  }
  if (member_problems.empty() && problems.empty() && expected_offset != plain_size) {
    member_problems.push_back(absl::StrCat("member index covers ", expected_offset, " of ",
                                           plain_size, " bytes"));
  }
  // A damaged member explains a whole-file digest mismatch, and naming the member is more
  // useful: member findings go first, the file-level digest only when nothing else is found.
  if (!member_problems.empty()) {
    for (std::string& p : problems) {
      if (!absl::StartsWith(p, "sha256 of the file")) member_problems.push_back(std::move(p));
    }
    return member_problems;
  }
  return problems;
}

absl::Status VerifyArchive(const StoredObject& archive, const Manifest& manifest,
                           const VerifyOptions& options) {
  PGARK_ASSIGN_OR_RETURN(std::vector<std::string> problems,
                         CheckArchive(archive, manifest, options));
  if (problems.empty()) return absl::OkStatus();
  std::string more =
      problems.size() > 1 ? absl::StrCat(" (and ", problems.size() - 1, " more problems)") : "";
  return absl::DataLossError(absl::StrCat("backup \"", manifest.backup_file,
                                          "\" is damaged: ", problems.front(), more));
}

}  // namespace pgark::formats
