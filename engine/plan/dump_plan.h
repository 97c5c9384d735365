// `PlanArchive` decides what an archive holds and in which order: the pre-data objects sorted
// by their pg_depend dependencies (kinds in a fixed order where dependencies leave a choice),
// then one data member per table with storage (parents before the tables that reference them),
// then post-data: keys, indexes and statistics objects, foreign keys, triggers and rules, row
// level security, materialized view contents and sequence values, so that nothing fires or is
// checked twice during the load. Pure: no connection needed.
#ifndef PGARK_ENGINE_PLAN_DUMP_PLAN_H_
#define PGARK_ENGINE_PLAN_DUMP_PLAN_H_

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "engine/catalog/facts.h"
#include "engine/plan/ordering.h"
#include "engine/options.h"

namespace pgark::engine {

struct PlannedMember {
  MemberKind kind = MemberKind::kHeader;
  formats::Section section = formats::Section::kPreData;  // SectionOf(kind) unless postponed
  std::string schema;
  std::string name;
  std::string table;     // the owning object's name: a table's, or the object's own
  std::string identity;  // FUNCTION / PROCEDURE argument types
  std::string sql;       // SQL members
  const TableDef* data = nullptr;  // TABLE DATA members: the table to copy
};

struct PlanOptions {
  Content content = Content::kSchemaAndData;
  // Owners and privileges as post-data "ACL" members (restored with a warning when a role
  // is missing in the target).
  bool with_owners = false;
};

// Marks as separate the validated CHECK constraints that depend on another object than their
// own table (a function taking the table's row type, say): they are created on their own, after
// what they need, instead of inside CREATE TABLE.
void SeparateChecks(std::vector<TableDef>& tables,
                    const std::vector<std::pair<ObjectId, ObjectId>>& deps);

// Marks as postponed the views, materialized views, functions and procedures that need a table's
// key (a GROUP BY the primary key), directly or through another one of them that is postponed
// whole: views are made as placeholders in pre-data and defined after the keys; the others are
// created after the keys.
void PostponeWhatNeedsKeys(std::vector<SchemaObjectDef>& objects,
                           const std::vector<TableDef>& tables,
                           const std::vector<std::pair<ObjectId, ObjectId>>& deps);

// The catalog objects a plan of these tables and objects carries: each table, object, and
// their constraints, indexes, triggers, rules, policies, statistics objects and sequences.
std::set<ObjectId> CarriedObjects(const std::vector<TableDef>& tables,
                                  const std::vector<SchemaObjectDef>& objects);

// The user objects not in `carried`, grouped by type (in the catalog's order), each group
// naming up to `max_names` of them.
std::vector<UncarriedObjects> NotCarried(const std::vector<CatalogObject>& user_objects,
                                         const std::set<ObjectId>& carried, size_t max_names);

// REQUIRES: `tables` is in foreign-key order (OrderByForeignKeys); the pointers in the result
// point into `tables`.
std::vector<PlannedMember> PlanArchive(const std::vector<TableDef>& tables,
                                       const std::vector<SchemaObjectDef>& objects,
                                       const std::vector<std::pair<ObjectId, ObjectId>>& deps,
                                       const PlanOptions& options);

}  // namespace pgark::engine

#endif  // PGARK_ENGINE_PLAN_DUMP_PLAN_H_
