// The CSV reader of `pgark import csv`: any bytes, in any chunking, give records or a clean
// error, never a crash or a record past kMaxRecordBytes.
#include "formats/record_readers.h"
#include "tests/fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using pgark::formats::CsvReader;
  const char delimiter = size > 0 && data[0] % 2 ? ';' : ',';
  CsvReader reader(
      [](const CsvReader::Fields& fields, uint64_t) {
        size_t bytes = 0;
        for (const auto& f : fields) bytes += f ? f->size() : 0;
        if (bytes > pgark::formats::kMaxRecordBytes) __builtin_trap();
        return absl::OkStatus();
      },
      delimiter);
  if (pgark::fuzz::FeedInChunks(data, size, [&](absl::string_view chunk) {
        return reader.Append(chunk);
      }).ok()) {
    (void)reader.Finish();
  }
  return 0;
}
