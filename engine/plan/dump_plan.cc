#include "engine/plan/dump_plan.h"

#include <algorithm>
#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "engine/ddl/schema_sql.h"
#include "engine/ddl/sql_text.h"

namespace pgark::engine {
namespace {

// The constraint's comment, and its index's (the index behind a key has the key's name).
std::string ConstraintComment(const TableDef& t, const ConstraintDef& c) {
  std::string sql = CommentSql(absl::StrCat("CONSTRAINT ", QuoteIdent(c.name), " ON ",
                                            QualifiedName(t.ref.schema, t.ref.name)),
                               CommentOf(t.comments, kPgConstraint, c.oid));
  if (c.index_oid == 0) return sql;
  return sql + CommentSql(absl::StrCat("INDEX ", QualifiedName(t.ref.schema, c.name)),
                          CommentOf(t.comments, kPgClass, c.index_oid));
}

std::string IndexComment(const TableDef& t, const IndexDef& i) {
  return CommentSql(absl::StrCat("INDEX ", QualifiedName(t.ref.schema, i.name)),
                    CommentOf(t.comments, kPgClass, i.oid));
}

// Builds the plan section by section; `Sql` skips empty statements. Pre-data nodes are the
// objects (0 .. objects.size()-1), then the tables, then the separate CHECK constraints, then
// the shells of base types.
class Planner {
 public:
  Planner(const std::vector<TableDef>& tables, const std::vector<SchemaObjectDef>& objects,
          std::vector<PlannedMember>& out)
      : tables_(tables), objects_(objects), out_(out) {}

  // Objects and tables in dependency order.
  void OrderPreData(const std::vector<std::pair<ObjectId, ObjectId>>& deps);
  void PreData();
  void Data();
  void KeysIndexesAndStatistics();
  void IndexAttachments();
  void PostponedDefinitions();
  void ForeignKeys();
  void TriggersRulesAndPolicies();
  void Privileges();
  void MaterializedViewContents();
  void SequenceValues();

 private:
  void Sql(MemberKind kind, const std::string& schema, const std::string& name,
           const std::string& owner, std::string sql, std::string identity = "") {
    if (sql.empty()) return;
    out_.push_back({kind, formats::SectionOf(kind), schema, name, owner, std::move(identity),
                    std::move(sql)});
  }
  // An object postponed whole, with its indexes and statistics: in post-data.
  void PostponedObject(const SchemaObjectDef& o);
  void IndexesAndStatistics(const SchemaObjectDef& o);
  void TablePreData(const TableDef& t);
  bool IsObject(size_t node) const { return node < objects_.size(); }
  bool IsTable(size_t node) const {
    return node >= objects_.size() && node < objects_.size() + tables_.size();
  }
  const TableDef& TableAt(size_t node) const { return tables_[node - objects_.size()]; }
  // A separate CHECK constraint node: its table and itself.
  bool IsCheck(size_t node) const {
    return node >= objects_.size() + tables_.size() &&
           node < objects_.size() + tables_.size() + checks_.size();
  }
  const std::pair<const TableDef*, const ConstraintDef*>& CheckAt(size_t node) const {
    return checks_[node - objects_.size() - tables_.size()];
  }
  // Adds a shell node for each base type; returns, by type OID, its shell node and its I/O
  // functions.
  std::map<uint32_t, std::pair<size_t, const BaseTypeFacts*>> AddShells(
      std::vector<int>& priority, std::vector<std::pair<size_t, size_t>>& edges,
      const std::map<ObjectId, size_t>& node);

