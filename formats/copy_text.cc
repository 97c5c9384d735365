#include "formats/copy_text.h"

#include "formats/status_macros.h"

namespace pgark::formats {

void AppendCopyTextField(std::string& line, const std::optional<std::string>& v) {
  if (!v) {
    line.append("\\N");
    return;
  }
  absl::string_view rest = *v;
  for (;;) {  // runs of plain bytes are copied whole
    size_t special = rest.find_first_of("\\\t\n\r");
    line.append(rest.data(), std::min(special, rest.size()));
    if (special == absl::string_view::npos) return;
    switch (rest[special]) {
      case '\\': line.append("\\\\"); break;
      case '\t': line.append("\\t"); break;
      case '\n': line.append("\\n"); break;
      default: line.append("\\r"); break;
    }
    rest.remove_prefix(special + 1);
  }
}

namespace {

// Walks a record field of COPY text (AppendRecordAsRow) one COPY character at a time: a byte,
// or a backslash escape.
class RecordCursor {
 public:
  explicit RecordCursor(absl::string_view text) : text_(text) {}
  bool AtEnd() const { return pos_ == text_.size(); }
  bool Peek(char c) const { return !AtEnd() && text_[pos_] == c; }
  bool Take(char c) {
    if (!Peek(c)) return false;
    ++pos_;
    return true;
  }
  // The next character as COPY wrote it ("\\" for a backslash); empty at the end or in a
  // cut escape.
  absl::string_view Next() {
    const size_t n = Peek('\\') ? 2 : 1;
    if (pos_ + n > text_.size()) return {};
    absl::string_view c = text_.substr(pos_, n);
    pos_ += n;
    return c;
  }

 private:
  absl::string_view text_;
  size_t pos_ = 0;
};

// A quoted value of record_out: '"' and '\\' doubled, the opening quote taken.
bool AppendQuoted(RecordCursor& in, std::string& row) {
  for (;;) {
    if (in.Take('"')) {
      if (!in.Take('"')) return true;
      row.push_back('"');
      continue;
    }
    absl::string_view c = in.Next();
    if (c.empty()) return false;
    if (c == "\\\\") {  // record_out doubles a backslash: the second one is the value's
      c = in.Next();
      if (c.empty()) return false;
    }
    row.append(c.data(), c.size());
  }
}

}  // namespace

absl::Status AppendRecordAsRow(absl::string_view field, size_t columns, std::string& row) {
  RecordCursor in(field);
  bool ok = in.Take('(');
  for (size_t i = 0; ok && i < columns; ++i) {
    if (i > 0) row.push_back('\t');
    if (in.Peek(',') || in.Peek(')')) {
      row.append("\\N");  // record_out writes nothing for NULL, "" for an empty string
    } else if (in.Take('"')) {
      ok = AppendQuoted(in, row);
    } else {
      while (ok && !in.AtEnd() && !in.Peek(',') && !in.Peek(')')) {
        absl::string_view c = in.Next();
        ok = !c.empty() && c != "\"";
        row.append(c.data(), c.size());
      }
    }
    ok = ok && in.Take(i + 1 < columns ? ',' : ')');
  }
  if (!ok || !in.AtEnd() || columns == 0) {
    return absl::DataLossError(
        "the server sent a row value that is not a record of the table's columns");
  }
  return absl::OkStatus();
}

bool IsPostgresUtf8(absl::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == 0) return false;
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t extra;
    unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
    if (c >= 0xC2 && c <= 0xDF) {
      extra = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
      extra = 2;
      if (c == 0xE0) lo = 0xA0;  // overlong
      if (c == 0xED) hi = 0x9F;  // surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
      extra = 3;
      if (c == 0xF0) lo = 0x90;  // overlong
      if (c == 0xF4) hi = 0x8F;  // past U+10FFFF
    } else {
      return false;
    }
    if (i + extra >= s.size()) return false;  // cut short
    for (size_t k = 1; k <= extra; ++k) {
      const unsigned char b = static_cast<unsigned char>(s[i + k]);
      if (k == 1 ? (b < lo || b > hi) : (b >> 6) != 0x2) return false;
    }
    i += extra + 1;
  }
  return true;
}

