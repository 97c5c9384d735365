// Which rows an incremental backup must store, asked of the server (DESIGN.md, "Incremental
// backups"): a row version is new since the parent when the transaction that wrote it (its
// xmin) is not older than the oldest transaction running when the parent read its rows (the
// parent's snapshot xmin). Rows that transaction wrote and the parent saw are picked too; they
// are stored again, which a keyed table's replay absorbs. Frozen rows keep their xmin: one
// frozen more than 2^32 transactions ago may be picked, never missed.
//
// Deleted rows leave no trace to ask for: they are the parent's keys that are no longer in the
// table (formats/key_diff.h). A table without a key is diffed this way only when nothing was
// deleted or rewritten since (its rows now are the parent's plus the written ones, by count);
// otherwise, and for every table when the chain and the server do not share one history, every
// row is read and hashed as before.
#ifndef PGARK_ENGINE_DUMP_CHANGE_SCAN_H_
#define PGARK_ENGINE_DUMP_CHANGE_SCAN_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "engine/catalog/facts.h"
#include "engine/pg/pg_connection.h"
#include "formats/manifest.h"

namespace pgark::engine {

struct ChangeScan {
  // Rows with age(xmin) <= max_age were written since the parent's snapshot xmin.
  int64_t max_age = 0;
};

// The scan for an incremental whose parent read its rows at `parent`, in the current
// transaction (at `now`); nullopt, with `why_not` set, when the server's history cannot be
// trusted to name every change since (another cluster or database, an enum relabelled, ids too
// far apart, an archive without a snapshot).
absl::StatusOr<std::optional<ChangeScan>> PlanChangeScan(PgConnection& conn,
                                                         const formats::ChangePoint& parent,
                                                         const formats::ChangePoint& now,
                                                         std::string& why_not);

// Why the server cannot name the changed rows of `t`; nullopt when it can.
std::optional<std::string> WhyNotScanned(const TableDef& t);

// COPY of the rows of `t` written since the parent.
std::string WrittenRowsSql(const TableDef& t, const ChangeScan& scan);
// COPY of every row of `t` (a keyed table) in one pass: its key columns, then the whole row
// as a record if it was written since the parent, else NULL (formats/key_diff.h). One pass
// instead of one for the written rows and one for the keys: each costs about the same.
std::string ScanSql(const TableDef& t, const ChangeScan& scan);
// The rows of `t` ("rows") and how many were written since the parent ("written").
std::string CountRowsSql(const TableDef& t, const ChangeScan& scan);

}  // namespace pgark::engine

#endif  // PGARK_ENGINE_DUMP_CHANGE_SCAN_H_
