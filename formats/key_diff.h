// Change detection by key, for incremental backups whose changed rows the server picks
// (engine/dump/change_scan.h asks it, in one pass over the table, for every row's key and for
// the whole row of those written since the parent's snapshot). With the parent's rows replayed
// from the chain, that gives what an incremental stores, without reading or hashing any row the
// server did not pick: the rows written since the parent, and the parent's keys to delete (rows
// gone, and the old versions of rows written again), named by their text (formats/row_diff.h).
//
// Feed, in this order: `scan()` (COPY text, a line per row of the table now: its key columns,
// then the whole row as a record, formats/copy_text.h, if it was written since the parent, else
// NULL; the written rows go on to the member as COPY rows), `parent()` (the parent's rows), then
// `Finish()`.
//
// Keys are collected into arrays as they stream and compared by sorting both sides and merging
// them: a hash table probed at random costs a cache and TLB miss per row, which on big tables
// (and on virtual machines) costs several times the sort.
#ifndef PGARK_FORMATS_KEY_DIFF_H_
#define PGARK_FORMATS_KEY_DIFF_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "formats/row_diff.h"
#include "formats/row_digest.h"
#include "formats/sink.h"

namespace pgark::formats {

struct KeyedChanges {
  int64_t inserted = 0;
  int64_t updated = 0;
  int64_t deleted = 0;
  // Written rows equal to the parent's (the server could not rule out that the parent saw
  // them): stored again, with their old version deleted, but not counted as updated.
  int64_t rewritten_same = 0;
  std::vector<std::string> deletes;  // parent keys to delete, as text
  RowDigest digest;                  // of the table's rows now
};

class KeyedDiff {
 public:
  // `keyer` finds the key in a whole row of `columns` columns; written rows go on to `member`,
  // which it does not close. `expected_rows`: about how many rows the table has (room is made
  // for them up front).
  KeyedDiff(RowKeyer keyer, size_t columns, Sink& member, size_t expected_rows = 0);
  ~KeyedDiff();
  KeyedDiff(const KeyedDiff&) = delete;
  KeyedDiff& operator=(const KeyedDiff&) = delete;

  Sink& scan();
  RowConsumer& parent();
  // Sorts the parent's keys: may be called on the thread that fed `parent()`, once it is done,
  // while the others are still fed (Finish does it otherwise).
  void SortParent();

  // kDataLoss if a side holds a key twice; kFailedPrecondition if a row now is neither
  // written since the parent nor in it (the server's history does not match the chain's).
  absl::StatusOr<KeyedChanges> Finish();

  // A key's identity in memory: two independent 64-bit hashes of its text (one seeded per
  // process, so that no key can be made to collide on purpose), as the archive's 128-bit key
  // hashes are.
  struct KeyId {
    uint64_t a = 0;
    uint64_t b = 0;
    auto operator<=>(const KeyId&) const = default;
  };

 private:
  class ScanRows;
  class ParentRows;
  // A key now: its id, the low bit of `b` set for a written row's entry (else the entry from
  // the list of all keys), so that sorting puts a key's two entries next to each other.
  struct Now {
    KeyId id;
    uint64_t crc = 0;  // a written row's CRC-64
    bool written() const { return id.b & 1; }
    uint64_t key_b() const { return id.b & ~uint64_t{1}; }
    bool SameKey(const Now& o) const { return id.a == o.id.a && key_b() == o.key_b(); }
  };
  // A key of the parent: its id (low bit of `b` clear), its row's CRC for the digest, and where
  // its text is in parent_text_ (offset in the low 40 bits, length above).
  struct Before {
    KeyId id;
    uint64_t crc = 0;
    uint64_t text = 0;
  };
  static KeyId IdOf(absl::string_view key);
  absl::string_view TextOf(const Before& b) const;

  absl::Status OnWritten(absl::string_view row, absl::string_view key);
  absl::Status OnKey(absl::string_view key);
  absl::Status OnParent(absl::string_view row, absl::string_view key);
  // Walks both sorted sides together, filling changes_.
  absl::Status Merge();

  RowKeyer keyer_;
  std::unique_ptr<ScanRows> scan_;
  std::unique_ptr<ParentRows> parent_;
  std::vector<Now> now_;
  std::vector<Before> before_;
  std::string parent_text_;
  bool parent_sorted_ = false;
  int64_t rows_ = 0;
  RowDigest written_digest_;
  KeyedChanges changes_;
};

}  // namespace pgark::formats

#endif  // PGARK_FORMATS_KEY_DIFF_H_
