// The catalog's facts: plain structs describing what a database holds (tables and their
// parts, schema objects, database-wide objects), as `Catalog` (catalog.h) reads them. No libpq:
// the DDL writer (engine/ddl), the dump plan (engine/plan) and their tests use them without a
// connection.
#ifndef PGARK_ENGINE_CATALOG_FACTS_H_
#define PGARK_ENGINE_CATALOG_FACTS_H_

#include <cstdint>
#include <compare>
#include <map>
#include <string>
#include <tuple>
#include <optional>
#include <utility>
#include <variant>
#include <vector>

#include "formats/member_kind.h"

namespace pgark::engine {

using formats::MemberKind;
using formats::Section;

// OIDs of the system catalogs as they appear in pg_depend.classid and pg_description.classoid
// (fixed by PostgreSQL's bootstrap catalog data).
inline constexpr uint32_t kPgClass = 1259;
inline constexpr uint32_t kPgType = 1247;
inline constexpr uint32_t kPgProc = 1255;
inline constexpr uint32_t kPgNamespace = 2615;
inline constexpr uint32_t kPgConstraint = 2606;
inline constexpr uint32_t kPgTrigger = 2620;
inline constexpr uint32_t kPgPolicy = 3256;
inline constexpr uint32_t kPgRewrite = 2618;
inline constexpr uint32_t kPgExtension = 3079;
inline constexpr uint32_t kPgCollation = 3456;
inline constexpr uint32_t kPgTsDict = 3600;
inline constexpr uint32_t kPgTsConfig = 3602;
inline constexpr uint32_t kPgCast = 2605;
inline constexpr uint32_t kPgOperator = 2617;
inline constexpr uint32_t kPgOpfamily = 2753;
inline constexpr uint32_t kPgOpclass = 2616;
inline constexpr uint32_t kPgForeignDataWrapper = 2328;
inline constexpr uint32_t kPgForeignServer = 1417;
inline constexpr uint32_t kPgAm = 2601;
inline constexpr uint32_t kPgTransform = 3576;
inline constexpr uint32_t kPgLanguage = 2612;
inline constexpr uint32_t kPgConversion = 2607;
inline constexpr uint32_t kPgTsParser = 3601;
inline constexpr uint32_t kPgTsTemplate = 3764;
inline constexpr uint32_t kPgStatisticExt = 3381;

// A catalog object: which catalog it lives in, and its OID there.
struct ObjectId {
  uint32_t classid = 0;
  uint32_t oid = 0;
  auto operator<=>(const ObjectId&) const = default;
};

// One grant of an ACL: privileges given to a grantee, with or without the right to grant
// them on.
struct Grant {
  std::vector<std::string> privileges;  // "SELECT", "UPDATE", ... (sorted)
  std::string grantee;                  // quoted role name, or PUBLIC
  bool grantable = false;               // WITH GRANT OPTION
};

// An object's owner and privileges: `grants` in the order of the ACL; `has_acl` is false while
// the ACL is the default (null).
struct Privileges {
  std::string owner;  // quoted role name
  bool has_acl = false;
  std::vector<Grant> grants;
};

// pg_description, keyed by (catalog, object, column number or 0).
using CommentMap = std::map<std::tuple<uint32_t, uint32_t, int>, std::string>;

struct ServerInfo {
  std::string version;  // "15.18"
  int version_num = 0;  // 150018
  std::string database;
};

struct TableRef {
  uint32_t oid = 0;
  std::string schema;
  std::string name;
  char relkind = 'r';  // 'r' table, 'p' partitioned table, 'f' foreign table (no rows here)
  int64_t estimated_rows = 0;
  uint64_t estimated_bytes = 0;  // pg_table_size(): heap and TOAST on disk
  // "name" for schema public, else "schema.name": the seed's table naming.
  std::string DisplayName() const;
};

struct ColumnDef {
  int attnum = 0;
  std::string name;
  std::string type;  // format_type(): typmods included, user types schema-qualified
  // The type without its modifier, by its qualified internal name ("pg_catalog"."varchar",
  // pg_catalog.bpchar): a cast to it never truncates, so assigning the result to the column
  // is what applies the modifier, refusing a value too long as COPY does. (A cast to `type`
  // would truncate it; format_type(oid, NULL) would read back as char(1) or bit(1).)
  std::string unmodified_type;
  bool not_null = false;           // a validated NOT NULL
  std::string not_null_name;       // its constraint's name (PostgreSQL 18+), else empty
  bool not_null_no_inherit = false;  // NOT NULL ... NO INHERIT (18+)
  std::string default_expr;  // empty: none
  char identity = 0;         // 'a' ALWAYS, 'd' BY DEFAULT, 0 none
  char generated = 0;        // 's' STORED, 'v' VIRTUAL (18) generated column, 0 none
  std::string collation;     // qualified, quoted collation when not the type's default
  bool local = true;         // false: inherited from a parent (not repeated in CREATE TABLE)
  // A parent has it too, as a generated column: a local child column takes its expression.
  bool inherited = false;
  // An identity column a partition shares with its parent (PostgreSQL 17+): the partition is
  // attached without one and takes the parent's.
  bool identity_inherited = false;
  std::string fdw_options;   // a foreign table's column: "name 'value', ..." or empty
  int statistics_target = -1;     // ALTER COLUMN SET STATISTICS; -1: the default
  char storage = 0;               // SET STORAGE when not the type's: 'p', 'e', 'm' or 'x'
  std::string attribute_options;  // SET (...): "n_distinct=100, ..." or empty
  char compression = 0;           // SET COMPRESSION: 'p' pglz, 'l' lz4; 0: the default
};

struct ConstraintDef {
  uint32_t oid = 0;
  std::string name;
  char type = 0;  // 'p' primary key, 'u' unique, 'c' check, 'f' foreign key, 'x' exclusion
  std::string definition;  // pg_get_constraintdef(): "PRIMARY KEY (id)", "... NOT VALID"
  bool validated = true;
  uint32_t index_oid = 0;  // the index behind a key or exclusion constraint
  std::string index_parent;  // a partition's key: the parent's index it is attached to, or empty
  std::string index_tablespace;  // its index's tablespace when not the default, unquoted
  // A validated CHECK created on its own, after what it needs, instead of inside CREATE TABLE
  // (set by the dump plan: SeparateChecks).
  bool separate = false;
};

struct IndexDef {
  uint32_t oid = 0;
  std::string name;
  std::string definition;  // pg_get_indexdef(): a complete CREATE INDEX statement
  // A partition's index attached to its partitioned table's (qualified, quoted), or empty.
  std::string parent;
  // Statistics targets set on its expression columns: (column number, target).
  std::vector<std::pair<int, int>> statistics_targets;
  std::string tablespace;  // when not the default, unquoted
};

struct SequenceDef {
  uint32_t oid = 0;
  std::string schema;
  std::string name;
  std::string type;  // "bigint", "integer", "smallint"
  int64_t start = 1, increment = 1, min = 1, max = 0, cache = 1;
  bool cycle = false;
  std::string owned_by_column;  // serial: the column that owns it
  bool identity = false;        // an identity column's sequence (created with the table)
  bool unlogged = false;        // CREATE UNLOGGED SEQUENCE (PostgreSQL 15+)
  int64_t last_value = 0;
  bool is_called = false;
};

struct TriggerDef {
  uint32_t oid = 0;
  std::string name;
  std::string definition;  // pg_get_triggerdef(): a complete CREATE TRIGGER statement
  char enabled = 'O';      // 'O' origin (default), 'D' disabled, 'R' replica, 'A' always
  // A partition's clone of its parent's trigger (PostgreSQL 13+) whose firing state differs
  // from the parent's: only that state is dumped; the clone comes with the parent's trigger.
  bool clone = false;
};

// A rule other than a view's own (_RETURN).
struct RuleDef {
  uint32_t oid = 0;
  std::string name;
  std::string definition;  // pg_get_ruledef(): a complete CREATE RULE statement, no ';'
  char enabled = 'O';      // as TriggerDef::enabled (tables only; a view's rules are enabled)
};

// An extended statistics object (CREATE STATISTICS) on a table.
struct StatisticsDef {
  uint32_t oid = 0;
  std::string schema;      // its own schema, which may differ from the table's
  std::string name;
  std::string definition;  // pg_get_statisticsobjdef(): a complete CREATE STATISTICS statement
  int target = -1;         // ALTER STATISTICS ... SET STATISTICS; -1 is the default
  std::string comment;
  uint32_t relation = 0;   // the table or materialized view it is on
};

struct PolicyDef {
  uint32_t oid = 0;
  std::string name;
  char command = '*';  // 'r' SELECT, 'a' INSERT, 'w' UPDATE, 'd' DELETE, '*' ALL
  bool permissive = true;
  std::string roles;  // "PUBLIC" or quoted role names, comma separated
  std::string using_expr;
  std::string check_expr;
};

struct TableDef {
  TableRef ref;
  bool unlogged = false;
  std::string reloptions;          // "fillfactor=90, autovacuum_enabled=false"
  std::string toast_reloptions;    // its TOAST table's: "toast.autovacuum_enabled=false"
  std::string of_type;             // a typed table (CREATE TABLE ... OF type): the type
  std::string access_method;       // USING, when not the default (heap), quoted
  std::string tablespace;          // TABLESPACE, when not the database's default, unquoted
  std::string partition_key;       // partitioned table: pg_get_partkeydef()
  std::string partition_of;        // partition: its parent, qualified and quoted
  uint32_t partition_parent_oid = 0;
  std::string partition_bound;     // partition: "FOR VALUES ..." or "DEFAULT"
  std::vector<std::string> inherits;  // INHERITS parents, qualified and quoted, in order
  std::string foreign_server;   // foreign table: its server, quoted
  std::string foreign_options;  // foreign table: "name 'value', ..." or empty
  char replica_identity = 'd';        // 'd' default, 'n' nothing, 'f' full, 'i' an index
  std::string replica_identity_index;  // 'i': the index, quoted
  std::string cluster_index;           // CLUSTER ON: the index, quoted, or empty
  // An extension's configuration table (its definition is the extension's): only the rows
  // this filter selects ("WHERE ..." or empty: all) are dumped, as data.
  bool extension_config = false;
  std::string extension_rows;
  bool row_security = false;
  bool force_row_security = false;
  std::vector<TriggerDef> triggers;
  std::vector<RuleDef> rules;
  std::vector<StatisticsDef> statistics;
  std::vector<PolicyDef> policies;
  // The table's, its columns', constraints', indexes', triggers', rules' and policies'.
  CommentMap comments;
  Privileges privileges;
  // Columns with their own grants (GRANT SELECT (c) ...), in column order; no owner.
  std::vector<std::pair<std::string, Privileges>> column_privileges;
  ObjectId id() const { return {kPgClass, ref.oid}; }
  std::vector<ColumnDef> columns;
  std::vector<ConstraintDef> constraints;
  std::vector<IndexDef> indexes;
  std::vector<SequenceDef> sequences;  // owned (serial) and identity sequences
  // The primary key's columns in key order; empty without one, or when a key column is
  // generated (not in the COPY rows).
  std::vector<std::string> key_columns;

