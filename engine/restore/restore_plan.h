// What a restore does with each member of a backup, decided from the manifest alone (pure: no
// connection): which members the selected tables need, what --drop-existing drops, which
// post-data members apply, and which failures are only warnings. The rules per kind live in
// formats/member_kind.h's traits table; this adds what depends on the member and the restore.
#ifndef PGARK_ENGINE_RESTORE_RESTORE_PLAN_H_
#define PGARK_ENGINE_RESTORE_RESTORE_PLAN_H_

#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "formats/manifest.h"

namespace pgark::engine {

// "schema\x01name": the key of an owning object (a table, view, sequence, type, ...).
std::string OwnerKey(absl::string_view schema, absl::string_view name);
// The key of the object `m` belongs to (its table's, or its own).
std::string OwnerOf(const formats::MemberEntry& m);

// A SEQUENCE, SEQUENCE OWNED BY or SEQUENCE SET member of a table's own (serial) sequence.
bool IsOwnedSequencePart(const formats::MemberEntry& m);

// The tables of `manifest` that `names` select (all when empty): each as the manifest names it
// ("t", "s.t"), schema-qualified, or a bare name unique in the backup. kNotFound naming what the
// backup has; kInvalidArgument for an ambiguous name.
absl::StatusOr<std::vector<formats::TableEntry>> SelectTables(const formats::Manifest& manifest,
                                                              const std::vector<std::string>& names);

// Whether running `m` creates an object that later members belong to.
bool CreatesObject(const formats::MemberEntry& m);

// The DROP statement --drop-existing runs for `m` (in reverse archive order), or empty.
std::string DropSql(const formats::MemberEntry& m);

// The members a restore of some tables (or of all: `tables` empty) needs.
class RestoreSelection {
 public:
  explicit RestoreSelection(const std::vector<formats::TableEntry>& tables, bool whole);
  bool whole() const { return whole_; }
  bool Selected(const formats::MemberEntry& m) const;

 private:
  bool whole_;
  std::set<std::string> owners_;   // OwnerKey of the selected tables
  std::set<std::string> tables_;   // their names, for sequences in other schemas
  std::set<std::string> schemas_;
};

// Whether a post-data member applies: to the objects this restore `created` (OwnerKey), the
// database's own members and postponed objects only to a whole restore, its properties (DATABASE
// PROPERTIES) only to a database this restore made (`created_database`), and sequence values and
// planner statistics of a data-only backup.
bool AppliesPostData(const formats::MemberEntry& m, const std::set<std::string>& created,
                     bool whole, formats::Content content, bool created_database = false);

// Whether a failure of `m` is a warning rather than the end of the restore: the kinds the
// traits table tolerates, and foreign keys of a `partial` restore (their tables may be absent).
bool ToleratedFailure(const formats::MemberEntry& m, bool partial);

}  // namespace pgark::engine

#endif  // PGARK_ENGINE_RESTORE_RESTORE_PLAN_H_
