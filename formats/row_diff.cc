#include "formats/row_diff.h"

#include <openssl/evp.h>

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "formats/status_macros.h"

namespace pgark::formats {

std::string RowHash::Hex() const {
  char buf[16];
  for (int i = 0; i < 8; ++i) buf[i] = static_cast<char>(hi >> (56 - 8 * i));
  for (int i = 0; i < 8; ++i) buf[8 + i] = static_cast<char>(lo >> (56 - 8 * i));
  return absl::BytesToHexString(absl::string_view(buf, sizeof(buf)));
}

bool RowHash::FromHex(absl::string_view hex, RowHash* out) {
  if (hex.size() != 32) return false;
  for (char c : hex) {
    if (!absl::ascii_isxdigit(static_cast<unsigned char>(c))) return false;
  }
  std::string bytes = absl::HexStringToBytes(hex);
  out->hi = out->lo = 0;
  for (int i = 0; i < 8; ++i) out->hi = (out->hi << 8) | static_cast<unsigned char>(bytes[i]);
  for (int i = 8; i < 16; ++i) out->lo = (out->lo << 8) | static_cast<unsigned char>(bytes[i]);
  return true;
}

namespace {
// OpenSSL 3 looks the algorithm up on every EVP_sha256() init; fetched once, a row hash costs
// a third of the time.
const EVP_MD* Sha256Md() {
  static EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return md != nullptr ? md : EVP_sha256();
}
}  // namespace

struct RowHasher::Ctx {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> md{EVP_MD_CTX_new(), &EVP_MD_CTX_free};
};

RowHasher::RowHasher() : ctx_(std::make_unique<Ctx>()) {}
RowHasher::~RowHasher() = default;
RowHasher::RowHasher(RowHasher&&) noexcept = default;

RowHash RowHasher::Of(absl::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  // SHA-256 cannot fail on a valid context; a null context (out of memory) aborts here.
  PGARK_CHECK(ctx_->md != nullptr &&
              EVP_DigestInit_ex(ctx_->md.get(), Sha256Md(), nullptr) == 1 &&
              EVP_DigestUpdate(ctx_->md.get(), data.data(), data.size()) == 1 &&
              EVP_DigestFinal_ex(ctx_->md.get(), digest, &len) == 1);
  RowHash h;
  for (int i = 0; i < 8; ++i) h.hi = (h.hi << 8) | digest[i];
  for (int i = 8; i < 16; ++i) h.lo = (h.lo << 8) | digest[i];
  return h;
}

absl::StatusOr<RowKeyer> RowKeyer::ForColumns(const std::vector<std::string>& columns,
                                              const std::vector<std::string>& key_columns) {
  std::vector<int> positions;
  for (const std::string& k : key_columns) {
    auto it = std::find(columns.begin(), columns.end(), k);
    if (it == columns.end()) {
      return absl::DataLossError(absl::StrCat("key column \"", k, "\" is not a COPY column"));
    }
    positions.push_back(static_cast<int>(it - columns.begin()));
  }
  return RowKeyer(std::move(positions));
}

absl::StatusOr<absl::string_view> RowKeyer::KeyText(absl::string_view row) const {
  if (positions_.empty()) return row;
  if (positions_.size() == 1) {
    // The common case: one key field, in place.
    size_t start = 0;
    for (int field = 0; field < positions_[0]; ++field) {
      size_t tab = row.find('\t', start);
      if (tab == absl::string_view::npos) {
        return absl::DataLossError("a row has fewer fields than its key needs");
      }
      start = tab + 1;
    }
    size_t end = row.find('\t', start);
    return row.substr(start, end == absl::string_view::npos ? row.npos : end - start);
  }
  // Several key fields: their texts joined by tabs, in key order.
  std::vector<absl::string_view> fields;
  size_t start = 0;
  while (true) {
    size_t tab = row.find('\t', start);
    fields.push_back(row.substr(start, tab == absl::string_view::npos ? row.npos : tab - start));
    if (tab == absl::string_view::npos) break;
    start = tab + 1;
  }
  scratch_.clear();
  for (size_t i = 0; i < positions_.size(); ++i) {
    size_t p = static_cast<size_t>(positions_[i]);
    if (p >= fields.size()) return absl::DataLossError("a row has fewer fields than its key needs");
    if (i > 0) scratch_.push_back('\t');
    scratch_.append(fields[p].data(), fields[p].size());
  }
  return absl::string_view(scratch_);
}

absl::StatusOr<RowHash> RowKeyer::Key(absl::string_view row, RowHasher& hasher) const {
  PGARK_ASSIGN_OR_RETURN(absl::string_view key, KeyText(row));
  return hasher.Of(key);
}

absl::Status RowSplitter::Append(absl::string_view data) {
  if (!status_.ok()) return status_;
  if (closed_) return status_ = absl::FailedPreconditionError("append after close");
  if (!partial_.empty()) {
    size_t nl = data.find('\n');
    if (nl == absl::string_view::npos) {
      partial_.append(data.data(), data.size());
      return absl::OkStatus();
    }
    partial_.append(data.data(), nl);
    data.remove_prefix(nl + 1);
    std::string row = std::move(partial_);
    partial_.clear();
    if (absl::Status s = OnRow(row); !s.ok()) return status_ = s;
  }
  while (!data.empty()) {
    size_t nl = data.find('\n');
    if (nl == absl::string_view::npos) {
      partial_.assign(data.data(), data.size());
      break;
    }
    if (absl::Status s = OnRow(data.substr(0, nl)); !s.ok()) return status_ = s;
    data.remove_prefix(nl + 1);
  }
  return absl::OkStatus();
}

absl::Status RowSplitter::Close() {
  if (closed_ || !status_.ok()) return status_;
  closed_ = true;
  if (!partial_.empty()) return status_ = absl::DataLossError("COPY data ends inside a row");
  return status_ = OnEnd();
}

absl::Status RowDeletesReader::OnRow(absl::string_view row) {
  if (by_key_) {
    ++pending_.keys[row];
    return absl::OkStatus();
  }
  RowHash key;
  if (!RowHash::FromHex(row, &key)) {
    return absl::DataLossError("a row-deletes member holds a line that is not a key hash");
  }
  ++pending_.hashes[key];
  return absl::OkStatus();
}

absl::Status RowsToSink::OnRow(absl::string_view row, absl::string_view) {
  ++rows_;
  buffer_.append(row.data(), row.size());
  buffer_.push_back('\n');
  return buffer_.size() >= (256u << 10) ? Flush() : absl::OkStatus();
}

absl::Status RowsToSink::Flush() {
  if (buffer_.empty()) return absl::OkStatus();
  absl::Status s = out_.Append(buffer_);
  buffer_.clear();
  return s;
}

namespace {
// Consumes one pending deletion of `key` from `pending`: whether there was one.
template <typename Map, typename Key>
bool ConsumeDelete(Map& pending, const Key& key) {
  if (pending.empty()) return false;
  auto it = pending.find(key);
  if (it == pending.end()) return false;
  if (--it->second == 0) pending.erase(it);
  return true;
}
}  // namespace

absl::Status ChainRowFilter::OnRow(absl::string_view row) {
  PGARK_ASSIGN_OR_RETURN(absl::string_view key, keyer_.KeyText(row));
  // Deleted or replaced by a newer link: by key text, or by key hash (older incrementals).
  if (ConsumeDelete(pending_.keys, key)) return absl::OkStatus();
  if (!pending_.hashes.empty() && ConsumeDelete(pending_.hashes, hasher_.Of(key))) {
    return absl::OkStatus();
  }
  return out_.OnRow(row, key);
}

absl::Status RowState::OnRow(absl::string_view row, absl::string_view key) {
  Entry& e = map_[hasher_.Of(key)];
  if (keyed_) e.row = hasher_.Of(row);
  ++e.count;
  return absl::OkStatus();
}

absl::Status RowDiffer::OnRow(absl::string_view row) {
  ++changes_.rows;
  PGARK_ASSIGN_OR_RETURN(RowHash key, keyer_.Key(row, hasher_));
  auto it = parent_.map().find(key);
  if (it != parent_.map().end() && it->second.count > 0) {
    --it->second.count;
    if (!parent_.keyed() || it->second.row == hasher_.Of(row)) return absl::OkStatus();
    ++changes_.updated;
    changes_.deletes.push_back(key);  // the old version goes, the new one is stored
  } else {
    ++changes_.inserted;
  }
  PGARK_RETURN_IF_ERROR(changed_.Append(row));
  return changed_.Append("\n");
}

absl::Status RowDiffer::OnEnd() {
  for (const auto& [key, entry] : parent_.map()) {
    for (uint32_t i = 0; i < entry.count; ++i) changes_.deletes.push_back(key);
    changes_.deleted += entry.count;
  }
  parent_.map().clear();
  return absl::OkStatus();
}

std::string EncodeKeyDeletes(const std::vector<std::string>& keys) {
  size_t bytes = 0;
  for (const std::string& k : keys) bytes += k.size() + 1;
  std::string out;
  out.reserve(bytes);
  for (const std::string& k : keys) {
    out += k;
    out.push_back('\n');
  }
  return out;
}

std::string EncodeRowDeletes(const std::vector<RowHash>& deletes) {
  std::string out;
  out.reserve(deletes.size() * 33);
  for (const RowHash& k : deletes) {
    out += k.Hex();
    out.push_back('\n');
  }
  return out;
}

}  // namespace pgark::formats