  // Columns that COPY carries: all but generated ones.
  std::vector<std::string> CopyColumns() const;
  // format_type() of each column COPY carries, in the same order.
  std::vector<std::string> CopyColumnTypes() const;
  // Primary key constraint, or null.
  const ConstraintDef* PrimaryKey() const;
};

// The facts of each kind of pre-data object that is not a table (SchemaObjectDef::facts).
struct CollationFacts {
  char provider = 'c';  // 'c' libc, 'i' ICU, 'b' builtin
  std::string collate, ctype;  // libc
  std::string locale;          // ICU and builtin
  std::optional<std::string> rules;  // ICU tailoring rules (PostgreSQL 16+)
  bool deterministic = true;
};
struct EnumFacts {
  std::vector<std::string> labels;  // in sort order
};
struct CompositeAttribute {
  std::string name;
  std::string type;       // format_type()
  std::string collation;  // qualified and quoted, when not the type's default
  std::string comment;
};
struct CompositeFacts {
  std::vector<CompositeAttribute> attributes;
};
// A base type (CREATE TYPE name (INPUT = ..., OUTPUT = ...)): made as a shell first, so that
// its I/O functions, which take or return it, can be made before it.
struct BaseTypeFacts {
  std::string input, output, receive, send, typmod_in, typmod_out, analyze, subscript;  // regproc
  std::vector<uint32_t> functions;  // the OIDs of those functions
  int internal_length = -1;         // typlen: -1 variable, -2 a C string
  bool passed_by_value = false;
  char alignment = 'i';             // 'c', 's', 'i', 'd'
  char storage = 'p';               // 'p', 'e', 'm', 'x'
  char category = 'U';
  bool preferred = false;
  std::optional<std::string> default_value;
  std::string element;              // format_type() of typelem, or empty
  std::string delimiter = ",";
  bool collatable = false;
};
// An access method (CREATE ACCESS METHOD name TYPE TABLE|INDEX HANDLER f).
struct AccessMethodFacts {
  char type = 't';      // 't' table, 'i' index
  std::string handler;  // regproc
};
// A transform (CREATE TRANSFORM FOR type LANGUAGE lang (FROM SQL ..., TO SQL ...)).
struct TransformFacts {
  std::string type;                 // format_type()
  std::string language;             // quoted
  std::string from_sql, to_sql;     // regprocedure; empty: none
};
// A shell type that was never defined (CREATE TYPE name;).
struct ShellTypeFacts {};
struct RangeFacts {
  std::string subtype;          // format_type()
  std::string subtype_opclass;  // qualified, quoted; empty: the default one
  std::string collation;        // qualified, quoted; empty: the subtype's
  std::string canonical, subtype_diff;  // regproc; empty: none
  std::string multirange;       // format_type(); PostgreSQL 14+
};
struct DomainCheck {
  std::string name;
  std::string definition;  // pg_get_constraintdef(): "CHECK (VALUE > 0)"
  bool validated = true;
  std::string comment;
};
struct DomainFacts {
  std::string base_type;  // format_type(), typmod included
  std::string collation;  // qualified, quoted, when not the base type's
  std::string default_expr;
  bool not_null = false;
  std::vector<DomainCheck> checks;  // by name
};
struct RoutineFacts {
  std::string definition;  // pg_get_functiondef(): a complete CREATE OR REPLACE
};
struct AggregateFacts {
  std::string arguments;           // as CREATE AGGREGATE takes them ("*" for none)
  std::string function_arguments;  // the argument types, as GRANT ... ON FUNCTION takes them
  std::string sfunc, stype;        // regproc, format_type()
  int64_t sspace = 0;
  std::string finalfunc;           // empty: none
  bool finalfunc_extra = false;
  char finalfunc_modify = 'r';     // 'r' READ_ONLY, 's' SHAREABLE, 'w' READ_WRITE
  std::string combinefunc, serialfunc, deserialfunc;
  std::optional<std::string> initcond;
  std::string msfunc, minvfunc, mstype;  // moving-aggregate support; empty: none
  int64_t msspace = 0;
  std::string mfinalfunc;
  bool mfinalfunc_extra = false;
  char mfinalfunc_modify = 'r';
  std::optional<std::string> minitcond;
  std::string sortop;              // "schema.op" (schema quoted); empty: none
  char parallel = 'u';             // 's' SAFE, 'r' RESTRICTED, 'u' UNSAFE
  bool hypothetical = false;
};
struct OperatorFacts {
  std::string function;             // regproc
  std::string left_type;            // format_type(); empty: a prefix operator
  std::string right_type;
  std::string commutator, negator;  // "schema.op" (schema quoted); empty: none
  std::string restrict_estimator, join_estimator;  // regproc; empty: none
  bool hashes = false, merges = false;
};
// An operator family's or class's members, as CREATE OPERATOR CLASS and ALTER OPERATOR
// FAMILY ... ADD take them ("OPERATOR 1 s.< (int4, int4)", "FUNCTION 1 (int4, int4) f(...)"),
// operators first, by number.
struct OperatorFamilyFacts {
  std::vector<std::string> members;  // a family's loose members
};
struct OperatorClassFacts {
  bool is_default = false;
  std::string for_type;  // format_type()
  std::string family;    // qualified, quoted
  std::vector<std::string> members;
  std::string storage;   // format_type() of the stored key type; empty: the indexed type
};
// A procedural language no extension made: its functions are qualified, quoted; empty: none.
struct LanguageFacts {
  bool trusted = false;
  std::string handler, inline_handler, validator;
};
// A text search parser's or template's functions (qualified, quoted), in CREATE's order with
// their option names: {"START", "pg_catalog.prsd_start"}, ...; the optional ones only when set.
struct TextSearchMethodFacts {
  std::vector<std::pair<std::string, std::string>> functions;
};
struct ConversionFacts {
  std::string source, target;  // encoding names
  std::string function;        // qualified, quoted
  bool is_default = false;
};
struct TextSearchDictionaryFacts {
  std::string template_name;  // qualified, quoted
  std::string init_options;   // "language = 'english'", as stored; empty: none
};
struct TextSearchMapping {
  std::string token_type;                 // its alias ("asciiword")
  std::vector<std::string> dictionaries;  // qualified, quoted, in order
};
struct TextSearchConfigurationFacts {
  std::string parser;  // qualified, quoted
  std::vector<TextSearchMapping> mappings;
};
struct CastFacts {
  std::string source, target;  // format_type()
  char method = 'f';           // 'f' function, 'i' inout, 'b' binary coercible
  std::string function;        // 'f': regprocedure
  char context = 'e';          // 'e' explicit, 'a' assignment, 'i' implicit
};
struct ForeignDataWrapperFacts {
  std::string handler, validator;  // regproc; empty: none
  std::string options;             // "name 'value', ..."; empty: none
};
struct ServerFacts {
  std::optional<std::string> type, version;
  std::string wrapper;  // quoted
  std::string options;  // "name 'value', ..."; empty: none
};
struct SchemaFacts {
  // The public schema, which every database has: only its comment (and, with owners, owner and
  // privileges) are written, and only when they are not the defaults.
  bool predefined = false;
};
// A view or materialized view with what belongs to it.
struct RelationFacts {
  std::string definition;  // pg_get_viewdef()
  std::string reloptions;  // "security_barrier=true"
  bool populated = true;   // a materialized view's contents
  std::string tablespace;  // a materialized view's, when not the default, unquoted
  std::vector<IndexDef> indexes;          // materialized views
  std::vector<StatisticsDef> statistics;  // materialized views
  std::vector<TriggerDef> triggers;       // views: INSTEAD OF triggers
  std::vector<RuleDef> rules;             // views: rules besides their own
  std::vector<CompositeAttribute> columns;  // views: for a placeholder (no comments)
  // Columns with settings of their own: a view's DEFAULT, a materialized view's statistics
  // target, storage, options and compression.
  std::vector<ColumnDef> column_settings;
};

// A pre-data object that is not a table: its identity and privileges, and the facts of its
// kind (none for schemas and extensions).
struct SchemaObjectDef {
  ObjectId id;
  MemberKind kind = MemberKind::kSchema;  // a pre-data kind that creates an object
  std::string schema;
  std::string name;      // CAST: "(source AS target)"
  std::string identity;  // FUNCTION / PROCEDURE / AGGREGATE: identity arguments ("integer,
                         // text"; an aggregate's may hold ORDER BY, or be "*"); OPERATOR:
                         // "left, right" (left NONE for a prefix operator); OPERATOR
                         // FAMILY / CLASS: its access method, quoted
  std::string comment;
  Privileges privileges;  // not for EXTENSION
  std::variant<std::monostate, SchemaFacts, BaseTypeFacts, ShellTypeFacts, AccessMethodFacts,
               TransformFacts, CollationFacts, EnumFacts, CompositeFacts, RangeFacts,
               DomainFacts, RoutineFacts, AggregateFacts, OperatorFacts, OperatorFamilyFacts,
               OperatorClassFacts, LanguageFacts, TextSearchMethodFacts, ConversionFacts,
               TextSearchDictionaryFacts, TextSearchConfigurationFacts,
               CastFacts, ForeignDataWrapperFacts, ServerFacts, SequenceDef, RelationFacts>
      facts;
  // Needs a table's key (a GROUP BY the primary key), which is made after the data: a view is
  // made as a placeholder of the same columns and defined after the keys; a materialized view,
  // function or procedure is created after them (set by the dump plan: PostponeWhatNeedsKeys).
  bool postponed = false;

