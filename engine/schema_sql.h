// Pure functions that turn catalog structs into the SQL text of an archive: DDL for the
// pre-data and post-data sections and the COPY statements framing each table's data. No
// connection is needed, so all of it is unit-tested.
#ifndef PGARK_ENGINE_SCHEMA_SQL_H_
#define PGARK_ENGINE_SCHEMA_SQL_H_

#include <string>

#include "engine/catalog.h"

namespace pgark::engine {

// Session settings at the top of every archive, so that `psql` and pgark restore it the same
// way whatever the target's defaults.
std::string ArchiveHeaderSql(absl::string_view backup_id, const ServerInfo& server);

std::string CreateSchemaSql(absl::string_view schema);
std::string CreateSequenceSql(const SequenceDef& seq);
// CREATE TABLE with columns, defaults, identity, generated columns, NOT NULL and validated
// CHECK constraints. Keys, foreign keys and indexes come later (AddConstraintSql, IndexSql),
// after the data, as pg_dump does.
std::string CreateTableSql(const TableDef& table);
std::string SequenceOwnedBySql(const SequenceDef& seq, const TableRef& table);
std::string AddConstraintSql(const TableRef& table, const ConstraintDef& constraint);
std::string IndexSql(const IndexDef& index);
std::string SetvalSql(const SequenceDef& seq);
std::string DropTableSql(const TableRef& table);

// True for constraints that go inline in CREATE TABLE (validated CHECKs).
bool IsInlineConstraint(const ConstraintDef& constraint);

// "COPY "s"."t" ("a", "b") FROM stdin;\n" — the line that opens a data member.
std::string CopyFromStdinLine(const TableDef& table);
// The COPY statement the dump runs: "COPY "s"."t" ("a", "b") TO STDOUT".
std::string CopyToStdoutSql(const TableDef& table);
// The end-of-data marker that closes a data member.
inline constexpr char kCopyTrailer[] = "\\.\n";

}  // namespace pgark::engine

#endif  // PGARK_ENGINE_SCHEMA_SQL_H_