namespace {

constexpr size_t kFlushBytes = 256 * 1024;

bool IsOctal(char c) { return c >= '0' && c <= '7'; }

// The byte of one to three octal digits (COPY's "\ddd").
char OctalByte(absl::string_view digits) {
  int v = 0;
  for (char d : digits) v = v * 8 + (d - '0');
  return static_cast<char>(v);
}

char Unescape(char c) {
  switch (c) {
    case 'n': return '\n';
    case 't': return '\t';
    case 'r': return '\r';
    case 'b': return '\b';
    case 'f': return '\f';
    case 'v': return '\v';
    default: return c;  // "\\" and any other escaped character stand for themselves
  }
}

}  // namespace

absl::Status CopyTextUnescaper::Transform(absl::string_view data) {
  size_t i = 0;
  // Finish an escape that the previous chunk cut.
  while (!pending_.empty() && i < data.size()) {
    char c = data[i];
    if (pending_.size() == 1) {
      if (IsOctal(c)) {
        pending_.push_back(c);
      } else {
        out_.push_back(Unescape(c));
        pending_.clear();
      }
      ++i;
    } else if (pending_.size() < 4 && IsOctal(c)) {
      pending_.push_back(c);
      ++i;
    } else {
      out_.push_back(OctalByte(absl::string_view(pending_).substr(1)));
      pending_.clear();
    }
    if (pending_.size() == 4) {
      out_.push_back(OctalByte(absl::string_view(pending_).substr(1)));
      pending_.clear();
    }
  }
  while (i < data.size()) {
    // Plain runs are copied whole; only escapes are looked at byte by byte.
    const size_t backslash = data.find('\\', i);
    if (backslash == absl::string_view::npos) {
      out_.append(data.data() + i, data.size() - i);
      break;
    }
    out_.append(data.data() + i, backslash - i);
    i = backslash;
    // An escape: "\x" or "\ddd". If the chunk ends first, keep it for the next one.
    const size_t j = i + 1;
    if (j >= data.size()) {
      pending_ = "\\";
      break;
    }
    if (!IsOctal(data[j])) {
      out_.push_back(Unescape(data[j]));
      i = j + 1;
      continue;
    }
    size_t end = j;
    while (end < data.size() && end < j + 3 && IsOctal(data[end])) ++end;
    if (end == data.size() && end < j + 3) {
      pending_.assign(data.data() + i, end - i);
      break;
    }
    out_.push_back(OctalByte(data.substr(j, end - j)));
    i = end;
  }
  if (out_.size() >= kFlushBytes) {
    PGARK_RETURN_IF_ERROR(Forward(out_));
    out_.clear();
  }
  return absl::OkStatus();
}

absl::Status CopyTextUnescaper::Finish() {
  if (pending_ == "\\") return absl::DataLossError("COPY text ends inside an escape");
  if (!pending_.empty()) {
    out_.push_back(OctalByte(absl::string_view(pending_).substr(1)));
    pending_.clear();
  }
  if (!out_.empty()) PGARK_RETURN_IF_ERROR(Forward(out_));
  out_.clear();
  return absl::OkStatus();
}

absl::Status JsonLinesToArray::Transform(absl::string_view data) {
  size_t i = 0;
  while (i < data.size()) {
    if (at_line_start_) {
      out_.append(lines_ == 0 ? "[\n  " : ",\n  ");
      at_line_start_ = false;
      ++lines_;
    }
    const size_t newline = data.find('\n', i);
    if (newline == absl::string_view::npos) {
      out_.append(data.data() + i, data.size() - i);
      break;
    }
    out_.append(data.data() + i, newline - i);
    at_line_start_ = true;
    i = newline + 1;
  }
  if (out_.size() >= kFlushBytes) {
    PGARK_RETURN_IF_ERROR(Forward(out_));
    out_.clear();
  }
  return absl::OkStatus();
}

absl::Status JsonLinesToArray::Finish() {
  out_.append(lines_ == 0 ? "[]\n" : "\n]\n");
  PGARK_RETURN_IF_ERROR(Forward(out_));
  out_.clear();
  return absl::OkStatus();
}

}  // namespace pgark::formats
