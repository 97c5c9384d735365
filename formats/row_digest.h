// An order-independent digest of a table's rows, taken from the COPY text stream as it passes
// (no second read): the sum, modulo 2^64, of every row's CRC-64 (ISA-L, ECMA-182 reflected)
// over its line, with the number of rows. The same rows in any order give the same digest, and
// the digests of a table's parts add up to the table's. `pgark drill` recomputes it from the
// restored copy. It detects damage and loss, not forgery: the members' SHA-256 and a sealed
// manifest stand against tampering.
#ifndef PGARK_FORMATS_ROW_DIGEST_H_
#define PGARK_FORMATS_ROW_DIGEST_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "formats/sink.h"

namespace pgark::formats {

struct RowDigest {
  uint64_t sum = 0;
  int64_t rows = 0;

  void Add(const RowDigest& other) {
    sum += other.sum;
    rows += other.rows;
  }
  // "crc64sum:<16 hex digits>" (the row count is recorded beside it).
  std::string Encode() const;
  bool operator==(const RowDigest& other) const = default;
};

// One row's CRC-64 (its line without the '\n'): what a digest adds for it.
uint64_t RowCrc(absl::string_view line);

// The sum of an encoded digest; nullopt for text that is not one.
std::optional<uint64_t> DecodeRowDigestSum(absl::string_view text);

// Forwards a COPY text stream unchanged and digests its rows (each '\n'-terminated line; a
// last line without one counts too).
class RowDigestTap : public ForwardingSink {
 public:
  RowDigestTap() = default;
  explicit RowDigestTap(Sink* downstream) : ForwardingSink(downstream) {}
  // Complete after Close().
  const RowDigest& digest() const { return digest_; }

 protected:
  absl::Status Transform(absl::string_view data) override;
  absl::Status Finish() override;

 private:
  RowDigest digest_;
  uint64_t line_crc_ = 0;
  bool in_line_ = false;
};

}  // namespace pgark::formats

#endif  // PGARK_FORMATS_ROW_DIGEST_H_
