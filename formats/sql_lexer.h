// Splitting SQL text into statements as PostgreSQL's scanner (and psql) would: quoted strings
// ('...', E'...' with backslash escapes, U&'...'), quoted identifiers, dollar quotes, nested
// block comments and line comments hide their semicolons; so do parentheses and, in a CREATE
// FUNCTION or PROCEDURE, a BEGIN ATOMIC ... END body (psql's own rule). Each statement comes
// with its first tokens, for deciding what kind of statement it is without trusting its text.
//
// What psql would treat as its own (a backslash outside quotes: a meta-command such as `\!`)
// is an error here: no SQL pgark writes holds one, and `gunzip -c | psql` would run it.
#ifndef PGARK_FORMATS_SQL_LEXER_H_
#define PGARK_FORMATS_SQL_LEXER_H_

#include <cstddef>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace pgark::formats {

struct SqlToken {
  enum Kind { kWord, kQuotedName, kString, kNumber, kOperator, kPunct };
  Kind kind = kWord;
  // kWord: lower-cased keyword or identifier; kQuotedName: the name; kPunct / kOperator: the
  // characters; kString and kNumber: the source text.
  std::string text;
  int depth = 0;  // parentheses open around it ("(" itself counts as outside)

  bool Is(absl::string_view word) const { return kind == kWord && text == word; }
};

struct SqlStatement {
  size_t begin = 0;  // byte range in the text, without the ';'
  size_t end = 0;
  // The statement's tokens (comments and white space dropped): its first kMaxSqlTokens, and
  // past those only the ones outside parentheses.
  std::vector<SqlToken> tokens;
  bool truncated = false;  // tokens inside parentheses were left out
};

// Tokens kept per statement whatever their depth: enough to classify any statement pgark
// writes.
inline constexpr size_t kMaxSqlTokens = 64;

// The statements of `sql` (empty ones, a lone ';', dropped), each with up to `max_tokens`
// tokens inside parentheses. kInvalidArgument for text that
// ends inside a string, identifier, comment or dollar quote, an unbalanced parenthesis, a
// backslash outside quotes, or a NUL byte; the message names the byte offset.
absl::StatusOr<std::vector<SqlStatement>> SplitSqlStatements(absl::string_view sql,
                                                             size_t max_tokens = kMaxSqlTokens);

}  // namespace pgark::formats

#endif  // PGARK_FORMATS_SQL_LEXER_H_
