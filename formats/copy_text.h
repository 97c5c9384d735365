// PostgreSQL's COPY text format: writing one field (AppendCopyTextField, for imports), checking
// a value is text PostgreSQL accepts (IsPostgresUtf8), and byte filters for exports. `CopyTextUnescaper` decodes
// the escapes COPY TO writes for a single text column (\\, \n, \t, \r, \b, \f, \v, octal
// \ddd), so `COPY (SELECT row_to_json(...)) TO STDOUT` yields raw JSON lines. `JsonLinesToArray`
// turns one JSON value per line into a JSON array with one value per line, indented.
// Both keep state across chunk boundaries and use bounded memory.
#ifndef PGARK_FORMATS_COPY_TEXT_H_
#define PGARK_FORMATS_COPY_TEXT_H_

#include <cstdint>
#include <optional>
#include <string>

#include "formats/sink.h"

namespace pgark::formats {

// Appends `value` to `line` as one COPY text field: backslash, tab, newline and carriage
// return escaped; nullopt (SQL NULL) as \N.
void AppendCopyTextField(std::string& line, const std::optional<std::string>& value);

// Well-formed UTF-8 as PostgreSQL accepts it: no NUL, no overlong forms, no surrogates,
// nothing past U+10FFFF.
bool IsPostgresUtf8(absl::string_view text);

// One field of COPY TO's text holding a row value (`COPY (SELECT ROW(a, b)) TO STDOUT`:
// record_out's "(1,\"a b\",)" under COPY's escapes) appended to `row` as the COPY text of its
// columns as fields of their own: tab-separated, NULL as \N, each value's bytes escaped as COPY
// escapes them. It works on the escaped text, since COPY escapes a character alike wherever it
// stands (and UTF-8 has no ASCII byte inside a character). kDataLoss unless `field` is a
// record of exactly `columns` values.
absl::Status AppendRecordAsRow(absl::string_view field, size_t columns, std::string& row);

class CopyTextUnescaper : public ForwardingSink {
 protected:
  absl::Status Transform(absl::string_view data) override;
  // kDataLoss if the stream ends inside an escape.
  absl::Status Finish() override;

 private:
  std::string out_;
  std::string pending_;  // an escape cut by a chunk boundary: "\\" or "\\1", "\\12"
};

class JsonLinesToArray : public ForwardingSink {
 public:
  // Number of lines (array elements) seen.
  uint64_t lines() const { return lines_; }

 protected:
  absl::Status Transform(absl::string_view data) override;
  absl::Status Finish() override;

 private:
  std::string out_;
  bool at_line_start_ = true;
  uint64_t lines_ = 0;
};

}  // namespace pgark::formats

#endif  // PGARK_FORMATS_COPY_TEXT_H_
