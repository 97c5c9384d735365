// Streaming readers for import files, fed with `Append` chunks of any size and handing out one
// record at a time, so memory stays bounded by the largest record, not the file.
//
// `CsvReader` reads RFC 4180 CSV as spreadsheets write it: quoted fields with embedded
// delimiters, quotes ("") and line breaks; LF, CRLF or CR line ends; a UTF-8 byte-order mark at
// the start is skipped. An unquoted empty field is NULL (nullopt) and a quoted one the empty
// string, as in PostgreSQL's CSV.
//
// `JsonRecordSplitter` finds the top-level values of a JSON array, or of JSON Lines (values
// one after another), and hands each over as its raw text, without parsing it.
#ifndef PGARK_FORMATS_RECORD_READERS_H_
#define PGARK_FORMATS_RECORD_READERS_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace pgark::formats {

// Records larger than this are refused (kResourceExhausted) rather than buffered.
inline constexpr size_t kMaxRecordBytes = 64u << 20;

class CsvReader {
 public:
  using Fields = std::vector<std::optional<std::string>>;
  // Called for each record with its fields and 1-based record number. A non-OK status stops
  // the reader and is returned by Append/Finish.
  using RecordFn = std::function<absl::Status(const Fields& fields, uint64_t record)>;

  explicit CsvReader(RecordFn on_record, char delimiter = ',')
      : on_record_(std::move(on_record)), delimiter_(delimiter) {}

  absl::Status Append(absl::string_view data);
  // Ends the input. kInvalidArgument if it ends inside a quoted field (a truncated file).
  absl::Status Finish();

 private:
  absl::Status EndField();
  absl::Status EndRecord();

  RecordFn on_record_;
  char delimiter_;
  Fields fields_;
  std::string field_;
  bool quoted_ = false;       // the current field started with a quote
  bool in_quotes_ = false;    // inside the quotes of the current field
  bool quote_seen_ = false;   // a quote inside quotes: either "" or the closing quote
  bool after_cr_ = false;     // the previous byte was a CR ending a record
  bool field_started_ = false;
  size_t record_bytes_ = 0;
  uint64_t record_ = 0;
  uint64_t bytes_seen_ = 0;
  absl::Status status_;
};

class JsonRecordSplitter {
 public:
  // Called with each top-level value's raw text and its 1-based record number.
  using RecordFn = std::function<absl::Status(absl::string_view raw, uint64_t record)>;

  explicit JsonRecordSplitter(RecordFn on_record) : on_record_(std::move(on_record)) {}

  // kInvalidArgument for text that is not a JSON array or JSON Lines (e.g. a stray ']').
  absl::Status Append(absl::string_view data);
  // kInvalidArgument if the input ends inside a value or before the array's closing ']'
  // (a truncated file), or held nothing at all.
  absl::Status Finish();

  // True once the input turned out to be a JSON array (as opposed to JSON Lines).
  bool is_array() const { return mode_ == Mode::kArray; }

 private:
  absl::Status Emit();

  enum class Mode { kUnknown, kArray, kLines, kDone };
  RecordFn on_record_;
  Mode mode_ = Mode::kUnknown;
  std::string value_;
  int depth_ = 0;  // nesting inside the current value
  bool in_string_ = false;
  bool escape_ = false;
  bool expect_value_ = true;  // array mode: a value (not a comma or ']') comes next
  uint64_t record_ = 0;
  uint64_t bytes_seen_ = 0;
  absl::Status status_;
};

// The members of one JSON object as (key, raw value text), keeping each value's exact text (a
// json column gets what the file says; numbers keep every digit). kInvalidArgument ("is not a
// JSON object", "has an invalid key") otherwise.
absl::StatusOr<std::vector<std::pair<std::string, std::string>>> JsonObjectMembers(
    absl::string_view object);

}  // namespace pgark::formats

#endif  // PGARK_FORMATS_RECORD_READERS_H_
