#include "formats/encryption.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "formats/file_io.h"
#include "formats/memory_io.h"
#include "formats/openssl_error.h"
#include "formats/sha256.h"
#include "formats/status_macros.h"

namespace pgark::formats {
namespace {

constexpr char kMagic[] = "PGARKENC";
constexpr uint32_t kVersion = 1;
constexpr size_t kHeaderBytes = 52;
constexpr size_t kSaltBytes = 16;
constexpr size_t kCheckBytes = 16;
constexpr size_t kTagBytes = 16;
constexpr size_t kKeyBytes = 32;
// OWASP's 2023 figure for PBKDF2-HMAC-SHA256; about 0.14 s on the reference machine.
constexpr uint32_t kIterations = 600000;
constexpr char kKeyIdSalt[] = "pgark key id v1";

void PutU32(std::string& out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>((v >> shift) & 0xff));
}
uint32_t GetU32(absl::string_view in) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(in[static_cast<size_t>(i)]);
  return v;
}

absl::StatusOr<std::string> Pbkdf2(absl::string_view passphrase, absl::string_view salt,
                                   uint32_t iterations) {
  std::string key(kKeyBytes, '\0');
  if (PKCS5_PBKDF2_HMAC(passphrase.data(), static_cast<int>(passphrase.size()),
                        reinterpret_cast<const unsigned char*>(salt.data()),
                        static_cast<int>(salt.size()), static_cast<int>(iterations), EVP_sha256(),
                        static_cast<int>(key.size()),
                        reinterpret_cast<unsigned char*>(key.data())) != 1) {
    return OpenSslError("PKCS5_PBKDF2_HMAC");
  }
  return key;
}

// 16 bytes that prove knowledge of the file key without revealing it.
absl::StatusOr<std::string> KeyCheck(absl::string_view file_key) {
  Sha256 sha;
  PGARK_RETURN_IF_ERROR(sha.Update("pgark key check"));
  PGARK_RETURN_IF_ERROR(sha.Update(file_key));
  PGARK_ASSIGN_OR_RETURN(std::string hex, sha.HexDigest());
  return absl::HexStringToBytes(hex).substr(0, kCheckBytes);
}

void Wipe(std::string& s) {
  if (!s.empty()) OPENSSL_cleanse(s.data(), s.size());
  s.clear();
}

// One AES-256-GCM context for a file: seals or opens chunk i with the header as AAD.
struct Gcm {
  std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> ctx{EVP_CIPHER_CTX_new(),
                                                                      &EVP_CIPHER_CTX_free};
  std::string key;
  std::string header;

  ~Gcm() { Wipe(key); }

  static void Nonce(uint64_t index, bool final, unsigned char nonce[12]) {
    for (int i = 0; i < 8; ++i) nonce[i] = static_cast<unsigned char>(index >> (56 - 8 * i));
    nonce[8] = nonce[9] = nonce[10] = 0;
    nonce[11] = final ? 1 : 0;
  }

