// `Catalog` holds all catalog SQL (named constants in catalog*.cc) and returns the plain
// structs of facts.h. There is deliberately no general query function: every catalog question
// has a name here. Borrows a PgConnection; run it inside the dump's snapshot for a consistent
// picture.
#ifndef PGARK_ENGINE_CATALOG_CATALOG_H_
#define PGARK_ENGINE_CATALOG_CATALOG_H_

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/catalog/facts.h"
#include "engine/pg/pg_connection.h"
#include "formats/manifest.h"

namespace pgark::engine {

// A relation's main fork: its size and pages (a big table is dumped in page ranges).
struct RelationPages {
  uint64_t bytes = 0;
  uint64_t pages = 0;
};

class TableIndex;  // catalog_tables.cc

class Catalog {
 public:
  explicit Catalog(PgConnection& conn) : conn_(conn) {}

  // pg_export_snapshot() of the current transaction, for other connections to share.
  absl::StatusOr<std::string> ExportSnapshot();
  // LOCK TABLE ... IN ACCESS SHARE MODE: held to the end of the transaction, so that no table
  // can be dropped or altered under a backup. kNotFound if it was dropped meanwhile.
  absl::Status LockForDump(const TableRef& table);
  absl::StatusOr<RelationPages> PagesOf(const TableRef& table);

  absl::StatusOr<ServerInfo> GetServerInfo();
  // The current transaction's snapshot and the database's identity (formats::ChangePoint).
  // Unknown (empty system identifier) when this role may not read pg_control_system().
  absl::StatusOr<formats::ChangePoint> GetChangePoint();
  // Per table (by OID) of this database, the cumulative statistics' count of rows updated and
  // deleted (formats::TableEntry::rewrites_seen).
  absl::StatusOr<std::map<uint32_t, int64_t>> GetRewritesSeen();

  // Every user table (not in system schemas, not owned by an extension), sorted by schema and
  // name. Partitions are included as tables of their own, and so are foreign tables, whose
  // rows live on another server (relkind 'f').
  absl::StatusOr<std::vector<TableRef>> ListTables();

  // Finds a table by the name a user typed: an exact table name in any user schema first
  // ("Mixed Case" works unquoted), then SQL identifier syntax (public.books, "S"."T").
  // kNotFound names up to 20 existing tables; kInvalidArgument if the name is ambiguous.
  absl::StatusOr<TableRef> ResolveTable(absl::string_view user_name);
  // Whether a schema of this name exists.
  absl::StatusOr<bool> SchemaExists(absl::string_view name);
  // The table with this exact schema and name, or kNotFound; with `extension_members`, an
  // extension's table too (its configuration tables hold user rows a restore loads).
  absl::StatusOr<TableRef> FindTable(absl::string_view schema, absl::string_view name,
                                     bool extension_members = false);

  // Everything that is not a table or part of one, see SchemaObjectDef. Excludes system
  // schemas and extension members.
  absl::StatusOr<std::vector<SchemaObjectDef>> ListSchemaObjects();

  // Dependencies between user objects (OID >= 16384) from pg_depend, each side mapped to the
  // object that is dumped: a view's rewrite rule to the view, a column default or constraint to
  // its table or domain, a table's row type to the table, an array type to its element, an
  // extension member to its extension. Pairs are (dependent, referenced).
  absl::StatusOr<std::vector<std::pair<ObjectId, ObjectId>>> ListDependencies();

  // Every foreign key between two different tables, as (referencing oid, referenced oid).
  absl::StatusOr<std::vector<std::pair<uint32_t, uint32_t>>> ListForeignKeyEdges();

  // The properties of database `name` (any database of the cluster).
  absl::StatusOr<DatabaseDef> DescribeDatabase(absl::string_view name);
  // Whether the current database can be restored through a staged copy.
  absl::StatusOr<StagingFacts> GetStagingFacts();
  // Changes whenever a row of the catalogs a restore writes is created, dropped or replaced.
  absl::StatusOr<std::string> CatalogFingerprint();
  // Databases whose names start with `prefix`, by name.
  absl::StatusOr<std::vector<std::string>> ListDatabases(absl::string_view prefix);

  // The database's default privileges (ALTER DEFAULT PRIVILEGES).
  absl::StatusOr<std::vector<DefaultPrivilegesDef>> ListDefaultPrivileges();

  // Predefined objects (pg_catalog's, information_schema's, the public schema, extensions'
  // members) whose privileges differ from their initial ones, or the public schema when its
  // owner is not initdb's.
  absl::StatusOr<std::vector<PredefinedPrivilegesDef>> ListPredefinedPrivileges();

  // The database's event triggers, by name (not extension members).
  absl::StatusOr<std::vector<EventTriggerDef>> ListEventTriggers();

  // The database's publications, by name.
  absl::StatusOr<std::vector<PublicationDef>> ListPublications();

  // The database's subscriptions, by name; none unless this role is a superuser (only one
  // may read their connection strings, so ListUncarried names them otherwise).
  absl::StatusOr<std::vector<SubscriptionDef>> ListSubscriptions();

