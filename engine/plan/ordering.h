// Orderings of the dump plan, pure and small: a topological sort with priorities (pre-data
// objects by their dependencies) and the foreign-key order of tables' data.
#ifndef PGARK_ENGINE_PLAN_ORDERING_H_
#define PGARK_ENGINE_PLAN_ORDERING_H_

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "engine/catalog/facts.h"

namespace pgark::engine {

// Topological order of `count` nodes given (dependent, referenced) edges: a referenced node
// always comes before its dependents; among ready nodes the lowest `priority`, then the lowest
// index, goes first; a cycle is broken at its lowest (priority, index) node.
std::vector<size_t> TopologicalOrder(size_t count,
                                     const std::vector<std::pair<size_t, size_t>>& edges,
                                     const std::vector<int>& priority);

// `tables` reordered so that referenced tables come before the tables that reference them
// (so data-only restores load parents first); otherwise the input order is kept, and tables in
// a foreign-key cycle keep their relative order.
std::vector<TableRef> OrderByForeignKeys(std::vector<TableRef> tables,
                                         const std::vector<std::pair<uint32_t, uint32_t>>& edges);

}  // namespace pgark::engine

#endif  // PGARK_ENGINE_PLAN_ORDERING_H_