  // Appends ciphertext and tag of `plain` to `out`.
  absl::Status Seal(uint64_t index, bool final, absl::string_view plain, std::string& out) {
    unsigned char nonce[12];
    Nonce(index, final, nonce);
    const auto* k = reinterpret_cast<const unsigned char*>(key.data());
    int len = 0;
    size_t at = out.size();
    out.resize(at + plain.size() + kTagBytes);
    auto* dst = reinterpret_cast<unsigned char*>(out.data() + at);
    if (ctx == nullptr || EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, k, nonce) != 1 ||
        EVP_EncryptUpdate(ctx.get(), nullptr, &len,
                          reinterpret_cast<const unsigned char*>(header.data()),
                          static_cast<int>(header.size())) != 1 ||
        EVP_EncryptUpdate(ctx.get(), dst, &len,
                          reinterpret_cast<const unsigned char*>(plain.data()),
                          static_cast<int>(plain.size())) != 1 ||
        EVP_EncryptFinal_ex(ctx.get(), dst + len, &len) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagBytes,
                            dst + plain.size()) != 1) {
      return OpenSslError("AES-256-GCM encryption");
    }
    return absl::OkStatus();
  }

  // Replaces `out` with the plaintext of `sealed`; false if it does not authenticate.
  bool Open(uint64_t index, bool final, absl::string_view sealed, std::string& out) {
    unsigned char nonce[12];
    Nonce(index, final, nonce);
    const size_t n = sealed.size() - kTagBytes;
    out.resize(n);
    int len = 0;
    auto* dst = reinterpret_cast<unsigned char*>(out.data());
    std::string tag(sealed.substr(n));
    bool ok = ctx != nullptr &&
              EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr,
                                 reinterpret_cast<const unsigned char*>(key.data()), nonce) == 1 &&
              EVP_DecryptUpdate(ctx.get(), nullptr, &len,
                                reinterpret_cast<const unsigned char*>(header.data()),
                                static_cast<int>(header.size())) == 1 &&
              EVP_DecryptUpdate(ctx.get(), dst, &len,
                                reinterpret_cast<const unsigned char*>(sealed.data()),
                                static_cast<int>(n)) == 1 &&
              EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagBytes, tag.data()) == 1 &&
              EVP_DecryptFinal_ex(ctx.get(), dst + len, &len) == 1;
    ERR_clear_error();
    return ok;
  }
};

}  // namespace

// ---- EncryptionKey ----

absl::StatusOr<std::shared_ptr<const EncryptionKey>> EncryptionKey::FromPassphrase(
    std::string passphrase) {
  if (passphrase.empty()) return absl::InvalidArgumentError("the encryption key is empty");
  return std::shared_ptr<const EncryptionKey>(new EncryptionKey(std::move(passphrase)));
}

EncryptionKey::~EncryptionKey() {
  Wipe(passphrase_);
  for (auto& entry : cache_) Wipe(entry.second);
}

absl::StatusOr<std::string> EncryptionKey::KeyId() const {
  std::lock_guard<std::mutex> lock(mu_);
  if (key_id_.empty()) {
    PGARK_ASSIGN_OR_RETURN(std::string derived, Pbkdf2(passphrase_, kKeyIdSalt, kIterations));
    Sha256 sha;
    PGARK_RETURN_IF_ERROR(sha.Update(derived));
    Wipe(derived);
    PGARK_ASSIGN_OR_RETURN(std::string hex, sha.HexDigest());
    key_id_ = hex.substr(0, 16);
  }
  return key_id_;
}

absl::StatusOr<std::string> EncryptionKey::FileKey(absl::string_view salt,
                                                   uint32_t iterations) const {
  std::string id = absl::StrCat(iterations, ":", salt);
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [cached_id, cached_key] : cache_) {
    if (cached_id == id) return cached_key;
  }
  PGARK_ASSIGN_OR_RETURN(std::string key, Pbkdf2(passphrase_, salt, iterations));
  if (cache_.size() == kCachedKeys) {
    Wipe(cache_.front().second);
    cache_.pop_front();
  }
  cache_.emplace_back(std::move(id), key);
  return key;
}

bool LooksEncrypted(absl::string_view head) {
  return head.substr(0, sizeof(kMagic) - 1) == kMagic;
}

absl::StatusOr<uint64_t> PlainSizeOf(uint64_t file_size, uint32_t chunk_bytes) {
  const uint64_t sealed = uint64_t{chunk_bytes} + kTagBytes;
  if (file_size < kHeaderBytes + kTagBytes) {
    return absl::DataLossError("it is truncated: it ends before its final chunk");
  }
  const uint64_t body = file_size - kHeaderBytes;
  const uint64_t chunks = (body + sealed - 1) / sealed;
  const uint64_t last = body - (chunks - 1) * sealed;
  if (last < kTagBytes) return absl::DataLossError("it ends inside a chunk tag (truncated)");
  if (last == sealed) {
    // A full chunk is never the final one: the final chunk is missing.
    return absl::DataLossError("it is truncated: it ends without its final chunk");
  }
  return body - chunks * kTagBytes;
}

