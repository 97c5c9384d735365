// PostgreSQL's own parser (libpg_query, Debian's libpg-query-dev: the server's grammar built
// as a library) as a second opinion on a schema member: the node type of each statement it
// finds ("CreateStmt", "TransactionStmt", ...). formats/statement_policy.h asks it whenever
// the archive comes from a server whose grammar it knows, so that a statement pgark's lexer
// would misjudge (split differently, or classify by a disguised first word) is still refused.
#ifndef PGARK_FORMATS_STATEMENT_PARSER_H_
#define PGARK_FORMATS_STATEMENT_PARSER_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace pgark::formats {

// The newest PostgreSQL major version whose grammar the parser knows (15 on Debian 12).
int ParserMajorVersion();

// The node type of each statement of `sql`, in order. kInvalidArgument with the parser's
// message if `sql` is not valid SQL for that grammar.
absl::StatusOr<std::vector<std::string>> ParseStatementTypes(absl::string_view sql);

}  // namespace pgark::formats

#endif  // PGARK_FORMATS_STATEMENT_PARSER_H_
