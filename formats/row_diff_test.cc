#include "formats/row_diff.h"

#include "formats/key_diff.h"

#include <algorithm>
#include <map>
#include <random>
#include <set>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "formats/memory_io.h"
#include "formats/status_macros.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/status_matchers.h"

namespace pgark::formats {
namespace {

using ::pgark::testing::IsOk;
using ::pgark::testing::StatusIs;

std::vector<std::string> Sorted(const std::string& copy_text) {
  std::vector<std::string> rows = absl::StrSplit(copy_text, '\n', absl::SkipEmpty());
  std::sort(rows.begin(), rows.end());
  return rows;
}

// Pushes `text` through `sink` in pieces of `piece` bytes.
absl::Status Feed(Sink& sink, const std::string& text, size_t piece) {
  for (size_t at = 0; at < text.size(); at += piece) {
    PGARK_RETURN_IF_ERROR(sink.Append(absl::string_view(text).substr(at, piece)));
  }
  return sink.Close();
}

// One link of a simulated chain: its stored rows and row deletes (hashes, or key texts).
struct Link {
  std::string rows;
  std::string deletes;
  bool by_key = false;
};

// The table as of the last link: replayed newest first, as restore does.
std::string Replay(const std::vector<Link>& chain, const std::vector<int>& key) {
  PendingDeletes pending;
  StringSink out;
  RowsToSink to_sink(out);
  for (size_t i = chain.size(); i-- > 0;) {
    ChainRowFilter filter(RowKeyer(key), pending, to_sink);
    EXPECT_THAT(Feed(filter, chain[i].rows, 5), IsOk());
    RowDeletesReader deletes(pending, chain[i].by_key);
    EXPECT_THAT(Feed(deletes, chain[i].deletes, 7), IsOk());
  }
  EXPECT_TRUE(pending.empty());
  EXPECT_THAT(to_sink.Flush(), IsOk());
  return out.data();
}

// Diffs `now` against the chain's state and appends the new link.
RowChanges Diff(std::vector<Link>& chain, const std::string& now, const std::vector<int>& key) {
  RowState state(!key.empty());
  {
    PendingDeletes pending;
    for (size_t i = chain.size(); i-- > 0;) {
      ChainRowFilter filter(RowKeyer(key), pending, state);
      EXPECT_THAT(Feed(filter, chain[i].rows, 11), IsOk());
      RowDeletesReader deletes(pending, chain[i].by_key);
      EXPECT_THAT(Feed(deletes, chain[i].deletes, 3), IsOk());
    }
  }
  StringSink changed;
  RowDiffer differ(RowKeyer(key), state, changed);
  EXPECT_THAT(Feed(differ, now, 13), IsOk());
  chain.push_back({changed.data(), EncodeRowDeletes(differ.changes().deletes)});
  return differ.changes();
}

// The server's scan of a table of two columns keyed by the first (formats/key_diff.h): `now`'s
// keys, with the whole row, as a record, of those in `written`. Values are quoted as record_out
// quotes those with spaces.
std::string ScanText(const std::string& written, const std::string& now) {
  absl::flat_hash_set<absl::string_view> rewritten = absl::StrSplit(written, '\n');
  std::string scan;
  for (absl::string_view row : absl::StrSplit(now, '\n', absl::SkipEmpty())) {
    const std::pair<absl::string_view, absl::string_view> kv = absl::StrSplit(row, '\t');
    absl::StrAppend(&scan, kv.first, "\t");
    if (rewritten.contains(row)) {
      absl::StrAppend(&scan, "(", kv.first, ",\"", kv.second, "\")\n");
    } else {
      absl::StrAppend(&scan, "\\N\n");
    }
  }
  return scan;
}

// Diffs by key (formats/key_diff.h): `written` are the rows the server says were written since
// the chain's last link, in `now`'s order, `now` the whole table.
KeyedChanges KeyDiff(std::vector<Link>& chain, const std::string& written, const std::string& now) {
  StringSink member;
  KeyedDiff diff(RowKeyer({0}), 2, member);
  EXPECT_THAT(Feed(diff.scan(), ScanText(written, now), 9), IsOk());
  PendingDeletes pending;
  for (size_t i = chain.size(); i-- > 0;) {
    ChainRowFilter filter(RowKeyer({0}), pending, diff.parent());
    EXPECT_THAT(Feed(filter, chain[i].rows, 11), IsOk());
    RowDeletesReader deletes(pending, chain[i].by_key);
    EXPECT_THAT(Feed(deletes, chain[i].deletes, 3), IsOk());
  }
  absl::StatusOr<KeyedChanges> changes = diff.Finish();
  EXPECT_THAT(changes.status(), IsOk());
  if (!changes.ok()) return {};
  EXPECT_EQ(member.data(), written);
  chain.push_back({member.data(), EncodeKeyDeletes(changes->deletes), true});
  return *std::move(changes);
}

// The digest of `text`'s rows, as RowDigestTap takes it.
RowDigest DigestOf(const std::string& text) {
  StringSink sink;
  RowDigestTap tap(&sink);
  EXPECT_THAT(Feed(tap, text, 64), IsOk());
  return tap.digest();
}

TEST(RowDiffTest, KeyDiffNamesDeletesAndUpdatesAndKeepsTheDigest) {
  std::vector<Link> chain = {{"1\ta\n2\tb\n3\tc\n", ""}};
  // Update 2, delete 3, insert 4; the server names the written rows.
  KeyedChanges c = KeyDiff(chain, "2\tB\n4\td\n", "1\ta\n2\tB\n4\td\n");
  EXPECT_EQ(c.inserted, 1);
  EXPECT_EQ(c.updated, 1);
  EXPECT_EQ(c.deleted, 1);
  EXPECT_EQ(Sorted(chain.back().deletes), Sorted("2\n3\n"));
  EXPECT_EQ(c.digest, DigestOf("1\ta\n2\tB\n4\td\n"));
  EXPECT_EQ(Sorted(Replay(chain, {0})), Sorted("1\ta\n2\tB\n4\td\n"));
  // A hash-deletes link after a key-deletes one, then a key one again: both kinds replay.
  Diff(chain, "2\tB2\n4\td\n5\te\n", {0});
  KeyDiff(chain, "1\tnew 1\n", "1\tnew 1\n2\tB2\n5\te\n");
  EXPECT_EQ(Sorted(Replay(chain, {0})), Sorted("1\tnew 1\n2\tB2\n5\te\n"));
  // A false alarm (the server names a row as written that is not new) stores it again, harmlessly.
  KeyedChanges same = KeyDiff(chain, "2\tB2\n", "1\tnew 1\n2\tB2\n5\te\n");
  EXPECT_EQ(same.updated, 0);
  EXPECT_EQ(same.rewritten_same, 1);
  EXPECT_EQ(Sorted(Replay(chain, {0})), Sorted("1\tnew 1\n2\tB2\n5\te\n"));
}

TEST(RowDiffTest, KeyDiffOfManyRowsSortsInBuckets) {
  // Enough keys for the bucketed sort: every 7th row rewritten, every 11th gone, 3000 new.
  std::string base, written, now;
  int64_t updated = 0, deleted = 0;
  for (int i = 0; i < 150000; ++i) {
    absl::StrAppend(&base, i, "\trow ", i, "\n");
    if (i % 11 == 0) {
      ++deleted;
    } else if (i % 7 == 0) {
      ++updated;
      absl::StrAppend(&written, i, "\tnew ", i, "\n");
      absl::StrAppend(&now, i, "\tnew ", i, "\n");
    } else {
      absl::StrAppend(&now, i, "\trow ", i, "\n");
    }
  }
  for (int i = 200000; i < 203000; ++i) {
    absl::StrAppend(&written, i, "\tadded\n");
    absl::StrAppend(&now, i, "\tadded\n");
  }
  std::vector<Link> chain = {{base, ""}};
  KeyedChanges c = KeyDiff(chain, written, now);
  EXPECT_EQ(c.inserted, 3000);
  EXPECT_EQ(c.updated, updated);
  EXPECT_EQ(c.deleted, deleted);
  EXPECT_EQ(c.digest, DigestOf(now));
  EXPECT_EQ(Sorted(Replay(chain, {0})), Sorted(now));
}

TEST(RowDiffTest, KeyDiffRefusesAHistoryThatDoesNotFit) {
  std::vector<Link> chain = {{"1\ta\n", ""}};
  StringSink member;
  KeyedDiff diff(RowKeyer({0}), 2, member);
  EXPECT_THAT(Feed(diff.scan(), "1\t\\N\n7\t\\N\n", 4), IsOk());  // 7: neither in the parent nor written
  PendingDeletes pending;
  ChainRowFilter filter(RowKeyer({0}), pending, diff.parent());
  EXPECT_THAT(Feed(filter, chain[0].rows, 11), IsOk());
  EXPECT_THAT(diff.Finish().status(), StatusIs(absl::StatusCode::kFailedPrecondition));
  KeyedDiff twice(RowKeyer({0}), 2, member);
  EXPECT_THAT(Feed(twice.scan(), "1\t\\N\n1\t\\N\n", 4), IsOk());
  EXPECT_THAT(twice.Finish().status(), StatusIs(absl::StatusCode::kDataLoss));
  // A written row whose record does not hold the key it came with, or is not a record.
  for (const char* scan : {"1\t(2,x)\n", "1\t(1,x,y)\n", "1\n"}) {
    KeyedDiff wrong(RowKeyer({0}), 2, member);
    EXPECT_THAT(Feed(wrong.scan(), scan, 4), StatusIs(absl::StatusCode::kDataLoss)) << scan;
  }
}

TEST(RowDiffTest, KeyedTableChainReplaysToEveryState) {
  std::vector<Link> chain = {{"1\ta\n2\tb\n3\tc\n", ""}};
  std::string v1 = "1\ta\n2\tB\n4\td\n";  // update 2, delete 3, insert 4
  RowChanges c1 = Diff(chain, v1, {0});
  EXPECT_EQ(c1.inserted, 1);
  EXPECT_EQ(c1.updated, 1);
  EXPECT_EQ(c1.deleted, 1);
  EXPECT_EQ(Sorted(chain.back().rows), Sorted("2\tB\n4\td\n"));
  EXPECT_EQ(Sorted(Replay(chain, {0})), Sorted(v1));
  std::string v2 = "2\tBB\n3\tc again\n4\td\n";  // delete 1, update 2 again, re-insert 3
  RowChanges c2 = Diff(chain, v2, {0});
  EXPECT_EQ(c2.inserted, 1);
  EXPECT_EQ(c2.updated, 1);
  EXPECT_EQ(c2.deleted, 1);
  EXPECT_EQ(Sorted(Replay(chain, {0})), Sorted(v2));
  RowChanges none = Diff(chain, v2, {0});
  EXPECT_EQ(none.inserted + none.updated + none.deleted, 0);
  EXPECT_EQ(chain.back().rows, "");
  EXPECT_EQ(Sorted(Replay(chain, {0})), Sorted(v2));
}

TEST(RowDiffTest, UnkeyedTableIsAMultiset) {
  std::vector<Link> chain = {{"x\t1\nx\t1\ny\t2\n", ""}};
  std::string v1 = "x\t1\ny\t2\ny\t2\nz\t\\N\n";  // one x less, one y more, z new
  RowChanges c = Diff(chain, v1, {});
  EXPECT_EQ(c.inserted, 2);
  EXPECT_EQ(c.deleted, 1);
  EXPECT_EQ(Sorted(Replay(chain, {})), Sorted(v1));
  std::string v2 = "";
  Diff(chain, v2, {});
  EXPECT_EQ(Replay(chain, {}), "");
}

TEST(RowDiffTest, CompositeKeysAndEscapedTabs) {
  // Field 1 and 2 form the key; an escaped tab inside a value is not a field separator.
  std::vector<Link> chain = {{"v\\t1\ta\t1\nv2\ta\t2\nv3\tb\t1\n", ""}};
  std::string v1 = "v\\t1 new\ta\t1\nv2\ta\t2\nv4\tb\t2\n";
  RowChanges c = Diff(chain, v1, {1, 2});
  EXPECT_EQ(c.updated, 1);
  EXPECT_EQ(c.inserted, 1);
  EXPECT_EQ(c.deleted, 1);
  EXPECT_EQ(Sorted(Replay(chain, {1, 2})), Sorted(v1));
}

TEST(RowDiffTest, RandomRoundsOfChangeMatchTheTruth) {
  std::mt19937 rng(7);
  std::map<int, std::string> table;
  for (int i = 0; i < 500; ++i) table[i] = absl::StrCat("row ", i);
  auto text = [&] {
    std::string t;
    for (auto& [k, v] : table) absl::StrAppend(&t, k, "\t", v, "\n");
    return t;
  };
  std::vector<Link> chain = {{text(), ""}};
  std::set<int> touched;  // keys written since the last link
  int next = 500;
  for (int round = 0; round < 6; ++round) {
    for (int n = 0; n < 20; ++n) {
      int k = static_cast<int>(rng() % static_cast<unsigned>(next));
      switch (rng() % 4) {
        case 0: touched.insert(next); table[next++] = "new"; break;
        case 1: if (table.count(k)) { table[k] += "!"; touched.insert(k); } break;
        case 2: if (!table.count(k)) { table[k] = "again"; touched.insert(k); } break;
        default: table.erase(k);
      }
    }
    if (round % 2 == 0) {
      Diff(chain, text(), {0});
    } else {  // by key: the server would name the rows written since the last link
      std::string written;
      for (auto& [k, v] : table) {
        if (touched.count(k)) absl::StrAppend(&written, k, "\t", v, "\n");
      }
      KeyDiff(chain, written, text());
    }
    touched.clear();
    ASSERT_EQ(Sorted(Replay(chain, {0})), Sorted(text())) << "round " << round;
    EXPECT_LT(chain.back().rows.size(), text().size() / 5);
  }
}

TEST(RowDiffTest, DamageIsDataLoss) {
  PendingDeletes pending;
  RowDeletesReader reader(pending, false);
  EXPECT_THAT(Feed(reader, "not hex\n", 3), StatusIs(absl::StatusCode::kDataLoss));
  StringSink out;
  RowsToSink sink(out);
  ChainRowFilter filter(RowKeyer({3}), pending, sink);
  EXPECT_THAT(Feed(filter, "1\t2\n", 10), StatusIs(absl::StatusCode::kDataLoss));
  ChainRowFilter partial(RowKeyer({}), pending, sink);
  EXPECT_THAT(sink.Flush(), IsOk());
  EXPECT_THAT(Feed(partial, "1\t2", 10), StatusIs(absl::StatusCode::kDataLoss));
  RowHash h;
  EXPECT_TRUE(RowHash::FromHex(RowHasher().Of("x").Hex(), &h));
  EXPECT_EQ(h, RowHasher().Of("x"));
}

}  // namespace
}  // namespace pgark::formats
