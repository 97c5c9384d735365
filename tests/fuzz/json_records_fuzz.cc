// The JSON record splitter of `pgark import json` and the object reader behind it: any bytes,
// in any chunking, give records or a clean error.
#include "formats/record_readers.h"
#include "tests/fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  pgark::formats::JsonRecordSplitter splitter([](absl::string_view raw, uint64_t) {
    (void)pgark::formats::JsonObjectMembers(raw);
    return absl::OkStatus();
  });
  if (pgark::fuzz::FeedInChunks(data, size, [&](absl::string_view chunk) {
        return splitter.Append(chunk);
      }).ok()) {
    (void)splitter.Finish();
  }
  return 0;
}