  // User mappings of the foreign servers backups carry, by server and role.
  absl::StatusOr<std::vector<UserMappingDef>> ListUserMappings();

  // Every large object of the database, by OID.
  absl::StatusOr<std::vector<LargeObjectDef>> ListLargeObjects();

  // User objects of the kinds pgark does not back up yet (extended statistics on other
  // relations than tables, subscriptions when this role is not a superuser, security labels),
  // one entry per kind present. Excludes system
  // schemas and extension members.
  absl::StatusOr<std::vector<UncarriedObjects>> ListUncarried();

  // Every user object a full backup should carry (see kUserObjectsSql): what the backup checks
  // what it wrote against.
  absl::StatusOr<std::vector<CatalogObject>> ListUserObjects();

  // Extensions' configuration tables and sequences (relkind 'S'), by name.
  absl::StatusOr<std::vector<ExtensionConfigTable>> ListExtensionConfigTables();

  // Reads `seq`'s last_value and is_called (schema and name set).
  absl::Status ReadSequenceValue(SequenceDef& seq);

  // Columns, constraints, indexes and sequences of `table`, sequence values included.
  absl::StatusOr<TableDef> DescribeTable(const TableRef& table);
  // DescribeTable of each, in the same order.
  absl::StatusOr<std::vector<TableDef>> DescribeTables(const std::vector<TableRef>& tables);

  // The planner statistics of these tables and materialized views (by OID) and of their
  // indexes, one entry per relation found, in OID order; columns this role may not read, or
  // never analyzed, have none.
  absl::StatusOr<std::vector<TableStatistics>> ListPlannerStatistics(
      const std::vector<uint32_t>& relations);

  // The cluster's roles (password hashes only when this role is a superuser), memberships,
  // role settings, tablespaces and databases (catalog_globals.cc).
  absl::StatusOr<ClusterGlobals> ReadGlobals();
  // The roles this database's owners, grants, default privileges and settings name (the
  // bootstrap superuser when it owns a relation, schema, function or type users made), sorted;
  // not the predefined pg_* roles.
  absl::StatusOr<std::vector<std::string>> ListNamedRoles();

 private:
  // Whether the connected role is a superuser (who alone reads subscriptions and passwords).
  absl::StatusOr<bool> IsSuperuser();
  absl::Status AddRoles(ClusterGlobals& out);
  absl::Status AddMemberships(ClusterGlobals& out);
  absl::Status AddTablespacesAndDatabases(ClusterGlobals& out);
  // Extended statistics objects matching `condition` (on pg_statistic_ext s), by name.
  absl::StatusOr<std::vector<StatisticsDef>> ListStatistics(absl::string_view condition,
                                                            const std::vector<std::string>& params);
  // The parts of the tables in `index`: columns, keys, constraints, indexes, triggers, then
  // (Extras) column grants, rules, statistics objects, policies, comments and sequences.
  absl::Status DescribeTableParts(const TableIndex& index);
  absl::Status DescribeTableExtras(const TableIndex& index);
  absl::StatusOr<std::vector<TableRef>> QueryTables(absl::string_view sql,
                                                    const std::vector<std::string>& params);
  absl::Status AddAccessMethodsAndTransforms(std::vector<SchemaObjectDef>& out);
  absl::Status AddCollations(std::vector<SchemaObjectDef>& out);
  absl::Status AddTypes(std::vector<SchemaObjectDef>& out);
  // Enum labels, composite attributes, range options and domain checks of the types `index`
  // maps by OID to `out`.
  absl::Status AddTypeParts(const std::map<uint32_t, size_t>& index,
                            std::vector<SchemaObjectDef>& out);
  absl::Status AddFunctions(std::vector<SchemaObjectDef>& out);
  absl::Status AddAggregates(std::vector<SchemaObjectDef>& out);
  // Procedural languages no extension made, and encoding conversions.
  absl::Status AddLanguagesAndConversions(std::vector<SchemaObjectDef>& out);
  // Text search parsers, templates, dictionaries and configurations.
  absl::Status AddTextSearch(std::vector<SchemaObjectDef>& out);
  absl::Status AddOperatorsAndCasts(std::vector<SchemaObjectDef>& out);
  absl::Status AddForeignServers(std::vector<SchemaObjectDef>& out);
  absl::Status AddSequences(std::vector<SchemaObjectDef>& out);
  absl::Status AddViews(std::vector<SchemaObjectDef>& out);
  // The column settings of the views and materialized views `index` maps by OID to `out`.
  absl::Status AddRelationColumnSettings(const std::map<uint32_t, size_t>& index,
                                         std::vector<SchemaObjectDef>& out);
  // The INSTEAD OF triggers and rules of the views `index` maps by OID to `out`.
  absl::Status AddViewTriggersAndRules(const std::map<uint32_t, size_t>& index,
                                       std::vector<SchemaObjectDef>& out);

  PgConnection& conn_;
};

}  // namespace pgark::engine

#endif  // PGARK_ENGINE_CATALOG_CATALOG_H_
