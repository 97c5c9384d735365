#include "formats/key_diff.h"


#include <sys/mman.h>

#include <algorithm>
#include <cstdint>

#include "absl/hash/hash.h"
#include "absl/strings/str_cat.h"
#include "formats/copy_text.h"
#include "formats/status_macros.h"

namespace pgark::formats {
namespace {


// Room for `n` entries, in huge pages where the kernel offers them on request: the arrays are
// written once in order, and faulting them in 4 KiB at a time costs more than filling them.
template <typename T>
void Reserve(std::vector<T>& v, size_t n) {
  v.reserve(n);
  constexpr uintptr_t kHuge = uintptr_t{2} << 20;
  const uintptr_t begin = (reinterpret_cast<uintptr_t>(v.data()) + kHuge - 1) & ~(kHuge - 1);
  const uintptr_t end = (reinterpret_cast<uintptr_t>(v.data() + n)) & ~(kHuge - 1);
  if (end > begin) {
    (void)madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);  // a hint only
  }
}

// Sorts `v` by `id` (uniform hashes) in place: its entries moved into 4096 buckets by the id's
// top bits (American flag sort: no second array to fault in), then each bucket, small enough
// for the cache, sorted by `less`. Several times std::sort on the whole.
template <typename T, typename Less>
void SortByIds(std::vector<T>& v, Less less) {
  constexpr int kBits = 12;
  constexpr size_t kBuckets = size_t{1} << kBits;
  if (v.size() < (size_t{1} << 16)) {
    std::sort(v.begin(), v.end(), less);
    return;
  }
  auto bucket = [](const T& x) { return static_cast<size_t>(x.id.a >> (64 - kBits)); };
  std::vector<size_t> start(kBuckets + 1, 0);
  for (const T& x : v) ++start[bucket(x) + 1];
  for (size_t b = 1; b <= kBuckets; ++b) start[b] += start[b - 1];
  std::vector<size_t> next(start.begin(), start.end() - 1);
  for (size_t b = 0; b < kBuckets; ++b) {
    while (next[b] < start[b + 1]) {
      T x = v[next[b]];
      for (size_t d = bucket(x); d != b; d = bucket(x)) std::swap(x, v[next[d]++]);
      v[next[b]++] = x;
    }
  }
  for (size_t b = 0; b < kBuckets; ++b) {
    std::sort(v.begin() + static_cast<ptrdiff_t>(start[b]),
              v.begin() + static_cast<ptrdiff_t>(start[b + 1]), less);
  }
}

constexpr uint64_t kTextOffsetMask = (uint64_t{1} << 40) - 1;

}  // namespace

KeyedDiff::KeyId KeyedDiff::IdOf(absl::string_view key) {
  return {absl::HashOf(key), RowCrc(key) & ~uint64_t{1}};
}

absl::string_view KeyedDiff::TextOf(const Before& b) const {
  return absl::string_view(parent_text_).substr(b.text & kTextOffsetMask, b.text >> 40);
}

// A line of the scan: the key's fields, a tab, and the record of a written row or \N.
class KeyedDiff::ScanRows : public RowSplitter {
 public:
  ScanRows(KeyedDiff& diff, size_t columns, Sink& member)
      : diff_(diff), columns_(columns), member_(member) {}

 protected:
  absl::Status OnRow(absl::string_view line) override {
    const size_t tab = line.rfind('\t');
    if (tab == absl::string_view::npos) {
      return absl::DataLossError("the server sent a row without its key");
    }
    const absl::string_view key = line.substr(0, tab), record = line.substr(tab + 1);
    if (record != "\\N") {
      const size_t begin = rows_.size();
      PGARK_RETURN_IF_ERROR(AppendRecordAsRow(record, columns_, rows_));
      PGARK_RETURN_IF_ERROR(diff_.OnWritten(absl::string_view(rows_).substr(begin), key));
      rows_.push_back('\n');
      if (rows_.size() >= kFlushBytes) PGARK_RETURN_IF_ERROR(Flush());
    }
    return diff_.OnKey(key);
  }
  absl::Status OnEnd() override { return Flush(); }

 private:
  static constexpr size_t kFlushBytes = 256 * 1024;
  absl::Status Flush() {
    PGARK_RETURN_IF_ERROR(member_.Append(rows_));
    rows_.clear();
    return absl::OkStatus();
  }

  KeyedDiff& diff_;
  const size_t columns_;
  Sink& member_;
  std::string rows_;  // written rows not yet passed on
};

class KeyedDiff::ParentRows : public RowConsumer {
 public:
  explicit ParentRows(KeyedDiff& diff) : diff_(diff) {}
  absl::Status OnRow(absl::string_view row, absl::string_view key) override {
    return diff_.OnParent(row, key);
  }

