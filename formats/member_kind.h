// The archive's typed vocabulary: what a member is (MemberKind), which section it is in, and the
// manifest's backup type, content and delta. Every kind's facts live in one constexpr table,
// kMemberKinds: its wire name (the manifest's "kind", also the object's SQL keyword where it is
// one), section, plan priority and how a restore treats it. Names are parsed once, in the
// manifest decoder, and written once, by the encoder; everything else compares enums.
// formats/README.md's grammar lists the same kinds (member_kind_test.cc checks that they agree).
#ifndef PGARK_FORMATS_MEMBER_KIND_H_
#define PGARK_FORMATS_MEMBER_KIND_H_

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <optional>

#include "absl/strings/string_view.h"

namespace pgark::formats {

enum class Section : uint8_t { kPreData, kData, kPostData };

enum class MemberKind : uint8_t {
  // pre-data
  kHeader, kIncrementalGuard, kRole, kRoleMembership, kTablespace, kRoleSettings,
  kParameterAcl, kDatabase,
  kSchema, kExtension, kCollation, kShellType, kType, kDomain,
  kFunction, kLanguage, kAccessMethod, kTransform,
  kProcedure, kAggregate, kOperator, kOperatorFamily, kOperatorClass, kTextSearchParser,
  kTextSearchTemplate, kTextSearchDictionary, kTextSearchConfiguration, kConversion, kCast, kForeignDataWrapper, kServer, kSequence, kSequenceOwnedBy,
  kTable, kForeignTable, kCheckConstraint, kView, kMaterializedView,
  // data
  kTableData, kRowDeletes,
  // post-data
  kConstraint, kIndex, kIndexAttach, kViewDefinition, kStatistics, kReplicaIdentity, kClusterOn, kFkConstraint, kTrigger,
  kRule, kRowSecurity, kPolicy, kAcl, kMaterializedViewData, kSequenceSet, kDefaultAcl, kPredefinedAcl, kDatabaseProperties,
  kUserMapping, kPublication, kSubscription, kExtensionSequenceSet, kLargeObjects,
  kLargeObjectAcl, kEventTrigger, kStatisticsData,
};

// How `--drop-existing` drops an object of a kind before creating it again.
enum class DropBy : uint8_t {
  kNever,        // kept: other objects outside the backup may use it, or it is a part
  kName,         // DROP <wire name> IF EXISTS schema.name CASCADE
  kSignature,    // ... schema.name(identity) CASCADE: functions, procedures, aggregates
  kAccessMethod  // ... schema.name USING identity CASCADE: operator families and classes
};

struct MemberKindTraits {
  MemberKind kind;
  const char* wire;  // the manifest's "kind"; for objects also their SQL keyword
  Section section;
  // Pre-data: the order among objects that no dependency orders (schemas first, ...).
  int priority;
  // A restore remembers whether it created the object: the members that belong to it (its
  // data, keys, triggers, grants) are applied only then.
  bool creates_object;
  DropBy drop;
  // A failure is a warning, not the end of the restore: a role missing in the target, or an
  // object only a superuser may create.
  bool tolerated;
  // Belongs to the database, not to a table: restored only with the whole backup.
  bool database_wide;
  // Built right after its table's rows, on the connection that loaded them (keys, indexes).
  bool with_table_data;
  // Not run by a restore: the header (run first, on every connection), the guard that stops
  // psql at an incremental, and an incremental's row deletes (replayed, not run).
  bool not_run;
  // May also stand in post-data, created after the keys it needs: a materialized view, or a
  // function whose SQL-standard body groups by a primary key (what pg_dump postpones too).
  bool postponable;
};

// Traits in MemberKind order; one row per kind.
inline constexpr MemberKindTraits kMemberKinds[] = {
    // kind                              wire                   section       prio create drop                  toler  dbwide withdata notrun postpone
    {MemberKind::kHeader, "HEADER", Section::kPreData, 0, false, DropBy::kNever, false, false, false, true, false},
    {MemberKind::kIncrementalGuard, "INCREMENTAL GUARD", Section::kPreData, 0, false, DropBy::kNever, false, false, false, true, false},
    {MemberKind::kRole, "ROLE", Section::kPreData, 0, false, DropBy::kNever, true, true, false, false, false},
    {MemberKind::kRoleMembership, "ROLE MEMBERSHIP", Section::kPreData, 0, false, DropBy::kNever, true, true, false, false, false},
    {MemberKind::kTablespace, "TABLESPACE", Section::kPreData, 0, false, DropBy::kNever, true, true, false, false, false},
    {MemberKind::kRoleSettings, "ROLE SETTINGS", Section::kPreData, 0, false, DropBy::kNever, true, true, false, false, false},
    {MemberKind::kParameterAcl, "PARAMETER ACL", Section::kPreData, 0, false, DropBy::kNever, true, true, false, false, false},
    {MemberKind::kDatabase, "DATABASE", Section::kPreData, 0, false, DropBy::kNever, true, true, false, false, false},
    {MemberKind::kSchema, "SCHEMA", Section::kPreData, 0, false, DropBy::kNever, false, false, false, false, false},
    {MemberKind::kExtension, "EXTENSION", Section::kPreData, 1, false, DropBy::kNever, false, false, false, false, false},
    {MemberKind::kCollation, "COLLATION", Section::kPreData, 2, true, DropBy::kNever, false, false, false, false, false},
    {MemberKind::kShellType, "SHELL TYPE", Section::kPreData, 2, true, DropBy::kNever, false, false, false, false, false},
    {MemberKind::kType, "TYPE", Section::kPreData, 2, true, DropBy::kName, false, false, false, false, false},
    {MemberKind::kDomain, "DOMAIN", Section::kPreData, 2, true, DropBy::kName, false, false, false, false, false},
    {MemberKind::kFunction, "FUNCTION", Section::kPreData, 3, true, DropBy::kSignature, false, false, false, false, true},
    {MemberKind::kLanguage, "LANGUAGE", Section::kPreData, 3, true, DropBy::kNever, false, false, false, false, false},
    {MemberKind::kAccessMethod, "ACCESS METHOD", Section::kPreData, 3, true, DropBy::kNever, false, false, false, false, false},
    {MemberKind::kTransform, "TRANSFORM", Section::kPreData, 3, true, DropBy::kNever, false, false, false, false, false},
    {MemberKind::kProcedure, "PROCEDURE", Section::kPreData, 3, true, DropBy::kSignature, false, false, false, false, true},
    {MemberKind::kAggregate, "AGGREGATE", Section::kPreData, 3, true, DropBy::kSignature, false, false, false, false, false},
    {MemberKind::kOperator, "OPERATOR", Section::kPreData, 3, true, DropBy::kNever, false, false, false, false, false},
    {MemberKind::kOperatorFamily, "OPERATOR FAMILY", Section::kPreData, 3, true, DropBy::kAccessMethod, false, false, false, false, false},
    {MemberKind::kOperatorClass, "OPERATOR CLASS", Section::kPreData, 3, true, DropBy::kAccessMethod, false, false, false, false, false},
    {MemberKind::kTextSearchParser, "TEXT SEARCH PARSER", Section::kPreData, 2, true, DropBy::kNever, false, false, false, false, false},
    {MemberKind::kTextSearchTemplate, "TEXT SEARCH TEMPLATE", Section::kPreData, 2, true, DropBy::kNever, false, false, false, false, false},
    {MemberKind::kTextSearchDictionary, "TEXT SEARCH DICTIONARY", Section::kPreData, 2, true, DropBy::kNever, false, false, false, false, false},
    {MemberKind::kTextSearchConfiguration, "TEXT SEARCH CONFIGURATION", Section::kPreData, 2, true, DropBy::kNever, false, false, false, false, false},
    {MemberKind::kConversion, "CONVERSION", Section::kPreData, 3, true, DropBy::kNever, false, false, false, false, false},
    {MemberKind::kCast, "CAST", Section::kPreData, 3, true, DropBy::kNever, false, false, false, false, false},
    {MemberKind::kForeignDataWrapper, "FOREIGN DATA WRAPPER", Section::kPreData, 3, true, DropBy::kNever, false, false, false, false, false},
    {MemberKind::kServer, "SERVER", Section::kPreData, 4, true, DropBy::kNever, false, false, false, false, false},
    {MemberKind::kSequence, "SEQUENCE", Section::kPreData, 4, true, DropBy::kName, false, false, false, false, false},
    {MemberKind::kSequenceOwnedBy, "SEQUENCE OWNED BY", Section::kPreData, 4, false, DropBy::kNever, false, false, false, false, false},
    {MemberKind::kTable, "TABLE", Section::kPreData, 5, true, DropBy::kName, false, false, false, false, false},
    {MemberKind::kForeignTable, "FOREIGN TABLE", Section::kPreData, 5, true, DropBy::kName, false, false, false, false, false},
    {MemberKind::kCheckConstraint, "CHECK CONSTRAINT", Section::kPreData, 5, false, DropBy::kNever, false, false, false, false, false},
    {MemberKind::kView, "VIEW", Section::kPreData, 6, true, DropBy::kName, false, false, false, false, false},
    {MemberKind::kMaterializedView, "MATERIALIZED VIEW", Section::kPreData, 7, true, DropBy::kName, false, false, false, false, true},
    {MemberKind::kTableData, "TABLE DATA", Section::kData, 0, false, DropBy::kNever, false, false, false, false, false},
    {MemberKind::kRowDeletes, "ROW DELETES", Section::kData, 0, false, DropBy::kNever, false, false, false, true, false},
    {MemberKind::kConstraint, "CONSTRAINT", Section::kPostData, 0, false, DropBy::kNever, false, false, true, false, false},
    {MemberKind::kIndex, "INDEX", Section::kPostData, 0, false, DropBy::kNever, false, false, true, false, false},
    {MemberKind::kIndexAttach, "INDEX ATTACH", Section::kPostData, 0, false, DropBy::kNever, false, false, false, false, false},
    {MemberKind::kViewDefinition, "VIEW DEFINITION", Section::kPostData, 0, false, DropBy::kNever, false, false, false, false, false},
    {MemberKind::kStatistics, "STATISTICS", Section::kPostData, 0, false, DropBy::kNever, false, false, false, false, false},
    {MemberKind::kReplicaIdentity, "REPLICA IDENTITY", Section::kPostData, 0, false, DropBy::kNever, false, false, false, false, false},
    {MemberKind::kClusterOn, "CLUSTER ON", Section::kPostData, 0, false, DropBy::kNever, false, false, false, false, false},
    {MemberKind::kFkConstraint, "FK CONSTRAINT", Section::kPostData, 0, false, DropBy::kNever, false, false, false, false, false},
    {MemberKind::kTrigger, "TRIGGER", Section::kPostData, 0, false, DropBy::kNever, false, false, false, false, false},
    {MemberKind::kRule, "RULE", Section::kPostData, 0, false, DropBy::kNever, false, false, false, false, false},
    {MemberKind::kRowSecurity, "ROW SECURITY", Section::kPostData, 0, false, DropBy::kNever, false, false, false, false, false},
    {MemberKind::kPolicy, "POLICY", Section::kPostData, 0, false, DropBy::kNever, false, false, false, false, false},
    {MemberKind::kAcl, "ACL", Section::kPostData, 0, false, DropBy::kNever, true, false, false, false, false},
    {MemberKind::kMaterializedViewData, "MATERIALIZED VIEW DATA", Section::kPostData, 0, false, DropBy::kNever, false, false, false, false, false},
    {MemberKind::kSequenceSet, "SEQUENCE SET", Section::kPostData, 0, false, DropBy::kNever, false, false, false, false, false},
    {MemberKind::kDefaultAcl, "DEFAULT ACL", Section::kPostData, 0, false, DropBy::kNever, true, true, false, false, false},
    {MemberKind::kPredefinedAcl, "PREDEFINED ACL", Section::kPostData, 0, false, DropBy::kNever, true, true, false, false, false},
    {MemberKind::kDatabaseProperties, "DATABASE PROPERTIES", Section::kPostData, 0, false, DropBy::kNever, true, true, false, false, false},
    {MemberKind::kUserMapping, "USER MAPPING", Section::kPostData, 0, false, DropBy::kNever, true, true, false, false, false},
    {MemberKind::kPublication, "PUBLICATION", Section::kPostData, 0, false, DropBy::kNever, true, true, false, false, false},
    {MemberKind::kSubscription, "SUBSCRIPTION", Section::kPostData, 0, false, DropBy::kNever, true, true, false, false, false},
    {MemberKind::kExtensionSequenceSet, "EXTENSION SEQUENCE SET", Section::kPostData, 0, false, DropBy::kNever, false, true, false, false, false},
    {MemberKind::kLargeObjects, "LARGE OBJECTS", Section::kPostData, 0, false, DropBy::kNever, false, true, false, false, false},
    {MemberKind::kLargeObjectAcl, "LARGE OBJECT ACL", Section::kPostData, 0, false, DropBy::kNever, true, true, false, false, false},
    {MemberKind::kEventTrigger, "EVENT TRIGGER", Section::kPostData, 0, false, DropBy::kNever, true, true, false, false, false},
    {MemberKind::kStatisticsData, "STATISTICS DATA", Section::kPostData, 0, false, DropBy::kNever, true, false, false, false, false},
};

// Each row stands at its kind's index, so Traits() is a lookup.
constexpr bool KindsInOrder() {
  for (size_t i = 0; i < std::size(kMemberKinds); ++i) {
    if (static_cast<size_t>(kMemberKinds[i].kind) != i) return false;
  }
  return std::size(kMemberKinds) == static_cast<size_t>(MemberKind::kStatisticsData) + 1;
}
static_assert(KindsInOrder(), "kMemberKinds must list every MemberKind in enum order");

constexpr const MemberKindTraits& Traits(MemberKind kind) {
  return kMemberKinds[static_cast<size_t>(kind)];
}
constexpr const char* WireName(MemberKind kind) { return Traits(kind).wire; }
constexpr Section SectionOf(MemberKind kind) { return Traits(kind).section; }
// Whether a member of this kind may stand in this section.
constexpr bool AllowedIn(MemberKind kind, Section section) {
  return SectionOf(kind) == section || (Traits(kind).postponable && section == Section::kPostData);
}

// The cluster's own objects (a globals backup, or backup full --with-globals): restored only
// by `restore globals` or `restore full --with-globals`, first, outside the database's
// transaction (CREATE DATABASE and CREATE TABLESPACE cannot run in one).
constexpr bool IsClusterWide(MemberKind kind) {
  return kind >= MemberKind::kRole && kind <= MemberKind::kDatabase;
}

// The kind with this wire name, or nullopt.
std::optional<MemberKind> ParseMemberKind(absl::string_view wire);

// "pre-data", "data", "post-data".
const char* SectionName(Section section);
std::optional<Section> ParseSection(absl::string_view name);

enum class BackupType : uint8_t { kFull, kTable, kIncremental, kGlobals };
const char* BackupTypeName(BackupType type);  // "full", "table", "incremental", "globals"
std::optional<BackupType> ParseBackupType(absl::string_view name);

enum class Content : uint8_t { kSchemaAndData, kSchemaOnly, kDataOnly };
const char* ContentName(Content content);  // "schema+data", "schema-only", "data-only"
std::optional<Content> ParseContent(absl::string_view name);

// An incremental's TABLE DATA: every row of the table, or the rows changed since the parent.
enum class Delta : uint8_t { kNone, kFull, kChanges };
const char* DeltaName(Delta delta);  // "", "full", "changes"
std::optional<Delta> ParseDelta(absl::string_view name);

}  // namespace pgark::formats

#endif  // PGARK_FORMATS_MEMBER_KIND_H_
