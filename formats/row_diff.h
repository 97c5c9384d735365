// Row-level change detection on COPY text, for incremental backups (DESIGN.md, "Incremental
// backups"). A row of COPY text is one line; it is identified by its key: the primary key's
// fields (the raw, still escaped text between tabs) when the table has one, else the whole
// line, so that a table without a key is a multiset of lines. Keys and lines are compared by
// 128-bit hashes (SHA-256, truncated), which are stable across runs and machines.
//
// A backup chain stores per table: rows inserted or updated since the parent, and the keys of
// rows deleted or replaced ("row deletes": one hex hash per line, repeated for duplicates, or,
// from incrementals whose changes the server picked (formats/key_diff.h), one key's COPY text
// per line).
// Replaying a chain newest link first, a row of an older link is kept unless a newer link
// deleted its key (each deletion consumes one occurrence); that gives the table as of the
// newest link without ever applying an UPDATE.
#ifndef PGARK_FORMATS_ROW_DIFF_H_
#define PGARK_FORMATS_ROW_DIFF_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "formats/sink.h"

namespace pgark::formats {

struct RowHash {
  uint64_t hi = 0;
  uint64_t lo = 0;

  bool operator==(const RowHash& o) const { return hi == o.hi && lo == o.lo; }
  bool operator!=(const RowHash& o) const { return !(*this == o); }
  template <typename H>
  friend H AbslHashValue(H h, const RowHash& r) {
    return H::combine(std::move(h), r.lo);  // already uniformly distributed
  }
  std::string Hex() const;  // 32 lowercase hex digits
  static bool FromHex(absl::string_view hex, RowHash* out);
};

// Hashes rows and keys. Holds one digest context, reused for every call.
class RowHasher {
 public:
  RowHasher();
  ~RowHasher();
  RowHasher(RowHasher&&) noexcept;
  RowHash Of(absl::string_view data);

 private:
  struct Ctx;
  std::unique_ptr<Ctx> ctx_;
};

// Where a table's key lives in its COPY rows.
class RowKeyer {
 public:
  // `positions`: 0-based field numbers of the key columns; empty: the whole row is the key.
  explicit RowKeyer(std::vector<int> positions) : positions_(std::move(positions)) {}
  // Positions of `key_columns` within `columns`; kDataLoss if one is missing.
  static absl::StatusOr<RowKeyer> ForColumns(const std::vector<std::string>& columns,
                                             const std::vector<std::string>& key_columns);

  bool keyed() const { return !positions_.empty(); }
  // The key's text: its fields' COPY text joined by tabs (the whole row without a key). Valid
  // until the next call. kDataLoss if the row has too few fields.
  absl::StatusOr<absl::string_view> KeyText(absl::string_view row) const;
  // The key's hash.
  absl::StatusOr<RowHash> Key(absl::string_view row, RowHasher& hasher) const;

 private:
  std::vector<int> positions_;
  mutable std::string scratch_;
};

// A Sink of COPY text that hands each complete row (without its '\n') to `OnRow`. Rows
// wholly inside one Append are passed without copying. kDataLoss at Close if the stream ends
// inside a row.
class RowSplitter : public Sink {
 public:
  absl::Status Append(absl::string_view data) override;
  absl::Status Close() override;

 protected:
  virtual absl::Status OnRow(absl::string_view row) = 0;
  virtual absl::Status OnEnd() { return absl::OkStatus(); }

 private:
  std::string partial_;
  absl::Status status_;
  bool closed_ = false;
};

// Counts of pending deletions, by key hash and by key text, shared by the links of one chain
// replay.
struct PendingDeletes {
  absl::flat_hash_map<RowHash, uint32_t> hashes;
  absl::flat_hash_map<std::string, uint32_t> keys;
  bool empty() const { return hashes.empty() && keys.empty(); }
};

// Reads a row-deletes member into `pending` (counts added): "<hex>\n" per deleted row, or with
// `by_key` the key's text per line.
class RowDeletesReader : public RowSplitter {
 public:
  RowDeletesReader(PendingDeletes& pending, bool by_key) : pending_(pending), by_key_(by_key) {}

 protected:
  absl::Status OnRow(absl::string_view row) override;

 private:
  PendingDeletes& pending_;
  bool by_key_;
};

// Receives the rows a replay keeps, with each one's key text (RowKeyer::KeyText).
class RowConsumer {
 public:
  virtual ~RowConsumer() = default;
  virtual absl::Status OnRow(absl::string_view row, absl::string_view key) = 0;
};

// Passes kept rows on as COPY text, in chunks of about 256 KiB. Call `Flush()` at the end.
class RowsToSink : public RowConsumer {
 public:
  explicit RowsToSink(Sink& out) : out_(out) {}
  absl::Status OnRow(absl::string_view row, absl::string_view key) override;
  absl::Status Flush();
  int64_t rows() const { return rows_; }

 private:
  Sink& out_;
  std::string buffer_;
  int64_t rows_ = 0;
};

// One link's rows during a replay: drops a row whose key has a pending deletion (consuming
// it), hands every other row to `out`.
class ChainRowFilter : public RowSplitter {
 public:
  ChainRowFilter(RowKeyer keyer, PendingDeletes& pending, RowConsumer& out)
      : keyer_(std::move(keyer)), pending_(pending), out_(out) {}

 protected:
  absl::Status OnRow(absl::string_view row) override;

 private:
  RowKeyer keyer_;
  PendingDeletes& pending_;
  RowConsumer& out_;
  RowHasher hasher_;
};

// A table's rows as of a backup: key -> (hash of the row, occurrences).
class RowState : public RowConsumer {
 public:
  explicit RowState(bool keyed) : keyed_(keyed) {}
  // Room for `rows` rows, so that building the state never rehashes.
  void Reserve(size_t rows) { map_.reserve(rows); }
  absl::Status OnRow(absl::string_view row, absl::string_view key) override;

  struct Entry {
    RowHash row;
    uint32_t count = 0;
  };
  bool keyed() const { return keyed_; }
  size_t size() const { return map_.size(); }
  absl::flat_hash_map<RowHash, Entry>& map() { return map_; }

 private:
  bool keyed_;
  RowHasher hasher_;
  absl::flat_hash_map<RowHash, Entry> map_;
};

struct RowChanges {
  int64_t rows = 0;  // rows in the table now
  int64_t inserted = 0;
  int64_t updated = 0;
  int64_t deleted = 0;
  std::vector<RowHash> deletes;  // keys to delete from the parent state (updated ones too)
};

// Compares the table's current rows (COPY text appended to it) with `parent`: writes inserted
// and updated rows to `changed` as COPY text and collects the deletes. `parent` is consumed.
class RowDiffer : public RowSplitter {
 public:
  RowDiffer(RowKeyer keyer, RowState& parent, Sink& changed)
      : keyer_(std::move(keyer)), parent_(parent), changed_(changed) {}
  const RowChanges& changes() const { return changes_; }

 protected:
  absl::Status OnRow(absl::string_view row) override;
  absl::Status OnEnd() override;

 private:
  RowKeyer keyer_;
  RowState& parent_;
  Sink& changed_;
  RowHasher hasher_;
  RowChanges changes_;
};

// The row-deletes member body for `deletes`.
std::string EncodeRowDeletes(const std::vector<RowHash>& deletes);
// The row-deletes member body (by key) for `keys`.
std::string EncodeKeyDeletes(const std::vector<std::string>& keys);

}  // namespace pgark::formats

#endif  // PGARK_FORMATS_ROW_DIFF_H_