 private:
  KeyedDiff& diff_;
};

KeyedDiff::KeyedDiff(RowKeyer keyer, size_t columns, Sink& member, size_t expected_rows)
    : keyer_(std::move(keyer)),
      scan_(std::make_unique<ScanRows>(*this, columns, member)),
      parent_(std::make_unique<ParentRows>(*this)) {
  Reserve(now_, expected_rows + expected_rows / 8);
  Reserve(before_, expected_rows);
  parent_text_.reserve(expected_rows * 8);
}

KeyedDiff::~KeyedDiff() = default;

Sink& KeyedDiff::scan() { return *scan_; }
RowConsumer& KeyedDiff::parent() { return *parent_; }

absl::Status KeyedDiff::OnWritten(absl::string_view row, absl::string_view key) {
  PGARK_ASSIGN_OR_RETURN(absl::string_view row_key, keyer_.KeyText(row));
  if (row_key != key) {
    return absl::DataLossError("a written row's key differs from the key the server sent with it");
  }
  const uint64_t crc = RowCrc(row);
  written_digest_.sum += crc;
  ++written_digest_.rows;
  KeyId id = IdOf(key);
  id.b |= 1;
  now_.push_back({id, crc});
  return absl::OkStatus();
}

absl::Status KeyedDiff::OnKey(absl::string_view key) {
  ++rows_;
  now_.push_back({IdOf(key)});
  return absl::OkStatus();
}

absl::Status KeyedDiff::OnParent(absl::string_view row, absl::string_view key) {
  if (parent_text_.size() > kTextOffsetMask || key.size() >= (uint64_t{1} << 24)) {
    return absl::ResourceExhaustedError("the table's keys are too long to compare");
  }
  before_.push_back({IdOf(key), RowCrc(row), parent_text_.size() | (uint64_t{key.size()} << 40)});
  parent_text_.append(key.data(), key.size());
  return absl::OkStatus();
}

void KeyedDiff::SortParent() {
  if (parent_sorted_) return;
  SortByIds(before_, [](const Before& x, const Before& y) { return x.id < y.id; });
  parent_sorted_ = true;
}

absl::Status KeyedDiff::Merge() {
  // Sorted by key; a written row's two entries (seen among all keys, then written) adjacent.
  SortByIds(now_, [](const Now& x, const Now& y) { return x.id < y.id; });
  SortParent();
  auto gone = [&](const Before& p) { changes_.deletes.emplace_back(TextOf(p)); };
  size_t b = 0;
  for (size_t n = 0; n < now_.size(); ++n) {
    if (now_[n].written()) {
      return absl::DataLossError("a written row's key is missing from the table's keys");
    }
    const bool written = n + 1 < now_.size() && now_[n + 1].SameKey(now_[n]) && now_[n + 1].written();
    const KeyId id = now_[n].id;
    if (written) ++n;  // now_[n]: the written entry, with the row's CRC
    if (n + 1 < now_.size() && now_[n + 1].SameKey(now_[n])) {
      return absl::DataLossError("the server returned a key twice: it is not unique");
    }
    for (; b < before_.size() && before_[b].id < id; ++b) {  // gone since the parent
      ++changes_.deleted;
      gone(before_[b]);
    }
    const bool in_parent = b < before_.size() && before_[b].id == id;
    if (in_parent && b + 1 < before_.size() && before_[b + 1].id == id) {
      return absl::DataLossError("the base backups hold a key twice");
    }
    if (!in_parent && !written) {
      return absl::FailedPreconditionError(
          "a row is neither in the base backups nor written since them: the server's "
          "transaction history does not match the chain's; take a full backup");
    }
    if (!in_parent) {
      ++changes_.inserted;
    } else if (written) {  // written again since the parent: the old version goes
      ++(before_[b].crc == now_[n].crc ? changes_.rewritten_same : changes_.updated);
      gone(before_[b]);
    } else {
      changes_.digest.sum += before_[b].crc;  // kept as it was
    }
    if (in_parent) ++b;
  }
  for (; b < before_.size(); ++b) {
    ++changes_.deleted;
    gone(before_[b]);
  }
  return absl::OkStatus();
}

absl::StatusOr<KeyedChanges> KeyedDiff::Finish() {
  PGARK_RETURN_IF_ERROR(scan_->Close());
  PGARK_RETURN_IF_ERROR(Merge());
  changes_.digest.sum += written_digest_.sum;
  changes_.digest.rows = rows_;
  now_ = {};
  before_ = {};
  parent_text_ = {};
  return std::move(changes_);
}

}  // namespace pgark::formats
