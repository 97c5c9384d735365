#include "engine/plan/ordering.h"

#include "gtest/gtest.h"

namespace pgark::engine {
namespace {

TEST(TopologicalOrderTest, DependenciesFirstThenPriority) {
  // 0 view (prio 6) -> 2 table; 1 function (prio 3); 2 table (prio 5) -> 1 function.
  EXPECT_EQ(TopologicalOrder(3, {{0, 2}, {2, 1}}, {6, 3, 5}), (std::vector<size_t>{1, 2, 0}));
  // Without edges, priority decides; ties keep the input order.
  EXPECT_EQ(TopologicalOrder(3, {}, {5, 3, 5}), (std::vector<size_t>{1, 0, 2}));
  // A cycle is broken, every node still comes out once.
  EXPECT_EQ(TopologicalOrder(2, {{0, 1}, {1, 0}}, {1, 1}).size(), 2u);
}

TEST(OrderByForeignKeysTest, ParentsFirstAndStable) {
  auto t = [](uint32_t oid, const char* name) { return TableRef{oid, "public", name, 'r', 0}; };
  std::vector<TableRef> tables = {t(1, "books"), t(2, "chapters"), t(3, "series"), t(4, "x")};
  // books -> series, chapters -> books
  auto ordered = OrderByForeignKeys(tables, {{1, 3}, {2, 1}, {9, 1}});
  std::vector<std::string> names;
  for (const auto& r : ordered) names.push_back(r.name);
  EXPECT_EQ(names, (std::vector<std::string>{"series", "books", "chapters", "x"}));
  // A cycle keeps the input order.
  auto cyclic = OrderByForeignKeys({t(1, "a"), t(2, "b")}, {{1, 2}, {2, 1}});
  EXPECT_EQ(cyclic[0].name, "a");
  EXPECT_EQ(cyclic[1].name, "b");
}

}  // namespace
}  // namespace pgark::engine
