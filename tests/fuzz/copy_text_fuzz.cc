// COPY text as pgark reads it: the framing check of a data member (its COPY line, rows, one
// "\." at the end and nothing after) and the unescaper of exports, over any bytes in any
// chunking.
#include "formats/archive_writer.h"
#include "formats/copy_text.h"
#include "formats/memory_io.h"
#include "tests/fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  pgark::formats::StringSink rows;
  pgark::formats::CopyFramingSink framing("COPY public.t (a, b) FROM stdin;\n", "\\.\n");
  framing.set_downstream(&rows);
  pgark::formats::StringSink text;
  pgark::formats::CopyTextUnescaper unescaper;
  unescaper.set_downstream(&text);
  bool framed = true;
  bool unescaped = true;
  (void)pgark::fuzz::FeedInChunks(data, size, [&](absl::string_view chunk) {
    framed = framed && framing.Append(chunk).ok();
    unescaped = unescaped && unescaper.Append(chunk).ok();
    return absl::OkStatus();
  });
  if (framed) (void)framing.Close();
  if (unescaped) (void)unescaper.Close();
  return 0;
}
