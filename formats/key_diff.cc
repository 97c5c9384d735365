#include "formats/key_diff.h"


#include <sys/mman.h>

#include <algorithm>
#include <cstdint>

#include "absl/hash/hash.h"
#include "absl/strings/str_cat.h"
#include "formats/status_macros.h"

namespace pgark::formats {
namespace {

KeyedDiff::KeyId IdOf(absl::string_view key) { return {absl::HashOf(key), RowCrc(key)}; }

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

}  // namespace

class KeyedDiff::WrittenRows : public RowSplitter {
 public:
  WrittenRows(KeyedDiff& diff, Sink& member) : diff_(diff), member_(member) {}
  absl::Status Append(absl::string_view data) override {
    PGARK_RETURN_IF_ERROR(member_.Append(data));
    return RowSplitter::Append(data);
  }

 protected:
  absl::Status OnRow(absl::string_view row) override { return diff_.OnWritten(row); }

 private:
  KeyedDiff& diff_;
  Sink& member_;
};

class KeyedDiff::KeyRows : public RowSplitter {
 public:
  explicit KeyRows(KeyedDiff& diff) : diff_(diff) {}

 protected:
  absl::Status OnRow(absl::string_view key) override { return diff_.OnKey(key); }

 private:
  KeyedDiff& diff_;
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

KeyedDiff::KeyedDiff(RowKeyer keyer, Sink& member, size_t expected_rows)
    : keyer_(std::move(keyer)),
      written_(std::make_unique<WrittenRows>(*this, member)),
      keys_(std::make_unique<KeyRows>(*this)),
      parent_(std::make_unique<ParentRows>(*this)) {
  Reserve(now_, expected_rows + expected_rows / 8);
  Reserve(before_, expected_rows);
  parent_text_.reserve(expected_rows * 8);
}

KeyedDiff::~KeyedDiff() = default;

Sink& KeyedDiff::written() { return *written_; }
Sink& KeyedDiff::keys() { return *keys_; }
RowConsumer& KeyedDiff::parent() { return *parent_; }

absl::Status KeyedDiff::OnWritten(absl::string_view row) {
  PGARK_ASSIGN_OR_RETURN(absl::string_view key, keyer_.KeyText(row));
  written_digest_.sum += RowCrc(row);
  ++written_digest_.rows;
  now_.push_back({IdOf(key), true});
  return absl::OkStatus();
}

absl::Status KeyedDiff::OnKey(absl::string_view key) {
  ++rows_;
  now_.push_back({IdOf(key), false});
  return absl::OkStatus();
}

absl::Status KeyedDiff::OnParent(absl::string_view row, absl::string_view key) {
  before_.push_back({IdOf(key), RowCrc(row), parent_text_.size(),
                     static_cast<uint32_t>(key.size())});
  parent_text_.append(key.data(), key.size());
  return absl::OkStatus();
}

absl::Status KeyedDiff::Merge() {
  // Sorted by key; a written row's two entries (written, then seen) next to each other.
  std::sort(now_.begin(), now_.end(), [](const Now& x, const Now& y) {
    return x.id != y.id ? x.id < y.id : x.written > y.written;
  });
  std::sort(before_.begin(), before_.end(),
            [](const Before& x, const Before& y) { return x.id < y.id; });
  size_t b = 0;
  for (size_t n = 0; n < now_.size(); ++n) {
    const bool written = now_[n].written;
    if (written && (n + 1 == now_.size() || now_[n + 1].id != now_[n].id)) {
      return absl::DataLossError("a written row's key is missing from the table's keys");
    }
    if (written) ++n;  // its entry among all keys
    if (n + 1 < now_.size() && now_[n + 1].id == now_[n].id) {
      return absl::DataLossError("the server returned a key twice: it is not unique");
    }
    for (; b < before_.size() && before_[b].id < now_[n].id; ++b) {  // gone since the parent
      ++changes_.deleted;
      changes_.deletes.push_back(parent_text_.substr(before_[b].text, before_[b].length));
    }
    const bool in_parent = b < before_.size() && before_[b].id == now_[n].id;
    if (in_parent && b + 1 < before_.size() && before_[b + 1].id == now_[n].id) {
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
      ++changes_.updated;
      changes_.deletes.push_back(parent_text_.substr(before_[b].text, before_[b].length));
    } else {
      changes_.digest.sum += before_[b].crc;  // kept as it was
    }
    if (in_parent) ++b;
  }
  for (; b < before_.size(); ++b) {
    ++changes_.deleted;
    changes_.deletes.push_back(parent_text_.substr(before_[b].text, before_[b].length));
  }
  return absl::OkStatus();
}

absl::StatusOr<KeyedChanges> KeyedDiff::Finish() {
  PGARK_RETURN_IF_ERROR(written_->Close());
  PGARK_RETURN_IF_ERROR(keys_->Close());
  PGARK_RETURN_IF_ERROR(Merge());
  changes_.digest.sum += written_digest_.sum;
  changes_.digest.rows = rows_;
  now_ = {};
  before_ = {};
  parent_text_ = {};
  return std::move(changes_);
}

}  // namespace pgark::formats
