// The in-memory parts of the data path, one codec at a time: gzip engines and levels and zstd
// levels on 1 MiB blocks (the archive's unit), decompression, the parallel block compressor, SHA-256, row hashing for
// incremental backups, COPY text to JSON, and the CSV and JSON readers of import.
//   ./build/bench/codec_bench --benchmark_min_time=0.5
#include <string>

#include "bench/bench_data.h"
#include "benchmark/benchmark.h"
#include "formats/block_gzip.h"
#include "formats/byte_counter.h"
#include "formats/compression.h"
#include "formats/copy_text.h"
#include "formats/gzip.h"
#include "formats/member_pipeline.h"
#include "formats/memory_io.h"
#include "formats/record_readers.h"
#include "formats/row_diff.h"
#include "formats/sha256.h"
#include "formats/zstd_codec.h"

namespace pgark::formats {
namespace {

using ::pgark::bench::CopyRows;

void Check(const absl::Status& s) {
  if (!s.ok()) std::abort();
}

// One 1 MiB block per call, as an archive's MemberPipeline does.
void BM_GzipBlock(benchmark::State& state) {
  const auto engine = static_cast<GzipEngine>(state.range(0));
  const int level = static_cast<int>(state.range(1));
  const absl::string_view block = absl::string_view(CopyRows()).substr(0, 1 << 20);
  std::string out;
  for (auto _ : state) {
    out.clear();
    Check(GzipBlock(engine, level, block, out));
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * block.size()));
  state.counters["ratio"] = static_cast<double>(block.size()) / static_cast<double>(out.size());
  state.SetLabel(engine == GzipEngine::kZlib ? "zlib" : engine == GzipEngine::kIsal ? "isa-l" : "libdeflate");
}
BENCHMARK(BM_GzipBlock)
    ->Args({static_cast<int>(GzipEngine::kZlib), 1})
    ->Args({static_cast<int>(GzipEngine::kZlib), 6})
    ->Args({static_cast<int>(GzipEngine::kLibdeflate), 1})
    ->Args({static_cast<int>(GzipEngine::kLibdeflate), 4})
    ->Args({static_cast<int>(GzipEngine::kLibdeflate), 6})
    ->Args({static_cast<int>(GzipEngine::kLibdeflate), 9})
    ->Args({static_cast<int>(GzipEngine::kIsal), 1})
    ->Unit(benchmark::kMillisecond);

// zstd (--compress zstd:LEVEL) on the same 1 MiB blocks.
void BM_ZstdBlock(benchmark::State& state) {
  const int level = static_cast<int>(state.range(0));
  const absl::string_view block = absl::string_view(CopyRows()).substr(0, 1 << 20);
  std::string out;
  for (auto _ : state) {
    out.clear();
    Check(ZstdBlock(level, block, out));
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * block.size()));
  state.counters["ratio"] = static_cast<double>(block.size()) / static_cast<double>(out.size());
}
BENCHMARK(BM_ZstdBlock)->Arg(1)->Arg(3)->Arg(6)->Arg(9)->Arg(19)->Unit(benchmark::kMillisecond);

// What a restore's reader thread does: 32 MiB of 1 MiB frames decompressed (igzip for gzip
// level 4, libzstd for zstd level 3).
void BM_Decompress(benchmark::State& state) {
  const Compression c = state.range(0) == 0 ? Compression{Codec::kGzip, 4}
                                            : Compression{Codec::kZstd, 3};
  const std::string& data = CopyRows();
  std::string stored;
  for (size_t at = 0; at < data.size(); at += 1 << 20) {
    Check(CompressBlock(c, absl::string_view(data).substr(at, 1 << 20), stored));
  }
  for (auto _ : state) {
    NullSink null;
    std::unique_ptr<ForwardingSink> d = NewDecompressor(c.codec);
    d->set_downstream(&null);
    Check(d->Append(stored));
    Check(d->Close());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * data.size()));
  state.SetLabel(std::string(CodecName(c.codec)));
}
BENCHMARK(BM_Decompress)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

