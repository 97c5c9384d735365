// Throughput of the dump and restore byte pipelines without a database: the chain a table's
// COPY data goes through (raw SHA-256 -> gzip -> stored SHA-256), per gzip level, and the
// restore direction. Input is text-like (COPY rows of words and numbers, ~3x compressible).
#include <string>

#include "bench/bench_data.h"
#include "benchmark/benchmark.h"
#include "formats/byte_counter.h"
#include "formats/filter_chain.h"
#include "formats/gzip.h"
#include "formats/memory_io.h"
#include "formats/sha256.h"

namespace pgark::formats {
namespace {

using ::pgark::bench::CopyRows;

void Feed(Sink& sink, const std::string& data, size_t chunk) {
  for (size_t pos = 0; pos < data.size(); pos += chunk) {
    if (!sink.Append(absl::string_view(data).substr(pos, chunk)).ok()) std::abort();
  }
}

void BM_DumpChain(benchmark::State& state) {
  const int level = static_cast<int>(state.range(0));
  const std::string& data = CopyRows();
  uint64_t stored = 0;
  for (auto _ : state) {
    FilterChain chain;
    chain.Add<Sha256Tap>();
    chain.Add<GzipCompressor>(GzipOptions{.level = level});
    chain.Add<Sha256Tap>();
    ByteCounter* out = chain.Add<ByteCounter>();
    if (!chain.Open(std::make_unique<NullSink>()).ok()) std::abort();
    Feed(chain, data, 64 * 1024);
    if (!chain.Close().ok()) std::abort();
    stored = out->bytes();
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * data.size()));
  state.counters["ratio"] = static_cast<double>(data.size()) / static_cast<double>(stored);
}
BENCHMARK(BM_DumpChain)->Arg(1)->Arg(6)->Arg(9)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_RestoreChain(benchmark::State& state) {
  const std::string& data = CopyRows();
  FilterChain compress;
  compress.Add<GzipCompressor>(GzipOptions{.level = 6});
  auto sink = std::make_unique<StringSink>();
  StringSink* gz = sink.get();
  if (!compress.Open(std::move(sink)).ok()) std::abort();
  Feed(compress, data, 1 << 20);
  if (!compress.Close().ok()) std::abort();
  for (auto _ : state) {
    FilterChain chain;
    chain.Add<Sha256Tap>();
    chain.Add<GzipDecompressor>();
    chain.Add<Sha256Tap>();
    if (!chain.Open(std::make_unique<NullSink>()).ok()) std::abort();
    Feed(chain, gz->data(), 1 << 20);
    if (!chain.Close().ok()) std::abort();
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * data.size()));
}
BENCHMARK(BM_RestoreChain)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_Sha256(benchmark::State& state) {
  const std::string& data = CopyRows();
  for (auto _ : state) {
    Sha256Tap tap;
    NullSink null;
    tap.set_downstream(&null);
    Feed(tap, data, static_cast<size_t>(state.range(0)));
    if (!tap.Close().ok()) std::abort();
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * data.size()));
}
BENCHMARK(BM_Sha256)->Arg(4096)->Arg(1 << 20)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace pgark::formats

BENCHMARK_MAIN();
