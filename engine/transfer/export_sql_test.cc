#include "engine/transfer/export_sql.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace pgark::engine {
namespace {

TEST(ExportCopySqlTest, QuotesNamesEscapesValuesAndOrdersByKey) {
  TableDef t;
  t.ref = {1, "public", "books", 'r', 0};
  t.columns = {{.attnum = 1, .name = "id", .type = "integer"},
               {.attnum = 2, .name = "Title", .type = "text"},
               {.attnum = 3, .name = "cover", .type = "bytea"}};
  t.constraints = {{.name = "books_pkey", .type = 'p', .definition = "PRIMARY KEY (id)"}};
  ExportOptions o;
  o.where = {{"Title", {std::string("it's'; DROP TABLE books; --")}},
             {"id", {std::string("1"), std::string("2"), std::nullopt}}};
  o.limit = 10;
  auto sql = ExportCopySql(t, o);
  ASSERT_TRUE(sql.ok()) << sql.status();
  EXPECT_EQ(*sql,
            "COPY (SELECT pg_catalog.row_to_json(pgark_row.*) FROM (SELECT \"id\", \"Title\", "
            "pg_catalog.translate(pg_catalog.encode(\"cover\", 'base64'), E'\\n', '') AS \"cover\" "
            "FROM ONLY \"public\".\"books\" WHERE \"Title\" = 'it''s''; DROP TABLE books; --' AND "
            "(\"id\" IN ('1', '2') OR \"id\" IS NULL) ORDER BY id LIMIT 10) pgark_row) TO STDOUT");
  o.format = ExportFormat::kCsv;
  o.where.clear();
  o.columns = {"Title"};
  EXPECT_EQ(*ExportCopySql(t, o),
            "COPY (SELECT \"Title\" FROM ONLY \"public\".\"books\" ORDER BY id LIMIT 10) TO STDOUT "
            "WITH (FORMAT csv, HEADER true)");
  o.columns = {"title; DROP"};
  EXPECT_EQ(ExportCopySql(t, o).status().code(), absl::StatusCode::kInvalidArgument);
  o.columns = {};
  o.where = {{"nope", {std::string("x")}}};
  EXPECT_EQ(ExportCopySql(t, o).status().code(), absl::StatusCode::kInvalidArgument);
  // A column asked for twice, and ndjson for a CSV export, are refused (issue 18, defect 21).
  o.where.clear();
  o.columns = {"id", "Title", "id"};
  EXPECT_EQ(ExportCopySql(t, o).status().code(), absl::StatusCode::kInvalidArgument);
  o.columns = {};
  o.ndjson = true;
  EXPECT_EQ(ExportCopySql(t, o).status().code(), absl::StatusCode::kInvalidArgument);
  o.format = ExportFormat::kJson;
  EXPECT_TRUE(ExportCopySql(t, o).ok());
}

}  // namespace
}  // namespace pgark::engine
