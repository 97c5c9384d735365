#include "engine/ddl/sql_text.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace pgark::engine {

namespace {

// `text` between two `quote`s, with each `quote` inside doubled: SQL's rule for both
// identifiers and (standard-conforming) string literals.
std::string Enclose(absl::string_view text, char quote) {
  std::string out(1, quote);
  for (char c : text) {
    if (c == quote) out.push_back(quote);
    out.push_back(c);
  }
  out.push_back(quote);
  return out;
}

}  // namespace

std::string QuoteIdent(absl::string_view name) { return Enclose(name, '"'); }

std::string QualifiedName(absl::string_view schema, absl::string_view name) {
  return absl::StrCat(QuoteIdent(schema), ".", QuoteIdent(name));
}

std::string QuoteLiteral(absl::string_view value) { return Enclose(value, '\''); }

std::string QuoteIdentList(const std::vector<std::string>& names) {
  return absl::StrJoin(names, ", ", [](std::string* out, const std::string& n) {
    out->append(QuoteIdent(n));
  });
}

std::optional<std::vector<std::string>> ParseQualifiedName(absl::string_view text) {
  std::vector<std::string> parts;
  size_t i = 0;
  auto skip_spaces = [&] {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
  };
  for (;;) {
    skip_spaces();
    std::string part;
    if (i < text.size() && text[i] == '"') {
      ++i;
      for (;;) {
        if (i >= text.size()) return std::nullopt;  // unterminated quote
        if (text[i] == '"') {
          if (i + 1 < text.size() && text[i + 1] == '"') {
            part.push_back('"');
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        part.push_back(text[i++]);
      }
      if (part.empty()) return std::nullopt;
    } else {
      while (i < text.size() && text[i] != '.' && text[i] != '"' && text[i] != ' ' &&
             text[i] != '\t') {
        char c = text[i++];
        part.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
      }
      if (part.empty()) return std::nullopt;
    }
    parts.push_back(std::move(part));
    skip_spaces();
    if (i == text.size()) return parts;
    if (text[i] != '.') return std::nullopt;
    ++i;
  }
}

}  // namespace pgark::engine