// ---- EncryptingSink ----

struct EncryptingSink::Cipher : Gcm {};

absl::StatusOr<std::unique_ptr<EncryptingSink>> EncryptingSink::Create(
    std::shared_ptr<const EncryptionKey> key, uint32_t chunk_bytes) {
  std::string salt(kSaltBytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(salt.data()), kSaltBytes) != 1) {
    return OpenSslError("RAND_bytes");
  }
  auto cipher = std::make_unique<Cipher>();
  PGARK_ASSIGN_OR_RETURN(cipher->key, key->FileKey(salt, kIterations));
  PGARK_ASSIGN_OR_RETURN(std::string check, KeyCheck(cipher->key));
  std::string header = kMagic;
  PutU32(header, kVersion);
  PutU32(header, chunk_bytes);
  PutU32(header, kIterations);
  header += salt;
  header += check;
  PGARK_CHECK(header.size() == kHeaderBytes);
  cipher->header = header;
  return std::unique_ptr<EncryptingSink>(
      new EncryptingSink(std::move(header), std::move(cipher), chunk_bytes));
}

EncryptingSink::EncryptingSink(std::string header, std::unique_ptr<Cipher> cipher,
                               uint32_t chunk_bytes)
    : header_(std::move(header)), cipher_(std::move(cipher)), chunk_bytes_(chunk_bytes) {
  pending_.reserve(chunk_bytes_);
}

EncryptingSink::~EncryptingSink() { Wipe(pending_); }

absl::Status EncryptingSink::Seal(absl::string_view plain, bool final) {
  if (!header_written_) {
    PGARK_RETURN_IF_ERROR(Forward(header_));
    header_written_ = true;
  }
  sealed_.clear();
  PGARK_RETURN_IF_ERROR(cipher_->Seal(next_chunk_++, final, plain, sealed_));
  return Forward(sealed_);
}

absl::Status EncryptingSink::Transform(absl::string_view data) {
  while (!data.empty()) {
    if (pending_.empty() && data.size() >= chunk_bytes_) {
      // Whole chunks straight from the caller's buffer. A full chunk is never final.
      PGARK_RETURN_IF_ERROR(Seal(data.substr(0, chunk_bytes_), /*final=*/false));
      data.remove_prefix(chunk_bytes_);
      continue;
    }
    size_t take = std::min<size_t>(chunk_bytes_ - pending_.size(), data.size());
    pending_.append(data.data(), take);
    data.remove_prefix(take);
    if (pending_.size() == chunk_bytes_) {
      PGARK_RETURN_IF_ERROR(Seal(pending_, /*final=*/false));
      pending_.clear();
    }
  }
  return absl::OkStatus();
}

absl::Status EncryptingSink::Finish() {
  PGARK_RETURN_IF_ERROR(Seal(pending_, /*final=*/true));
  Wipe(pending_);
  return absl::OkStatus();
}

// ---- DecryptingSource ----

struct DecryptingSource::State {
  std::string path;
  Gcm gcm;
  uint32_t chunk_bytes = 0;
  uint64_t file_size = 0;
  uint64_t chunks = 0;      // in the whole file
  uint64_t next_chunk = 0;  // next chunk to decrypt
  uint64_t skip = 0;        // plaintext bytes to drop from the next chunk
  uint64_t remaining = 0;   // plaintext bytes of the range not yet returned
  std::unique_ptr<Source> file;
  absl::string_view avail;  // unread bytes of the file's last Read()
  std::string sealed;
  std::string plain;

  absl::Status Damaged(absl::string_view what) const {
    return absl::DataLossError(absl::StrCat("encrypted file \"", path, "\" ", what));
  }

