#include "formats/sql_lexer.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "formats/status_macros.h"

namespace pgark::formats {
namespace {

bool IdentStart(unsigned char c) { return absl::ascii_isalpha(c) || c == '_' || c >= 0x80; }
bool IdentChar(unsigned char c) { return IdentStart(c) || absl::ascii_isdigit(c) || c == '$'; }
bool OperatorChar(char c) { return absl::string_view("+-*/<>=~!@#%^&|`?").find(c) != absl::string_view::npos; }

class Lexer {
 public:
  Lexer(absl::string_view sql, size_t max_tokens) : sql_(sql), max_tokens_(max_tokens) {}

  absl::StatusOr<std::vector<SqlStatement>> Run() {
    while (true) {
      PGARK_RETURN_IF_ERROR(SkipSpaceAndComments());
      if (pos_ >= sql_.size()) break;
      PGARK_RETURN_IF_ERROR(Token());
    }
    if (paren_ != 0) return Error(sql_.size(), "ends inside parentheses");
    EndStatement();
    return std::move(out_);
  }

 private:
  absl::Status Error(size_t at, absl::string_view what) const {
    return absl::InvalidArgumentError(absl::StrCat("SQL text ", what, " (at byte ", at, ")"));
  }

  char At(size_t i) const { return i < sql_.size() ? sql_[i] : '\0'; }

  absl::Status SkipSpaceAndComments() {
    while (pos_ < sql_.size()) {
      const char c = sql_[pos_];
      if (absl::ascii_isspace(static_cast<unsigned char>(c))) {
        ++pos_;
      } else if (c == '-' && At(pos_ + 1) == '-') {
        const size_t nl = sql_.find('\n', pos_);
        pos_ = nl == absl::string_view::npos ? sql_.size() : nl + 1;
      } else if (c == '/' && At(pos_ + 1) == '*') {
        PGARK_RETURN_IF_ERROR(SkipBlockComment());
      } else {
        break;
      }
    }
    return absl::OkStatus();
  }

  // Block comments nest in PostgreSQL.
  absl::Status SkipBlockComment() {
    const size_t start = pos_;
    int depth = 0;
    while (pos_ < sql_.size()) {
      if (sql_[pos_] == '/' && At(pos_ + 1) == '*') {
        ++depth;
        pos_ += 2;
      } else if (sql_[pos_] == '*' && At(pos_ + 1) == '/') {
        pos_ += 2;
        if (--depth == 0) return absl::OkStatus();
      } else {
        ++pos_;
      }
    }
    return Error(start, "ends inside a comment");
  }

  absl::Status Token() {
    const size_t start = pos_;
    const unsigned char c = static_cast<unsigned char>(sql_[pos_]);
    if (c == '\0') return Error(start, "holds a NUL byte");
    if (c == '\\') return Error(start, "holds a backslash outside quotes (a psql meta-command)");
    if (c == ';') {
      ++pos_;
      if (paren_ == 0 && begin_depth_ == 0) {
        EndStatement();
      } else {
        Add(SqlToken::kPunct, ";", start);
      }
      return absl::OkStatus();
    }
    if (c == '\'') return QuotedString(start, /*backslashes=*/false);
    if (c == '"') return QuotedName(start);
    if (c == '$') return Dollar(start);
    if (IdentStart(c)) return Word(start);
    if (absl::ascii_isdigit(c) || (c == '.' && absl::ascii_isdigit(static_cast<unsigned char>(At(pos_ + 1))))) {
      while (pos_ < sql_.size() &&
             (IdentChar(static_cast<unsigned char>(sql_[pos_])) || sql_[pos_] == '.')) {
        ++pos_;
      }
      Add(SqlToken::kNumber, sql_.substr(start, pos_ - start), start);
      return absl::OkStatus();
    }
    if (OperatorChar(static_cast<char>(c))) {
      // An operator ends where a comment starts.
      while (pos_ < sql_.size() && OperatorChar(sql_[pos_]) &&
             !(sql_[pos_] == '-' && At(pos_ + 1) == '-') &&
             !(sql_[pos_] == '/' && At(pos_ + 1) == '*')) {
        ++pos_;
      }
      if (pos_ == start) return SkipSpaceAndComments();
      Add(SqlToken::kOperator, sql_.substr(start, pos_ - start), start);
      return absl::OkStatus();
    }
    ++pos_;
    if (c == ')' && --paren_ < 0) return Error(start, "closes a parenthesis it never opened");
    Add(SqlToken::kPunct, sql_.substr(start, 1), start);
    if (c == '(') ++paren_;
    return absl::OkStatus();
  }

