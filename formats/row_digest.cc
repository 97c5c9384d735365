#include "formats/row_digest.h"

#include <isa-l/crc64.h>

#include <cstring>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"

namespace pgark::formats {
namespace {

constexpr absl::string_view kPrefix = "crc64sum:";

uint64_t Crc(uint64_t crc, absl::string_view bytes) {
  return crc64_ecma_refl(crc, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
}

}  // namespace

uint64_t RowCrc(absl::string_view line) { return Crc(0, line); }

std::string RowDigest::Encode() const { return absl::StrFormat("%s%016x", kPrefix, sum); }

std::optional<uint64_t> DecodeRowDigestSum(absl::string_view text) {
  uint64_t sum = 0;
  if (!absl::ConsumePrefix(&text, kPrefix) || text.size() != 16 ||
      !absl::SimpleHexAtoi(text, &sum)) {
    return std::nullopt;
  }
  return sum;
}

absl::Status RowDigestTap::Transform(absl::string_view data) {
  absl::string_view rest = data;
  while (!rest.empty()) {
    const void* nl = std::memchr(rest.data(), '\n', rest.size());
    const size_t end = nl == nullptr ? rest.size() : static_cast<const char*>(nl) - rest.data();
    line_crc_ = Crc(line_crc_, rest.substr(0, end));
    in_line_ = true;
    if (nl == nullptr) break;
    digest_.sum += line_crc_;
    ++digest_.rows;
    line_crc_ = 0;
    in_line_ = false;
    rest.remove_prefix(end + 1);
  }
  return Forward(data);
}

absl::Status RowDigestTap::Finish() {
  if (in_line_) {
    digest_.sum += line_crc_;
    ++digest_.rows;
    in_line_ = false;
  }
  return absl::OkStatus();
}

}  // namespace pgark::formats
