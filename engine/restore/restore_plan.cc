#include "engine/restore/restore_plan.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/ddl/sql_text.h"

namespace pgark::engine {

using formats::DropBy;
using formats::MemberEntry;
using formats::MemberKind;

std::string OwnerKey(absl::string_view schema, absl::string_view name) {
  return absl::StrCat(schema, "\x01", name);
}

std::string OwnerOf(const MemberEntry& m) { return OwnerKey(m.schema, m.table); }

bool IsOwnedSequencePart(const MemberEntry& m) {
  const bool sequence = m.kind == MemberKind::kSequence ||
                        m.kind == MemberKind::kSequenceOwnedBy ||
                        m.kind == MemberKind::kSequenceSet;
  return sequence && m.table != m.name;
}

bool CreatesObject(const MemberEntry& m) {
  return formats::Traits(m.kind).creates_object && !IsOwnedSequencePart(m);
}

std::string DropSql(const MemberEntry& m) {
  const DropBy drop = formats::Traits(m.kind).drop;
  if (drop == DropBy::kNever || IsOwnedSequencePart(m)) return "";
  std::string sql = absl::StrCat("DROP ", formats::WireName(m.kind), " IF EXISTS ",
                                 QualifiedName(m.schema, m.name));
  if (drop == DropBy::kSignature) absl::StrAppend(&sql, "(", m.identity, ")");
  if (drop == DropBy::kAccessMethod) absl::StrAppend(&sql, " USING ", m.identity);
  return absl::StrCat(sql, " CASCADE");
}

RestoreSelection::RestoreSelection(const std::vector<formats::TableEntry>& tables, bool whole)
    : whole_(whole) {
  for (const formats::TableEntry& t : tables) {
    owners_.insert(OwnerKey(t.schema, t.table));
    tables_.insert(t.table);
    schemas_.insert(t.schema);
  }
}

bool RestoreSelection::Selected(const MemberEntry& m) const {
  // The cluster's globals are restored by their own step (restore globals, --with-globals).
  if (formats::Traits(m.kind).not_run || formats::IsClusterWide(m.kind)) return false;
  if (whole_) return true;
  if (m.kind == MemberKind::kSchema) return schemas_.count(m.name) > 0;
  if (IsOwnedSequencePart(m)) return tables_.count(m.table) > 0;
  return owners_.count(OwnerOf(m)) > 0;
}

bool AppliesPostData(const MemberEntry& m, const std::set<std::string>& created, bool whole,
                     formats::Content content, bool created_database) {
  // A database's own properties belong to whoever made it.
  if (m.kind == MemberKind::kDatabaseProperties) return whole && created_database;
  // A postponed object (one that needs a table's key) is created by a whole restore.
  if (formats::Traits(m.kind).database_wide || CreatesObject(m)) return whole;
  const bool data_state =
      m.kind == MemberKind::kSequenceSet || m.kind == MemberKind::kStatisticsData;
  return created.count(OwnerOf(m)) > 0 ||
         (data_state && content == formats::Content::kDataOnly);
}

bool ToleratedFailure(const MemberEntry& m, bool partial) {
  return formats::Traits(m.kind).tolerated || (partial && m.kind == MemberKind::kFkConstraint);
}

absl::StatusOr<std::vector<formats::TableEntry>> SelectTables(const formats::Manifest& manifest,
                                                              const std::vector<std::string>& names) {
  if (names.empty()) return manifest.tables;
  std::vector<formats::TableEntry> out;
  for (const std::string& name : names) {
    // Exactly as the manifest names it ("t" for public.t, "s.t"), or schema-qualified; a bare
    // table name of another schema only when it is the only table of that name.
    const formats::TableEntry* match = nullptr;
    std::vector<const formats::TableEntry*> by_table;
    for (const formats::TableEntry& t : manifest.tables) {
      if (t.name == name || absl::StrCat(t.schema, ".", t.table) == name) {
        match = &t;
        break;
      }
      if (t.table == name) by_table.push_back(&t);
    }
    if (match == nullptr && by_table.size() > 1) {
      std::vector<std::string> candidates;
      for (const formats::TableEntry* t : by_table) candidates.push_back(t->name);
      return absl::InvalidArgumentError(absl::StrCat(
          "table name \"", name, "\" is ambiguous in backup \"", manifest.backup_file,
          "\": name one of ", absl::StrJoin(candidates, ", ")));
    }
    if (match == nullptr && by_table.size() == 1) match = by_table.front();
    if (match == nullptr) {
      std::vector<std::string> all;
      for (const formats::TableEntry& t : manifest.tables) all.push_back(t.name);
      return absl::NotFoundError(absl::StrCat("backup \"", manifest.backup_file,
                                              "\" has no table \"", name, "\" (it has: ",
                                              absl::StrJoin(all, ", "), ")"));
    }
    out.push_back(*match);
  }
  return out;
}

}  // namespace pgark::engine
