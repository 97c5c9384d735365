// Test data shared by the in-memory benchmarks.
#ifndef PGARK_BENCH_BENCH_DATA_H_
#define PGARK_BENCH_BENCH_DATA_H_

#include <random>
#include <string>
#include <vector>

namespace pgark::bench {

// 32 MiB of COPY-text-like rows: an id, 40 words from a 2,000-word vocabulary, a number, a
// timestamp (about 3x compressible, like prose).
inline const std::string& CopyRows() {
  static const std::string rows = [] {
    std::mt19937 rng(7);
    std::vector<std::string> words;
    for (int i = 0; i < 2000; ++i) {
      std::string w;
      int len = 3 + static_cast<int>(rng() % 8);
      for (int k = 0; k < len; ++k) w.push_back(static_cast<char>('a' + rng() % 26));
      words.push_back(w);
    }
    std::string s;
    for (int row = 0; s.size() < (32u << 20); ++row) {
      s += std::to_string(row) + "\t";
      for (int k = 0; k < 40; ++k) s += words[rng() % words.size()] + ' ';
      s += "\t" + std::to_string(rng() % 100000) + ".25\t2026-11-25 12:00:00+00\n";
    }
    return s;
  }();
  return rows;
}

}  // namespace pgark::bench

#endif  // PGARK_BENCH_BENCH_DATA_H_
