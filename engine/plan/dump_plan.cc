#include "engine/plan/dump_plan.h"

#include <map>
#include <queue>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "engine/ddl/schema_sql.h"
#include "engine/ddl/sql_text.h"

namespace pgark::engine {
namespace {

int KindPriority(absl::string_view kind) {
  if (kind == "SCHEMA") return 0;
  if (kind == "EXTENSION") return 1;
  if (kind == "COLLATION" || kind == "TYPE" || kind == "DOMAIN" ||
      absl::StartsWith(kind, "TEXT SEARCH")) {
    return 2;
  }
  if (kind == "FUNCTION" || kind == "PROCEDURE" || kind == "AGGREGATE" ||
      absl::StartsWith(kind, "OPERATOR") || kind == "CAST" || kind == "FOREIGN DATA WRAPPER") {
    return 3;
  }
  if (kind == "SEQUENCE" || kind == "SERVER") return 4;
  if (kind == "TABLE") return 5;
  if (kind == "VIEW") return 6;
  return 7;  // MATERIALIZED VIEW
}

// Collects members in order; `Sql` skips empty statements.
class Builder {
 public:
  explicit Builder(std::vector<PlannedMember>& out) : out_(out) {}
  void Sql(const char* section, const std::string& kind, const std::string& schema,
           const std::string& name, const std::string& owner, std::string sql,
           std::string identity = "") {
    if (sql.empty()) return;
    out_.push_back({section, kind, schema, name, owner, std::move(identity), std::move(sql)});
  }

