#include "engine/ddl/statistics_sql.h"

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/ddl/sql_text.h"

namespace pgark::engine {
namespace {

// The type each of pg_stats' columns is passed as; the values (anyarray in pg_stats) are
// text, read by the column type's input function.
const char* StatisticType(const std::string& name) {
  if (name == "avg_width") return "integer";
  if (name == "most_common_freqs" || name == "most_common_elem_freqs" ||
      name == "elem_count_histogram") {
    return "real[]";
  }
  if (name == "null_frac" || name == "n_distinct" || name == "correlation" ||
      name == "range_empty_frac") {
    return "real";
  }
  return "text";
}

using Arguments = std::vector<std::pair<std::string, std::string>>;  // (name, 'value'::type)

std::string Call(absl::string_view function, const Arguments& args) {
  return absl::StrCat("SELECT pg_catalog.", function, "(\n",
                      absl::StrJoin(args, ",\n",
                                    [](std::string* out, const auto& a) {
                                      absl::StrAppend(out, "\t", QuoteLiteral(a.first), ", ",
                                                      a.second);
                                    }),
                      ");\n");
}

std::string Typed(absl::string_view value, absl::string_view type) {
  return absl::StrCat(QuoteLiteral(value), "::", type);
}

Arguments Target(const RelationStatistics& r, int source_version_num) {
  return {{"version", Typed(absl::StrCat(source_version_num), "integer")},
          {"schemaname", QuoteLiteral(r.schema)},
          {"relname", QuoteLiteral(r.name)}};
}

std::string RelationSql(const RelationStatistics& r, int source_version_num) {
  Arguments args = Target(r, source_version_num);
  args.push_back({"relpages", Typed(absl::StrCat(r.relpages), "integer")});
  args.push_back({"reltuples", Typed(r.reltuples, "real")});
  args.push_back({"relallvisible", Typed(absl::StrCat(r.relallvisible), "integer")});
  if (!r.relallfrozen.empty()) args.push_back({"relallfrozen", Typed(r.relallfrozen, "integer")});
  return Call("pg_restore_relation_stats", args);
}

std::string ColumnSql(const RelationStatistics& r, const ColumnStatistics& c,
                      int source_version_num) {
  Arguments args = Target(r, source_version_num);
  // An index's columns have no lasting names: its expression columns go by number.
  if (c.column.empty()) {
    args.push_back({"attnum", Typed(absl::StrCat(c.attnum), "smallint")});
  } else {
    args.push_back({"attname", QuoteLiteral(c.column)});
  }
  args.push_back({"inherited", Typed(c.inherited ? "t" : "f", "boolean")});
  for (const auto& [name, value] : c.values) {
    args.push_back({name, Typed(value, StatisticType(name))});
  }
  return Call("pg_restore_attribute_stats", args);
}

}  // namespace

std::string PlannerStatisticsSql(const TableStatistics& table, int source_version_num) {
  std::string sql;
  for (const RelationStatistics& r : table.relations) {
    absl::StrAppend(&sql, RelationSql(r, source_version_num));
    for (const ColumnStatistics& c : r.columns) {
      absl::StrAppend(&sql, ColumnSql(r, c, source_version_num));
    }
  }
  return absl::StrCat(sql, "\n");
}

}  // namespace pgark::engine
