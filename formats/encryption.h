// Encryption at rest: AES-256-GCM in independently authenticated chunks, after compression.
//
//   header (52 bytes): "PGARKENC" | version u32 | chunk size u32 | PBKDF2 iterations u32 |
//                      salt[16] | key check[16]                  (integers big-endian)
//   chunk i:           AES-256-GCM(plaintext[i*C, (i+1)*C)) | tag[16]
//
// The file key is PBKDF2-HMAC-SHA256(passphrase, salt, iterations); the salt is random per
// file, so no two files share a key and the chunk nonce can be a counter: nonce = i (u64) |
// 0 0 0 | final flag. Every chunk but the last holds exactly C plaintext bytes; the last holds
// fewer (possibly none) and is sealed with the final flag. The header is every chunk's
// associated data. So a wrong key (key check), a changed, swapped or reordered chunk (tag),
// a truncation (no final chunk) and appended bytes are each detected, and because chunk i
// sits at a computable offset, any plaintext range can be read without reading the rest.
#ifndef PGARK_FORMATS_ENCRYPTION_H_
#define PGARK_FORMATS_ENCRYPTION_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "absl/status/statusor.h"
#include "formats/sink.h"
#include "formats/storage.h"
#include "formats/source.h"

namespace pgark::formats {

inline constexpr char kEncryptedSuffix[] = ".enc";
inline constexpr char kCipherName[] = "AES-256-GCM";

// The user's secret. Holds the passphrase (wiped on destruction) and a cache of the last file
// keys derived from it, so reading many members of a chain of files (and their sealed
// manifests) runs PBKDF2 once per file. Thread-safe.
class EncryptionKey {
 public:
  // kInvalidArgument if `passphrase` is empty.
  static absl::StatusOr<std::shared_ptr<const EncryptionKey>> FromPassphrase(
      std::string passphrase);
  ~EncryptionKey();
  EncryptionKey(const EncryptionKey&) = delete;
  EncryptionKey& operator=(const EncryptionKey&) = delete;

  // 16 hex digits that name the key in manifests without revealing it (PBKDF2 with a fixed
  // salt, so guessing the passphrase from it costs as much as from an encrypted file).
  absl::StatusOr<std::string> KeyId() const;

  // The 32-byte AES key for a file with this salt and iteration count.
  absl::StatusOr<std::string> FileKey(absl::string_view salt, uint32_t iterations) const;

 private:
  explicit EncryptionKey(std::string passphrase) : passphrase_(std::move(passphrase)) {}

  static constexpr size_t kCachedKeys = 64;

  std::string passphrase_;
  mutable std::mutex mu_;
  mutable std::deque<std::pair<std::string, std::string>> cache_;  // (iterations:salt, key)
  mutable std::string key_id_;
};

// True if `head` (at least 8 bytes of a file) starts like an encrypted pgark file.
bool LooksEncrypted(absl::string_view head);

// Encrypts its stream into the container above. Appends are buffered into chunks; `Close()`
// seals the final chunk.
class EncryptingSink : public ForwardingSink {
 public:
  static constexpr uint32_t kDefaultChunkBytes = 1 << 16;

  static absl::StatusOr<std::unique_ptr<EncryptingSink>> Create(
      std::shared_ptr<const EncryptionKey> key, uint32_t chunk_bytes = kDefaultChunkBytes);
  ~EncryptingSink() override;

 protected:
  absl::Status Transform(absl::string_view data) override;
  absl::Status Finish() override;

 private:
  struct Cipher;
  EncryptingSink(std::string header, std::unique_ptr<Cipher> cipher, uint32_t chunk_bytes);
  absl::Status Seal(absl::string_view plain, bool final);

  std::string header_;
  std::unique_ptr<Cipher> cipher_;
  uint32_t chunk_bytes_;
  uint64_t next_chunk_ = 0;
  bool header_written_ = false;
  std::string pending_;  // plaintext of the chunk being filled
  std::string sealed_;   // ciphertext + tag of one chunk
};

// Reads plaintext bytes [offset, offset + length) of the encrypted file at `path`, decrypting
// and authenticating only the chunks that hold them. Errors name the file:
// kUnauthenticated for a wrong key, kDataLoss for a damaged, truncated or extended file or one
// that is not an encrypted pgark file.
class DecryptingSource : public Source {
 public:
  static constexpr uint64_t kToEnd = ~uint64_t{0};

  static absl::StatusOr<std::unique_ptr<DecryptingSource>> Open(
      const StoredObject& file, std::shared_ptr<const EncryptionKey> key, uint64_t offset = 0,
      uint64_t length = kToEnd);

  // The same over any container of `size` bytes named `name` in errors: `open` returns a
  // Source of `bytes` bytes of it from `begin`.
  using RangeOpener =
      std::function<absl::StatusOr<std::unique_ptr<Source>>(uint64_t begin, uint64_t bytes)>;
  static absl::StatusOr<std::unique_ptr<DecryptingSource>> OpenRanges(
      const std::string& name, uint64_t size, const RangeOpener& open,
      const std::shared_ptr<const EncryptionKey>& key, uint64_t offset, uint64_t length);
  ~DecryptingSource() override;

  // Plaintext size of the whole file.
  uint64_t plain_size() const { return plain_size_; }

  absl::StatusOr<absl::string_view> Read() override;

 private:
  struct State;
  explicit DecryptingSource(std::unique_ptr<State> state);
  absl::Status NextChunk();

  std::unique_ptr<State> state_;
  uint64_t plain_size_ = 0;
  absl::Status status_;
};

// Plaintext size of an encrypted file of `file_size` bytes with `chunk_bytes` chunks; kDataLoss
// if no complete container has that size.
absl::StatusOr<uint64_t> PlainSizeOf(uint64_t file_size, uint32_t chunk_bytes);

// A whole small payload (a manifest) sealed into one container in memory, and opened again:
// kUnauthenticated for a wrong key, kDataLoss if `container` was altered.
absl::StatusOr<std::string> EncryptBytes(absl::string_view plain,
                                         std::shared_ptr<const EncryptionKey> key);
absl::StatusOr<std::string> DecryptBytes(const std::string& container,
                                         std::shared_ptr<const EncryptionKey> key,
                                         const std::string& name);

}  // namespace pgark::formats

#endif  // PGARK_FORMATS_ENCRYPTION_H_
