// The statement lexer and the policy over schema members: any text splits into statements or
// is refused, statements lie inside the text in order, and the policy decides without crashing
// for every member kind, with PostgreSQL's parser as a second opinion (odd first bytes).
#include "formats/sql_lexer.h"
#include "formats/statement_policy.h"
#include "tests/fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const absl::string_view sql = pgark::fuzz::AsText(data + 1, size - 1);
  absl::StatusOr<std::vector<pgark::formats::SqlStatement>> statements =
      pgark::formats::SplitSqlStatements(sql);
  if (statements.ok()) {
    size_t last = 0;
    for (const pgark::formats::SqlStatement& s : *statements) {
      if (s.begin < last || s.end < s.begin || s.end > sql.size()) __builtin_trap();
      last = s.end;
    }
  }
  const auto kinds = static_cast<int>(pgark::formats::MemberKind::kEventTrigger) + 1;
  pgark::formats::MemberEntry member;
  member.kind = static_cast<pgark::formats::MemberKind>(data[0] / 2 % kinds);
  member.section = pgark::formats::SectionOf(member.kind);
  member.name = "t";
  if (pgark::formats::HoldsSchemaStatements(member.kind)) {
    (void)pgark::formats::CheckMemberStatements(member, sql, data[0] % 2 ? 150000 : 0);
  }
  return 0;
}
