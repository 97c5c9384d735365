// Incremental backups as chains (DESIGN.md, "Incremental backups"). A full backup is the base;
// each incremental stores, per table, either every row ("full": a new, renamed or altered
// table) or only the rows inserted or updated since its parent plus the keys of the rows its
// parent had and it no longer has ("changes" + ROW DELETES). The schema is always whole.
// Replaying a table walks the chain from the newest link back to its last full copy.
#ifndef PGARK_ENGINE_REPOSITORY_INCREMENTAL_H_
#define PGARK_ENGINE_REPOSITORY_INCREMENTAL_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "engine/repository/backup_files.h"
#include "formats/manifest.h"
#include "formats/row_diff.h"

namespace pgark::engine {

// The INCREMENTAL GUARD member that stops `gunzip -c incremental | psql`: an incremental
// alone is not a database.
std::string IncrementalGuardSql(absl::string_view backup_file);

// The member of `kind` for table (schema, name), or null.
const formats::MemberEntry* FindTableMember(const formats::Manifest& manifest,
                                            formats::MemberKind kind, absl::string_view schema,
                                            absl::string_view name);

// Hands every row of table (schema, name) as of `chain[upto]` to `out` (COPY text rows, in no
// particular order). Reads only the members of that table and checks each member's digests.
// kDataLoss if a link lacks the table, or the links' rows and deletes do not fit together.
absl::Status ReplayTableRows(const std::vector<LoadedBackup>& chain, size_t upto,
                             absl::string_view schema, absl::string_view name,
                             formats::RowConsumer& out);

// Verifies every link before anything is done with the chain, so that a damaged or missing
// link is refused first, and so is an encrypted link when no key was offered
// (kUnauthenticated). A local file is read once (its size and SHA-256); an object in
// object storage is not downloaded twice: its size is checked here, and each member's SHA-256
// as it streams later, inside the restore's transaction (a mismatch rolls it back), so that
// restoring one table reads only that table's members.
absl::Status VerifyChain(const std::vector<LoadedBackup>& chain);

}  // namespace pgark::engine

#endif  // PGARK_ENGINE_REPOSITORY_INCREMENTAL_H_
