#include "engine/dump/large_objects.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "engine/pg/pg_result.h"
#include "engine/ddl/privileges_sql.h"
#include "engine/ddl/schema_sql.h"
#include "formats/status_macros.h"

namespace pgark::engine {
namespace {

constexpr int64_t kPieceBytes = 1 << 20;  // read and written per lo_get / lo_put
constexpr absl::string_view kCreatePrefix = "SELECT pg_catalog.lo_create('";

// Collects statements into members of about `limit` bytes.
class MemberBatcher {
 public:
  MemberBatcher(MemberKind kind, size_t limit, const LargeObjectMemberWriter& write)
      : kind_(kind), limit_(limit), write_(write) {}

  absl::Status Add(absl::string_view oid, absl::string_view sql) {
    if (sql_.empty()) first_ = std::string(oid);
    sql_.append(sql.data(), sql.size());
    return sql_.size() >= limit_ ? Flush() : absl::OkStatus();
  }

  absl::Status Flush() {
    if (sql_.empty()) return absl::OkStatus();
    absl::Status s = write_(kind_, first_, std::move(sql_));
    sql_.clear();
    return s;
  }

 private:
  const MemberKind kind_;
  const size_t limit_;
  const LargeObjectMemberWriter& write_;
  std::string sql_;
  std::string first_;
};

}  // namespace

absl::Status DumpLargeObjects(PgConnection& conn, const std::vector<LargeObjectDef>& objects,
                              bool with_owners, size_t member_bytes,
                              const LargeObjectMemberWriter& write) {
  MemberBatcher contents(MemberKind::kLargeObjects, member_bytes, write);
  for (const LargeObjectDef& lo : objects) {
    const std::string oid = absl::StrCat(lo.oid);
    PGARK_RETURN_IF_ERROR(contents.Add(
        oid, absl::StrCat(kCreatePrefix, oid, "');\n",
                          CommentSql(absl::StrCat("LARGE OBJECT ", oid), lo.comment))));
    for (int64_t offset = 0;; offset += kPieceBytes) {
      PGARK_ASSIGN_OR_RETURN(
          PgResult piece,
          conn.ExecParams("SELECT pg_catalog.lo_get($1::pg_catalog.oid, $2::pg_catalog.int8, "
                          "$3::pg_catalog.int4) AS bytes",
                          {oid, absl::StrCat(offset), absl::StrCat(kPieceBytes)}));
      // "\x0a1b...": bytea_output is hex
      const absl::string_view hex = PgRow(piece, 0).Text("bytes");
      const int64_t bytes = static_cast<int64_t>(hex.size() - 2) / 2;
      if (bytes == 0) break;
      PGARK_RETURN_IF_ERROR(contents.Add(
          oid, absl::StrCat("SELECT pg_catalog.lo_put('", oid, "', ", offset, ", '", hex,
                            "');\n")));
      if (bytes < kPieceBytes) break;
    }
  }
  PGARK_RETURN_IF_ERROR(contents.Flush());
  if (!with_owners) return absl::OkStatus();
  MemberBatcher acls(MemberKind::kLargeObjectAcl, member_bytes, write);
  for (const LargeObjectDef& lo : objects) {
    const std::string oid = absl::StrCat(lo.oid);
    PGARK_RETURN_IF_ERROR(
        acls.Add(oid, PrivilegesSql("LARGE OBJECT", "LARGE OBJECT", oid, lo.privileges)));
  }
  return acls.Flush();
}

std::vector<std::string> CreatedLargeObjects(absl::string_view member_sql) {
  std::vector<std::string> oids;
  for (absl::string_view line : absl::StrSplit(member_sql, '\n')) {
    if (!absl::ConsumePrefix(&line, kCreatePrefix)) continue;
    oids.emplace_back(line.substr(0, line.find('\'')));
  }
  return oids;
}

}  // namespace pgark::engine
