// `Catalog` holds all catalog SQL (named constants in catalog.cc) and returns plain structs.
// There is deliberately no general query function: every catalog question has a name here.
// Borrows a PgConnection; run it inside the dump's snapshot for a consistent picture.
#ifndef PGARK_ENGINE_CATALOG_H_
#define PGARK_ENGINE_CATALOG_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/pg_connection.h"

namespace pgark::engine {

struct ServerInfo {
  std::string version;  // "15.18"
  int version_num = 0;  // 150018
  std::string database;
};

struct TableRef {
  uint32_t oid = 0;
  std::string schema;
  std::string name;
  char relkind = 'r';  // 'r' table, 'p' partitioned table
  int64_t estimated_rows = 0;
  // "name" for schema public, else "schema.name": the seed's table naming.
  std::string DisplayName() const;
};

struct ColumnDef {
  std::string name;
  std::string type;  // format_type(): typmods included, user types schema-qualified
  bool not_null = false;
  std::string default_expr;  // empty: none
  char identity = 0;         // 'a' ALWAYS, 'd' BY DEFAULT, 0 none
  char generated = 0;        // 's' STORED generated column, 0 none
  std::string collation;     // qualified, quoted collation when not the type's default
};

struct ConstraintDef {
  std::string name;
  char type = 0;  // 'p' primary key, 'u' unique, 'c' check, 'f' foreign key, 'x' exclusion
  std::string definition;  // pg_get_constraintdef(): "PRIMARY KEY (id)", "... NOT VALID"
  bool validated = true;
};

struct IndexDef {
  std::string name;
  std::string definition;  // pg_get_indexdef(): a complete CREATE INDEX statement
};

struct SequenceDef {
  std::string schema;
  std::string name;
  std::string type;  // "bigint", "integer", "smallint"
  int64_t start = 1, increment = 1, min = 1, max = 0, cache = 1;
  bool cycle = false;
  std::string owned_by_column;  // serial: the column that owns it
  bool identity = false;        // an identity column's sequence (created with the table)
  int64_t last_value = 0;
  bool is_called = false;
};

struct TableDef {
  TableRef ref;
  bool unlogged = false;
  std::vector<ColumnDef> columns;
  std::vector<ConstraintDef> constraints;
  std::vector<IndexDef> indexes;
  std::vector<SequenceDef> sequences;  // owned (serial) and identity sequences

  // Columns that COPY carries: all but generated ones.
  std::vector<std::string> CopyColumns() const;
  // Primary key constraint, or null.
  const ConstraintDef* PrimaryKey() const;
};

class Catalog {
 public:
  explicit Catalog(PgConnection& conn) : conn_(conn) {}

  absl::StatusOr<ServerInfo> GetServerInfo();

  // Every user table (not in system schemas, not owned by an extension), sorted by schema and
  // name. Partitions are included as tables of their own.
  absl::StatusOr<std::vector<TableRef>> ListTables();

  // Finds a table by the name a user typed: an exact table name in any user schema first
  // ("Mixed Case" works unquoted), then SQL identifier syntax (public.books, "S"."T").
  // kNotFound names up to 20 existing tables; kInvalidArgument if the name is ambiguous.
  absl::StatusOr<TableRef> ResolveTable(absl::string_view user_name);
  // The table with this exact schema and name, or kNotFound.
  absl::StatusOr<TableRef> FindTable(absl::string_view schema, absl::string_view name);

  // Every foreign key between two different tables, as (referencing oid, referenced oid).
  absl::StatusOr<std::vector<std::pair<uint32_t, uint32_t>>> ListForeignKeyEdges();

  // Columns, constraints, indexes and sequences of `table`, sequence values included.
  absl::StatusOr<TableDef> DescribeTable(const TableRef& table);

 private:
  absl::StatusOr<std::vector<TableRef>> QueryTables(absl::string_view sql,
                                                    const std::vector<std::string>& params);
  absl::Status ReadSequenceValue(SequenceDef& seq);

  PgConnection& conn_;
};

// `tables` reordered so that referenced tables come before the tables that reference them
// (so data-only restores load parents first); otherwise the input order is kept, and tables in
// a foreign-key cycle keep their relative order.
std::vector<TableRef> OrderByForeignKeys(std::vector<TableRef> tables,
                                         const std::vector<std::pair<uint32_t, uint32_t>>& edges);

}  // namespace pgark::engine

#endif  // PGARK_ENGINE_CATALOG_H_