  // The facts of this object's kind. REQUIRES: it holds a T.
  template <typename T>
  const T& As() const {
    return std::get<T>(facts);
  }
  template <typename T>
  T& As() {
    return std::get<T>(facts);
  }
  // The view's or materialized view's, or null.
  const RelationFacts* relation() const { return std::get_if<RelationFacts>(&facts); }
};

// A database's own properties, which CREATE DATABASE does not carry: its connection limit,
// comment, privileges and settings (ALTER DATABASE ... SET, and ALTER ROLE ... IN DATABASE).
struct DatabaseSetting {
  std::string role;   // quoted; empty: for every role
  std::string name;   // the setting's name
  std::string value;  // as pg_db_role_setting stores it
};
struct DatabaseDef {
  std::string name;
  int64_t connection_limit = -1;  // -1: none
  std::string comment;
  Privileges privileges;  // owner and ACL
  std::vector<DatabaseSetting> settings;
};

// What decides whether a database can be restored through a staged copy of it.
struct StagingFacts {
  std::string name;
  std::string owner;              // unquoted
  int64_t user_objects = 0;       // relations and large objects users made
  bool can_create_databases = false;
  bool owns_it = false;           // this role is (a member of) its owner
  int64_t other_sessions = 0;     // other sessions connected to it (autovacuum aside)
};

// A large object's metadata; its contents are read with lo_get while dumping.
struct LargeObjectDef {
  uint32_t oid = 0;
  std::string comment;
  Privileges privileges;
};

// Privileges changed on a predefined object: one the database had from its template (pg_catalog's
// and information_schema's objects, the public schema, plpgsql) or that an extension made. They
// are restored as the change from its initial privileges (pg_init_privs, else the default).
struct PredefinedPrivilegesDef {
  std::string kind;    // the GRANT object keyword: SCHEMA, FUNCTION, TABLE, LANGUAGE, ...
  std::string object;  // qualified, quoted; a routine with its identity arguments
  std::string column;  // a column's grants: its name; else empty
  std::string new_owner;  // the public schema's owner when it is not initdb's (quoted)
  std::vector<Grant> initial;
  std::vector<Grant> current;
};

// ALTER DEFAULT PRIVILEGES of one role, for one kind of object, everywhere or in one schema.
struct DefaultPrivilegesDef {
  std::string role;    // quoted
  std::string schema;  // empty: the role's defaults everywhere
  char object_type = 'r';  // 'r' tables, 'S' sequences, 'f' functions, 'T' types, 'n' schemas
  Privileges privileges;   // no owner
};

// An event trigger (CREATE EVENT TRIGGER).
struct EventTriggerDef {
  std::string name;
  std::string event;      // ddl_command_start, ...
  std::string tags;       // "'CREATE TABLE', 'DROP TABLE'" or empty
  std::string function;   // regproc of its function
  char enabled = 'O';     // as TriggerDef::enabled
  std::string comment;
  Privileges privileges;  // the owner only
};

// A publication (logical replication) and what it publishes.
struct PublicationDef {
  std::string name;
  std::string comment;
  Privileges privileges;   // the owner only
  bool all_tables = false;
  std::string publish;     // "insert, update, delete, truncate"
  bool via_root = false;   // publish_via_partition_root
  std::vector<std::string> tables;   // "ONLY s.t [(cols)] [WHERE (expr)]"
  std::vector<std::string> schemas;  // FOR TABLES IN SCHEMA (PostgreSQL 15+), quoted
};

// A user mapping (CREATE USER MAPPING) of a foreign server.
struct UserMappingDef {
  std::string role;     // quoted, or PUBLIC
  std::string server;   // quoted
  std::string options;  // "name 'value', ..." or empty
  // Its options may exist but are not shown to this role (only to a superuser, the mapped
  // role or, for PUBLIC, the server's owner).
  bool options_hidden = false;
};

// A subscription (logical replication), restored as pg_dump restores it: created with
// connect = false, so disabled, with no slot made on the publisher.
struct SubscriptionDef {
  std::string name;
  std::string comment;
  Privileges privileges;  // the owner only
  std::string conninfo;   // may hold a password
  std::string slot_name;  // empty: NONE
  std::string publications;          // "p1, \"P 2\"", quoted
  std::vector<std::string> options;  // the settings that differ from the defaults: "binary = true"
};

// A table (or sequence) an extension marked as configuration (pg_extension_config_dump): the
// rows users add to it, those `condition` selects, are theirs, not the extension's; so is a
// sequence's value.
struct ExtensionConfigTable {
  TableRef ref;
  std::string condition;  // "WHERE ..." or empty
  bool readable = false;  // this role may SELECT from it
};

// Objects of one kind that backups do not carry yet (Catalog::ListUncarried).
// A user object as the catalog names it, for the backup's check of what it carried.
struct CatalogObject {
  ObjectId id;
  std::string type;         // pg_identify_object's: "table", "index", "text search parser"
  std::string description;  // pg_describe_object's: "table public.t"
};

struct UncarriedObjects {
  std::string kind;  // singular, e.g. "aggregate", "large object"
  int64_t count = 0;
  std::vector<std::string> examples;  // up to three names, sorted
};

// Planner statistics (backup --statistics): what ANALYZE and VACUUM left in pg_class and
// pg_stats for a relation, as text in the source server's output format.
struct ColumnStatistics {
  std::string column;  // a table's column by name; an index's expression column by number
  int attnum = 0;
  bool inherited = false;  // over the table and its inheritance children or partitions
  // pg_stats' columns that are not NULL, by name: {"null_frac", "0"}, {"most_common_vals",
  // "{1,2}"}, ... (range_* only from PostgreSQL 17).
  std::vector<std::pair<std::string, std::string>> values;
};

struct RelationStatistics {
  uint32_t oid = 0;
  std::string schema;
  std::string name;
  char relkind = 'r';  // 'r', 'p', 'm', or an index: 'i', 'I'
  int64_t relpages = 0;
  std::string reltuples;        // -1: never vacuumed or analyzed (PostgreSQL 14+'s spelling)
  int64_t relallvisible = 0;
  std::string relallfrozen;     // PostgreSQL 18+; empty before
  std::vector<ColumnStatistics> columns;
};

// A table's or materialized view's statistics followed by its indexes'.
struct TableStatistics {
  std::string schema;
  std::string name;  // the table's
  std::vector<RelationStatistics> relations;
};

// Cluster globals (backup globals, backup full --with-globals): what pg_dumpall --globals-only
// carries, and the databases' own properties. Names are unquoted.
struct RoleDef {
  std::string name;
  bool superuser = false, inherit = true, create_role = false, create_db = false;
  bool login = false, replication = false, bypass_rls = false;
  int64_t connection_limit = -1;
  std::string valid_until;  // empty: none; else as the server prints it in UTC ("infinity")
  std::string password;     // the stored hash (SCRAM or MD5); empty: none, or not readable
  std::string comment;
  std::vector<std::pair<std::string, std::string>> security_labels;  // (provider, label)
  std::vector<DatabaseSetting> settings;  // ALTER ROLE ... SET, in every database
};

// GRANT role TO member: with ADMIN, and from PostgreSQL 16 INHERIT and SET options.
struct RoleMembershipDef {
  std::string role;
  std::string member;
  std::string grantor;  // empty: unknown (a dropped grantor, before 16)
  bool admin = false;
  bool inherit = true;  // 16+: the grant's own; before, the member's INHERIT attribute
  bool set = true;
};

// Privileges on a configuration parameter (GRANT SET / ALTER SYSTEM ON PARAMETER, 15+).
struct ParameterAclDef {
  std::string name;
  Privileges privileges;  // no owner
};

struct TablespaceDef {
  std::string name;
  std::string location;
  std::string options;  // "seq_page_cost=2, ..." as reloptions show them, or empty
  std::string comment;
  Privileges privileges;  // owner (quoted) and ACL
};

// A database as CREATE DATABASE makes it, with its properties (base: name, connection limit,
// comment, owner and ACL, settings of every role and of each role in it).
struct ClusterDatabaseDef {
  DatabaseDef base;
  std::string encoding;
  char locale_provider = 'c';  // 'c' libc, 'i' ICU (15+), 'b' builtin (17+)
  std::string collate, ctype;
  std::string locale;          // the ICU or builtin locale, or empty
  std::string icu_rules;       // 16+
  std::string tablespace;      // its default, unquoted; empty: pg_default
  bool is_template = false;
  bool allow_connections = true;
};

struct ClusterGlobals {
  std::vector<RoleDef> roles;  // not the predefined pg_* roles
  std::vector<RoleMembershipDef> memberships;
  std::vector<TablespaceDef> tablespaces;  // not pg_default and pg_global
  std::vector<ParameterAclDef> parameter_acls;
  std::vector<ClusterDatabaseDef> databases;  // not template0
  std::string bootstrap_superuser;  // the role initdb made (OID 10)
  bool passwords_read = false;      // only a superuser may read the hashes
};

}  // namespace pgark::engine

#endif  // PGARK_ENGINE_CATALOG_FACTS_H_
