// Large objects in an archive. Their contents are post-data SQL members of kind LARGE OBJECTS:
// `lo_create` with the object's OID, its comment, then `lo_put` of hex bytea literals in 1 MiB
// pieces, each member at most about `member_bytes` of SQL so that a restore holds one member at a
// time whatever the objects' sizes (an object may span members). With owners, LARGE OBJECT ACL
// members follow: owners and grants, restored like other ACL members (a missing role is a
// warning). Both are plain SQL, so `gunzip -c | psql` restores them too.
#ifndef PGARK_ENGINE_DUMP_LARGE_OBJECTS_H_
#define PGARK_ENGINE_DUMP_LARGE_OBJECTS_H_

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "engine/catalog/facts.h"
#include "engine/pg/pg_connection.h"

namespace pgark::engine {

inline constexpr size_t kLargeObjectMemberBytes = 16 << 20;

// Receives one finished member: its kind (LARGE OBJECTS or LARGE OBJECT ACL), a name (the OID
// of its first object) and its SQL.
using LargeObjectMemberWriter =
    std::function<absl::Status(MemberKind kind, absl::string_view name, std::string sql)>;

// Reads `objects` through `conn` (which must be in the backup's snapshot, with
// bytea_output = hex) and writes their members.
absl::Status DumpLargeObjects(PgConnection& conn, const std::vector<LargeObjectDef>& objects,
                              bool with_owners, size_t member_bytes,
                              const LargeObjectMemberWriter& write);

// The OIDs a LARGE OBJECTS member creates, from its lo_create statements.
std::vector<std::string> CreatedLargeObjects(absl::string_view member_sql);

}  // namespace pgark::engine

#endif  // PGARK_ENGINE_DUMP_LARGE_OBJECTS_H_
