#include "formats/statement_parser.h"

#include <pg_query.h>

#include <memory>
#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"

namespace pgark::formats {

int ParserMajorVersion() { return PG_VERSION_NUM / 10000; }

absl::StatusOr<std::vector<std::string>> ParseStatementTypes(absl::string_view sql) {
  const std::string text(sql);  // NUL-terminated
  PgQueryParseResult result = pg_query_parse(text.c_str());
  std::unique_ptr<PgQueryParseResult, void (*)(PgQueryParseResult*)> owned(
      &result, [](PgQueryParseResult* r) { pg_query_free_parse_result(*r); });
  if (result.error != nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("PostgreSQL ", ParserMajorVersion(), "'s parser refuses it: ",
                     result.error->message, " (at byte ", result.error->cursorpos, ")"));
  }
  const nlohmann::json tree = nlohmann::json::parse(result.parse_tree, nullptr, false);
  std::vector<std::string> types;
  const nlohmann::json stmts = tree.is_object() ? tree.value("stmts", nlohmann::json::array())
                                                : nlohmann::json();
  if (!stmts.is_array()) return absl::InvalidArgumentError("the parser's tree is not readable");
  for (const nlohmann::json& s : stmts) {
    const nlohmann::json node = s.value("stmt", nlohmann::json());
    if (!node.is_object() || node.size() != 1) {
      return absl::InvalidArgumentError("the parser's tree is not readable");
    }
    types.push_back(node.begin().key());
  }
  return types;
}

}  // namespace pgark::formats