// 32 MiB through the archive's MemberPipeline (level 4, the default) with N compression
// threads: blocks cut on this thread, compressed on the pool, digested and "written" in order.
void BM_MemberPipeline(benchmark::State& state) {
  const int threads = static_cast<int>(state.range(0));
  const std::string& data = CopyRows();
  CompressionPool pool(threads);
  for (auto _ : state) {
    NullSink null;
    MemberPipeline pipe({.compression = {Codec::kGzip, 4}}, threads > 1 ? &pool : nullptr, null);
    for (size_t at = 0; at < data.size(); at += 64 * 1024) {
      Check(pipe.member().Append(absl::string_view(data).substr(at, 64 * 1024)));
    }
    Check(pipe.EndMember().status());
    Check(pipe.Finish().status());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * data.size()));
}
BENCHMARK(BM_MemberPipeline)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_Sha256(benchmark::State& state) {
  const std::string& data = CopyRows();
  for (auto _ : state) {
    Sha256 sha;
    Check(sha.Update(data));
    benchmark::DoNotOptimize(sha.HexDigest());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * data.size()));
}
BENCHMARK(BM_Sha256)->Unit(benchmark::kMillisecond);

// Incremental backups: split COPY rows, key each by its first field, hash each row.
void BM_RowKeysAndHashes(benchmark::State& state) {
  const std::string& data = CopyRows();
  for (auto _ : state) {
    RowState rows(/*keyed=*/true);
    PendingDeletes none;
    ChainRowFilter filter(RowKeyer({0}), none, rows);
    Check(filter.Append(data));
    Check(filter.Close());
    benchmark::DoNotOptimize(rows.size());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * data.size()));
}
BENCHMARK(BM_RowKeysAndHashes)->Unit(benchmark::kMillisecond);

// Export: COPY text of row_to_json() output to a JSON array.
void BM_CopyTextToJsonArray(benchmark::State& state) {
  std::string json;
  for (int i = 0; json.size() < (16u << 20); ++i) {
    json += "{\"id\":" + std::to_string(i) +
            ",\"title\":\"a \\\\\"quoted\\\\\" title\",\"tags\":[\"x\",\"y\"],\"n\":1.5}\n";
  }
  for (auto _ : state) {
    NullSink null;
    JsonLinesToArray array;
    array.set_downstream(&null);
    CopyTextUnescaper unescape;
    unescape.set_downstream(&array);
    Check(unescape.Append(json));
    Check(unescape.Close());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * json.size()));
}
BENCHMARK(BM_CopyTextToJsonArray)->Unit(benchmark::kMillisecond);

// Import: the CSV reader and the JSON record splitter.
void BM_CsvReader(benchmark::State& state) {
  std::string csv;
  for (int i = 0; csv.size() < (16u << 20); ++i) {
    csv += std::to_string(i) + ",\"a, quoted \"\"title\"\"\",plain text here,42.5\r\n";
  }
  for (auto _ : state) {
    uint64_t n = 0;
    CsvReader reader([&](const CsvReader::Fields&, uint64_t) { ++n; return absl::OkStatus(); });
    Check(reader.Append(csv));
    Check(reader.Finish());
    benchmark::DoNotOptimize(n);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * csv.size()));
}
BENCHMARK(BM_CsvReader)->Unit(benchmark::kMillisecond);

void BM_JsonRecordSplitter(benchmark::State& state) {
  std::string json = "[";
  for (int i = 0; json.size() < (16u << 20); ++i) {
    json += (i ? ",\n" : "") + std::string("{\"id\":") + std::to_string(i) +
            ",\"title\":\"a \\\"quoted\\\" title, with [brackets]\",\"n\":1.5}";
  }
  json += "]";
  for (auto _ : state) {
    uint64_t n = 0;
    JsonRecordSplitter splitter([&](absl::string_view, uint64_t) { ++n; return absl::OkStatus(); });
    Check(splitter.Append(json));
    Check(splitter.Finish());
    benchmark::DoNotOptimize(n);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * json.size()));
}
BENCHMARK(BM_JsonRecordSplitter)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace pgark::formats

BENCHMARK_MAIN();