  // '...' with '' for a quote; with `backslashes` (E'...'), \x escapes the next byte too.
  absl::Status QuotedString(size_t start, bool backslashes) {
    ++pos_;
    while (pos_ < sql_.size()) {
      const char c = sql_[pos_++];
      if (c == '\\' && backslashes) {
        ++pos_;
      } else if (c == '\'') {
        if (At(pos_) != '\'') {
          Add(SqlToken::kString, sql_.substr(start, pos_ - start), start);
          return absl::OkStatus();
        }
        ++pos_;
      }
    }
    return Error(start, "ends inside a quoted string");
  }

  absl::Status QuotedName(size_t start) {
    std::string name;
    ++pos_;
    while (pos_ < sql_.size()) {
      const char c = sql_[pos_++];
      if (c != '"') {
        name.push_back(c);
      } else if (At(pos_) == '"') {
        name.push_back('"');
        ++pos_;
      } else {
        Add(SqlToken::kQuotedName, name, start);
        return absl::OkStatus();
      }
    }
    return Error(start, "ends inside a quoted name");
  }

  // $tag$ ... $tag$ (tag possibly empty), or a parameter such as $1.
  absl::Status Dollar(size_t start) {
    size_t i = pos_ + 1;
    if (IdentStart(static_cast<unsigned char>(At(i)))) {
      while (i < sql_.size() && IdentChar(static_cast<unsigned char>(sql_[i])) && sql_[i] != '$') {
        ++i;
      }
    }
    if (At(i) != '$') {
      ++pos_;
      while (pos_ < sql_.size() && absl::ascii_isdigit(static_cast<unsigned char>(sql_[pos_]))) {
        ++pos_;
      }
      Add(SqlToken::kOperator, sql_.substr(start, pos_ - start), start);
      return absl::OkStatus();
    }
    const absl::string_view delimiter = sql_.substr(pos_, i + 1 - pos_);
    const size_t close = sql_.find(delimiter, i + 1);
    if (close == absl::string_view::npos) return Error(start, "ends inside a dollar-quoted string");
    pos_ = close + delimiter.size();
    Add(SqlToken::kString, sql_.substr(start, pos_ - start), start);
    return absl::OkStatus();
  }

  absl::Status Word(size_t start) {
    while (pos_ < sql_.size() && IdentChar(static_cast<unsigned char>(sql_[pos_]))) ++pos_;
    const std::string word = absl::AsciiStrToLower(sql_.substr(start, pos_ - start));
    const char next = At(pos_);
    if (next == '\'' && (word == "e" || word == "b" || word == "x" || word == "n")) {
      return QuotedString(start, /*backslashes=*/word == "e");
    }
    if (word == "u" && next == '&' && (At(pos_ + 1) == '\'' || At(pos_ + 1) == '"')) {
      ++pos_;
      return At(pos_) == '\'' ? QuotedString(start, false) : QuotedName(start);
    }
    CountBlocks(word);
    Add(SqlToken::kWord, word, start);
    return absl::OkStatus();
  }

  // psql's rule: in CREATE [OR REPLACE] FUNCTION/PROCEDURE, BEGIN (ATOMIC) and CASE open a
  // block that END closes; semicolons inside a block do not end the statement.
  void CountBlocks(const std::string& word) {
    if (words_ < 4) first_words_[words_] = word;
    ++words_;
    const auto& w = first_words_;
    const bool routine =
        w[0] == "create" &&
        (w[1] == "function" || w[1] == "procedure" ||
         (w[1] == "or" && w[2] == "replace" && (w[3] == "function" || w[3] == "procedure")));
    if (!routine) return;
    if (word == "begin" || word == "case") {
      ++begin_depth_;
    } else if (word == "end" && begin_depth_ > 0) {
      --begin_depth_;
    }
  }

  void Add(SqlToken::Kind kind, absl::string_view text, size_t start) {
    if (!open_) {
      current_ = SqlStatement();
      current_.begin = start;
      open_ = true;
    }
    current_.end = pos_;
    if (current_.tokens.size() < max_tokens_ || paren_ == 0) {
      current_.tokens.push_back({kind, std::string(text), paren_});
    } else {
      current_.truncated = true;
    }
  }

  void EndStatement() {
    if (open_) out_.push_back(std::move(current_));
    open_ = false;
    words_ = 0;
    begin_depth_ = 0;
    for (std::string& w : first_words_) w.clear();
  }

  absl::string_view sql_;
  size_t max_tokens_;
  size_t pos_ = 0;
  int paren_ = 0;
  int begin_depth_ = 0;
  size_t words_ = 0;
  std::string first_words_[4];
  bool open_ = false;
  SqlStatement current_;
  std::vector<SqlStatement> out_;
};

}  // namespace

absl::StatusOr<std::vector<SqlStatement>> SplitSqlStatements(absl::string_view sql,
                                                             size_t max_tokens) {
  return Lexer(sql, max_tokens).Run();
}

}  // namespace pgark::formats