  // Checks the container's header and derives the file key from it.
  absl::Status UseHeader(const std::string& header, const EncryptionKey& key) {
    if (!LooksEncrypted(header)) return Damaged("is not an encrypted pgark file");
    if (header.size() < kHeaderBytes) return Damaged("is truncated inside its header");
    if (GetU32(header.substr(8)) != kVersion) {
      return absl::UnimplementedError(absl::StrCat("encrypted file \"", path,
                                                   "\" uses a newer encryption format"));
    }
    chunk_bytes = GetU32(header.substr(12));
    const uint32_t iterations = GetU32(header.substr(16));
    if (chunk_bytes < 16 || chunk_bytes > (64u << 20) || iterations < 1000 ||
        iterations > 100000000) {
      return Damaged("has a damaged header");
    }
    PGARK_ASSIGN_OR_RETURN(gcm.key, key.FileKey(header.substr(20, kSaltBytes), iterations));
    PGARK_ASSIGN_OR_RETURN(std::string check, KeyCheck(gcm.key));
    if (check != header.substr(20 + kSaltBytes, kCheckBytes)) {
      return absl::UnauthenticatedError(
          absl::StrCat("wrong encryption key for \"", path,
                       "\": set BACKUP_ENCRYPTION_KEY to the key it was written with"));
    }
    gcm.header = header;
    return absl::OkStatus();
  }
};

absl::StatusOr<std::unique_ptr<DecryptingSource>> DecryptingSource::Open(
    const StoredObject& file, std::shared_ptr<const EncryptionKey> key, uint64_t offset,
    uint64_t length) {
  PGARK_ASSIGN_OR_RETURN(ObjectInfo info, file.storage->Stat(file.name));
  RangeOpener open = [file](uint64_t begin, uint64_t bytes)
      -> absl::StatusOr<std::unique_ptr<Source>> { return file.storage->Read(file.name, begin, bytes); };
  return OpenRanges(file.Where(), info.size, open, key, offset, length);
}

absl::StatusOr<std::unique_ptr<DecryptingSource>> DecryptingSource::OpenRanges(
    const std::string& name, uint64_t file_size, const RangeOpener& open,
    const std::shared_ptr<const EncryptionKey>& key, uint64_t offset, uint64_t length) {
  auto st = std::make_unique<State>();
  st->path = name;
  st->file_size = file_size;
  std::string header;
  {
    PGARK_ASSIGN_OR_RETURN(std::unique_ptr<Source> head,
                           open(0, std::min<uint64_t>(file_size, kHeaderBytes)));
    StringSink sink;
    PGARK_RETURN_IF_ERROR(Pump(*head, sink).status());
    header = sink.data();
  }
  PGARK_RETURN_IF_ERROR(st->UseHeader(header, *key));
  absl::StatusOr<uint64_t> plain_size = PlainSizeOf(file_size, st->chunk_bytes);
  if (!plain_size.ok()) return st->Damaged(plain_size.status().message());
  const uint64_t sealed = uint64_t{st->chunk_bytes} + kTagBytes;
  st->chunks = (file_size - kHeaderBytes + sealed - 1) / sealed;
  if (length == kToEnd) length = *plain_size - std::min(offset, *plain_size);
  if (offset > *plain_size || length > *plain_size - offset) {
    return st->Damaged(absl::StrCat("holds ", *plain_size, " bytes, fewer than the ",
                                    offset + length, " expected (truncated)"));
  }
  st->remaining = length;
  st->next_chunk = offset / st->chunk_bytes;
  st->skip = offset % st->chunk_bytes;
  if (length > 0) {
    const uint64_t last = (offset + length - 1) / st->chunk_bytes;
    const uint64_t begin = kHeaderBytes + st->next_chunk * sealed;
    const uint64_t end = std::min(file_size, kHeaderBytes + (last + 1) * sealed);
    PGARK_ASSIGN_OR_RETURN(st->file, open(begin, end - begin));
  }
  std::unique_ptr<DecryptingSource> source(new DecryptingSource(std::move(st)));
  source->plain_size_ = *plain_size;
  return source;
}

