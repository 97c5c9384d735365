#include "formats/record_readers.h"

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "formats/status_macros.h"

namespace pgark::formats {
namespace {

constexpr char kBom[] = "\xEF\xBB\xBF";

bool IsJsonSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

absl::Status TooBig(uint64_t record) {
  return absl::InvalidArgumentError(  // bad input, not a full disk
      absl::StrCat("record ", record, " is larger than ", kMaxRecordBytes >> 20, " MiB"));
}

}  // namespace

absl::Status CsvReader::EndField() {
  fields_.push_back(quoted_ || !field_.empty() ? std::optional<std::string>(field_) : std::nullopt);
  field_.clear();
  quoted_ = false;
  field_started_ = false;
  return absl::OkStatus();
}

absl::Status CsvReader::EndRecord() {
  record_bytes_ = 0;
  // A blank line is not a record (files often end with one).
  bool blank = fields_.size() == 1 && !fields_[0].has_value();
  if (!blank) {
    ++record_;
    absl::Status s = on_record_(fields_, record_);
    if (!s.ok()) status_ = s;
  }
  fields_.clear();
  return status_;
}

absl::Status CsvReader::Append(absl::string_view data) {
  if (!status_.ok()) return status_;
  for (char c : data) {
    // The byte-order mark spreadsheets put first: skipped, even when split across chunks.
    if (bytes_seen_ < 3) {
      if (c == kBom[bytes_seen_]) {
        ++bytes_seen_;
        continue;
      }
      // Not a BOM after all: the bytes held back are data.
      field_.append(kBom, bytes_seen_);
      field_started_ = bytes_seen_ > 0;
      bytes_seen_ = 3;
    }
    if (after_cr_) {
      after_cr_ = false;
      if (c == '\n') continue;  // CRLF ends one record, not two
    }
    if (++record_bytes_ > kMaxRecordBytes) return status_ = TooBig(record_ + 1);
    if (in_quotes_) {
      if (!quote_seen_) {
        if (c == '"') {
          quote_seen_ = true;
        } else {
          field_.push_back(c);
        }
        continue;
      }
      quote_seen_ = false;
      if (c == '"') {  // "" inside quotes is one quote
        field_.push_back('"');
        continue;
      }
      in_quotes_ = false;  // that was the closing quote; c is read as outside quotes
    }
    if (c == '"' && !field_started_) {
      quoted_ = in_quotes_ = field_started_ = true;
    } else if (c == delimiter_) {
      PGARK_RETURN_IF_ERROR(EndField());
    } else if (c == '\n' || c == '\r') {
      PGARK_RETURN_IF_ERROR(EndField());
      PGARK_RETURN_IF_ERROR(EndRecord());
      after_cr_ = c == '\r';
    } else {
      field_.push_back(c);  // text after a closing quote is kept, as PostgreSQL does not
      field_started_ = true;
    }
  }
  return absl::OkStatus();
}

absl::Status CsvReader::Finish() {
  if (!status_.ok()) return status_;
  if (in_quotes_ && !quote_seen_) {
    return status_ = absl::InvalidArgumentError(absl::StrCat(
        "Row ", record_ + 1, ": the file ends inside a quoted field (is it truncated?)"));
  }
  in_quotes_ = quote_seen_ = false;
  if (field_started_ || quoted_ || !fields_.empty()) {
    PGARK_RETURN_IF_ERROR(EndField());
    PGARK_RETURN_IF_ERROR(EndRecord());
  }
  return status_;
}

absl::Status JsonRecordSplitter::Emit() {
  // A bare scalar must be a JSON literal; "this is not json" is not four records.
  char first = value_[0];
  if (first != '{' && first != '[' && first != '"') {
    bool number = first == '-' || (first >= '0' && first <= '9');
    if (!number && value_ != "true" && value_ != "false" && value_ != "null") {
      return status_ = absl::InvalidArgumentError(absl::StrCat(
                 "not a JSON array or JSON Lines file: \"", value_.substr(0, 20),
                 "\" is not a JSON value (record ", record_ + 1, ")"));
    }
  }
  ++record_;
  absl::Status s = on_record_(value_, record_);
  value_.clear();
  depth_ = 0;
  expect_value_ = false;
  if (!s.ok()) status_ = s;
  return status_;
}

absl::Status JsonRecordSplitter::Append(absl::string_view data) {
  if (!status_.ok()) return status_;
  auto fail = [this](absl::string_view what) {
    return status_ = absl::InvalidArgumentError(
               absl::StrCat("not a JSON array or JSON Lines file: ", what, " after record ",
                            record_, " (byte ", bytes_seen_, ")"));
  };
  for (char c : data) {
    ++bytes_seen_;
    if (mode_ == Mode::kUnknown && bytes_seen_ <= 3 && c == kBom[bytes_seen_ - 1]) continue;
    if (!value_.empty()) {
      if (value_.size() > kMaxRecordBytes) return status_ = TooBig(record_ + 1);
      if (in_string_) {
        value_.push_back(c);
        if (escape_) {
          escape_ = false;
        } else if (c == '\\') {
          escape_ = true;
        } else if (c == '"') {
          in_string_ = false;
          if (depth_ == 0) PGARK_RETURN_IF_ERROR(Emit());
        }
        continue;
      }
      if (depth_ > 0) {
        value_.push_back(c);
        if (c == '"') in_string_ = true;
        if (c == '{' || c == '[') ++depth_;
        if ((c == '}' || c == ']') && --depth_ == 0) PGARK_RETURN_IF_ERROR(Emit());
        continue;
      }
      // A bare scalar (number, true, false, null) runs up to whitespace, ',' or ']'.
      if (!IsJsonSpace(c) && c != ',' && c != ']') {
        value_.push_back(c);
        continue;
      }
      PGARK_RETURN_IF_ERROR(Emit());
    }
    if (IsJsonSpace(c)) continue;
    if (mode_ == Mode::kDone) return fail("text after the closing ']'");
    if (mode_ == Mode::kUnknown) {
      if (c == '[') {
        mode_ = Mode::kArray;
        continue;
      }
      mode_ = Mode::kLines;
    }
    if (mode_ == Mode::kArray && c == ']') {
      if (expect_value_ && record_ > 0) return fail("a trailing ','");
      mode_ = Mode::kDone;
      continue;
    }
    if (mode_ == Mode::kArray && c == ',') {
      if (expect_value_) return fail("a ',' without a value");
      expect_value_ = true;
      continue;
    }
    if (mode_ == Mode::kArray && !expect_value_) return fail("a missing ','");
    if (c == ',' || c == ']' || c == '}') return fail(absl::StrCat("an unexpected '", std::string(1, c), "'"));
    value_.push_back(c);
    if (c == '"') in_string_ = true;
    if (c == '{' || c == '[') depth_ = 1;
  }
  return absl::OkStatus();
}

absl::Status JsonRecordSplitter::Finish() {
  if (!status_.ok()) return status_;
  if (!value_.empty()) {
    if (in_string_ || depth_ > 0) {
      return status_ = absl::InvalidArgumentError(absl::StrCat(
                 "Record ", record_ + 1, ": the file ends inside this record (is it truncated?)"));
    }
    PGARK_RETURN_IF_ERROR(Emit());
  }
  if (mode_ == Mode::kArray) {
    return status_ = absl::InvalidArgumentError(
               "the JSON array is not closed with ']' (is the file truncated?)");
  }
  if (mode_ == Mode::kUnknown) {
    return status_ = absl::InvalidArgumentError("the file holds no JSON at all");
  }
  return absl::OkStatus();
}

namespace {

// The end of the JSON value that starts at `i` (strings, containers, scalars), or npos.
size_t ValueEnd(absl::string_view s, size_t i) {
  if (i >= s.size()) return absl::string_view::npos;
  int depth = 0;
  bool in_string = false, escape = false;
  for (size_t j = i; j < s.size(); ++j) {
    char c = s[j];
    if (in_string) {
      if (escape) escape = false;
      else if (c == '\\') escape = true;
      else if (c == '"' && (in_string = false, depth == 0)) return j + 1;
      continue;
    }
    if (c == '"') in_string = true;
    else if (c == '{' || c == '[') ++depth;
    else if (c == '}' || c == ']') {
      if (depth == 0) return j;  // a scalar ends at its container's close
      if (--depth == 0) return j + 1;
    } else if (depth == 0 && (c == ',' || c == ' ' || c == '\n' || c == '\t' || c == '\r')) {
      return j;
    }
  }
  return depth == 0 && !in_string ? s.size() : absl::string_view::npos;
}

size_t SkipSpace(absl::string_view s, size_t i) {
  while (i < s.size() && (s[i] == ' ' || s[i] == '\n' || s[i] == '\t' || s[i] == '\r')) ++i;
  return i;
}

}  // namespace

absl::StatusOr<std::vector<std::pair<std::string, std::string>>> JsonObjectMembers(
    absl::string_view s) {
  std::vector<std::pair<std::string, std::string>> out;
  auto bad = absl::InvalidArgumentError("is not a JSON object");
  size_t i = SkipSpace(s, 0);
  if (i >= s.size() || s[i] != '{') return bad;
  i = SkipSpace(s, i + 1);
  if (i < s.size() && s[i] == '}') return out;
  for (;;) {
    size_t key_end = ValueEnd(s, i);
    if (s[i] != '"' || key_end == absl::string_view::npos) return bad;
    nlohmann::json key = nlohmann::json::parse(s.substr(i, key_end - i), nullptr, false);
    if (key.is_discarded()) return absl::InvalidArgumentError("has an invalid key (bad UTF-8?)");
    i = SkipSpace(s, key_end);
    if (i >= s.size() || s[i] != ':') return bad;
    i = SkipSpace(s, i + 1);
    size_t end = ValueEnd(s, i);
    if (end == absl::string_view::npos || end == i) return bad;
    out.emplace_back(key.get<std::string>(), std::string(s.substr(i, end - i)));
    i = SkipSpace(s, end);
    if (i < s.size() && s[i] == '}') return out;
    if (i >= s.size() || s[i] != ',') return bad;
    i = SkipSpace(s, i + 1);
  }
}

}  // namespace pgark::formats