  const std::vector<TableDef>& tables_;
  const std::vector<SchemaObjectDef>& objects_;
  std::vector<PlannedMember>& out_;
  std::vector<size_t> order_;  // pre-data nodes in dependency order
  std::vector<std::pair<const TableDef*, const ConstraintDef*>> checks_;  // separate CHECKs
  std::map<size_t, size_t> shells_;  // shell node -> its base type's object index
  // Partitions' indexes and keys attached to their parents' indexes: table, name, parent.
  struct Attachment {
    const TableDef* table;
    const std::string* name;
    const std::string* parent;
  };
  std::vector<Attachment> attachments_;
};

void Planner::OrderPreData(const std::vector<std::pair<ObjectId, ObjectId>>& deps) {
  std::map<ObjectId, size_t> node;
  std::vector<int> priority;
  for (size_t i = 0; i < objects_.size(); ++i) {
    node[objects_[i].id] = i;
    priority.push_back(formats::Traits(objects_[i].kind).priority);
  }
  for (size_t i = 0; i < tables_.size(); ++i) {
    node[tables_[i].id()] = objects_.size() + i;
    priority.push_back(formats::Traits(MemberKind::kTable).priority);
  }
  std::vector<std::pair<size_t, size_t>> edges;
  for (size_t i = 0; i < tables_.size(); ++i) {
    for (const ConstraintDef& c : tables_[i].constraints) {
      if (!c.separate) continue;
      const size_t n = priority.size();
      node[{kPgConstraint, c.oid}] = n;
      priority.push_back(formats::Traits(MemberKind::kCheckConstraint).priority);
      checks_.emplace_back(&tables_[i], &c);
      edges.emplace_back(n, objects_.size() + i);  // after its table
    }
  }
  const auto shells = AddShells(priority, edges, node);
  for (const auto& [from, to] : deps) {
    auto f = node.find(from);
    auto t = node.find(to);
    if (f == node.end() || t == node.end()) continue;
    // A base type's I/O functions take or return it: they need only its shell.
    auto shell = to.classid == kPgType ? shells.find(to.oid) : shells.end();
    if (shell != shells.end() && from.classid == kPgProc) {
      const std::vector<uint32_t>& io = shell->second.second->functions;
      if (std::find(io.begin(), io.end(), from.oid) != io.end()) {
        edges.emplace_back(f->second, shell->second.first);
        continue;
      }
    }
    edges.emplace_back(f->second, t->second);
  }
  for (size_t i = 0; i < tables_.size(); ++i) {  // a partition needs its parent
    auto p = node.find({kPgClass, tables_[i].partition_parent_oid});
    if (tables_[i].partition_parent_oid != 0 && p != node.end()) {
      edges.emplace_back(objects_.size() + i, p->second);
    }
  }
  order_ = TopologicalOrder(priority.size(), edges, priority);
}

std::map<uint32_t, std::pair<size_t, const BaseTypeFacts*>> Planner::AddShells(
    std::vector<int>& priority, std::vector<std::pair<size_t, size_t>>& edges,
    const std::map<ObjectId, size_t>& node) {
  std::map<uint32_t, std::pair<size_t, const BaseTypeFacts*>> shells;
  for (size_t i = 0; i < objects_.size(); ++i) {
    const auto* base = std::get_if<BaseTypeFacts>(&objects_[i].facts);
    if (base == nullptr) continue;
    const size_t n = priority.size();
    priority.push_back(formats::Traits(MemberKind::kShellType).priority);
    shells_[n] = i;
    shells[objects_[i].id.oid] = {n, base};
    edges.emplace_back(node.at(objects_[i].id), n);  // the type fills its shell
  }
  return shells;
}

void Planner::TablePreData(const TableDef& t) {
  for (const SequenceDef& s : t.sequences) {
    if (!s.identity) Sql(MemberKind::kSequence, s.schema, s.name, t.ref.name, CreateSequenceSql(s));
  }
  Sql(TableKind(t.ref), t.ref.schema, t.ref.name, t.ref.name, CreateTableSql(t));
  for (const SequenceDef& s : t.sequences) {
    if (!s.identity) {
      Sql(MemberKind::kSequenceOwnedBy, s.schema, s.name, t.ref.name,
          SequenceOwnedBySql(s, t.ref));
    }
  }
}

void Planner::PreData() {
  for (size_t n : order_) {
    if (IsTable(n)) {
      TablePreData(TableAt(n));
    } else if (auto shell = shells_.find(n); shell != shells_.end()) {
      const SchemaObjectDef& o = objects_[shell->second];
      Sql(MemberKind::kShellType, o.schema, o.name, o.name, ShellTypeSql(o));
    } else if (IsCheck(n)) {
      const auto& [t, c] = CheckAt(n);
      Sql(MemberKind::kCheckConstraint, t->ref.schema, c->name, t->ref.name,
          AddConstraintSql(t->ref, *c) + ConstraintComment(*t, *c));
    } else if (const SchemaObjectDef& o = objects_[n];
               !o.postponed || o.kind == MemberKind::kView) {
      Sql(o.kind, o.schema, o.name, o.name, CreateObjectSql(o), o.identity);
    }
  }
}

void Planner::Data() {
  for (const TableDef& t : tables_) {
    // Partitioned: the rows live in the partitions; foreign: on another server.
    if (t.ref.relkind == 'p' || t.ref.relkind == 'f') continue;
    out_.push_back({MemberKind::kTableData, Section::kData, t.ref.schema, t.ref.name, t.ref.name,
                    "", "", &t});
  }
}

void Planner::KeysIndexesAndStatistics() {
  for (const TableDef& t : tables_) {
    for (const ConstraintDef& c : t.constraints) {
      if (c.type == 'f' || c.separate || IsInlineConstraint(c)) continue;
      Sql(MemberKind::kConstraint, t.ref.schema, c.name, t.ref.name,
          AddConstraintSql(t.ref, c) + ConstraintComment(t, c));
    }
    for (const IndexDef& i : t.indexes) {
      Sql(MemberKind::kIndex, t.ref.schema, i.name, t.ref.name,
          IndexSql(t.ref.schema, i) + IndexComment(t, i));
    }
    for (const StatisticsDef& s : t.statistics) {
      Sql(MemberKind::kStatistics, t.ref.schema, s.name, t.ref.name, StatisticsSql(s));
    }
    Sql(MemberKind::kReplicaIdentity, t.ref.schema, t.ref.name, t.ref.name,
        ReplicaIdentitySql(t));
    // After every index: a partition's is attached to its parent's (created ON ONLY).
    for (const IndexDef& i : t.indexes) {
      if (!i.parent.empty()) attachments_.push_back({&t, &i.name, &i.parent});
    }
    for (const ConstraintDef& c : t.constraints) {
      if (!c.index_parent.empty()) attachments_.push_back({&t, &c.name, &c.index_parent});
    }
    Sql(MemberKind::kClusterOn, t.ref.schema, t.ref.name, t.ref.name, ClusterOnSql(t));
  }
  for (const SchemaObjectDef& o : objects_) {
    if (!o.postponed) IndexesAndStatistics(o);
    if (o.kind == MemberKind::kDomain) {
      Sql(MemberKind::kConstraint, o.schema, o.name, o.name, DomainNotValidSql(o));
    }
  }
}

void Planner::IndexAttachments() {
  for (const Attachment& a : attachments_) {
    Sql(MemberKind::kIndexAttach, a.table->ref.schema, *a.name, a.table->ref.name,
        IndexAttachSql(a.table->ref.schema, *a.name, *a.parent));
  }
}

void Planner::IndexesAndStatistics(const SchemaObjectDef& o) {
  const RelationFacts* r = o.relation();
  if (r == nullptr) return;
  for (const IndexDef& i : r->indexes) {
    Sql(MemberKind::kIndex, o.schema, i.name, o.name, IndexSql(o.schema, i));
  }
  for (const StatisticsDef& s : r->statistics) {
    Sql(MemberKind::kStatistics, o.schema, s.name, o.name, StatisticsSql(s));
  }
}

void Planner::PostponedObject(const SchemaObjectDef& o) {
  const size_t at = out_.size();
  Sql(o.kind, o.schema, o.name, o.name, CreateObjectSql(o), o.identity);
  if (out_.size() > at) out_.back().section = Section::kPostData;
  IndexesAndStatistics(o);
}

// After the keys, in dependency order: postponed views' definitions and postponed objects.
void Planner::PostponedDefinitions() {
  for (size_t n : order_) {
    if (!IsObject(n) || !objects_[n].postponed) continue;
    const SchemaObjectDef& o = objects_[n];
    if (o.kind == MemberKind::kView) {
      Sql(MemberKind::kViewDefinition, o.schema, o.name, o.name, ViewDefinitionSql(o));
    } else {
      PostponedObject(o);
    }
  }
}

void Planner::ForeignKeys() {
  for (const TableDef& t : tables_) {
    for (const ConstraintDef& c : t.constraints) {
      if (c.type != 'f') continue;
      Sql(MemberKind::kFkConstraint, t.ref.schema, c.name, t.ref.name,
          AddConstraintSql(t.ref, c) + ConstraintComment(t, c));
    }
  }
}

void Planner::TriggersRulesAndPolicies() {
  for (const TableDef& t : tables_) {
    for (const TriggerDef& tr : t.triggers) {
      if (tr.clone) continue;  // after every table's own triggers, which make the clones
      Sql(MemberKind::kTrigger, t.ref.schema, tr.name, t.ref.name,
          TriggerSql(t.ref.schema, t.ref.name, tr, t.comments));
    }
    for (const RuleDef& r : t.rules) {
      Sql(MemberKind::kRule, t.ref.schema, r.name, t.ref.name,
          RuleSql(t.ref.schema, t.ref.name, r, t.comments));
    }
    Sql(MemberKind::kRowSecurity, t.ref.schema, t.ref.name, t.ref.name, RowSecuritySql(t));
    for (const PolicyDef& p : t.policies) {
      Sql(MemberKind::kPolicy, t.ref.schema, p.name, t.ref.name, PolicySql(t, p));
    }
  }
  for (const TableDef& t : tables_) {  // partitions' own firing states of cloned triggers
    for (const TriggerDef& tr : t.triggers) {
      if (!tr.clone) continue;
      Sql(MemberKind::kTrigger, t.ref.schema, tr.name, t.ref.name,
          TriggerSql(t.ref.schema, t.ref.name, tr, t.comments));
    }
  }
  for (const SchemaObjectDef& o : objects_) {
    const RelationFacts* view = o.relation();
    if (view == nullptr) continue;
    for (const TriggerDef& tr : view->triggers) {
      Sql(MemberKind::kTrigger, o.schema, tr.name, o.name, TriggerSql(o.schema, o.name, tr, {}));
    }
    for (const RuleDef& r : view->rules) {
      Sql(MemberKind::kRule, o.schema, r.name, o.name, RuleSql(o.schema, o.name, r, {}));
    }
  }
}

void Planner::Privileges() {
  for (size_t n : order_) {
    if (!IsTable(n) && !IsObject(n)) continue;  // a CHECK or shell has no privileges
    if (IsTable(n)) {
      const TableDef& t = TableAt(n);
      Sql(MemberKind::kAcl, t.ref.schema, t.ref.name, t.ref.name, TablePrivilegesSql(t));
    } else {
      const SchemaObjectDef& o = objects_[n];
      Sql(MemberKind::kAcl, o.schema, o.name, o.name, ObjectPrivilegesSql(o), o.identity);
    }
  }
}

void Planner::MaterializedViewContents() {
  for (size_t n : order_) {
    if (!IsObject(n) || objects_[n].kind != MemberKind::kMaterializedView) continue;
    const SchemaObjectDef& o = objects_[n];
    Sql(MemberKind::kMaterializedViewData, o.schema, o.name, o.name, RefreshSql(o));
  }
}

void Planner::SequenceValues() {
  for (const TableDef& t : tables_) {
    for (const SequenceDef& s : t.sequences) {
      Sql(MemberKind::kSequenceSet, s.schema, s.name, t.ref.name, SetvalSql(s));
    }
  }
  for (const SchemaObjectDef& o : objects_) {
    if (o.kind == MemberKind::kSequence) {
      Sql(MemberKind::kSequenceSet, o.schema, o.name, o.name, SetvalSql(o.As<SequenceDef>()));
    }
  }
}

}  // namespace

void PostponeWhatNeedsKeys(std::vector<SchemaObjectDef>& objects,
                           const std::vector<TableDef>& tables,
                           const std::vector<std::pair<ObjectId, ObjectId>>& deps) {
  std::set<ObjectId> keys;  // the tables' key and exclusion constraints
  for (const TableDef& t : tables) {
    for (const ConstraintDef& c : t.constraints) {
      if (c.type == 'p' || c.type == 'u' || c.type == 'x') keys.insert({kPgConstraint, c.oid});
    }
  }
  std::map<ObjectId, SchemaObjectDef*> candidates;
  for (SchemaObjectDef& o : objects) {
    if (formats::Traits(o.kind).postponable || o.kind == MemberKind::kView) candidates[o.id] = &o;
  }
  // What needs a postponed object needs the keys too; a view's placeholder stands in for it.
  std::set<ObjectId> after_keys = keys;
  for (bool grew = true; grew;) {
    grew = false;
    for (const auto& [from, to] : deps) {
      auto it = candidates.find(from);
      if (it == candidates.end() || it->second->postponed || !after_keys.count(to)) continue;
      it->second->postponed = true;
      if (it->second->kind != MemberKind::kView) after_keys.insert(from);
      grew = true;
    }
  }
}

void SeparateChecks(std::vector<TableDef>& tables,
                    const std::vector<std::pair<ObjectId, ObjectId>>& deps) {
  std::map<uint32_t, ConstraintDef*> checks;  // validated CHECKs by OID
  std::map<uint32_t, uint32_t> table_of;      // their tables
  for (TableDef& t : tables) {
    for (ConstraintDef& c : t.constraints) {
      if (c.type == 'c' && c.validated) {
        checks[c.oid] = &c;
        table_of[c.oid] = t.ref.oid;
      }
    }
  }
  for (const auto& [from, to] : deps) {
    if (from.classid != kPgConstraint) continue;
    auto it = checks.find(from.oid);
    if (it == checks.end() || to == ObjectId{kPgClass, table_of[from.oid]}) continue;
    it->second->separate = true;
  }
}

std::vector<PlannedMember> PlanArchive(const std::vector<TableDef>& tables,
                                       const std::vector<SchemaObjectDef>& objects,
                                       const std::vector<std::pair<ObjectId, ObjectId>>& deps,
                                       const PlanOptions& options) {
  const bool schema = options.content != Content::kDataOnly;
  const bool data = options.content != Content::kSchemaOnly;
  std::vector<PlannedMember> out;
  Planner plan(tables, objects, out);
  plan.OrderPreData(deps);
  if (schema) plan.PreData();
  if (data) plan.Data();
  if (schema) {
    plan.KeysIndexesAndStatistics();
    plan.IndexAttachments();
    plan.PostponedDefinitions();
    // Foreign keys once every key they reference exists; triggers and row security after
    // all data, so the load neither fires nor is filtered by them.
    plan.ForeignKeys();
    plan.TriggersRulesAndPolicies();
    if (options.with_owners) plan.Privileges();
    plan.MaterializedViewContents();
  }
  if (data) plan.SequenceValues();
  return out;
}

std::set<ObjectId> CarriedObjects(const std::vector<TableDef>& tables,
                                  const std::vector<SchemaObjectDef>& objects) {
  std::set<ObjectId> carried;
  auto relation_parts = [&carried](const std::vector<IndexDef>& indexes,
                                   const std::vector<TriggerDef>& triggers,
                                   const std::vector<RuleDef>& rules,
                                   const std::vector<StatisticsDef>& statistics) {
    for (const IndexDef& i : indexes) carried.insert({kPgClass, i.oid});
    for (const TriggerDef& t : triggers) carried.insert({kPgTrigger, t.oid});
    for (const RuleDef& r : rules) carried.insert({kPgRewrite, r.oid});
    for (const StatisticsDef& s : statistics) carried.insert({kPgStatisticExt, s.oid});
  };
  for (const TableDef& t : tables) {
    carried.insert(t.id());
    for (const ConstraintDef& c : t.constraints) carried.insert({kPgConstraint, c.oid});
    for (const PolicyDef& p : t.policies) carried.insert({kPgPolicy, p.oid});
    for (const SequenceDef& s : t.sequences) carried.insert({kPgClass, s.oid});
    relation_parts(t.indexes, t.triggers, t.rules, t.statistics);
  }
  for (const SchemaObjectDef& o : objects) {
    carried.insert(o.id);
    if (const RelationFacts* r = o.relation()) {
      relation_parts(r->indexes, r->triggers, r->rules, r->statistics);
    }
  }
  return carried;
}

std::vector<UncarriedObjects> NotCarried(const std::vector<CatalogObject>& user_objects,
                                         const std::set<ObjectId>& carried, size_t max_names) {
  std::vector<UncarriedObjects> out;
  std::map<std::string, size_t> group;  // type -> its index in `out`
  for (const CatalogObject& o : user_objects) {
    if (carried.count(o.id)) continue;
    auto [it, added] = group.emplace(o.type, out.size());
    if (added) out.push_back({o.type, 0, {}});
    UncarriedObjects& g = out[it->second];
    ++g.count;
    if (g.examples.size() < max_names) g.examples.push_back(o.description);
  }
  return out;
}

}  // namespace pgark::engine