DecryptingSource::DecryptingSource(std::unique_ptr<State> state) : state_(std::move(state)) {}
DecryptingSource::~DecryptingSource() {
  if (state_ != nullptr) Wipe(state_->plain);
}

absl::Status DecryptingSource::NextChunk() {
  State& st = *state_;
  const uint64_t sealed_bytes = uint64_t{st.chunk_bytes} + kTagBytes;
  const uint64_t at = kHeaderBytes + st.next_chunk * sealed_bytes;
  const size_t want = static_cast<size_t>(std::min(sealed_bytes, st.file_size - at));
  st.sealed.clear();
  while (st.sealed.size() < want) {
    if (st.avail.empty()) {
      PGARK_ASSIGN_OR_RETURN(st.avail, st.file->Read());
      if (st.avail.empty()) return st.Damaged("ended while being read");
    }
    size_t take = std::min(want - st.sealed.size(), st.avail.size());
    st.sealed.append(st.avail.data(), take);
    st.avail.remove_prefix(take);
  }
  const uint64_t index = st.next_chunk++;
  const bool final = index + 1 == st.chunks;
  if (!st.gcm.Open(index, final, st.sealed, st.plain)) {
    if (final && st.gcm.Open(index, false, st.sealed, st.plain)) {
      return st.Damaged(absl::StrCat("is truncated: it ends after chunk ", index,
                                     " without its final chunk"));
    }
    return st.Damaged(absl::StrCat("chunk ", index, " (bytes ", at, "-", at + want - 1,
                                   ") fails authentication: the file is damaged, altered or "
                                   "its chunks were reordered"));
  }
  return absl::OkStatus();
}

absl::StatusOr<absl::string_view> DecryptingSource::Read() {
  if (!status_.ok()) return status_;
  State& st = *state_;
  if (st.remaining == 0) return absl::string_view();
  if (absl::Status s = NextChunk(); !s.ok()) return status_ = s;
  absl::string_view out(st.plain);
  out.remove_prefix(std::min<size_t>(static_cast<size_t>(st.skip), out.size()));
  st.skip = 0;
  if (out.size() > st.remaining) out = out.substr(0, static_cast<size_t>(st.remaining));
  st.remaining -= out.size();
  if (out.empty()) return status_ = st.Damaged("ends early (truncated)");
  return out;
}

absl::StatusOr<std::string> EncryptBytes(absl::string_view plain,
                                         std::shared_ptr<const EncryptionKey> key) {
  StringSink out;
  PGARK_ASSIGN_OR_RETURN(std::unique_ptr<EncryptingSink> sink,
                         EncryptingSink::Create(std::move(key)));
  sink->set_downstream(&out);
  PGARK_RETURN_IF_ERROR(sink->Append(plain));
  PGARK_RETURN_IF_ERROR(sink->Close());
  return out.data();
}

absl::StatusOr<std::string> DecryptBytes(const std::string& container,
                                         std::shared_ptr<const EncryptionKey> key,
                                         const std::string& name) {
  DecryptingSource::RangeOpener open = [&container](uint64_t begin, uint64_t bytes)
      -> absl::StatusOr<std::unique_ptr<Source>> {
    return std::make_unique<StringSource>(container.substr(begin, bytes));
  };
  PGARK_ASSIGN_OR_RETURN(
      std::unique_ptr<DecryptingSource> source,
      DecryptingSource::OpenRanges(name, container.size(), open, key, 0, DecryptingSource::kToEnd));
  StringSink plain;
  PGARK_RETURN_IF_ERROR(Pump(*source, plain).status());
  return plain.data();
}

}  // namespace pgark::formats