 private:
  std::vector<PlannedMember>& out_;
};

void TablePreData(Builder& b, const TableDef& t) {
  for (const SequenceDef& s : t.sequences) {
    if (!s.identity) b.Sql("pre-data", "SEQUENCE", s.schema, s.name, t.ref.name, CreateSequenceSql(s));
  }
  b.Sql("pre-data", TableKind(t.ref), t.ref.schema, t.ref.name, t.ref.name, CreateTableSql(t));
  for (const SequenceDef& s : t.sequences) {
    if (!s.identity) {
      b.Sql("pre-data", "SEQUENCE OWNED BY", s.schema, s.name, t.ref.name,
            SequenceOwnedBySql(s, t.ref));
    }
  }
}

std::string ConstraintComment(const TableDef& t, const ConstraintDef& c) {
  return CommentSql(absl::StrCat("CONSTRAINT ", QuoteIdent(c.name), " ON ",
                                 QualifiedName(t.ref.schema, t.ref.name)),
                    CommentOf(t.comments, kPgConstraint, c.oid));
}

std::string IndexComment(const TableDef& t, const IndexDef& i) {
  return CommentSql(absl::StrCat("INDEX ", QualifiedName(t.ref.schema, i.name)),
                    CommentOf(t.comments, kPgClass, i.oid));
}

std::string ObjectPrivilegesSql(const SchemaObjectDef& o) {
  if (o.kind == "EXTENSION" || o.kind == "CAST") return "";  // a cast has no owner
  if (o.kind == "SCHEMA" || o.kind == "FOREIGN DATA WRAPPER") {
    return PrivilegesSql(o.kind, o.kind, QuoteIdent(o.name), o.privileges);
  }
  if (o.kind == "SERVER") {
    return PrivilegesSql("SERVER", "FOREIGN SERVER", QuoteIdent(o.name), o.privileges);
  }
  std::string ref = QualifiedName(o.schema, o.name);
  if (o.kind == "FUNCTION" || o.kind == "PROCEDURE") {
    return PrivilegesSql(o.kind, o.kind, absl::StrCat(ref, "(", o.identity, ")"), o.privileges);
  }
  if (o.kind == "OPERATOR") {  // no ACL
    return PrivilegesSql("OPERATOR", OperatorSignature(o), "", "", o.privileges);
  }
  if (o.kind == "OPERATOR FAMILY" || o.kind == "OPERATOR CLASS") {  // no ACL
    return PrivilegesSql(o.kind, OperatorFamilyRef(o), "", "", o.privileges);
  }
  if (o.kind == "AGGREGATE") {  // ALTER AGGREGATE takes its signature, GRANT a function's
    return PrivilegesSql("AGGREGATE", absl::StrCat(ref, "(", o.identity, ")"), "FUNCTION",
                         absl::StrCat(ref, "(", o.function_arguments, ")"), o.privileges);
  }
  const char* grant_kind = o.kind == "SEQUENCE" ? "SEQUENCE"
                           : (o.kind == "TYPE" || o.kind == "DOMAIN") ? "TYPE" : "TABLE";
  return PrivilegesSql(o.kind, grant_kind, ref, o.privileges);
}

}  // namespace

std::vector<PlannedMember> PlanArchive(const std::vector<TableDef>& tables,
                                       const std::vector<SchemaObjectDef>& objects,
                                       const std::vector<std::pair<ObjectId, ObjectId>>& deps,
                                       const PlanOptions& options) {
  const Content content = options.content;
  std::vector<PlannedMember> out;
  Builder b(out);
  const bool schema = content != Content::kDataOnly;

  // Pre-data nodes: the objects, then the tables.
  std::map<ObjectId, size_t> node;
  std::vector<int> priority;
  for (size_t i = 0; i < objects.size(); ++i) {
    node[objects[i].id] = i;
    priority.push_back(KindPriority(objects[i].kind));
  }
  for (size_t i = 0; i < tables.size(); ++i) {
    node[tables[i].id()] = objects.size() + i;
    priority.push_back(KindPriority("TABLE"));
  }
  std::vector<std::pair<size_t, size_t>> edges;
  for (const auto& [from, to] : deps) {
    auto f = node.find(from);
    auto t = node.find(to);
    if (f != node.end() && t != node.end()) edges.emplace_back(f->second, t->second);
  }
  for (size_t i = 0; i < tables.size(); ++i) {  // a partition needs its parent
    auto p = node.find({kPgClass, tables[i].partition_parent_oid});
    if (tables[i].partition_parent_oid != 0 && p != node.end()) {
      edges.emplace_back(objects.size() + i, p->second);
    }
  }
  std::vector<size_t> order = TopologicalOrder(priority.size(), edges, priority);

  if (schema) {
    for (size_t n : order) {
      if (n >= objects.size()) {
        TablePreData(b, tables[n - objects.size()]);
      } else {
        const SchemaObjectDef& o = objects[n];
        b.Sql("pre-data", o.kind, o.schema, o.name, o.name, CreateObjectSql(o), o.identity);
      }
    }
  }
  if (content != Content::kSchemaOnly) {
    for (const TableDef& t : tables) {
      // Partitioned: the rows live in the partitions; foreign: on another server.
      if (t.ref.relkind == 'p' || t.ref.relkind == 'f') continue;
      out.push_back({"data", "TABLE DATA", t.ref.schema, t.ref.name, t.ref.name, "", "", &t});
    }
  }
  if (schema) {
    for (const TableDef& t : tables) {
      for (const ConstraintDef& c : t.constraints) {
        if (c.type == 'f' || IsInlineConstraint(c)) continue;
        b.Sql("post-data", "CONSTRAINT", t.ref.schema, c.name, t.ref.name,
              AddConstraintSql(t.ref, c) + ConstraintComment(t, c));
      }
      for (const IndexDef& i : t.indexes) {
        b.Sql("post-data", "INDEX", t.ref.schema, i.name, t.ref.name,
              PartitionedIndexSql(i) + IndexComment(t, i));
      }
      for (const StatisticsDef& s : t.statistics) {
        b.Sql("post-data", "STATISTICS", t.ref.schema, s.name, t.ref.name, StatisticsSql(s));
      }
      b.Sql("post-data", "REPLICA IDENTITY", t.ref.schema, t.ref.name, t.ref.name,
            ReplicaIdentitySql(t));
      b.Sql("post-data", "CLUSTER ON", t.ref.schema, t.ref.name, t.ref.name, ClusterOnSql(t));
    }
    for (const SchemaObjectDef& o : objects) {
      for (const IndexDef& i : o.indexes) {
        b.Sql("post-data", "INDEX", o.schema, i.name, o.name, IndexSql(i));
      }
      for (const StatisticsDef& s : o.statistics) {
        b.Sql("post-data", "STATISTICS", o.schema, s.name, o.name, StatisticsSql(s));
      }
      if (o.kind == "DOMAIN") {
        b.Sql("post-data", "CONSTRAINT", o.schema, o.name, o.name, DomainNotValidSql(o));
      }
    }
    // Foreign keys once every key they reference exists; triggers and row security after
    // all data, so the load neither fires nor is filtered by them.
    for (const TableDef& t : tables) {
      for (const ConstraintDef& c : t.constraints) {
        if (c.type != 'f') continue;
        b.Sql("post-data", "FK CONSTRAINT", t.ref.schema, c.name, t.ref.name,
              AddConstraintSql(t.ref, c) + ConstraintComment(t, c));
      }
    }
    for (const TableDef& t : tables) {
      for (const TriggerDef& tr : t.triggers) {
        b.Sql("post-data", "TRIGGER", t.ref.schema, tr.name, t.ref.name,
              TriggerSql(t.ref.schema, t.ref.name, tr, t.comments));
      }
      for (const RuleDef& r : t.rules) {
        b.Sql("post-data", "RULE", t.ref.schema, r.name, t.ref.name,
              RuleSql(t.ref.schema, t.ref.name, r, t.comments));
      }
      b.Sql("post-data", "ROW SECURITY", t.ref.schema, t.ref.name, t.ref.name, RowSecuritySql(t));
      for (const PolicyDef& p : t.policies) {
        b.Sql("post-data", "POLICY", t.ref.schema, p.name, t.ref.name, PolicySql(t, p));
      }
    }
    for (const SchemaObjectDef& o : objects) {
      for (const TriggerDef& tr : o.triggers) {
        b.Sql("post-data", "TRIGGER", o.schema, tr.name, o.name,
              TriggerSql(o.schema, o.name, tr, {}));
      }
      for (const RuleDef& r : o.rules) {
        b.Sql("post-data", "RULE", o.schema, r.name, o.name, RuleSql(o.schema, o.name, r, {}));
      }
    }
    if (options.with_owners) {
      for (size_t n : order) {
        if (n >= objects.size()) {
          const TableDef& t = tables[n - objects.size()];
          const std::string name = QualifiedName(t.ref.schema, t.ref.name);
          std::string sql = PrivilegesSql(TableKind(t.ref), "TABLE", name, t.privileges);
          for (const auto& [column, privileges] : t.column_privileges) {
            sql += ColumnPrivilegesSql(name, column, privileges);
          }
          b.Sql("post-data", "ACL", t.ref.schema, t.ref.name, t.ref.name, std::move(sql));
        } else {
          const SchemaObjectDef& o = objects[n];
          b.Sql("post-data", "ACL", o.schema, o.name, o.name, ObjectPrivilegesSql(o), o.identity);
        }
      }
    }
    for (size_t n : order) {
      if (n < objects.size() && objects[n].kind == "MATERIALIZED VIEW") {
        const SchemaObjectDef& o = objects[n];
        b.Sql("post-data", "MATERIALIZED VIEW DATA", o.schema, o.name, o.name, RefreshSql(o));
      }
    }
  }
  if (content != Content::kSchemaOnly) {
    for (const TableDef& t : tables) {
      for (const SequenceDef& s : t.sequences) {
        b.Sql("post-data", "SEQUENCE SET", s.schema, s.name, t.ref.name, SetvalSql(s));
      }
    }
    for (const SchemaObjectDef& o : objects) {
      if (o.kind == "SEQUENCE") {
        b.Sql("post-data", "SEQUENCE SET", o.schema, o.name, o.name, SetvalSql(o.sequence));
      }
    }
  }
  return out;
}

}  // namespace pgark::engine
