// The DDL writer: pure functions that turn the catalog's facts (engine/catalog/facts.h) into
// the SQL text of an archive: DDL for the pre-data and post-data sections and the COPY
// statements framing each table's data. Tables and database-wide objects are written in
// schema_sql.cc, the other schema objects in object_sql.cc. No connection is needed, so all of
// it is unit-tested.
#ifndef PGARK_ENGINE_DDL_SCHEMA_SQL_H_
#define PGARK_ENGINE_DDL_SCHEMA_SQL_H_

#include <string>

#include "absl/strings/string_view.h"
#include "engine/catalog/facts.h"
#include "engine/options.h"

namespace pgark::engine {

// Session settings at the top of every archive, so that `psql` and pgark restore it the same
// way whatever the target's defaults.
std::string ArchiveHeaderSql(absl::string_view backup_id, const ServerInfo& server,
                             BackupType type);

std::string CreateSchemaSql(absl::string_view schema);
std::string CreateSequenceSql(const SequenceDef& seq);
// kTable or kForeignTable: the table's member kind, whose wire name is also how CREATE,
// COMMENT and DROP name it.
MemberKind TableKind(const TableRef& table);
// " OPTIONS (name 'value', ...)" for generic options in that form, or empty without any.
std::string OptionsSql(absl::string_view options);
// CREATE TABLE with columns, defaults, identity, generated columns, NOT NULL and validated
// CHECK constraints; for a foreign table CREATE FOREIGN TABLE with its server and options; then
// the columns' settings (foreign options, statistics target, storage, options, compression).
// Keys, foreign keys and indexes come later (AddConstraintSql, IndexSql), after the data, as
// pg_dump does.
std::string CreateTableSql(const TableDef& table);
// The ALTER ... ALTER COLUMN statements that give a column of `alter_relation` ("ALTER TABLE ONLY
// s.t", "ALTER MATERIALIZED VIEW s.m") its foreign options, statistics target, storage, options
// and compression, when set.
std::string ColumnSettingsOf(absl::string_view alter_relation, const ColumnDef& column);
// REPLICA IDENTITY NOTHING / FULL / USING INDEX, or empty for the default; after the indexes.
std::string ReplicaIdentitySql(const TableDef& table);
// CLUSTER ON the index marked for CLUSTER, or empty; after the indexes.
std::string ClusterOnSql(const TableDef& table);
std::string SequenceOwnedBySql(const SequenceDef& seq, const TableRef& table);
std::string AddConstraintSql(const TableRef& table, const ConstraintDef& constraint);
std::string IndexSql(absl::string_view schema, const IndexDef& index);
std::string SetvalSql(const SequenceDef& seq);
std::string DropTableSql(const TableRef& table);

// An operator's qualified name ("app".~~~), and with its argument types ("app".~~~ (integer,
// integer)) as ALTER and COMMENT ON OPERATOR take it.
std::string OperatorName(const SchemaObjectDef& o);
// "s.f USING am": how ALTER and COMMENT name an operator family or class.
std::string OperatorFamilyRef(const SchemaObjectDef& o);
std::string OperatorSignature(const SchemaObjectDef& o);

// CREATE statement (with its comment) of a schema object that is not a table.
std::string CreateObjectSql(const SchemaObjectDef& object);
// CREATE OR REPLACE VIEW of a postponed view (SchemaObjectDef::postponed), over its placeholder.
std::string ViewDefinitionSql(const SchemaObjectDef& view);
// "CREATE TYPE name;": a base type's shell, made before its I/O functions.
std::string ShellTypeSql(const SchemaObjectDef& type);
// "REFRESH MATERIALIZED VIEW ...;" for a populated materialized view, else empty.
std::string RefreshSql(const SchemaObjectDef& matview);
// "ALTER DOMAIN ... ADD CONSTRAINT ... NOT VALID;" statements of a domain, or empty.
std::string DomainNotValidSql(const SchemaObjectDef& domain);
// ALTER INDEX parent ATTACH PARTITION: the index `name`, of a partition in `schema`, to its
// parent's index `parent` (qualified, quoted).
std::string IndexAttachSql(absl::string_view schema, absl::string_view name,
                           absl::string_view parent);
// CREATE TRIGGER on the relation `schema`.`relation`, its enabled state and its comment.
std::string TriggerSql(absl::string_view schema, absl::string_view relation,
                       const TriggerDef& trigger, const CommentMap& comments);
// A rule on a table or view, with its firing state and comment.
std::string RuleSql(absl::string_view schema, absl::string_view relation, const RuleDef& rule,
                    const CommentMap& comments);
// CREATE STATISTICS, its statistics target when set, and its comment.
std::string StatisticsSql(const StatisticsDef& statistics);
std::string RowSecuritySql(const TableDef& table);
std::string PolicySql(const TableDef& table, const PolicyDef& policy);
// Owner and privileges of a table or foreign table, its columns' grants included.
std::string TablePrivilegesSql(const TableDef& table);
// Owner and privileges of a schema object, as its kind writes them (none for extensions and
// casts).
std::string ObjectPrivilegesSql(const SchemaObjectDef& object);
// " SET name = value" for a setting as pg_db_role_setting stores it (a list of names such as
// search_path as quoted identifiers).
std::string SettingSql(const DatabaseSetting& setting);
// The statements that give database `target` (quoted) the properties of `database` that
// CREATE DATABASE does not copy: owner (when known), connection limit, comment, privileges (its
// ACL exactly) and settings.
std::vector<std::string> DatabasePropertiesSql(const DatabaseDef& database,
                                               absl::string_view target);
// The same as one DO block on whatever database runs it (current_database()): the DATABASE
// PROPERTIES member. Without `with_owners`, no ACL nor per-role settings. Empty when there
// is nothing to set.
std::string DatabasePropertiesMemberSql(const DatabaseDef& database, bool with_owners);

// CREATE PUBLICATION, the tables and schemas it publishes, its comment and, `with_owner`, owner.
std::string PublicationSql(const PublicationDef& publication, bool with_owner);

// CREATE SUBSCRIPTION with connect = false (disabled, no slot made on the publisher; the
// settings that differ from the defaults), its comment and, `with_owner`, owner.
std::string SubscriptionSql(const SubscriptionDef& subscription, bool with_owner);

// CREATE USER MAPPING with its options (which may hold a password, as pg_dump's do).
std::string UserMappingSql(const UserMappingDef& mapping);

// CREATE EVENT TRIGGER, its firing state, comment and, `with_owner`, owner.
std::string EventTriggerSql(const EventTriggerDef& trigger, bool with_owner);

// An INSERT ... SELECT into `table` with --on-conflict's handling of rows whose key exists,
// shared by restores (from a staged copy of the backup's rows) and imports (from the staged
// file). Identity ALWAYS columns keep the given values (OVERRIDING SYSTEM VALUE) and are never
// updated.
struct Upsert {
  std::string table;                      // qualified
  std::vector<const ColumnDef*> columns;  // the columns inserted
  std::vector<std::string> values;        // the SELECT list: one expression per column
  std::string from;                       // what follows FROM (with WHERE, ORDER BY, ...)
  OnConflict on_conflict = OnConflict::kError;
  // "ON CONSTRAINT pk" or "(a, b)"; empty: any conflict (skip only).
  std::string conflict_target;
};
std::string UpsertSql(const Upsert& upsert);

// "COMMENT ON <what> IS '...';\n\n", or empty when `comment` is empty.
std::string CommentSql(absl::string_view what, absl::string_view comment);
// The comment of (catalog, oid, column) from `comments`, or empty.
std::string CommentOf(const CommentMap& comments, uint32_t classid, uint32_t oid, int column = 0);

// True for constraints that go inline in CREATE TABLE (validated CHECKs).
bool IsInlineConstraint(const ConstraintDef& constraint);

// "COPY "s"."t" ("a", "b") FROM stdin;\n" — the line that opens a data member.
std::string CopyFromStdinLine(const TableDef& table);
// The same line for a data member of the manifest: `columns` are its columns.
std::string CopyFromStdinLine(absl::string_view schema, absl::string_view table,
                              const std::vector<std::string>& columns);
// The COPY statement the dump runs: "COPY "s"."t" ("a", "b") TO STDOUT"; for an extension's
// configuration table "COPY (SELECT ... FROM ONLY "s"."t" WHERE ...) TO STDOUT".
std::string CopyToStdoutSql(const TableDef& table);
// The COPY of the rows in heap pages [first_page, end_page) (end_page 0: to the end), in page
// order; a TID range scan from PostgreSQL 14 on.
std::string CopyPagesToStdoutSql(const TableDef& table, uint64_t first_page, uint64_t end_page);
// The end-of-data marker that closes a data member.
inline constexpr char kCopyTrailer[] = "\\.\n";

}  // namespace pgark::engine

#endif  // PGARK_ENGINE_DDL_SCHEMA_SQL_H_
