// Building blocks for SQL text: identifier and literal quoting. Every identifier that reaches
// SQL goes through `QuoteIdent`; values are bound as parameters wherever the statement allows,
// and quoted with `QuoteLiteral` (standard_conforming_strings = on, which every pgark session
// and archive sets) where it does not.
#ifndef PGARK_ENGINE_DDL_SQL_TEXT_H_
#define PGARK_ENGINE_DDL_SQL_TEXT_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace pgark::engine {

// "name" with embedded double quotes doubled; always quoted, so case and keywords survive.
std::string QuoteIdent(absl::string_view name);
// "schema"."name".
std::string QualifiedName(absl::string_view schema, absl::string_view name);
// 'value' with embedded single quotes doubled.
std::string QuoteLiteral(absl::string_view value);
// "a", "b", "c".
std::string QuoteIdentList(const std::vector<std::string>& names);

// Splits a possibly qualified SQL name as PostgreSQL reads it: parts separated by '.', each
// either "quoted" (with "" for a quote, case kept) or unquoted (ASCII letters folded to lower
// case). `s."T"` gives {"s", "T"}. Returns nullopt for text that is not such a name (unbalanced
// quotes, empty parts, spaces inside unquoted parts).
std::optional<std::vector<std::string>> ParseQualifiedName(absl::string_view text);

}  // namespace pgark::engine

#endif  // PGARK_ENGINE_DDL_SQL_TEXT_H_
