#include "engine/dump/change_scan.h"

#include <algorithm>

#include "absl/strings/strip.h"
#include "absl/strings/str_cat.h"
#include "engine/ddl/sql_text.h"
#include "engine/pg/pg_result.h"
#include "formats/status_macros.h"

namespace pgark::engine {
namespace {

// The parent's snapshot must be well inside the server's 2^31 wraparound horizon: beyond it,
// old xmins no longer compare as older.
constexpr uint64_t kMaxDistance = (uint64_t{1} << 31) - (uint64_t{1} << 24);

// Types whose text names other objects: renaming those changes the rows' COPY text without
// writing the rows.
bool NamesObjects(absl::string_view type) {
  absl::ConsumeSuffix(&type, "[]");
  for (absl::string_view t : {"regclass", "regcollation", "regconfig", "regdictionary",
                              "regnamespace", "regoper", "regoperator", "regproc",
                              "regprocedure", "regrole", "regtype"}) {
    if (type == t) return true;
  }
  return false;
}

std::string WrittenSince(const ChangeScan& scan) {
  return absl::StrCat("pg_catalog.age(xmin) <= ", scan.max_age);
}

}  // namespace

absl::StatusOr<std::optional<ChangeScan>> PlanChangeScan(PgConnection& conn,
                                                         const formats::ChangePoint& parent,
                                                         const formats::ChangePoint& now,
                                                         std::string& why_not) {
  if (!parent.known()) {
    why_not = "the base backup did not record its snapshot (made by an older pgark, or without "
              "access to pg_control_system())";
  } else if (!now.known()) {
    why_not = "this role may not read pg_control_system(), which tells which cluster this is";
  } else if (parent.system_identifier != now.system_identifier ||
             parent.database_oid != now.database_oid) {
    why_not = "the base backup was made of another cluster or another database of this name";
  } else if (parent.enum_labels != now.enum_labels) {
    why_not = "enum labels changed since the base backup";
  } else if (now.xmax < parent.xmax) {
    why_not = "the server's transaction ids went back since the base backup (restored cluster?)";
  } else if (now.xmax - parent.xmin >= kMaxDistance) {
    why_not = "over two billion transactions since the base backup";
  }
  if (!why_not.empty()) return std::nullopt;
  // Transaction ids 0-2 of an epoch are never assigned to a transaction.
  const uint64_t low = std::max<uint64_t>(parent.xmin & 0xffffffffu, 3);
  PGARK_ASSIGN_OR_RETURN(
      PgResult r, conn.ExecParams("SELECT pg_catalog.age($1::pg_catalog.xid)::bigint AS age",
                                  {absl::StrCat(low)}));
  const int64_t age = PgRow(r, 0).Int("age");
  // age() counts from the next id to be assigned, at least this snapshot's xmax.
  if (age < static_cast<int64_t>(now.xmax - parent.xmin) ||
      age >= static_cast<int64_t>(kMaxDistance)) {
    why_not = absl::StrCat("the server puts the base backup ", age,
                           " transactions back, which does not fit its snapshot");
    return std::nullopt;
  }
  return ChangeScan{age};
}

std::optional<std::string> WhyNotScanned(const TableDef& t) {
  if (t.extension_config) return "an extension's configuration table";
  for (const std::string& type : t.CopyColumnTypes()) {
    if (NamesObjects(type)) return absl::StrCat("a column of type ", type);
  }
  return std::nullopt;
}

std::string WrittenRowsSql(const TableDef& t, const ChangeScan& scan) {
  return absl::StrCat("COPY (SELECT ", QuoteIdentList(t.CopyColumns()), " FROM ONLY ",
                      QualifiedName(t.ref.schema, t.ref.name), " WHERE ", WrittenSince(scan),
                      ") TO STDOUT");
}

std::string ScanSql(const TableDef& t, const ChangeScan& scan) {
  return absl::StrCat("COPY (SELECT ", QuoteIdentList(t.key_columns), ", CASE WHEN ",
                      WrittenSince(scan), " THEN ROW(", QuoteIdentList(t.CopyColumns()),
                      ") END FROM ONLY ", QualifiedName(t.ref.schema, t.ref.name), ") TO STDOUT");
}

std::string CountRowsSql(const TableDef& t, const ChangeScan& scan) {
  return absl::StrCat("SELECT pg_catalog.count(*) AS rows, pg_catalog.count(*) FILTER (WHERE ",
                      WrittenSince(scan), ") AS written FROM ONLY ",
                      QualifiedName(t.ref.schema, t.ref.name));
}

}  // namespace pgark::engine
