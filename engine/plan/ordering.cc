#include "engine/plan/ordering.h"

#include <climits>
#include <functional>
#include <map>
#include <queue>
#include <set>

namespace pgark::engine {

std::vector<size_t> TopologicalOrder(size_t count,
                                     const std::vector<std::pair<size_t, size_t>>& edges,
                                     const std::vector<int>& priority) {
  std::vector<std::set<size_t>> dependents(count);
  std::vector<size_t> waiting(count, 0);
  for (const auto& [dependent, referenced] : edges) {
    if (dependent == referenced) continue;
    if (dependents[referenced].insert(dependent).second) ++waiting[dependent];
  }
  using Entry = std::pair<int, size_t>;  // (priority, index), smallest first
  std::priority_queue<Entry, std::vector<Entry>, std::greater<Entry>> ready;
  for (size_t i = 0; i < count; ++i) {
    if (waiting[i] == 0) ready.push({priority[i], i});
  }
  std::vector<size_t> order;
  std::vector<bool> done(count, false);
  while (order.size() < count) {
    if (ready.empty()) {
      // A cycle: release its first node by (priority, index).
      Entry best{INT32_MAX, count};
      for (size_t i = 0; i < count; ++i) {
        if (!done[i]) best = std::min(best, Entry{priority[i], i});
      }
      waiting[best.second] = 0;
      ready.push(best);
    }
    size_t n = ready.top().second;
    ready.pop();
    if (done[n]) continue;
    done[n] = true;
    order.push_back(n);
    for (size_t d : dependents[n]) {
      if (!done[d] && waiting[d] > 0 && --waiting[d] == 0) ready.push({priority[d], d});
    }
  }
  return order;
}

std::vector<TableRef> OrderByForeignKeys(std::vector<TableRef> tables,
                                         const std::vector<std::pair<uint32_t, uint32_t>>& edges) {
  // Kahn's algorithm, always taking the earliest ready table so the order stays stable.
  std::map<uint32_t, size_t> index;
  for (size_t i = 0; i < tables.size(); ++i) index[tables[i].oid] = i;
  std::vector<std::set<size_t>> parents(tables.size());
  for (const auto& [child, parent] : edges) {
    auto c = index.find(child);
    auto p = index.find(parent);
    if (c != index.end() && p != index.end()) parents[c->second].insert(p->second);
  }
  std::vector<TableRef> ordered;
  std::vector<bool> done(tables.size(), false);
  while (ordered.size() < tables.size()) {
    size_t pick = tables.size();
    for (size_t i = 0; i < tables.size() && pick == tables.size(); ++i) {
      if (done[i]) continue;
      bool ready = true;
      for (size_t p : parents[i]) ready = ready && done[p];
      if (ready) pick = i;
    }
    // A cycle: take the earliest remaining table; its foreign keys come after the data anyway.
    if (pick == tables.size()) {
      for (size_t i = 0; i < tables.size(); ++i) {
        if (!done[i]) {
          pick = i;
          break;
        }
      }
    }
    done[pick] = true;
    ordered.push_back(tables[pick]);
  }
  return ordered;
}

}  // namespace pgark::engine
